"""Outputs for notebooks and apps: HTML, DataFrames, JSON Schema."""

from __future__ import annotations

import json
import sys

import pytest

import fundmatch
from fundmatch._cli import main

from .conftest import idea, profile


@pytest.fixture(scope="module")
def report() -> fundmatch.MatchReport:
    return fundmatch.match(
        profile(nuts="HU221", country="HU", name="Győr & <Co>"), idea(description="Magyar nyelvtanfolyam")
    )


def test_html_is_a_compact_ranked_table(report: fundmatch.MatchReport) -> None:
    html = report._repr_html_()
    assert html.count("<tr") == len(report.ranking) + 1
    assert html.count("<details>") >= len(report.ranking)
    positions = [html.index(f"<b>{r.fund.value}</b>") for r in report.ranking]
    assert positions == sorted(positions)
    assert 'href="https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:32021R' in html
    assert "Győr &amp; &lt;Co&gt;" in html and "<Co>" not in html
    assert "doubtful" in html  # HU22 is a doubtful row of the region table
    assert "<script" not in html and "<link" not in html and "<style" not in html  # self-contained, inline only


def test_html_stays_bounded_for_long_traces(report: fundmatch.MatchReport) -> None:
    item = report.ranking[0]
    many = item.model_copy(update={"hits": item.hits * 200})
    long = report.model_copy(update={"ranking": [many]})
    html = long._repr_html_()
    assert "more rules" in html and len(html) < 60_000


def test_frame_one_row_per_fund(report: fundmatch.MatchReport) -> None:
    pytest.importorskip("pandas", reason="pandas is the optional extra fundmatch[pandas]")
    df = report.to_frame()
    assert list(df["fund"]) == [r.fund.value for r in report.ranking]
    assert list(df["rank"]) == list(range(1, len(report.ranking) + 1))
    assert set(df["status"]) <= {"eligible", "unknown", "ineligible"}


def test_match_many_frame_one_row_per_municipality_and_fund() -> None:
    pytest.importorskip("pandas", reason="pandas is the optional extra fundmatch[pandas]")
    reports = fundmatch.load_rules().match_many([profile(), profile(name="Other", leader_lag=False, degurba=1)], idea())
    df = reports.to_frame()
    assert len(df) == 2 * len(fundmatch.load_rules().funds)
    assert df.groupby("municipality").size().to_dict() == {"Other": 5, "Tarvisio": 5}
    ineligible = df[(df.municipality == "Other") & (df.fund == "EAFRD")]
    assert ineligible["status"].item() == "ineligible" and "leader_area" in ineligible["failed_rules"].item()


def test_summary_rows_and_frame_carry_every_fund() -> None:
    from fundmatch._frames import SUMMARY_COLUMNS

    summaries = fundmatch.load_rules().match_many(
        [profile(), profile(name="Other", leader_lag=False, degurba=1)], idea(), detail="summary"
    )
    rows = summaries[1].to_rows()
    assert [tuple(r) for r in rows] == [SUMMARY_COLUMNS] * len(summaries[1].ranking)
    assert [r["fund"] for r in rows] == [s.fund.value for s in summaries[1].ranking]
    eafrd = next(r for r in rows if r["fund"] == "EAFRD")
    assert eafrd["status"] == "ineligible" and "leader_area" in eafrd["failed_rules"]
    pytest.importorskip("pandas", reason="pandas is the optional extra fundmatch[pandas]")
    df = summaries.to_frame()
    assert list(df.columns) == list(SUMMARY_COLUMNS)
    assert df.groupby("municipality").size().to_dict() == {"Other": 5, "Tarvisio": 5}


def test_frame_without_pandas_says_how_to_install(
    report: fundmatch.MatchReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'fundmatch\[pandas\]'"):
        report.to_frame()


def test_schema_command_prints_all_schemas(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["schema_version"] == "1.0"
    assert set(document["schemas"]) == {"municipality", "idea", "partner", "report"}
    assert "population" in document["schemas"]["municipality"]["properties"]
    assert "ranking" in document["schemas"]["report"]["properties"]


def test_report_json_is_valid_against_its_schema(
    report: fundmatch.MatchReport, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--model", "report"]) == 0
    schema = json.loads(capsys.readouterr().out)
    data = json.loads(report.model_dump_json())
    assert set(schema["required"]) <= set(data)
    assert data["schema_version"] and data["pack_version"] and data["period"] == "2021-2027"
