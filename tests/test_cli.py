"""The command line: readable output, JSON, and exit code 2 with one line on bad files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import fundmatch
from fundmatch._cli import main
from fundmatch._frames import SUMMARY_COLUMNS

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROFILE = str(EXAMPLES / "profiles" / "bressanone.yaml")
IDEA = str(EXAMPLES / "ideas" / "ausbildungsbruecke.yaml")


def test_match_prints_a_ranked_explained_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", PROFILE, IDEA]) == 0
    out = capsys.readouterr().out
    assert out.index("INTERREG") < out.index("EAFRD")
    assert "Partners come from AT, IT (2)" in out and "Art. 23(1)" in out


def test_match_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    html = tmp_path / "report.html"
    assert main(["match", PROFILE, IDEA, "--json", "--funds", "INTERREG,AMIF", "--html", str(html)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(r["fund"] for r in data["ranking"]) == ["AMIF", "INTERREG"]
    assert data["schema_version"] and data["pack_version"] == "2021-2027.11"
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")


def test_json_profile_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps({"name": "Lienz", "country": "AT", "population": 12000}), encoding="utf-8")
    assert main(["match", str(profile), IDEA, "--brief"]) == 0
    assert "Lienz (AT)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("name: X\ncountry: IT\npopulation: many\n", "population: Input should be a valid integer"),
        ("name: X\ncountry: IT\npopulation: [1\n", "YAML error"),
        ("- a list\n", "expected a mapping"),
        ("name: X\ncountry: IT\npopulation: 5\nfoo: 1\n", "foo: unknown field"),
    ],
)
def test_bad_profile_file_exits_2_with_one_line(
    content: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(content, encoding="utf-8")
    assert main(["match", str(bad), IDEA]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bad.yaml" in err and words in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", "nope.yaml", IDEA]) == 2
    assert "nope.yaml: no such file" in capsys.readouterr().err


@pytest.mark.parametrize("alone", [PROFILE, IDEA])
def test_one_file_alone_names_what_to_add_not_a_wrong_guess(alone: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A profile alone was taken for the idea, and the officer told to give the profile they had given.
    assert main(["match", alone]) == 2
    err = capsys.readouterr().err
    assert f"only one file given ({alone})" in err and "PROFILE IDEA" in err and "--idea" in err and "--place" in err


def test_broken_rule_folder_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["match", PROFILE, IDEA, "--rules", str(tmp_path)]) == 2
    assert "period.yaml" in capsys.readouterr().err


def test_rules_audit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--period", "2021-2027"]) == 0
    out = capsys.readouterr().out
    for fund in fundmatch.Fund:
        assert f"\n{fund} — " in out
    assert "UNVERIFIED" in out and "verified" in out and "Total:" in out


def test_screen_csv_one_row_per_municipality_and_fund(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    code = main(
        [
            "screen",
            str(EXAMPLES / "municipalities_ostergotland.csv"),
            str(EXAMPLES / "ideas" / "sprakcafe.yaml"),
            "-o",
            str(out),
            "--no-progress",
        ]
    )
    assert code == 0
    with out.open(encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    # The summary's columns, then the table's other columns as written (a LAU code survives).
    with (EXAMPLES / "municipalities_ostergotland.csv").open(encoding="utf-8") as table:
        header = next(csv.reader(table))
    others = [c for c in header if c not in ("name", "country", "nuts")]
    assert tuple(reader.fieldnames or ()) == (*SUMMARY_COLUMNS, *others)
    assert len(rows) == 13 * 5
    linkoping = {r["fund"]: r for r in rows if r["municipality"] == "Linköping"}
    assert linkoping["EAFRD"]["status"] == "ineligible" and "leader_area" in linkoping["EAFRD"]["failed_rules"]
    finspang = {r["fund"]: r for r in rows if r["municipality"] == "Finspång"}
    assert finspang["EAFRD"]["status"] == "unknown" and "leader_lag" in finspang["EAFRD"]["missing"]


def test_screen_reports_bad_rows_with_line_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "m.csv"
    table.write_text("name,country,population\nA,IT,100\nB,XX,200\nC,IT,lots\n", encoding="utf-8")
    # A bad row never loses the good ones: A is screened, B and C are reported with line and column, exit 1.
    assert main(["screen", str(table), IDEA]) == 1
    out, err = capsys.readouterr()
    assert "m.csv:3: country:" in err and "m.csv:4: population:" in err
    assert {row["municipality"] for row in csv.DictReader(io.StringIO(out))} == {"A"}


def test_screen_rejects_unknown_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "m.csv"
    table.write_text("name,country,populaton\nA,IT,100\n", encoding="utf-8")
    assert main(["screen", str(table), IDEA]) == 2
    assert "m.csv:1: populaton: unknown column (did you mean 'population'?)" in capsys.readouterr().err


def _copies(tmp_path: Path) -> tuple[Path, Path, Path]:
    table, idea, profile = tmp_path / "m.csv", tmp_path / "idea.yaml", tmp_path / "profile.yaml"
    table.write_text("name,country,population\nA,SE,abc\nB,SE,300\n", encoding="utf-8")
    idea.write_bytes(Path(IDEA).read_bytes())
    profile.write_bytes(Path(PROFILE).read_bytes())
    return table, idea, profile


@pytest.mark.parametrize(
    "extra",
    [
        ["-o", "{table}"],
        ["-o", "{idea}"],
        ["-o", "out.csv", "--errors", "{table}"],
        ["-o", "out.csv", "--errors", "out.csv"],
        ["--errors", "{idea}"],
    ],
)
def test_screen_never_writes_over_an_input_or_its_other_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    table, idea, _ = _copies(tmp_path)
    before = {p: p.read_bytes() for p in (table, idea)}
    args = [
        a.format(table=table, idea=idea) if "{" in a else str(tmp_path / a) if a.endswith(".csv") else a for a in extra
    ]
    assert main(["screen", str(table), str(idea), "--no-progress", *args]) == 2
    assert "would overwrite the" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (table, idea)} == before
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("which", ["profile", "idea"])
def test_match_never_writes_its_html_over_an_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    _, idea, profile = _copies(tmp_path)
    before = {p: p.read_bytes() for p in (idea, profile)}
    target = profile if which == "profile" else idea
    assert main(["match", str(profile), str(idea), "--html", str(target)]) == 2
    assert f"would overwrite the {which} file" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (idea, profile)} == before


@pytest.mark.parametrize(
    ("option", "value"), [("--idea", "Sprachkurse f\udcfcr Gefl\udcfcchtete"), ("--place", "M\udcfcnchen")]
)
def test_a_text_argument_that_is_not_utf8_is_one_line(
    capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    # What the shell hands over for Latin-1 bytes ("für" from an old script): lone surrogates.
    args = ["match", PROFILE, option, value] if option == "--idea" else ["match", option, value, IDEA]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"fundmatch: error: {option}: not UTF-8 text (byte 0xfc") and "Traceback" not in err


def test_a_table_of_too_many_columns_is_refused_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from fundmatch._batch import MAX_COLUMNS

    table = tmp_path / "wide.csv"
    extra = [f"x{k}" for k in range(MAX_COLUMNS)]
    table.write_text(",".join(["name", "country", *extra]) + "\n" + ",".join(["A", "SE", *["1"] * MAX_COLUMNS]) + "\n")
    assert main(["screen", str(table), IDEA, "--no-progress"]) == 2
    assert f"{MAX_COLUMNS + 2:,} columns: a municipalities table has at most {MAX_COLUMNS:,}" in capsys.readouterr().err


def test_an_idea_file_without_any_words_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idea = tmp_path / "idea.yaml"
    idea.write_text('description: ""\n', encoding="utf-8")
    assert main(["match", PROFILE, str(idea)]) == 2
    assert "title: the idea is empty: give a title, or write a sentence" in capsys.readouterr().err


def test_a_table_whose_lines_end_with_a_bare_cr_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Old Excel for the Mac writes CR alone at the end of each line.
    table = tmp_path / "mac.csv"
    table.write_bytes(b"name,country,population\rA,SE,100\rB,SE,200\r")
    assert main(["screen", str(table), IDEA, "--no-progress"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {row["municipality"] for row in rows} == {"A", "B"}


def test_a_blank_title_is_taken_from_the_description(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    idea = tmp_path / "idea.yaml"
    idea.write_text('title: "   "\ndescription: "Sprachkurse für Geflüchtete. Mit Mentoring."\n', encoding="utf-8")
    assert main(["match", PROFILE, str(idea), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["idea"]["title"] == "Sprachkurse für Geflüchtete"
