"""An officer's first hour: a town's name and one sentence in, a report they can read and send out."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

import fundmatch
from fundmatch._country_names import country_from_name
from fundmatch._places import AMBIGUITY_MARGIN, import_register, resolve_place

FIXTURE = Path(__file__).parent / "data" / "lau_fixture.csv"
IDEA_DE = "Sprachkurse und Mentoring für geflüchtete Jugendliche"


@pytest.fixture
def register_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import_register(FIXTURE, data_dir=tmp_path)
    monkeypatch.setenv("FUNDMATCH_DATA_DIR", str(tmp_path))
    return tmp_path


# ------------------------------------------------------------------------------------------ place and idea


def test_a_place_and_one_sentence_are_enough(register_env: Path) -> None:
    report = fundmatch.match(place="Brixen, IT", idea=IDEA_DE)
    assert (report.municipality.name, report.municipality.nuts) == ("Bressanone/Brixen", "ITH10")
    assert report.idea.title == IDEA_DE and report.idea.description == IDEA_DE
    assert {t.id for t in report.inferred} >= {"refugees", "language_learning"}


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Brixen, Italien", "IT"),  # German
        ("Brixen, Włochy", "IT"),  # Polish
        ("Brixen, Italy", "IT"),
        ("Altena, Deutschland", "DE"),
        ("Altena (Nederland)", "NL"),
        ("Altena, Niemcy", "DE"),
    ],
)
def test_country_names_in_the_officers_language(register_env: Path, text: str, country: str) -> None:
    report = fundmatch.match(place=text, idea={"title": "x"})
    assert report.municipality.country == country


def test_country_names_come_from_cldr_in_every_eu_language() -> None:
    assert country_from_name("Österreich") == country_from_name("Osterreich") == "AT"
    assert country_from_name("Ελλάδα") == country_from_name("EL") == country_from_name("gr") == "GR"
    assert country_from_name("Magyarország") == "HU"
    assert country_from_name("Stadt") is None and country_from_name("XX") is None


def test_a_lau_code_picks_the_place(register_env: Path) -> None:
    for text in ("DE 05962004", "05962004", "DE_05962004", "NL GM1959", "GM1959"):
        found = resolve_place(text)
        assert len(found) == 1 and found[0].lau in text.replace(" ", "").replace("DE_", ""), text
    report = fundmatch.match(place="DE 05962004", idea="x")
    assert report.municipality.lau == "05962004"


def test_a_name_shared_within_a_few_points_is_never_picked(register_env: Path) -> None:
    with pytest.raises(fundmatch.AmbiguousPlaceError) as info:
        fundmatch.match(place="Neustadt", idea="x")
    candidates = info.value.candidates
    assert len(candidates) > 1
    assert candidates[0].score - candidates[-1].score < AMBIGUITY_MARGIN
    assert {c.country for c in candidates} >= {"AT", "DE"}
    # Each candidate is named with its LAU code, which picks it.
    for c in candidates:
        assert f"LAU {c.lau}" in str(info.value)
    assert "LAU code" in str(info.value)
    assert isinstance(info.value, fundmatch.ProfileError)  # old handlers still catch it
    chosen = fundmatch.match(place=f"{candidates[1].country} {candidates[1].lau}", idea="x")
    assert chosen.municipality.lau == candidates[1].lau


def test_a_clear_best_name_is_taken(register_env: Path) -> None:
    assert fundmatch.match(place="Wiener Neustadt", idea="x").municipality.country == "AT"


def test_a_place_without_population_says_why(register_env: Path) -> None:
    try:
        report = fundmatch.match(place="Évian-les-Bains, FR", idea="x")
    except fundmatch.ProfileError as exc:
        assert "no population for FR" in str(exc) and "population" in str(exc)
    else:  # once population is optional, the profile is built and the missing value is a question
        assert report.municipality.country == "FR"
    assert fundmatch.match(place="Évian-les-Bains, FR", profile={"population": 9100}, idea="x").municipality


def test_an_unknown_place_says_how_to_write_it(register_env: Path) -> None:
    with pytest.raises(fundmatch.ProfileError, match="LAU code"):
        fundmatch.match(place="Qqqqzzzz, Deutschland", idea="x")


def test_a_description_alone_is_an_idea() -> None:
    profile = {"name": "T", "country": "IT", "population": 4100}
    report = fundmatch.match(profile, {"description": "Corsi di italiano per i rifugiati. Con tutor."})
    assert report.idea.title == "Corsi di italiano per i rifugiati"


# ------------------------------------------------------------------------------------------ input errors


def test_a_misspelt_key_is_named_with_the_right_one() -> None:
    with pytest.raises(ValidationError) as info:
        fundmatch.match({"name": "T", "country": "IT", "popualtion": 4100}, {"title": "x"})
    text = str(info.value)
    assert "popualtion" in text and "did you mean 'population'" in text
    # The unknown key comes before the "Field required" it causes.
    assert text.index("popualtion") < text.index("Field required")


def test_every_error_of_an_input_is_shown() -> None:
    with pytest.raises(ValidationError) as info:
        fundmatch.match({"name": "T", "country": "IT", "population": 1}, {"title": "x", "budget": 5, "themes": ["migration"]})
    text = str(info.value)
    assert "did you mean 'budget_eur'" in text and "did you mean 'migrant_integration'" in text
    assert info.value.error_count() == 2


# ------------------------------------------------------------------------------------------ the command line


def test_cli_match_with_a_place_and_a_sentence(register_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fundmatch._cli import main

    assert main(["match", "--place", "Altena, Deutschland", "--idea", "Sprachcafé für geflüchtete Familien"]) == 0
    out = capsys.readouterr().out
    assert "Altena, Stadt (DE, DEA58)" in out and "Sprachcafé für geflüchtete Familien" in out


def test_cli_an_ambiguous_place_lists_lau_codes(register_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fundmatch._cli import main

    assert main(["match", "--place", "Neustadt", "--idea", "x"]) == 2
    err = capsys.readouterr().err
    assert "LAU 30401" in err and "LAU 07316000" in err and "Traceback" not in err


def test_cli_lists_every_problem_of_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fundmatch._cli import main

    bad = tmp_path / "p.yaml"
    bad.write_text("name: X\ncountry: IT\npopualtion: 5\neu_project_staf_fte: 1\n", encoding="utf-8")
    assert main(["match", str(bad), "--idea", "x"]) == 2
    err = capsys.readouterr().err
    assert "3 problems" in err and "did you mean 'population'" in err and "did you mean 'eu_project_staff_fte'" in err
    assert "and 1 more" not in err
