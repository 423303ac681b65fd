"""Properties of the shipped packs and the engine, over inputs drawn by fundmatch.testing."""

from __future__ import annotations

import itertools

from hypothesis import assume, given
from hypothesis import strategies as st

import fundmatch
from fundmatch import Outcome, RuleKind, Status
from fundmatch._ids import RouteStatus
from fundmatch._pack import compiled_funds
from fundmatch.testing import member_states, municipalities, partners, project_ideas

PACK = fundmatch.load_rules()
ORDER = {Status.ELIGIBLE: 0, Status.UNKNOWN: 1, Status.INELIGIBLE: 2}
TCN = ["third_country_nationals", "refugees", "asylum_seekers", "unaccompanied_minors"]


@given(municipalities(), project_ideas())
def test_deterministic_byte_for_byte(profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea) -> None:
    assert PACK.match(profile, idea).model_dump_json() == PACK.match(profile, idea).model_dump_json()


@given(municipalities(), project_ideas())
def test_ranking_order_and_score_bounds(profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea) -> None:
    ranking = PACK.match(profile, idea).ranking
    # Every ineligible fund after every other; among the others, by fit × likelihood.
    ineligible = [r.status is Status.INELIGIBLE for r in ranking]
    assert ineligible == sorted(ineligible)
    assert all(0 <= r.score <= 100 and 0 <= r.likelihood <= 1 for r in ranking)
    for r in ranking:
        assert (r.likelihood == 1.0) if r.status is Status.ELIGIBLE else True
        assert (r.likelihood == 0.0) if r.status is Status.INELIGIBLE else True
    for a, b in itertools.pairwise(ranking):
        if not (a.status is Status.INELIGIBLE or b.status is Status.INELIGIBLE):
            assert round(a.score * a.likelihood, 3) >= round(b.score * b.likelihood, 3)


@given(municipalities(), project_ideas())
def test_every_rule_gives_exactly_one_explained_hit(
    profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea
) -> None:
    report = PACK.match(profile, idea)
    assert sorted(r.fund.value for r in report.ranking) == sorted(PACK.funds)
    for result in report.ranking:
        expected = [rule.spec.id for rule in compiled_funds(PACK)[result.fund].rules]
        assert [h.rule_id for h in result.hits] == expected
        for hit in result.hits:
            assert hit.explanation.strip() and hit.citation.act.strip()
            assert "{" not in hit.explanation  # every placeholder was filled
        assert result.reason.strip()


@given(municipalities(), project_ideas())
def test_status_follows_from_the_hits(profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea) -> None:
    for result in PACK.match(profile, idea).ranking:
        deciding = [h for h in result.hits if h.kind is not RuleKind.PREFERENCE]
        # A route's rules (e.g. LEADER's LAG area) decide their route; the fund follows its best route.
        own = [h for h in deciding if h.route is None]
        routes_closed = bool(result.routes) and all(r.status is RouteStatus.CLOSED for r in result.routes)
        gated = any(h.route is not None for h in deciding)
        if result.status is Status.INELIGIBLE:
            failed = [h for h in deciding if h.outcome is Outcome.FAIL]
            assert failed or routes_closed
            # Missing information never makes a fund ineligible: a failing rule read everything it needed.
            assert all(not h.missing for h in failed)
            assert any(h.outcome is Outcome.FAIL for h in own) or (gated and routes_closed)
        else:
            assert all(h.outcome is not Outcome.FAIL for h in own)
            assert not (gated and routes_closed)
        if result.status is Status.UNKNOWN:
            maybe = gated and not any(r.status is RouteStatus.OPEN for r in result.routes)
            assert any(h.outcome is Outcome.UNKNOWN and h.affects_status for h in own) or maybe
            assert result.missing or maybe


_OPTIONAL_PROFILE = [
    "nuts",
    "degurba",
    "region_category",
    "border_region",
    "outermost_region",
    "leader_lag",
    "eu_project_staff_fte",
    "third_country_national_share",
]
_OPTIONAL_IDEA = [
    "budget_eur",
    "duration_months",
    "start_date",
    "end_date",
    "completed_before_application",
    "programme_confirmed",
]


@given(municipalities(missing=False), project_ideas(missing=False), st.data())
def test_removing_information_never_makes_a_fund_ineligible(
    profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea, data: st.DataObject
) -> None:
    drop_profile = data.draw(st.sets(st.sampled_from(_OPTIONAL_PROFILE)))
    drop_idea = data.draw(st.sets(st.sampled_from(_OPTIONAL_IDEA)))
    full = PACK.match(profile, idea)
    partial = PACK.match(
        profile.model_copy(update=dict.fromkeys(drop_profile)), idea.model_copy(update=dict.fromkeys(drop_idea))
    )
    # A dropped field the pack derives again from what is left (an outermost region from the NUTS code) is
    # replaced, not removed: where the derived value contradicts the one given, the property does not apply.
    replaced = {d.field for d in partial.derived if d.field in drop_profile and d.value != getattr(profile, d.field)}
    assume(not replaced)
    for fund in PACK.funds:
        if full[fund].status is not Status.INELIGIBLE:
            assert partial[fund].status is not Status.INELIGIBLE, (fund, drop_profile, drop_idea)


@given(municipalities(), project_ideas())
def test_co_financing_within_budget_and_from_the_pack(
    profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea
) -> None:
    for result in PACK.match(profile, idea).ranking:
        cf = result.co_financing
        rates = {(r.spec.rate, r.spec.rate_max or r.spec.rate) for r in compiled_funds(PACK)[result.fund].rates}
        if cf.rate is None:
            assert cf.amount_eur is None and cf.note
            continue
        assert (cf.rate, cf.rate_max or cf.rate) in rates
        if idea.budget_eur is not None:
            assert cf.amount_eur is not None and 0 <= cf.amount_eur <= idea.budget_eur + 0.01
            if cf.amount_max_eur is not None:
                assert cf.amount_eur <= cf.amount_max_eur <= idea.budget_eur + 0.01
        else:
            assert cf.amount_eur is None


@given(municipalities(), project_ideas())
def test_json_round_trip(profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea) -> None:
    report = PACK.match(profile, idea)
    again = fundmatch.MatchReport.model_validate_json(report.model_dump_json())
    assert again == report
    assert again.model_dump_json() == report.model_dump_json()


@given(municipalities(), project_ideas(), member_states())
def test_another_member_state_partner_never_breaks_interreg(
    profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea, country: str
) -> None:
    assume(country != profile.country)
    before = PACK.match(profile, idea, funds=["INTERREG"])["INTERREG"]
    more = idea.model_copy(
        update={"partners": [*idea.partners, fundmatch.Partner(country=country, type="municipality")]}
    )
    after = PACK.match(profile, more, funds=["INTERREG"])["INTERREG"]
    if before.status is Status.ELIGIBLE:
        assert after.status is not Status.INELIGIBLE


@given(municipalities(), project_ideas(), st.sampled_from(TCN))
def test_adding_third_country_nationals_never_makes_amif_ineligible(
    profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea, group: str
) -> None:
    before = PACK.match(profile, idea, funds=["AMIF"])["AMIF"]
    wider = idea.model_copy(update={"target_groups": [*idea.target_groups, fundmatch.TargetGroup(group)]})
    after = PACK.match(profile, wider, funds=["AMIF"])["AMIF"]
    if before.status is not Status.INELIGIBLE:
        assert after.status is not Status.INELIGIBLE


@given(municipalities(), project_ideas(), st.floats(0.01, 1.0))
def test_a_smaller_population_never_makes_leader_ineligible(
    profile: fundmatch.Municipality, idea: fundmatch.ProjectIdea, factor: float
) -> None:
    assume(profile.population is not None)
    assert profile.population is not None
    before = PACK.match(profile, idea, funds=["EAFRD"])["EAFRD"]
    smaller = profile.model_copy(update={"population": max(50, int(profile.population * factor))})
    after = PACK.match(smaller, idea, funds=["EAFRD"])["EAFRD"]
    if before.status is not Status.INELIGIBLE:
        assert after.status is not Status.INELIGIBLE


@given(municipalities(), st.lists(partners(), max_size=12))
def test_partner_facts_agree_with_partners(profile: fundmatch.Municipality, crowd: list[fundmatch.Partner]) -> None:
    idea = fundmatch.ProjectIdea(title="Exchange", themes=["culture_sport"], partners=crowd)
    hit = next(
        h for h in PACK.match(profile, idea, funds=["INTERREG"])["INTERREG"].hits if h.rule_id == "two_countries"
    )
    countries = {p.country for p in crowd} | {profile.country}
    assert (hit.outcome is Outcome.PASS) == (len(countries) >= 2)
