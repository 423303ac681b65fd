"""Evaluation of one compiled fund pack against the facts of one profile and idea.

Three-valued: a rule a missing fact could change is ``unknown`` and never counts as failed; one the known facts
decide (``degurba == 3 and 'digital' in themes`` for an idea without a digital theme) is decided. Requirements and
exclusions decide the status (a fund with routes is as good as its best route). Preferences give the fit: each
pass adds its fit points, on one scale for all funds, so that funds can be ranked against each other. A rule
left unknown counts by how likely it is to pass (its ``prior``, with a stated source; even odds where no figure
is known): for a preference that is its share of the points, for a requirement the fund's likelihood.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fundmatch._closures import decided_or_missing, ir_of, specialise, when_missing, without_facts
from fundmatch._compiled import _UNVERIFIED, CompiledFund, CompiledRate, CompiledRoute, CompiledRule
from fundmatch._errors import RulePackError
from fundmatch._evidence import ReadOnlyList
from fundmatch._expressions import (
    FAILURES,
    Condition,
    ExpressionProblem,
    Thresholds,
    check_template,
    key_getter,
    render,
)
from fundmatch._facts import FACTS, IDEA_FACTS, Facts, needed, question_for
from fundmatch._ids import Outcome, RouteStatus, RuleKind, Status, _shipped_fund
from fundmatch._report import CoFinancing, FundMatch, FundSummary, MissingInfo, Route, RuleHit, Unwritten

_SUMMARY_LIMIT = 65_536
#: The ideas whose plans a pack keeps between calls (`RulePack._idea_facts`): each plan keeps at most its share
#: of `_SUMMARY_LIMIT` decisions per fund, so all of them together hold no more than one fund memo did.
_KEPT_IDEAS = 8

#: A fund's id as reports carry it (a shipped fund as its `Fund` member), by the pack's spelling.
_FUND_IDS: dict[str, str] = {}


def fund_id(name: str) -> str:
    """The id ``name`` validates to in a report (`fundmatch._ids.FundId`), looked up once per name."""
    found = _FUND_IDS.get(name)
    if found is None:
        found = _FUND_IDS[name] = _shipped_fund(name)
    return found


def _question(fact: str) -> tuple[str, str]:
    """The input to ask for when ``fact`` is missing, and the question."""
    asks = FACTS[fact].asks
    return asks, question_for(asks)


def _lower_first(text: str) -> str:
    """The text to go mid-sentence: its first letter in lower case, unless it starts a name ("ESF+", "AMIF")."""
    word = text.split(" ", 1)[0]
    if not text or any(c.isupper() for c in word[1:]) or not word[:1].isupper():
        return text
    return text[0].lower() + text[1:]


def _missing_text(names: list[str]) -> str:
    return "; ".join(question_for(asks) for asks in dict.fromkeys(_question(n)[0] for n in names))


def _decide(condition: Condition, facts: Facts, fund: CompiledFund, rule: CompiledRule) -> bool | list[str]:
    try:
        return condition.decide(facts)
    except ExpressionProblem as exc:
        raise RulePackError(exc.problem, path=rule.path or fund.path, line=rule.line, rule_id=rule.spec.id) from None


def _outcome(fund: CompiledFund, rule: CompiledRule, facts: Facts) -> tuple[Outcome, list[str]]:
    """What one rule finds, and the facts it missed.

    An ``unknown`` with no fact missed is an undecided outcome: the inputs are known, and the law leaves the
    answer to the programme (`undecided_when`), so the rule's question is for the managing authority.
    """
    condition = rule.condition
    # `Condition.decide`, inlined: this runs for every rule of every fund of every case.
    values = condition._key(facts.frozen)
    if None in values:
        # A missing fact leaves the rule open only where it can change the answer (`Condition.open`).
        holds = decided_or_missing(condition.closure, facts, condition.reads, values)
        if not isinstance(holds, bool):
            return Outcome.UNKNOWN, [needed(n, facts) for n in holds]
    else:
        try:
            holds = condition._evaluate(facts)
        except ExpressionProblem as exc:
            raise RulePackError(
                exc.problem, path=rule.path or fund.path, line=rule.line, rule_id=rule.spec.id
            ) from None
    passed = not holds if rule.spec.kind is RuleKind.EXCLUSION else holds
    outcome = Outcome.PASS if passed else Outcome.FAIL
    undecided = rule.undecided is not None and outcome.value == rule.spec.undecided_on
    if undecided and rule.undecided is not None:
        left_open = _decide(rule.undecided, facts, fund, rule)
        if left_open is True:
            return Outcome.UNKNOWN, []
        if left_open is not False:
            # What would leave the answer open is not known (an outermost region?): unknown, asking for it,
            # never a silent fail.
            return Outcome.UNKNOWN, [needed(n, facts) for n in left_open]
    return outcome, []


_HIT_LIMIT = 1024


#: Where no figure says how likely a missing answer is to pass, it counts as even odds.
_EVEN_ODDS = (0.5, "No figure is known for how often this passes: counted as even odds.")
_Chance = tuple[float, str]


def _chance(fund: CompiledFund, rule: CompiledRule, facts: Facts) -> _Chance:
    """How likely ``rule`` is to pass while its outcome is unknown, and the source of that figure."""
    for prior in rule.priors:
        if prior.condition is not None and _decide(prior.condition, facts, fund, rule) is not True:
            continue
        spec = prior.spec
        return spec.by_country.get(str(facts.get("country")), spec.value), spec.source
    return _EVEN_ODDS


def _halves(route: CompiledRoute) -> bool:
    """Whether a 'maybe' route has an open question of its own (`ask`, or an undecided `when` and no rules),
    counted by its prior (`_route_chance`)."""
    return bool(route.spec.ask or not route.spec.requires)


def _prior_error(fund: CompiledFund, route: CompiledRoute, k: int) -> Any:
    """How the failure of the case of ``route``'s ``k``-th prior is reported: at its line, naming the route and
    the prior (as a rule's failing condition is, `_locate`)."""
    line = route.priors[k].line
    where = f"routes.{route.spec.id}"
    return lambda problem: RulePackError(
        f"prior {k + 1}: {problem.problem}", path=fund.path, line=line, rule_id=where, field=f"prior[{k}].when"
    )


def _route_chance(fund: CompiledFund, route: CompiledRoute, facts: Facts) -> _Chance:
    """How likely ``route``'s own open question is to be answered yes, and the source: its first prior whose
    case holds (`_chance`'s way, by country too), else even odds. Read only where it counts: a 'maybe' route
    with a question of its own (`_halves`) of a fund whose routes decide it, while the fund is unknown (as
    `_likelihood`, `_routes` and the row programs read it)."""
    for k, prior in enumerate(route.priors):
        if prior.condition is not None:
            try:
                holds = prior.condition.decide(facts)
            except ExpressionProblem as exc:
                raise _prior_error(fund, route, k)(exc) from None
            if holds is not True:
                continue
        spec = prior.spec
        return spec.by_country.get(str(facts.get("country")), spec.value), spec.source
    return _EVEN_ODDS


def _hit(
    rule: CompiledRule,
    outcome: Outcome,
    missing: list[str],
    facts: Facts,
    route: str | None = None,
    chance: _Chance | None = None,
) -> RuleHit:
    fixed = rule.fixed.get((outcome, route))
    if fixed is not None:  # a pass or a fail whose text shows no fact (`prepare`)
        return fixed
    if not _HIT_LIMIT:  # nothing is kept: no key to make
        return _new_hit(rule, outcome, missing, facts, route, chance)
    # The chance depends on other facts than the rule's own, so it is part of the key.
    key = (outcome, tuple(missing), route, chance, rule._show(facts.frozen))
    hit = rule._hits.get(key)
    if hit is None:
        hit = _new_hit(rule, outcome, missing, facts, route, chance)
        if len(rule._hits) < _HIT_LIMIT:
            rule._hits[key] = hit
    return hit


def _new_hit(
    rule: CompiledRule, outcome: Outcome, missing: list[str], facts: Facts, route: str | None, chance: _Chance | None
) -> RuleHit:
    if missing and rule._unknown:  # the same for every case that misses these inputs (`prepare`)
        made = rule._unknown.get((route, chance, *missing))
        if made is not None:
            return made
    spec = rule.spec
    if outcome is Outcome.UNKNOWN:
        template = spec.undecided if not missing and spec.undecided else spec.unknown or None
    else:
        template = spec.pass_ if outcome is Outcome.PASS else spec.fail
    # A text that shows no fact is the same for every case: made once per rule, caveat included. One that
    # does is written when first read (`Unwritten`), from the values it shows (not the case's facts, which a
    # kept hit would otherwise hold on to).
    text: str | Unwritten | None = rule._said.get(template) if template is not None else None
    if text is None:
        caveat = "" if spec.verified else _UNVERIFIED
        if template is None:
            text = Unwritten(_not_decided, spec.title, tuple(missing), caveat)
        elif outcome is Outcome.PASS and rule._named:
            text = Unwritten(_write_pass, template, rule._shown, rule._show(facts.frozen), caveat, rule._named)
        else:
            text = Unwritten(_write_text, template, rule._shown, rule._show(facts.frozen), caveat)
    # What is the same for every case is the rule's (`prepare`); the case sets only what it decides.
    values = {**(rule._blank.get(route) or _blank(rule, route)), "outcome": outcome, "explanation": text}
    if missing:
        values["missing"] = ReadOnlyList(dict.fromkeys([FACTS[n].asks for n in missing]))
        values["affects_status"] = route is None and _holds_status(rule, missing)
    if chance is not None:
        values["likelihood"], values["likelihood_source"] = chance
    return RuleHit._exact(values)


def _write_text(template: str, names: tuple[str, ...], values: tuple[Any, ...], caveat: str) -> str:
    """A hit's explanation: ``template`` showing the facts ``names`` with ``values`` (hashable, as keyed)."""
    return render(template, dict(zip(names, values, strict=True))) + caveat


def _write_pass(
    template: str, names: tuple[str, ...], values: tuple[Any, ...], caveat: str, named: dict[str, frozenset[str]]
) -> str:
    """`_write_text` of a pass: a set fact the condition tests shows the members that pass it, where it has any."""
    shown = dict(zip(names, values, strict=True))
    for name, members in named.items():
        value = shown.get(name)
        if isinstance(value, frozenset | set | tuple | list):
            passing = [v for v in value if v in members]
            if passing and len(passing) < len(value):
                shown[name] = type(value)(passing)
    return render(template, shown) + caveat


def _not_decided(title: str, missing: tuple[str, ...], caveat: str) -> str:
    """The explanation of an unknown outcome whose rule has no text for it: what it waits for."""
    return f"Not decided yet ({_lower_first(title)}): {_missing_text(list(missing))}" + caveat


_NOTHING_MISSING: ReadOnlyList[str] = ReadOnlyList()


def _blank(rule: CompiledRule, route: str | None) -> dict[str, Any]:
    """The fields of ``rule``'s hits that every case shares (outcome and text are placeholders), kept by the rule."""
    spec = rule.spec
    blank = rule._blank[route] = {
        "rule_id": spec.id,
        "title": spec.title,
        "kind": spec.kind,
        "outcome": Outcome.UNKNOWN,
        "explanation": "",
        "citation": rule.citation,
        "verified": spec.verified,
        "weight": spec.weight or 0.0,
        "missing": _NOTHING_MISSING,
        "affects_status": route is None and _holds_status(rule, []),
        "likelihood": None,
        "likelihood_source": None,
        "route": route,
    }
    return blank


def _holds_status(rule: CompiledRule, missing: list[str] | None = None) -> bool:
    """Whether an unknown outcome of the rule holds the fund at unknown.

    An undecided outcome (no input missing) always does: the answer is known to be open, not merely not asked.
    """
    if rule.spec.kind is RuleKind.PREFERENCE:
        return False
    return rule.spec.unknown_effect == "status" or (missing == [] and rule.undecided is not None)


#: A rate that reads a value of the region table says when the row behind it is uncertain: (fact, flag, caveat).
_TABLE_CAVEATS = (
    (
        "region_category",
        "region_category_doubtful",
        " The category of region comes from a doubtful row of the shipped table:"
        " confirm it with your managing authority.",
    ),
    (
        "region_category_2014_2020",
        "region_category_2014_2020_inferred",
        " The 2014–2020 category is inferred from a programme that covers several regions, not read in"
        " Decision 2014/99/EU: confirm it with your managing authority.",
    ),
)


_CoFinanced = tuple[CoFinancing, list[str]]


def _rate_holds(fund: CompiledFund, rate: CompiledRate, facts: Facts) -> bool | list[str]:
    """Whether a rate's condition holds, or the inputs it misses; a broken condition names the rate."""
    assert rate.condition is not None
    try:
        return rate.condition.decide(facts)
    except ExpressionProblem as exc:
        raise RulePackError(exc.problem, path=fund.path, rule_id=f"co_financing.{rate.spec.id}") from None


def _co_financing(
    fund: CompiledFund, facts: Facts, rates: _Rates | None = None, made: dict[Any, _CoFinanced] | None = None
) -> _CoFinanced:
    """The co-financing rate of the first rate whose condition holds, and the facts it still waits for.

    With ``rates`` (a plan's, `_plan_rates`), only the rates the idea leaves open are tried, and a rate the
    idea decides holds is taken without evaluating it; ``made`` keeps the results whose note shows no
    municipality's fact, by the rate and its table caveats (a plan's: a handful per fund).
    """
    order, sure = rates if rates is not None else (range(len(fund.rates)), frozenset())
    for k in order:
        rate = fund.rates[k]
        if k in sure:
            if isinstance(sure, dict):
                return sure[k]
        elif rate.condition is not None:
            holds = _rate_holds(fund, rate, facts)
            if isinstance(holds, list):
                note = f"The rate depends on what is not known yet: {_missing_text(holds)}"
                return CoFinancing._made(rate=None, basis=fund.basis, note=note, citation=rate.citation), holds
            if not holds:
                continue
        flags = tuple(bool(f and facts.get(f)) for f in rate.flagged) if rate.flagged else _NO_FLAGS
        if made is not None and k in fund.quiet_rates:
            found = made.get((k, flags))
            if found is None:
                found = made[(k, flags)] = _rate(fund, k, flags, facts)
            return found
        return _rate(fund, k, flags, facts)
    return CoFinancing._made(
        rate=None, basis=fund.basis, note="No co-financing rate of this pack applies to this case."
    ), []


def _rate(fund: CompiledFund, k: int, flags: tuple[bool, ...], facts: Facts) -> _CoFinanced:
    """The co-financing of the rate at ``k``, which applies, with the caveats its table values call for."""
    rate = fund.rates[k]
    blank = rate.blanks.get(flags)  # a note that shows no fact (`prepare`)
    values = (blank if blank is not None else _rate_blank(fund, rate, flags, facts)).copy()
    budget = facts.get("budget_eur")
    if budget is not None:
        values["amount_eur"] = _amount(budget, rate.spec.rate)
        values["amount_max_eur"] = _amount(budget, values["rate_max"])
    return CoFinancing._exact(values), []


def _upper(rate: CompiledRate) -> float | None:
    """A rate's upper end, where its range is one (a single rate has none)."""
    spec = rate.spec
    return spec.rate_max if spec.rate_max not in (None, spec.rate) else None


def _amount(budget: float | None, rate: float | None) -> float | None:
    """The EU amount of ``budget`` at ``rate``, to the cent (None without either)."""
    return round(budget * rate, 2) if budget is not None and rate is not None else None


def _rate_blank(fund: CompiledFund, rate: CompiledRate, flags: tuple[bool, ...], facts: Facts) -> dict[str, Any]:
    """The fields of a rate's co-financing but the amounts, in `CoFinancing`'s order, its note written."""
    spec = rate.spec
    note = render(spec.note, facts) if spec.note else ""
    for (_, _, caveat), flag in zip(_TABLE_CAVEATS, flags, strict=True):
        if flag:
            note += caveat
    if not spec.verified:
        note += " Rate not verified against the act's text."
    return {
        "rate": spec.rate,
        "rate_max": _upper(rate),
        "amount_eur": None,
        "amount_max_eur": None,
        "tier": spec.label,
        "basis": fund.basis,
        "note": note.strip(),
        "citation": rate.citation,
        "verified": spec.verified,
    }


def _prepare_rate(fund: CompiledFund, rate: CompiledRate) -> None:
    """What `_co_financing` and `_rate` need of ``rate`` that no case changes (see `CompiledRate.flagged`)."""
    reads = rate.condition.reads if rate.condition is not None else ()
    flagged = tuple(flag if read in reads else None for read, flag, _ in _TABLE_CAVEATS)
    object.__setattr__(rate, "flagged", flagged if any(flagged) else ())
    if not rate.spec.note or not check_template(rate.spec.note):
        for flags in itertools.product((False, True), repeat=len(_TABLE_CAVEATS)):
            rate.blanks[flags] = _rate_blank(fund, rate, flags, Facts({}))


_NO_FLAGS = (False,) * len(_TABLE_CAVEATS)


#: The rates a plan tries for each municipality, in order, and those the idea decides: a set of the ones
#: that hold, or (for the last one tried) the result the idea alone gives, a rate waiting for an idea's input.
_Rates = tuple[tuple[int, ...], frozenset[int] | dict[int, _CoFinanced]]


def _plan_rates(fund: CompiledFund, facts: Facts) -> _Rates:
    """The rates of ``fund`` the idea leaves to each municipality (see `_Rates`)."""
    order: list[int] = []
    holding: set[int] = set()
    for k, rate in enumerate(fund.rates):
        if k in fund.row_rates:
            order.append(k)
            continue
        if rate.condition is None:
            order.append(k)
            holding.add(k)
            break
        try:
            holds = rate.condition.decide(facts)
        except ExpressionProblem as exc:
            raise RulePackError(exc.problem, path=fund.path, rule_id=f"co_financing.{rate.spec.id}") from None
        if isinstance(holds, list):
            # Waiting for the idea's input: the same result for every municipality that gets this far.
            order.append(k)
            return tuple(order), {k: _co_financing(fund, facts, ((k,), frozenset()))}
        if holds:
            order.append(k)
            holding.add(k)
            break
    return tuple(order), frozenset(holding)


_Found = list[tuple[CompiledRule, Outcome, list[str]]]
_WORSE = {Status.ELIGIBLE: 0, Status.UNKNOWN: 1, Status.INELIGIBLE: 2}
_ROUTE_STATUS = {
    RouteStatus.OPEN: Status.ELIGIBLE,
    RouteStatus.MAYBE: Status.UNKNOWN,
    RouteStatus.CLOSED: Status.INELIGIBLE,
}


def _rules_status(found: _Found, positions: Iterable[int], status: Status = Status.ELIGIBLE) -> Status:
    """The status the rules at ``positions`` give, from ``status`` (a route's rules decide only their route).

    The fund's own rules are `CompiledFund.deciding`; a plan gives those the idea decides, and each
    municipality adds its own (`CompiledFund.row_deciding`) to the plan's status.
    """
    if status is Status.INELIGIBLE:
        return status
    for i in positions:
        rule, outcome, missing = found[i]
        if outcome is Outcome.FAIL:
            return Status.INELIGIBLE
        if outcome is Outcome.UNKNOWN and _holds_status(rule, missing):
            status = Status.UNKNOWN
    return status


def _route_status(
    fund: CompiledFund, route: CompiledRoute, found: _Found, positions: tuple[int, ...], facts: Facts
) -> tuple[RouteStatus, list[str]]:
    """How one route stands, and what closes it or is still missing (as fact names or rule ids, see `_routes`).

    ``positions`` are those of the rules it requires, in its order (`CompiledFund.requires`).
    """
    holds: bool | list[str] = True
    if route.condition is not None:
        try:
            holds = route.condition.decide(facts)
        except ExpressionProblem as exc:
            raise RulePackError(exc.problem, path=fund.path, rule_id=f"routes.{route.spec.id}") from None
    if holds is False:
        return RouteStatus.CLOSED, []
    failed = [found[i][0].spec.id for i in positions if found[i][1] is Outcome.FAIL]
    if failed:
        return RouteStatus.CLOSED, failed
    open_rules = [found[i][0].spec.id for i in positions if found[i][1] is Outcome.UNKNOWN]
    if isinstance(holds, list) or open_rules:
        return RouteStatus.MAYBE, [*(holds if isinstance(holds, list) else []), *open_rules]
    if route.spec.ask:
        return RouteStatus.MAYBE, []
    return RouteStatus.OPEN, []


_RouteState = tuple[CompiledRoute, RouteStatus, list[str]]


def _with_routes(
    fund: CompiledFund, status: Status, found: _Found, facts: Facts, planned: list[_RouteState | None]
) -> tuple[Status, list[_RouteState]]:
    """`_status` from the status the fund's own rules give and the routes' states the plan has."""
    if not fund.routes:
        return status, []
    routes = []
    for route, positions, state in zip(fund.routes, fund.requires, planned, strict=True):
        if state is None:
            state = (route, *_route_status(fund, route, found, positions, facts))
        routes.append(state)
    if fund.route_rules:
        best = min((_ROUTE_STATUS[state] for _, state, _ in routes), key=_WORSE.__getitem__)
        status = max(status, best, key=_WORSE.__getitem__)
    return status, routes


def _status(
    fund: CompiledFund, found: _Found, facts: Facts
) -> tuple[Status, list[tuple[CompiledRoute, RouteStatus, list[str]]]]:
    """The fund's status and its routes' states: a fund whose rules belong to routes is as good as its best route."""
    return _with_routes(fund, _rules_status(found, fund.deciding), found, facts, [None] * len(fund.routes))


def _chances(fund: CompiledFund, found: _Found, facts: Facts) -> list[_Chance | None]:
    """Per rule, how likely it is to pass where its outcome is unknown (None where it is decided)."""
    return [_chance(fund, rule, facts) if outcome is Outcome.UNKNOWN else None for rule, outcome, _ in found]


def _score(fund: CompiledFund, found: _Found, chances: list[_Chance | None]) -> float:
    """The fit: the points of the preferences that pass, an unknown one by its chance, within 0–100."""
    points = 0.0
    for i in fund.preferences:  # in the rules' order
        rule, outcome, _ = found[i]
        if outcome is Outcome.PASS:
            points += rule.spec.weight or 0.0
        elif (chance := chances[i]) is not None:
            points += (rule.spec.weight or 0.0) * chance[0]
    return _fit(points)


def _fit(points: float) -> float:
    """A fund's points as its fit: within 0–100, to one decimal (the explained and the summary path alike)."""
    return round(min(100.0, max(0.0, points)), 1)


def _fits(points: list[float]) -> list[float]:
    """`_fit` of each of ``points`` (a row program's table of every combination: one call, not one each)."""
    return [round(min(100.0, max(0.0, p)), 1) for p in points]


def _likelihood(
    fund: CompiledFund,
    status: Status,
    found: _Found,
    chances: list[_Chance | None],
    states: list[tuple[CompiledRoute, RouteStatus, list[str]]],
    facts: Facts,
) -> float:
    """How likely the fund is to be open: 1 when eligible, 0 when ineligible, else from the open rules' chances.

    The fund's own open requirements must all pass (their chances multiply); where routes decide, one open route
    is enough: the fund is as likely as its most likely route (each route's open rules multiplying, an open
    question of the route itself counted by the route's prior, else as even odds). Routes are not independent
    (a LAG area and a CAP plan's village renewal often go together), so their chances are not combined.
    """
    if status is not Status.UNKNOWN:
        return 1.0 if status is Status.ELIGIBLE else 0.0
    likelihood = 1.0
    # Only the rules that decide the fund can hold it at unknown (`_holds_status`): theirs, in the rules' order.
    for i in fund.deciding:
        rule, outcome, missing = found[i]
        chance = chances[i]
        if outcome is Outcome.UNKNOWN and chance and _holds_status(rule, missing):
            likelihood *= chance[0]
    if fund.route_rules and states:
        best = 0.0
        for (route, state, _), positions in zip(states, fund.requires, strict=True):
            if state is RouteStatus.OPEN:
                best = 1.0
            elif state is RouteStatus.MAYBE:
                p = 1.0
                for i in positions:  # the route's rules, in the order it requires them
                    chance = chances[i]
                    if chance:
                        p *= chance[0]
                if _halves(route):
                    p *= _route_chance(fund, route, facts)[0]
                best = max(best, p)
        likelihood *= best
    return round(likelihood, 3)


def _reason(status: Status, hits: list[RuleHit], routes: list[Route]) -> str:
    # One pass: the first own requirement or exclusion that fails (ineligible) or holds the status (unknown),
    # else the preference that adds the most points (the first of equal ones).
    preference = RuleKind.PREFERENCE
    if status is not Status.ELIGIBLE:
        failing = status is Status.INELIGIBLE
        wanted = Outcome.FAIL if failing else Outcome.UNKNOWN
        for h in hits:
            if h.outcome is wanted and h.route is None and h.kind is not preference and (failing or h.affects_status):
                return h.explanation
    if status is Status.INELIGIBLE:
        closed = "; ".join(f"{r.name}: {r.missing[0] if r.missing else 'closed'}" for r in routes)
        return f"No way into this fund is open here. {closed}"
    if status is Status.UNKNOWN:
        maybe = next(r for r in routes if r.status is RouteStatus.MAYBE)
        return f"{maybe.name} may be the way in: {' '.join(maybe.missing) or 'not decided yet.'}"
    deciding = 0
    best: RuleHit | None = None
    for h in hits:
        if h.kind is not preference:
            deciding += 1
        elif h.outcome is Outcome.PASS and (best is None or h.weight > best.weight):
            best = h
    lead = f"All {deciding} requirements and exclusions are met"
    text = lead + (f"; {_lower_first(best.explanation)}" if best is not None else ".")
    # The first open route, in the pack's order (the usual way in first), names where to apply.
    way_in = next((r for r in routes if r.status is RouteStatus.OPEN), None)
    return text + (f" Way in: {way_in.name}." if way_in is not None else "")


def _routes(
    fund: CompiledFund,
    states: list[tuple[CompiledRoute, RouteStatus, list[str]]],
    hits: list[RuleHit],
    facts: Facts,
    status: Status,
) -> list[Route]:
    """The routes as the report shows them: needs rendered, and why each is closed or what it still waits for;
    a 'maybe' route's own question with its chance where that counts (the fund unknown, `_likelihood`)."""
    routes: list[Route] = []
    by_id: dict[str, RuleHit] | None = None  # made for the first route that waits on a rule
    unknown = status is Status.UNKNOWN and bool(fund.route_rules)
    for route, state, open_items in states:
        counts = unknown and state is RouteStatus.MAYBE and _halves(route)
        if not open_items and not counts:
            fixed = route.fixed.get(state)
            if fixed is not None:  # texts that show no fact, in a state that waits on nothing (`prepare`)
                routes.append(fixed)
                continue
        spec = route.spec
        missing: list[str] = []
        for item in open_items:
            if by_id is None:
                by_id = {h.rule_id: h for h in hits}
            if item in by_id:
                missing.append(by_id[item].explanation)
            else:
                missing.append(_question(item)[1])
        if state is RouteStatus.CLOSED and not open_items:
            missing.append(render(spec.closed, facts) if spec.closed else "Its condition does not hold for this case.")
        if state is RouteStatus.MAYBE and spec.ask:
            missing.append(render(spec.ask, facts))
        # The figure is shown in `likelihood` (and the fund's), not among what must still be found out.
        chance = _route_chance(fund, route, facts) if counts else None
        routes.append(
            Route._made(
                id=spec.id,
                name=spec.name,
                status=state,
                needs=[render(need, facts) for need in spec.needs],
                missing=list(dict.fromkeys(missing)),
                citation=route.citation,
                verified=spec.verified,
                likelihood=None if chance is None else chance[0],
                likelihood_source=None if chance is None else chance[1],
            )
        )
    return routes


@dataclass(frozen=True, slots=True)
class _Decided:
    """What a fund's summary key decides: every rule's outcome and chance, the status, the routes' states and the
    money, and the summary made of them."""

    found: _Found
    chances: list[_Chance | None]
    status: Status
    states: list[tuple[CompiledRoute, RouteStatus, list[str]]]
    co_financing: CoFinancing
    rate_missing: list[str]
    score: float
    likelihood: float
    # None where only the explained result was asked for, and for a plan's decisions (summaries come from the
    # row programs): nothing reads it there.
    summary: FundSummary | None


def _decided(fund: CompiledFund, facts: Facts, *, summary: bool = True) -> _Decided:
    """The fund's decisions for ``facts``, remembered by the idea's plan (`plan`) by the municipality's key.

    In a batch most municipalities share the values that key reads (numbers only compared with constants by
    the interval they fall in, `CompiledFund.row_reads`), so a fund is decided once per combination; a case that
    differs from an earlier one only in what its texts show (a population, a staff time) is only explained
    again. The key is made once per municipality for every fund of the pack (`share_row_key`).
    """
    planned = plan(fund, facts)
    if planned is None or not _SUMMARY_LIMIT:
        return _decide_fund(fund, _for_fund(fund, facts, planned), planned, summary=summary)
    kept = facts.row_key
    if kept is None or kept[0] is not fund._row_key:
        kept = facts.row_key = (fund._row_key, fund._row_key(facts.frozen))
    decided = planned.decisions.get(kept[1])
    if decided is None:
        decided = _decide_fund(fund, _for_fund(fund, facts, planned), planned)
        if len(planned.decisions) < _SUMMARY_LIMIT // _KEPT_IDEAS:
            planned.decisions[kept[1]] = decided
    return decided


def prepare(fund: CompiledFund) -> None:
    """Make the hits of ``fund`` that are the same for every case: a pass or a fail whose text shows no fact
    (and likewise its routes, in each state that waits on no rule, where their texts show no fact, and its
    rates' co-financing but the amounts, where the note shows none).

    Such a hit depends on nothing but the rule (and the route it decides, always the same one; a decided
    outcome misses no input and has no chance): made once when the pack is loaded, a first match renders
    only the hits that show a case's facts or wait for them. The other texts of the rule may show facts.
    """
    object.__setattr__(fund, "steps", _steps(fund, range(len(fund.rules))))
    object.__setattr__(fund, "unset", tuple((rule, Outcome.UNKNOWN, []) for rule in fund.rules))
    for rate in fund.rates:
        _prepare_rate(fund, rate)
    for way in fund.routes:
        spec = way.spec
        if not any(check_template(text) for text in (*spec.needs, spec.closed, spec.ask) if text):
            # Made without a chance: `_routes` makes a route whose chance counts for the case anew.
            for state in RouteStatus:
                way.fixed[state] = _routes(fund, [(way, state, [])], [], Facts({}), Status.ELIGIBLE)[0]
    for rule, route in zip(fund.rules, fund.routes_of, strict=True):
        _blank(rule, route)
        for outcome, text in ((Outcome.PASS, rule.spec.pass_), (Outcome.FAIL, rule.spec.fail)):
            if text in rule._said:
                # Keyed by the route too: a common rule is one object in every fund, deciding a route in some.
                rule.fixed[outcome, route] = _new_hit(rule, outcome, [], Facts({}), route, None)
        _prepare_unknown(rule, route)


#: The inputs `needed` may ask for when a fact is missing (a missing end is asked as the start, given a duration).
_ASKED_AS = {"planned_end": ("planned_end", "start_date")}


def _prepare_unknown(rule: CompiledRule, route: str | None) -> None:
    """Make the hits of ``rule``'s unknown outcomes that are the same for every case, by the inputs missed.

    That is where the unknown text shows no fact and the chance is one of a few figures (its priors' figures,
    none per country, and even odds where no prior holds): the hit then follows from the chance and from which
    of the condition's facts are missing (asked as `needed` asks for them), for each such combination of a rule
    of a few facts.
    """
    spec = rule.spec
    reads = rule.condition.reads
    if (spec.unknown and spec.unknown not in rule._said) or len(reads) > 3:
        return
    if any(prior.spec.by_country for prior in rule.priors):
        return
    chances = [(prior.spec.value, prior.spec.source) for prior in rule.priors]
    if not rule.priors or rule.priors[-1].condition is not None:
        chances.append(_EVEN_ODDS)  # where no prior holds
    for chance in dict.fromkeys(chances):
        for mask in itertools.product((False, True), repeat=len(reads)):
            names = [name for name, missed in zip(reads, mask, strict=True) if missed]
            for missing in itertools.product(*(_ASKED_AS.get(name, (name,)) for name in names)):
                if missing:
                    rule._unknown[(route, chance, *missing)] = _new_hit(
                        rule, Outcome.UNKNOWN, list(missing), Facts({}), route, chance
                    )


def _for_fund(fund: CompiledFund, facts: Facts, planned: _Plan | None) -> Facts:
    """The facts with ``fund`` set, where what is evaluated reads it (a copy of the facts, per fund and case)."""
    return facts if planned is not None and not fund.row_reads_fund else facts.for_fund(fund.fund)


def share_row_key(funds: Iterable[CompiledFund]) -> tuple[tuple[str, ...], dict[str, Thresholds]]:
    """Give the funds of one pack one key of the municipality's facts, made once per case for all of them.

    It reads what any of them reads; a number gets intervals where every fund reading it only compares it with
    constants, over all their limits (finer than each fund's, so each fund's answer is still a function of it).
    Returns what the key reads and the intervals (a whole ranking is a function of them too, `RowKeys`).
    """
    funds = list(funds)
    names = sorted({name for fund in funds for name in fund.row_reads})
    limits = {}
    for name in names:
        readers = [fund for fund in funds if name in fund.row_reads]
        if all(name in fund.row_limits for fund in readers):
            limits[name] = functools.reduce(operator.or_, (fund.row_limits[name] for fund in readers))
    getter = key_getter(tuple(names), limits)
    for fund in funds:
        object.__setattr__(fund, "_row_key", getter)
    return tuple(names), limits


@dataclass(frozen=True, slots=True)
class _Plan:
    """A fund's rules specialised on one idea: what the idea alone decides, done once for a whole batch.

    ``found`` and ``chances`` hold the outcome (and chance, where unknown) of every rule that reads only the
    idea's facts; the places of the rules that read a municipality's (`CompiledFund.row_rules`) are filled for
    each municipality, as are the chances of the idea's unknown rules whose prior reads the municipality
    (``rechance``); ``status`` is the status the idea's rules give. A summary compiles the plan further, into
    one function of a municipality's facts (``program``, `summary_program`). A plan is compiled, not a memo of
    answers: it belongs to the idea (`IdeaFacts.plans`; a pack keeps the plans of a few recent
    ideas, `RulePack._idea_facts`), and the decisions it keeps (``decisions``) are that idea's alone.
    """

    found: _Found
    chances: list[_Chance | None]
    rechance: tuple[int, ...]
    status: Status
    # Each route's state where the idea alone decides it (None: decided for each municipality).
    routes: list[_RouteState | None]
    rates: _Rates
    # The co-financing of the rates whose note shows no municipality's fact, by rate and table caveats.
    made: dict[Any, _CoFinanced]
    # The decisions made for municipalities, by their key (see `_decided`).
    decisions: dict[Any, _Decided] = dataclasses.field(default_factory=dict)
    # The rules each municipality evaluates, as `_row_decisions` reads them (see `_steps`).
    steps: tuple[_Step, ...] = ()
    # The summary compiled for each municipality (`summary_program`), made when a summary first asks for it.
    program: Any = None


#: A rule as `_decide_steps` evaluates it: its position, the rule, what reads its values, what evaluates it, its
#: outcome when the condition holds and when it does not (an exclusion fails when it holds), and whether it can
#: be left open (`undecided_when`).
_Step = tuple[int, CompiledRule, Any, Any, Outcome, Outcome, bool]


def _steps(fund: CompiledFund, positions: Iterable[int]) -> tuple[_Step, ...]:
    """The rules of ``fund`` at ``positions``, as `_decide_steps` reads them: looked up once, not per case."""
    return tuple(
        (
            i,
            rule,
            rule.condition._key,
            rule.condition._evaluate,
            *((Outcome.FAIL, Outcome.PASS) if rule.spec.kind is RuleKind.EXCLUSION else (Outcome.PASS, Outcome.FAIL)),
            rule.undecided is not None,
        )
        for i, rule in ((i, fund.rules[i]) for i in positions)
    )


def _decide_steps(fund: CompiledFund, steps: tuple[_Step, ...], facts: Facts, found: _Found) -> list[int]:
    """Put the outcome of each step's rule in its place of ``found``; the places left unknown, in order."""
    frozen = facts.frozen
    unknown = []
    for i, rule, key, evaluate, holding, failing, may_be_open in steps:
        # `_outcome`, inlined but for a rule that can be left open (`undecided_when`).
        if may_be_open:
            outcome, missing = _outcome(fund, rule, facts)
            found[i] = (rule, outcome, missing)
            if outcome is Outcome.UNKNOWN:
                unknown.append(i)
            continue
        values = key(frozen)
        if None in values:
            condition = rule.condition
            holds = decided_or_missing(condition.closure, facts, condition.reads, values)
            if isinstance(holds, bool):
                found[i] = (rule, holding if holds else failing, [])
            else:
                found[i] = (rule, Outcome.UNKNOWN, [needed(n, facts) for n in holds])
                unknown.append(i)
        else:
            try:
                found[i] = (rule, holding if evaluate(facts) else failing, [])
            except ExpressionProblem as exc:
                raise RulePackError(
                    exc.problem, path=rule.path or fund.path, line=rule.line, rule_id=rule.spec.id
                ) from None
    return unknown


def plan(fund: CompiledFund, facts: Facts) -> _Plan | None:
    """The plan of ``fund`` for the idea ``facts`` were built from (made at its first municipality), or None
    for facts built from no idea (they are evaluated whole)."""
    plans = facts.plans
    if plans is None:
        return None
    made = plans.get(fund.fund)
    if made is None:
        made = plans[fund.fund] = _specialise(fund, facts.for_fund(fund.fund))
    return made


def _asks(rule: CompiledRule, outcome: Outcome, missing: list[str]) -> list[str]:
    """The inputs an unknown rule asks for: its missing facts' inputs, or its question for the authority."""
    if outcome is not Outcome.UNKNOWN:
        return []
    return [_question(n)[0] for n in missing] if missing else [f"ask:{rule.spec.id}"]


def _specialise(fund: CompiledFund, facts: Facts) -> _Plan:
    """Decide the rules of ``fund`` that read only the idea's facts, on the facts of any one municipality."""
    row = set(fund.row_rules)
    found: _Found = []
    chances: list[_Chance | None] = []
    rechance = []
    for i, rule in enumerate(fund.rules):
        if i in row:
            found.append((rule, Outcome.UNKNOWN, []))  # a place, filled for each municipality
            chances.append(None)
            continue
        outcome, missing = _outcome(fund, rule, facts)
        found.append((rule, outcome, missing))
        if outcome is Outcome.UNKNOWN and i in fund.row_chances:
            rechance.append(i)
        chances.append(_chance(fund, rule, facts) if outcome is Outcome.UNKNOWN else None)
    status = _rules_status(found, (i for i in fund.deciding if i not in row))
    routes: list[_RouteState | None] = []
    for k, (route, positions) in enumerate(zip(fund.routes, fund.requires, strict=True)):
        routes.append(None if k in fund.row_routes else (route, *_route_status(fund, route, found, positions, facts)))
    rates = _plan_rates(fund, facts)
    return _Plan(
        found,
        chances,
        tuple(rechance),
        status,
        routes,
        rates,
        {},
        {},
        _steps(fund, fund.row_rules),
    )


def _points(found: tuple[CompiledRule, Outcome, list[str]], chance: _Chance | None) -> float:
    """What one preference adds to the fit: its weight when it passes, its share by its chance when unknown."""
    rule, outcome, _ = found
    weight = rule.spec.weight or 0.0
    if outcome is Outcome.PASS:
        return weight
    return weight * chance[0] if chance is not None else 0.0


def _decide_fund(fund: CompiledFund, facts: Facts, planned: _Plan | None, *, summary: bool = True) -> _Decided:
    """Decide ``fund`` for ``facts`` (set for the fund): by the idea's plan, else every rule (`_decide_whole`,
    whose summary is made only if asked for). Summaries of a batch come from the plan's row program
    (`summary_program`), so a plan's decision carries none."""
    if planned is None:
        return _decide_whole(fund, facts, summary=summary)
    found, chances, status, states = _row_decisions(fund, facts, planned)
    co_financing, rate_missing = _co_financing(fund, facts, planned.rates, planned.made)
    score = _score(fund, found, chances)
    likelihood = _likelihood(fund, status, found, chances, states, facts)
    return _Decided(found, chances, status, states, co_financing, rate_missing, score, likelihood, None)


def _row_decisions(
    fund: CompiledFund, facts: Facts, planned: _Plan
) -> tuple[_Found, list[_Chance | None], Status, list[_RouteState]]:
    """What a municipality adds to the idea's plan: the outcomes (and chances, where unknown) of the rules that
    read its facts, the status and the routes' states (for an explained report; a summary runs the plan's row
    program, `summary_program`)."""
    rules = fund.rules
    found = planned.found.copy()
    chances = planned.chances.copy()
    unknown = _decide_steps(fund, planned.steps, facts, found)
    unknown += planned.rechance
    for i in unknown:
        chances[i] = _chance(fund, rules[i], facts)
    status = _rules_status(found, fund.row_deciding, planned.status)
    status, states = _with_routes(fund, status, found, facts, planned.routes)
    return found, chances, status, states


_Money = tuple[float | None, float | None, float | None]


def _decide_whole(fund: CompiledFund, facts: Facts, *, summary: bool = True) -> _Decided:
    """`_decide_fund` evaluating every rule (facts built from no idea, a single match whose plans are not kept,
    and the reference of the plans' tests); its summary only if asked for."""
    found: _Found = list(fund.unset)
    if len(found) != len(fund.rules):
        # A fund compiled without `prepare` would decide none of its rules: say so instead of answering.
        raise RuntimeError(f"fund {fund.fund!r} was compiled without fundmatch._engine.prepare")
    _decide_steps(fund, fund.steps, facts, found)
    chances = _chances(fund, found, facts)
    status, states = _status(fund, found, facts)
    co_financing, rate_missing = _co_financing(fund, facts)
    score = _score(fund, found, chances)
    likelihood = _likelihood(fund, status, found, chances, states, facts)
    if not summary:
        return _Decided(found, chances, status, states, co_financing, rate_missing, score, likelihood, None)
    asked = [f"ask:{rule.spec.id}" for rule, outcome, missing in found if outcome is Outcome.UNKNOWN and not missing]
    made = FundSummary._made(
        fund=fund_id(fund.fund),
        status=status,
        score=score,
        likelihood=likelihood,
        rate=co_financing.rate,
        rate_max=co_financing.rate_max,
        amount_eur=co_financing.amount_eur,
        failed=[
            rule.spec.id
            for rule, outcome, _ in found
            if outcome is Outcome.FAIL and rule.spec.kind is not RuleKind.PREFERENCE
        ],
        missing=sorted({_question(n)[0] for _, _, missing in found for n in missing} | set(asked)),
    )
    return _Decided(found, chances, status, states, co_financing, rate_missing, score, likelihood, made)


def evaluate_fund(fund: CompiledFund, facts: Facts) -> FundMatch:
    """Apply every rule of ``fund`` to ``facts`` and explain the result (shared by equal cases of a batch)."""
    return shared_result(fund, facts)[0]


def shared_result(fund: CompiledFund, facts: Facts) -> tuple[FundMatch, bool]:
    """`evaluate_fund`, and whether the result is one the fund keeps (shared by every equal case).

    A case that differs from a kept one only in numbers the texts show is explained from it and not kept itself:
    that costs little, and keeping one result per distinct population would fill the memory of a long batch.
    """
    if not _SUMMARY_LIMIT:  # nothing is kept: no key to make
        return _evaluate(fund, facts), False
    key = fund._match_key(facts.frozen)
    result = fund._matches.get(key)
    if result is not None:
        return result, True
    if fund._skeleton_key is not None:
        like = fund._skeletons.get(fund._skeleton_key(facts.frozen))
        if like is not None:
            return _reexplained(fund, like, facts), False
    result = _evaluate(fund, facts)
    if len(fund._matches) >= _SUMMARY_LIMIT:
        return result, False
    fund._matches[key] = result
    if fund._skeleton_key is not None:
        fund._skeletons[fund._skeleton_key(facts.frozen)] = result
    return result, True


def _reexplained(fund: CompiledFund, like: FundMatch, facts: Facts) -> FundMatch:
    """The result of a case that differs from ``like``'s only in numbers the rules' own texts show.

    Everything else is the same (`CompiledFund._skeleton_key`): only those rules' hits (and the routes, where
    their texts show such a number or quote such a hit) are explained again, and what quotes a hit's
    explanation (the reason; an undecided rule's question, when the hit is one) follows.
    """
    decided = _decided(fund, facts)
    facts = facts.for_fund(fund.fund)
    hits = list(like.hits)
    undecided = False
    for i in fund.reshown:
        rule, outcome, missing = decided.found[i]
        hits[i] = _hit(rule, outcome, missing, facts, fund.routes_of[i], decided.chances[i])
        undecided = undecided or (outcome is Outcome.UNKNOWN and not missing and bool(rule.spec.undecided))
    hits = ReadOnlyList(hits)
    routes = ReadOnlyList(_routes(fund, decided.states, hits, facts, decided.status)) if fund.reroute else like.routes
    missing_info = _missing_info(decided, hits) if undecided else like.missing
    return FundMatch._made(
        fund=like.fund,
        name=like.name,
        status=like.status,
        score=like.score,
        likelihood=like.likelihood,
        reason=Unwritten(_reason, like.status, hits, routes),
        hits=hits,
        missing=missing_info,
        co_financing=like.co_financing,
        next_steps=like.next_steps,
        routes=routes,
    )


def _missing_info(decided: _Decided, hits: list[RuleHit]) -> list[MissingInfo]:
    """What the fund still waits for, each input once with the rules that need it."""
    waiting: dict[str, list[str]] = {}
    questions: dict[str, str] = {}
    unknown = Outcome.UNKNOWN
    for (rule, outcome, missed), hit in zip(decided.found, hits, strict=True):
        if outcome is not unknown:
            continue  # a decided rule waits for nothing
        for name in hit.missing:
            ids = waiting.get(name)
            if ids is None:
                waiting[name] = [hit.rule_id]
            else:
                ids.append(hit.rule_id)
        if not missed and rule.spec.undecided:
            # An undecided rule's question is for the managing authority: its own field, so reports merge it.
            field = f"ask:{rule.spec.id}"
            waiting.setdefault(field, []).append(hit.rule_id)
            questions[field] = hit.explanation
    for fact in decided.rate_missing:
        waiting.setdefault(_question(fact)[0], []).append("co_financing")
    return ReadOnlyList(
        [
            MissingInfo._exact(
                {"field": name, "question": questions.get(name) or question_for(name), "rule_ids": ReadOnlyList(ids)}
            )
            for name, ids in waiting.items()
        ]
    )


def _evaluate(fund: CompiledFund, facts: Facts) -> FundMatch:
    case = facts
    facts = facts.for_fund(fund.fund)
    # Without an idea's plan the fund is decided on its own copy of the facts: this one, not a second copy.
    decided = _decided(fund, case if case.plans is not None else facts, summary=False)
    found, status = decided.found, decided.status
    made = _hit if _HIT_LIMIT else _new_hit  # nothing kept: no key to make (`_hit`)
    hits = ReadOnlyList(
        [
            rule.fixed.get((outcome, route)) or made(rule, outcome, missing, facts, route, chance)
            for (rule, outcome, missing), chance, route in zip(found, decided.chances, fund.routes_of, strict=True)
        ]
    )
    routes = ReadOnlyList(_routes(fund, decided.states, hits, facts, status))
    missing = _missing_info(decided, hits)

    steps = []
    for step in fund.next_steps:
        if status not in step.spec.status:
            continue
        if step.condition is not None:
            try:
                holds = step.condition.decide(facts)
            except ExpressionProblem as exc:
                raise RulePackError(exc.problem, path=fund.path, rule_id="next_steps") from None
            # A step whose condition cannot be decided yet is not shown.
            if holds is not True:
                continue
        steps.append(render(step.spec.text, facts))

    return FundMatch._exact(
        {
            "fund": fund_id(fund.fund),
            "name": fund.name,
            "status": status,
            "score": decided.score,
            "likelihood": decided.likelihood,
            # Written when first read, of the same lists the result holds (it quotes a hit).
            "reason": Unwritten(_reason, status, hits, routes),
            "hits": hits,
            "missing": missing,
            "co_financing": decided.co_financing,
            "next_steps": ReadOnlyList(steps),
            "routes": routes,
        }
    )


# ---------------------------------------------------------------------------------------------- row programs
# A summary batch without memos decides every fund for every municipality. Its plan (`_specialise`) already
# decides what the idea alone decides; the row program compiles the rest once per plan: each rule still left to
# the municipality becomes one closure over its compiled condition, and what each outcome changes (a
# preference's points, the status, a route, the inputs asked for, the failed list) is worked out at compile
# time, so that a municipality costs its few conditions and one summary. Nothing is kept between rows.

#: What a rule step gives for a municipality: its outcome, or (unknown) the inputs it asks for, as bits of its
#: program's inputs (`_program`): the facts it misses as `needed` asks for them, or its own question where the
#: law leaves it open (`undecided_when`), a bit of its own.
_Result = Outcome | int
#: A row program: the summary of its fund for a municipality's facts (a dict of every fact), and the fund's
#: rank key before it (`fundmatch._ranking.rank_key`: ineligible last, fit × likelihood, status, the order
#: given), so that a batch ranks the funds by sorting these tuples.
Program = Any
_NO_MONEY: _Money = (None, None, None)
_NO_CHANCES: list[_Chance | None] = []
_STEP, _RECHANCED, _FIXED = 0, 1, 2


def summary_program(fund: CompiledFund, facts: Facts) -> Program | None:
    """The row program of ``fund`` for the idea ``facts`` were built from (compiled with its plan, at the first
    municipality asking for it), or None for facts built from no idea."""
    planned = plan(fund, facts)
    if planned is None:
        return None
    program = planned.program
    if program is None:
        program = _program(fund, planned, facts.for_fund(fund.fund))
        object.__setattr__(planned, "program", program)
    return program


def _locate(fund: CompiledFund, rule: CompiledRule | None, rule_id: str) -> Any:
    """How a condition's failure is reported: the `RulePackError` the plain evaluation raises for it."""
    if rule is None:
        return lambda problem: RulePackError(problem.problem, path=fund.path, rule_id=rule_id)
    path = rule.path or fund.path
    return lambda problem: RulePackError(problem.problem, path=path, line=rule.line, rule_id=rule_id)


def _on_idea(
    condition: Condition, facts: Facts | None, made: dict[int, Any] | None = None
) -> tuple[tuple[str, ...], Callable[[Mapping[str, Any]], bool], bool | None]:
    """``condition`` for the municipalities of one idea (``facts``: the idea's, with any municipality's): the
    facts of a municipality's it reads, what evaluates it once none of them is missing, and its answer where the
    idea's facts then decide it (else None).

    The idea's side of a condition is the same on every row: decided once (`fundmatch._closures.specialise`),
    where every fact of the idea it reads is known (else the whole condition is evaluated on every row,
    three-valued where a fact is missing). Which facts a row misses, and in which order they are named, is what
    the whole condition gives. ``made`` keeps
    what was made for each condition while one program is compiled (a condition is asked for more than once).
    """
    if made is not None and id(condition) in made:
        return made[id(condition)]  # type: ignore[no-any-return]
    reads, run = condition.reads, condition.runner()
    found: tuple[tuple[str, ...], Callable[[Mapping[str, Any]], bool], bool | None] = (reads, run, None)
    known = {name: facts[name] for name in reads if name in _IDEA} if facts is not None else {}
    if known and None not in known.values() and run is condition.closure and ir_of(run) is not None:
        fixed, specialised = specialise(run, known)
        found = (tuple(name for name in reads if name not in known), specialised, fixed)
    if made is not None:
        made[id(condition)] = found
    return found


def _row_decide(
    condition: Condition, error: Any, facts: Facts | None = None, made: dict[int, Any] | None = None
) -> Any:
    """`Condition.decide` on a municipality's facts (a dict of every fact): True, False or the facts missing.

    With ``facts`` (an idea's), what the idea decides of it is decided here (`_on_idea`).
    """
    reads, run, fixed = _on_idea(condition, facts, made)
    if fixed is not None:
        return _decided_after(fixed)
    key = key_getter(reads, {}) if reads != condition.reads else condition._key
    three = _three_of(run, condition)
    if len(reads) == 1 and _open_alone(three, reads):  # most conditions: one fact, looked up once
        (name,) = reads
        missing = [name]

        def decide_one(values: dict[str, Any]) -> bool | list[str]:
            if values[name] is None:
                return missing.copy()
            try:
                return run(values)
            except FAILURES as exc:
                raise error(condition.problem(exc)) from None

        return decide_one

    opened = when_missing(three, reads)

    def decide(values: dict[str, Any]) -> bool | list[str]:
        found = key(values)
        if None in found:
            answer = opened(values, found)
            return answer if answer is True or answer is False else list(answer)
        try:
            return run(values)
        except FAILURES as exc:
            raise error(condition.problem(exc)) from None

    return decide


def _decided_after(answer: bool) -> Any:
    """A decision the idea makes whatever the municipality's facts (`fundmatch._closures.specialise` folds only
    what the known facts decide alone): ``answer``, a missing fact of the municipality's changing nothing."""
    return lambda values: answer


def _three_of(run: Any, condition: Condition) -> Any:
    """What decides ``run`` three-valued where a fact is missing: ``run`` itself (a closure, the idea's side
    folded in), or the condition's closure where rule-engine evaluates it (`Condition.runner`), as
    `Condition.open` does."""
    return run if ir_of(run) is not None else condition.closure


def _open_alone(run: Any, reads: tuple[str, ...]) -> bool:
    """Whether ``run`` (reading one fact) is open when that fact is missing: true of every condition but a
    constant one (``population < 5000 or true``), which the general path decides (`decided_or_missing`)."""
    return without_facts(run, reads) is None


def _rule_step(
    fund: CompiledFund,
    rule: CompiledRule,
    facts: Facts,
    asked: dict[str, int],
    question: int,
    codes: dict[Any, int] | None = None,
    made: dict[int, Any] | None = None,
) -> Any:
    """A rule left to the municipality, as a closure giving its `_Result` (`_outcome`'s answer); or, where the
    idea decides it after all (its condition reads only the idea's facts, and its outcome is not the one that
    can be left open), its outcome and missed facts (as `_outcome` gives them).

    ``asked`` is the bit of the input each fact is asked as when missing (`needed`: it depends on the idea's
    facts only), ``question`` the bit of the rule's own question, what it gives when left open. With ``codes``
    (every result the rule can give, `_results`), the closure gives each result's code instead (`_tabled`).
    """
    condition = rule.condition
    holding, failing = (
        (Outcome.FAIL, Outcome.PASS) if rule.spec.kind is RuleKind.EXCLUSION else (Outcome.PASS, Outcome.FAIL)
    )
    error = _locate(fund, rule, rule.spec.id)
    open_on = None
    if rule.undecided is not None:
        open_on = Outcome.PASS if rule.spec.undecided_on == Outcome.PASS.value else Outcome.FAIL
    left_open = _row_decide(rule.undecided, error, facts, made) if rule.undecided is not None else None
    # What the closures give: the results themselves, or their codes (a question only where there is one).
    code: Any = (lambda result: result) if codes is None else codes.__getitem__
    held, failed = code(holding), code(failing)
    asks = question if left_open is None else code(question)
    open_held = open_on is holding  # the outcome that can be left open is the one the condition holding gives
    if _IDEA.issuperset(condition.reads):
        by_idea = _idea_decides(fund, rule, facts)
        if by_idea is not None:
            return by_idea
        assert left_open is not None  # what the idea leaves open (`_idea_decides` decides the rest)
        given = code(open_on)  # the outcome the idea gives, left open by the municipality's facts

        def only_open(values: dict[str, Any]) -> _Result:
            left = left_open(values)
            if left is False:
                return given  # type: ignore[no-any-return]
            if left is True:
                return asks
            bits = 0
            for n in left:
                bits |= asked[n]
            return bits if codes is None else codes[bits]

        return only_open
    reads, run, fixed = _on_idea(condition, facts, made)
    key = condition._key if reads == condition.reads else key_getter(reads, {})
    if fixed is not None:
        # The idea decides the condition whatever the municipality's facts (`_decided_after`).
        outcome = holding if fixed else failing
        given = code(outcome)
        if outcome is open_on and left_open is not None:

            def decided_open(values: dict[str, Any]) -> _Result:
                left = left_open(values)
                if left is True:
                    return asks
                if left is False:
                    return given  # type: ignore[no-any-return]
                bits = 0
                for n in left:
                    bits |= asked[n]
                return bits if codes is None else codes[bits]

            return decided_open
        return lambda values: given
    three = _three_of(run, condition)
    if left_open is None and len(reads) == 1 and _open_alone(three, reads):
        (name,) = reads
        missing = code(asked[name])
        shape = getattr(run, "shape", None)
        if shape is not None and shape[1] != name:
            shape = None
        if shape is not None and shape[0] == "truth":

            def truth(values: dict[str, Any]) -> _Result:
                value = values[name]
                if value is None:
                    return missing  # type: ignore[no-any-return]
                return held if value else failed  # type: ignore[no-any-return]

            return truth
        if shape is not None and shape[0] == "order":
            _, _, op, constant = shape

            def number(values: dict[str, Any]) -> _Result:
                value = values[name]
                if value is None:
                    return missing  # type: ignore[no-any-return]
                if type(value) is int:  # as the closure compares it
                    return held if op(value, constant) else failed  # type: ignore[no-any-return]
                try:
                    return held if run(values) else failed  # type: ignore[no-any-return]
                except FAILURES as exc:
                    raise error(condition.problem(exc)) from None

            return number

        def one_fact(values: dict[str, Any]) -> _Result:
            if values[name] is None:
                return missing  # type: ignore[no-any-return]
            try:
                return held if run(values) else failed  # type: ignore[no-any-return]
            except FAILURES as exc:
                raise error(condition.problem(exc)) from None

        return one_fact

    opened = when_missing(three, reads)

    def step(values: dict[str, Any]) -> _Result:
        found = key(values)
        if None in found:
            decided = opened(values, found)
            if decided is not True and decided is not False:
                bits = 0
                for n in decided:
                    bits |= asked[n]
                return bits if codes is None else codes[bits]
            holds = decided
        else:
            try:
                holds = run(values)
            except FAILURES as exc:
                raise error(condition.problem(exc)) from None
        if left_open is not None and (open_held if holds else not open_held):
            left = left_open(values)
            if left is True:
                return asks
            if left is not False:
                bits = 0
                for n in left:
                    bits |= asked[n]
                return bits if codes is None else codes[bits]
        return held if holds else failed  # type: ignore[no-any-return]

    return step


def _idea_decides(fund: CompiledFund, rule: CompiledRule, facts: Facts) -> tuple[Outcome, list[str]] | None:
    """The outcome and missed facts of a rule the idea decides after all (`_rule_step`): its condition reads only
    the idea's facts, and its outcome is not the one that can be left open; else None."""
    condition = rule.condition
    if not _IDEA.issuperset(condition.reads):
        return None
    decided = _decide(condition, facts, fund, rule)
    if isinstance(decided, list):
        return Outcome.UNKNOWN, [needed(n, facts) for n in decided]
    holding, failing = (
        (Outcome.FAIL, Outcome.PASS) if rule.spec.kind is RuleKind.EXCLUSION else (Outcome.PASS, Outcome.FAIL)
    )
    outcome = holding if decided else failing
    open_on = Outcome.PASS if rule.spec.undecided_on == Outcome.PASS.value else Outcome.FAIL
    if rule.undecided is not None and outcome is open_on:
        return None
    return outcome, []


def _results(rule: CompiledRule, facts: Facts, asked: dict[str, int], question: int) -> list[Any]:
    """Every result `_rule_step`'s closure of ``rule`` can give for the idea of ``facts``: its outcomes, the bits
    of every set of the inputs its conditions may miss (a fact the idea gives is never missed), its question
    where it can be left open."""
    reads = [*rule.condition.reads, *(rule.undecided.reads if rule.undecided is not None else ())]
    bits = list(dict.fromkeys(asked[n] for n in reads if n not in _IDEA or facts[n] is None))
    sets = {0}
    for bit in bits:
        sets |= {made | bit for made in sets}
    sets.discard(0)
    results: list[Any] = [Outcome.PASS, Outcome.FAIL, *sorted(sets)]
    if rule.undecided is not None and question not in sets:
        results.append(question)
    return results


def _chance_of(fund: CompiledFund, of: CompiledRule | CompiledRoute, facts: Facts) -> tuple[_Chance | None, Any]:
    """`_chance` compiled: the chance itself where the idea decides it, else a closure of the municipality's facts
    (of a rule, or of a route's own question, `_route_chance`).

    The priors whose case reads only the idea's facts are decided here: those that do not hold are dropped, and
    the first that holds ends the list.
    """
    route = of if isinstance(of, CompiledRoute) else None
    error = None if isinstance(of, CompiledRoute) else _locate(fund, of, of.spec.id)
    left: list[tuple[Any, Any]] = []
    for k, prior in enumerate(of.priors):
        if route is not None:
            error = _prior_error(fund, route, k)
        condition = prior.condition
        if condition is not None and _IDEA.issuperset(condition.reads):
            try:
                holds = condition.decide(facts)
            except ExpressionProblem:
                # `_chance` reads a prior only for an unknown outcome: a case that fails on this idea is left
                # to the row, to fail where the chance is read, as it does there, not when the batch is compiled.
                pass
            else:
                if holds is not True:
                    continue
                condition = None
        left.append((None if condition is None else _row_decide(condition, error), prior.spec))
        if condition is None:
            break
    if not left:
        return _EVEN_ODDS, None
    first, spec = left[0]
    if first is None and not spec.by_country:
        return (spec.value, spec.source), None

    def chance(values: dict[str, Any]) -> _Chance:
        for decide, spec in left:
            if decide is not None and decide(values) is not True:
                continue
            return spec.by_country.get(str(values["country"]), spec.value), spec.source
        return _EVEN_ODDS

    return None, chance


def _money_of(rate: CompiledRate, facts: Facts) -> _Money:
    """The rate, its upper end and the EU amount of a rate that applies (`_rate`'s, without its model)."""
    return rate.spec.rate, _upper(rate), _amount(facts.get("budget_eur"), rate.spec.rate)


def _money_program(fund: CompiledFund, planned: _Plan, facts: Facts) -> Any:
    """The plan's rates (`_Rates`) as one function of a municipality's facts giving the money of the first rate
    that holds (`_co_financing`'s, without its model): the rates the idea decides hold are taken as they are,
    the others decided on the facts; a rate waiting for a missing fact gives no money."""
    order, sure = planned.rates
    chain: list[tuple[Condition | None, _Money, Any]] = []
    for k in order:
        rate = fund.rates[k]
        if k in sure:
            if isinstance(sure, dict):
                made = sure[k][0]
                chain.append((None, (made.rate, made.rate_max, made.amount_eur), None))
                break
        elif rate.condition is not None:
            error = _locate(fund, None, f"co_financing.{rate.spec.id}")
            chain.append((rate.condition, _money_of(rate, facts), error))
            continue
        chain.append((None, _money_of(rate, facts), None))
        break
    decided = tuple((None if c is None else _row_decide(c, error, facts), money) for c, money, error in chain)
    # Each condition on the idea (`_on_idea`): what a municipality's facts leave of it.
    on_idea = {id(c): _on_idea(c, facts) for c, _, _ in chain if c is not None}
    runs: list[tuple[Any, _Money, Condition | None, Any]] = []
    for c, figures, error in chain:
        if c is None:
            runs.append((None, figures, c, error))
            continue
        _, run, fixed = on_idea[id(c)]
        runs.append(((lambda values, fixed=fixed: fixed) if fixed is not None else run, figures, c, error))
    # Where none of the facts the rates read is missing, each is decided by its closure alone: the facts are
    # looked up once for all of them (the rates of a category of region read the same two or three).
    reads = tuple(sorted({n for reads, _, _ in on_idea.values() for n in reads}))
    every = key_getter(reads, {})

    def one_by_one(values: dict[str, Any]) -> _Money:
        for decide, money in decided:
            if decide is None:
                return money
            holds = decide(values)
            if holds is True:
                return money
            if holds is not False:
                return _NO_MONEY
        return _NO_MONEY

    def money(values: dict[str, Any]) -> _Money:
        if None in every(values):
            return one_by_one(values)
        for run, figures, condition, error in runs:
            if run is None:
                return figures
            try:
                if run(values):
                    return figures
            except FAILURES as exc:
                raise error(condition.problem(exc)) from None  # type: ignore[union-attr]  # one with a run
        return _NO_MONEY

    if not reads:
        return one_by_one
    # Where the facts read can have only a few values each (`Fact.domain`: a category of region, a flag; or
    # be missing), the money of every combination of them is made here, before any row (one that fails is left
    # to fail on its row); a row reads its entry, or, for a value beyond them, is decided as above.
    domains = [(*domain, None) for name in reads if (domain := FACTS[name].domain) is not None]
    if len(domains) < len(reads) or math.prod(map(len, domains)) > _TABLE_LIMIT:
        return money
    table: dict[tuple[Any, ...], _Money] = {}
    for combination in itertools.product(*domains):
        with contextlib.suppress(RulePackError):
            table[combination] = money({**facts, **dict(zip(reads, combination, strict=True))})
    found = table.get

    def tabled(values: dict[str, Any]) -> _Money:
        return found(every(values)) or money(values)

    return tabled


_IDEA = IDEA_FACTS | {"fund"}
#: The most combinations of results a fund's rules may be tabled for (`_tabled`), per table.
_TABLE_LIMIT = 2048


def _tabled(
    fund: CompiledFund,
    facts: Facts,
    positions: list[int],
    asked: dict[str, int],
    questions: dict[int, int],
    preferences: tuple[Any, ...],
    routed: set[int],
    chances: list[tuple[int, Any, list[Any]]],
    routes: list[Any],
    owns: list[tuple[int, Any, list[Any]]],
    head: float,
    tail: list[float],
    account: Any,
    made: dict[int, Any],
) -> tuple[Any, ...] | None:
    """The rules left to the municipality (at ``positions``) as closures giving a code of their results, and the
    row's chances (``chances``: step, what computes it, what it may be) and conditions of ``routes`` (None for
    a route whose condition the idea decides) as closures giving a code of theirs, that add up to the row's
    combination; and what `_program`'s ``account`` gives for every combination, in two tables: by the results
    of the rules but preferences, of the preferences a route reads (``routed``), the chances and the routes
    (status, failed, likelihood, inputs asked), and by those of the preferences (points, inputs asked). None
    where a table would be larger than `_TABLE_LIMIT`.

    The tables are made here, from the idea and the pack, for every combination, before any municipality: a
    row adds its rules' codes, then those of the chances and routes its rules' results have it read (none for a
    fund they make ineligible, as `account` reads none), and reads its two entries (the low bits of the sum,
    and the high ones). Nothing a row gives is kept. Returned: the rules grouped by the one fact of few values
    they read (the fact, the sum of their codes by its value, the rules), the other rules' closures, the mask
    of the rules' bits, what each of their combinations leaves to read, the mask of the low bits, where the
    preferences' begin, and the two tables.
    """
    rules = fund.rules
    options = [_results(rules[i], facts, asked, questions[i]) for i in positions]
    stepped = [k for k, *_ in preferences]  # in the rules' order, as their slots are
    low = [k for k in range(len(positions)) if k not in stepped or k in routed]
    of_row = [r for r, decide in enumerate(routes) if decide is not None]
    # What a route's condition may give: holds, does not, or misses facts (which are not told apart).
    holds_options: list[Any] = [True, False, []]
    # Read after the rules, in `account`'s order: the chances, then the routes.
    # and the routes' own questions whose chance a municipality's facts decide (`owns`: route, what computes
    # it, its figures), read where the routes are.
    later = [
        *(values for _, _, values in chances),
        *([holds_options] * len(of_row)),
        *(values for _, _, values in owns),
    ]
    sizes = [math.prod(len(options[k]) for k in low), math.prod(len(o) for o in later)]
    low_bits = (sizes[0] - 1).bit_length()
    shift = low_bits + (sizes[1] - 1).bit_length()
    high = math.prod(len(options[k]) for k in stepped)
    if max(1 << shift, high) > _TABLE_LIMIT:
        return None
    # A combination's index: the low rules' digits (each its result's place among `_results`), the first
    # rule's the lowest; then those read later (bits above); the preferences' above them, the first
    # preference's the highest (the order `sums` grows in).
    codes: list[dict[Any, int]] = [dict.fromkeys(results, 0) for results in options]
    radix = 1
    for k in low:
        for digit, result in enumerate(options[k]):
            codes[k][result] = digit * radix
        radix *= len(options[k])
    radix = 1
    for k in reversed(stepped):
        for digit, result in enumerate(options[k]):
            codes[k][result] += (digit * radix) << shift
        radix *= len(options[k])
    coded = [_rule_step(fund, rules[i], facts, asked, questions[i], codes[k], made) for k, i in enumerate(positions)]
    radices = [math.prod(len(o) for o in later[:n]) << low_bits for n in range(len(later))]
    coded_later = [
        _coded_chance(compute, {value: digit * radices[n] for digit, value in enumerate(values)})
        for n, (_, compute, values) in enumerate(chances)
    ]
    coded_later += [
        _coded_route(routes[r], [digit * radices[len(chances) + n] for digit in range(len(holds_options))])
        for n, r in enumerate(of_row)
    ]
    after_routes = len(chances) + len(of_row)
    coded_later += [
        _coded_chance(compute, {value: digit * radices[after_routes + n] for digit, value in enumerate(values)})
        for n, (_, compute, values) in enumerate(owns)
    ]
    by_rules: list[Any] = [None] * (1 << shift)
    pending: list[tuple[Any, ...]] = [()] * (1 << low_bits)
    for index in range(sizes[0]):
        # The preferences no route reads pass: they change nothing but the points, which this table does not
        # hold.
        results: list[Any] = [Outcome.PASS] * len(positions)
        rest = index
        for k in low:
            rest, digit = divmod(rest, len(options[k]))
            results[k] = options[k][digit]
        # What the rules leave to read: the chances of the rules left unknown, then every route's condition
        # (nothing, where they make the fund ineligible); what is not read keeps its first digit.
        unknown = {
            n
            for n, (k, _, _) in enumerate(chances)
            if results[k] is not Outcome.PASS and results[k] is not Outcome.FAIL
        }
        first_given: dict[Any, Any] = {k: (values[0], "") for k, _, values in chances}
        first_given.update({("own", r): (values[0], "") for r, _, values in owns})
        *_, out = account(results, None, [None] * len(routes), first_given)
        read = [] if out else [n for n in range(len(later)) if n >= len(chances) or n in unknown]
        if read:
            pending[index] = tuple(coded_later[n] for n in read)
        for digits in itertools.product(*(range(len(later[n])) for n in read)):
            given = [values[0] for values in later]
            combination = 0
            for n, digit in zip(read, digits, strict=True):
                given[n] = later[n][digit]
                combination += digit * radices[n]
            routes_hold: list[Any] = [None] * len(routes)
            for r, holds in zip(of_row, given[len(chances) : after_routes], strict=True):
                routes_hold[r] = holds
            chances_given: dict[Any, Any] = {k: (figure, "") for (k, _, _), figure in zip(chances, given, strict=False)}
            chances_given.update({("own", r): (f, "") for (r, _, _), f in zip(owns, given[after_routes:], strict=True)})
            status, failed, asks, _, likelihood, _ = account(results, None, routes_hold, chances_given)
            by_rules[index + combination] = (status, failed, asks, likelihood)
    # The points of every combination of the preferences' results: added as `account` adds them (from the
    # head, slot by slot in the rules' order), each partial sum once for all the combinations that share it.
    options_of = {slot: (options[k], weight, points) for k, slot, weight, points, *_ in preferences}
    sums, asks_of = [head], [0]
    for slot, fixed in enumerate(tail):
        if slot not in options_of:
            sums = [total + fixed for total in sums]
            continue
        results, weight, unknown_points = options_of[slot]
        adds = [weight if r is Outcome.PASS else fixed if r is Outcome.FAIL else unknown_points for r in results]
        bits = [0 if r is Outcome.PASS or r is Outcome.FAIL else r for r in results]
        sums = [total + add for total in sums for add in adds]
        asks_of = [asks | more for asks in asks_of for more in bits]
    # Each with the rank key's part for an eligible fund (likelihood 1) and an ineligible one (0), as
    # `_program`'s ``run`` makes it.
    fitted = _fits(sums)
    ranks = {score: (-round(score * 1.0, 3), -round(score * 0.0, 3)) for score in set(fitted)}
    by_points = [(score, asks, *ranks[score]) for score, asks in zip(fitted, asks_of, strict=True)]
    # The rules that read one fact of the municipality's, one with few values (`Fact.domain`), grouped by it:
    # the sum of their codes for each of its values (or its missing), made here; a row looks its value up (a
    # value beyond them, which a validated profile never has, is read rule by rule).
    by_fact: dict[str, list[int]] = {}
    for k, i in enumerate(positions):
        rule = rules[i]
        row_facts = set(_on_idea(rule.condition, facts, made)[0])
        if rule.undecided is not None:
            row_facts |= set(_on_idea(rule.undecided, facts, made)[0])
        if len(row_facts) == 1 and FACTS[fact := row_facts.pop()].domain is not None:
            by_fact.setdefault(fact, []).append(k)
    looked_up: list[tuple[str, dict[Any, int], tuple[Any, ...]]] = []
    for fact, ks in by_fact.items():
        domain = FACTS[fact].domain or ()
        with contextlib.suppress(RulePackError):
            sums_of = {value: sum(coded[k]({**facts, fact: value}) for k in ks) for value in (*domain, None)}
            looked_up.append((fact, sums_of, tuple(coded[k] for k in ks)))
    in_groups = {id(step) for _, _, steps in looked_up for step in steps}
    others = [step for step in coded if id(step) not in in_groups]
    return looked_up, others, (1 << low_bits) - 1, pending, (1 << shift) - 1, shift, by_rules, by_points


def _figures(priors: Any) -> list[float]:
    """The figures a rule's or a route's priors can give (`_chance_of`'s closure): by country, their values, and
    even odds unless a prior without a case always answers."""
    figures = [*(f for p in priors for f in p.spec.by_country.values()), *(p.spec.value for p in priors)]
    if all(p.condition is not None for p in priors):
        figures.append(_EVEN_ODDS[0])
    return list(dict.fromkeys(figures))


def _coded_chance(compute: Any, codes: dict[Any, int]) -> Any:
    """A rule's chance computed from a municipality's facts (`_chance_of`'s closure), giving the code of its
    figure (None for a figure not tabled)."""
    return lambda values: codes.get(compute(values)[0])


def _coded_route(decide: Any, codes: list[int]) -> Any:
    """A route's condition (`_row_decide`'s closure) giving the code of what it gives: holds, does not, misses."""
    holds_code, fails_code, misses_code = codes

    def coded(values: dict[str, Any]) -> int:
        holds = decide(values)
        if holds is True:
            return holds_code
        return fails_code if holds is False else misses_code

    return coded


def _lean(
    looked_up: list[tuple[str, dict[Any, int], tuple[Any, ...]]],
    coded: list[Any],
    rules_mask: int,
    pending: list[tuple[Any, ...]],
    mask: int,
    shift: int,
    statuses: list[Any],
    points: list[Any],
    missing: Any,
    money: Any,
    name: str,
    fund: str | None,
    slow: Callable[[dict[str, Any], int], tuple[bool, float, int, int, FundSummary]],
) -> Program:
    """`_program`'s row program for a fund whose rules' results are tabled (`_tabled`): the rules' codes added,
    then those of what their results leave to read (chances, routes), the two entries read, the money decided,
    the summary made. ``fund``: the fund to set where a rule reads it; ``slow``: the program reading each rule,
    for a row whose chance has a figure the tables do not hold."""
    made = FundSummary._exact

    def run(values: dict[str, Any], order: int) -> tuple[bool, float, int, int, FundSummary]:
        row = values
        if fund is not None:
            values = {**values, "fund": fund}
        combination = 0
        for fact, sums_of, steps in looked_up:
            code = sums_of.get(values[fact])
            if code is None:
                code = 0
                for step in steps:
                    code += step(values)
            combination += code
        for step in coded:
            combination += step(values)
        for later in pending[combination & rules_mask]:
            code = later(values)
            if code is None:  # a chance of a figure not tabled: the row read rule by rule
                return slow(row, order)
            combination += code
        out, status, worse, failed, likelihood, asks = statuses[combination & mask]
        score, more, if_eligible, if_not = points[combination >> shift]
        # The rank key's fit × likelihood: made with the points for an eligible and an ineligible fund.
        rank = if_eligible if worse == 0 else if_not if worse == 2 else -round(score * likelihood, 3)
        rate, rate_max, amount = money(values)
        summary = made(
            {
                "fund": name,
                "status": status,
                "score": score,
                "likelihood": likelihood,
                "rate": rate,
                "rate_max": rate_max,
                "amount_eur": amount,
                "failed": failed,
                "missing": missing(asks | more),
            }
        )
        return out, rank, worse, order, summary

    return run


def _program(fund: CompiledFund, planned: _Plan, facts: Facts) -> Program:
    """Compile the summary ``planned`` leaves to each municipality into one function of its facts (`Program`).

    It gives what `_row_decisions` and the plan's summary give (the same operations on the same values in the
    same order: the points added in the rules' order, the chances multiplied in it), with what every outcome
    changes decided here. Routes are read only where a route requires rules: elsewhere they decide nothing of a
    summary (`_with_routes`, `_likelihood`). The rules' conditions are specialised on the idea (`_on_idea`);
    where no preference's chance reads the municipality, what the rules' results give is tabled for every
    combination (`_tabled`, `_lean`), else the results are read one by one (``account``). The function says
    which facts it may read (``reads``: `IdeaFacts.row_builder` builds only those).
    """
    rules = fund.rules
    found = list(planned.found)
    chances = list(planned.chances)
    rechance = list(planned.rechance)
    steps: list[tuple[int, Any]] = []
    # The inputs the rules left to the municipality may ask for, one bit each: a step gives those it asks for as
    # bits, and a row's `missing` list is read from them (`missing_of`).
    # Only the rules the idea does not decide after all (`_rule_step`, tried once without bits) ask per row.
    unset = {n: 0 for i in fund.row_rules for c in (rules[i].condition, rules[i].undecided) if c for n in c.reads}
    on_idea: dict[int, Any] = {}  # what the idea makes of each condition (`_on_idea`), while this is compiled
    by_idea = {i: _idea_decides(fund, rules[i], facts) for i in fund.row_rules}
    left = [i for i in fund.row_rules if by_idea[i] is None]
    read = {n for i in left for c in (rules[i].condition, rules[i].undecided) if c for n in c.reads}
    asked_as = {n: FACTS[needed(n, facts)].asks for n in read}
    open_ones = [i for i in left if rules[i].undecided is not None]
    inputs = sorted({*asked_as.values(), *(f"ask:{rules[i].spec.id}" for i in open_ones)})
    bit_of = {name: 1 << b for b, name in enumerate(inputs)}
    asked = {**unset, **{n: bit_of[a] for n, a in asked_as.items()}}
    # A rule that cannot be left open never gives its question: no bit, and no result is 0.
    questions = {i: bit_of.get(f"ask:{rules[i].spec.id}", -1) for i in fund.row_rules}
    for i in fund.row_rules:
        decided = by_idea[i]
        if decided is None:
            steps.append((i, None))  # its closure made once it is known how it is read (`_tabled`, or below)
            continue
        outcome, missing = decided
        found[i] = (rules[i], outcome, missing)
        if outcome is Outcome.UNKNOWN:
            if i in fund.row_chances:
                rechance.append(i)
            else:
                chances[i] = _chance(fund, rules[i], facts)
    rechance.sort()
    stepped = {i: k for k, (i, _) in enumerate(steps)}
    rechanced = {i: j for j, i in enumerate(rechance)}
    # What the idea decides, summarised once.
    status0 = _rules_status(found, (i for i in fund.deciding if i not in stepped))
    failed0 = [
        i
        for i, (rule, outcome, _) in enumerate(found)
        if i not in stepped and outcome is Outcome.FAIL and rule.spec.kind is not RuleKind.PREFERENCE
    ]
    asks0 = frozenset(a for i, (rule, o, m) in enumerate(found) if i not in stepped for a in _asks(rule, o, m))
    ids = [rule.spec.id for rule in rules]
    failed_ids0 = ReadOnlyList([ids[i] for i in failed0])
    missing0 = ReadOnlyList(sorted(asks0))

    def missing_of(bits: int) -> ReadOnlyList[str]:
        """The summary's ``missing`` where the rules left to the municipality ask for the inputs of ``bits``."""
        return ReadOnlyList(sorted(asks0.union([name for name, bit in bit_of.items() if bits & bit])))

    # Every combination, made here where there are few inputs (at most 256 lists): a row reads its list.
    missing_by_bits = [missing_of(bits) for bits in range(1 << len(inputs))] if len(inputs) <= 8 else None
    points0 = [0.0 if i in stepped or i in rechanced else _points(found[i], chances[i]) for i in fund.preferences]
    slot_of = {i: slot for slot, i in enumerate(fund.preferences)}
    changed = [slot_of[i] for i in (*stepped, *rechanced) if i in slot_of]
    # The sum of the points no municipality changes before the first it does, in order (`_score` adds them
    # from 0.0 in the rules' order: the same first additions); the slots from there on are added per row.
    first = min(changed, default=len(points0))
    head = 0.0
    for value in points0[:first]:
        head += value
    tail = points0[first:]

    def ref(i: int) -> tuple[int, int, Outcome, _Chance | None]:
        """Where the row program finds the outcome and chance of the rule at ``i``."""
        if i in stepped:
            return _STEP, stepped[i], Outcome.UNKNOWN, None
        if i in rechanced:
            return _RECHANCED, rechanced[i], Outcome.UNKNOWN, None
        return _FIXED, 0, found[i][1], chances[i]

    # The likelihood's factors: the rules that decide the fund, in their order (`_likelihood`), those the idea
    # decides multiplied here as far as the first a municipality decides.
    deciding: list[tuple[int, int, float]] = []
    for i in fund.deciding:
        kind, x, outcome, chance = ref(i)
        if kind == _FIXED:
            rule, outcome, missing = found[i]
            if outcome is Outcome.UNKNOWN and chance and _holds_status(rule, missing):
                deciding.append((kind, 0, chance[0]))
        elif kind == _STEP or _holds_status(rules[i], found[i][2]):
            deciding.append((kind, x, 0.0))
    lead = 1.0
    while deciding and deciding[0][0] == _FIXED:
        lead *= deciding.pop(0)[2]
    routes = []
    if fund.route_rules:
        for route, positions in zip(fund.routes, fund.requires, strict=True):
            holds: Any = True
            decide = None
            if route.condition is not None:
                if _IDEA.issuperset(route.condition.reads):
                    try:
                        holds = route.condition.decide(facts)
                    except ExpressionProblem as exc:
                        raise RulePackError(exc.problem, path=fund.path, rule_id=f"routes.{route.spec.id}") from None
                else:
                    decide = _row_decide(
                        route.condition, _locate(fund, None, f"routes.{route.spec.id}"), facts, on_idea
                    )
            # The route's own question, by its prior (the figure, or what computes it), where it has one.
            own = _chance_of(fund, route, facts) if _halves(route) else None
            routes.append((decide, holds, tuple(ref(i) for i in positions), bool(route.spec.ask), own))
    routes_t = tuple(routes)
    # The steps whose chance the likelihood or a route reads (a preference's only adds its points).
    kept = {x for kind, x, _ in deciding if kind == _STEP}
    kept |= {x for _, _, refs, _, _ in routes_t for kind, x, _, _ in refs if kind == _STEP}
    # Per step but preferences: its place, its position, whether it decides the status, whether an unknown
    # outcome holds the status whatever it misses, its question (an unknown left open always holds it), whether
    # its chance is read, and the chance (the figure, or what computes it).
    requirements = []
    preferences = []
    for k, (i, _) in enumerate(steps):
        rule = rules[i]
        figure, compute = _chance_of(fund, rule, facts)
        if i in slot_of:
            weight = rule.spec.weight or 0.0
            points = weight * figure[0] if figure is not None else 0.0  # `_points` of an unknown outcome
            preferences.append((k, slot_of[i] - first, weight, points, figure, compute, k in kept))
        else:
            holds_any = rule.spec.unknown_effect == "status"
            entry = (k, i, i in fund.deciding, holds_any, questions[i], k in kept, figure, compute)
            requirements.append(entry)
    requirements_t, preferences_t = tuple(requirements), tuple(preferences)
    rechances = tuple(
        (
            rules[i].spec.kind is RuleKind.PREFERENCE,
            *_chance_of(fund, rules[i], facts),
            slot_of[i] - first if i in slot_of else -1,
            rules[i].spec.weight or 0.0,
        )
        for i in rechance
    )
    repoints = bool(preferences_t or any(slot >= 0 for *_, slot, _ in rechances))
    questions_of = {k: questions[i] for k, (i, _) in enumerate(steps)}
    holding_of = {k: rules[i].spec.unknown_effect == "status" for k, (i, _) in enumerate(steps)}
    rest = tuple((kind, x, factor, holding_of.get(x, False), questions_of.get(x)) for kind, x, factor in deciding)
    step_calls: tuple[Any, ...] = ()  # the rules' closures, where they are read one by one (made below)
    size = len(steps)
    money = _money_program(fund, planned, facts)
    name = fund_id(fund.fund)
    reads_fund = fund.row_reads_fund
    made = FundSummary._exact
    eligible, unknown, ineligible = Status.ELIGIBLE, Status.UNKNOWN, Status.INELIGIBLE
    passed, failing, unsure = Outcome.PASS, Outcome.FAIL, Outcome.UNKNOWN
    worse = _WORSE

    def account(
        results: list[Any],
        values: dict[str, Any],
        routes_hold: list[Any] | None = None,
        chances_given: dict[Any, Any] | None = None,
    ) -> tuple[Status, list[int] | None, int, float, float, bool]:
        """What the rules' ``results`` give: the status, the positions of the rules failed (None: none), the
        inputs asked for (bits), the points, the likelihood, and whether the rules make the fund ineligible
        (then no route and no chance of a rule but a preference's is read). ``routes_hold`` and
        ``chances_given``: what the conditions of the routes give, in their order, and the chances of the rules
        (by their step) computed from a municipality's facts (by default on ``values``)."""
        status = status0
        failed: list[int] | None = None
        asks = 0
        step_chances: list[Any] | None = None
        waiting: list[tuple[int, Any]] | None = None  # chances computed once the status is known
        for k, i, decides, holds_any, question, keep, figure, compute in requirements_t:
            result = results[k]
            if result is passed:
                continue
            if result is failing:
                if failed is None:
                    failed = [i]
                else:
                    failed.append(i)
                if decides:
                    status = ineligible
                continue
            asks |= result
            if decides and status is eligible and (holds_any or result == question):
                status = unknown
            if keep:
                if step_chances is None:
                    step_chances = [None] * size
                if compute is None:
                    step_chances[k] = figure
                elif waiting is None:
                    waiting = [(k, compute)]
                else:
                    waiting.append((k, compute))
        # A fund its rules make ineligible needs only its preferences' chances (its likelihood is 0).
        out = status is ineligible
        if waiting is not None and not out:
            for k, compute in waiting:
                step_chances[k] = compute(values) if chances_given is None else chances_given[k]  # type: ignore[index]
        points = tail.copy() if repoints else tail
        for k, slot, weight, unknown_points, figure, compute, keep in preferences_t:
            result = results[k]
            if result is passed:
                points[slot] = weight
            elif result is not failing:
                asks |= result
                if compute is None:
                    chance, points[slot] = figure, unknown_points
                else:
                    chance = compute(values)
                    points[slot] = weight * chance[0]
                if keep:
                    if step_chances is None:
                        step_chances = [None] * size
                    step_chances[k] = chance
        row_chances: list[Any] = _NO_CHANCES
        if rechances:
            row_chances = []
            for preference, figure, compute, slot, weight in rechances:
                chance = (figure if compute is None else compute(values)) if preference or not out else None
                row_chances.append(chance)
                if slot >= 0:
                    points[slot] = weight * chance[0]  # type: ignore[index]
        # Added in the rules' order, as `_score` does, so the sum is the same to the bit.
        total = head
        for value in points:
            total += value
        best = 0.0
        if routes_t and not out:
            route_status = ineligible
            owed = []  # the maybe routes' own questions, read only if the fund stays unknown (`_route_chance`)
            for r, (decide, holds, refs, ask, own) in enumerate(routes_t):
                if decide is not None:
                    holds = decide(values) if routes_hold is None else routes_hold[r]
                closed = holds is False
                maybe = holds is not True
                p = 1.0
                for kind, x, outcome, chance in refs:
                    if kind == _STEP:
                        outcome = results[x]
                        if outcome is not passed and outcome is not failing:
                            outcome, chance = unsure, step_chances[x]  # type: ignore[index]
                    elif kind == _RECHANCED:
                        chance = row_chances[x]
                    if outcome is failing:
                        closed = True
                    elif outcome is not passed:
                        maybe = True
                    if chance:
                        p *= chance[0]
                if closed:
                    continue
                if maybe or ask:
                    if route_status is ineligible:
                        route_status = unknown
                    if own is not None:
                        owed.append((p, r, own))
                    else:
                        best = max(best, p)
                else:
                    route_status = eligible
                    best = 1.0
            if worse[route_status] > worse[status]:
                status = route_status
            if status is unknown:
                for p, r, (figure, compute) in owed:
                    own_chance: _Chance = (
                        figure
                        if figure is not None
                        else compute(values)
                        if chances_given is None
                        else chances_given[("own", r)]
                    )
                    best = max(best, p * own_chance[0])
        if status is unknown:
            likelihood = lead
            for kind, x, factor, holds_any, left_open in rest:
                if kind == _FIXED:
                    likelihood *= factor
                elif kind == _RECHANCED:
                    chance = row_chances[x]
                    if chance:
                        likelihood *= chance[0]
                else:
                    result = results[x]
                    if result is not passed and result is not failing and (holds_any or result == left_open):
                        chance = step_chances[x]  # type: ignore[index]
                        if chance:
                            likelihood *= chance[0]
            if routes_t:
                likelihood *= best
            likelihood = round(likelihood, 3)
        else:
            likelihood = 1.0 if status is eligible else 0.0
        return status, failed, asks, total, likelihood, out

    lookup = missing_by_bits.__getitem__ if missing_by_bits is not None else missing_of

    def failed_ids_of(failed: list[int] | None) -> ReadOnlyList[str]:
        """The summary's ``failed``: the rules the idea fails and those of ``failed``, in the rules' order."""
        return failed_ids0 if failed is None else ReadOnlyList([ids[i] for i in sorted(failed0 + failed)])

    def run(values: dict[str, Any], order: int) -> tuple[bool, float, int, int, FundSummary]:
        if reads_fund:
            values = {**values, "fund": fund.fund}
        results = [step(values) for step in step_calls] if step_calls else []
        status, failed, asks, total, likelihood, _ = account(results, values)
        rate, rate_max, amount = money(values)
        score = _fit(total)
        summary = made(
            {
                "fund": name,
                "status": status,
                "score": score,
                "likelihood": likelihood,
                "rate": rate,
                "rate_max": rate_max,
                "amount_eur": amount,
                "failed": failed_ids_of(failed),
                "missing": missing0 if not asks else lookup(asks),
            }
        )
        return status is ineligible, -round(score * likelihood, 3), worse[status], order, summary

    # The chances the likelihood reads that a municipality's facts decide, and what each may be (`_chance_of`:
    # the figure of the first of the priors whose case holds, or of its country, else even odds).
    # Only the figure is read (the likelihood and the routes multiply it): chances are told apart by it. A
    # chance whose figure is none of these has its fund's row read rule by rule (`_lean`).
    computed = {
        k: _figures(rules[i].priors)
        for k, i, _, _, _, keep, _, compute in requirements_t
        if keep and compute is not None
    }
    lean = None
    uses_slow = False  # whether the tabled program may read a row rule by rule (a chance of a figure not tabled)
    # The routes' own chances that a municipality's facts decide, tabled by their figures where no prior's case
    # reads the municipality (the figure by country, which cannot fail); else the fund is read rule by rule.
    owns = []
    own_by_row = False
    for r, (*_, own) in enumerate(routes_t):
        if own is None or own[0] is not None:
            continue
        priors = fund.routes[r].priors
        if any(p.condition is not None and not _IDEA.issuperset(p.condition.reads) for p in priors):
            own_by_row = True
        owns.append((r, own[1], _figures(priors)))
    if not rechances and not own_by_row and all(e[5] is None for e in preferences_t):
        # No points and no preference's chance that a municipality's facts decide but through the rules'
        # results: the summary but its money is a function of the rules' results, the chances and the routes'
        # conditions, tabled once for every combination of them (`_tabled`).
        stepped_at = [i for i, _ in steps]
        # The preferences whose result a route reads decide the status with the other rules.
        routed = {x for _, _, refs, _, _ in routes_t for kind, x, _, _ in refs if kind == _STEP}
        later = [(k, compute, computed[k]) for k, *_, compute in requirements_t if k in computed]
        tables = _tabled(
            fund,
            facts,
            stepped_at,
            asked,
            questions,
            preferences_t,
            routed,
            later,
            [decide for decide, *_ in routes_t],
            owns,
            head,
            tail,
            account,
            on_idea,
        )
        if tables is not None:
            looked_up, coded, rules_mask, pending, mask, shift, by_rules, points = tables

            def summary_entry(status: Status, failed: list[int] | None, asks: int, likelihood: float) -> Any:
                """A row's summary of its combination, all but the points and money."""
                return status is ineligible, status, worse[status], failed_ids_of(failed), likelihood, asks

            # (No row gives a combination beyond the rules' results: those places are None.)
            statuses = [None if found is None else summary_entry(*found) for found in by_rules]
            lean = _lean(
                looked_up,
                coded,
                rules_mask,
                pending,
                mask,
                shift,
                statuses,
                points,
                lookup,
                money,
                name,
                fund.fund if reads_fund else None,
                run,
            )
            uses_slow = bool(computed)
    if lean is None or uses_slow:
        step_calls = tuple(_rule_step(fund, rules[i], facts, asked, questions[i], None, on_idea) for i, _ in steps)
    if lean is not None:
        run = lean
    # The facts the program may read of a municipality's (`IdeaFacts.row_builder` builds only those): every
    # condition of the rules left to it, of the priors, routes and rates, and the country a prior's figure is by.
    conditions = [c for i in fund.row_rules for c in (rules[i].condition, rules[i].undecided) if c is not None]
    conditions += [prior.condition for rule in rules for prior in rule.priors if prior.condition is not None]
    conditions += [route.condition for route in fund.routes if route.condition is not None]
    conditions += [rate.condition for rate in fund.rates if rate.condition is not None]
    run.reads = frozenset({"country", *(n for c in conditions for n in c.reads)})  # type: ignore[attr-defined]
    return run
