"""Free-text ideas through match(): inferred ids fill only what the user left empty, with their evidence."""

from __future__ import annotations

import fundmatch
from fundmatch import Outcome, Status

PROFILE = {"name": "Brixen", "country": "IT", "nuts": "ITH10", "population": 22600, "leader_lag": False}


def test_empty_fields_are_inferred_with_evidence() -> None:
    report = fundmatch.match(PROFILE, {"title": "Sprachkurse und Jobcoaching für Geflüchtete im Gemeindezentrum"})
    assert "refugees" in report.idea.target_groups
    assert "language_courses" in report.idea.activities
    evidence = next(t for t in report.inferred if t.id == "refugees")
    assert evidence.field == "target_groups" and evidence.matched == "Geflüchtete" and evidence.language == "de"
    assert 0 < evidence.similarity <= 100
    assert "'Geflüchtete' as refugees" in str(report)
    assert report["AMIF"].status is Status.ELIGIBLE


def test_explicit_ids_are_never_overridden() -> None:
    idea = {"title": "Sprachkurse für Geflüchtete", "target_groups": ["women"]}
    report = fundmatch.match(PROFILE, idea)
    assert [t.value for t in report.idea.target_groups] == ["women"]
    assert all(t.field != "target_groups" for t in report.inferred)
    assert "language_courses" in report.idea.activities  # activities were empty, so they are read


def test_no_recognisable_theme_gives_unknown_and_a_question_not_ineligible() -> None:
    report = fundmatch.match(PROFILE, {"title": "Projekt 2027", "description": "Lorem ipsum dolor sit amet."})
    assert report.idea.themes == [] and report.inferred == []
    esf = report["ESF+"]
    assert next(h for h in esf.hits if h.rule_id == "social_objective").outcome is Outcome.UNKNOWN
    assert esf.status is Status.UNKNOWN and "themes" in [m.field for m in esf.missing]


def test_not_only_for_refugees_keeps_the_general_population() -> None:
    report = fundmatch.match(
        PROFILE,
        {"title": "Community garden", "description": "Not only for refugees but for all residents of the town."},
    )
    assert "general_population" in report.idea.target_groups


def test_negated_construction_is_not_read() -> None:
    report = fundmatch.match(
        PROFILE, {"title": "Language courses", "description": "Language courses for migrants; no construction works."}
    )
    assert "construction" not in report.idea.activities


def test_batch_reads_the_idea_once_and_reports_the_same_evidence() -> None:
    pack = fundmatch.load_rules()
    idea = {"title": "corsi di italiano per donne bengalesi con servizio di babysitting"}
    reports = pack.match_many([PROFILE, {**PROFILE, "name": "Bolzano"}], idea)
    assert reports[0].inferred == reports[1].inferred == pack.match(PROFILE, idea).inferred
    assert "women" in reports[0].idea.target_groups
