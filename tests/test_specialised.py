"""Batches specialised on their idea decide exactly what a whole evaluation decides.

A fund decides the rules that read only the idea's facts once per idea (`fundmatch._engine.plan`) and, per
municipality, only the rules that read its facts. These properties compare that with evaluating every rule on
the same facts, on random municipalities × ideas, with values missing and numbers on, just off and between the
packs' thresholds.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import fundmatch
from fundmatch import _engine
from fundmatch._compiled import CompiledFund
from fundmatch._expressions import check_template
from fundmatch._facts import FACTS, IDEA_FACTS, Facts, IdeaFacts
from fundmatch._ids import Outcome
from fundmatch._pack import compiled_funds
from fundmatch.testing import municipalities, project_ideas

#: The numeric inputs whose limits the packs compare with, and whether they are whole numbers.
_NUMBERS = {
    "population": True,
    "degurba": True,
    "eu_project_staff_fte": False,
    "third_country_national_share": False,
    "budget_eur": False,
    "duration_months": True,
}


@lru_cache(maxsize=1)
def _pack() -> fundmatch.RulePack:
    return fundmatch.load_rules()


@lru_cache(maxsize=1)
def _limits() -> dict[str, list[Decimal]]:
    """Every constant a shipped condition compares each numeric input with."""
    found: dict[str, set[Decimal]] = {name: set() for name in _NUMBERS}
    for fund in compiled_funds(_pack()).values():
        conditions = [r.condition for r in fund.rules] + [r.condition for r in fund.rates if r.condition]
        for condition in conditions:
            for name, thresholds in condition.thresholds.items():
                if name in found:
                    found[name].update(thresholds.limits)
    return {name: sorted(limits) for name, limits in found.items()}


@st.composite
def _near_limits(draw: st.DrawFn, names: tuple[str, ...]) -> dict[str, object]:
    """Values for some of ``names``: missing, on a limit, just off one, or between two."""
    values: dict[str, object] = {}
    for name in names:
        limits = _limits()[name]
        if not limits or not draw(st.booleans()):
            continue
        limit = draw(st.sampled_from(limits))
        whole = _NUMBERS[name]
        offset = draw(st.sampled_from([0, -1, 1] if whole else [0.0, -1e-9, 1e-9, -0.5, 0.5]))
        value: object = int(limit) + offset if whole else float(limit) + offset
        values[name] = None if draw(st.integers(0, 5)) == 0 else value
    return values


def _valid(model: type, base: fundmatch.Municipality | fundmatch.ProjectIdea, changes: dict) -> object | None:
    try:
        return model.model_validate(base.model_dump() | changes)
    except ValueError:
        return None  # a value the input models refuse (a negative population) is not a case


def _decided(fund: CompiledFund, facts: Facts) -> _engine._Decided:
    planned = _engine.plan(fund, facts)
    return _engine._decide_fund(fund, _engine._for_fund(fund, facts, planned), planned)


def _whole(facts: Facts) -> Facts:
    """The same facts built from no idea: every rule is evaluated on them."""
    return Facts(dict(facts), dict(facts.frozen))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            municipalities(),
            _near_limits(("population", "degurba", "eu_project_staff_fte", "third_country_national_share")),
        ),
        min_size=1,
        max_size=4,
    ),
    project_ideas(),
    _near_limits(("budget_eur", "duration_months")),
)
def test_specialised_decisions_equal_whole_evaluation(rows: list, idea: fundmatch.ProjectIdea, near: dict) -> None:
    pack = _pack()
    idea = _valid(fundmatch.ProjectIdea, idea, near) or idea
    idea_facts = IdeaFacts(idea)  # one idea for the whole batch, its plans made at the first municipality
    for municipality, changes in rows:
        municipality = _valid(fundmatch.Municipality, municipality, changes) or municipality
        facts, _ = pack._facts(municipality, idea_facts)
        assert facts.plans is idea_facts.plans
        for fund in compiled_funds(pack).values():
            planned, whole = _decided(fund, facts), _decided(fund, _whole(facts))
            assert [(r.spec.id, o, m) for r, o, m in planned.found] == [(r.spec.id, o, m) for r, o, m in whole.found]
            assert planned.chances == whole.chances
            assert planned.status == whole.status
            assert planned.states == whole.states
            assert planned.co_financing == whole.co_financing
            # The summary a batch makes of the plan: its row program on the municipality's facts.
            program = _engine.summary_program(fund, facts)
            assert program is not None
            values = idea_facts.row_values(municipality, pack._regions, pack._areas)
            assert program(values, 0)[-1] == whole.summary
    assert set(idea_facts.plans) == set(pack.funds)


@settings(max_examples=40, deadline=None)
@given(st.lists(municipalities(), min_size=1, max_size=3), project_ideas())
def test_specialised_reports_equal_whole_evaluation(profiles: list, idea: fundmatch.ProjectIdea) -> None:
    pack = _pack()
    idea_facts = IdeaFacts(idea)
    for municipality in profiles:
        facts, _ = pack._facts(municipality, idea_facts)
        for fund in compiled_funds(pack).values():
            fund.forget()  # so neither result is a remembered one
            planned = _engine._evaluate(fund, facts)
            fund.forget()
            whole = _engine._evaluate(fund, _whole(facts))
            assert planned.model_dump_json() == whole.model_dump_json()


def test_idea_facts_are_the_ideas_own() -> None:
    # What the plans take as the idea's facts must be exactly what `IdeaFacts` builds from the idea alone,
    # and none of what a municipality adds.
    idea_facts = IdeaFacts(fundmatch.ProjectIdea(title="Library"))
    assert set(idea_facts._values) == IDEA_FACTS
    facts, _ = _pack()._facts(fundmatch.Municipality(name="A", country="IT"), idea_facts)
    own = {name for name in FACTS if facts.frozen[name] is not idea_facts._frozen[name]}
    assert not own & IDEA_FACTS


def test_rules_reading_a_municipality_are_left_to_each_row() -> None:
    for fund in compiled_funds(_pack()).values():
        for i, rule in enumerate(fund.rules):
            reads = set(rule.condition.reads) | set(rule.undecided.reads if rule.undecided else ())
            assert (i in fund.row_rules) == bool(reads - IDEA_FACTS - {"fund"}), rule.spec.id


def test_a_pack_keeps_the_plans_of_a_few_ideas() -> None:
    from fundmatch._pack import _IDEAS_LIMIT, RulePack

    pack = RulePack(_pack().folder)
    place = fundmatch.Municipality(name="A", country="AT", population=900, degurba=3)
    for n in range(_IDEAS_LIMIT + 3):
        pack.match(place, fundmatch.ProjectIdea(title=f"Library {n}", budget_eur=1000.0 * (n + 1)))
    assert len(pack._plans) == _IDEAS_LIMIT
    # The most recent ideas are kept, the oldest evicted.
    newest = fundmatch.ProjectIdea(title=f"Library {_IDEAS_LIMIT + 2}", budget_eur=1000.0 * (_IDEAS_LIMIT + 3))
    oldest = fundmatch.ProjectIdea(title="Library 0", budget_eur=1000.0)
    assert IdeaFacts(newest).key() in pack._plans
    assert IdeaFacts(oldest).key() not in pack._plans
    # An idea asked again is the most recent one, and its answer is the one a fresh pack gives.
    same = fundmatch.ProjectIdea(title="Library 0", budget_eur=1000.0)
    again = pack.match(place, same)
    assert list(pack._plans)[-1] == IdeaFacts(same).key()
    assert len(pack._plans) == _IDEAS_LIMIT
    assert again.model_dump_json() == RulePack(_pack().folder).match(place, same).model_dump_json()


def test_fixed_hits_are_the_hits_a_case_would_get() -> None:
    for fund in compiled_funds(_pack()).values():
        for rule, route in zip(fund.rules, fund.routes_of, strict=True):
            # A common rule is one object in several funds: its hits are kept by the route each fund gives it.
            assert any(kept == route for _, kept in rule.fixed) or not rule.fixed
            for (outcome, kept), hit in rule.fixed.items():
                # Only the text of that outcome must show no fact (the rule's other texts may).
                text = rule.spec.pass_ if outcome is Outcome.PASS else rule.spec.fail
                assert outcome in (Outcome.PASS, Outcome.FAIL) and not check_template(text)
                assert hit.route == kept
                assert hit == _engine._new_hit(rule, outcome, [], Facts({"fund": fund.fund}), kept, None)


def test_a_number_a_rate_note_shows_is_the_municipality_s_own(pack_copy: Path) -> None:
    # A kept decision carries its rate's note already written: a number the note shows must not be keyed by
    # the interval it falls in, or a second municipality would read the first one's figure.
    erdf = pack_copy / "erdf.yaml"
    text = erdf.read_text(encoding="utf-8")
    old = "      when: outermost_region\n      rate: 0.85\n      note: Outermost regions get at most 85 % (CPR Art. 112(3), last subparagraph).\n"
    assert old in text
    new = "      when: outermost_region or population < 5000\n      rate: 0.85\n      note: For {population} inhabitants.\n"
    erdf.write_text(text.replace(old, new, 1), encoding="utf-8")
    pack = fundmatch.RulePack(pack_copy)
    idea = {"title": "Village hall", "themes": ["culture_sport"], "budget_eur": 100000}
    rows = [{"name": f"M{n}", "country": "DE", "nuts": "DE111", "population": n, "degurba": 3} for n in (100, 200)]

    def note(report: fundmatch.MatchReport) -> str:
        found = next(f for f in report.ranking if f.fund == "ERDF").co_financing
        assert found is not None and found.note is not None
        return found.note

    assert [note(r) for r in pack.match_many(rows, idea)] == ["For 100 inhabitants.", "For 200 inhabitants."]
    assert [note(pack.match(row, idea)) for row in rows] == ["For 100 inhabitants.", "For 200 inhabitants."]
