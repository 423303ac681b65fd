"""How good are the answers? fundmatch scored on the development set of real funded projects.

The set (``tests/data/devset/*.yaml``, provenance per case, see its README) holds real local projects whose
paying fund is public, and constructed cases that a fund must refuse. Each case is typed in as an officer
would: country, place, applicant, partners' countries, budget, duration and the idea as two to four
sentences. Population, degree of urbanisation and NUTS-3 come from the LAU list in ``../shared/domain/``
where the place is found there (otherwise they stay unknown).

The set is split once, by a fixed rule: a case is in the *tuning* half when the first hex digit of the
SHA-256 of its id is 0-7, in the *check* half otherwise. Weights are tuned on the tuning half only; the
check half is the figure to report.

    python bench/truth.py                 # both halves, text only and with themes given
    python bench/truth.py --half check    # one half
    python bench/truth.py --half tuning --show-misses   # list the tuning half's cases the first fund got wrong

Misses are listed for the tuning half only (with each fund's status, fit and likelihood): the check half is for
reporting its aggregate figures, never for reading case by case.

Prints, per half and mode: top-1 and top-2 accuracy overall and per fund, the share of ineligible checks
flagged ``ineligible``, the 95 % Wilson interval of each share, and a confusion table (paid fund × fund ranked
first). Nothing here is a test.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import math
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
DEVSET = REPO / "tests" / "data" / "devset"
# The shared folder sits beside the checkout (or beside a folder holding several checkouts).
LAU = next(
    (p / "shared" / "domain" / "lau-2019.csv.gz" for p in REPO.parents if (p / "shared" / "domain").is_dir()),
    REPO.parent / "shared" / "domain" / "lau-2019.csv.gz",
)
FUNDS = ("AMIF", "ESF+", "ERDF", "EAFRD", "INTERREG")
MODES = ("text", "themes")

sys.path.insert(0, str(REPO))
import fundmatch  # noqa: E402


def half_of(case_id: str) -> str:
    """The fixed split: tuning when the SHA-256 of the id starts with 0-7, check otherwise."""
    return "tuning" if hashlib.sha256(case_id.encode()).hexdigest()[0] in "01234567" else "check"


def read_cases(folder: Path = DEVSET) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            if case["id"] in seen:
                raise SystemExit(f"{path.name}: case id {case['id']!r} is used twice")
            seen.add(case["id"])
            case["_file"] = path.name
            cases.append(case)
    return cases


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ß", "ss").strip()


@dataclass
class LauRow:
    lau: str
    name: str
    population: int | None
    degurba: int | None
    nuts3: str


@dataclass
class LauIndex:
    """Places of the LAU list by country and folded name (official suffixes such as ', Stadt' dropped)."""

    by_name: dict[tuple[str, str], list[LauRow]] = field(default_factory=dict)
    by_code: dict[tuple[str, str], LauRow] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = LAU) -> LauIndex:
        index = cls()
        if not path.exists():
            print(f"note: {path} not found: population, DEGURBA and NUTS stay unknown", file=sys.stderr)
            return index
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                country = "GR" if row["country"] == "EL" else row["country"]
                degurba = int(row["degurba"]) if row["degurba"] in {"1", "2", "3"} else None
                entry = LauRow(
                    lau=row["lau_code"],
                    name=row["name"],
                    population=int(row["population"]) if row["population"] else None,
                    degurba=degurba,
                    nuts3=row["nuts3_code"],
                )
                index.by_code[(country, row["lau_code"])] = entry
                for name in {row["name"], row["name_latin"]}:
                    for key in {_fold(name), _fold(re.split(r"[,(/]", name)[0])}:
                        if key:
                            index.by_name.setdefault((country, key), []).append(entry)
        return index

    def find(self, country: str, place: str | None, lau: str | None) -> LauRow | None:
        if lau:
            return self.by_code.get((country, str(lau)))
        if not place:
            return None
        rows = self.by_name.get((country, _fold(place)), [])
        # Names repeat within a country; the officer's town is, far more often than not, the largest of them.
        return max(rows, key=lambda r: r.population or 0) if rows else None


def inputs(case: Mapping[str, Any], lau: LauIndex, mode: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The profile and idea an officer would type for ``case`` (``mode``: text only, or themes given)."""
    country = case["country"]
    found = lau.find(country, case.get("place"), case.get("lau"))
    profile: dict[str, Any] = {"name": case.get("place") or "the applicant", "country": country}
    if found is not None and not case.get("acts_for_area"):
        profile.update(lau=found.lau, nuts=found.nuts3)
        if found.population is not None:
            profile["population"] = found.population
        if found.degurba is not None:
            profile["degurba"] = found.degurba
    elif found is not None:
        # An area applicant (region, LAG, association): the place locates it, but its size is not the town's.
        profile["nuts"] = found.nuts3
    for key in ("population", "degurba", "nuts", "leader_lag", "border_region", "eu_project_staff_fte"):
        if case.get(key) is not None:
            profile[key] = case[key]
    sentences = str(case["idea"]).strip()
    first = re.split(r"(?<=[.!?])\s", sentences, maxsplit=1)[0]
    idea: dict[str, Any] = {
        "title": first[:120],
        "description": sentences,
        "applicant_type": case.get("applicant_type") or "municipality",
        "partners": [
            {"country": p["country"], "type": p.get("type") or "other_public_body"} for p in case.get("partners") or []
        ],
    }
    for key in ("budget_eur", "duration_months", "start_date", "end_date", "completed_before_application"):
        if case.get(key) is not None:
            idea[key] = case[key]
    if mode == "themes":
        for key in ("themes", "target_groups", "activities"):
            if case.get(key):
                idea[key] = list(case[key])
    return profile, idea


@dataclass
class Outcome:
    case: Mapping[str, Any]
    ranking: list[str]
    statuses: dict[str, str]
    error: str | None = None
    # per fund: (fit score, likelihood), for reading the tuning half's misses
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)


def run(cases: Iterable[Mapping[str, Any]], lau: LauIndex, mode: str) -> list[Outcome]:
    pack = fundmatch.load_rules()
    outcomes = []
    for case in cases:
        profile, idea = inputs(case, lau, mode)
        try:
            report = pack.match(profile, idea)
        except Exception as exc:  # the script counts a refused input as a miss and says why
            outcomes.append(Outcome(case, [], {}, error=f"{type(exc).__name__}: {str(exc).splitlines()[0][:160]}"))
            continue
        ranking = [str(getattr(m.fund, "value", m.fund)) for m in report.ranking]
        statuses = {
            str(getattr(m.fund, "value", m.fund)): str(getattr(m.status, "value", m.status)) for m in report.ranking
        }
        scores = {str(getattr(m.fund, "value", m.fund)): (m.score, m.likelihood) for m in report.ranking}
        outcomes.append(Outcome(case, ranking, statuses, scores=scores))
    return outcomes


def _pct(hit: int, total: int) -> str:
    return f"{100 * hit / total:5.1f} % ({hit}/{total})" if total else "    –"


def wilson(hit: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval (95 % by default) of the share ``hit / total``, as fractions.

    A half holds a hundred-odd cases, a fund two or three dozen: the interval says how far a figure could move
    by the luck of which projects were gathered, so that a target is judged against it, not against the point.
    """
    if not total:
        return 0.0, 1.0
    share = hit / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    scale = 1 + z * z / total
    # At none and at all the bound is the share itself (rounding would leave it a hair inside).
    low = 0.0 if hit == 0 else max(0.0, (centre - spread) / scale)
    high = 1.0 if hit == total else min(1.0, (centre + spread) / scale)
    return low, high


def _interval(hit: int, total: int) -> str:
    low, high = wilson(hit, total)
    return f"{100 * low:.0f}–{100 * high:.0f}" if total else "–"


def score(outcomes: list[Outcome]) -> dict[str, Any]:
    paid = [o for o in outcomes if o.case.get("kind") != "ineligible"]
    refused = [o for o in outcomes if o.case.get("kind") == "ineligible"]
    per_fund: dict[str, list[Outcome]] = defaultdict(list)
    for o in paid:
        per_fund[o.case["paid_by"]].append(o)
    top1 = sum(1 for o in paid if o.ranking[:1] == [o.case["paid_by"]])
    top2 = sum(1 for o in paid if o.case["paid_by"] in o.ranking[:2])
    checks = [(o, fund) for o in refused for fund in o.case["must_not"]]
    flagged = sum(1 for o, fund in checks if o.statuses.get(fund) == "ineligible")
    confusion: Counter[tuple[str, str]] = Counter(
        (o.case["paid_by"], o.ranking[0] if o.ranking else "error") for o in paid
    )
    return {
        "paid": len(paid),
        "top1": top1,
        "top2": top2,
        "per_fund": {
            fund: (
                sum(1 for o in rows if o.ranking[:1] == [fund]),
                sum(1 for o in rows if fund in o.ranking[:2]),
                len(rows),
            )
            for fund, rows in sorted(per_fund.items())
        },
        "checks": len(checks),
        "flagged": flagged,
        "confusion": confusion,
        "errors": [o for o in outcomes if o.error],
    }


def print_scores(title: str, figures: dict[str, Any]) -> None:
    print(f"\n## {title}")
    paid, checks = figures["paid"], figures["checks"]
    print(f"top-1 {_pct(figures['top1'], paid)}   top-2 {_pct(figures['top2'], paid)}")
    print(f"ineligible checks flagged ineligible: {_pct(figures['flagged'], checks)}")
    print(
        f"95 % intervals (Wilson): top-1 {_interval(figures['top1'], paid)} %, top-2 {_interval(figures['top2'], paid)}"
        f" %, flagged {_interval(figures['flagged'], checks)} %"
    )
    print(f"{'fund':<9} {'top-1':>20} {'(95 %)':>8} {'top-2':>20}")
    for fund, (one, two, total) in figures["per_fund"].items():
        print(f"{fund:<9} {_pct(one, total):>20} {_interval(one, total):>8} {_pct(two, total):>20}")
    columns = [*FUNDS, "error"]
    print("confusion (rows: fund that paid; columns: fund ranked first)")
    print(f"{'':<9}" + "".join(f"{c:>9}" for c in columns))
    for fund in FUNDS:
        print(f"{fund:<9}" + "".join(f"{figures['confusion'].get((fund, c), 0):>9}" for c in columns))
    if figures["errors"]:
        print(f"inputs refused: {len(figures['errors'])}")
        for o in figures["errors"][:10]:
            print(f"  {o.case['id']}: {o.error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--half", choices=("tuning", "check", "both"), default="both")
    parser.add_argument("--mode", choices=(*MODES, "both"), default="both")
    parser.add_argument(
        "--show-misses", action="store_true", help="list the tuning half's cases whose first fund is wrong"
    )
    parser.add_argument("--folder", type=Path, default=DEVSET, help="the folder of case files")
    args = parser.parse_args(argv)
    cases = read_cases(args.folder)
    lau = LauIndex.load()
    halves = ("tuning", "check") if args.half == "both" else (args.half,)
    modes = MODES if args.mode == "both" else (args.mode,)
    counts = Counter(half_of(c["id"]) for c in cases)
    print(
        f"# fundmatch on the development set: {len(cases)} cases ({counts['tuning']} tuning, {counts['check']} check)"
    )
    for half in halves:
        chosen = [c for c in cases if half_of(c["id"]) == half]
        for mode in modes:
            outcomes = run(chosen, lau, mode)
            label = "text only (idea as sentences)" if mode == "text" else "themes, target groups and activities given"
            print_scores(f"{half} half, {label}", score(outcomes))
            if args.show_misses and half != "tuning":
                print("  (misses are listed for the tuning half only: the check half is read in aggregate)")
            elif args.show_misses:
                for o in outcomes:
                    if o.case.get("kind") == "ineligible":
                        missed = [f for f in o.case["must_not"] if o.statuses.get(f) != "ineligible"]
                        if missed:
                            print(f"  MISS {o.case['id']}: {missed} not ineligible ({o.statuses})")
                    elif o.ranking[:1] != [o.case["paid_by"]]:
                        funds = "; ".join(
                            f"{f} {o.statuses[f]} {o.scores[f][0]:g}×{o.scores[f][1]:g}" for f in o.ranking[:3]
                        )
                        print(f"  MISS {o.case['id']}: paid {o.case['paid_by']}, ranked {funds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
