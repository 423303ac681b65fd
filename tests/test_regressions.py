"""Regressions: failing examples found by hypothesis, kept as plain tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import fundmatch
from fundmatch import Status


def test_removing_end_date_uses_start_plus_duration_and_can_cross_the_deadline() -> None:
    # Found by test_removing_information_never_makes_a_fund_ineligible: an idea whose end_date (Jan 2028)
    # disagreed with its duration (24 months from Jan 2028 = Jan 2030). Without end_date the planned end is
    # derived from start + duration, which is past 31.12.2029. The strategies now draw consistent dates;
    # the engine's behaviour on inconsistent input is pinned here.
    profile = {"name": "0", "country": "AT", "nuts": "AT11", "population": 50, "degurba": 1, "leader_lag": False}
    idea = {
        "title": "0",
        "themes": ["migrant_integration"],
        "target_groups": ["third_country_nationals"],
        "activities": ["training"],
        "duration_months": 24,
        "start_date": dt.date(2028, 1, 1),
        "end_date": dt.date(2028, 1, 31),
        "completed_before_application": False,
    }
    assert fundmatch.match(profile, idea)["AMIF"].status is Status.ELIGIBLE
    without_end = {k: v for k, v in idea.items() if k != "end_date"}
    result = fundmatch.match(profile, without_end)["AMIF"]
    assert result.status is Status.INELIGIBLE
    assert [h.rule_id for h in result.failed()] == ["expenditure_period"]
    assert "2030-01-01" in result.failed()[0].explanation


def test_a_greek_name_in_capitals_finds_its_place(tmp_path: Path) -> None:
    # Found while merging the two text foldings: place names were lower-cased after folding, so a final sigma
    # typed as a capital (Σ → σ) never met the name's final ς: "ΚΟΜΟΤΗΝΗΣ" found nothing and "ΤΡΑΧΩΝΑΣ" only
    # a fuzzy 87.5. The one folding case-folds first, as the vocabulary always did.
    from fundmatch._places import find_place, import_register

    register = import_register(Path(__file__).parent / "data" / "lau_fixture.csv", data_dir=tmp_path)
    for query, name in (("ΚΟΜΟΤΗΝΗΣ", "Δημοτική Κοινότητα Κομοτηνής"), ("ΤΡΑΧΩΝΑΣ", "Τράχωνας")):
        found = find_place(query, register=register)
        assert found and found[0].name == name, (query, found[:1])
    assert find_place("ΤΡΑΧΩΝΑΣ", register=register)[0].score == find_place("Τράχωνας", register=register)[0].score
