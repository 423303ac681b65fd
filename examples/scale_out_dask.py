"""Screen large municipality tables over several processes (or a cluster) with a Dask bag.

fundmatch has no parallel machinery of its own: an engine that already does that well (here Dask, see the
README section "Screening many municipalities") splits the work, and each piece is screened with
`RulePack.iter_match`. Three choices keep the overhead low:

* a partition is described by a tiny item — a CSV file and a range of its rows — and the worker reads those
  rows itself, so no municipality travels from the driver to a worker;
* each worker writes its results to its own CSV part file and sends back only counts;
* the rule pack is never shipped: each worker process loads it once with `fundmatch.load_rules` (cached per
  process) and reuses it for every partition it gets.

    pip install ".[dask]"
    python examples/scale_out_dask.py examples/ideas/sprakcafe.yaml examples/municipalities_ostergotland.csv \
        --out screened/ --rows-per-partition 5

Writes ``screened/<file>-<first row>.csv`` (the columns of ``fundmatch screen``, one row per municipality ×
fund) and prints how many municipalities each fund is eligible, unknown or ineligible for.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

import fundmatch

#: One partition: a CSV file and the range [start, stop) of its data rows.
Partition = tuple[str, int, int]


def read_municipalities(path: str | Path, start: int = 0, stop: int | None = None) -> Iterator[dict[str, Any]]:
    """Data rows ``start``..``stop`` of a municipalities CSV as profile dicts; empty cells are left out (unknown)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for row in islice(csv.DictReader(handle), start, stop):
            yield {k: v.strip() for k, v in row.items() if v and v.strip()}


def _profiles(path: str, start: int, stop: int) -> Iterator[fundmatch.Municipality]:
    # Validated here so that a bad row is reported with its file and row, not only its field.
    for number, row in enumerate(read_municipalities(path, start, stop), start=start + 1):
        try:
            yield fundmatch.Municipality.model_validate(row)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise fundmatch.ProfileError(f"{path}, data row {number}: {problems}") from None


def partitions(paths: list[str], rows_per_partition: int) -> list[Partition]:
    """Row ranges of every file, at most ``rows_per_partition`` rows each."""
    parts = []
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            total = sum(1 for _ in csv.DictReader(handle))
        parts += [
            (path, start, min(start + rows_per_partition, total)) for start in range(0, total, rows_per_partition)
        ]
    return parts


def screen_partition(part: Partition, idea: Mapping[str, Any], out_dir: str, period: str) -> dict[str, Any]:
    """Screen one partition on a worker; write its rows to a part file and return where, and the counts.

    `fundmatch.load_rules` is cached per process, so the pack is loaded and compiled once per worker
    process, however many partitions it screens.
    """
    path, start, stop = part
    pack = fundmatch.load_rules(period)
    target = Path(out_dir) / f"{Path(path).stem}-{start:09d}.csv"
    counts: dict[str, dict[str, int]] = {fund: {} for fund in pack.funds}
    screened = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer: csv.DictWriter | None = None
        for summary in pack.iter_match(_profiles(path, start, stop), idea, detail="summary"):
            rows = summary.to_rows()
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
            writer.writerows(rows)
            for item in summary.ranking:
                status = counts[item.fund.value]
                status[item.status.value] = status.get(item.status.value, 0) + 1
            screened += 1
    return {"file": str(target), "municipalities": screened, "counts": counts}


def screen_with_dask(
    paths: list[str],
    idea: Mapping[str, Any],
    out_dir: str | Path,
    *,
    rows_per_partition: int = 10_000,
    period: str = fundmatch.DEFAULT_PERIOD,
    workers: int | None = None,
) -> list[dict[str, Any]]:
    """Screen every row of the CSV ``paths`` on Dask's process pool; one result per partition, in order."""
    import dask.bag as db

    # Validate the idea here, once: a bad idea should fail before any worker starts, not in every worker.
    checked = fundmatch.ProjectIdea.model_validate(dict(idea)).model_dump(mode="json")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    parts = partitions(paths, rows_per_partition)
    if not parts:
        return []
    bag = db.from_sequence(parts, npartitions=len(parts))
    return bag.map(screen_partition, checked, str(out_dir), period).compute(scheduler="processes", num_workers=workers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("idea", help="YAML file of the project idea")
    parser.add_argument("municipalities", nargs="+", help="CSV files, one municipality per row (Municipality fields)")
    parser.add_argument("--out", default="screened", help="folder for the part files (default: screened/)")
    parser.add_argument("--rows-per-partition", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    args = parser.parse_args(argv)

    with open(args.idea, encoding="utf-8") as handle:
        idea = yaml.safe_load(handle)
    results = screen_with_dask(
        args.municipalities, idea, args.out, rows_per_partition=args.rows_per_partition, workers=args.workers
    )
    total = sum(r["municipalities"] for r in results)
    print(f"{total:,} municipalities screened in {len(results)} partitions, results in {args.out}/")
    for fund in fundmatch.load_rules().funds:
        counts = {s: sum(r["counts"][fund].get(s, 0) for r in results) for s in ("eligible", "unknown", "ineligible")}
        print(f"  {fund:<9}" + "".join(f"  {status} {n:>7,}" for status, n in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
