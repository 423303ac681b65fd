"""The places register: import of Eurostat's LAU lists, lookup by name, profiles from a place, Interreg areas.

Most tests use the hand-written fixture ``tests/data/lau_fixture.csv`` (33 real rows of the 2019 list); the
tests over the full EU register run only where the shared file is present.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import statistics
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundmatch._errors import FundmatchError, RulePackError
from fundmatch._inputs import Municipality
from fundmatch._interreg_areas import InterregAreas, shipped_areas
from fundmatch._places import (
    CACHE_NAME,
    Place,
    PlacesError,
    PlacesRegister,
    data_dir,
    download_register,
    find_place,
    import_register,
    load_register,
    profile_from_place,
    resolve_place,
)
from fundmatch._places_cli import add_commands

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "lau_fixture.csv"
FULL = Path(__file__).resolve().parents[2] / "shared" / "domain" / "lau-2019.csv.gz"
AREAS_HEADER = "programme_code,programme_name,strand,nuts3_code,nuts_version,source\n"


@pytest.fixture
def register(tmp_path: Path) -> PlacesRegister:
    return import_register(FIXTURE, data_dir=tmp_path)


def one(register: PlacesRegister, name: str, country: str | None = None) -> Place:
    found = find_place(name, country, register=register)
    assert found, f"nothing found for {name!r}"
    return found[0]


# --------------------------------------------------------------------------------------------- the register


def test_import_keeps_vintage_nuts_version_and_source(register: PlacesRegister, tmp_path: Path) -> None:
    assert len(register) == 33
    assert register.vintage == "2019"
    assert register.nuts_version == "2016"
    assert register.source.startswith("EU-28-LAU-2019-NUTS-2016.xlsx")
    assert (tmp_path / CACHE_NAME).is_file()
    assert "DE" in register.countries and "EL" in register.countries


def test_cache_is_found_again_through_the_environment(
    register: PlacesRegister, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDMATCH_DATA_DIR", str(tmp_path))
    assert [p.lau for p in find_place("Altena", "NL")] == ["GM1959"]


def test_data_dir_argument_beats_environment_which_beats_platform(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDMATCH_DATA_DIR", str(tmp_path / "env"))
    assert data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv("FUNDMATCH_DATA_DIR")
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert data_dir() == tmp_path / "xdg" / "fundmatch"
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    assert data_dir() == tmp_path / "local" / "fundmatch"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert data_dir().parts[-3:] == ("Library", "Application Support", "fundmatch")


def test_missing_register_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(PlacesError, match="places import") as info:
        load_register(data_dir=tmp_path / "empty")
    assert isinstance(info.value, FundmatchError)


def test_a_failed_import_leaves_the_previous_register(register: PlacesRegister, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("hello,world\n1,2\n", encoding="utf-8")
    with pytest.raises(PlacesError, match="no header row"):
        import_register(bad, data_dir=tmp_path)
    assert len(load_register(data_dir=tmp_path)) == 33
    assert not list(tmp_path.glob(".places-*")), "temporary file left behind"


def test_reimport_replaces_the_loaded_register(register: PlacesRegister, tmp_path: Path) -> None:
    smaller = tmp_path / "EU-27-LAU-2022-NUTS-2021.csv"
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    # Drop the CSV's own source column so the file name gives vintage and NUTS version.
    smaller.write_text("\n".join([lines[0].replace("source", "comment"), *lines[1:4]]) + "\n", encoding="utf-8")
    assert load_register(data_dir=tmp_path) is register
    new = import_register(smaller, data_dir=tmp_path)
    assert len(new) == 3 and new.vintage == "2022" and new.nuts_version == "2021"
    assert load_register(data_dir=tmp_path) is new


@pytest.mark.parametrize(
    ("content", "keywords"),
    [
        ("country,lau_code,name,nuts3_code\nDE,1,A,DEA58\nDE,1,B,DEA58\n", ["appears twice", "DE 1"]),
        ("lau_code,name,nuts3_code\n1,A,DEA58\n", ["no country column"]),
        ("country,lau_code,name\nDE,1,A\n", ["no column for nuts3", "header row 1"]),
        ("country,lau_code,name,nuts3_code\nDE,,,DEA58\nD,1,X,DEA58\n", ["row 3", "incomplete"]),
    ],
)
def test_broken_lau_files_name_the_problem(tmp_path: Path, content: str, keywords: list[str]) -> None:
    file = tmp_path / "EU-27-LAU-2021-NUTS-2021.csv"
    file.write_text(content, encoding="utf-8")
    with pytest.raises(PlacesError) as info:
        import_register(file, data_dir=tmp_path)
    for word in keywords:
        assert word in str(info.value)


def test_import_of_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlacesError, match="no such file"):
        import_register(tmp_path / "nope.xlsx", data_dir=tmp_path)


def test_a_gzipped_csv_is_read(tmp_path: Path) -> None:
    packed = tmp_path / "lau.csv.gz"
    packed.write_bytes(gzip.compress(FIXTURE.read_bytes()))
    assert len(import_register(packed, data_dir=tmp_path)) == 33


# ----------------------------------------------------------------------------------------------------- xlsx

EUROSTAT_HEADER = [
    "NUTS 3 CODE", "LAU CODE", "LAU NAME NATIONAL", "LAU NAME LATIN", "CHANGE (Y/N)", "POPULATION",
    "TOTAL AREA (m2)", "DEGURBA", "DEGURBA change compared to last year", "COASTAL AREA (yes/no)",
    "COASTAL AREA change compared to last year",
]  # fmt: skip


def test_xlsx_in_eurostats_layout(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl", reason="openpyxl is not installed (the optional xlsx reader)")
    book = openpyxl.Workbook()
    overview = book.active
    overview.title = "Overview"
    overview.append(["Local Administrative Units (LAU) 2021, see the country sheets"])
    de = book.create_sheet("DE")
    de.append(EUROSTAT_HEADER)
    de.append(["DEA58", "05962004", "Altena, Stadt", "Altena, Stadt", "N", 16922, 44_000_000, 3, "N", "no", "N"])
    cy = book.create_sheet("CY")
    cy.append(["Cyprus (population not available)"])  # a title row above the header
    cy.append(EUROSTAT_HEADER)
    # Numeric cells as openpyxl hands them over: the LAU code as a number, DEGURBA 9.
    cy.append(["CY000", 1015, "Τράχωνας", "Trachonas", "N", None, 1_000_000, 9, "N", "no", "N"])
    file = tmp_path / "EU-27-LAU-2021-NUTS-2021.xlsx"
    book.save(file)

    register = import_register(file, data_dir=tmp_path)
    assert (len(register), register.vintage, register.nuts_version) == (2, "2021", "2021")
    altena = one(register, "Altena")
    assert (altena.lau, altena.nuts3, altena.population, altena.degurba, altena.coastal) == (
        "05962004", "DEA58", 16922, 3, False,
    )  # fmt: skip
    trachonas = one(register, "Trachonas")
    assert (trachonas.lau, trachonas.country, trachonas.degurba, trachonas.population) == ("1015", "CY", None, None)


def test_xlsx_without_openpyxl_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # makes "import openpyxl" fail
    file = tmp_path / "EU-27-LAU-2021-NUTS-2021.xlsx"
    file.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(PlacesError, match="pip install openpyxl"):
        import_register(file, data_dir=tmp_path)


# --------------------------------------------------------------------------------------------------- lookup


def test_an_ambiguous_name_gives_every_candidate_never_a_guess(register: PlacesRegister) -> None:
    found = find_place("Altena", register=register)
    top = [(p.country, p.lau) for p in found if p.score == 100]
    assert sorted(top) == [("DE", "05962004"), ("NL", "GM1959")]


def test_many_neustadts(register: PlacesRegister) -> None:
    found = find_place("Neustadt", register=register)
    assert len(found) >= 6
    assert all("neustadt" in p.name.lower() for p in found[:6])
    assert {p.country for p in found} >= {"DE", "AT"}


@pytest.mark.parametrize(
    ("query", "country", "expected"),
    [
        ("altena", "DE", "Altena, Stadt"),  # ", Stadt" suffix, case
        ("Evian les Bains", None, "Évian-les-Bains"),  # accents, hyphens
        ("Lodz", None, "Łódź"),  # letters NFKD does not split
        ("Varazdin", None, "VARAŽDIN"),
        ("Cesky Krumlov", None, "Český Krumlov"),
        ("El Ejido", None, "Ejido, El"),  # Spanish article at the end
        ("Anvers", None, "Antwerpen"),  # Latin (here French) name
        ("Aytos", None, "Айтос"),  # Latin transliteration of a Cyrillic name
        ("Komotini", "GR", "Δημοτική Κοινότητα Κομοτηνής"),  # ISO GR for Eurostat EL
        ("Altna", "DE", "Altena, Stadt"),  # a typo
        ("Munchen", None, "München, Landeshauptstadt"),
        ("Neustadt Aisch", "DE", "Neustadt a.d.Aisch, St"),
        ("Brixen", None, "Bressanone/Brixen"),
    ],
)
def test_tolerant_lookup(register: PlacesRegister, query: str, country: str | None, expected: str) -> None:
    assert one(register, query, country).name == expected


def test_country_filter_and_nothing_found(register: PlacesRegister) -> None:
    assert [p.country for p in find_place("Altena", "NL", register=register)] == ["NL"]
    assert find_place("Altena", "SE", register=register) == []
    assert find_place("Zzyzx", register=register) == []
    assert find_place("   ", register=register) == []
    assert len(find_place("Neustadt", register=register, limit=2)) == 2


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        ("Altena, DE", {"DE"}),
        ("Altena (NL)", {"NL"}),
        ("Altena NL", {"NL"}),
        ("Altena, Germany", {"DE"}),
        ("Altena", {"DE", "NL", "FR"}),
        ("Ejido, El", {"ES"}),  # "El" is an article here, not Greece
        ("Altena, Stadt", {"DE", "NL", "FR"}),
    ],
)
def test_resolve_place(register: PlacesRegister, text: str, countries: set[str]) -> None:
    found = resolve_place(text, register=register)
    assert found
    assert {p.country for p in found} == countries


def test_place_fields(register: PlacesRegister) -> None:
    altena = one(register, "Altena", "DE")
    assert (altena.population, altena.population_year, altena.degurba) == (16922, 2019, 3)
    assert (altena.nuts3, altena.nuts2, altena.coastal) == ("DEA58", "DEA5", False)
    assert (altena.vintage, altena.nuts_version) == ("2019", "2016")
    assert altena.notes == []
    assert one(register, "Hanko").coastal is True
    assert one(register, "Hanko").name_latin == "Hangö"
    with pytest.raises(ValueError):
        altena.lau = "x"  # type: ignore[misc]
    assert register.get("GR", "01010101") is not None and register.get("DE", "0") is None


def test_honest_limits_are_noted(register: PlacesRegister) -> None:
    evian = one(register, "Evian les Bains")
    assert evian.population is None and evian.population_year is None
    assert any("no population for FR" in n for n in evian.notes)
    trachonas = one(register, "Trachonas")
    assert trachonas.degurba is None  # DEGURBA 9 is unknown, not a class
    assert any("DEGURBA 9" in n for n in trachonas.notes)
    assert any("parishes" in n for n in one(register, "Aguada de Cima").notes)
    mountmellick = one(register, "Mountmellick")
    assert mountmellick.lau == "13100400" and mountmellick.country == "IE"
    assert any("electoral divisions" in n for n in mountmellick.notes)
    for name, code in [("Olbia", "ITG29"), ("Varazdin", "HR044"), ("Kohila", "EE006"), ("Mons", "BE323")]:
        notes = one(register, name).notes
        assert any(code in n and "NUTS 2021" in n for n in notes), (name, notes)
    assert not any("NUTS" in n for n in one(register, "Tarvisio").notes)


# -------------------------------------------------------------------------------------------------- profile


def test_profile_from_a_border_town(register: PlacesRegister) -> None:
    fields, derived = profile_from_place(one(register, "Tarvisio"))
    assert fields == {
        "name": "Tarvisio", "country": "IT", "lau": "030117", "nuts": "ITH42", "population": 4211, "degurba": 3,
        "border_region": True,
    }  # fmt: skip
    by_field = {d.field: d for d in derived}
    assert by_field["degurba"].source.startswith("degree of urbanisation 3 — Eurostat LAU 2019")
    assert "Italy-Slovenia" in by_field["border_region"].source
    assert not any(d.doubtful for d in derived)
    assert Municipality(**fields).border_region is True


def test_greece_becomes_gr_and_validates(register: PlacesRegister) -> None:
    fields, _ = profile_from_place(one(register, "Komotini"))
    assert fields["country"] == "GR" and fields["nuts"] == "EL513"
    assert Municipality(**fields).country == "GR"


def test_overrides_win_and_are_not_reported_as_derived(register: PlacesRegister) -> None:
    fields, derived = profile_from_place(one(register, "Tarvisio"), degurba=2, border_region=False, name="Tarvis")
    assert (fields["degurba"], fields["border_region"], fields["name"]) == (2, False, "Tarvis")
    assert {d.field for d in derived} == {"country", "lau", "nuts", "population"}


def test_not_in_a_known_programme_area_is_unknown_not_false(register: PlacesRegister) -> None:
    fields, derived = profile_from_place(one(register, "Altena", "DE"))
    assert "border_region" not in fields
    assert "border_region" not in {d.field for d in derived}


def test_transnational_programmes_do_not_make_a_border_region(register: PlacesRegister) -> None:
    # München (DE212) is in CENTRAL EUROPE and Alpine Space (NUTS-2 rows), strand B, and in no A programme.
    assert {p.strand for p in shipped_areas().programmes_for("DE212")} == {"B"}
    fields, _ = profile_from_place(one(register, "Munchen"))
    assert "border_region" not in fields


def test_france_without_population(register: PlacesRegister) -> None:
    fields, derived = profile_from_place(one(register, "Evian les Bains"))
    assert "population" not in fields
    population = next(d for d in derived if d.field == "population")
    assert population.value is None and population.doubtful and "give it yourself" in population.source
    fields, derived = profile_from_place(one(register, "Evian les Bains"), population=9000)
    assert fields["population"] == 9000 and "population" not in {d.field for d in derived}
    assert Municipality(**fields).population == 9000


def test_doubtful_values_say_why(register: PlacesRegister) -> None:
    _, derived = profile_from_place(one(register, "Olbia"))
    nuts = next(d for d in derived if d.field == "nuts")
    assert nuts.doubtful and "ITG2D" in nuts.source
    _, derived = profile_from_place(one(register, "Aguada de Cima"))
    by_field = {d.field: d for d in derived}
    assert by_field["lau"].doubtful and "parishes" in by_field["lau"].source
    assert by_field["population"].doubtful
    _, derived = profile_from_place(one(register, "Trachonas"), population=700)
    degurba = next(d for d in derived if d.field == "degurba")
    assert degurba.value is None and degurba.doubtful


def test_a_region_missing_from_the_region_table_is_doubtful(register: PlacesRegister) -> None:
    class NoRegions:
        def lookup(self, nuts: str) -> None:
            return None

    _, derived = profile_from_place(one(register, "Tarvisio"), regions=NoRegions())
    nuts = next(d for d in derived if d.field == "nuts")
    assert nuts.doubtful and "not in the table of regions" in nuts.source


# -------------------------------------------------------------------------------------------- Interreg areas


def test_shipped_areas() -> None:
    areas = shipped_areas()
    assert len(areas) == 259
    assert len(areas.programmes) == 16
    names = {p.name for p in areas.programmes_for("ITH42")}
    assert "Interreg VI-A Italy-Slovenia" in names
    bg = areas.programmes_for("BG311")
    assert {p.code for p in bg} == {"2021TC16RFCB020", "2021TC16IPCB007"}
    assert all(p.source for p in bg)


def test_nuts2_rows_cover_the_nuts3_regions_beneath_them() -> None:
    found = shipped_areas().programmes_for("at333")
    central = [p for p in found if p.name == "Interreg CENTRAL EUROPE"]
    assert [p.region for p in central] == ["AT33"]
    assert any(p.cross_border and p.region == "AT333" for p in found)


def test_unknown_region_is_an_empty_list() -> None:
    assert shipped_areas().programmes_for("DEA58") == []
    assert shipped_areas().programmes_for("not a code") == []


def test_a_new_programme_is_a_data_change(tmp_path: Path) -> None:
    table = tmp_path / "areas.csv"
    table.write_text(AREAS_HEADER + ",Interreg VI-A Deutschland-Nederland,A,DEA58,NUTS2021,test row\n", "utf-8")
    (programme,) = InterregAreas.load(table).programmes_for("DEA58")
    assert (programme.name, programme.strand, programme.code, programme.source) == (
        "Interreg VI-A Deutschland-Nederland", "A", None, "test row",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("rows", "line", "keywords"),
    [
        ("x,Interreg X,E,DEA58,NUTS2021,src\n", 2, ["unknown strand 'E'"]),
        ("x,Interreg X,A,DEA5899,NUTS2021,src\n", 2, ["'DEA5899' is not a NUTS"]),
        ("x,Interreg X,A,DEA58,NUTS2021,\n", 2, ["empty source"]),
        ("x,,A,DEA58,NUTS2021,src\n", 2, ["empty programme_name"]),
        ("x,Interreg X,A,DEA58,NUTS2021,src\nx,Interreg X,A,DEA58,NUTS2021,src\n", 3, ["listed twice", "line 2"]),
        ("x,Interreg X,A,DEA58,NUTS2021,src\nx,Interreg X,B,DEA57,NUTS2021,src\n", 3, ["strand B here and A"]),
        ("x,Interreg X,A,DEA58\n", 2, ["wrong number of columns"]),
    ],
)
def test_malformed_area_rows(tmp_path: Path, rows: str, line: int, keywords: list[str]) -> None:
    table = tmp_path / "interreg_areas.csv"
    table.write_text(AREAS_HEADER + rows, encoding="utf-8")
    with pytest.raises(RulePackError) as info:
        InterregAreas.load(table)
    assert info.value.line == line and info.value.path == table
    assert str(info.value).startswith(f"{table}:{line}: ")
    for word in keywords:
        assert word in str(info.value)


def test_misspelt_column_gets_a_suggestion(tmp_path: Path) -> None:
    table = tmp_path / "interreg_areas.csv"
    table.write_text(AREAS_HEADER.replace("nuts3_code", "nuts3_cod") + "x,X,A,DEA58,NUTS2021,s\n", "utf-8")
    with pytest.raises(RulePackError, match=r"missing column.*nuts3_code.*did you mean 'nuts3_cod'"):
        InterregAreas.load(table)


# -------------------------------------------------------------------------------------------------- download


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """A file server on 127.0.0.1 (never the internet) serving the fixture under Eurostat-like names."""
    root = tmp_path / "www"
    root.mkdir()
    (root / "EU-28-LAU-2019-NUTS-2016.csv").write_bytes(FIXTURE.read_bytes())

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_download_from_a_local_server(server: str, tmp_path: Path) -> None:
    register = download_register(url=f"{server}/EU-28-LAU-2019-NUTS-2016.csv", data_dir=tmp_path / "data")
    assert len(register) == 33 and register.vintage == "2019"
    assert register.source == f"{server}/EU-28-LAU-2019-NUTS-2016.csv"
    assert load_register(data_dir=tmp_path / "data").vintage == "2019"


def test_download_errors(server: str, tmp_path: Path) -> None:
    with pytest.raises(PlacesError, match="404"):
        download_register(url=f"{server}/EU-27-LAU-2030-NUTS-2024.xlsx", data_dir=tmp_path)
    with pytest.raises(PlacesError, match="no known Eurostat LAU file for 1999"):
        download_register(1999, data_dir=tmp_path)
    with pytest.raises(PlacesError, match="cannot download"):
        download_register(url="http://127.0.0.1:9/EU-27-LAU-2021-NUTS-2021.xlsx", data_dir=tmp_path, timeout=5)
    assert not (tmp_path / CACHE_NAME).exists()


# ------------------------------------------------------------------------------------------------------- CLI


def run_cli(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="fundmatch")
    add_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.run(args))


def test_cli_import_and_find(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["places", "import", str(FIXTURE), "--data-dir", str(tmp_path)]) == 0
    assert "33 LAUs in 19 countries, Eurostat LAU 2019, NUTS 2016" in capsys.readouterr().out
    assert run_cli(["places", "find", "Altena", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "candidates" in out and "LAU GM1959" in out and "LAU 05962004" in out
    assert run_cli(["places", "find", "Evian", "--country", "FR", "--data-dir", str(tmp_path)]) == 0
    assert "no population for FR" in capsys.readouterr().out
    assert run_cli(["places", "find", "Zzyzx", "--data-dir", str(tmp_path)]) == 1


def test_cli_errors_are_fundmatch_errors(tmp_path: Path, server: str) -> None:
    with pytest.raises(FundmatchError, match="places import"):
        run_cli(["places", "find", "Altena", "--data-dir", str(tmp_path)])
    with pytest.raises(FundmatchError, match="404"):
        run_cli(
            ["places", "download", "--url", f"{server}/missing.xlsx", "--year", "2021", "--data-dir", str(tmp_path)]
        )
    with pytest.raises(SystemExit):
        run_cli(["places"])  # an action is required


# ---------------------------------------------------------------------------------------- the full register

needs_full = pytest.mark.skipif(not FULL.is_file(), reason=f"the full 2019 LAU list is not at {FULL}")


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> PlacesRegister:
    return import_register(FULL, data_dir=tmp_path_factory.mktemp("full"))


@needs_full
def test_full_register_counts(full: PlacesRegister) -> None:
    assert len(full) == 95_321 and len(full.countries) == 27
    rows = [full._place(i) for i in range(len(full))]
    assert sum(p.degurba is None for p in rows if p.country == "CY") == 182
    assert all(p.population is None for p in rows if p.country in ("FR", "CY"))
    assert sum(p.population is None for p in rows) == 34_970 + 615


@needs_full
def test_full_register_lookup(full: PlacesRegister) -> None:
    assert {(p.country, p.lau) for p in find_place("Altena", register=full) if p.score == 100} == {
        ("DE", "05962004"), ("NL", "GM1959"),
    }  # fmt: skip
    assert [p.lau for p in resolve_place("Altena, DE", register=full)][:1] == ["05962004"]
    assert one(full, "Tarvisio").nuts3 == "ITH42"
    neustadt = find_place("Neustadt", "DE", register=full, limit=20)
    assert len(neustadt) == 20 and sum("Neustadt" in p.name for p in neustadt) >= 15


@needs_full
def test_full_register_lookup_is_fast(full: PlacesRegister) -> None:
    timings = []
    for name in ["Altena", "Neustadt", "Evian les Bains", "Tarvisio", "Altna", "Komotini", "El Ejido", "Brixen"]:
        start = time.perf_counter()
        find_place(name, register=full)
        timings.append(time.perf_counter() - start)
    # Well under 50 ms per name on an ordinary machine; a loose bound here so a busy CI runner does not flake.
    assert statistics.median(timings) < 0.05, timings


_HEADER = "country,lau_code,name,name_latin,population,population_year,degurba,nuts3_code,nuts_version,source,coastal,gisco_id\n"


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("DE,1,Al\x00tena,Altena,16922,2023,3,DEA58,2021,s,no,x", "row 2: "),  # a NUL ends the CSV record
        ("DE,1,A,A,707", "row 2: 5 cells where the header has 12"),
        ('DE,1,A,A,"1,234",2023,3,DEA58,2021,s,no,x', "population '1,234' is not a whole number"),
        ("DE,1,A,A,-5,2023,3,DEA58,2021,s,no,x", "population '-5' is not a whole number"),
        ("DE,1,A,A,inf,2023,3,DEA58,2021,s,no,x", "population 'inf' is not a whole number"),
    ],
)
def test_a_bad_row_of_a_lau_file_is_refused_with_its_row(tmp_path: Path, row: str, problem: str) -> None:
    # Before, such rows were stored cut or with an unknown population ("Eurostat gives no population").
    table = tmp_path / "LAU-2023-NUTS-2021.csv"
    table.write_text(_HEADER + row + "\n", encoding="utf-8")
    with pytest.raises(PlacesError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        import_register(table, data_dir=tmp_path / "dd")


def test_a_lau_file_that_leaves_a_population_out_is_read(tmp_path: Path) -> None:
    table = tmp_path / "LAU-2023-NUTS-2021.csv"
    table.write_text(_HEADER + "DE,1,Altena,Altena,,2023,3,DEA58,2021,s,no,x\n", encoding="utf-8")
    register = import_register(table, data_dir=tmp_path / "dd")
    assert [p.population for p in register.find("Altena", "DE")] == [None]


def test_a_name_written_in_the_nominative_finds_the_register_s_genitive(tmp_path: Path) -> None:
    # Eurostat names many places in the genitive ("Alūksnes novads", "Δημοτική Κοινότητα Κομοτηνής"); the officer
    # writes the town's own name.
    table = tmp_path / "LAU-2019-NUTS-2016.csv"
    table.write_text(
        _HEADER
        + "LV,0360200,Alūksnes novads,Alūksnes novads,14153,2019,3,LV008,2016,s,no,x\n"
        + "EL,01010101,Δημοτική Κοινότητα Κομοτηνής,Dimotiki Koinotita Komotinis,54272,2011,2,EL513,2016,s,no,x\n"
        + "LV,0360201,Alūksne,Alūksne,7000,2019,2,LV008,2016,s,no,x\n",
        encoding="utf-8",
    )
    register = import_register(table, data_dir=tmp_path / "dd")
    (komotini, *_) = find_place("Κομοτηνή", register=register)
    assert komotini.lau == "01010101" and komotini.score >= 80
    # The name itself still ranks before a longer form of it.
    assert [p.lau for p in find_place("Alūksne", register=register)][:2] == ["0360201", "0360200"]
    assert find_place("Alūksne", register=register)[1].score >= 80
