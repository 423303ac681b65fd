"""Benchmark of fundmatch on this machine: load, single match, batch, and a hand-coded baseline.

Run from the repository root: ``python bench/run.py [--n 100000]``. Plain Python, no test framework; it
prints figures and asserts nothing about time (speed is judged here, never in the test suite).

The baseline is the same screening written by hand as plain Python: the shipped default period's statuses,
fit scores and co-financing rates, with no rule engine, no explanations and no models. It is the practical
limit for this work in CPython. It is a second copy of the rules, so it must never drift from the packs:
``agreement`` compares it with fundmatch, the script stops with exit code 1 before timing anything when they
disagree, and ``tests/test_bench_baseline.py`` runs the same check in the test suite.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundmatch._countries import EU_MEMBER_STATES, to_eurostat  # noqa: E402
from fundmatch._interreg_areas import InterregAreas  # noqa: E402
from fundmatch._pack import forget_answers  # noqa: E402
from fundmatch._regions import RegionTable  # noqa: E402
from fundmatch._resources import DEFAULT_PERIOD, PeriodLayout, period_folder  # noqa: E402

LAYOUT = PeriodLayout(period_folder(DEFAULT_PERIOD))

EU = sorted(EU_MEMBER_STATES)
TCN = {"third_country_nationals", "refugees", "asylum_seekers", "unaccompanied_minors"}
IDEA = {
    "title": "Language café and mentoring for newcomers",
    "themes": ["migrant_integration", "language_learning", "social_inclusion"],
    "target_groups": ["refugees", "third_country_nationals"],
    "activities": ["language_courses", "mentoring", "training"],
    "applicant_type": "municipality",
    "partners": [{"country": "AT", "type": "ngo"}],
    "budget_eur": 120_000.0,
    "duration_months": 24,
}


def _regions() -> dict[str, tuple[str, bool]]:
    # The tables are read by their one reader each; the baseline only hard-codes the rules.
    return {r.nuts2: (r.category.value, r.outermost) for r in RegionTable.load(LAYOUT.regions)}


def _cross_border_regions() -> set[str]:
    return {p.region for p in InterregAreas.load(LAYOUT.areas) if p.cross_border}


CROSS_BORDER = _cross_border_regions()


def synthetic(n: int, seed: int = 2027) -> list[dict]:
    """``n`` seeded, realistic municipality profiles (plain dicts)."""
    rng = random.Random(seed)
    by_country: dict[str, list[str]] = {}
    for code in _regions():
        by_country.setdefault(code[:2], []).append(code)
    rows = []
    for i in range(n):
        country = rng.choice(EU)
        prefix = to_eurostat(country)
        nuts = rng.choice(by_country[prefix]) + rng.choice("123456789") if rng.random() < 0.9 else None
        row = {
            "name": f"Municipality {i}",
            "country": country,
            "population": int(rng.lognormvariate(8.5, 1.4)) + 50,
            "degurba": rng.choice([1, 2, 3, 3, 3, None]),
            "leader_lag": rng.choice([True, False, None]),
            "border_region": rng.choice([True, False, None]),
            "eu_project_staff_fte": rng.choice([None, 0.1, 0.5, 1.0, 2.0]),
            "third_country_national_share": rng.choice([None, 0.01, 0.05, 0.12]),
        }
        if nuts:
            row["nuts"] = nuts
        rows.append({k: v for k, v in row.items() if v is not None})
    return rows


# ----------------------------------------------------------------------------------------------- baseline
def _score(prefs: list[tuple[float, bool | None]]) -> float:
    total = sum(w for w, _ in prefs)
    got = sum(w for w, ok in prefs if ok) + 0.5 * sum(w for w, ok in prefs if ok is None)
    return round(100.0 * got / total, 1)


def _status(reqs: list[bool | None]) -> str:
    if any(r is False for r in reqs):
        return "ineligible"
    return "unknown" if any(r is None for r in reqs) else "eligible"


def _ge(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit


def baseline(
    profile: dict, idea: dict, regions: dict[str, tuple[str, bool]]
) -> list[tuple[str, str, float, float | None]]:
    """The shipped rules by hand: (fund, status, score, rate) ranked like fundmatch."""
    country = profile["country"]
    member = country in EU
    nuts = profile.get("nuts")
    category, outermost = regions.get(nuts[:4], (None, None)) if nuts else (None, None)
    category = profile.get("region_category", category)
    if outermost is None:
        outermost = False if country not in ("ES", "FR", "PT") else None
    themes, groups, acts = set(idea["themes"]), set(idea["target_groups"]), set(idea["activities"])
    countries = {p["country"] for p in idea["partners"]} | {country}
    foreign = len(countries - {country})
    staff, share = profile.get("eu_project_staff_fte"), profile.get("third_country_national_share")
    public = idea["applicant_type"] in ("municipality", "association_of_municipalities", "region", "ngo")
    tcn = bool(groups & TCN)
    lag = profile.get("leader_lag")
    border = profile.get("border_region")
    if border is None and nuts and (nuts in CROSS_BORDER or nuts[:4] in CROSS_BORDER):
        border = True

    def cohesion_rate() -> float | None:
        if outermost:
            return 0.85
        if outermost is None or category is None:
            return None
        return {"less_developed": 0.85, "transition": 0.60, "more_developed": 0.40}[category]

    results = []
    amif_themes = {
        "migrant_integration",
        "language_learning",
        "employment",
        "skills_training",
        "education",
        "housing",
        "health",
        "social_inclusion",
        "anti_discrimination",
        "civic_participation",
        "childcare",
        "capacity_building",
        "culture_sport",
    }
    results.append(
        (
            "AMIF",
            _status([member, country != "DK", tcn, bool(themes & amif_themes)]),
            _score(
                [
                    (25, public),
                    (20, "construction" not in acts),
                    (
                        25,
                        bool(
                            acts
                            & {
                                "language_courses",
                                "counselling",
                                "mentoring",
                                "training",
                                "social_services",
                                "awareness",
                            }
                        ),
                    ),
                    (15, _ge(share, 0.02)),
                    (15, _ge(staff, 0.5)),
                ]
            ),
            0.90 if "unaccompanied_minors" in groups or (public and tcn) else 0.75,
        )
    )
    esf_themes = {
        "employment",
        "skills_training",
        "education",
        "social_inclusion",
        "migrant_integration",
        "language_learning",
        "anti_discrimination",
        "childcare",
        "health",
        "housing",
        "capacity_building",
    }
    disadvantaged = {
        "long_term_unemployed",
        "young_neet",
        "roma",
        "persons_with_disabilities",
        "women",
        "older_people",
        "children",
    } | TCN
    results.append(
        (
            "ESF+",
            _status([member, bool(themes & esf_themes), not (acts <= {"construction", "renovation", "equipment"})]),
            _score(
                [
                    (20, tcn),
                    (25, bool(groups & disadvantaged)),
                    (
                        35,
                        bool(
                            acts
                            & {
                                "training",
                                "language_courses",
                                "counselling",
                                "job_placement",
                                "mentoring",
                                "social_services",
                            }
                        ),
                    ),
                    (10, "construction" not in acts),
                    (20, _ge(staff, 0.5)),
                ]
            ),
            cohesion_rate(),
        )
    )
    erdf_themes = {
        "infrastructure",
        "housing",
        "health",
        "education",
        "social_inclusion",
        "migrant_integration",
        "culture_sport",
        "tourism",
        "energy_climate",
        "digital",
        "transport",
        "research_innovation",
        "business_support",
        "rural_development",
        "childcare",
        "employment",
        "skills_training",
        "civic_participation",
    }
    results.append(
        (
            "ERDF",
            _status([member, bool(themes & erdf_themes)]),
            _score(
                [
                    (40, bool(acts & {"construction", "renovation", "equipment"})),
                    (15, tcn),
                    (
                        20,
                        bool(
                            themes
                            & {
                                "housing",
                                "health",
                                "education",
                                "social_inclusion",
                                "childcare",
                                "migrant_integration",
                                "employment",
                                "culture_sport",
                            }
                        ),
                    ),
                    (
                        10,
                        bool(
                            themes
                            & {
                                "culture_sport",
                                "tourism",
                                "civic_participation",
                                "rural_development",
                                "social_inclusion",
                                "infrastructure",
                            }
                        ),
                    ),
                    (10, bool(themes & {"digital", "research_innovation", "business_support", "energy_climate"})),
                    (15, _ge(staff, 1)),
                ]
            ),
            cohesion_rate(),
        )
    )
    degurba = profile.get("degurba")
    if lag:
        eafrd_rate: float | None = 0.80
    elif lag is None:
        eafrd_rate = None
    elif category == "less_developed":
        eafrd_rate = 0.85
    elif outermost:
        eafrd_rate = 0.80
    elif category is None or outermost is None:
        eafrd_rate = None
    else:
        eafrd_rate = {"transition": 0.60, "more_developed": 0.43}.get(category)
    results.append(
        (
            "EAFRD",
            _status([member, lag]),
            _score(
                [
                    (30, _ge(degurba, 2)),
                    (20, profile["population"] <= 150000),
                    (
                        30,
                        bool(
                            themes
                            & {
                                "rural_development",
                                "social_inclusion",
                                "migrant_integration",
                                "culture_sport",
                                "tourism",
                                "agriculture_food",
                                "civic_participation",
                                "business_support",
                                "childcare",
                                "capacity_building",
                                "energy_climate",
                                "digital",
                                "language_learning",
                            }
                        ),
                    ),
                    (20, _ge(staff, 0.2)),
                ]
            ),
            eafrd_rate,
        )
    )
    results.append(
        (
            "INTERREG",
            _status([len(countries) >= 2, len(countries & set(EU)) >= 1]),
            _score(
                [
                    (40, border),
                    (30, foreign >= 1),
                    (30, bool(acts & {"exchange_of_practice", "networking", "pilot_action", "study", "training"})),
                    (5, len(countries) >= 3),
                    (10, member),
                ]
            ),
            0.80,
        )
    )
    order = {"eligible": 0, "unknown": 1, "ineligible": 2}
    funds = {"AMIF": 0, "ESF+": 1, "ERDF": 2, "EAFRD": 3, "INTERREG": 4}
    results.sort(key=lambda r: (order[r[1]], -r[2], funds[r[0]]))
    return results


def agreement(n: int = 3000) -> list[str]:
    """Where the hand-written baseline and fundmatch disagree on ``n`` synthetic municipalities (empty: none)."""
    import fundmatch

    pack = fundmatch.load_rules()
    regions = _regions()
    profiles = synthetic(n)
    idea = fundmatch.ProjectIdea.model_validate(IDEA)
    problems = []
    for profile, summary in zip(profiles, pack.match_many(profiles, idea, detail="summary"), strict=True):
        mine = [(str(r.fund), r.status.value, r.score, r.rate) for r in summary.ranking]
        theirs = baseline(profile, IDEA, regions)
        if mine != theirs:
            problems.append(f"{profile}: fundmatch {mine} but the baseline {theirs}")
    return problems


# ------------------------------------------------------------------------------------------------- timing
def _clock(fn, *args) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=100_000, help="synthetic municipalities in the batch (default 100,000)"
    )
    args = parser.parse_args()
    print(f"fundmatch benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}")

    # Import cost in a fresh process (this one has imported fundmatch already).
    bare = min(_clock(subprocess.run, [sys.executable, "-c", "pass"]) for _ in range(3))
    full = min(_clock(subprocess.run, [sys.executable, "-c", "import fundmatch"]) for _ in range(3))
    imported = full - bare
    import fundmatch
    from fundmatch._pack import RulePack

    # Agreement first: a baseline that disagrees with the packs would time the wrong rules.
    problems = agreement()
    if problems:
        print(f"baseline disagrees with fundmatch for {len(problems):,}/3,000 municipalities, e.g.:", file=sys.stderr)
        print(f"  {problems[0]}", file=sys.stderr)
        print("update baseline() in bench/run.py to the packs before timing", file=sys.stderr)
        raise SystemExit(1)
    print("baseline agrees with fundmatch            3,000/3,000 municipalities")

    folder = period_folder(DEFAULT_PERIOD)
    loads = [_clock(RulePack, folder) for _ in range(5)]
    print(f"import fundmatch (incl. rule-engine)      {imported * 1000:8.1f} ms (once per process)")
    print(
        f"load + compile {DEFAULT_PERIOD} packs            {statistics.median(loads) * 1000:8.1f} ms (median of 5; target < 200 ms)"
    )

    pack = fundmatch.load_rules()
    regions = _regions()
    profiles = synthetic(args.n)
    idea = fundmatch.ProjectIdea.model_validate(IDEA)
    models = [fundmatch.Municipality.model_validate(p) for p in profiles[:2000]]

    singles = [_clock(pack.match, m, idea) for m in models]
    print(
        f"single match, warm (memoised rules)       {statistics.median(singles) * 1000:8.3f} ms (median of {len(models):,}; target < 2 ms)"
    )
    cold = []
    for m in models[:300]:
        forget_answers(pack)
        cold.append(_clock(pack.match, m, idea))
    print(f"single match, cold (no memo)              {statistics.median(cold) * 1000:8.3f} ms (median of 300)")

    gc.collect()
    start = time.perf_counter()
    pack.match_many(profiles, idea, detail="summary")
    t_summary = time.perf_counter() - start
    start = time.perf_counter()
    for profile in profiles:
        baseline(profile, IDEA, regions)
    t_base = time.perf_counter() - start
    full_n = min(10_000, len(profiles))
    start = time.perf_counter()
    for _report in pack.iter_match(profiles[:full_n], idea):
        pass
    t_stream = (time.perf_counter() - start) * len(profiles) / full_n
    start = time.perf_counter()
    held_reports = pack.match_many(profiles[:full_n], idea)
    t_full = (time.perf_counter() - start) * len(profiles) / full_n
    del held_reports
    n = len(profiles)
    print(f"match_many {n:,}, detail=summary        {t_summary:8.2f} s  ({n / t_summary:,.0f} municipalities/s)")
    print(f"iter_match {n:,}, full reports (est.)   {t_stream:8.2f} s  ({n / t_stream:,.0f}/s, from {full_n:,})")
    print(f"match_many {n:,}, full reports held     {t_full:8.2f} s  ({n / t_full:,.0f}/s, from {full_n:,})")
    print(f"hand-coded baseline {n:,}              {t_base:8.2f} s  ({n / t_base:,.0f} municipalities/s)")
    print(f"ratio fundmatch summary / baseline        {t_summary / t_base:8.1f} x  (target within 3 x)")

    # Memory: statuses only, streamed, versus every full trace held.
    tracemalloc.start()
    counts = Counter(str(r.ranking[0].fund) for r in pack.iter_match(profiles, idea, detail="summary"))
    stream_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.reset_peak()
    held = pack.match_many(profiles, idea, detail="summary")
    summary_peak = tracemalloc.get_traced_memory()[1]
    del held
    tracemalloc.reset_peak()
    full = pack.match_many(profiles[:full_n], idea)
    full_peak = tracemalloc.get_traced_memory()[1] * n / full_n
    del full
    tracemalloc.stop()
    print(
        f"memory, streamed iter_match (summary)     {stream_peak / 2**20:8.1f} MiB peak  (best fund counts: {dict(counts)})"
    )
    print(f"memory, match_many summary list           {summary_peak / 2**20:8.1f} MiB peak")
    print(f"memory, full reports held (est.)          {full_peak / 2**20:8.1f} MiB peak")


if __name__ == "__main__":
    main()
