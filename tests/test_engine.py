"""Evaluation: three-valued rule outcomes, status, score, ranking, co-financing and missing information."""

from __future__ import annotations

from pathlib import Path

import pytest

import fundmatch
from fundmatch import Outcome, ProfileError, Status

from .conftest import idea, profile


def _hit(result: fundmatch.FundMatch, rule_id: str) -> fundmatch.RuleHit:
    return next(h for h in result.hits if h.rule_id == rule_id)


def test_pass_and_fail_explanations_carry_actual_values(pack: fundmatch.RulePack) -> None:
    ok = pack.match(profile(), idea(), funds=["INTERREG"])["INTERREG"]
    assert _hit(ok, "two_countries").outcome is Outcome.PASS
    assert _hit(ok, "two_countries").explanation.startswith("Partners come from AT, IT (2):")
    bad = pack.match(profile(), idea(partners=[{"country": "IT"}]), funds=["INTERREG"])["INTERREG"]
    hit = _hit(bad, "two_countries")
    assert hit.outcome is Outcome.FAIL
    assert hit.explanation == (
        "Partners come from 1 country (IT); Interreg needs at least 2, unless an EGTC or cross-border legal body"
        " with members from at least 2 countries is the sole partner (Art. 23(6))."
    )
    assert hit.citation.act.startswith("Regulation (EU) 2021/1059") and hit.citation.article == "Art. 23(1) and 23(6)"
    assert hit.citation.link and hit.citation.link.startswith("http")
    assert bad.status is Status.INELIGIBLE and bad.failed() == [hit]


def test_missing_input_gives_unknown_never_fail(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(leader_lag=None), idea(), funds=["EAFRD"])
    result = report["EAFRD"]
    hit = _hit(result, "leader_area")
    assert hit.outcome is Outcome.UNKNOWN and hit.missing == ["leader_lag"]
    assert result.status is Status.UNKNOWN
    assert [m.field for m in result.missing if "leader_area" in m.rule_ids] == ["leader_lag"]
    assert "local action group" in next(m.question for m in result.missing if m.field == "leader_lag")


def test_missing_themes_make_thematic_rules_unknown(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea(themes=[], activities=[], description="", title="Projekt"), funds=["ESF+"])
    result = report["ESF+"]
    assert _hit(result, "social_objective").outcome is Outcome.UNKNOWN
    assert result.status is Status.UNKNOWN
    assert "themes" in [m.field for m in result.missing]


def test_exclusion_fails_when_its_condition_holds(pack: fundmatch.RulePack) -> None:
    construction = idea(activities=["construction"], themes=["housing"])
    result = pack.match(profile(), construction, funds=["ESF+"])["ESF+"]
    hit = _hit(result, "not_infrastructure_only")
    assert hit.kind is fundmatch.RuleKind.EXCLUSION and hit.outcome is Outcome.FAIL
    assert result.status is Status.INELIGIBLE
    soft = pack.match(profile(), idea(), funds=["ESF+"])["ESF+"]
    assert _hit(soft, "not_infrastructure_only").outcome is Outcome.PASS


def test_unverified_rules_say_so(pack: fundmatch.RulePack) -> None:
    result = pack.match(profile(), idea(), funds=["EAFRD"])["EAFRD"]
    hit = _hit(result, "rural_area")
    assert not hit.verified and "not verified" in hit.explanation


def test_score_adds_the_fit_points_of_passing_preferences_and_unknown_ones_by_their_chance(
    pack: fundmatch.RulePack,
) -> None:
    full = pack.match(profile(), idea(), funds=["AMIF"])["AMIF"]
    prefs = [h for h in full.hits if h.kind is fundmatch.RuleKind.PREFERENCE]
    points = sum(h.weight for h in prefs if h.outcome is Outcome.PASS)
    assert full.score == pytest.approx(min(100, max(0, points)), abs=0.05)
    # Without staff and share information those preferences count by their chance (even odds: no figure known).
    partial = pack.match(profile(eu_project_staff_fte=None, third_country_national_share=None), idea(), funds=["AMIF"])[
        "AMIF"
    ]
    unknown = [h for h in partial.hits if h.kind is fundmatch.RuleKind.PREFERENCE and h.outcome is Outcome.UNKNOWN]
    assert unknown and all(h.likelihood == 0.5 and "even odds" in (h.likelihood_source or "") for h in unknown)
    passed = sum(
        h.weight for h in partial.hits if h.kind is fundmatch.RuleKind.PREFERENCE and h.outcome is Outcome.PASS
    )
    expected = passed + sum(h.weight * 0.5 for h in unknown)
    assert partial.score == pytest.approx(min(100, max(0, expected)), abs=0.05)


def test_a_negative_weight_is_evidence_against(pack: fundmatch.RulePack) -> None:
    soft = pack.match(profile(), idea(themes=["migrant_integration"]), funds=["AMIF"])["AMIF"]
    jobs = pack.match(profile(), idea(themes=["migrant_integration", "employment"]), funds=["AMIF"])["AMIF"]
    against = _hit(jobs, "labour_market_focus")
    assert against.outcome is Outcome.PASS and against.weight < 0
    assert jobs.score < soft.score


def test_scores_are_on_one_scale_across_funds(pack: fundmatch.RulePack) -> None:
    # The same idea cannot fit every fund at the top of its own scale: a fund's score is its fit points, not the
    # share of its own preferences that pass.
    report = pack.match(profile(), idea())
    top = [r for r in report.ranking if r.score >= 90]
    assert len(top) <= 2, [(r.fund, r.score) for r in report.ranking]


def test_an_unknown_requirement_gives_a_likelihood_from_a_stated_source(pack: fundmatch.RulePack) -> None:
    rural = pack.match(profile(country="SE", nuts=None, leader_lag=None, degurba=3), idea(), funds=["EAFRD"])["EAFRD"]
    hit = _hit(rural, "leader_area")
    assert rural.status is Status.UNKNOWN and hit.outcome is Outcome.UNKNOWN
    assert hit.likelihood == 0.74 and "rural population" in (hit.likelihood_source or "")
    # Two routes may open the fund in a rural place: LEADER (74 % in Sweden) or the CAP plan's investments (an
    # open question of the route, counted by the route's prior); one is enough, so the fund is as likely as its
    # likelier route.
    routes = {r.id: r.status.value for r in rural.routes}
    assert routes == {"leader": "maybe", "cap_investments": "maybe"}
    cap = next(r for r in rural.routes if r.id == "cap_investments")
    assert cap.likelihood is not None and cap.likelihood < 0.74 and cap.likelihood_source
    assert rural.likelihood == 0.74
    city = pack.match(profile(country="SE", nuts=None, leader_lag=None, degurba=1), idea(), funds=["EAFRD"])["EAFRD"]
    assert city.likelihood == 0.29 and "147 million" in (_hit(city, "leader_area").likelihood_source or "")
    lag = pack.match(
        profile(country="SE", nuts=None, leader_lag=None, degurba=1),
        idea(applicant_type="local_action_group"),
        funds=["EAFRD"],
    )["EAFRD"]
    # A local action group applying itself is in its own LAG area: nothing to ask, the LEADER route is open and
    # the LEADER rate applies (pack 2021-2027.11; before, it was asked and counted by a prior of 1.0).
    assert _hit(lag, "leader_area").outcome is Outcome.PASS and lag.likelihood == 1.0
    assert not any(m.field == "leader_lag" for m in lag.missing)
    assert {r.id: r.status.value for r in lag.routes}["leader"] == "open"
    assert lag.status is Status.ELIGIBLE
    placed = pack.match(profile(leader_lag=None), idea(applicant_type="local_action_group"), funds=["EAFRD"])
    assert placed["EAFRD"].co_financing.rate == 0.8  # ITH42, more developed: the LEADER rate


def test_ranking_puts_ineligible_last_and_the_rest_by_fit_times_likelihood(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(leader_lag=None), idea(partners=[]))
    order = [r.status is Status.INELIGIBLE for r in report.ranking]
    assert order == sorted(order)
    open_ = [r for r in report.ranking if r.status is not Status.INELIGIBLE]
    keys = [-round(r.score * r.likelihood, 3) for r in open_]
    assert keys == sorted(keys)
    assert {r.status for r in report.ranking} >= {Status.UNKNOWN, Status.INELIGIBLE}
    assert report.best is report.ranking[0]


def test_an_unknown_fund_that_fits_well_can_rank_above_a_poorly_fitting_eligible_one(pack: fundmatch.RulePack) -> None:
    # A village association's community project in rural Sweden, LAG membership not stated: the LAG comes first.
    report = pack.match(
        profile(name="Bygd", country="SE", nuts=None, population=2500, degurba=3, leader_lag=None),
        idea(
            title="Community house for the village",
            themes=["culture_sport", "civic_participation", "rural_development"],
            target_groups=["general_population"],
            activities=["renovation"],
            applicant_type="ngo",
            partners=[],
            budget_eur=80000,
        ),
    )
    first = report.ranking[0]
    assert first.fund == "EAFRD" and first.status is Status.UNKNOWN
    assert any(r.status is Status.ELIGIBLE for r in report.ranking[1:])
    assert report.comparison and report.comparison.startswith("EAFRD before ")


def test_the_comparison_says_why_the_first_is_ahead(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea())
    first, second = report.ranking[0], report.ranking[1]
    assert report.comparison is not None
    assert report.comparison.startswith(f"{first.fund} before {second.fund}")
    assert "(Legal basis not verified" not in report.comparison


def test_best_is_none_when_everything_is_ineligible(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(country="NO", nuts=None), idea(partners=[]))
    assert all(r.status is Status.INELIGIBLE for r in report.ranking)
    assert report.best is None
    # The comparison does not suggest that the first of the ruled-out funds could pay.
    first, second = report.ranking[0], report.ranking[1]
    assert report.comparison is not None and report.comparison.startswith("No fund can pay for it as described.")
    assert f"{first.fund}: " in report.comparison and f"; {second.fund}: " in report.comparison
    assert "before" not in report.comparison


def test_a_fund_first_only_because_it_is_not_ruled_out_is_not_called_a_fit(pack: fundmatch.RulePack) -> None:
    # Diesel buses for a town's transport: the ERDF excludes fossil-fuel vehicles, nothing else fits.
    report = pack.match(
        {"name": "A town", "country": "SI", "population": 56000, "degurba": 2},
        "Nakup novih dizelskih avtobusov za mestni promet.",
    )
    first, second = report.ranking[0], report.ranking[1]
    assert first.status is not Status.INELIGIBLE and first.score == 0 and second.status is Status.INELIGIBLE
    assert report.comparison is not None
    assert report.comparison.endswith(f"{first.fund} is not ruled out, but nothing in the idea fits it yet (fit 0).")


def test_the_comparison_gives_a_reason_or_the_fit_never_an_empty_as_well(pack: fundmatch.RulePack) -> None:
    # An association of municipalities without a place: the funds wait on answers, their fits are close.
    report = pack.match(
        {"name": "An association of municipalities", "country": "CZ"},
        "Mikroregion (svazek obcí) připravuje společnou cyklostezku přes pět obcí.",
    )
    first, second = report.ranking[0], report.ranking[1]
    assert report.comparison is not None and report.comparison.startswith(f"{first.fund} before {second.fund}")
    if first.score > second.score:
        assert "it fits as well" not in report.comparison
    assert "fits as well, but" not in report.comparison


def test_co_financing_by_region_category(pack: fundmatch.RulePack) -> None:
    # ITH42 is more developed in the shipped table: 40-50 %, shown as a range.
    result = pack.match(profile(), idea(budget_eur=200000), funds=["ESF+"])["ESF+"]
    cf = result.co_financing
    assert (cf.rate, cf.rate_max) == (0.40, 0.50)
    assert (cf.amount_eur, cf.amount_max_eur) == (80000.0, 100000.0)
    assert cf.citation is not None and "112(3)" in (cf.citation.article or "")
    # The user's explicit category wins over the table.
    explicit = pack.match(profile(region_category="less_developed"), idea(budget_eur=200000), funds=["ESF+"])["ESF+"]
    assert explicit.co_financing.rate == 0.85 and explicit.co_financing.amount_eur == 170000.0


def test_unknown_region_category_is_said_not_guessed(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(nuts=None), idea(), funds=["ERDF"])
    cf = report["ERDF"].co_financing
    assert cf.rate is None and cf.amount_eur is None
    assert "category of region" in cf.note
    assert "co_financing" in next(m.rule_ids for m in report["ERDF"].missing if m.field == "region_category")


def test_region_not_in_table_is_reported(pack: fundmatch.RulePack) -> None:
    # PT16 (Centro) is one of the three regions the shipped table lacks.
    report = pack.match(profile(country="PT", nuts="PT16D"), idea(), funds=["ERDF"])
    assert report["ERDF"].co_financing.rate is None
    assert any(
        d.field == "region_category" and d.value is None and "not in the shipped table" in d.source
        for d in report.derived
    )


def test_doubtful_region_is_flagged(pack: fundmatch.RulePack) -> None:
    # HU22 is marked DOUBTFUL in the table (within 5 points of a threshold, no source found).
    report = pack.match(profile(country="HU", nuts="HU221"), idea(), funds=["ERDF"])
    assert any(d.doubtful for d in report.derived if d.field == "region_category")
    assert "doubtful" in report["ERDF"].co_financing.note


def test_confirmed_region_is_not_doubtful(pack: fundmatch.RulePack) -> None:
    # BE22 was doubtful until a managing-authority source confirmed it; its source now says so.
    report = pack.match(profile(country="BE", nuts="BE221"), idea(), funds=["ERDF"])
    (category,) = [d for d in report.derived if d.field == "region_category"]
    assert category.value == "transition" and not category.doubtful and "vlaio.be" in category.source
    assert "doubtful" not in report["ERDF"].co_financing.note


def test_outermost_region_is_derived(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(country="FR", nuts="FRY20"), idea(), funds=["ESF+"])
    assert report["ESF+"].co_financing.rate == 0.85
    assert report["ESF+"].co_financing.tier == "Outermost region"


def test_amif_annex_iv_rate_for_local_authorities(pack: fundmatch.RulePack) -> None:
    municipal = pack.match(profile(), idea(budget_eur=100000), funds=["AMIF"])["AMIF"]
    assert municipal.co_financing.rate == 0.90 and municipal.co_financing.amount_eur == 90000.0
    business = pack.match(profile(), idea(applicant_type="business"), funds=["AMIF"])["AMIF"]
    assert business.co_financing.rate == 0.75


def test_next_steps_follow_conditions(pack: fundmatch.RulePack) -> None:
    five = [{"country": c} for c in ("AT", "DE", "FR", "ES")]
    steps = pack.match(profile(), idea(partners=five), funds=["AMIF"])["AMIF"].next_steps
    assert any("Union actions: with partners in 5 Member States" in s for s in steps)
    steps = pack.match(profile(), idea(), funds=["AMIF"])["AMIF"].next_steps
    assert any("with 2, the national programme is your route" in s for s in steps)


def test_funds_filter_and_unknown_fund(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea(), funds=["esf+", "LEADER"])
    assert sorted(r.fund.value for r in report.ranking) == ["EAFRD", "ESF+"]
    with pytest.raises(ProfileError, match="unknown fund 'EMFAF'"):
        pack.match(profile(), idea(), funds=["EMFAF"])


def test_non_mapping_input_is_a_profile_error(pack: fundmatch.RulePack) -> None:
    with pytest.raises(ProfileError, match="profile must be a Municipality"):
        pack.match(["not", "a", "profile"], idea())  # type: ignore[arg-type]


def test_match_many_equals_match_one_by_one(pack: fundmatch.RulePack) -> None:
    profiles = [
        profile(),
        profile(name="B", leader_lag=False, population=200000, degurba=1),
        profile(country="NO", nuts=None),
    ]
    many = pack.match_many(profiles, idea())
    assert [r.model_dump_json() for r in many] == [pack.match(p, idea()).model_dump_json() for p in profiles]


def test_report_serialises_and_prints(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea())
    data = report.to_dict()
    assert data["schema_version"] == "1.0" and data["period"] == "2021-2027"
    assert fundmatch.MatchReport.model_validate_json(report.model_dump_json()) == report
    text = str(report)
    assert "INTERREG" in text and "Art. 23(1)" in text and "ELIGIBLE" in text
    html = report._repr_html_()
    assert html.startswith("<div") and "<details>" in html


def test_html_escapes_user_text(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(name="<script>alert(1)</script>"), idea(title="<b>x</b>"))
    html = report._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


def test_module_level_match_uses_the_cached_pack() -> None:
    report = fundmatch.match(profile(), idea(), funds=["INTERREG"])
    assert report.ranking[0].fund is fundmatch.Fund.INTERREG


def test_evaluation_error_names_rule(pack_copy: Path) -> None:
    text = (pack_copy / "interreg.yaml").read_text(encoding="utf-8")
    (pack_copy / "interreg.yaml").write_text(
        text.replace("when: country_count >= 2", "when: country_count / (partner_count - partner_count) > 1"),
        encoding="utf-8",
    )
    custom = fundmatch.load_rules(path=pack_copy)
    with pytest.raises(fundmatch.RulePackError) as info:
        custom.match(profile(), idea())
    assert info.value.rule_id == "two_countries" and "interreg.yaml" in str(info.value)


def test_a_pass_shows_the_ideas_values_that_pass_not_all_of_them(pack: fundmatch.RulePack) -> None:
    # ESF+ Art. 16(a)-type infrastructure is no ESF+ objective: the pass text must not list it among them.
    report = pack.match(
        profile(),
        idea(themes=["infrastructure", "social_inclusion"], target_groups=["families", "refugees"], partners=[]),
    )
    esf = next(h for h in report["ESF+"].hits if h.rule_id == "people_centred_theme")
    assert esf.outcome is Outcome.PASS and "social inclusion" in esf.explanation
    assert "infrastructure" not in esf.explanation
    amif = next(h for h in report["AMIF"].hits if h.rule_id == "third_country_nationals_served")
    assert amif.outcome is Outcome.PASS and "refugees" in amif.explanation and "families" not in amif.explanation
    # A rule that tests every member ("only newcomers and their families") shows them all.
    only = pack.match(profile(), idea(target_groups=["refugees", "families"], partners=[]))
    newcomers = next(h for h in only["AMIF"].hits if h.rule_id == "newcomers_only")
    assert newcomers.outcome is Outcome.PASS and "families" in newcomers.explanation
    # A fail still names everything the idea has: none of it passed.
    other = pack.match(profile(), idea(themes=["infrastructure", "digital"], partners=[]))
    fail = next(h for h in other["ESF+"].hits if h.rule_id == "people_centred_theme")
    assert fail.outcome is Outcome.FAIL and "infrastructure" in fail.explanation and "digital" in fail.explanation
