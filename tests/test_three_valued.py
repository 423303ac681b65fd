"""A missing fact leaves a rule open only where it can change the rule's answer.

``(degurba == 3 or 'rural_development' in themes) and (activities & {...}).length > 0`` (the EAFRD's
``village_investment``) fails for a project that invests nothing, whether or not the degree of urbanisation is
known; it passes for a village project that builds, named rural in the description. Before, every rule reading
a missing fact was ``unknown`` and a preference counted half its points by even odds: an applicant without a
place collected points for what the project certainly is not, and a decided rule asked for facts that could
not change it. An open rule names only the missing facts that can still change it: ``village_investment`` in a
rural area asks for the activities, not for the themes that a known rural place makes irrelevant.
The explained report, the summary and every path of the summary (memos on and off, tabled and rule by rule)
decide alike (`fundmatch._closures.three_valued`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

import fundmatch
from fundmatch import _engine, _expressions
from fundmatch import _pack as pack_module

_NO_PLACE = {"name": "Verein für die Dörfer", "country": "AT"}  # an NGO acting for an area: no place facts


def _idea(activities: list[str], themes: list[str]) -> fundmatch.ProjectIdea:
    return fundmatch.ProjectIdea(
        title="Village project",
        description="A project of the villages of our rural area.",
        applicant_type="ngo",
        themes=themes,
        activities=activities,
        target_groups=["general_population"],
    )


@contextlib.contextmanager
def _paths(name: str) -> Iterator[None]:
    """The engine with its memos (``memo``), without (``none``), without the row programs' tables too, or with
    rule-engine's evaluator instead of the closures (``rule_engine``, as the benchmark's `evaluator(False)`)."""
    saved = (_engine._SUMMARY_LIMIT, _engine._HIT_LIMIT, pack_module._RANKINGS_LIMIT, _engine._TABLE_LIMIT)
    closures = _expressions._CLOSURES
    if name != "memo":
        _engine._SUMMARY_LIMIT = _engine._HIT_LIMIT = pack_module._RANKINGS_LIMIT = 0
    if name == "rule_by_rule":
        _engine._TABLE_LIMIT = 0
    if name == "rule_engine":
        _expressions._CLOSURES = False
    try:
        yield
    finally:
        _engine._SUMMARY_LIMIT, _engine._HIT_LIMIT, pack_module._RANKINGS_LIMIT, _engine._TABLE_LIMIT = saved
        _expressions._CLOSURES = closures


def _hit(report: fundmatch.MatchReport, fund: str, rule_id: str) -> fundmatch.RuleHit:
    return next(h for h in report[fund].hits if h.rule_id == rule_id)


@pytest.mark.parametrize(
    ("activities", "themes", "outcome"),
    [
        (["mentoring", "events"], ["rural_development", "social_inclusion"], fundmatch.Outcome.FAIL),
        (["construction"], ["rural_development", "culture_sport"], fundmatch.Outcome.PASS),
        (["construction"], ["culture_sport"], fundmatch.Outcome.UNKNOWN),  # rural only if the place is
    ],
)
def test_a_rule_is_decided_by_the_facts_that_are_known_where_they_decide_it(
    activities: list[str], themes: list[str], outcome: fundmatch.Outcome
) -> None:
    pack = fundmatch.load_rules()
    report = pack.match(_NO_PLACE, _idea(activities, themes))
    hit = _hit(report, "EAFRD", "village_investment")
    assert hit.outcome is outcome, hit.explanation
    # Only an open rule asks for the degree of urbanisation.
    assert ("degurba" in hit.missing) is (outcome is fundmatch.Outcome.UNKNOWN), hit.missing


def test_an_open_rule_asks_only_for_what_can_still_change_it() -> None:
    # A rural theme in the text: the degree of urbanisation of an applicant without a place cannot change it.
    pack = fundmatch.load_rules()
    idea = fundmatch.ProjectIdea(
        title="Village project", description="A project of the villages of our rural area.", applicant_type="ngo"
    )
    report = pack.match(_NO_PLACE, idea)
    assert not idea.activities and not report.idea.activities
    hit = _hit(report, "EAFRD", "village_investment")
    assert hit.outcome is fundmatch.Outcome.UNKNOWN and list(hit.missing) == ["activities"], hit.missing
    waiting = {m.field: m.rule_ids for m in report["EAFRD"].missing}
    assert "village_investment" in waiting["activities"]
    assert all("village_investment" not in ids for field, ids in waiting.items() if field != "activities")


def test_a_decided_preference_counts_its_points_not_half_of_them() -> None:
    pack = fundmatch.load_rules()
    soft = pack.match(_NO_PLACE, _idea(["mentoring"], ["rural_development", "social_inclusion"]))
    built = pack.match(_NO_PLACE, _idea(["mentoring", "construction"], ["rural_development", "social_inclusion"]))
    weight = _hit(built, "EAFRD", "village_investment").weight
    # The same idea but for the investment: the whole weight between them, not half of it.
    assert built["EAFRD"].score - soft["EAFRD"].score >= weight


def test_a_city_without_a_population_is_no_rural_area_for_the_cap_plan_s_investments() -> None:
    # cap_investments: `degurba == 3 or (degurba == 2 and population < 20000)`; a city is decided without it.
    pack = fundmatch.load_rules()
    idea = _idea(["construction"], ["rural_development", "culture_sport"])
    city = pack.match({"name": "A city", "country": "FR", "nuts": "FR101", "degurba": 1}, idea)
    town = pack.match({"name": "A town", "country": "FR", "nuts": "FR101", "degurba": 2}, idea)
    routes = {r.id: r for r in city["EAFRD"].routes}
    assert routes["cap_investments"].status is fundmatch.RouteStatus.CLOSED
    assert {r.id: r for r in town["EAFRD"].routes}["cap_investments"].status is fundmatch.RouteStatus.MAYBE


@pytest.mark.parametrize("path", ["memo", "none", "rule_by_rule", "rule_engine"])
def test_summaries_decide_missing_facts_as_the_explained_report_does(path: str) -> None:
    pack = fundmatch.load_rules()
    rows = [
        _NO_PLACE,
        {"name": "A city", "country": "FR", "nuts": "FR101", "degurba": 1},
        {"name": "A town", "country": "FR", "nuts": "FR101", "degurba": 2},
        {"name": "A village", "country": "SE", "degurba": 3},
    ]
    for idea in (
        _idea(["mentoring"], ["rural_development", "social_inclusion"]),
        _idea(["construction"], ["culture_sport", "digital"]),
        _idea([], ["rural_development", "culture_sport"]),
        _idea([], []),
    ):
        with _paths(path):
            summaries = pack.match_many(rows, idea, detail="summary")
            reports = [pack.match(row, idea) for row in rows]
        for summary, report in zip(summaries, reports, strict=True):
            for fund in report.ranking:
                got = summary[fund.fund]
                assert (got.status, got.score, got.likelihood) == (fund.status, fund.score, fund.likelihood), (
                    path,
                    fund.fund,
                )
                # The same questions (the rate's own, co_financing, are not a rule's: the summary has its rate).
                asked = sorted(m.field for m in fund.missing if set(m.rule_ids) - {"co_financing"})
                assert sorted(got.missing) == asked, (path, fund.fund)
