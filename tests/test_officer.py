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


def test_a_country_given_is_the_country_searched(register_env: Path) -> None:
    # "Antwerpen, FR": no Antwerpen in France. Before, the search fell back to every country and took Belgium's.
    assert resolve_place("Antwerpen, FR") == []
    with pytest.raises(fundmatch.ProfileError, match="no place matches 'Antwerpen, FR'"):
        fundmatch.match(place="Antwerpen, FR", idea="x")
    assert [p.country for p in resolve_place("Antwerpen, BE")] == ["BE"]


def test_places_of_one_country_are_told_apart_by_their_lau_code_not_the_country(register_env: Path) -> None:
    with pytest.raises(fundmatch.AmbiguousPlaceError) as info:
        fundmatch.match(place="Neustadt, DE", idea="x")
    assert {c.country for c in info.value.candidates} == {"DE"}
    assert "They are all in DE: give the LAU code" in str(info.value) and "Add the country" not in str(info.value)


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
    with pytest.raises(ValidationError) as info:
        fundmatch.match({"nmae": "T", "country": "IT"}, {"title": "x"})
    text = str(info.value)
    assert "nmae" in text and "did you mean 'name'" in text
    assert text.index("nmae") < text.index("Field required")


def test_every_error_of_an_input_is_shown() -> None:
    with pytest.raises(ValidationError) as info:
        fundmatch.match(
            {"name": "T", "country": "IT", "population": 1}, {"title": "x", "budget": 5, "themes": ["migration"]}
        )
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
    # population is optional, so the two misspelt keys are the problems
    assert "2 problems" in err and "did you mean 'population'" in err and "did you mean 'eu_project_staff_fte'" in err
    assert "and 1 more" not in err


# ------------------------------------------------------------------------------------------ words


PROFILE = {"name": "Ydre", "country": "SE", "population": 3700, "third_country_national_share": 0.09}
IDEA_YOUTH = {
    "title": "Ausbildungsbrücke",
    "target_groups": ["young_neet", "refugees"],
    "activities": ["exchange_of_practice", "training"],
    "partners": [{"country": "AT"}],
    "duration_months": 30,
}


def _all_text(report: fundmatch.MatchReport) -> str:
    parts = [str(report)]
    for item in report.ranking:
        parts += [item.reason, *(h.explanation for h in item.hits), *(m.question for m in item.missing)]
    return "\n".join(parts)


def test_sentences_use_words_not_ids() -> None:
    text = _all_text(fundmatch.match(PROFILE, IDEA_YOUTH))
    for raw in ("young_neet", "exchange_of_practice", "third_country_nationals", "less_developed"):
        assert raw not in text
    assert "young people not in employment, education or training" in text


def test_shares_are_per_cent() -> None:
    text = _all_text(fundmatch.match(PROFILE, IDEA_YOUTH))
    assert "9 %" in text and "0.09 of" not in text and "(0 to 1)" not in text


def test_counts_agree_with_their_nouns() -> None:
    report = fundmatch.match(PROFILE, IDEA_YOUTH, funds=["INTERREG"])
    text = _all_text(report)
    assert "country or countries" not in text
    assert "2 countries" in text or "1 other country" in text


def test_fund_names_keep_their_capitals() -> None:
    text = _all_text(fundmatch.match({"name": "T", "country": "IT", "population": 4100}, {"title": "x"}))
    assert "esf+" not in text and "an amif" not in text and "erdf's" not in text


def test_a_question_several_funds_share_is_asked_once() -> None:
    report = fundmatch.match({"name": "T", "country": "IT", "population": 4100}, IDEA_YOUTH)
    text = str(report)
    questions = {m.question for item in report.ranking for m in item.missing}
    shared = [q for q in questions if sum(q in {m.question for m in i.missing} for i in report.ranking) > 1]
    assert shared
    assert text.count("To find out") == 1
    section = text.split("\nTo find out:\n", 1)[1]
    items = " ".join(section.split()).split(" - ")
    for question in questions:
        assert sum(" ".join(question.split()) in item for item in items) == 1, question


def test_questions_an_officer_can_answer() -> None:
    report = fundmatch.match({"name": "T", "country": "IT", "population": 4100}, IDEA_YOUTH)
    questions = {m.field: m.question for item in report.ranking for m in item.missing}
    assert "NUTS code" in questions["region_category"] and "less developed" not in questions["region_category"]
    # A duration is given: the start is missing, not the end.
    assert "start_date" in questions and "end_date" not in questions
    no_duration = fundmatch.match({"name": "T", "country": "IT", "population": 4100}, {"title": "x"})
    assert "end_date" in {m.field for item in no_duration.ranking for m in item.missing}


def test_an_ineligible_fund_shows_no_fit() -> None:
    # Without partners abroad Interreg is out.
    report = fundmatch.match(PROFILE, {**IDEA_YOUTH, "partners": []})
    out = [r for r in report.ranking if r.status is fundmatch.Status.INELIGIBLE]
    assert out
    for line in str(report).splitlines():
        if f"— {out[0].name}:" in line:
            assert "INELIGIBLE" in line and "fit" not in line


def test_text_wraps_to_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    report = fundmatch.match(PROFILE, IDEA_YOUTH)
    for columns in (80, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        lines = str(report).splitlines()
        assert all(len(line) <= columns or " " not in line.strip() for line in lines)
        assert max(len(line) for line in lines) > columns - 15  # the width is used, not a fixed 60


def test_repr_is_one_short_line() -> None:
    report = fundmatch.match(PROFILE, IDEA_YOUTH)
    text = repr(report)
    assert "\n" not in text and len(text) < 300 and "Ydre" in text and "AMIF" in text
    assert len(report.model_dump_json()) > 10 * len(text)
    one = repr(report.ranking[0])
    assert "\n" not in one and len(one) < 200 and str(report.ranking[0].fund) in one


def test_maintainers_detail_stays_out_of_the_text() -> None:
    report = fundmatch.match({"name": "Y", "country": "SE", "nuts": "SE123", "population": 3700}, {"title": "x"})
    assert any("repo" in d.source for d in report.derived)  # the JSON keeps the full source ...
    assert "repo " not in str(report) and "@1c08" not in str(report)  # ... the text does not


# ------------------------------------------------------------------------------------------ reading the text

IT = {"name": "Tarvisio", "country": "IT", "population": 4100}
ARNOLDSTEIN = "Corsi di italiano per i rifugiati, insieme al comune di Arnoldstein in Austria."


def test_a_partners_country_named_in_the_text_is_inferred_with_evidence() -> None:
    report = fundmatch.match(IT, ARNOLDSTEIN)
    assert [p.country for p in report.idea.partners] == ["AT"]
    evidence = [t for t in report.inferred if t.field == "partners"]
    assert [(t.id, t.matched) for t in evidence] == [("AT", "Austria")]
    assert report["INTERREG"].status is not fundmatch.Status.INELIGIBLE
    assert "partner" in str(report) and "'Austria' as AT" in str(report)


def test_named_partners_never_override_explicit_ones_nor_name_the_applicant() -> None:
    given = fundmatch.match(IT, {"description": ARNOLDSTEIN, "partners": [{"country": "SI"}]})
    assert [p.country for p in given.idea.partners] == ["SI"]
    assert not [t for t in given.inferred if t.field == "partners"]
    own = fundmatch.match({**IT, "country": "AT"}, ARNOLDSTEIN)
    assert own.idea.partners == [] and not [t for t in own.inferred if t.field == "partners"]


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Sprachkurse gemeinsam mit der Nachbargemeinde in Österreich", ["AT"]),  # de
        # inflected forms (country_forms.csv): locative, instrumental, Finnish genitive with "kanssa"
        ("Kursy językowe razem z gminą partnerską we Włoszech i w Czechach", ["IT", "CZ"]),
        ("Čezmejni projekt z Italijo za trajnostni turizem", ["IT"]),  # sl "z" + instrumental is "with"
        ("Közös nyelvi projekt Ausztriával és egy szlovák várossal", ["AT"]),
        ("Kielikahvila yhdessä Ruotsin kanssa", ["SE"]),
        # a form that says "from" by itself, and "z" + genitive, are origins
        ("Kotouttaminen: pakolaisia Ruotsista ja Virosta", []),
        ("Kursy dla uchodźców z Ukrainy i z Polski", []),
        ("Sprachkurse für Roma aus Rumänien und Geflüchtete aus der Ukraine", []),  # origins, not partners
        ("Language café on the island, with a partner town in Slovenia", ["SI"]),  # "island" is no Iceland
        # a list after "from" is a list of origins (the development set's Roma newcomers case)
        ("Guidance for Roma newcomers, mostly from Romania, Bulgaria and Syria, towards a job", []),
        ("Refugees from Syria, with partner towns in Austria and Slovenia", ["AT", "SI"]),
        # "without", "no" in the clause: no partner there; "but" ends the negation
        ("Sprachcafé für Geflüchtete, ohne Partner in Polen.", []),
        ("Language café, without a partner in Poland for now", []),
        ("No partner yet, but a town in Austria wants to join", ["AT"]),
        ("Kurzy češtiny bez partnera v Polsku, s partnerským městem Rakousko", ["AT"]),
        # a trip or a visit goes somewhere: a destination, not a partner
        ("Studienreise nach Österreich für unseren Gemeinderat und die Vereine", []),
        ("A study visit to Slovenia for our volunteers, then a language café", []),
        # but a partner after the visit is one; Portuguese "no" is "in the"; Polish "nie ma" is "there is no";
        # Swedish "utan" is "without" unless a negation comes before it
        ("We visit partners in Austria twice a year", ["AT"]),
        ("Trabalhamos com parceiros no distrito de Graz na Áustria", ["AT"]),
        ("Gmina nie ma jeszcze partnera w Austrii", []),
        ("Projektet genomförs utan partner i Norge", []),
        ("Non abbiamo partner in Austria, ma un comune in Slovenia", ["SI"]),
    ],
)
def test_which_named_countries_become_partners(text: str, countries: list[str]) -> None:
    report = fundmatch.match({"name": "T", "country": "DE", "population": 4100}, text)
    assert [p.country for p in report.idea.partners] == countries


def test_no_inflected_form_is_an_english_adjective_of_nationality() -> None:
    # English capitalises them, and they name languages too: "Italian lessons" names no partner in Italy.
    import csv

    from fundmatch._country_names import name_key

    adjectives = [
        "Austrian",
        "Belgian",
        "Bulgarian",
        "Croatian",
        "Cypriot",
        "Czech",
        "Danish",
        "Dutch",
        "Estonian",
        "Finnish",
        "French",
        "German",
        "Greek",
        "Hungarian",
        "Irish",
        "Italian",
        "Latvian",
        "Lithuanian",
        "Luxembourgish",
        "Maltese",
        "Polish",
        "Portuguese",
        "Romanian",
        "Slovak",
        "Slovakian",
        "Slovenian",
        "Slovene",
        "Spanish",
        "Swedish",
        "Swiss",
        "Norwegian",
        "Icelandic",
    ]
    table = Path(fundmatch.__file__).parent / "country_forms.csv"
    with table.open(encoding="utf-8", newline="") as handle:
        forms = {name_key(row["form"]) for row in csv.DictReader(handle)}
    assert forms and not forms & {name_key(a) for a in adjectives}
    report = fundmatch.match({"name": "T", "country": "NO"}, "Italian and Czech lessons for Romanian newcomers")
    assert report.idea.partners == []


def test_batches_infer_partners_per_applicant_country() -> None:
    pack = fundmatch.load_rules()
    reports = pack.match_many([IT, {**IT, "country": "AT"}], ARNOLDSTEIN)
    assert [[p.country for p in r.idea.partners] for r in reports] == [["AT"], []]
    assert [r.model_dump_json() for r in reports] == [
        pack.match(p, ARNOLDSTEIN).model_dump_json() for p in (IT, {**IT, "country": "AT"})
    ]


def test_a_description_nothing_was_recognised_in_says_so() -> None:
    # Ukrainian is not an official EU language, so the vocabulary has no terms for it (many newcomers write it).
    report = fundmatch.match(
        {"name": "T", "country": "HU", "population": 4100}, "Мовні курси та наставництво для біженців."
    )
    assert report.inferred == []
    (note,) = report.notes
    assert "Nothing in the description was recognised" in note and "Deutsch" in note and "English" in note
    assert note in " ".join(str(report).split()) and note in report.to_html()
    understood = fundmatch.match({"name": "T", "country": "DE", "population": 4100}, "Sprachcafé für Geflüchtete")
    assert understood.notes == []


# ------------------------------------------------------------------------------------------ packaging

REPO = Path(__file__).resolve().parent.parent


def test_a_partial_test_install_runs_without_nbmake() -> None:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:nbmake", "-p", "no:cacheprovider",
         "tests/test_officer.py::test_repr_is_one_short_line"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-1500:] + run.stderr[-1500:]


def test_the_published_metadata() -> None:
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extras = project["project"]["optional-dependencies"]
    groups = project["dependency-groups"]
    assert "test" not in extras and "dev" not in extras  # the project's own tools are groups, not user extras
    assert any(d.startswith("nbmake") for d in groups["test"]) and any(d.startswith("ruff") for d in groups["dev"])
    assert any(d.startswith(("nbconvert", "nbclient")) for d in extras["notebooks"])  # runs the notebooks
    assert any(d.startswith("babel") for d in project["project"]["dependencies"])
    classifiers = project["project"]["classifiers"]
    assert {f"Programming Language :: Python :: 3.{minor}" for minor in (11, 12, 13)} <= set(classifiers)
    assert project["project"]["urls"]


def test_countries_may_be_written_as_names_in_the_models() -> None:
    report = fundmatch.match(
        {"name": "T", "country": "Italien", "population": 4100}, {"title": "x", "partners": [{"country": "Austria"}]}
    )
    assert report.municipality.country == "IT" and report.idea.partners[0].country == "AT"
    with pytest.raises(ValidationError, match="nor a country's name"):
        fundmatch.Municipality(name="T", country="Atlantis", population=1)


def test_values_from_the_register_are_said_once_with_their_source(register_env: Path) -> None:
    report = fundmatch.match(place="Tarvisio, IT", idea="x")
    text = str(report)
    lines = [line for line in text.splitlines() if line.startswith("From Eurostat LAU")]
    assert len(lines) == 1 and "Eurostat LAU" not in text.replace(lines[0], "", 1).split("\n1. ")[0]
    assert "population 4,211" in " ".join(text.split())
    assert "https://" not in text and any("https://" in d.source for d in report.derived)


def test_either_half_of_a_bilingual_name_is_the_name(register_env: Path) -> None:
    for text in ("Bressanone", "Brixen"):
        (best, *_rest) = resolve_place(text)
        assert best.name == "Bressanone/Brixen" and best.score == 100.0
    assert fundmatch.match(place="Bressanone", idea="x").municipality.lau == "021011"
