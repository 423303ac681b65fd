"""Screen a table of municipalities over several processes with a Dask bag.

fundmatch has no parallel machinery of its own: a batch is split into partitions by an engine that already
does that well (here Dask, see README "Screening many municipalities"), and each partition is screened with
`RulePack.iter_match`. The rule pack is never shipped to the workers: each worker process loads it once with
`fundmatch.load_rules` (cached per process) and reuses it for every partition it gets.

    pip install ".[dask]"
    python examples/scale_out_dask.py examples/municipalities_ostergotland.csv examples/ideas/sprakcafe.yaml

Writes one CSV row per municipality × fund (the columns of ``fundmatch screen``) to stdout or ``-o FILE``.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

import fundmatch


def read_municipalities(path: str | Path) -> list[dict[str, Any]]:
    """Rows of a municipalities CSV as profile dicts; empty cells are unknown, so they are left out."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [{k: v.strip() for k, v in row.items() if v and v.strip()} for row in csv.DictReader(handle)]


def screen_partition(rows: Iterable[Mapping[str, Any]], idea: Mapping[str, Any], period: str) -> list[dict]:
    """Screen one partition on a worker: one summary row per municipality × fund.

    Runs in the worker process. `fundmatch.load_rules` is cached per process, so the pack is loaded and
    compiled once per worker, however many partitions it screens; the idea's text is read once per partition.
    """
    pack = fundmatch.load_rules(period)
    return [row for summary in pack.iter_match(rows, idea, detail="summary") for row in summary.to_rows()]


def screen_with_dask(
    rows: list[dict[str, Any]],
    idea: Mapping[str, Any],
    *,
    period: str = fundmatch.DEFAULT_PERIOD,
    partitions: int = 8,
    workers: int | None = None,
) -> list[dict]:
    """All rows screened over ``partitions`` partitions on Dask's process pool; order of the input kept."""
    import dask.bag as db

    # Validate the idea here, once: a bad idea should fail before any worker starts, not in every worker.
    checked = fundmatch.ProjectIdea.model_validate(dict(idea)).model_dump(mode="json")
    bag = db.from_sequence(rows, npartitions=max(1, min(partitions, len(rows))))
    return bag.map_partitions(screen_partition, checked, period).compute(scheduler="processes", num_workers=workers)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("municipalities", help="CSV with one municipality per row (columns: Municipality fields)")
    parser.add_argument("idea", help="YAML file of the project idea")
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--workers", type=int, default=None, help="worker processes (default: one per core)")
    parser.add_argument("-o", "--output", help="CSV file to write (default: stdout)")
    args = parser.parse_args(argv)

    with open(args.idea, encoding="utf-8") as handle:
        idea = yaml.safe_load(handle)
    results = screen_with_dask(
        read_municipalities(args.municipalities), idea, partitions=args.partitions, workers=args.workers
    )
    out = open(args.output, "w", encoding="utf-8", newline="") if args.output else sys.stdout  # noqa: SIM115
    try:
        writer = csv.DictWriter(out, fieldnames=list(results[0]) if results else ["municipality"])
        writer.writeheader()
        writer.writerows(results)
    finally:
        if out is not sys.stdout:
            out.close()
    print(f"{len(results)} rows (municipality × fund) screened", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
