"""Knowing the municipality from its name: profiles from places, and programme areas in the report."""

from __future__ import annotations

from pathlib import Path

import pytest

import fundmatch
from fundmatch._places import import_register

FIXTURE = Path(__file__).parent / "data" / "lau_fixture.csv"
IDEA = {"title": "Cross-border youth exchange", "themes": ["culture_sport"], "partners": [{"country": "AT"}]}


@pytest.fixture
def register_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import_register(FIXTURE, data_dir=tmp_path)
    monkeypatch.setenv("FUNDMATCH_DATA_DIR", str(tmp_path))
    return tmp_path


def test_match_from_a_place_name_fills_the_profile_with_sources(register_env: Path) -> None:
    report = fundmatch.match(None, IDEA, place="Tarvisio, IT")
    m = report.municipality
    assert (m.name, m.country, m.nuts, m.degurba) == ("Tarvisio", "IT", "ITH42", 3)
    assert m.border_region is True
    fields = {d.field: d for d in report.derived}
    assert "Eurostat LAU" in fields["degurba"].source and "Eurostat LAU" in fields["population"].source
    assert "Italia-Österreich" in fields["border_region"].source
    assert fields["region_category"].value == "more_developed"
    assert report["INTERREG"].status is fundmatch.Status.ELIGIBLE


def test_values_given_by_the_user_win(register_env: Path) -> None:
    report = fundmatch.match({"population": 4321, "leader_lag": True}, IDEA, place="Tarvisio, IT")
    assert report.municipality.population == 4321 and report.municipality.leader_lag is True
    assert "population" not in {d.field for d in report.derived}


def test_an_ambiguous_place_is_never_guessed(register_env: Path) -> None:
    with pytest.raises(fundmatch.ProfileError, match="matches several places about equally well") as info:
        fundmatch.match(None, IDEA, place="Altena")
    assert "DE" in str(info.value) and "NL" in str(info.value)
    report = fundmatch.match(None, IDEA, place="Altena, NL")
    assert report.municipality.country == "NL"


def test_unknown_place_and_missing_profile(register_env: Path) -> None:
    with pytest.raises(fundmatch.ProfileError, match="no place matches"):
        fundmatch.match(None, IDEA, place="Qqqqzzzz, IT")
    with pytest.raises(fundmatch.ProfileError, match="give a profile"):
        fundmatch.match(None, IDEA)


def test_municipality_from_place_keeps_provenance(register_env: Path) -> None:
    (place,) = [p for p in fundmatch.find_place("Tarvisio", "IT")][:1]
    profile = fundmatch.Municipality.from_place(place, eu_project_staff_fte=0.5)
    assert profile.eu_project_staff_fte == 0.5 and profile.lau == place.lau
    assert {d.field for d in profile.provenance} >= {"population", "degurba", "nuts"}
    assert "provenance" not in profile.model_dump()


def test_a_typed_nuts_code_names_the_interreg_programmes() -> None:
    report = fundmatch.match({"name": "Bressanone", "country": "IT", "nuts": "ITH10", "population": 22600}, IDEA)
    programmes = next(d for d in report.derived if d.field == "interreg_programmes")
    assert any("Italia-Österreich" in name for name in programmes.value)
    assert report.municipality.border_region is None  # the profile is kept as given ...
    border = next(d for d in report.derived if d.field == "border_region")  # ... the derived value is reported
    assert border.value is True
    hit = next(h for h in report["INTERREG"].hits if h.rule_id == "cross_border_area")
    assert hit.outcome is fundmatch.Outcome.PASS


def test_a_region_not_in_the_areas_stays_unknown() -> None:
    report = fundmatch.match({"name": "Göttingen", "country": "DE", "nuts": "DE91C", "population": 118000}, IDEA)
    assert "border_region" not in {d.field for d in report.derived}
    hit = next(h for h in report["INTERREG"].hits if h.rule_id == "cross_border_area")
    assert hit.outcome is fundmatch.Outcome.UNKNOWN


def test_the_user_saying_no_border_wins() -> None:
    report = fundmatch.match(
        {"name": "Bressanone", "country": "IT", "nuts": "ITH10", "population": 22600, "border_region": False}, IDEA
    )
    hit = next(h for h in report["INTERREG"].hits if h.rule_id == "cross_border_area")
    assert hit.outcome is fundmatch.Outcome.FAIL
