"""Issue 13, phase 2: routes into each fund, undecided outcomes, the questions and warnings a report shows once,
and the co-financing tiers that the 2014–2020 category of region decides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fundmatch
from fundmatch import Outcome, RouteStatus, Status
from fundmatch._regions import RegionTable

from .conftest import idea, profile


def _hit(result: fundmatch.FundMatch, rule_id: str) -> fundmatch.RuleHit:
    return next(h for h in result.hits if h.rule_id == rule_id)


def _route(result: fundmatch.FundMatch, route_id: str) -> fundmatch.Route:
    return next(r for r in result.routes if r.id == route_id)


# -- undecided: a known input the law leaves to the managing authority ------------------------------------------


def test_an_end_in_2030_is_a_question_for_esf_plus_and_erdf_not_for_amif(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea(end_date="2030-06-30", duration_months=None))
    esf = report["ESF+"]
    assert esf.status is Status.UNKNOWN and not esf.failed()
    hit = _hit(esf, "expenditure_period")
    assert hit.outcome is Outcome.UNKNOWN and hit.affects_status and hit.missing == []
    assert "2030-06-30" in hit.explanation and "managing authority" in hit.explanation
    (asked,) = [m for m in esf.missing if m.field == "ask:expenditure_period"]
    assert asked.question == hit.explanation and asked.rule_ids == ["expenditure_period"]
    # AMIF has no extension: 2030 is past its end.
    assert "expenditure_period" in [h.rule_id for h in report["AMIF"].failed()]
    # After 2030 no programme can pay: a fail for ESF+ too.
    later = pack.match(profile(), idea(end_date="2031-01-31", duration_months=None))["ESF+"]
    assert later.status is Status.INELIGIBLE and "expenditure_period" in [h.rule_id for h in later.failed()]
    # The summary of a batch says the same.
    (summary,) = pack.match_many([profile()], idea(end_date="2030-06-30", duration_months=None), detail="summary")
    assert summary["ESF+"].status is Status.UNKNOWN and "ask:expenditure_period" in summary["ESF+"].missing


def test_erdf_scope_soft_measures_with_only_an_exchange_are_undecided(pack: fundmatch.RulePack) -> None:
    soft_exchange = pack.match(profile(), idea(activities=["language_courses", "networking"]), funds=["ERDF"])
    hit = _hit(soft_exchange["ERDF"], "erdf_scope")
    assert hit.outcome is Outcome.UNKNOWN and "exchange part is an ERDF operation" in hit.explanation
    assert soft_exchange["ERDF"].status is Status.UNKNOWN
    with_investment = pack.match(profile(), idea(activities=["language_courses", "renovation"]), funds=["ERDF"])
    assert _hit(with_investment["ERDF"], "erdf_scope").outcome is Outcome.PASS
    services_only = pack.match(profile(), idea(activities=["social_services"]), funds=["ERDF"])
    assert _hit(services_only["ERDF"], "erdf_scope").outcome is Outcome.FAIL


# -- routes -------------------------------------------------------------------------------------------------------


def test_eafrd_follows_its_best_route(pack: fundmatch.RulePack) -> None:
    in_lag = pack.match(profile(leader_lag=True), idea(), funds=["EAFRD"])["EAFRD"]
    assert in_lag.status is Status.ELIGIBLE and _route(in_lag, "leader").status is RouteStatus.OPEN
    assert in_lag.reason.endswith("Way in: LEADER through your local action group.")

    rural = pack.match(profile(leader_lag=False, degurba=3), idea(), funds=["EAFRD"])["EAFRD"]
    leader, cap = _route(rural, "leader"), _route(rural, "cap_investments")
    assert rural.status is Status.UNKNOWN, rural.reason
    assert leader.status is RouteStatus.CLOSED and "not in a LEADER local action group" in leader.missing[0]
    assert cap.status is RouteStatus.MAYBE and "CAP Strategic Plan" in cap.missing[0]
    assert not cap.verified and cap.citation.article == "Art. 73"
    # The LAG requirement failed, but it decides the LEADER route only.
    lag = _hit(rural, "leader_area")
    assert lag.outcome is Outcome.FAIL and lag.route == "leader" and not lag.affects_status
    assert rural.reason.startswith("Other CAP Strategic Plan interventions")

    city = pack.match(profile(leader_lag=False, degurba=1), idea(), funds=["EAFRD"])["EAFRD"]
    assert city.status is Status.INELIGIBLE
    assert all(r.status is RouteStatus.CLOSED for r in city.routes)
    assert city.reason.startswith("No way into this fund is open here.")
    assert [h.rule_id for h in city.failed()] == ["leader_area"]

    unknown_area = pack.match(profile(leader_lag=None, degurba=None), idea(), funds=["EAFRD"])["EAFRD"]
    assert unknown_area.status is Status.UNKNOWN
    assert {r.status for r in unknown_area.routes} == {RouteStatus.MAYBE}


def test_a_route_s_own_question_counts_by_its_prior_and_says_its_source(pack: fundmatch.RulePack) -> None:
    # Outside every LAG a rural place has only the CAP plan's investment interventions: the fund is as likely
    # as that route's question, whose figure comes from the route's prior, shown with its source.
    rural = pack.match(profile(leader_lag=False, degurba=3), idea(), funds=["EAFRD"])["EAFRD"]
    cap = _route(rural, "cap_investments")
    assert cap.status is RouteStatus.MAYBE and cap.likelihood is not None and cap.likelihood_source
    assert rural.likelihood == cap.likelihood != 0.5
    # The figure is not among what must still be found out (nor, through it, in the fund's reason).
    assert cap.missing == [cap.missing[0]] and cap.missing[0].startswith("Ask your CAP managing authority")
    assert str(cap.likelihood) not in rural.reason and "likely" not in rural.reason
    # An open or closed route asks nothing of its own: no chance.
    leader = _route(rural, "leader")
    assert leader.status is RouteStatus.CLOSED and leader.likelihood is None and leader.likelihood_source is None
    # A route of a fund whose routes do not decide it shows none either (it counts for nothing there).
    amif = pack.match(profile(), idea(partners=[]), funds=["AMIF"])["AMIF"]
    assert _route(amif, "emergency_assistance").likelihood is None


@pytest.mark.parametrize(
    ("row", "plan", "status"),
    [
        ({"leader_lag": True}, {}, Status.ELIGIBLE),  # LEADER is open: the CAP route's question counts for nothing
        ({"leader_lag": False}, {"end_date": "2031-06-30", "duration_months": None}, Status.INELIGIBLE),
    ],
)
def test_a_route_s_chance_is_shown_only_where_the_fund_is_unknown(
    pack: fundmatch.RulePack, row: dict[str, object], plan: dict[str, object], status: Status
) -> None:
    result = pack.match(profile(degurba=3, **row), idea(**plan), funds=["EAFRD"])["EAFRD"]
    assert result.status is status
    cap = _route(result, "cap_investments")
    assert cap.status is RouteStatus.MAYBE
    assert cap.likelihood is None and cap.likelihood_source is None
    assert not any("likely" in m for r in result.routes for m in r.missing)


def test_the_lag_and_cap_plan_figures_claim_no_more_than_their_sources(pack: fundmatch.RulePack) -> None:
    # Austria's 55 % is of its whole population, and its LEADER rules leave out towns over 30,000, as all its
    # cities are: a city there takes the EU-wide cities' figure, as an Italian one does.
    city = {"country": "AT", "nuts": None, "population": 290000, "degurba": 1, "leader_lag": None}
    chances = []
    for country in ("AT", "IT"):
        result = pack.match(profile(**{**city, "country": country}), idea(), funds=["EAFRD"])["EAFRD"]
        chances.append(_hit(result, "leader_area").likelihood)
    assert chances[0] == chances[1] is not None and chances[0] < 0.5
    # France: 0.80 is the share of all communes in a LAG; of the rural ones at least (28,000 - 4,180) / 30,775.
    rural = {"nuts": None, "population": 900, "degurba": 3, "leader_lag": None}
    france = pack.match(profile(**rural, country="FR"), idea(), funds=["EAFRD"])["EAFRD"]
    assert _hit(france, "leader_area").likelihood == round((28000 - (34955 - 30775)) / 30775, 2) == 0.77
    # A CAP plan known to have a village intervention makes that first of the route's three questions sure, and
    # no more: the fund stays unknown (the route still asks whether the project fits and the area is rural).
    for country in ("BG", "FI"):
        outside = pack.match(profile(**{**rural, "leader_lag": False}, country=country), idea(), funds=["EAFRD"])
        cap = _route(outside["EAFRD"], "cap_investments")
        assert cap.likelihood == 1.0 and cap.status.value == "maybe" and cap.missing, country
        assert outside["EAFRD"].status.value == "unknown", country


def test_a_route_prior_by_country_and_case_is_the_same_in_reports_and_summaries(pack_copy: Path) -> None:
    # A route's prior is read like a rule's: the first whose case holds, its figure for the applicant's country
    # where one is given; the explained report and the summary row programs give the same likelihood.
    path = pack_copy / "eafrd.yaml"
    text = path.read_text(encoding="utf-8")
    old = "      - value: 0.53\n        by_country: {"
    assert old in text
    case = "      - when: population < 1000\n        value: 0.2\n        source: Test, small places.\n"
    path.write_text(text.replace(old, case + old + "AT: 0.9, SE: 0.0, ", 1), encoding="utf-8")
    copy = fundmatch.RulePack(pack_copy)
    for country, population, degurba, chance in [
        ("AT", 4100, 3, 0.9),
        ("SE", 4100, 3, 0.0),
        ("IT", 4100, 3, 0.53),
        ("AT", 800, 3, 0.2),
        ("AT", None, 3, 0.9),  # its case undecided: the next prior
        ("AT", 4100, None, 0.9),  # the route's condition undecided: its question still counts by the prior
    ]:
        row = profile(country=country, nuts=None, leader_lag=False, population=population, degurba=degurba)
        explained = copy.match(row, idea(), funds=["EAFRD"])["EAFRD"]
        assert _route(explained, "cap_investments").likelihood == chance, (country, population, degurba)
        assert explained.likelihood == chance
        (summary,) = copy.match_many([row], idea(), detail="summary")
        assert summary["EAFRD"].likelihood == chance
    # Where LEADER is also open to question, the fund is as likely as the likelier route.
    row = profile(country="SE", nuts=None, leader_lag=None)
    assert copy.match(row, idea(), funds=["EAFRD"])["EAFRD"].likelihood == 0.74
    (summary,) = copy.match_many([row], idea(), detail="summary")
    assert summary["EAFRD"].likelihood == 0.74


def test_routes_do_not_change_the_status_of_a_fund_without_route_rules(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea(partners=[]))
    amif = report["AMIF"]
    assert amif.status is Status.ELIGIBLE
    assert _route(amif, "national_programme").status is RouteStatus.OPEN
    assert _route(amif, "union_actions").status is RouteStatus.CLOSED
    assert _route(amif, "emergency_assistance").status is RouteStatus.MAYBE
    interreg = report["INTERREG"]
    assert interreg.status is Status.INELIGIBLE
    assert _route(interreg, "strand_a").status is RouteStatus.OPEN  # the area is there; the partner is not
    assert {r.id for r in report["ERDF"].routes} == {
        "programme_call",
        "territorial_strategy",
        "sustainable_urban_development",
        "urban_or_local_clld",
        "fast_care_priority",
    }
    # Refugees are among the target groups: a FAST-CARE priority may be there (CPR Art. 112(7)).
    assert _route(report["ESF+"], "fast_care_priority").status is RouteStatus.MAYBE
    eu_citizens = pack.match(profile(), idea(target_groups=["long_term_unemployed"]), funds=["ESF+"])["ESF+"]
    assert _route(eu_citizens, "fast_care_priority").status is RouteStatus.CLOSED
    # Needs are rendered with the case's facts.
    assert "IT's AMIF programme" in _route(amif, "national_programme").needs[0]


def test_an_egtc_may_be_the_sole_partner(pack: fundmatch.RulePack) -> None:
    alone = pack.match(profile(), idea(partners=[], applicant_type="egtc"), funds=["INTERREG"])["INTERREG"]
    assert _hit(alone, "two_countries").outcome is Outcome.PASS
    body = pack.match(profile(), idea(partners=[], applicant_type="cross_border_body"), funds=["INTERREG"])
    assert _hit(body["INTERREG"], "two_countries").outcome is Outcome.PASS
    town = pack.match(profile(), idea(partners=[]), funds=["INTERREG"])["INTERREG"]
    assert _hit(town, "two_countries").outcome is Outcome.FAIL and "Art. 23(6)" in town.reason


# -- the programme question, asked once ---------------------------------------------------------------------------


def test_the_programme_question_is_asked_once_for_the_funds_it_concerns(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea())
    (question,) = [q for q in report.questions if q.field == "programme_confirmed"]
    assert set(question.funds) == {"AMIF", "ESF+"} and question.rule_ids == ["programme_covers_operation"]
    # The ERDF, ruled out here, keeps the question as its own; the report does not ask it for the ERDF.
    assert report["ERDF"].status is Status.INELIGIBLE
    assert any(m.field == "programme_confirmed" for m in report["ERDF"].missing)
    assert "managing authority" in question.question
    # Each fund still carries it; it does not hold an eligible fund at unknown.
    assert report["AMIF"].status is Status.ELIGIBLE
    assert any(m.field == "programme_confirmed" for m in report["AMIF"].missing)
    assert len({q.field for q in report.questions}) == len(report.questions)
    text = str(report)
    assert text.count(question.question[:60]) == 1

    confirmed = pack.match(profile(), idea(programme_confirmed=["amif", "ESF+"]))
    assert _hit(confirmed["AMIF"], "programme_covers_operation").outcome is Outcome.PASS
    erdf = confirmed["ERDF"]
    assert _hit(erdf, "programme_covers_operation").outcome is Outcome.FAIL and erdf.status is Status.INELIGIBLE
    assert not any(q.field == "programme_confirmed" for q in confirmed.questions)


def test_a_fund_ruled_out_asks_the_officer_nothing(pack: fundmatch.RulePack) -> None:
    report = pack.match(profile(), idea())
    ruled_out = {r.fund for r in report.ranking if r.status is Status.INELIGIBLE}
    assert ruled_out and all(report[f].missing for f in ruled_out)
    assert not any(set(q.funds) & ruled_out for q in report.questions)
    # Every question of a fund still in the race is asked.
    open_ = {(m.field, r.fund) for r in report.ranking if r.fund not in ruled_out for m in r.missing}
    assert open_ == {(q.field, f) for q in report.questions for f in q.funds}


# -- warnings -----------------------------------------------------------------------------------------------------


def test_double_funding_warning_needs_amif_and_esf_plus_or_erdf(pack: fundmatch.RulePack) -> None:
    both = pack.match(profile(), idea())
    (warning,) = [w for w in both.warnings if w.id == "double_funding"]
    assert "AMIF" in warning.funds and "ESF+" in warning.funds and warning.citation.article == "Art. 63(9)"
    no_tcn = pack.match(profile(), idea(target_groups=["long_term_unemployed"]))
    assert no_tcn["AMIF"].status is Status.INELIGIBLE
    assert not any(w.id == "double_funding" for w in no_tcn.warnings)
    assert "Warnings:" in str(both)


def test_vat_land_and_state_aid_warnings_follow_their_conditions(pack: fundmatch.RulePack) -> None:
    small = pack.match(profile(), idea())
    assert not {"vat", "land", "state_aid"} & {w.id for w in small.warnings}
    big = pack.match(
        profile(),
        idea(budget_eur=6_000_000, activities=["construction"], partners=[{"country": "AT", "type": "business"}]),
    )
    shown = {w.id: w for w in big.warnings}
    assert {"vat", "land", "state_aid"} <= set(shown)
    assert "6,000,000" in shown["vat"].text and shown["vat"].citation.article == "Art. 64(1)(c)"
    assert "de minimis" in shown["state_aid"].text


# -- 2014–2020 category of region ---------------------------------------------------------------------------------


def test_the_2014_2020_category_decides_the_tiers_of_cpr_112_3(pack: fundmatch.RulePack) -> None:
    def esf(nuts: str) -> fundmatch.FundMatch:
        return pack.match(profile(country=nuts[:2], nuts=nuts, region_category=None), idea(), funds=["ESF+"])["ESF+"]

    # CZ03 transition, less developed in 2014–2020 (read directly): 70 %.
    cz = esf("CZ031")
    assert (cz.co_financing.rate, cz.co_financing.rate_max) == (0.70, None)
    assert cz.co_financing.tier == "Transition region, less developed in 2014–2020"
    # LT01 more developed, transition in 2014–2020: 50 %.
    lt = esf("LT011")
    assert (lt.co_financing.rate, lt.co_financing.rate_max) == (0.50, None)
    # AT11 transition without a 2014–2020 entry: the range survives.
    at = esf("AT111")
    assert (at.co_financing.rate, at.co_financing.rate_max) == (0.60, 0.70)
    at_report = pack.match(profile(country="AT", nuts="AT111", region_category=None), idea(), funds=["ESF+"])
    (unknown,) = [d for d in at_report.derived if d.field == "region_category_2014_2020"]
    assert unknown.value == "unknown" and "range" in unknown.source
    # BE22 transition, 2014–2020 more developed inferred from a multi-region programme: 60 %, said to be doubtful.
    be = esf("BE221")
    assert be.co_financing.rate == 0.60 and "inferred" in be.co_financing.note
    report = pack.match(profile(country="BE", nuts="BE221", region_category=None), idea(), funds=["ESF+"])
    (derived,) = [d for d in report.derived if d.field == "region_category_2014_2020"]
    assert derived.value == "more_developed" and derived.doubtful and "2014-2020" in derived.source


def test_region_table_reads_the_2014_2020_column(tmp_path: Path) -> None:
    head = "nuts2_code,name,category_2021_2027,category_2014_2020,outermost,source\n"
    path = tmp_path / "regions.csv"
    path.write_text(
        head
        + 'XX11,A,transition,less developed,no,"derived | 2014-2020 less developed: programme X"\n'
        + 'XX12,B,transition,more developed,no,"derived | 2014-2020 more developed (inferred): national"\n'
        + "XX13,C,more developed,,no,derived\n",
        encoding="utf-8",
    )
    table = RegionTable.load(path)
    a, b, c = (table.lookup(code) for code in ("XX11", "XX12", "XX13"))
    assert a is not None and b is not None and c is not None
    assert (a.category_2014_2020, a.inferred_2014_2020) == (fundmatch.RegionCategory.LESS_DEVELOPED, False)
    assert (b.category_2014_2020, b.inferred_2014_2020) == (fundmatch.RegionCategory.MORE_DEVELOPED, True)
    assert c.category_2014_2020 is None and c.source_2014_2020 == ""
    assert a.source_2014_2020 == "2014-2020 less developed: programme X"
    path.write_text(head + "XX11,A,transition,poor,no,derived\n", encoding="utf-8")
    with pytest.raises(fundmatch.RulePackError, match=re.escape("unknown 2014–2020 category 'poor'")) as caught:
        RegionTable.load(path)
    assert caught.value.line == 2 and caught.value.field == "category_2014_2020"


# -- the loader's checks of the new keys -------------------------------------------------------------------------


def _break(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_route_that_requires_an_unknown_rule_is_located(pack_copy: Path) -> None:
    _break(pack_copy, "eafrd.yaml", "requires: [leader_area]", "requires: [leader_areas]")
    with pytest.raises(fundmatch.RulePackError, match="route requires rule 'leader_areas'") as caught:
        fundmatch.load_rules(path=pack_copy)
    assert caught.value.rule_id == "routes.leader" and caught.value.suggestion == "leader_area"
    lines = (pack_copy / "eafrd.yaml").read_text(encoding="utf-8").splitlines()
    assert caught.value.line == next(i for i, line in enumerate(lines, 1) if "leader_areas" in line)


def test_undecided_when_needs_its_question(pack_copy: Path) -> None:
    _break(pack_copy, "common.yaml", "    undecided: >-\n", "    undecided_text: >-\n")
    with pytest.raises(fundmatch.RulePackError, match="undecided_text"):
        fundmatch.load_rules(path=pack_copy)


def test_one_common_id_twice_for_the_same_fund_is_refused(pack_copy: Path) -> None:
    _break(
        pack_copy,
        "common.yaml",
        "    funds: [ESF+, ERDF]\n    kind: requirement\n    title: Expenditure",
        "    funds: [ESF+, AMIF]\n    kind: requirement\n    title: Expenditure",
    )
    with pytest.raises(fundmatch.RulePackError, match="duplicate rule id for fund AMIF") as caught:
        fundmatch.load_rules(path=pack_copy)
    assert caught.value.path is not None and caught.value.path.name == "common.yaml"


def test_a_warning_naming_an_undeclared_fund_is_located(pack_copy: Path) -> None:
    _break(pack_copy, "common.yaml", "with_funds: {all: [AMIF]", "with_funds: {all: [AMIFF]")
    with pytest.raises(fundmatch.RulePackError, match="warning names fund 'AMIFF'") as caught:
        fundmatch.load_rules(path=pack_copy)
    assert caught.value.rule_id == "warnings.double_funding" and caught.value.suggestion == "AMIF"
