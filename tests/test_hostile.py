"""Hostile input, class by class (docs: README "What we tested"; the cases of the December 2026 reliability review).

Each test asserts a clear error (a located FundmatchError or pydantic's ValidationError, never a traceback) and
a bound: what could exhaust the machine runs in a subprocess under an address-space and CPU limit, so that a
regression fails instead of taking the machine down. Network tests talk only to a server on 127.0.0.1 started
here, whose handlers loop a bounded number of times.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import fundmatch
from fundmatch import PlacesError, ProfileError, RulePackError
from fundmatch._cli import main
from fundmatch._places import PlacesRegister, download_register, import_register, load_register, resolve_place
from tests.conftest import idea, profile

REPO = Path(__file__).resolve().parent.parent
LAU = REPO / "tests" / "data" / "lau_fixture.csv"
IDEA = str(REPO / "examples" / "ideas" / "sprakcafe.yaml")

#: The bounds a hostile input must stay inside (far above what a clean error needs: about 1 s, 100 MB).
MEMORY = 1024 * 1024 * 1024
CPU_SECONDS = 20


def _limits() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))


def limited(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python ``code`` in a child under the memory and CPU limits (and a wall-clock timeout)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=CPU_SECONDS * 2,
        preexec_fn=_limits,
        cwd=REPO,
        check=False,
    )


def cli_limited(*args: str) -> subprocess.CompletedProcess[str]:
    return limited("import sys; from fundmatch._cli import main; sys.exit(main(sys.argv[1:]))", *args)


def one_clean_line(result: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    return lines[0]


def _bomb_level(i: int) -> str:
    item = f"*a{i - 1}" if i else '"lol"'
    return f"b{i}: &a{i} [{', '.join([item] * 9)}]\n"


BOMB = "".join(_bomb_level(i) for i in range(10))


# ------------------------------------------------------------------------------------------------ YAML bombs


def test_an_alias_bomb_in_a_pack_is_refused_at_once(pack_copy: Path) -> None:
    amif = pack_copy / "amif.yaml"
    text = amif.read_text(encoding="utf-8")
    amif.write_text(BOMB + text.replace("fund: AMIF", "fund: *a9", 1), encoding="utf-8")
    result = limited("import sys, fundmatch; fundmatch.load_rules(path=sys.argv[1])", str(pack_copy))
    assert result.returncode == 1
    assert "RulePackError" in result.stderr and "aliases" in result.stderr and "amif.yaml:1" in result.stderr
    assert "MemoryError" not in result.stderr


def test_an_alias_bomb_in_a_profile_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text(BOMB + "name: X\ncountry: DE\npopulation: 1\nregion_category: *a9\n", encoding="utf-8")
    result = cli_limited("match", str(bad), IDEA)
    assert result.returncode == 2
    assert "anchors and aliases" in one_clean_line(result)


def test_a_merge_key_is_an_alias_and_refused() -> None:
    with pytest.raises(RulePackError, match="aliases"):
        fundmatch._yaml.parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n")  # type: ignore[attr-defined]


@pytest.mark.parametrize("depth", [5_000, 100_000])
def test_deep_nesting_is_a_located_error(depth: int) -> None:
    from fundmatch._yaml import parse_yaml

    with pytest.raises(RulePackError) as caught:
        parse_yaml("a: " + "[" * depth + "]" * depth)
    assert "YAML error" in str(caught.value)


def test_deep_json_profile_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text("[" * 200_000, encoding="utf-8")
    result = cli_limited("match", str(bad), IDEA)
    assert result.returncode == 2 and "not valid JSON" in one_clean_line(result)


# ----------------------------------------------------------------------------------------------- huge numbers


def test_an_integer_of_5000_digits_is_located(pack_copy: Path, tmp_path: Path) -> None:
    acts = pack_copy / "period.yaml"
    acts.write_text(acts.read_text(encoding="utf-8") + "huge: " + "9" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"period\.yaml:\d+: YAML error: number with too many digits"):
        fundmatch.load_rules(path=pack_copy)
    bad = tmp_path / "p.yaml"
    bad.write_text("name: X\ncountry: DE\npopulation: " + "1" * 5000 + "\n", encoding="utf-8")
    assert main(["match", str(bad), IDEA]) == 2


def test_yaml_12_numbers_not_yaml_11_surprises() -> None:
    from fundmatch._yaml import parse_yaml

    assert parse_yaml("population: 010000") == {"population": 10000}  # not octal 4096
    with pytest.raises(RulePackError, match="base-60"):
        parse_yaml("duration: 1:30")


@pytest.mark.parametrize("population", ["inf", "1e400", "1" + "0" * 23, "nan", "-inf"])
def test_impossible_populations_in_a_lau_file_are_a_located_error_not_a_traceback(
    tmp_path: Path, population: str
) -> None:
    # An impossible figure is refused with its row (before, it was stored as unknown, and `places find` then
    # said that Eurostat gives no population); "nan", like an empty cell, is a figure left out.
    rows = LAU.read_text(encoding="utf-8").splitlines(keepends=True)
    cells = rows[1].split(",")
    cells[4] = population
    (tmp_path / "LAU-2019-NUTS-2016.csv").write_text(rows[0] + ",".join(cells) + "".join(rows[2:]), encoding="utf-8")
    if population == "nan":
        register = import_register(tmp_path / "LAU-2019-NUTS-2016.csv", data_dir=tmp_path / "dd")
        assert register.get(cells[0], cells[1]).population is None  # type: ignore[union-attr]
        return
    with pytest.raises(PlacesError, match=r"row 2: population '.*' is not a whole number"):
        import_register(tmp_path / "LAU-2019-NUTS-2016.csv", data_dir=tmp_path / "dd")


# ------------------------------------------------------------------------------------- files of a rule folder


@pytest.mark.parametrize("name", ["../outside/secret", "/etc/passwd", "sub/../../x"])
def test_a_pack_name_cannot_leave_the_folder(pack_copy: Path, name: str) -> None:
    (pack_copy.parent / "outside").mkdir()
    shutil.copy(pack_copy / "amif.yaml", pack_copy.parent / "outside" / "secret.yaml")
    period = pack_copy / "period.yaml"
    period.write_text(period.read_text(encoding="utf-8").replace("AMIF: amif", f"AMIF: '{name}'"), encoding="utf-8")
    with pytest.raises(RulePackError, match=r"period\.yaml:\d+: funds: .*(inside the folder|outside the folder)"):
        fundmatch.load_rules(path=pack_copy)


def test_a_symlink_out_of_the_folder_is_refused(pack_copy: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.yaml"
    shutil.move(pack_copy / "amif.yaml", outside)
    (pack_copy / "amif.yaml").symlink_to(outside)
    with pytest.raises(RulePackError, match="leads outside the folder"):
        fundmatch.load_rules(path=pack_copy)


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_a_pack_file_is_refused_fast(pack_copy: Path, target: str) -> None:
    (pack_copy / "acts.yaml").unlink()
    (pack_copy / "acts.yaml").symlink_to(target)
    result = limited("import sys, fundmatch; fundmatch.load_rules(path=sys.argv[1])", str(pack_copy))
    assert result.returncode == 1 and "RulePackError" in result.stderr and "MemoryError" not in result.stderr


def test_a_fifo_as_period_yaml_does_not_hang(pack_copy: Path) -> None:
    (pack_copy / "period.yaml").unlink()
    os.mkfifo(pack_copy / "period.yaml")
    result = limited("import sys, fundmatch; fundmatch.load_rules(path=sys.argv[1])", str(pack_copy))
    assert "not a regular file" in result.stderr and "RulePackError" in result.stderr


def test_a_pack_file_over_the_size_cap_is_refused(pack_copy: Path) -> None:
    from fundmatch._files import MAX_DATA_FILE

    amif = pack_copy / "amif.yaml"
    amif.write_text(amif.read_text(encoding="utf-8") + "#" * (MAX_DATA_FILE + 1) + "\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="larger than the limit"):
        fundmatch.load_rules(path=pack_copy)


HEADER = "nuts2_code,name,category_2021_2027,category_2014_2020,outermost,source"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (f"{HEADER}\nAT11,Burgenl\xe4nd,transition,,no,x\n".encode("latin-1"), "not UTF-8"),
        (f"{HEADER}\nAT11,Burgenland,transition,,no," + "x" * 200_000 + "\n", "field larger than field limit"),
    ],
)
def test_a_bad_region_table_is_a_rule_pack_error(pack_copy: Path, content: str | bytes, match: str) -> None:
    table = pack_copy / "region_categories.csv"
    if isinstance(content, bytes):
        table.write_bytes(content)
    else:
        table.write_text(content, encoding="utf-8")
    with pytest.raises(RulePackError, match=match):
        fundmatch.load_rules(path=pack_copy)


def test_a_bom_in_the_region_table_is_read(pack_copy: Path) -> None:
    table = pack_copy / "region_categories.csv"
    table.write_bytes(b"\xef\xbb\xbf" + table.read_bytes())
    assert fundmatch.load_rules(path=pack_copy).funds == fundmatch.load_rules().funds


def test_a_non_utf8_pack_is_located_by_line(pack_copy: Path) -> None:
    amif = pack_copy / "amif.yaml"
    amif.write_bytes(amif.read_bytes().replace(b"fund: AMIF", b"fund: AMIF\n# K\xf6ln", 1))
    with pytest.raises(RulePackError, match=r"amif\.yaml:\d+: not UTF-8"):
        fundmatch.load_rules(path=pack_copy)


# --------------------------------------------------------------------------------------------- regex bombs


@pytest.mark.parametrize(
    "when",
    [
        "member_state and not (name =~ '(x+x+)+y')",
        "title =~ '(a+)+$'",
        "description =~~ '(.*a){12}b'",
        "description =~ title",  # the end user would supply the pattern
        "name =~~ 'a.*b.*c'",
    ],
)
def test_a_regex_that_can_backtrack_is_refused_at_load(pack_copy: Path, when: str) -> None:
    amif = pack_copy / "amif.yaml"
    text = amif.read_text(encoding="utf-8")
    amif.write_text(text.replace("    when: member_state\n", f'    when: "{when}"\n', 1), encoding="utf-8")
    with pytest.raises(RulePackError, match=r"amif\.yaml:\d+: rule 'applicant_in_member_state': when: .*regular exp"):
        fundmatch.load_rules(path=pack_copy)


def test_a_linear_regex_still_loads() -> None:
    from fundmatch._expressions import compile_condition

    assert compile_condition("name =~ '^Neu.*'").reads == ("name",)


# ----------------------------------------------------------------------------------------- pathological text


def test_inference_is_linear_in_a_word_that_expands_under_nfkd() -> None:
    code = """
        import time, fundmatch
        start = time.process_time()
        fundmatch.match({"name": "X", "country": "DE", "population": 1},
                        {"title": "t", "description": "\\ufdfa" * 20000})
        fundmatch.match({"name": "X", "country": "DE", "population": 1},
                        {"title": "t", "description": "Sprachkurse" * 1800})
        print(time.process_time() - start)
    """
    result = limited(code)
    assert result.returncode == 0, result.stderr[-2000:]
    # 55 s before; a CPU limit, not a speed measurement: the child is killed at CPU_SECONDS.


def test_place_lookup_is_bounded_in_query_length() -> None:
    rows = [("DE", str(i), f"Neustadt an der Stelle {i}", "", 100, None, 2, "DE123", 0, "", "") for i in range(2000)]
    rows = [(*r[:9], f"neustadt an der stelle {i}", "") for i, r in enumerate(rows)]
    register = PlacesRegister(rows, {"vintage": "2023"})
    assert resolve_place("an der " * 3000, register=register) == []
    assert resolve_place("a " * 16000 + "!", register=register) == []
    assert register.find("an der an der an der stelle 7", "DE")  # repeated words are counted once


def test_api_misuse_is_a_profile_error() -> None:
    with pytest.raises(ProfileError, match="funds must be"):
        fundmatch.match(profile(), idea(), funds=5)  # type: ignore[arg-type]
    with pytest.raises(ProfileError, match="funds must be"):
        fundmatch.match(profile(), idea(), funds=True)  # type: ignore[arg-type]
    with pytest.raises(ProfileError, match="period must be"):
        fundmatch.match(profile(), idea(), period=["2021-2027"])  # type: ignore[arg-type]
    with pytest.raises(ProfileError, match="progress must be"):
        fundmatch.load_rules().match_many([profile()], idea(), progress="yes")  # type: ignore[call-overload]
    with pytest.raises(ProfileError, match="profiles must be"):
        list(fundmatch.load_rules().iter_match(5, idea()))  # type: ignore[call-overload]


def test_a_project_ending_past_year_9999_is_matched_not_an_assertion() -> None:
    report = fundmatch.match(profile(), idea(start_date="9999-06-01", duration_months=12))
    assert report.ranking


# ------------------------------------------------------------------------------------------- the places cache


@pytest.mark.parametrize("name", ["dd#1", "dd?x", "dd%41", "d d ü"])
def test_a_data_dir_with_uri_characters_works_and_leaves_no_stray_file(tmp_path: Path, name: str) -> None:
    folder = tmp_path / name
    register = import_register(LAU, data_dir=folder)
    assert len(load_register(data_dir=folder)) == len(register) > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]


@pytest.mark.parametrize(
    "corruption", ["UPDATE places SET key = NULL WHERE lau = (SELECT MIN(lau) FROM places)",
                   "UPDATE places SET population = 'many'"]
)  # fmt: skip
def test_a_cache_with_rows_of_the_wrong_type_is_refused_at_load(tmp_path: Path, corruption: str) -> None:
    import_register(LAU, data_dir=tmp_path)
    db = sqlite3.connect(tmp_path / "places.sqlite")
    with db:
        # CREATE TABLE AS drops the NOT NULL constraints: a structurally valid file of the wrong content.
        db.executescript("CREATE TABLE loose AS SELECT * FROM places; DROP TABLE places;"
                         " ALTER TABLE loose RENAME TO places;")  # fmt: skip
        db.execute(corruption)
    db.close()
    with pytest.raises(PlacesError, match="malformed rows"):
        load_register(data_dir=tmp_path)


def test_an_import_refuses_a_file_whose_last_row_is_cut(tmp_path: Path) -> None:
    good = tmp_path / "good" / "LAU-2019-NUTS-2016.csv"
    good.parent.mkdir()
    shutil.copy(LAU, good)
    import_register(good, data_dir=tmp_path / "dd")
    before = (tmp_path / "dd" / "places.sqlite").read_bytes()
    cut = tmp_path / "LAU-2019-NUTS-2016.csv"
    cut.write_bytes(LAU.read_bytes()[: LAU.read_bytes().rindex(b",", 0, -20)])
    with pytest.raises(PlacesError, match="last row may be cut short"):
        import_register(cut, data_dir=tmp_path / "dd")
    assert (tmp_path / "dd" / "places.sqlite").read_bytes() == before


def test_a_data_dir_that_is_a_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert main(["places", "import", str(LAU), "--data-dir", str(tmp_path / "file")]) == 2
    assert "cannot write the places register" in capsys.readouterr().err


# --------------------------------------------------------------------------------------- hostile HTTP answers

BODY = LAU.read_bytes()


class _Hostile(http.server.BaseHTTPRequestHandler):
    """Answers by path; every loop is bounded, and the server is shut down by the fixture."""

    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        kind = self.path.strip("/").split("/")[0]
        if kind == "good":
            self._send(BODY, len(BODY))
        elif kind == "truncated":  # Content-Length promises more than is sent, then the connection closes
            self._send(BODY[: len(BODY) // 2], len(BODY))
        elif kind == "drip":  # one byte at a time, far slower than the deadline allows (at most 200 bytes)
            self.send_response(200)
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            for byte in BODY[:200]:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                threading.Event().wait(0.05)
        elif kind == "huge_header":
            self.send_response(200)
            self.send_header("Content-Length", str(10**12))
            self.end_headers()
        elif kind == "endless":  # no Content-Length; at most 64 MB, far over the test's cap
            self.send_response(200)
            self.end_headers()
            block = b"x" * 65536
            for _ in range(1024):
                try:
                    self.wfile.write(block)
                except OSError:
                    return
        elif kind == "html":
            self._send(b"<html><body>maintenance</body></html>\n", None)
        else:
            self.send_error(500)

    def _send(self, data: bytes, length: int | None) -> None:
        self.send_response(200)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(data)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    timer = threading.Timer(120, httpd.shutdown)  # a last resort: the server never outlives the test by much
    timer.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        timer.cancel()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


@pytest.mark.parametrize(
    ("kind", "match"),
    [
        ("truncated", "cut: "),
        ("drip", "took too long"),
        ("huge_header", "over the limit"),
        ("endless", "over the limit"),
        ("html", "no header row|last row may be cut"),
        ("error", "answered 500"),
    ],
)
def test_a_hostile_download_leaves_the_cache_as_it_was(server: str, tmp_path: Path, kind: str, match: str) -> None:
    dd = tmp_path / "dd"
    download_register(url=f"{server}/good/LAU-2019-NUTS-2016.csv", data_dir=dd)
    before = (dd / "places.sqlite").read_bytes()
    with pytest.raises(PlacesError, match=match):
        download_register(
            url=f"{server}/{kind}/LAU-2019-NUTS-2016.csv", data_dir=dd, timeout=5, deadline=1.0, max_bytes=1 << 20
        )
    assert (dd / "places.sqlite").read_bytes() == before
    assert sorted(p.name for p in dd.iterdir()) == ["places.sqlite"]  # no download litter


def test_a_file_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PlacesError, match="only http and https"):
        download_register(url="file:///dev/zero/LAU-2019-NUTS-2016.csv", data_dir=tmp_path)


# ----------------------------------------------------------------------------------- command-line boundaries


@pytest.mark.parametrize("where", ["missing/out.html", ".", "/dev/full"])
def test_an_unwritable_html_output_is_one_line(tmp_path: Path, where: str) -> None:
    target = where if where.startswith("/") else str(tmp_path / where)
    result = cli_limited("match", str(REPO / "examples" / "profiles" / "bressanone.yaml"), IDEA, "--html", target)
    assert result.returncode == 2 and "cannot write the HTML report" in one_clean_line(result)


def test_a_huge_cell_in_a_screen_table_is_a_bad_row(tmp_path: Path) -> None:
    table = tmp_path / "m.csv"
    table.write_text("name,country,population\nA,IT,100\nB,IT," + "9" * 200_000 + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = cli_limited("screen", str(table), IDEA, "-o", str(out))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "line,column,value,problem" in (tmp_path / "out.errors.csv").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8").count("\nA,IT,") == 5


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("cp1252", ";"), ("utf-8-sig", ";"), ("utf-16", "\t"), ("latin-1", ",")]
)
def test_excel_csvs_of_every_eu_locale_are_screened(tmp_path: Path, encoding: str, delimiter: str) -> None:
    rows = [["Name", "COUNTRY", "Population", "Kommunkod"], ["Linköping", "SE", "165 000", "0580"],
            ["Åtvidaberg", "SE", "11.600", "0561"]]  # fmt: skip
    table = tmp_path / "m.csv"
    table.write_bytes("\r\n".join(delimiter.join(r) for r in rows).encode(encoding) + "\r\n".encode(encoding))
    out = tmp_path / "out.csv"
    assert main(["screen", str(table), IDEA, "-o", str(out), "--no-progress"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "Linköping,SE" in text and "Åtvidaberg,SE" in text and ",0580" in text  # the code survives
    assert "165000" not in text.split("\n")[0]


def test_a_dataframe_with_nan_screens_as_unknown() -> None:
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(
        {"Name": ["A", "B"], "country": ["IT", "IT"], "population": [4100, 900], "leader_lag": [True, None],
         "degurba": [3, float("nan")], "municipality_code": ["x1", "x2"]}
    )  # fmt: skip
    reports = fundmatch.load_rules().match_many(frame, idea())
    assert [r.municipality.name for r in reports] == ["A", "B"]
    assert reports[1].municipality.degurba is None and reports[1].municipality.leader_lag is None
    df = reports.to_frame()
    assert df["eu_amount_eur"].dtype.kind == "f" and df["status"].cat.ordered


def test_check_reports_every_problem_of_a_folder_in_one_run(
    pack_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    amif, erdf = pack_copy / "amif.yaml", pack_copy / "erdf.yaml"
    amif.write_text(amif.read_text(encoding="utf-8").replace("    when: member_state\n", "    when: member_stat\n", 1))
    erdf.write_text(erdf.read_text(encoding="utf-8").replace("kind: requirement", "kind: requirment", 1))
    case = sorted((pack_copy / "tests").glob("*.yaml"))[0]
    case.write_text(case.read_text(encoding="utf-8") + "x: [\n", encoding="utf-8")
    assert main(["check", str(pack_copy)]) == 1
    out = capsys.readouterr().out
    assert "amif.yaml:" in out and "member_stat" in out
    assert "erdf.yaml:" in out and "kind: Input should be" in out
    assert f"{case.name}:" in out and "YAML error" in out
    assert "3 problem(s)" in out


@pytest.mark.parametrize("when", ["$now > $now", "$random(2) > 0", "$today == $today"])
def test_rules_that_answer_differently_each_time_are_refused(when: str) -> None:
    from fundmatch._expressions import ExpressionProblem, compile_condition

    with pytest.raises(ExpressionProblem, match="same answer for the same facts"):
        compile_condition(f"member_state and ({when})")


def test_escape_sequences_in_a_profile_do_not_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps({"name": "X\x1b[2J\x9b31m", "country": "DE", "population": 100}), encoding="utf-8")
    assert main(["match", str(bad), IDEA]) == 0
    out = capsys.readouterr().out
    assert "X\ufffd[2J\ufffd31m" in out and "\x1b" not in out and "\x9b" not in out


def test_huge_user_values_are_cut_short_in_messages() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        fundmatch.match(profile(country="Q" * 1_000_000), idea())
    assert len(str(caught.value)) < 2_000
    with pytest.raises(ProfileError) as unknown:
        fundmatch.match(profile(), idea(), funds=["F" * 1_000_000])
    assert len(str(unknown.value)) < 300


def test_places_find_with_a_huge_name_is_fast_and_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_register(LAU, data_dir=tmp_path)
    assert main(["places", "find", "an der " * 7000, "--data-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith("no place like 'an der an der") and len(out) < 200
