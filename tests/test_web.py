"""`fundmatch serve`: every route through the framework's test client, the guards, and what the page promises.

The places register is the hand-written fixture (tests/data/lau_fixture.csv) imported into a temporary data
folder, as tests/test_places.py does; the end-to-end test in a real browser is tests/test_web_browser.py.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
import socket
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
from fastapi.testclient import TestClient

import fundmatch
from fundmatch._cli import main
from fundmatch._places import import_register, load_register
from fundmatch._web import _cmd_serve, add_command, is_loopback
from fundmatch._web._app import CSP, Limits, create_app, guard

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "lau_fixture.csv"
EXAMPLES = REPO / "examples"
IDEA_DE = "Sprachkurse und Mentoring für geflüchtete Jugendliche"
SPRAKCAFE = {
    "title": "Språkcafé för nyanlända",
    "description": "Språkcafé och mentorskap för nyanlända flyktingar.",
    "partners": [{"country": "FI"}],
    "budget_eur": 60000,
}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("places")
    import_register(FIXTURE, data_dir=folder)
    return folder


@pytest.fixture(scope="module")
def client(data_dir: Path) -> Iterator[TestClient]:
    with TestClient(create_app(data_dir=data_dir)) as c:
        yield c


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """A server with no places register: the officer types the profile in."""
    with TestClient(create_app(data_dir=tmp_path_factory.mktemp("empty"))) as c:
        yield c


def place(data_dir: Path, name: str, country: str) -> fundmatch.Place:
    (found, *_) = fundmatch.find_place(name, country, register=load_register(data_dir=data_dir))
    return found


def form(**changes: str) -> dict[str, str]:
    base = {"place": "Tarvisio", "description": IDEA_DE, "partners": "AT", "budget_eur": "80.000"}
    base.update(changes)
    return {k: v for k, v in base.items() if v}


def ranking_on_page(text: str) -> list[str]:
    rows = re.findall(r"<tr[^>]*><td[^>]*><b>([^<]+)</b>", text)
    return [html.unescape(r) for r in rows]


def visible_errors(text: str) -> dict[str, str]:
    found = re.findall(r'<p class="error" id="([a-z_]+)-error"><span class="sr-only">Error: </span>(.*?)</p>', text)
    return {name: html.unescape(message) for name, message in found}


# ------------------------------------------------------------------------------------------ the core stays light


def test_importing_fundmatch_and_its_command_line_does_not_import_the_web_stack() -> None:
    code = (
        "import sys, fundmatch, fundmatch._cli; fundmatch._cli._parser(); "
        "fundmatch.match({'name': 'A', 'country': 'IT', 'population': 900}, {'title': 't', 'themes': ['housing']}); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'fastapi', 'starlette', 'uvicorn', 'jinja2', 'multipart'}))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_serve_is_a_subcommand_with_loopback_by_default() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["serve"])
    assert (args.host, args.port) == ("127.0.0.1", 8000)
    assert parser.parse_args(["serve", "--host", "0.0.0.0", "--port", "9000"]).port == 9000
    with pytest.raises(SystemExit):
        main(["serve", "--port", "not-a-port"])


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False)],
)  # fmt: skip
def test_which_hosts_count_as_this_machine_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _serve(monkeypatch: pytest.MonkeyPatch, data_dir: Path, *argv: str) -> dict[str, Any]:
    import argparse

    import uvicorn

    ran: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: ran.update(kw, app=app))
    parser = argparse.ArgumentParser()
    add_command(parser.add_subparsers(dest="command"))
    assert _cmd_serve(parser.parse_args(["serve", "--data-dir", str(data_dir), *argv])) == 0
    return ran


def test_serve_warns_clearly_when_bound_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    ran = _serve(monkeypatch, data_dir, "--host", "0.0.0.0", "--port", "8123")
    assert (ran["host"], ran["port"]) == ("0.0.0.0", 8123)
    err = capsys.readouterr().err
    assert "warning: serving on 0.0.0.0, beyond this machine" in err and "no login" in err
    ran = _serve(monkeypatch, data_dir)
    assert (ran["host"], ran["port"]) == ("127.0.0.1", 8000)
    err = capsys.readouterr().err
    assert "warning" not in err and "http://127.0.0.1:8000" in err


def test_serve_without_the_web_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # as if not installed
    assert main(["serve"]) == 2
    assert 'pip install "fundmatch[web]"' in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ the officer's page


def test_home_page_is_the_form_with_every_field_labelled(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    for name in ("place", "country", "population", "degurba", "nuts", "description", "title", "partners",
                 "budget_eur", "duration_months", "applicant_type", "leader_lag", "border_region"):  # fmt: skip
        assert f'id="{name}"' in r.text and f'<label for="{name}"' in r.text, name
    assert "Eurostat LAU 2019" in r.text  # the register in use is named
    assert "no places register" not in r.text.lower()


def test_a_town_by_name_gives_the_ranked_explained_report_of_the_library(client: TestClient, data_dir: Path) -> None:
    r = client.post("/", data=form())
    assert r.status_code == 200, visible_errors(r.text)
    tarvisio = place(data_dir, "Tarvisio", "IT")
    expected = fundmatch.load_rules().match(
        fundmatch.Municipality.from_place(tarvisio),
        {"title": IDEA_DE, "description": IDEA_DE, "partners": [{"country": "AT"}], "budget_eur": 80000},
    )
    assert ranking_on_page(r.text) == [f.fund.value for f in expected.ranking]
    assert expected._repr_html_() in r.text  # the notebook's rendering, folds and questions included
    assert "To find out" in r.text and "<details>" in r.text
    # The downloads carry the place as resolved, so they give the report shown.
    assert f'name="place" value="{html.escape(tarvisio.label)}"' in r.text
    assert 'formaction="/report.json"' in r.text and 'formaction="/report.html"' in r.text


def test_an_ambiguous_name_asks_which_place_without_javascript(client: TestClient, data_dir: Path) -> None:
    r = client.post("/", data=form(place="Altena"))
    assert r.status_code == 422
    assert "matches 2 places about equally well" in visible_errors(r.text)["place"]
    labels = [
        html.unescape(v)
        for v in re.findall(r'type="radio" name="place_choice" id="candidate-\d" value="([^"]+)"', r.text)
    ]
    assert sorted(labels) == sorted([place(data_dir, "Altena", "NL").label, place(data_dir, "Altena", "DE").label])
    german = next(label for label in labels if "(DE," in label)
    # The browser sends the name as typed and the place chosen; the choice wins.
    chosen = client.post("/", data=form(place="Altena", place_choice=german))
    assert chosen.status_code == 200
    assert "Altena, Stadt (DE, DEA58), population 16,922" in chosen.text


def test_the_officer_values_win_over_the_register(client: TestClient) -> None:
    r = client.post("/report.json", data=form(population="4 350", degurba="2", leader_lag="yes"))
    report = r.json()
    assert report["municipality"]["population"] == 4350
    assert report["municipality"]["degurba"] == 2
    assert report["municipality"]["leader_lag"] is True
    assert "population" not in {d["field"] for d in report["derived"]}


@pytest.mark.parametrize(
    ("typed", "country", "lau"),
    [("Lodz", "", "1005101166101"), ("Айтос", "", "BGS01"), ("Aytos", "", "BGS01"), ("Τράχωνας", "", "1015"),
     ("munchen", "DE", "09162000"), ("Evian les bains", "", "74119")],
)  # fmt: skip
def test_the_town_may_be_typed_in_any_script_and_without_accents(
    client: TestClient, typed: str, country: str, lau: str
) -> None:
    r = client.get("/api/places", params={"q": typed, "country": country})
    assert r.status_code == 200
    assert r.json()["places"][0]["lau"] == lau
    page = client.post("/report.json", data=form(place=typed, country=country, population="9000"))
    assert page.status_code == 200, visible_errors(page.text)
    assert page.json()["municipality"]["lau"] == lau


def test_without_a_register_the_profile_is_typed_in_by_hand(bare: TestClient) -> None:
    home = bare.get("/")
    assert "no places register" in home.text.lower()
    assert re.search(r'<details class="manual"\s+open>', home.text)
    # The population may stay unknown (rules that need it say so); the country may not.
    assert bare.post("/", data=form(place="Tarvisio", country="IT")).status_code == 200
    missing = bare.post("/", data=form(place="Tarvisio"))
    assert missing.status_code == 422
    assert visible_errors(missing.text) == {"country": "Field required"}
    assert '<a href="#country">Field required</a>' in missing.text  # the summary links to the field
    assert 'aria-invalid="true"' in missing.text
    r = bare.post("/report.json", data=form(place="Tarvisio", country="IT", population="4100", nuts="ith42"))
    assert r.status_code == 200
    assert (
        r.json()["municipality"].items()
        >= {"name": "Tarvisio", "country": "IT", "nuts": "ITH42", "population": 4100}.items()
    )


def test_bad_fields_are_named_on_the_form_with_the_librarys_message(bare: TestClient) -> None:
    r = bare.post(
        "/",
        data=form(place="Tarvisio", country="IT", population="many", nuts="DE123", partners="AT, Slovenia, XX",
                  duration_months="0"),
    )  # fmt: skip
    errors = visible_errors(r.text)
    assert r.status_code == 422
    assert errors["population"].startswith("Input should be a valid integer")
    assert errors["partners"].startswith("partner 3: 'XX' is not an ISO 3166-1 alpha-2 country code")
    assert errors["duration_months"] == "Input should be greater than or equal to 1"
    ok = bare.post("/", data=form(place="Tarvisio", country="IT", population="4100", nuts="DE123"))
    assert visible_errors(ok.text) == {"nuts": "'DE123' is not in country IT (NUTS codes there start with 'IT')"}


def test_an_empty_form_asks_for_the_name_and_the_idea(client: TestClient) -> None:
    r = client.post("/", data={})
    assert r.status_code == 422
    errors = visible_errors(r.text)
    assert errors["place"] == "give the municipality's name"
    assert "title" in errors


def test_every_user_string_is_escaped(bare: TestClient) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = bare.post("/", data=form(place=evil, country="IT", population="4100", title=evil, description=evil + " x"))
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img src=x" not in r.text
    assert "&lt;script&gt;alert(" in r.text
    bad = bare.post("/", data=form(place="T", country="IT", population=evil))
    assert "<script>alert" not in bad.text and "&lt;script&gt;" in bad.text


def test_the_report_downloads_as_standalone_html_and_as_json(client: TestClient, data_dir: Path) -> None:
    as_json = client.post("/report.json", data=form())
    assert as_json.status_code == 200
    assert as_json.headers["content-disposition"].startswith('attachment; filename="fundmatch-tarvisio.json"')
    expected = fundmatch.load_rules().match(
        fundmatch.Municipality.from_place(place(data_dir, "Tarvisio", "IT")),
        {"title": IDEA_DE, "description": IDEA_DE, "partners": [{"country": "AT"}], "budget_eur": 80000},
    )
    assert as_json.content == expected.model_dump_json().encode()
    as_html = client.post("/report.html", data=form())
    assert as_html.headers["content-disposition"].startswith('attachment; filename="fundmatch-tarvisio.html"')
    page = as_html.text
    assert page.startswith("<!doctype html>") and '<meta charset="utf-8">' in page
    assert "Content-Security-Policy" in page and "<script" not in page and "/static/" not in page
    assert expected._repr_html_() in page
    bad = client.post("/report.json", data=form(place=""))
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("text/html")


# --------------------------------------------------------------------------------------------- the screen page


def _upload(text: str, name: str = "m.csv") -> dict[str, Any]:
    return {"municipalities": (name, text.encode("utf-8"), "text/csv")}


def test_the_screen_page_returns_the_results_csv_of_the_cli(client: TestClient, tmp_path: Path) -> None:
    assert 'enctype="multipart/form-data"' in client.get("/screen").text
    table = (EXAMPLES / "municipalities_ostergotland.csv").read_text(encoding="utf-8")
    idea = tmp_path / "idea.json"
    idea.write_text(json.dumps(SPRAKCAFE, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "cli.csv"
    assert main(["screen", str(EXAMPLES / "municipalities_ostergotland.csv"), str(idea), "-o", str(out),
                 "--no-progress"]) == 0  # fmt: skip
    r = client.post(
        "/screen",
        files=_upload(table, "ostergotland.csv"),
        data={"title": SPRAKCAFE["title"], "description": SPRAKCAFE["description"], "partners": "FI",
              "budget_eur": "60000"},
    )  # fmt: skip
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert r.headers["content-disposition"].startswith('attachment; filename="ostergotland-screened.csv"')
    assert r.content == out.read_bytes()


def test_bad_rows_give_the_errors_file_and_every_bad_line(client: TestClient) -> None:
    table = "name,country,population,leader_lag\nA,IT,100,yes\nB,XX,200,\nC,IT,lots,maybe\n"
    r = client.post("/screen", files=_upload(table), data={"description": IDEA_DE})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html")
    assert "3 problems in m.csv: nothing was screened" in r.text
    link = re.search(r'<a href="data:text/csv;charset=utf-8;base64,([^"]+)" download="m-errors.csv">', r.text)
    assert link is not None
    errors = list(csv.DictReader(io.StringIO(base64.b64decode(link.group(1)).decode())))
    assert [(e["line"], e["column"]) for e in errors] == [("3", "country"), ("4", "population"), ("4", "leader_lag")]
    assert errors[1]["value"] == "lots"
    api = client.post("/api/screen", files=_upload(table), data={"idea": IDEA_DE})
    assert api.status_code == 422 and api.headers["x-fundmatch-bad-rows"] == "3"
    assert api.text == base64.b64decode(link.group(1)).decode()  # one errors file for page and API


def test_unknown_columns_are_refused_and_excel_encodings_read(client: TestClient) -> None:
    r = client.post("/api/screen", files=_upload("name,country,populaton\nA,IT,100\n"), data={"idea": IDEA_DE})
    assert r.status_code == 422
    (row,) = csv.DictReader(io.StringIO(r.text))
    assert row["line"] == "1" and row["problem"] == "unknown column (did you mean 'population'?)"
    latin = {"municipalities": ("w.csv", "name,country,population\nLinköping,SE,165000\n".encode("cp1252"), "text/csv")}
    # Excel's "CSV" on Windows is cp1252: read as `fundmatch screen` reads it (one reader for both).
    r = client.post("/api/screen", files=latin, data={"idea": IDEA_DE})
    assert r.status_code == 200 and "Linköping" in r.text


# ------------------------------------------------------------------------------------------------------ the API


def test_api_match_gives_the_report_exactly_as_model_dump_json(client: TestClient) -> None:
    profile = {"name": "Tarvisio", "country": "IT", "nuts": "ITH42", "population": 4100, "leader_lag": True}
    idea = {"title": "Youth exchange", "themes": ["culture_sport"], "partners": [{"country": "AT"}]}
    r = client.post("/api/match", json={"profile": profile, "idea": idea, "funds": ["INTERREG", "leader"]})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.content == fundmatch.match(profile, idea, funds=["INTERREG", "EAFRD"]).model_dump_json().encode()


def test_api_match_takes_a_place_values_that_win_and_an_idea_as_a_sentence(client: TestClient, data_dir: Path) -> None:
    r = client.post("/api/match", json={"place": "Brixen, IT", "values": {"leader_lag": True}, "idea": IDEA_DE})
    assert r.status_code == 200
    report = fundmatch.MatchReport.model_validate_json(r.content)
    expected = fundmatch.load_rules().match(
        fundmatch.Municipality.from_place(place(data_dir, "Brixen", "IT"), leader_lag=True),
        {"title": IDEA_DE, "description": IDEA_DE},
    )
    assert r.content == expected.model_dump_json().encode()
    assert {t.language for t in report.inferred} == {"de"}
    label = client.get("/api/places", params={"q": "Brixen"}).json()["places"][0]["label"]
    again = client.post("/api/match", json={"place": label, "idea": IDEA_DE})
    assert again.json()["municipality"]["lau"] == "021011"


def test_api_validation_errors_name_the_field_and_suggest(client: TestClient) -> None:
    r = client.post(
        "/api/match",
        json={"profile": {"name": "T", "country": "IT", "population": 900, "popualtion": 3},
              "idea": {"title": "x", "themes": ["migrant_integraton"], "budget": 5}},
    )  # fmt: skip
    assert r.status_code == 422
    errors = {e["field"]: e for e in r.json()["errors"]}
    assert errors["profile.popualtion"].items() >= {"message": "unknown field", "suggestion": "population"}.items()
    assert errors["idea.themes.0"]["suggestion"] == "migrant_integration"
    assert errors["idea.budget"]["suggestion"] == "budget_eur"
    assert "did you mean 'population'?" in r.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"idea": "x"}, "profile", "either a profile or a place"),
        ({"profile": {"name": "T", "country": "IT", "population": 1}, "idea": "x", "funds": ["AMFI"]}, "funds.0",
         "unknown fund"),
        ({"profile": {"name": "T", "country": "XX", "population": 1}, "idea": "x"}, "profile.country", "ISO 3166-1"),
        ({"profile": {"name": "T", "country": "IT", "population": 1, "nuts": "DE12"}, "idea": "x"}, "profile.nuts",
         "not in country IT"),
        ({"place": "Nowhere-on-earth, IT", "idea": "x"}, "place", "no place like"),
        ({"place": "Altena", "idea": "x"}, "place", "2 places about equally well"),
        ({"place": "Tarvisio", "values": {"population": -5}, "idea": "x"}, "values.population", "greater than"),
        ({"profile": {"name": "T", "country": "IT", "population": 1}, "idea": "x", "period": "1999-2006"}, "period",
         "1999-2006"),
    ],
)  # fmt: skip
def test_api_errors_are_structured_and_located(
    client: TestClient, body: dict[str, Any], field: str, words: str
) -> None:
    r = client.post("/api/match", json=body)
    assert r.status_code == 422, r.text
    (first, *_) = [e for e in r.json()["errors"] if e["field"] == field]
    assert words in first["message"], first


def test_an_ambiguous_place_lists_the_candidates(client: TestClient) -> None:
    r = client.post("/api/match", json={"place": "Altena", "idea": "x"})
    assert sorted(c["country"] for c in r.json()["candidates"]) == ["DE", "NL"]


def test_broken_json_is_a_structured_error_not_a_traceback(client: TestClient) -> None:
    r = client.post("/api/match", content=b'{"idea": ', headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"].startswith("JSON decode error")


def test_a_place_needs_a_register_on_the_server(bare: TestClient) -> None:
    r = bare.post("/api/match", json={"place": "Tarvisio", "idea": "x"})
    assert r.status_code == 422 and "no places register" in r.json()["errors"][0]["message"]
    places = bare.get("/api/places", params={"q": "Tarvisio"})
    assert places.status_code == 503 and "fundmatch places import" in places.json()["detail"]


def test_api_a_place_without_population_says_why_at_the_field(client: TestClient) -> None:
    # The register has no population for France: the profile goes on without one, and the report says why.
    r = client.post("/api/match", json={"place": "Évian-les-Bains, FR", "idea": IDEA_DE})
    assert r.status_code == 200
    assert r.json()["municipality"]["population"] is None
    assert any("no population for FR" in d["source"] for d in r.json()["derived"] if d["field"] == "population")
    ok = client.post("/api/match", json={"place": "Évian-les-Bains, FR", "values": {"population": 9100}, "idea": "x"})
    assert ok.status_code == 200 and ok.json()["municipality"]["population"] == 9100


def test_api_places_suggests_with_codes_and_caveats(client: TestClient) -> None:
    r = client.get("/api/places", params={"q": "Neustadt", "country": "DE", "limit": 3})
    found = r.json()["places"]
    assert len(found) == 3 and {p["country"] for p in found} == {"DE"}
    assert all(p["label"].startswith(p["name"]) and "notes" in p for p in found)
    assert r.json()["register"]["vintage"] == "2019"
    bad = client.get("/api/places", params={"q": "", "limit": 99})
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"q", "limit"}


def test_api_screen_gives_the_cli_results_and_takes_options(client: TestClient) -> None:
    table = "name,country,nuts,population,degurba\nA,IT,ITH42,4100,3\nB,SE,SE123,3700,3\n"
    r = client.post("/api/screen", files=_upload(table), data={"idea": json.dumps(SPRAKCAFE), "funds": "AMIF,ESF+"})
    assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(row["municipality"], row["fund"]) for row in rows] == [
        (m, f) for m in ("A", "B") for f in [row["fund"] for row in rows[:2]]
    ]
    assert {row["fund"] for row in rows} == {"AMIF", "ESF+"}
    bad_idea = client.post("/api/screen", files=_upload(table), data={"idea": json.dumps({"title": ""})})
    assert bad_idea.status_code == 422 and bad_idea.json()["errors"][0]["field"] == "idea.title"


def test_api_schema_is_what_fundmatch_schema_prints(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    assert client.get("/api/schema").json() == json.loads(capsys.readouterr().out)


def test_openapi_and_interactive_docs_come_from_the_models_and_this_server(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    assert {"/api/match", "/api/screen", "/api/places", "/api/schema"} <= set(spec["paths"])
    assert {"MatchRequest", "MatchReport", "ProjectIdea", "FundMatch"} <= set(spec["components"]["schemas"])
    assert not any(path in spec["paths"] for path in ("/", "/screen", "/report.json"))
    docs = client.get("/docs")
    scripts = re.findall(r'<script src="([^"]+)"', docs.text)
    assert scripts == ["/static/swagger/swagger-ui-bundle.js", "/static/docs.js"]
    for src in scripts:
        asset = client.get(src)
        assert asset.status_code == 200 and "javascript" in asset.headers["content-type"]


# ----------------------------------------------------------------------------------------------- safe by default


def test_security_headers_on_every_response(client: TestClient) -> None:
    for response in (client.get("/"), client.get("/api/schema"), client.get("/static/app.css"), client.get("/nope"),
                     client.post("/api/match", json={})):  # fmt: skip
        h = response.headers
        assert h["content-security-policy"] == CSP
        assert h["x-content-type-options"] == "nosniff" and h["x-frame-options"] == "DENY"
    assert "script-src 'self';" in CSP and "'unsafe-inline'" not in CSP.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in CSP
    assert client.get("/").headers["cache-control"] == "no-store"


def test_no_page_has_inline_script_or_outside_resources(client: TestClient) -> None:
    pages = [client.get("/"), client.get("/screen"), client.get("/docs"), client.post("/", data=form()),
             client.post("/", data=form(place="Altena"))]  # fmt: skip
    for page in pages:
        for tag in re.findall(r"<script\b[^>]*>", page.text):
            assert re.fullmatch(r'<script src="/static/[^"]+"( defer)?>', tag), tag
        assert not re.search(r"\son[a-z]+=", page.text.split('<div class="report">')[0])  # no inline handlers
        assert not re.findall(r'(?:src|href|action)="(?:https?:)?//', page.text.split('<div class="report">')[0])


def test_request_bodies_and_uploads_are_bounded(data_dir: Path) -> None:
    limits = Limits(body_bytes=2_000, upload_bytes=5_000)
    with TestClient(create_app(data_dir=data_dir, limits=limits)) as c:
        big = c.post("/api/match", json={"idea": "x" * 3_000, "place": "Tarvisio"})
        assert big.status_code == 413 and "larger than" in big.json()["detail"]
        # Without a declared length, the body is counted as it arrives.
        streamed = c.post("/api/match", content=iter([b"{", b" " * 2_500, b"}"]),
                          headers={"content-type": "application/json"})  # fmt: skip
        assert streamed.status_code == 413
        table = "name,country,population\n" + "A,IT,100\n" * 600
        assert c.post("/api/screen", files=_upload(table), data={"idea": IDEA_DE}).status_code == 413
        small = "name,country,population\n" + "A,IT,100\n" * 10
        assert c.post("/api/screen", files=_upload(small), data={"idea": IDEA_DE}).status_code == 200


def test_screening_stops_at_the_time_limit(data_dir: Path) -> None:
    with TestClient(create_app(data_dir=data_dir, limits=Limits(seconds=0.000_001))) as c:
        table = "name,country,population\n" + "A,IT,100\n" * 500
        r = c.post("/api/screen", files=_upload(table), data={"idea": IDEA_DE})
    assert r.status_code == 503 and "took longer than" in r.json()["detail"]


def test_the_guard_answers_503_when_a_request_outlives_its_time() -> None:
    async def slow(scope: Any, receive: Any, send: Any) -> None:
        await anyio.sleep(5)

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    app = guard(slow, Limits(seconds=0.05))
    anyio.run(app, {"type": "http", "path": "/api/match", "headers": []}, receive, send)
    assert sent[0]["status"] == 503
    assert (b"x-frame-options", b"DENY") in sent[0]["headers"]


def test_rows_per_screening_are_bounded(data_dir: Path) -> None:
    with TestClient(create_app(data_dir=data_dir, limits=Limits(rows=5))) as c:
        table = "name,country,population\n" + "A,IT,100\n" * 8
        r = c.post("/api/screen", files=_upload(table), data={"idea": IDEA_DE})
    assert r.status_code == 422 and "more than 5 rows" in r.text


def test_no_outbound_network_and_no_file_left_behind(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"outbound connection attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    spool = tmp_path / "tmp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    before = sorted(p.name for p in data_dir.iterdir())
    with TestClient(create_app(data_dir=data_dir)) as c:
        assert c.get("/").status_code == 200
        assert c.post("/", data=form()).status_code == 200
        assert c.post("/report.html", data=form()).status_code == 200
        assert c.get("/api/places", params={"q": "Kranj"}).status_code == 200
        assert c.post("/api/match", json={"place": "Kranj, SI", "idea": IDEA_DE}).status_code == 200
        # Over 1 MiB, so the multipart parser spools the upload to a temporary file.
        table = "name,country,nuts,population\n" + "Kranj town,SI,SI042,56267\n" * 49_000
        assert len(table) > 1024 * 1024
        assert c.post("/api/screen", files=_upload(table), data={"idea": IDEA_DE, "funds": "AMIF"}).status_code == 200
        assert c.get("/docs").status_code == 200
    assert list(spool.iterdir()) == [] and list(work.iterdir()) == []
    assert sorted(p.name for p in data_dir.iterdir()) == before


# ----------------------------------------------------------------------------------------------- looks and ships


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_meets_wcag_aa() -> None:
    css = (REPO / "fundmatch" / "_web" / "static" / "app.css").read_text(encoding="utf-8")
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    for fg, bg in [("text", "bg"), ("muted", "bg"), ("link", "bg"), ("error", "bg"), ("on-accent", "accent"),
                   ("accent", "bg"), ("text", "panel"), ("muted", "panel"), ("link", "panel")]:  # fmt: skip
        assert contrast(colours[fg], colours[bg]) >= 4.5, (fg, bg)
    for ui in ("border", "focus", "error"):  # input borders and the focus ring: 3:1
        assert contrast(colours[ui], colours["bg"]) >= 3, ui
    assert contrast("#777777", "#ffffff") < 4.5  # the check can fail
    # The report's badges (white on the status colours) and marks (status colours on white).
    report = (REPO / "fundmatch" / "_html.py").read_text(encoding="utf-8")
    for colour in set(re.findall(r'"(#[0-9a-f]{6})"', report)):
        assert contrast(colour, "#ffffff") >= 4.5, colour


def test_the_wheel_ships_the_templates_and_static_files(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    (wheel,) = WheelBuilder(str(REPO)).build(directory=str(tmp_path), versions=["standard"])
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("index.html", "screen.html", "base.html", "_fields.html", "report_file.html", "docs.html"):
        assert f"fundmatch/_web/templates/{name}" in names
    for name in ("app.css", "suggest.js", "docs.js", "favicon.svg"):
        assert f"fundmatch/_web/static/{name}" in names


def test_api_screen_takes_the_idea_as_json_or_as_text(client: TestClient) -> None:
    table = "name,country,population\nA,IT,4100\n"
    as_text = client.post("/api/screen", files=_upload(table), data={"idea": "2024"})
    assert as_text.status_code == 200 and as_text.text.count("\r\n") == 6  # header + five funds
    broken = client.post("/api/screen", files=_upload(table), data={"idea": '{"title": '})
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "idea" and "not valid JSON" in broken.json()["detail"]


def test_the_screen_page_names_bad_idea_fields(client: TestClient) -> None:
    r = client.post("/screen", files=_upload("name,country,population\nA,IT,1\n"), data={"partners": "AT, XX"})
    errors = visible_errors(r.text)
    assert r.status_code == 422
    assert errors["partners"].startswith("partner 2: 'XX' is not an ISO 3166-1")
    assert "title" in errors


def test_overlong_input_is_refused_not_cut(client: TestClient) -> None:
    r = client.post("/", data=form(place="Altena " * 40, description="x" * 20_001))
    errors = visible_errors(r.text)
    assert r.status_code == 422
    assert errors["place"] == "a name of at most 200 characters, please"
    assert errors["description"] == "String should have at most 20000 characters"


def test_the_pack_and_the_register_are_loaded_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fundmatch import _pack, _places

    loads = {"pack": 0, "register": 0}

    def counting(cls: type, key: str) -> None:
        original = cls.__init__

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            loads[key] += 1
            original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", init)

    counting(_pack.RulePack, "pack")
    counting(_places.PlacesRegister, "register")
    import_register(FIXTURE, data_dir=tmp_path)  # builds a register of its own; the server must load it anew
    loads["register"] = 0
    _places._LOADED.clear()
    _pack.shipped_pack.cache_clear()
    with TestClient(create_app(data_dir=tmp_path)) as c:
        for _ in range(3):
            assert c.post("/", data=form()).status_code == 200
            assert c.post("/api/match", json={"place": "Kranj, SI", "idea": IDEA_DE}).status_code == 200
            assert c.get("/api/places", params={"q": "Lienz"}).status_code == 200
    assert loads == {"pack": 1, "register": 1}


@pytest.mark.parametrize(
    "body",
    [
        '{"profile": {"name": "X", "country": "DE"}, "idea": {"title": "t", "budget_eur": Infinity}}',
        '{"profile": {"name": "X", "country": "DE"}, "idea": {"title": "t", "budget_eur": NaN}}',
        '{"profile": {"name": "X", "country": "DE"}, "idea": {"title": "t"}, "funds": [NaN]}',
        '{"profile": {"name": "X", "country": "DE"}, "idea": {"title": "\\ud800"}}',
        '{"profile": {"name": "X", "country": "DE"}, "idea": {"title": "t"}, "period": "\\u0000"}',
        '{"profile": {"name": "X", "country": "DE", "population": -Infinity}, "idea": "Sprachcafé"}',
    ],
)
def test_a_value_strict_json_cannot_carry_is_a_422_not_a_500(client: TestClient, body: str) -> None:
    # The error echoes what was sent: NaN, an infinity, a lone surrogate must not break the response itself.
    response = client.post("/api/match", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert json.loads(response.text)["errors"]


@pytest.mark.parametrize("written", ["80 000 EUR", "€ 80.000", "80.000,00 €", "0,08 Mio", "80 TEUR"])
def test_the_budget_field_reads_amounts_as_officers_write_them(client: TestClient, written: str) -> None:
    # The field is labelled "in EUR": a currency sign or word, a scale ("Mio") is how people write it.
    as_number = client.post("/", data=form())
    as_written = client.post("/", data=form(budget_eur=written))
    assert as_written.status_code == 200, visible_errors(as_written.text)
    assert ranking_on_page(as_written.text) == ranking_on_page(as_number.text)
    assert "EUR 64,000" in as_written.text or "64,000" in as_written.text  # 80 % of it, as for 80.000


@pytest.mark.parametrize("written", ["300 000 zł", "CHF 50 000", "PLN 200 000", "USD 1,5 Mio"])
def test_a_budget_in_another_currency_is_refused_with_the_field(client: TestClient, written: str) -> None:
    r = client.post("/", data=form(budget_eur=written))
    assert r.status_code == 422 and "budget_eur" in visible_errors(r.text)


@pytest.mark.parametrize("idea", ["", {"description": ""}, {"title": ""}, {}])
def test_an_idea_without_any_words_says_so(client: TestClient, idea: object) -> None:
    r = client.post("/api/match", json={"profile": {"name": "X", "country": "DE"}, "idea": idea})
    assert r.status_code == 422
    assert r.json()["detail"].startswith("idea.title: the idea is empty: give a title, or write a sentence")
