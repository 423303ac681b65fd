"""The Dask scale-out example: same rows as one process, the pack loaded once per worker, bad rows located."""

from __future__ import annotations

import csv
import importlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest

import fundmatch
from fundmatch._cli import main as cli
from fundmatch._frames import SUMMARY_COLUMNS

from .conftest import REPO

pytest.importorskip("dask", reason="dask comes with the test extra; see pyproject.toml")

EXAMPLES = REPO / "examples"
TABLE = str(EXAMPLES / "municipalities_ostergotland.csv")
IDEA = str(EXAMPLES / "ideas" / "sprakcafe.yaml")


def _example() -> Any:
    # Imported by module name, not by path: Dask's worker processes unpickle functions by module name and
    # inherit this sys.path.
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module("scale_out_dask")


def _loads_in_this_process(part: tuple, idea: dict, out_dir: str, period: str) -> tuple[int, int, int]:
    # Runs in a Dask worker: screens the partition, then says how often this process built the pack.
    from fundmatch._pack import shipped_pack as _shipped

    result = _example().screen_partition(part, idea, out_dir, period)
    return os.getpid(), _shipped.cache_info().misses, result["municipalities"]


def _rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_part_files_together_are_the_screen_of_the_whole_table(tmp_path: Path) -> None:
    results = _example().screen_with_dask([TABLE], _example_idea(), tmp_path / "parts", rows_per_partition=4, workers=2)
    assert [r["municipalities"] for r in results] == [4, 4, 4, 1]
    assert cli(["screen", TABLE, IDEA, "-o", str(tmp_path / "one.csv"), "--no-progress"]) == 0
    # `screen` also copies the table's other columns; the example's part files hold the summary's only.
    whole = [{k: row[k] for k in SUMMARY_COLUMNS} for row in _rows(tmp_path / "one.csv")]
    assert [row for r in results for row in _rows(r["file"])] == whole
    eafrd = {status: sum(r["counts"]["EAFRD"].get(status, 0) for r in results) for status in ("ineligible",)}
    one = [row for row in _rows(tmp_path / "one.csv") if row["fund"] == "EAFRD" and row["status"] == "ineligible"]
    assert eafrd["ineligible"] == len(one) > 0


def test_pack_is_loaded_once_per_worker_process(tmp_path: Path) -> None:
    import dask.bag as db

    parts = _example().partitions([TABLE], 1)
    bag = db.from_sequence(parts, npartitions=len(parts))
    found = bag.map(_loads_in_this_process, _example_idea(), str(tmp_path), "2021-2027").compute(
        scheduler="processes", num_workers=2
    )
    assert sum(n for _, _, n in found) == 13
    # 13 partitions on at most two processes, yet each process compiled the pack exactly once.
    assert len({pid for pid, _, _ in found}) <= 2
    assert {misses for _, misses, _ in found} == {1}


def test_bad_row_is_named_by_file_and_row(tmp_path: Path) -> None:
    table = tmp_path / "m.csv"
    table.write_text("name,country,population\nA,SE,100\nB,SE,many\n", encoding="utf-8")
    with pytest.raises(fundmatch.ProfileError, match=r"m\.csv, data row 2: population"):
        _example().screen_with_dask([str(table)], _example_idea(), tmp_path / "out", workers=1)


def test_script_prints_counts_per_fund(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "screened"
    assert _example().main([IDEA, TABLE, "--out", str(out), "--rows-per-partition", "5", "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    assert "13 municipalities screened in 3 partitions" in printed
    assert len(list(out.glob("*.csv"))) == 3
    for fund in fundmatch.load_rules().funds:
        assert f"  {fund}" in printed


def _example_idea() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(Path(IDEA).read_text(encoding="utf-8"))


def test_readme_spark_schema_names_the_summary_frame_columns() -> None:
    # Spark's mapInPandas refuses a frame whose columns differ from the schema it is given: the README's schema
    # must name exactly the columns of `MatchSummaries.to_frame()`, in order.
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("schema = (", 1)[1].split(")", 1)[0]
    schema = "".join(part.split('"')[1] for part in block.strip().splitlines())
    columns = [field.split()[0] for field in schema.split(", ")]
    pytest.importorskip("pandas", reason="pandas comes with the test group")
    frame = fundmatch.load_rules().match_many([{"name": "A", "country": "SE"}], IDEA, detail="summary").to_frame()
    assert columns == list(frame.columns)
