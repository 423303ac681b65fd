"""Hand-written contenders for the benchmark: the same screening as ``match_many(..., detail="summary")``.

Three implementations of exactly the summary's fields (per fund: status, fit score, likelihood, rate, rate_max,
EU amount, failed requirement ids, missing inputs; funds ranked like fundmatch), written without fundmatch's
engine, rule-engine, explanations or models, so that the benchmark can say how far fundmatch is from the limit:

* `baseline` — the project's plain per-row version: every rule, every set and every idea fact rebuilt for each
  municipality (what a first hand-written script does).
* `Tuned` — a tuned plain-Python loop: everything that depends only on the idea is computed once per batch, and
  a row computes its own facts once and evaluates only the rules that read them.
* `vectorised` — the same requirements as polars expressions over the whole table (bench-only dependency:
  ``python -m pip install . --group bench``).

What is hard-coded and what is read from the pack (so that a re-tuned weight does not break agreement):

* hard-coded here: each rule's LOGIC (its condition, by rule id, with the facts it reads), the rates' and the
  priors' conditions, the one route condition a summary needs (EAFRD ``cap_investments``), how the facts are
  derived from a profile (EL → GR, NUTS-2 lookup, outermost, border region), what each missing fact asks for,
  and the summary's arithmetic (status, fit, likelihood, ranking);
* read from the loaded pack: which rules each fund has and in which order, their kind, weight,
  ``unknown_effect`` and ``undecided_on``, the priors' values and per-country figures, the rates' values and
  ``rate_max``, which rules decide a route (``requires``), whether a route asks, and the period's fund order;
  and from the shipped tables (through their readers): the region table and the Interreg areas.

A pack rule without logic here is refused with its id (`MissingLogic`), and a rule whose ``when`` now
reads differently is caught by the agreement check in ``bench/run.py``, which fails loudly.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fundmatch._countries import EU_MEMBER_STATES, NUTS_CODE, to_iso
from fundmatch._interreg_areas import InterregAreas
from fundmatch._regions import RegionTable
from fundmatch._resources import DEFAULT_PERIOD, PeriodLayout, period_folder

# ------------------------------------------------------------------------------------------ rule logic
TCN = frozenset({"third_country_nationals", "refugees", "asylum_seekers", "unaccompanied_minors"})
BUILD = frozenset({"construction", "renovation", "equipment"})
PUBLIC = ("municipality", "association_of_municipalities", "region", "ngo")
END_2029 = _dt.date(2029, 12, 31)
END_2030 = _dt.date(2030, 12, 31)

Fn = Callable[[Mapping[str, Any]], bool]
#: (the facts a condition reads, the condition); it is called only when none of them is missing.
Logic = tuple[tuple[str, ...], Fn]


def _any(name: str, values: Iterable[str]) -> Fn:
    wanted = frozenset(values)
    return lambda f: not wanted.isdisjoint(f[name])


_COMMON: dict[str, Logic] = {
    "applicant_in_member_state": (("member_state",), lambda f: f["member_state"]),
    "programme_covers_operation": (("fund", "programme_confirmed"), lambda f: f["fund"] in f["programme_confirmed"]),
    "operation_completed": (("completed_before_application",), lambda f: f["completed_before_application"]),
    "expenditure_period": (("planned_end",), lambda f: f["planned_end"] <= END_2029),
}

#: Each fund's rules by id: what the pack's ``when`` says, by hand.
RULES: dict[str, dict[str, Logic]] = {
    "AMIF": {
        **_COMMON,
        "denmark_does_not_take_part": (("country",), lambda f: f["country"] == "DK"),
        "third_country_nationals_targeted": (("target_groups",), _any("target_groups", TCN)),
        "integration_measure": (
            ("themes",),
            _any(
                "themes",
                (
                    "migrant_integration",
                    "language_learning",
                    "employment",
                    "skills_training",
                    "education",
                    "housing",
                    "health",
                    "social_inclusion",
                    "anti_discrimination",
                    "civic_participation",
                    "childcare",
                    "capacity_building",
                    "culture_sport",
                ),
            ),
        ),
        "local_integration_actor": (("applicant_type",), lambda f: f["applicant_type"] in PUBLIC),
        "soft_measures": (("activities",), lambda f: not f["activities"] & {"construction", "renovation"}),
        "core_integration_activities": (
            ("activities",),
            _any("activities", ("language_courses", "counselling", "mentoring", "social_services", "awareness")),
        ),
        "local_need": (("third_country_national_share",), lambda f: f["third_country_national_share"] >= 0.02),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 0.5),
        "third_country_nationals_served": (("target_groups",), _any("target_groups", TCN)),
        "newcomers_only": (
            ("target_groups",),
            lambda f: bool(f["target_groups"] & TCN)
            and f["target_groups"] <= TCN | {"children", "women", "families", "young_people"},
        ),
        "early_integration_theme": (
            ("themes",),
            _any("themes", ("language_learning", "civic_participation", "anti_discrimination")),
        ),
        "labour_market_focus": (
            ("activities", "themes"),
            lambda f: bool(f["themes"] & {"employment", "skills_training"}) or "job_placement" in f["activities"],
        ),
        "building_works": (
            ("activities", "target_groups"),
            lambda f: bool(f["activities"] & {"construction", "renovation"})
            and "asylum_seekers" not in f["target_groups"]
            and "unaccompanied_minors" not in f["target_groups"],
        ),
        "domestic_project": (("foreign_country_count",), lambda f: f["foreign_country_count"] == 0),
    },
    "ESF+": {
        **_COMMON,
        "social_objective": (
            ("themes",),
            _any(
                "themes",
                (
                    "employment",
                    "skills_training",
                    "education",
                    "social_inclusion",
                    "migrant_integration",
                    "language_learning",
                    "anti_discrimination",
                    "childcare",
                    "health",
                    "housing",
                    "capacity_building",
                    "material_deprivation",
                ),
            ),
        ),
        "not_infrastructure_only": (("activities",), lambda f: f["activities"] <= BUILD),
        "third_country_nationals": (("target_groups",), _any("target_groups", TCN)),
        "disadvantaged_groups": (
            ("target_groups",),
            _any(
                "target_groups",
                (
                    "long_term_unemployed",
                    "young_neet",
                    "roma",
                    "persons_with_disabilities",
                    "women",
                    "older_people",
                    "children",
                ),
            ),
        ),
        "people_measures": (
            ("activities",),
            _any(
                "activities",
                ("training", "language_courses", "counselling", "job_placement", "mentoring", "social_services"),
            ),
        ),
        "no_construction_costs": (("activities",), lambda f: "construction" not in f["activities"]),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 0.5),
        "people_centred_theme": (
            ("themes",),
            _any("themes", ("employment", "skills_training", "education", "social_inclusion", "childcare", "health")),
        ),
        "labour_market_measure": (
            ("activities", "themes"),
            lambda f: bool(f["themes"] & {"employment", "skills_training"}) or "job_placement" in f["activities"],
        ),
    },
    "ERDF": {
        **_COMMON,
        "erdf_objective": (
            ("themes",),
            _any(
                "themes",
                (
                    "infrastructure",
                    "housing",
                    "health",
                    "education",
                    "social_inclusion",
                    "migrant_integration",
                    "culture_sport",
                    "tourism",
                    "energy_climate",
                    "digital",
                    "transport",
                    "research_innovation",
                    "business_support",
                    "rural_development",
                    "childcare",
                    "employment",
                    "skills_training",
                    "civic_participation",
                ),
            ),
        ),
        "erdf_scope": (
            ("activities",),
            _any(
                "activities",
                (
                    "construction",
                    "renovation",
                    "equipment",
                    "study",
                    "networking",
                    "exchange_of_practice",
                    "awareness",
                    "pilot_action",
                ),
            ),
        ),
        "investment_component": (("activities",), _any("activities", BUILD)),
        "integration_infrastructure": (
            ("activities", "target_groups"),
            lambda f: bool(f["target_groups"] & TCN) and bool(f["activities"] & BUILD),
        ),
        "social_infrastructure": (
            ("activities", "themes"),
            lambda f: bool(
                f["themes"]
                & {
                    "housing",
                    "health",
                    "education",
                    "social_inclusion",
                    "childcare",
                    "migrant_integration",
                    "employment",
                    "culture_sport",
                }
            )
            and bool(f["activities"] & BUILD),
        ),
        "territorial_development": (
            ("themes",),
            _any(
                "themes",
                (
                    "culture_sport",
                    "tourism",
                    "civic_participation",
                    "rural_development",
                    "social_inclusion",
                    "infrastructure",
                ),
            ),
        ),
        "smart_green_theme": (
            ("themes",),
            _any("themes", ("digital", "research_innovation", "business_support", "energy_climate", "housing")),
        ),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 1),
        "urban_area": (("degurba",), lambda f: f["degurba"] <= 2),
        "small_rural_place": (("degurba", "population"), lambda f: f["degurba"] == 3 and f["population"] < 5000),
    },
    "EAFRD": {
        **_COMMON,
        "leader_area": (("leader_lag",), lambda f: f["leader_lag"]),
        "rural_area": (("degurba",), lambda f: f["degurba"] >= 2),
        "lag_population_band": (("population",), lambda f: f["population"] <= 150000),
        "local_development_theme": (
            ("themes",),
            _any(
                "themes",
                (
                    "rural_development",
                    "culture_sport",
                    "tourism",
                    "agriculture_food",
                    "civic_participation",
                    "business_support",
                ),
            ),
        ),
        "staff_capacity": (("eu_project_staff_fte",), lambda f: f["eu_project_staff_fte"] >= 0.2),
        "rural_municipality": (("degurba",), lambda f: f["degurba"] == 3),
        "village_scale": (("population",), lambda f: f["population"] < 10000),
        "lag_applicant": (("applicant_type",), lambda f: f["applicant_type"] == "local_action_group"),
        "village_investment": (
            ("activities", "degurba"),
            lambda f: f["degurba"] == 3 and bool(f["activities"] & BUILD),
        ),
        "small_budget": (("budget_eur",), lambda f: f["budget_eur"] <= 300000),
    },
    "INTERREG": {
        **_COMMON,
        "two_countries": (
            ("applicant_type", "country_count"),
            lambda f: f["country_count"] >= 2 or f["applicant_type"] in ("egtc", "cross_border_body"),
        ),
        "member_state_beneficiary": (("member_state_count",), lambda f: f["member_state_count"] >= 1),
        "cross_border_area": (("border_region",), lambda f: f["border_region"]),
        "neighbour_partner": (("foreign_country_count",), lambda f: f["foreign_country_count"] >= 1),
        "cooperation_activities": (
            ("activities",),
            _any("activities", ("exchange_of_practice", "networking", "pilot_action", "study", "training")),
        ),
        "migration_integration_objective": (
            ("border_region", "target_groups"),
            lambda f: f["border_region"] and bool(f["target_groups"] & TCN),
        ),
        "three_countries": (("country_count",), lambda f: f["country_count"] >= 3),
        "lead_partner_in_member_state": (("member_state",), lambda f: f["member_state"]),
        "not_lag_cooperation": (("applicant_type",), lambda f: f["applicant_type"] != "local_action_group"),
    },
}

#: ``undecided_when`` by (fund, rule id).
UNDECIDED: dict[tuple[str, str], Logic] = {
    ("ESF+", "expenditure_period"): (("planned_end",), lambda f: f["planned_end"] <= END_2030),
    ("ERDF", "expenditure_period"): (("planned_end",), lambda f: f["planned_end"] <= END_2030),
    ("ERDF", "erdf_scope"): (
        ("activities",),
        lambda f: bool(
            f["activities"]
            & {"training", "language_courses", "counselling", "mentoring", "job_placement", "social_services"}
        )
        and not f["activities"] & {"construction", "renovation", "equipment", "study"},
    ),
}

#: The conditions of a rule's priors, in the pack's order (None: a prior without a condition).
PRIORS: dict[tuple[str, str], list[Logic | None]] = {
    ("EAFRD", "leader_area"): [
        (("applicant_type",), lambda f: f["applicant_type"] == "local_action_group"),
        (("degurba",), lambda f: f["degurba"] == 1),
        None,
    ],
    ("INTERREG", "cross_border_area"): [None],
}

_COHESION: dict[str, Logic | None] = {
    "outermost": (("outermost_region",), lambda f: f["outermost_region"]),
    "less_developed": (("region_category",), lambda f: f["region_category"] == "less_developed"),
    "transition_was_less_developed": (
        ("region_category", "region_category_2014_2020"),
        lambda f: f["region_category"] == "transition" and f["region_category_2014_2020"] == "less_developed",
    ),
    "transition_otherwise": (
        ("region_category", "region_category_2014_2020"),
        lambda f: f["region_category"] == "transition"
        and f["region_category_2014_2020"] in ("transition", "more_developed"),
    ),
    "more_developed_was_below": (
        ("region_category", "region_category_2014_2020"),
        lambda f: f["region_category"] == "more_developed"
        and f["region_category_2014_2020"] in ("less_developed", "transition"),
    ),
    "more_developed_was_more_developed": (
        ("region_category", "region_category_2014_2020"),
        lambda f: f["region_category"] == "more_developed" and f["region_category_2014_2020"] == "more_developed",
    ),
    "transition": (("region_category",), lambda f: f["region_category"] == "transition"),
    "more_developed": (("region_category",), lambda f: f["region_category"] == "more_developed"),
}

#: Co-financing rates' conditions by id (None: the rate applies unconditionally).
RATES: dict[str, dict[str, Logic | None]] = {
    "AMIF": {
        "annex_iv_vulnerable_persons": (("target_groups",), lambda f: "unaccompanied_minors" in f["target_groups"]),
        "annex_iv_local_integration": (
            ("activities", "applicant_type", "target_groups"),
            lambda f: f["applicant_type"] in PUBLIC
            and bool(f["target_groups"] & TCN)
            and bool(
                f["activities"]
                & {
                    "language_courses",
                    "counselling",
                    "mentoring",
                    "training",
                    "social_services",
                    "job_placement",
                    "awareness",
                    "networking",
                    "exchange_of_practice",
                    "pilot_action",
                }
            )
            and not f["activities"] & {"construction", "renovation"},
        ),
        "standard": None,
    },
    "ESF+": {"most_deprived_priority": (("themes",), lambda f: "material_deprivation" in f["themes"]), **_COHESION},
    "ERDF": dict(_COHESION),
    "EAFRD": {
        "less_developed": _COHESION["less_developed"],
        "leader": (("leader_lag",), lambda f: f["leader_lag"]),
        "outermost": _COHESION["outermost"],
        "transition": _COHESION["transition"],
        "other_regions": (("region_category",), lambda f: f["region_category"] == "more_developed"),
    },
    "INTERREG": {"interreg_ceiling": None},
}

#: Route conditions, for the funds whose routes decide the status (a route's ``requires``).
ROUTES: dict[str, dict[str, Logic | None]] = {
    "EAFRD": {
        "leader": None,
        "cap_investments": (
            ("degurba", "population"),
            lambda f: f["degurba"] == 3 or (f["degurba"] == 2 and f["population"] < 20000),
        ),
    },
}

#: What to ask for when a fact is missing (the input behind it); any other fact asks for itself.
ASKS = {
    "member_state": "country",
    "nuts2": "nuts",
    "region_category_doubtful": "region_category",
    "partner_count": "partners",
    "partner_countries": "partners",
    "partner_types": "partners",
    "countries": "partners",
    "country_count": "partners",
    "member_states": "partners",
    "member_state_count": "partners",
    "foreign_country_count": "partners",
    "planned_end": "end_date",
    "region_category_2014_2020_inferred": "region_category_2014_2020",
}

#: The facts of a municipality (everything else comes from the idea alone).
ROW_FACTS = frozenset(
    {
        "name",
        "country",
        "member_state",
        "nuts",
        "nuts2",
        "lau",
        "population",
        "degurba",
        "region_category",
        "region_category_doubtful",
        "region_category_2014_2020",
        "region_category_2014_2020_inferred",
        "outermost_region",
        "border_region",
        "leader_lag",
        "eu_project_staff_fte",
        "third_country_national_share",
        "countries",
        "country_count",
        "member_states",
        "member_state_count",
        "foreign_country_count",
    }
)

COVERS = (
    "per fund: status, score, likelihood, rate, rate_max, amount_eur, failed requirement ids, missing inputs;"
    " funds ranked by (ineligible last, fit × likelihood, status, period order); every rule, rate, prior and"
    " deciding route of the loaded pack"
)


class MissingLogic(Exception):
    """The pack has a rule (or rate, prior, route) the contenders have no hand-written logic for."""


# ------------------------------------------------------------------------------------------ the pack's data
@dataclass(frozen=True, slots=True)
class RuleData:
    """One rule: its logic from here, its numbers and kind from the pack."""

    id: str
    index: int
    kind: str  # requirement | exclusion | preference
    weight: float
    holds_status_unknown: bool  # an unknown outcome with a fact missing holds the status (unknown_effect)
    reads: tuple[str, ...]
    fn: Fn
    undecided_on: str | None
    undecided: Logic | None
    priors: tuple[tuple[Logic | None, float, Mapping[str, float]], ...]
    route_rule: bool

    @property
    def deciding(self) -> bool:
        return self.kind != "preference"


@dataclass(frozen=True, slots=True)
class RateData:
    id: str
    logic: Logic | None
    rate: float
    rate_max: float | None


@dataclass(frozen=True, slots=True)
class RouteData:
    id: str
    logic: Logic | None
    requires: tuple[str, ...]
    ask: bool


@dataclass(frozen=True, slots=True)
class FundData:
    fund: str
    order: int
    rules: tuple[RuleData, ...]
    rates: tuple[RateData, ...]
    routes: tuple[RouteData, ...]  # only where routes decide the status


def _norm(text: str | None) -> str:
    return " ".join(str(text or "").split())


def pack_data(pack: Any) -> list[FundData]:
    """The funds of a loaded pack as the contenders read them; `MissingLogic` for a rule with no logic here."""
    from fundmatch._pack import compiled_funds

    funds = []
    for order, (fund_id, fund) in enumerate(compiled_funds(pack).items()):
        logic = RULES.get(fund_id)
        if logic is None:
            raise MissingLogic(f"no hand-written logic for fund {fund_id}")
        route_rules = fund.route_rules
        rules = []
        for index, rule in enumerate(fund.rules):
            spec = rule.spec
            if spec.id not in logic:
                raise MissingLogic(f"no hand-written logic for rule {fund_id}.{spec.id}: add it to bench/contenders.py")
            reads, fn = logic[spec.id]
            undecided = None
            if rule.undecided is not None:
                undecided = UNDECIDED.get((fund_id, spec.id))
                if undecided is None:
                    raise MissingLogic(f"no hand-written undecided_when for {fund_id}.{spec.id}")
            priors = []
            if rule.priors:
                conditions = PRIORS.get((fund_id, spec.id))
                if conditions is None or len(conditions) != len(rule.priors):
                    raise MissingLogic(f"no hand-written prior conditions for {fund_id}.{spec.id}")
                for condition, prior in zip(conditions, rule.priors, strict=True):
                    if (condition is None) != (prior.condition is None):
                        raise MissingLogic(f"prior conditions of {fund_id}.{spec.id} changed")
                    priors.append((condition, float(prior.spec.value), dict(prior.spec.by_country)))
            kind = spec.kind.value
            rules.append(
                RuleData(
                    id=spec.id,
                    index=index,
                    kind=kind,
                    weight=float(spec.weight or 0.0),
                    holds_status_unknown=kind != "preference" and spec.unknown_effect == "status",
                    reads=tuple(reads),
                    fn=fn,
                    undecided_on=spec.undecided_on,
                    undecided=undecided,
                    priors=tuple(priors),
                    route_rule=spec.id in route_rules,
                )
            )
        rate_logic = RATES.get(fund_id, {})
        rates = []
        for rate in fund.rates:
            spec = rate.spec
            if spec.id not in rate_logic or (rate_logic[spec.id] is None) != (rate.condition is None):
                raise MissingLogic(f"no hand-written logic for rate {fund_id}.{spec.id}")
            rate_max = spec.rate_max if spec.rate_max not in (None, spec.rate) else None
            rates.append(RateData(spec.id, rate_logic[spec.id], float(spec.rate), rate_max))
        routes = []
        if route_rules:
            route_logic = ROUTES.get(fund_id, {})
            for route in fund.routes:
                spec = route.spec
                if spec.id not in route_logic or (route_logic[spec.id] is None) != (route.condition is None):
                    raise MissingLogic(f"no hand-written logic for route {fund_id}.{spec.id}")
                routes.append(RouteData(spec.id, route_logic[spec.id], tuple(spec.requires), bool(spec.ask)))
        funds.append(FundData(fund_id, order, tuple(rules), tuple(rates), tuple(routes)))
    return funds


# ------------------------------------------------------------------------------------------ facts
@dataclass(frozen=True, slots=True)
class Tables:
    """The shipped tables, read by their one reader each: NUTS-2 → region facts, and cross-border codes."""

    regions: dict[str, tuple[str, str, bool | None]]  # nuts2 → (category, 2014–2020 category or "unknown", outermost)
    cross_border: frozenset[str]

    @classmethod
    def load(cls, period: str = DEFAULT_PERIOD) -> Tables:
        layout = PeriodLayout(period_folder(period))
        regions = {
            r.nuts2.upper(): (
                r.category.value,
                r.category_2014_2020.value if r.category_2014_2020 is not None else "unknown",
                r.outermost,
            )
            for r in RegionTable.load(layout.regions)
        }
        cross = frozenset(p.region.upper() for p in InterregAreas.load(layout.areas) if p.cross_border)
        return cls(regions, cross)


_OUTERMOST_COUNTRIES = frozenset({"ES", "FR", "PT"})  # TFEU Art. 349
_EU = frozenset(EU_MEMBER_STATES)


def _plain_idea(idea: Any) -> dict[str, Any]:
    """The idea's facts (a validated `ProjectIdea`): lists as sets (an empty list is missing), enums as text."""

    def texts(values: Sequence[Any] | None) -> set[str] | None:
        found = {getattr(v, "value", v) for v in values or ()}
        return found or None

    end = idea.end_date
    if end is None and idea.start_date is not None and idea.duration_months is not None:
        month0 = idea.start_date.month - 1 + idea.duration_months
        year, month = idea.start_date.year + month0 // 12, month0 % 12 + 1
        day = idea.start_date.day
        while True:
            try:
                end = _dt.date(year, month, day)
                break
            except ValueError:
                day -= 1
    partners = idea.partners
    return {
        "title": idea.title,
        "themes": texts(idea.themes),
        "target_groups": texts(idea.target_groups),
        "activities": texts(idea.activities),
        "applicant_type": getattr(idea.applicant_type, "value", idea.applicant_type),
        "budget_eur": idea.budget_eur,
        "duration_months": idea.duration_months,
        "start_date": idea.start_date,
        "end_date": idea.end_date,
        "planned_end": end,
        "programme_confirmed": texts(idea.programme_confirmed),
        "completed_before_application": idea.completed_before_application,
        "partner_count": len(partners),
        "partner_countries": {p.country for p in partners},
        "partner_types": {getattr(p.type, "value", p.type) for p in partners},
    }


def row_facts(profile: Mapping[str, Any], partner_countries: frozenset[str], tables: Tables) -> dict[str, Any]:
    """A municipality's own facts, derived as the summary needs them (the idea's partners for the country counts)."""
    country = to_iso(str(profile["country"]).strip().upper())
    nuts = profile.get("nuts")
    region = tables.regions.get(nuts[:4].upper()) if nuts else None
    category = profile.get("region_category")
    if category is None and region is not None:
        category = region[0]
    outermost = profile.get("outermost_region")
    if outermost is None:
        outermost = False if country not in _OUTERMOST_COUNTRIES else (region[2] if region is not None else None)
    border = profile.get("border_region")
    if border is None and nuts:
        code = nuts.strip().upper()
        if NUTS_CODE.match(code) and (code in tables.cross_border or (len(code) == 5 and code[:4] in tables.cross_border)):
            border = True
    countries = partner_countries | {country}
    member_states = countries & _EU
    return {
        "country": country,
        "member_state": country in _EU,
        "nuts": nuts,
        "population": profile.get("population"),
        "degurba": profile.get("degurba"),
        "region_category": category,
        "region_category_2014_2020": region[1] if region is not None else "unknown",
        "outermost_region": outermost,
        "border_region": border,
        "leader_lag": profile.get("leader_lag"),
        "eu_project_staff_fte": profile.get("eu_project_staff_fte"),
        "third_country_national_share": profile.get("third_country_national_share"),
        "country_count": len(countries),
        "member_state_count": len(member_states),
        "foreign_country_count": len(partner_countries - {country}),
    }


# ------------------------------------------------------------------------------------------ one fund, generic
_ORDER = {"eligible": 0, "unknown": 1, "ineligible": 2}
_BY_ORDER = ("eligible", "unknown", "ineligible")


def _asks(name: str, f: Mapping[str, Any]) -> str:
    if name == "planned_end" and f.get("duration_months") is not None and f.get("start_date") is None:
        return "start_date"
    return ASKS.get(name, name)


def _outcome(rule: RuleData, f: Mapping[str, Any]) -> tuple[str, list[str]]:
    """'pass' | 'fail' | 'unknown', and the inputs missed (none: undecided)."""
    missing = [n for n in rule.reads if f.get(n) is None]
    if missing:
        return "unknown", [_asks(n, f) for n in missing]
    holds = bool(rule.fn(f))
    outcome = "pass" if holds != (rule.kind == "exclusion") else "fail"
    if rule.undecided is not None and outcome == rule.undecided_on:
        reads, fn = rule.undecided
        if all(f.get(n) is not None for n in reads) and fn(f):
            return "unknown", []
    return outcome, []


def _chance(rule: RuleData, f: Mapping[str, Any]) -> float:
    for logic, value, by_country in rule.priors:
        if logic is not None:
            reads, fn = logic
            if any(f.get(n) is None for n in reads) or not fn(f):
                continue
        return by_country.get(str(f.get("country")), value)
    return 0.5


def _rate(fund: FundData, f: Mapping[str, Any]) -> tuple[float | None, float | None]:
    for rate in fund.rates:
        if rate.logic is not None:
            reads, fn = rate.logic
            if any(f.get(n) is None for n in reads):
                return None, None
            if not fn(f):
                continue
        return rate.rate, rate.rate_max
    return None, None


Summary = tuple[str, str, float, float, float | None, float | None, float | None, tuple[str, ...], tuple[str, ...]]


def summarize(fund: FundData, f: Mapping[str, Any]) -> Summary:
    """One fund's summary from all its facts, every rule evaluated (the plain, untuned way)."""
    status = 0
    points = 0.0
    likelihood = 1.0
    failed: list[str] = []
    missing: set[str] = set()
    chance_of: dict[str, float] = {}
    outcome_of: dict[str, str] = {}
    for rule in fund.rules:
        outcome, missed = _outcome(rule, f)
        outcome_of[rule.id] = outcome
        if outcome == "unknown":
            chance = _chance(rule, f)
            chance_of[rule.id] = chance
            missing.update(missed)
            if not missed:
                missing.add(f"ask:{rule.id}")
            if rule.kind == "preference":
                points += rule.weight * chance
            elif not rule.route_rule and (rule.holds_status_unknown or (not missed and rule.undecided is not None)):
                status = max(status, 1)
                likelihood *= chance
        elif outcome == "fail":
            if rule.deciding:
                failed.append(rule.id)
                if not rule.route_rule:
                    status = 2
        elif rule.kind == "preference":
            points += rule.weight
    if fund.routes:
        best, best_p = 2, 0.0
        for route in fund.routes:
            state, p = _route(route, outcome_of, chance_of, f)
            best = min(best, state)
            if state == 0:
                best_p = 1.0
            elif state == 1:
                best_p = max(best_p, p)
        status = max(status, best)
        if status == 1:
            likelihood *= best_p
    if status != 1:
        likelihood = 1.0 if status == 0 else 0.0
    rate, rate_max = _rate(fund, f)
    budget = f.get("budget_eur")
    amount = round(budget * rate, 2) if budget is not None and rate is not None else None
    score = round(min(100.0, max(0.0, points)), 1)
    return (
        fund.fund,
        _BY_ORDER[status],
        score,
        round(likelihood, 3),
        rate,
        rate_max,
        amount,
        tuple(failed),
        tuple(sorted(missing)),
    )


def _route(
    route: RouteData, outcome_of: Mapping[str, str], chance_of: Mapping[str, float], f: Mapping[str, Any]
) -> tuple[int, float]:
    """A deciding route's state (0 open, 1 maybe, 2 closed) and its chance when maybe."""
    holds: bool | None = True
    if route.logic is not None:
        reads, fn = route.logic
        holds = None if any(f.get(n) is None for n in reads) else bool(fn(f))
    if holds is False or any(outcome_of[r] == "fail" for r in route.requires):
        return 2, 0.0
    if holds is None or route.ask or any(outcome_of[r] == "unknown" for r in route.requires):
        p = 1.0
        for rule_id in route.requires:
            p *= chance_of.get(rule_id, 1.0)
        if route.ask or not route.requires:
            p *= 0.5
        return 1, p
    return 0, 1.0


def _rank(results: list[Summary], order: Mapping[str, int]) -> list[Summary]:
    results.sort(key=lambda r: (r[1] == "ineligible", -round(r[2] * r[3], 3), _ORDER[r[1]], order[r[0]]))
    return results


# ------------------------------------------------------------------------------------------ contenders
def baseline(profile: Mapping[str, Any], idea: Any, funds: Sequence[FundData], tables: Tables) -> list[Summary]:
    """The plain version: the idea's facts and every rule again for each municipality."""
    f = _plain_idea(idea)
    f.update(row_facts(profile, frozenset(f["partner_countries"]), tables))
    order = {fund.fund: fund.order for fund in funds}
    results = []
    for fund in funds:
        f["fund"] = fund.fund
        results.append(summarize(fund, f))
    return _rank(results, order)


@dataclass(slots=True)
class _TunedFund:
    """One fund with its idea-only rules decided once: what is left for a row to do."""

    data: FundData
    status: int
    points: float
    likelihood: float
    failed: list[tuple[int, str]]
    missing: frozenset[str]
    row_rules: tuple[RuleData, ...]
    rate_row: bool  # whether the rates read the row (else decided once)
    rate: tuple[float | None, float | None]
    outcome_of: dict[str, str] = field(default_factory=dict)
    chance_of: dict[str, float] = field(default_factory=dict)


class Tuned:
    """The tuned plain-Python loop: idea-only work once per batch, minimal work per row, no memo."""

    def __init__(self, idea: Any, funds: Sequence[FundData], tables: Tables) -> None:
        self.tables = tables
        self.idea = _plain_idea(idea)
        self.partners = frozenset(self.idea["partner_countries"])
        self.order = {fund.fund: fund.order for fund in funds}
        self.funds = [self._prepare(fund) for fund in funds]

    def _prepare(self, fund: FundData) -> _TunedFund:
        f = dict(self.idea, fund=fund.fund)
        done = _TunedFund(fund, 0, 0.0, 1.0, [], frozenset(), (), False, (None, None))
        missing: set[str] = set()
        row_rules = []
        for rule in fund.rules:
            reads = set(rule.reads)
            for logic, _, by_country in rule.priors:
                reads |= set(logic[0]) if logic else set()
                if by_country:
                    reads.add("country")
            if rule.undecided is not None:
                reads |= set(rule.undecided[0])
            if reads & ROW_FACTS or rule.route_rule:
                row_rules.append(rule)
                continue
            outcome, missed = _outcome(rule, f)
            done.outcome_of[rule.id] = outcome
            if outcome == "unknown":
                chance = _chance(rule, f)
                done.chance_of[rule.id] = chance
                missing.update(missed)
                if not missed:
                    missing.add(f"ask:{rule.id}")
                if rule.kind == "preference":
                    done.points += rule.weight * chance
                elif rule.holds_status_unknown or (not missed and rule.undecided is not None):
                    done.status = max(done.status, 1)
                    done.likelihood *= chance
            elif outcome == "fail":
                if rule.deciding:
                    done.failed.append((rule.index, rule.id))
                    done.status = 2
            elif rule.kind == "preference":
                done.points += rule.weight
        done.missing = frozenset(missing)
        done.row_rules = tuple(row_rules)
        done.rate_row = any(rate.logic and set(rate.logic[0]) & ROW_FACTS for rate in fund.rates)
        if not done.rate_row:
            done.rate = _rate(fund, f)
        return done

    def __call__(self, profile: Mapping[str, Any]) -> list[Summary]:
        r = row_facts(profile, self.partners, self.tables)
        budget = self.idea["budget_eur"]
        results = []
        for tf in self.funds:
            status, points, likelihood = tf.status, tf.points, tf.likelihood
            failed = tf.failed
            missing = tf.missing
            extra: list[str] | None = None
            outcome_of = tf.outcome_of
            chance_of = tf.chance_of
            if tf.data.routes:
                outcome_of, chance_of = dict(outcome_of), dict(chance_of)
            for rule in tf.row_rules:
                f = r if not (set(rule.reads) - ROW_FACTS) else {**self.idea, **r, "fund": tf.data.fund}
                outcome, missed = _outcome(rule, f)
                if tf.data.routes:
                    outcome_of[rule.id] = outcome
                if outcome == "unknown":
                    chance = _chance(rule, f) if rule.priors else 0.5
                    if tf.data.routes:
                        chance_of[rule.id] = chance
                    if extra is None:
                        extra = []
                    extra += missed or [f"ask:{rule.id}"]
                    if rule.kind == "preference":
                        points += rule.weight * chance
                    elif not rule.route_rule and (
                        rule.holds_status_unknown or (not missed and rule.undecided is not None)
                    ):
                        status = max(status, 1)
                        likelihood *= chance
                elif outcome == "fail":
                    if rule.deciding:
                        failed = [*failed, (rule.index, rule.id)]
                        if not rule.route_rule:
                            status = 2
                elif rule.kind == "preference":
                    points += rule.weight
            if tf.data.routes:
                f = {**self.idea, **r, "fund": tf.data.fund}
                best, best_p = 2, 0.0
                for route in tf.data.routes:
                    state, p = _route(route, outcome_of, chance_of, f)
                    best = min(best, state)
                    if state == 0:
                        best_p = 1.0
                    elif state == 1:
                        best_p = max(best_p, p)
                status = max(status, best)
                if status == 1:
                    likelihood *= best_p
            if status != 1:
                likelihood = 1.0 if status == 0 else 0.0
            rate, rate_max = _rate(tf.data, {**self.idea, **r}) if tf.rate_row else tf.rate
            results.append(
                (
                    tf.data.fund,
                    _BY_ORDER[status],
                    round(min(100.0, max(0.0, points)), 1),
                    round(likelihood, 3),
                    rate,
                    rate_max,
                    round(budget * rate, 2) if budget is not None and rate is not None else None,
                    tuple(i for _, i in sorted(failed)) if len(failed) > 1 else tuple(i for _, i in failed),
                    tuple(sorted(missing.union(extra))) if extra else tuple(sorted(missing)),
                )
            )
        return _rank(results, self.order)


def fundmatch_rows(summary: Any) -> list[Summary]:
    """fundmatch's `MatchSummary` in the contenders' form."""
    return [
        (
            str(r.fund),
            r.status.value,
            r.score,
            r.likelihood,
            r.rate,
            r.rate_max,
            r.amount_eur,
            tuple(r.failed),
            tuple(r.missing),
        )
        for r in summary.ranking
    ]


# ------------------------------------------------------------------------------------------ real rows
def lau_rows(path: Any, limit: int | None = None) -> list[dict[str, Any]]:
    """The Eurostat LAU list as profile dicts: Eurostat's country codes as they are (EL for Greece), population
    left out where the list has none (FR, CY: unknown, never invented), DEGURBA 9 (unknown) left out."""
    import csv
    import gzip

    rows = []
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            row: dict[str, Any] = {"name": line["name"], "country": line["country"], "lau": line["lau_code"]}
            if line["nuts3_code"]:
                row["nuts"] = line["nuts3_code"]
            if line["population"]:
                row["population"] = int(line["population"])
            if line["degurba"] and line["degurba"] != "9":
                row["degurba"] = int(line["degurba"])
            rows.append(row)
            if limit is not None and len(rows) >= limit:
                break
    return rows

