"""Reports the engine builds without validating them again are exactly what validation gives.

The engine makes its outputs with `_Output._made` (no re-validation of values it made itself) and shares equal
results between the reports of a batch. Both must be invisible: a report equals its own JSON round trip, value
for value and type for type, and a result shared from the memo equals one evaluated afresh.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import fundmatch
from fundmatch._evidence import _Output
from fundmatch._pack import forget_answers
from fundmatch._report import (
    CoFinancing,
    FundMatch,
    FundSummary,
    MatchReport,
    MatchSummary,
    MissingInfo,
    ReportQuestion,
    ReportWarning,
    Route,
    RuleHit,
)
from fundmatch.testing import municipalities, project_ideas

from .conftest import idea, profile

_MADE = {CoFinancing, FundMatch, FundSummary, MatchReport, MatchSummary, MissingInfo, ReportQuestion, ReportWarning}
_MADE |= {Route, RuleHit}


def _same(made: Any, validated: Any, where: str = "report") -> None:
    """Equal values of the same types all the way down (1 and 1.0, or a `Fund` and its str, would differ)."""
    assert type(made) is type(validated), (where, type(made), type(validated))
    if isinstance(made, BaseModel):
        assert list(made.__dict__) == list(validated.__dict__), where
        if type(made) in _MADE:  # inputs, citations and derived values keep the fields they were given
            assert made.model_fields_set == validated.model_fields_set, where
        for name in type(made).model_fields:
            _same(getattr(made, name), getattr(validated, name), f"{where}.{name}")
    elif isinstance(made, (list, tuple)):
        assert len(made) == len(validated), where
        for i, (a, b) in enumerate(zip(made, validated, strict=True)):
            _same(a, b, f"{where}[{i}]")
    elif isinstance(made, dict):
        assert list(made) == list(validated), where
        for key in made:
            _same(made[key], validated[key], f"{where}[{key!r}]")
    elif isinstance(made, Enum):
        assert made is validated, where
    else:
        assert made == validated, where


@settings(max_examples=25, deadline=None)
@given(municipalities(), project_ideas())
def test_a_report_equals_its_validated_round_trip(one: fundmatch.Municipality, one_idea: fundmatch.ProjectIdea) -> None:
    report = fundmatch.load_rules().match(one, one_idea)
    again = MatchReport.model_validate(report.model_dump())
    assert report == again
    _same(report, again)
    from_json = MatchReport.model_validate_json(report.model_dump_json())
    assert from_json.model_dump_json() == report.model_dump_json()
    _same(report, from_json)


@settings(max_examples=20, deadline=None)
@given(st.lists(municipalities(), min_size=1, max_size=5), project_ideas())
def test_a_summary_equals_its_validated_round_trip(profiles: list, one_idea: fundmatch.ProjectIdea) -> None:
    for summary in fundmatch.load_rules().match_many(profiles, one_idea, detail="summary"):
        again = MatchSummary.model_validate(summary.model_dump())
        _same(summary, again)
        assert json.loads(summary.model_dump_json()) == json.loads(again.model_dump_json())


def test_made_fills_defaults_in_declaration_order_and_refuses_unknown_fields() -> None:
    made = CoFinancing._made(note="n", rate=0.5)
    _same(made, CoFinancing.model_validate({**_defaults(CoFinancing), "rate": 0.5, "note": "n"}))
    with pytest.raises(TypeError, match="no field"):
        CoFinancing._made(rate=0.5, colour="blue")
    with pytest.raises(TypeError, match="needs rate"):
        CoFinancing._made(note="n")


def _defaults(model: type[_Output]) -> dict[str, Any]:
    return {n: f.get_default(call_default_factory=True) for n, f in model.model_fields.items() if not f.is_required()}


def test_made_outputs_stay_frozen_and_copy_their_fields_set() -> None:
    made = CoFinancing._made(rate=0.5, note="n")
    with pytest.raises(Exception, match="frozen"):
        made.rate = 0.6  # type: ignore[misc]
    copied = made.model_copy(update={"tier": "x"})
    assert copied.tier == "x"
    assert made.tier is None
    assert made.model_fields_set == set(CoFinancing.model_fields)


def test_every_output_model_is_made_without_validation() -> None:
    # Each is built by the engine; one that the engine still validates would be a slow path left behind.
    report = fundmatch.load_rules().match(profile(population=3_000), idea())
    made: list[BaseModel] = [report, *report.ranking, *report.questions, *report.warnings]
    for result in report.ranking:
        made += [*result.hits, *result.missing, *result.routes, result.co_financing]
    kinds = {type(m) for m in made}
    assert {MatchReport, FundMatch, RuleHit, Route, CoFinancing} <= kinds
    for model in made:
        assert model.model_fields_set == set(type(model).model_fields), type(model).__name__


_POPULATIONS = [4, 999, 1_000, 1_001, 4_999, 5_000, 5_001, 9_999, 10_000, 149_999, 150_000, 150_001, 2_000_000]
_VALUES = {
    "population": st.sampled_from(_POPULATIONS),
    "degurba": st.sampled_from([1, 2, 3]),
    "leader_lag": st.booleans(),
    "eu_project_staff_fte": st.sampled_from([0.1, 0.2, 0.25, 0.5, 1.0, 1.5]),
    "third_country_national_share": st.sampled_from([0.0, 0.01, 0.011, 0.05, 0.2]),
    "place": st.sampled_from([("IT", "ITH10"), ("IT", "ITH42"), ("AT", "AT333"), ("DE", "DE300")]),
}


@st.composite
def _neighbours(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Profiles that differ from one another in one field each: where a memo key that missed a fact would show."""
    base = {name: draw(values | st.none()) for name, values in _VALUES.items()}
    rows = [base]
    for name in draw(st.lists(st.sampled_from(sorted(_VALUES)), min_size=1, max_size=6)):
        rows.append({**base, name: draw(_VALUES[name] | st.none())})
    profiles = []
    for row in rows:
        country, nuts = row["place"] or ("IT", None)
        rest = {k: v for k, v in row.items() if k != "place" and v is not None}
        profiles.append(profile(country=country, nuts=nuts, **rest))
    return profiles


@settings(max_examples=30, deadline=None)
@given(_neighbours(), project_ideas())
def test_shared_results_of_a_batch_equal_fresh_evaluations(profiles: list, one_idea: fundmatch.ProjectIdea) -> None:
    pack = fundmatch.load_rules()
    for kept in (pack.match_many(profiles + profiles, one_idea), list(pack.iter_match(profiles[::-1], one_idea))):
        for report in kept:
            forget_answers(pack)
            fresh = pack.match(report.municipality, one_idea)
            assert report.model_dump_json() == fresh.model_dump_json()


def _lists_of(model: BaseModel, where: str = "report") -> list[tuple[str, list[Any]]]:
    """Every list a report holds (its own fields', its results', their hits' …), with where it is."""
    found = []
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, list):
            found.append((f"{where}.{name}", value))
            found += [
                p for i, v in enumerate(value) if isinstance(v, _Output) for p in _lists_of(v, f"{where}.{name}[{i}]")
            ]
        elif isinstance(value, _Output):
            found += _lists_of(value, f"{where}.{name}")
    return found


_CHANGES = {
    "append": lambda items: items.append(items[0] if items else "x"),
    "extend": lambda items: items.extend(["x"]),
    "setitem": lambda items: items.__setitem__(0, "x"),
    "delitem": lambda items: items.__delitem__(0),
    "iadd": lambda items: items.__iadd__(["x"]),
    "insert": lambda items: items.insert(0, "x"),
    "pop": lambda items: items.pop(),
    "remove": lambda items: items.remove(items[0]),
    "clear": lambda items: items.clear(),
    "sort": lambda items: items.sort(key=repr),
    "reverse": lambda items: items.reverse(),
}


@pytest.mark.parametrize("change", sorted(_CHANGES))
@pytest.mark.parametrize("detail", ["full", "summary"])
def test_a_report_changed_in_place_never_changes_the_next_report_of_the_case(change: str, detail: str) -> None:
    # Equal cases share their results through the memo: a list changed in one report would be changed in all.
    pack = fundmatch.load_rules()
    cases = [profile(population=3_000), profile(population=3_000, leader_lag=None, eu_project_staff_fte=None)]
    first = pack.match_many(cases, idea(), detail=detail)  # type: ignore[call-overload]
    before = [r.model_dump_json() for r in first]
    lists = [p for r in first for p in _lists_of(r) if p[1]]
    assert len(lists) > (20 if detail == "full" else 10)  # hits, their inputs missing, routes, failed rules …
    for where, items in lists:
        with pytest.raises(TypeError, match="read-only"):
            _CHANGES[change](items)
        assert isinstance(items, list), where  # still a list to read
    again = pack.match_many(cases, idea(), detail=detail)  # type: ignore[call-overload]
    assert [r.model_dump_json() for r in again] == before
    assert [r.model_dump_json() for r in first] == before


def test_validated_outputs_are_read_only_too_and_pickle() -> None:
    import pickle

    report = fundmatch.load_rules().match(profile(population=3_000), idea())
    again = MatchReport.model_validate_json(report.model_dump_json())
    for where, items in _lists_of(again):
        assert type(items) is type(report.ranking), where
    with pytest.raises(TypeError, match="read-only"):
        again.ranking[0].hits.append(again.ranking[0].hits[0])
    assert pickle.loads(pickle.dumps(report)) == report
    assert type(pickle.loads(pickle.dumps(report)).ranking[0].hits) is type(report.ranking)
    assert isinstance(report.model_dump()["ranking"], list) and type(report.model_dump()["ranking"]) is list


def _pack_and_facts() -> tuple[fundmatch.RulePack, Any]:
    """The shipped pack and the facts of one small municipality's case: what load-time parts are compared on."""
    from fundmatch._facts import IdeaFacts

    pack = fundmatch.load_rules()
    report = pack.match(profile(population=3_000), idea())
    facts, _ = pack._facts(report.municipality, IdeaFacts(report.idea))
    return pack, facts


def test_routes_made_at_load_are_the_routes_a_case_would_get() -> None:
    from fundmatch import _engine
    from fundmatch._ids import RouteStatus
    from fundmatch._pack import compiled_funds

    pack, facts = _pack_and_facts()
    made = 0
    for fund in compiled_funds(pack).values():
        for route in fund.routes:
            for state, fixed in route.fixed.items():
                unfixed = type(route)(route.spec, route.condition, route.citation)  # nothing made at load
                # A fund that is not unknown: where a route's chance counts (`_routes`) nothing fixed is used.
                case = _engine._routes(
                    fund, [(unfixed, state, [])], [], facts.for_fund(fund.fund), fundmatch.Status.ELIGIBLE
                )[0]
                _same(fixed, case, f"{fund.fund}.{route.spec.id}.{state}")
                made += 1
            assert set(route.fixed) in (set(), set(RouteStatus)), route.spec.id
    assert made >= 30


def test_rates_made_at_load_are_the_rates_a_case_would_get() -> None:
    import itertools

    from fundmatch import _engine
    from fundmatch._pack import compiled_funds

    pack, facts = _pack_and_facts()
    made = 0
    for fund in compiled_funds(pack).values():
        for rate in fund.rates:
            unprepared = type(rate)(rate.spec, rate.condition, rate.citation)  # nothing made at load
            for flags in itertools.product((False, True), repeat=len(_engine._TABLE_CAVEATS)):
                case = _engine._rate_blank(fund, unprepared, flags, facts.for_fund(fund.fund))
                if rate.blanks:
                    assert rate.blanks[flags] == case, (fund.fund, rate.spec.id, flags)
                    made += 1
            reads = rate.condition.reads if rate.condition is not None else ()
            assert [f is not None for f in rate.flagged] == [
                r in reads for r, _, _ in _engine._TABLE_CAVEATS if rate.flagged
            ], rate.spec.id
    assert made >= 20
