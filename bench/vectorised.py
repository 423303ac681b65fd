"""The vectorised contender: the summary's requirements as polars expressions over a table of municipalities.

The physical anchor of the benchmark (bench-only dependency: ``python -m pip install . --group bench``). It
computes exactly the fields `contenders.Tuned` computes, from the same pack data (`contenders.pack_data`): a rule
that reads only the idea is decided once in Python (`contenders._outcome`), a rule that reads a municipality's
facts is written here a second time as a polars expression, by rule id. What is hard-coded and what is read from
the pack is said in `contenders`.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl
from contenders import (
    _BY_ORDER,
    BUILD,
    ERDF_CORE,
    LAG_APPLICANT,
    ROW_FACTS,
    TCN,
    FundData,
    MissingLogic,
    RuleData,
    Summary,
    Tables,
    _asks,
    _chance,
    _decide,
    _outcome,
    _plain_idea,
    _village_culture,
)

from fundmatch._countries import EU_MEMBER_STATES

SCHEMA = {
    "name": pl.String,
    "country": pl.String,
    "nuts": pl.String,
    "population": pl.Int64,
    "degurba": pl.Int64,
    "region_category": pl.String,
    "outermost_region": pl.Boolean,
    "border_region": pl.Boolean,
    "leader_lag": pl.Boolean,
    "eu_project_staff_fte": pl.Float64,
    "third_country_national_share": pl.Float64,
}

c = pl.col
Vec = Callable[[Mapping[str, Any]], pl.Expr]  # the idea's facts → a boolean expression over the row facts


def _lit(value: bool) -> pl.Expr:
    return pl.lit(bool(value))


def _round_tenth(x: pl.Expr) -> pl.Expr:
    """Python's ``round(x, 1)`` as a polars expression (polars' own ``round`` differs from it at about 1 % of sums:
    it rounds ``x * 10`` after that product was rounded, Python rounds the exact binary value of ``x``).

    The product's rounding error is recovered exactly (Dekker's two-product, Veltkamp's split), so a product
    that lands on a half is rounded by which side the exact value lies on, a half that is exact to even."""
    scaled = x * 10.0
    split = x * 134217729.0  # 2**27 + 1
    high = split - (split - x)
    error = (high * 10.0 - scaled) + (x - high) * 10.0  # exactly x * 10 - scaled
    whole = scaled.floor()
    part = scaled - whole
    up = (part > 0.5) | ((part == 0.5) & ((error > 0) | ((error == 0) & (whole % 2 == 1))))
    # polars turns a division by a constant into a product by its inverse: its round gives the nearest tenth.
    return ((whole + up.cast(pl.Float64)) / 10.0).round(1)


def _idea(i: Mapping[str, Any], name: str, test: Callable[[Any], Any]) -> pl.Expr:
    """``test`` of the idea's fact ``name`` as a constant, null where it is missing: polars' ``&`` and ``|`` are
    three-valued (``null & false`` is false), as the engine's conditions are with a missing fact."""
    value = i.get(name)
    return pl.lit(None, dtype=pl.Boolean) if value is None else _lit(test(value))


#: The rules that read a municipality's facts, by (fund, id) or (fund, id, variant) where the condition differs
#: between pack versions (`contenders.VARIANTS`); the idea's part is a constant.
VEC_RULES: dict[tuple[str, ...], Vec] = {
    **{
        (fund, "applicant_in_member_state"): (lambda i: c("member_state")) for fund in ("AMIF", "ESF+", "ERDF", "EAFRD")
    },
    ("AMIF", "denmark_does_not_take_part"): lambda i: c("country") == "DK",
    ("AMIF", "local_need"): lambda i: c("third_country_national_share") >= 0.02,
    ("AMIF", "staff_capacity"): lambda i: c("eu_project_staff_fte") >= 0.5,
    ("AMIF", "domestic_project"): lambda i: c("foreign_country_count") == 0,
    ("ESF+", "staff_capacity"): lambda i: c("eu_project_staff_fte") >= 0.5,
    ("ERDF", "staff_capacity"): lambda i: c("eu_project_staff_fte") >= 1,
    ("ERDF", "urban_area"): lambda i: c("degurba") <= 2,
    ("ERDF", "small_rural_place"): lambda i: (c("degurba") == 3) & (c("population") < 5000),
    ("EAFRD", "leader_area"): lambda i: c("leader_lag") | _idea(i, "applicant_type", lambda t: t == LAG_APPLICANT),
    ("EAFRD", "rural_area"): lambda i: c("degurba") >= 2,
    ("EAFRD", "lag_population_band"): lambda i: c("population") <= 150000,
    ("EAFRD", "staff_capacity"): lambda i: c("eu_project_staff_fte") >= 0.2,
    ("EAFRD", "rural_municipality"): lambda i: c("degurba") == 3,
    ("EAFRD", "village_scale"): lambda i: c("population") < 10000,
    ("EAFRD", "village_investment", "degurba"): lambda i: (
        (c("degurba") == 3) & _idea(i, "activities", lambda a: a & BUILD)
    ),
    ("EAFRD", "village_investment", "degurba or rural theme"): lambda i: (
        ((c("degurba") == 3) | _idea(i, "themes", lambda t: "rural_development" in t))
        & _idea(i, "activities", lambda a: a & BUILD)
    ),
    ("ERDF", "rural_place_outside_core"): lambda i: (
        (c("degurba") == 3) & _idea(i, "themes", lambda t: not t & ERDF_CORE)
    ),
    ("ERDF", "village_culture_outside_core"): lambda i: (
        (c("degurba") == 3) & _idea(i, "themes", lambda t: _village_culture({"themes": t}))
    ),
    ("INTERREG", "two_countries"): lambda i: (
        (c("country_count") >= 2) | _idea(i, "applicant_type", lambda t: t in ("egtc", "cross_border_body"))
    ),
    ("INTERREG", "member_state_beneficiary"): lambda i: c("member_state_count") >= 1,
    ("INTERREG", "cross_border_area"): lambda i: c("border_region"),
    ("INTERREG", "neighbour_partner"): lambda i: c("foreign_country_count") >= 1,
    ("INTERREG", "migration_integration_objective"): lambda i: (
        c("border_region") & _idea(i, "target_groups", lambda t: t & TCN)
    ),
    ("INTERREG", "three_countries"): lambda i: c("country_count") >= 3,
    ("INTERREG", "lead_partner_in_member_state"): lambda i: c("member_state"),
}

#: Prior conditions that read a municipality's facts, by (fund, rule id, position).
VEC_PRIORS: dict[tuple[str, str, int], Vec] = {("EAFRD", "leader_area", 0): lambda i: c("degurba") == 1}

_COHESION: dict[str, Vec] = {
    "outermost": lambda i: c("outermost_region"),
    "less_developed": lambda i: c("region_category") == "less_developed",
    "transition_was_less_developed": lambda i: (
        (c("region_category") == "transition") & (c("region_category_2014_2020") == "less_developed")
    ),
    "transition_otherwise": lambda i: (
        (c("region_category") == "transition") & c("region_category_2014_2020").is_in(["transition", "more_developed"])
    ),
    "more_developed_was_below": lambda i: (
        (c("region_category") == "more_developed")
        & c("region_category_2014_2020").is_in(["less_developed", "transition"])
    ),
    "more_developed_was_more_developed": lambda i: (
        (c("region_category") == "more_developed") & (c("region_category_2014_2020") == "more_developed")
    ),
    "transition": lambda i: c("region_category") == "transition",
    "more_developed": lambda i: c("region_category") == "more_developed",
}
VEC_RATES: dict[tuple[str, str], Vec] = {
    **{("ESF+", k): v for k, v in _COHESION.items()},
    **{("ERDF", k): v for k, v in _COHESION.items()},
    ("EAFRD", "less_developed"): _COHESION["less_developed"],
    ("EAFRD", "leader"): lambda i: c("leader_lag") | _idea(i, "applicant_type", lambda t: t == LAG_APPLICANT),
    ("EAFRD", "outermost"): _COHESION["outermost"],
    ("EAFRD", "transition"): _COHESION["transition"],
    ("EAFRD", "other_regions"): lambda i: c("region_category") == "more_developed",
}
#: ``undecided_when`` conditions that read a municipality's facts, by (fund, rule id).
VEC_UNDECIDED: dict[tuple[str, str], Vec] = {
    **{
        (fund, "no_airport_infrastructure"): lambda i: (
            c("outermost_region")
            | _idea(i, "themes", lambda t: t & {"environment_nature", "energy_climate"})
            | _idea(i, "activities", lambda a: not a & {"construction", "renovation", "equipment"})
            | _idea(i, "themes", lambda t: "transport" in t)
        )
        for fund in ("ERDF", "INTERREG")
    },
    **{
        (fund, "no_landfill"): lambda i: (
            c("outermost_region")
            | _idea(i, "themes", lambda t: "environment_nature" in t)
            | _idea(i, "activities", lambda a: not a & {"construction", "renovation", "equipment"})
        )
        for fund in ("ERDF", "INTERREG")
    },
}
VEC_ROUTES: dict[tuple[str, str], Vec] = {
    ("EAFRD", "cap_investments"): lambda i: (c("degurba") == 3) | ((c("degurba") == 2) & (c("population") < 20000)),
}

_EU = sorted(EU_MEMBER_STATES)


def frame(rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
    """The profile dicts as a table (a key left out is null: unknown)."""
    return pl.from_dicts(rows, schema=SCHEMA)


def _tables_frame(tables: Tables) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "nuts2": list(tables.regions),
            "_category": [v[0] for v in tables.regions.values()],
            "_category_2014_2020": [v[1] for v in tables.regions.values()],
            "_outermost": [v[2] for v in tables.regions.values()],
        },
        schema={"nuts2": pl.String, "_category": pl.String, "_category_2014_2020": pl.String, "_outermost": pl.Boolean},
    )


def row_facts(df: pl.DataFrame, partners: frozenset[str], tables: Tables, regions: pl.DataFrame) -> pl.DataFrame:
    """The municipality facts of `contenders.row_facts`, as columns."""
    country = c("country").str.strip_chars().str.to_uppercase().replace({"EL": "GR", "UK": "GB"})
    code = c("nuts").str.strip_chars().str.to_uppercase()
    cross = sorted(tables.cross_border)
    in_area = code.str.contains(r"^[A-Z]{2}[0-9A-Z]{2,3}$") & (
        code.is_in(cross) | ((code.str.len_chars() == 5) & code.str.slice(0, 4).is_in(cross))
    )
    partner_list = sorted(partners)
    n_partner_eu = len(partners & EU_MEMBER_STATES)
    df = df.with_columns(country=country, nuts2=c("nuts").str.slice(0, 4).str.to_uppercase(), _in_area=in_area)
    df = df.join(regions, on="nuts2", how="left", maintain_order="left")
    own = ~c("country").is_in(partner_list)
    return df.with_columns(
        member_state=c("country").is_in(_EU),
        region_category=pl.coalesce(c("region_category"), c("_category")),
        region_category_2014_2020=c("_category_2014_2020").fill_null("unknown"),
        outermost_region=pl.when(c("outermost_region").is_not_null())
        .then(c("outermost_region"))
        .when(~c("country").is_in(["ES", "FR", "PT"]))
        .then(False)
        .otherwise(c("_outermost")),
        border_region=pl.when(c("border_region").is_not_null())
        .then(c("border_region"))
        .when(c("_in_area").fill_null(False))
        .then(True)
        .otherwise(None),
        country_count=pl.lit(len(partners)) + own.cast(pl.Int64),
        member_state_count=pl.lit(n_partner_eu) + (c("country").is_in(_EU) & own).cast(pl.Int64),
        foreign_country_count=pl.lit(len(partners)) - (~own).cast(pl.Int64),
    )


def _chain(pairs: list[tuple[pl.Expr, Any]], default: Any, dtype: Any) -> pl.Expr:
    if not pairs:
        return pl.lit(default, dtype=dtype)
    expr: Any = pl.when(pairs[0][0]).then(pl.lit(pairs[0][1], dtype=dtype))
    for cond, value in pairs[1:]:
        expr = expr.when(cond).then(pl.lit(value, dtype=dtype))
    return expr.otherwise(pl.lit(default, dtype=dtype))


class _Rule:
    """One rule as columns: pass, fail and unknown flags (constants where only the idea is read)."""

    def __init__(self, fund: FundData, rule: RuleData, idea: Mapping[str, Any]) -> None:
        self.rule = rule
        row_reads = [n for n in rule.reads if n in ROW_FACTS]
        idea_missing = [n for n in rule.reads if n not in ROW_FACTS and idea.get(n) is None]
        f = dict(idea, fund=fund.fund)
        if not row_reads:
            if rule.priors and any((p[0] and set(p[0][0]) & ROW_FACTS) or p[2] for p in rule.priors):
                raise MissingLogic(f"vectorised: row-dependent prior of an idea-only rule {fund.fund}.{rule.id}")
            if rule.undecided is not None and set(rule.undecided[0]) & ROW_FACTS:
                decided, _ = _outcome(dataclasses.replace(rule, undecided=None), f)
                if decided == rule.undecided_on:
                    self._left_open(fund, rule, f, decided)
                    return
            outcome, missed = _outcome(rule, f)
            self.passed, self.failed = _lit(outcome == "pass"), _lit(outcome == "fail")
            self.unknown = _lit(outcome == "unknown")
            self.missing = {n: _lit(True) for n in missed} | (
                {f"ask:{rule.id}": _lit(True)} if outcome == "unknown" and not missed else {}
            )
            self.undecided = _lit(outcome == "unknown" and not missed)
            self.chance = pl.lit(_chance(rule, f) if outcome == "unknown" else 0.5)
            return
        if rule.undecided is not None:
            raise MissingLogic(f"vectorised: no undecided_when for row rule {fund.fund}.{rule.id}")
        vec = VEC_RULES.get((fund.fund, rule.id, rule.variant)) or VEC_RULES.get((fund.fund, rule.id))
        if vec is None:
            raise MissingLogic(f"vectorised: no polars logic for rule {fund.fund}.{rule.id}")
        # Null where a missing fact (the row's, or the idea's as a null constant) could change it.
        holds = vec(idea)
        self.unknown = holds.is_null()
        passed = ~holds if rule.kind == "exclusion" else holds
        self.passed = passed.fill_null(False)
        self.failed = (~passed).fill_null(False)
        self.missing = {}
        for n in rule.reads:
            ask = _asks(n, f)
            cond = _lit(True) if n in idea_missing else (c(n).is_null() if n in ROW_FACTS else _lit(False))
            cond = self.unknown & cond
            self.missing[ask] = self.missing[ask] | cond if ask in self.missing else cond
        self.undecided = _lit(False)
        self.chance = self._chance(fund, f)

    def _left_open(self, fund: FundData, rule: RuleData, f: Mapping[str, Any], decided: str) -> None:
        """An idea-only outcome that a municipality's fact can leave undecided (`undecided_when`)."""
        vec = VEC_UNDECIDED.get((fund.fund, rule.id))
        if vec is None or rule.undecided is None:
            raise MissingLogic(f"vectorised: no polars undecided_when for {fund.fund}.{rule.id}")
        reads = rule.undecided[0]
        idea_gap = [n for n in reads if n not in ROW_FACTS and f.get(n) is None]
        row_reads = [n for n in reads if n in ROW_FACTS]
        left = vec(f)
        # A missing fact that could decide whether it is left open: unknown, asking for the missing facts.
        gap = left.is_null()
        open_ = left.fill_null(False)
        self.undecided = open_
        self.unknown = open_ | gap
        self.passed, self.failed = _lit(decided == "pass") & ~self.unknown, _lit(decided == "fail") & ~self.unknown
        self.missing = {f"ask:{rule.id}": open_}
        for n in idea_gap:
            self.missing[_asks(n, f)] = gap
        for n in row_reads:
            ask = _asks(n, f)
            cond = gap & c(n).is_null()
            self.missing[ask] = self.missing[ask] | cond if ask in self.missing else cond
        self.chance = pl.lit(_chance(rule, f))

    def _chance(self, fund: FundData, f: Mapping[str, Any]) -> pl.Expr:
        pairs: list[tuple[pl.Expr, pl.Expr]] = []
        for k, (logic, value, by_country) in enumerate(self.rule.priors):
            if logic is None:
                cond = _lit(True)
            elif not set(logic[0]) & ROW_FACTS:
                cond = _lit(_decide(logic, f) is True)
            else:
                vec = VEC_PRIORS.get((fund.fund, self.rule.id, k))
                if vec is None:
                    raise MissingLogic(f"vectorised: no polars prior for {fund.fund}.{self.rule.id}")
                cond = vec(f).fill_null(False)
            chance = (
                c("country").replace_strict(by_country, default=value, return_dtype=pl.Float64)
                if by_country
                else pl.lit(value, dtype=pl.Float64)
            )
            pairs.append((cond, chance))
        if not pairs:
            return pl.lit(0.5)
        expr: Any = pl.when(pairs[0][0]).then(pairs[0][1])
        for cond, chance in pairs[1:]:
            expr = expr.when(cond).then(chance)
        return expr.otherwise(pl.lit(0.5))


def _fund_columns(
    fund: FundData, idea: Mapping[str, Any], decode: dict[str, tuple[list[str], list[str]]]
) -> list[pl.Expr]:
    """The fund's summary as columns ``FUND|field``; ``decode`` gets the ids behind the bit sets."""
    rules = [_Rule(fund, r, idea) for r in fund.rules]
    p = fund.fund
    deciding = [r for r in rules if r.rule.deciding and not r.rule.route_rule]
    fail = functools.reduce(operator.or_, (r.failed for r in deciding), _lit(False))
    holding_rules = [r for r in deciding if r.rule.holds_status_unknown or r.rule.undecided is not None]
    # An undecided rule holds the status whatever its unknown_effect; a missing fact only with "status".
    holding = [r.unknown if r.rule.holds_status_unknown else r.undecided for r in holding_rules]
    unknown = functools.reduce(operator.or_, holding, _lit(False))
    status = pl.when(fail).then(2).when(unknown).then(1).otherwise(0)
    likelihood = functools.reduce(
        operator.mul,
        (pl.when(h).then(r.chance).otherwise(1.0) for r, h in zip(holding_rules, holding, strict=True)),
        pl.lit(1.0),
    )
    if fund.routes:
        by_id = {r.rule.id: r for r in rules}
        states, chances = [], []
        for route in fund.routes:
            if route.logic is None:
                holds, undecided = _lit(True), _lit(False)
            else:
                vec = VEC_ROUTES.get((p, route.id))
                if vec is None:
                    raise MissingLogic(f"vectorised: no polars logic for route {p}.{route.id}")
                condition = vec(idea)
                undecided = condition.is_null()
                holds = condition.fill_null(True)
            closed = ~holds | functools.reduce(operator.or_, (by_id[r].failed for r in route.requires), _lit(False))
            maybe = (
                undecided
                | _lit(route.ask)
                | functools.reduce(operator.or_, (by_id[r].unknown for r in route.requires), _lit(False))
            )
            chance = functools.reduce(
                operator.mul,
                (pl.when(by_id[r].unknown).then(by_id[r].chance).otherwise(1.0) for r in route.requires),
                pl.lit(1.0),
            )
            if route.ask or not route.requires:  # its own question, by its prior (`RouteData.chance`)
                own: pl.Expr = pl.lit(0.5, dtype=pl.Float64)
                if route.priors:
                    value, by_country = route.priors[0]
                    own = (
                        c("country").replace_strict(by_country, default=value, return_dtype=pl.Float64)
                        if by_country
                        else pl.lit(value, dtype=pl.Float64)
                    )
                chance = chance * own
            states.append(pl.when(closed).then(2).when(maybe).then(1).otherwise(0))
            chances.append(pl.when(closed).then(0.0).when(maybe).then(chance).otherwise(1.0))
        best = pl.min_horizontal(states)
        status = pl.max_horizontal(status, best)
        likelihood = likelihood * pl.max_horizontal(chances)
    likelihood = pl.when(status == 1).then(likelihood).when(status == 0).then(1.0).otherwise(0.0)
    points = functools.reduce(
        operator.add,
        (
            pl.when(r.passed).then(r.rule.weight).when(r.unknown).then(r.chance * r.rule.weight).otherwise(0.0)
            for r in rules
            if r.rule.kind == "preference"
        ),
        pl.lit(0.0),
    )
    # Rates: the first that holds; one whose facts are missing stops with no rate.
    f = dict(idea, fund=p)
    pairs_rate: list[tuple[pl.Expr, Any]] = []
    pairs_max: list[tuple[pl.Expr, Any]] = []
    for rate in fund.rates:
        if rate.logic is None:
            cond, stop = _lit(True), _lit(False)
        elif not set(rate.logic[0]) & ROW_FACTS:
            holds = _decide(rate.logic, f)  # three-valued, as the engine decides it
            cond, stop = _lit(holds is True), _lit(holds is None)
        else:
            vec = VEC_RATES.get((p, rate.id))
            if vec is None:
                raise MissingLogic(f"vectorised: no polars logic for rate {p}.{rate.id}")
            condition = vec(idea)
            stop, cond = condition.is_null(), condition.fill_null(False)
        pairs_rate += [(stop, None), (cond, rate.rate)]
        pairs_max += [(stop, None), (cond, rate.rate_max)]
    rate_expr = _chain(pairs_rate, None, pl.Float64)
    budget = idea.get("budget_eur")
    # Failed rule ids and missing inputs as bit sets over the fund's ids (the same information as lists, decoded
    # by `as_summaries`): building list columns row by row would cost more than the whole screening.
    ids = [r.rule.id for r in rules if r.rule.deciding]
    failed = functools.reduce(
        operator.add,
        (pl.when(r.failed).then(1 << k).otherwise(0) for k, r in enumerate(r for r in rules if r.rule.deciding)),
        pl.lit(0),
    )
    asks: dict[str, pl.Expr] = {}
    for r in rules:
        for name, cond in r.missing.items():
            flag = r.unknown & cond if not name.startswith("ask:") else r.undecided
            asks[name] = asks[name] | flag if name in asks else flag
    names = sorted(asks)
    missing = functools.reduce(
        operator.add, (pl.when(asks[n]).then(1 << k).otherwise(0) for k, n in enumerate(names)), pl.lit(0)
    )
    decode[p] = (ids, names)
    return [
        status.alias(f"{p}|status"),
        _round_tenth(points.clip(0.0, 100.0)).alias(f"{p}|score"),
        likelihood.round(3).alias(f"{p}|likelihood"),
        rate_expr.alias(f"{p}|rate"),
        _chain(pairs_max, None, pl.Float64).alias(f"{p}|rate_max"),
        ((rate_expr * budget).round(2) if budget is not None else pl.lit(None, dtype=pl.Float64)).alias(f"{p}|amount"),
        failed.alias(f"{p}|failed"),
        missing.alias(f"{p}|missing"),
    ]


class Vectorised:
    """The summary of every municipality of a table at once; `ranked` gives the long, ranked frame."""

    def __init__(self, idea: Any, funds: Sequence[FundData], tables: Tables) -> None:
        self.idea = _plain_idea(idea)
        self.funds = funds
        self.tables = tables
        self.regions = _tables_frame(tables)
        self.partners = frozenset(self.idea["partner_countries"])
        #: Per fund, the rule ids behind the bits of ``failed`` and the inputs behind the bits of ``missing``.
        self.decode: dict[str, tuple[list[str], list[str]]] = {}
        self.columns = [e for fund in funds for e in _fund_columns(fund, self.idea, self.decode)]

    def ranked(self, df: pl.DataFrame) -> pl.DataFrame:
        """One row per municipality × fund, in ranking order within each municipality (column ``row``)."""
        facts = row_facts(df.with_row_index("row"), self.partners, self.tables, self.regions)
        wide = facts.select("row", *self.columns)
        long = pl.concat(
            [
                wide.select(
                    "row",
                    pl.lit(fund.fund).alias("fund"),
                    pl.lit(fund.order).alias("order"),
                    *(
                        c(f"{fund.fund}|{k}").alias(k)
                        for k in ("status", "score", "likelihood", "rate", "rate_max", "amount", "failed", "missing")
                    ),
                )
                for fund in self.funds
            ]
        )
        return long.sort(
            [
                "row",
                c("status") == 2,
                -(c("score") * c("likelihood")).round(3),
                "status",
                "order",
            ]
        )

    def __call__(self, rows: Sequence[Mapping[str, Any]]) -> pl.DataFrame:
        return self.ranked(frame(rows))


def as_summaries(ranked: pl.DataFrame, decode: Mapping[str, tuple[list[str], list[str]]]) -> list[list[Summary]]:
    """The ranked frame in the contenders' form (for the agreement check; not timed)."""
    out: list[list[Summary]] = []
    current = -1
    for row, fund, status, score, likelihood, rate, rate_max, amount, failed, missing in ranked.select(
        "row", "fund", "status", "score", "likelihood", "rate", "rate_max", "amount", "failed", "missing"
    ).iter_rows():
        if row != current:
            out.append([])
            current = row
        ids, names = decode[fund]
        out[-1].append(
            (
                fund,
                _BY_ORDER[status],
                score,
                likelihood,
                rate,
                rate_max,
                amount,
                tuple(i for k, i in enumerate(ids) if failed >> k & 1),
                tuple(n for k, n in enumerate(names) if missing >> k & 1),
            )
        )
    return out
