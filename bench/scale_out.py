"""Scale-out on this machine: what a worker pays to load a pack, and one process versus a Dask bag.

Run from the repository root: ``python bench/scale_out.py [--n 100000] [--workers 2] [--pack-cost-only]``.
Plain Python; it prints figures and asserts nothing about time. First the per-worker cost of a pack, each
step in fresh processes (median of 5): ``import fundmatch``, load + compile the pack, the first match of an
idea that gives its themes, and the vocabulary load with the first inference when an idea has only a text.
Then the README's Spark recipe (``mapInPandas``'s function, fed pandas frames here: no Spark needed) is run
and compared with one process, and its frame's columns with the Spark schema the README gives. Then, with
``.[dask]``, the Dask bag: the municipalities are written to a CSV first; workers read their own row ranges
and write their own part files, as in the example. Two workloads: summaries (tens of microseconds each, so
process start-up weighs) and full explained reports written as rows (about a millisecond each, so the work
itself dominates).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
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


#: What a fresh worker process does, step by step, timed inside it (printed as JSON).
_WORKER = """
import json, sys, time
profile, idea, text_idea = json.loads(sys.argv[1])
start = time.perf_counter()
import fundmatch
imported = time.perf_counter()
import rule_engine  # what loading a pack imports first (its parser tables), timed apart
parser = time.perf_counter()
pack = fundmatch.load_rules()
loaded = time.perf_counter()
pack.match(profile, idea)
matched = time.perf_counter()
pack.match(profile, text_idea)
inferred = time.perf_counter()
print(json.dumps({"import": imported - start, "rule_engine": parser - imported, "load": loaded - parser,
                  "first_match": matched - loaded, "vocabulary_and_inference": inferred - matched}))
"""
PROFILE = {"name": "Ydre", "country": "SE", "nuts": "SE123", "population": 3600, "degurba": 3}
TEXT_IDEA = {
    "title": "Språkcafé för nyanlända",
    "description": "Kommunen startar ett språkcafé och en mötesplats för nyanlända med mentorer från orten.",
    "budget_eur": 60000,
}


def pack_cost(runs: int = 5) -> None:
    """The per-worker cost of a pack: fresh processes, each step timed inside them (median of ``runs``)."""
    argv = [sys.executable, "-c", _WORKER, json.dumps([PROFILE, IDEA, TEXT_IDEA])]
    subprocess.run(argv, capture_output=True, check=True, cwd=ROOT)  # warm the file cache
    steps: list[dict[str, Any]] = []
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        steps.append(json.loads(done.stdout))
    steps_shown = (
        ("import", "import fundmatch"),
        ("rule_engine", "import rule_engine (its parser tables)"),
        ("load", f"load + compile the {fundmatch.DEFAULT_PERIOD} pack (load_rules)"),
        ("first_match", "first match, themes given (no vocabulary)"),
        ("vocabulary_and_inference", "first match of a text-only idea (vocabulary, inference)"),
    )
    med = {k: statistics.median(s[k] for s in steps) for k, _ in steps_shown}
    print(f"per-worker cost of a pack (fresh process, median of {runs}):")
    for key, label in steps_shown:
        print(f"  {label:<58} {med[key] * 1000:7.1f} ms")
    total = med["import"] + med["rule_engine"] + med["load"] + med["first_match"]
    print(
        f"  a worker's start, themes given: {total * 1000:.0f} ms (+{med['vocabulary_and_inference'] * 1000:.0f} ms when"
        f" it infers); whole process {statistics.median(walls):.2f} s incl. the interpreter"
    )


#: The Spark schema of the README's recipe.
SPARK_SCHEMA = (
    "municipality string, country string, nuts string, rank long, fund string, status string, score double, "
    "likelihood double, rate double, rate_max double, eu_amount_eur double, failed_rules string, missing string"
)


def spark_recipe(frames: Any) -> Any:
    """The README's Spark function (``mapInPandas``), as written there."""
    import pandas as pd

    pack = fundmatch.load_rules()
    for frame in frames:
        rows = [{k: v for k, v in r.items() if pd.notna(v)} for r in frame.to_dict("records")]
        frame = pack.match_many(rows, IDEA, detail="summary").to_frame()
        yield frame.astype({"status": str})  # an ordered category in pandas; Spark's schema wants a string


def check_spark_recipe(n: int = 5000, chunk: int = 1000) -> None:
    """The Spark recipe on pandas chunks: same rows as one process, and the columns the schema names."""
    try:
        import pandas as pd
    except ImportError:
        print("Spark recipe: SKIPPED (pandas not installed)")
        return
    rows = synthetic(n)
    table = pd.DataFrame(rows)
    start = time.perf_counter()
    out = pd.concat(list(spark_recipe(table.iloc[i : i + chunk] for i in range(0, n, chunk))), ignore_index=True)
    seconds = time.perf_counter() - start
    one = fundmatch.load_rules().match_many(rows, IDEA, detail="summary").to_frame().astype({"status": str})
    columns = [part.split()[0] for part in SPARK_SCHEMA.split(", ")]
    same = out.reset_index(drop=True).equals(one.reset_index(drop=True))
    print(
        f"Spark recipe (mapInPandas function on {n // chunk} pandas chunks of {chunk:,}): {seconds:.2f} s;"
        f" rows {'identical to' if same else 'DIFFERENT from'} one process; columns"
        f" {'match' if list(out.columns) == columns else 'DO NOT MATCH'} the README's schema"
    )
    if not same or list(out.columns) != columns:
        print(f"  columns: {list(out.columns)}", file=sys.stderr)
        raise SystemExit(1)


def _write(rows: list[dict[str, Any]], path: Path) -> None:
    columns = sorted({k for row in rows for k in row})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="municipalities for the summary workload")
    parser.add_argument("--full", type=int, default=20_000, help="municipalities for the full-report workload")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--pack-cost-only", action="store_true", help="only the per-worker cost and the Spark recipe")
    args = parser.parse_args()
    pack_cost()
    check_spark_recipe()
    if args.pack_cost_only:
        return
    try:
        import dask.bag as db
    except ImportError:
        print("Dask bag: SKIPPED (pip install '.[dask]')")
        return
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
