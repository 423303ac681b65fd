"""Memoised results: a remembered result is always the one a fresh evaluation gives.

An idea's plans remember each fund's decisions and summaries by the municipality's values their rules read
(numbers only compared with constants by the interval they fall in), and funds their explained results by all
the values they read and what their texts show.
These tests try to catch a stale or over-shared memo: every answer is checked against a fresh evaluation
(`test_report_construction` does the same for batches of near-identical municipalities).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fundmatch
from fundmatch._engine import evaluate_fund
from fundmatch._expressions import Thresholds, compile_condition
from fundmatch._facts import Facts, IdeaFacts
from fundmatch._pack import compiled_funds, forget_answers
from fundmatch.testing import municipalities, project_ideas

from .conftest import idea, profile


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("population <= 150000", {"population": (Decimal(150000),)}),
        ("population > 5 and (population == 7 or population < 2.5)", {"population": (Decimal("2.5"), 5, 7)}),
        ("150000 >= population", {"population": (Decimal(150000),)}),
        # Anything but a plain comparison with a number literal keeps the exact value in the key.
        ("population * 2 <= 10", {}),
        ("eu_project_staff_fte >= 0.5 or eu_project_staff_fte < population", {}),
        ("degurba >= 2 and population < 10", {"degurba": (2,), "population": (10,)}),
    ],
)
def test_numbers_compared_only_with_constants_are_keyed_by_interval(text: str, expected: dict) -> None:
    found = compile_condition(text).thresholds
    assert {name: t.limits for name, t in found.items()} == expected


def test_intervals_tell_below_on_and_above_each_limit() -> None:
    limits = Thresholds((Decimal(10), Decimal("20.5")))
    assert [limits(v) for v in (-1, 9.999, 10, 10.0, 15, 20.5, 21, None)] == [0, 0, 1, 1, 2, 3, 4, None]


_OPERATORS = ["<", "<=", ">", ">=", "==", "!="]


@st.composite
def _comparisons(draw: st.DrawFn) -> tuple[str, list[float]]:
    limits = draw(st.lists(st.integers(0, 200).map(lambda n: n / 4), min_size=1, max_size=3))
    parts = [f"eu_project_staff_fte {draw(st.sampled_from(_OPERATORS))} {limit}" for limit in limits]
    joiners = [draw(st.sampled_from([" and ", " or "])) for _ in parts[1:]]
    text = parts[0] + "".join(j + p for j, p in zip(joiners, parts[1:], strict=True))
    # Values on, just off and between the limits are where a wrong interval would show.
    near = [v for limit in limits for v in (limit, limit + 1e-9, limit - 1e-9, limit + 0.125)]
    values = draw(st.lists(st.sampled_from([v for v in near if v >= 0]) | st.floats(0, 60), max_size=12))
    return text, values


@given(_comparisons())
def test_answers_on_and_around_the_limits_equal_rule_engine(case: tuple[str, list[float]]) -> None:
    text, values = case
    condition = compile_condition(text)
    for value in values + values[::-1]:
        facts = Facts({"eu_project_staff_fte": value})
        assert condition.decide(facts) is bool(condition.rule.matches(facts)), (text, value)


def test_fund_summaries_around_the_lag_population_limit() -> None:
    pack = fundmatch.load_rules()
    eafrd = compiled_funds(pack)["EAFRD"]
    idea_model = fundmatch.ProjectIdea.model_validate(idea())
    populations = [149_999, 150_000, 150_001, 5, 10_000_000, 150_000, 149_999]
    profiles = [profile(population=n, leader_lag=None) for n in populations]
    # Twice, in opposite orders, so later rows are answered from what earlier rows left in the memo.
    for batch in (profiles, profiles[::-1]):
        summaries = pack.match_many(batch, idea_model, funds=["EAFRD"], detail="summary")
        for row, summary in zip(batch, summaries, strict=True):
            municipality = fundmatch.Municipality.model_validate(row)
            facts, _ = pack._facts(municipality, IdeaFacts(idea_model))
            full = evaluate_fund(eafrd, facts)
            assert summary["EAFRD"].score == full.score
            assert summary["EAFRD"].status == full.status
    in_band = pack.match(profile(population=150_000), idea_model, funds=["EAFRD"])["EAFRD"]
    above = pack.match(profile(population=150_001), idea_model, funds=["EAFRD"])["EAFRD"]
    outcome = {h.rule_id: h.outcome for h in in_band.hits}, {h.rule_id: h.outcome for h in above.hits}
    assert outcome[0]["lag_population_band"] is fundmatch.Outcome.PASS
    assert outcome[1]["lag_population_band"] is fundmatch.Outcome.FAIL


@given(st.lists(municipalities(), min_size=1, max_size=4), project_ideas())
def test_remembered_answers_never_change_a_report(profiles: list, one_idea: fundmatch.ProjectIdea) -> None:
    pack = fundmatch.load_rules()
    warm = [pack.match(p, one_idea).model_dump_json() for p in profiles]
    cold = []
    for p in profiles:
        forget_answers(pack)
        cold.append(pack.match(p, one_idea).model_dump_json())
    assert warm == cold


@given(
    st.lists(st.integers(-10, 200_000).map(Decimal), min_size=1, max_size=4, unique=True),
    st.integers(-20, 250_000),
)
def test_whole_numbers_fall_in_the_interval_of_their_decimal(limits: list[Decimal], value: int) -> None:
    # Whole numbers skip rule-engine's conversion: their interval must be the one the converted value has.
    thresholds = Thresholds(tuple(sorted(limits)))
    assert thresholds(value) == thresholds(Decimal(value)) == thresholds(float(value))
