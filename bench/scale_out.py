"""Scale-out on this machine: one process versus a Dask bag of worker processes (examples/scale_out_dask.py).

Run from the repository root: ``python bench/scale_out.py [--n 100000] [--workers 2]`` (needs ``.[dask]``).
Plain Python; it prints figures and asserts nothing about time. The municipalities are written to a CSV
first; workers read their own row ranges and write their own part files, as in the example. Two workloads:
summaries (tens of microseconds each, so process start-up weighs) and full explained reports written as
rows (about a millisecond each, so the work itself dominates).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "examples"), str(ROOT)]

from run import IDEA, synthetic  # noqa: E402
from scale_out_dask import _profiles, partitions, screen_partition  # noqa: E402

import fundmatch  # noqa: E402
from fundmatch._frames import report_rows  # noqa: E402


def full_partition(part: tuple[str, int, int], idea: dict[str, Any], out_dir: str, period: str) -> dict[str, Any]:
    """Like the example's `screen_partition`, with full explained reports written as rows."""
    path, start, stop = part
    pack = fundmatch.load_rules(period)
    target = Path(out_dir) / f"full-{start:09d}.csv"
    screened = 0
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = None
        for report in pack.iter_match(_profiles(path, start, stop), idea):
            rows = report_rows(report)
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
                writer.writeheader()
            writer.writerows(rows)
            screened += 1
    return {"file": str(target), "municipalities": screened}


def _write(rows: list[dict[str, Any]], path: Path) -> None:
    columns = sorted({k for row in rows for k in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    import dask.bag as db

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="municipalities for the summary workload")
    parser.add_argument("--full", type=int, default=20_000, help="municipalities for the full-report workload")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    print(f"scale-out benchmark, {args.workers} worker process(es) on {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out")
        Path(out).mkdir()
        for label, function, n in (
            ("summaries", screen_partition, args.n),
            ("full reports", full_partition, args.full),
        ):
            table = Path(tmp) / f"{n}.csv"
            _write(synthetic(n), table)
            start = time.perf_counter()
            function((str(table), 0, n), IDEA, out, fundmatch.DEFAULT_PERIOD)
            one = time.perf_counter() - start
            print(f"{label:<13} {n:>7,}  one process           {one:7.2f} s  ({n / one:>8,.0f}/s)")
            for per_worker in (1, 8):
                parts = partitions([str(table)], -(-n // (args.workers * per_worker)))
                start = time.perf_counter()
                bag = db.from_sequence(parts, npartitions=len(parts))
                done = bag.map(function, IDEA, out, fundmatch.DEFAULT_PERIOD).compute(
                    scheduler="processes", num_workers=args.workers
                )
                seconds = time.perf_counter() - start
                assert sum(r["municipalities"] for r in done) == n
                print(
                    f"{label:<13} {n:>7,}  dask, {len(parts):>3} partitions   {seconds:7.2f} s  ({n / seconds:>8,.0f}/s)"
                    f"  speed-up x{one / seconds:.2f}"
                )


if __name__ == "__main__":
    main()
