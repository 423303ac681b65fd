"""The Dask scale-out example: same rows as one process, and the pack loaded once per worker process."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import fundmatch

from .conftest import REPO

EXAMPLES = REPO / "examples"


def _example() -> Any:
    # Imported by module name, not by path: Dask's worker processes unpickle functions by module name and
    # inherit this sys.path.
    if str(EXAMPLES) not in sys.path:
        sys.path.insert(0, str(EXAMPLES))
    return importlib.import_module("scale_out_dask")


def _loads_in_this_process(rows: list[dict], idea: dict, period: str) -> list[tuple[int, int, int]]:
    # Runs in a Dask worker: screens the partition, then says how often this process built the pack.
    from fundmatch import _shipped

    screened = _example().screen_partition(rows, idea, period)
    return [(os.getpid(), _shipped.cache_info().misses, len(screened))]


def test_dask_partitions_give_the_same_rows_as_one_process() -> None:
    pytest.importorskip("dask", reason="dask comes with the test extra; see pyproject.toml")
    example = _example()
    rows = example.read_municipalities(EXAMPLES / "municipalities_ostergotland.csv")
    idea = fundmatch.ProjectIdea.model_validate(
        yaml.safe_load((EXAMPLES / "ideas" / "sprakcafe.yaml").read_text(encoding="utf-8"))
    )
    expected = [r for s in fundmatch.load_rules().iter_match(rows, idea, detail="summary") for r in s.to_rows()]
    assert example.screen_with_dask(rows, idea.model_dump(mode="json"), partitions=5, workers=2) == expected


def test_pack_is_loaded_once_per_worker_process() -> None:
    pytest.importorskip("dask", reason="dask comes with the test extra; see pyproject.toml")
    import dask.bag as db

    rows = _example().read_municipalities(EXAMPLES / "municipalities_ostergotland.csv") * 4
    idea = {"title": "Språkcafé", "themes": ["language_learning"], "target_groups": ["refugees"]}
    bag = db.from_sequence(rows, npartitions=13).map_partitions(_loads_in_this_process, idea, "2021-2027")
    found = bag.compute(scheduler="processes", num_workers=2)
    assert sum(n for _, _, n in found) == len(rows) * len(fundmatch.load_rules().funds)
    # More partitions than workers, yet each worker process compiled the pack exactly once.
    assert len(found) == 13 and len({pid for pid, _, _ in found}) <= 2
    assert {misses for _, misses, _ in found} == {1}


def test_example_script_writes_the_screen_columns(tmp_path: Path) -> None:
    pytest.importorskip("dask", reason="dask comes with the test extra; see pyproject.toml")
    from fundmatch._frames import SUMMARY_COLUMNS

    out = tmp_path / "screened.csv"
    code = _example().main(
        [
            str(EXAMPLES / "municipalities_ostergotland.csv"),
            str(EXAMPLES / "ideas" / "sprakcafe.yaml"),
            "--partitions",
            "3",
            "--workers",
            "2",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    header, *lines = out.read_text(encoding="utf-8").splitlines()
    assert tuple(header.split(",")) == SUMMARY_COLUMNS
    assert len(lines) == 13 * 5
