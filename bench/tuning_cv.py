"""Cross-validation of preference weights inside the development set's tuning half (never the check half).

A weight chosen because it raises the whole tuning half's top-1 may only fit those 96 cases. This script
splits the tuning half into folds by a fixed rule (within each paying fund, cases ordered by the SHA-256 of
their id, fold = position modulo the number of folds), chooses weights on all folds but one, and counts the
first-ranked funds on the fold left out, in turn. A change that generalises raises the held-out count, not
only the count on the cases it was chosen on. The check half is not read at all.

    python bench/tuning_cv.py                          # top-1 per fold with the packs' own weights
    python bench/tuning_cv.py --grid "ERDF.small_operation=-20|-10|-1;EAFRD.village_investment=15|20"

A grid lists, per preference (``FUND.rule_id``), the weights to try; for every fold the combination with the
most first-ranked hits on the other folds (text and themes modes together; ties to the packs' weights) is
measured on that fold (top-1, and top-2 beside it). Statuses and likelihoods do not depend on preference weights, so each case is matched
once and re-ranked for every combination; the re-ranking is checked against the engine's own order first.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import truth

_STATUS = {"eligible": 0, "unknown": 1, "ineligible": 2}


@dataclass
class _Fund:
    fund: str
    status: str
    likelihood: float
    prefs: list[tuple[str, float]]  # (FUND.rule_id, 1 when it passed, its chance when unknown, 0 when it failed)


@dataclass
class _Case:
    id: str
    paid_by: str
    fold: int
    funds: list[_Fund]


def folds_of(cases: list[Mapping[str, Any]], k: int) -> dict[str, int]:
    """The fixed fold of every case: within each paying fund, by SHA-256 order of the ids."""
    fold: dict[str, int] = {}
    for fund in sorted({c["paid_by"] for c in cases}):
        ids = sorted(
            (c["id"] for c in cases if c["paid_by"] == fund), key=lambda i: hashlib.sha256(i.encode()).hexdigest()
        )
        fold.update({case_id: n % k for n, case_id in enumerate(ids)})
    return fold


def _rank(funds: list[_Fund], weights: Mapping[str, float], order: Mapping[str, int]) -> list[str]:
    def key(f: _Fund) -> tuple[bool, float, int, int]:
        score = round(min(100.0, max(0.0, sum(weights[k] * v for k, v in f.prefs))), 1)
        return f.status == "ineligible", -round(score * f.likelihood, 3), _STATUS[f.status], order[f.fund]

    return [f.fund for f in sorted(funds, key=key)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--grid", default="", help='"FUND.rule=w1|w2;FUND.rule2=w1|w2"')
    args = parser.parse_args(argv)
    cases = [c for c in truth.read_cases() if c.get("kind") != "ineligible" and truth.half_of(c["id"]) == "tuning"]
    fold = folds_of(cases, args.folds)
    lau = truth.LauIndex.load()
    pack = truth.fundmatch.load_rules()
    order = {str(f): i for i, f in enumerate(pack.funds)}
    weights: dict[str, float] = {}
    rows: dict[str, list[_Case]] = {mode: [] for mode in truth.MODES}
    for mode in truth.MODES:
        for case in cases:
            report = pack.match(*truth.inputs(case, lau, mode))
            funds = []
            for result in report.ranking:
                prefs = []
                for hit in result.hits:
                    if hit.kind.value != "preference":
                        continue
                    key = f"{result.fund}.{hit.rule_id}"
                    weights[key] = hit.weight
                    chance = hit.likelihood if hit.likelihood is not None else 0.5
                    value = {"pass": 1.0, "unknown": chance}.get(hit.outcome.value, 0.0)
                    prefs.append((key, value))
                funds.append(_Fund(str(result.fund), result.status.value, result.likelihood, prefs))
            row = _Case(case["id"], case["paid_by"], fold[case["id"]], funds)
            if _rank(row.funds, weights, order) != [str(r.fund) for r in report.ranking]:
                raise SystemExit(f"{case['id']}: the re-ranking disagrees with the engine's; fix this script first")
            rows[mode].append(row)

    def hits(w: Mapping[str, float], folds: set[int], mode: str, top: int = 1) -> int:
        return sum(1 for r in rows[mode] if r.fold in folds and r.paid_by in _rank(r.funds, w, order)[:top])

    everything = set(range(args.folds))
    print(f"# tuning half only: {len(cases)} real cases in {args.folds} folds (check half not read)")
    for mode in truth.MODES:
        per_fold = " ".join(f"{hits(weights, {k}, mode)}/{sum(r.fold == k for r in rows[mode])}" for k in everything)
        total, two = hits(weights, everything, mode), hits(weights, everything, mode, 2)
        print(
            f"packs' weights, {mode:6}: top-1 {total}/{len(cases)} ({100 * total / len(cases):.1f} %); per fold {per_fold};"
            f" top-2 {two}/{len(cases)}"
        )
    if not args.grid:
        return 0
    spec = [
        (part.split("=")[0].strip(), [float(v) for v in part.split("=")[1].split("|")]) for part in args.grid.split(";")
    ]
    for name, _ in spec:
        if name not in weights:
            raise SystemExit(f"{name}: no such preference (write FUND.rule_id, e.g. ERDF.small_rural_place)")
    combos = [
        dict(zip([n for n, _ in spec], values, strict=True)) for values in itertools.product(*(v for _, v in spec))
    ]

    def chosen(folds: set[int]) -> dict[str, float]:
        def merit(combo: dict[str, float]) -> tuple[int, float]:
            w = {**weights, **combo}
            return sum(hits(w, folds, m) for m in truth.MODES), -sum(abs(combo[n] - weights[n]) for n in combo)

        return max(combos, key=merit)

    held = dict.fromkeys(truth.MODES, 0)
    held2 = dict.fromkeys(truth.MODES, 0)
    for k in sorted(everything):
        combo = chosen(everything - {k})
        w = {**weights, **combo}
        for mode in truth.MODES:
            held[mode] += hits(w, {k}, mode)
            held2[mode] += hits(w, {k}, mode, 2)
        shown = " ".join(f"{m}={hits(w, {k}, m)}" for m in truth.MODES)
        print(f"fold {k} held out: chosen {combo}; {shown}")
    print(
        "held-out top-1: "
        + ", ".join(f"{m} {held[m]}/{len(cases)} ({100 * held[m] / len(cases):.1f} %)" for m in truth.MODES)
        + "; top-2: "
        + ", ".join(f"{m} {held2[m]}/{len(cases)}" for m in truth.MODES)
    )
    best = chosen(everything)
    w = {**weights, **best}
    print(
        f"chosen on all folds: {best}; " + ", ".join(f"{m} {hits(w, everything, m)}/{len(cases)}" for m in truth.MODES)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
