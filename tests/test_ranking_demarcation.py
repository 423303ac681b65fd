"""How the packs split rural investments between the ERDF and the CAP plan, and the likelihoods from data.

An adviser sends a village's community investment (a hall, a playground, a cultural house) to the CAP
Strategic Plan or its LAG, and keeps energy, mobility, education, health, housing, nature and integration
investments with the ERDF (Partnership Agreements set out how the Funds complement the EAFRD, CPR Art
11(1)(b)(iii)). Statuses stay truthful: the ERDF remains eligible, only its fit drops.
"""

from __future__ import annotations

from typing import Any

import fundmatch
from fundmatch import Outcome, Status

from .conftest import idea, profile


def _village(**changes: Any) -> dict[str, Any]:
    return (
        profile(name="Wola", country="PL", nuts=None, population=3200, degurba=3, border_region=None, leader_lag=None)
        | changes
    )


def _by_fund(report: fundmatch.MatchReport) -> dict[str, fundmatch.FundMatch]:
    return {str(r.fund): r for r in report.ranking}


def _position(report: fundmatch.MatchReport, fund: str) -> int:
    return [str(r.fund) for r in report.ranking].index(fund)


def _outcome(result: fundmatch.FundMatch, rule_id: str) -> Outcome:
    return next(h.outcome for h in result.hits if h.rule_id == rule_id)


def test_a_village_community_hall_ranks_the_cap_plan_above_the_erdf(pack: fundmatch.RulePack) -> None:
    report = pack.match(
        _village(),
        idea(
            title="A community hall for the village",
            description="We want to build a community hall for the village.",
            themes=["culture_sport", "rural_development"],
            target_groups=["general_population"],
            activities=["construction"],
            partners=[],
            budget_eur=150000,
        ),
    )
    funds = _by_fund(report)
    erdf = funds["ERDF"]
    assert erdf.status is Status.ELIGIBLE
    assert _outcome(erdf, "village_project_outside_core") is Outcome.PASS
    assert _outcome(erdf, "rural_place_outside_core") is Outcome.PASS
    assert _outcome(erdf, "small_operation") is Outcome.PASS
    assert _outcome(funds["EAFRD"], "village_investment") is Outcome.PASS
    assert _position(report, "EAFRD") < _position(report, "ERDF")


def test_an_energy_renovation_of_a_village_school_stays_with_the_erdf(pack: fundmatch.RulePack) -> None:
    report = pack.match(
        _village(),
        idea(
            title="Insulating the village schools",
            description="We want to insulate and modernise our village school buildings to cut heating costs.",
            themes=["energy_climate", "education", "rural_development"],
            target_groups=["children"],
            activities=["renovation"],
            partners=[],
            budget_eur=600000,
        ),
    )
    erdf = _by_fund(report)["ERDF"]
    assert _outcome(erdf, "village_project_outside_core") is Outcome.FAIL
    assert _outcome(erdf, "rural_place_outside_core") is Outcome.FAIL
    assert _outcome(erdf, "small_operation") is Outcome.FAIL
    assert _position(report, "ERDF") < _position(report, "EAFRD")


def test_nature_and_environment_is_an_erdf_policy_objective(pack: fundmatch.RulePack) -> None:
    # ERDF Art 3(1)(b)(vii): nature, biodiversity, green infrastructure, less pollution (policy objective 2).
    report = pack.match(
        profile(name="Tournai", country="BE", nuts=None, population=69000, degurba=2, leader_lag=False),
        idea(
            title="A park on derelict land",
            description="We want to turn derelict land into a park.",
            themes=["environment_nature"],
            target_groups=["general_population"],
            activities=["construction"],
            partners=[],
            budget_eur=2000000,
        ),
    )
    erdf = _by_fund(report)["ERDF"]
    assert erdf.status is Status.ELIGIBLE
    assert _outcome(erdf, "erdf_objective") is Outcome.PASS
    assert _outcome(erdf, "smart_green_theme") is Outcome.PASS


def test_an_idea_naming_no_target_group_is_unlikely_to_be_for_third_country_nationals(
    pack: fundmatch.RulePack,
) -> None:
    report = pack.match(
        _village(),
        {
            "title": "A day centre",
            "description": "We want to open a day centre with a small library.",
            "themes": ["social_inclusion"],
            "activities": ["social_services"],
            "applicant_type": "municipality",
        },
    )
    amif = _by_fund(report)["AMIF"]
    assert not report.idea.target_groups
    assert amif.status is Status.UNKNOWN
    targeted = next(h for h in amif.hits if h.rule_id == "third_country_nationals_targeted")
    assert targeted.outcome is Outcome.UNKNOWN and targeted.likelihood == 0.05
    assert amif.likelihood <= 0.05


def test_unstated_activities_are_likely_to_include_measures_for_people(pack: fundmatch.RulePack) -> None:
    # Where no activity is stated or recognised, ESF+'s "not infrastructure alone" counts with the share of real
    # projects that include measures for people (0.78), not even odds.
    report = pack.match(
        _village(),
        {
            "title": "Jobs for young people",
            "description": "Jobs for young people.",
            "themes": ["employment"],
            "target_groups": ["young_neet"],
            "applicant_type": "municipality",
        },
    )
    esf = _by_fund(report)["ESF+"]
    assert not report.idea.activities
    hit = next(h for h in esf.hits if h.rule_id == "not_infrastructure_only")
    assert hit.outcome is Outcome.UNKNOWN and hit.likelihood == 0.78
    assert esf.likelihood == 0.78


def test_a_village_cultural_house_with_an_e_library_stays_a_village_project(pack: fundmatch.RulePack) -> None:
    # Its digital and learning uses switch off village_project_outside_core (digital and education are ERDF
    # objectives), but the building is still village renewal: the companion rule keeps the demarcation.
    report = pack.match(
        _village(population=12000),
        idea(
            title="Our village's cultural house",
            description="We want to renovate the village cultural house and set up an e-library for residents.",
            themes=["culture_sport", "rural_development", "digital", "infrastructure"],
            target_groups=["general_population"],
            activities=["renovation"],
            partners=[],
        ),
    )
    funds = _by_fund(report)
    erdf = funds["ERDF"]
    assert erdf.status is Status.ELIGIBLE
    assert _outcome(erdf, "village_project_outside_core") is Outcome.FAIL
    assert _outcome(erdf, "village_culture_outside_core") is Outcome.PASS
    assert _position(report, "EAFRD") < _position(report, "ERDF")


def test_a_village_school_is_not_a_cultural_house(pack: fundmatch.RulePack) -> None:
    # Education without a cultural or community use stays with the ERDF's education objective.
    report = pack.match(
        _village(),
        idea(
            title="Village school extension",
            description="We want to extend the village school.",
            themes=["education", "rural_development", "infrastructure"],
            target_groups=["children"],
            activities=["construction"],
            partners=[],
        ),
    )
    assert _outcome(_by_fund(report)["ERDF"], "village_culture_outside_core") is Outcome.FAIL


def test_a_local_action_group_among_the_partners_counts_for_leader(pack: fundmatch.RulePack) -> None:
    def eafrd(partners: list[dict[str, str]]) -> fundmatch.FundMatch:
        report = pack.match(
            _village(),
            idea(
                title="Village festival",
                themes=["culture_sport", "rural_development"],
                target_groups=["general_population"],
                activities=["events"],
                partners=partners,
            ),
        )
        return _by_fund(report)["EAFRD"]

    with_lag = eafrd([{"country": "PL", "type": "local_action_group"}])
    without = eafrd([{"country": "PL", "type": "ngo"}])
    assert _outcome(with_lag, "lag_partner") is Outcome.PASS
    assert _outcome(without, "lag_partner") is Outcome.FAIL
    assert with_lag.score > without.score


def _cultural_house(**changes: Any) -> dict[str, Any]:
    return (
        idea(
            title="Our village's cultural house",
            description="We want to renovate the village cultural house and set up an e-library for residents.",
            themes=["culture_sport", "rural_development", "digital", "infrastructure"],
            target_groups=["general_population"],
            activities=["renovation"],
            partners=[],
        )
        | changes
    )


def test_a_towns_cultural_house_is_not_demarcated_as_a_village_project(pack: fundmatch.RulePack) -> None:
    # The demarcation concerns rural areas: in a town or city (DEGURBA 1-2) a cultural house with an e-library is
    # not left to the CAP plan by it, whatever words the idea uses.
    for degurba in (1, 2):
        erdf = _by_fund(pack.match(_village(degurba=degurba, population=40000), _cultural_house()))["ERDF"]
        assert _outcome(erdf, "village_culture_outside_core") is Outcome.FAIL, degurba
    rural = _by_fund(pack.match(_village(), _cultural_house()))["ERDF"]
    town = _by_fund(pack.match(_village(degurba=2, population=40000), _cultural_house()))["ERDF"]
    assert rural.score < town.score


def test_a_cultural_house_where_the_degree_of_urbanisation_is_unknown_is_asked_by_its_chance(
    pack: fundmatch.RulePack,
) -> None:
    # Unknown, not failed: the idea's own words name a village, so the penalty counts by the rule's prior.
    erdf = _by_fund(pack.match(_village(degurba=None), _cultural_house()))["ERDF"]
    hit = next(h for h in erdf.hits if h.rule_id == "village_culture_outside_core")
    assert hit.outcome is Outcome.UNKNOWN and hit.missing == ["degurba"]
    assert hit.likelihood is not None and 0 < hit.likelihood < 1


def test_an_unknown_degree_of_urbanisation_costs_nothing_where_the_idea_is_no_cultural_house(
    pack: fundmatch.RulePack,
) -> None:
    plain = idea(title="Heat pumps", themes=["energy_climate"], activities=["equipment"], partners=[])
    erdf = _by_fund(pack.match(_village(degurba=None), plain))["ERDF"]
    hit = next(h for h in erdf.hits if h.rule_id == "village_culture_outside_core")
    assert hit.outcome is not Outcome.PASS and (hit.likelihood or 0.0) == 0.0


def test_a_village_schools_sports_hall_is_school_infrastructure_not_a_cultural_house(pack: fundmatch.RulePack) -> None:
    # A new sports hall for the village school: education infrastructure, an ERDF objective, even with a sports
    # club among its users; the cultural-house demarcation is not for it.
    report = pack.match(
        _village(),
        idea(
            title="Village school sports hall",
            description="A new sports hall for the village primary school, used by pupils and the local sports club.",
            themes=["education", "culture_sport", "rural_development"],
            activities=["construction"],
            partners=[],
        ),
    )
    assert _outcome(_by_fund(report)["ERDF"], "village_culture_outside_core") is Outcome.FAIL
