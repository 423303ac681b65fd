"""Benchmark of fundmatch on this machine: load, single match, batch, and a hand-coded baseline.

Run from the repository root: ``python bench/run.py [--n 100000] [--skip-agreement]``. Plain Python, no test
framework; it prints figures and asserts nothing about time (speed is judged here, never in the test suite).

Besides the batch figures it measures start-up (``import fundmatch``, and ``fundmatch match``'s first answer,
each in a fresh process), a truly cold single match and the evaluation of the rules with every memo disabled,
each once with the compiled closures (`fundmatch._closures`) and once with rule-engine's own evaluator, in the
same run, and inference from a 1,000-word description.

The baseline is the same screening written by hand as plain Python: the shipped default period's statuses,
fit scores and co-financing rates, with no rule engine, no explanations and no models. It is the practical
limit for this work in CPython. It is a second copy of the rules, so it must never drift from the packs:
``agreement`` compares it with fundmatch, the script stops with exit code 1 before timing anything when they
disagree, and ``tests/test_bench_baseline.py`` runs the same check in the test suite. ``--skip-agreement``
times anyway, while the packs change faster than the baseline is rewritten: the baseline's figures (and the
ratio) then time rules that may differ from the packs', and the script says so.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
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


@contextlib.contextmanager
def memo_off() -> Iterator[None]:
    """Every memo of the engine disabled (nothing is remembered): each rule is evaluated on every call."""
    from fundmatch import _engine, _expressions

    saved = {
        (m, name): getattr(m, name)
        for m, names in ((_expressions, ["_CACHE_LIMIT"]), (_engine, ["_SUMMARY_LIMIT", "_HIT_LIMIT"]))
        for name in names
        if hasattr(m, name)
    }
    for m, name in saved:
        setattr(m, name, 0)
    try:
        yield
    finally:
        for (m, name), value in saved.items():
            setattr(m, name, value)


@contextlib.contextmanager
def evaluator(closures: bool) -> Iterator[None]:
    """Rules evaluated by the compiled closures (the default) or by rule-engine's own evaluator."""
    from fundmatch import _expressions

    saved = _expressions._CLOSURES
    _expressions._CLOSURES = closures
    try:
        yield
    finally:
        _expressions._CLOSURES = saved


def _process(argv: list[str], runs: int = 5) -> list[float]:
    """Wall times of a fresh process, after one warm-up run (file cache)."""
    subprocess.run(argv, capture_output=True, check=True)
    return sorted(_clock(lambda: subprocess.run(argv, capture_output=True, check=True)) for _ in range(runs))


def _conditions(pack) -> list:  # type: ignore[no-untyped-def]
    from fundmatch._pack import compiled_funds

    found = []
    for fund in compiled_funds(pack).values():
        found += [r.condition for r in fund.rules]
        found += [p.condition for r in fund.rules for p in r.priors if p.condition is not None]
        found += [r.condition for r in fund.rates if r.condition is not None]
    return found


def cold_and_unmemoised(profiles: list[dict]) -> None:
    """A truly cold single match, and rule evaluation per municipality with every memo disabled.

    Cold: a freshly loaded pack that remembers nothing (memo disabled, so no call warms the next), dict
    inputs, never-seen profiles. Both evaluators run in the same process on the same rows, alternated.
    """
    import fundmatch
    from fundmatch._facts import IdeaFacts
    from fundmatch._pack import RulePack

    folder = period_folder(DEFAULT_PERIOD)
    with memo_off():
        pack = RulePack(folder)
        idea = fundmatch.ProjectIdea.model_validate(IDEA)
        idea_facts = IdeaFacts(idea)
        rows = profiles[:3000]
        facts = [pack._facts(fundmatch.Municipality.model_validate(p), idea_facts, explain=False)[0] for p in rows]
        conditions = _conditions(pack)
        cold: dict[bool, list[float]] = {True: [], False: []}
        batch: dict[bool, list[float]] = {True: [], False: []}
        rules: dict[bool, list[float]] = {True: [], False: []}
        for repeat in range(3):
            for closures in (True, False) if repeat % 2 == 0 else (False, True):
                with evaluator(closures):
                    cold[closures] += [_clock(pack.match, p, IDEA) for p in rows[:100]]
                    batch[closures].append(_clock(lambda: pack.match_many(rows, idea, detail="summary")) / len(rows))
                    start = time.perf_counter()
                    for f in facts:
                        for c in conditions:
                            if c.reads and None in c._key(f.frozen):
                                continue  # missing: the engine answers unknown without evaluating
                            c._evaluate(f)
                    rules[closures].append((time.perf_counter() - start) / len(facts))
    fallbacks = sum(c.closure is None for c in conditions)

    def line(label: str, figures: dict[bool, list[float]], unit: float, fmt: str, note: str) -> None:
        a, b = statistics.median(figures[True]), statistics.median(figures[False])
        print(f"{label:42}{a * unit:{fmt}} vs {b * unit:{fmt}} with rule-engine's evaluator (×{b / a:.1f}){note}")

    print(
        f"compiled closures: {len(conditions) - fallbacks}/{len(conditions)} conditions ({fallbacks} left to rule-engine)"
    )
    line("single match, truly cold (ms)", cold, 1000, "7.3f", "  (median of 300; target ≤ 0.5 ms)")
    line("summary per municipality, no memo (µs)", batch, 1e6, "7.0f", f"  (median of 3 × {len(rows):,})")
    line(
        "all conditions per municipality, no memo (µs)",
        rules,
        1e6,
        "7.0f",
        f"  ({len(conditions)} conditions, {len(rows):,} rows)",
    )


def start_up() -> None:
    """Whole-process wall times: ``import fundmatch``, and ``fundmatch match``'s first answer."""
    bare = _process([sys.executable, "-c", "pass"])
    imported = _process([sys.executable, "-c", "import fundmatch"])
    with_engine = _process([sys.executable, "-c", "import fundmatch, rule_engine"])
    first = _process(
        [
            sys.executable,
            "-m",
            "fundmatch",
            "match",
            str(ROOT / "examples/profiles/bressanone.yaml"),
            str(ROOT / "examples/ideas/ausbildungsbruecke.yaml"),
        ]
    )
    med = statistics.median
    print(f"fresh process: python -c pass                {med(bare):7.3f} s  (median of 5)")
    print(
        f"fresh process: import fundmatch              {med(imported):7.3f} s  (min {imported[0]:.3f}; {med(imported) - med(bare):.3f} s over bare Python; target ≤ 0.2 s; rule-engine not imported)"
    )
    print(
        f"fresh process: import fundmatch, rule_engine {med(with_engine):7.3f} s  (what loading a pack adds first: rule-engine's parser tables)"
    )
    print(f"fresh process: fundmatch match (first answer) {med(first):6.3f} s  (min {first[0]:.3f}; target ≤ 0.35 s)")


def inference_1000_words() -> None:
    """Inference from a 1,000-word description per language, built from the labelled eval texts."""
    from fundmatch._vocabulary import Vocabulary
    from fundmatch._yaml import load_yaml

    vocab = Vocabulary.load(LAYOUT.vocabulary)
    cases = load_yaml(ROOT / "tests" / "data" / "inference_eval.yaml")
    cases = cases["cases"] if isinstance(cases, dict) else cases
    by_lang: dict[str, list[str]] = {}
    for case in cases:
        by_lang.setdefault(case["lang"], []).append(case["text"])
    times, distinct = [], []
    for lang in ("en", "de", "fr", "it", "es", "pl", "el", "nl"):
        words: list[str] = []
        while len(words) < 1000:  # the language's eval texts, repeated where they run out
            for text in by_lang[lang]:
                words += text.split()
        text = " ".join(words[:1000])
        distinct.append(len({w.lower() for w in words[:1000]}))
        vocab.infer(text)
        times.append(statistics.median(_clock(vocab.infer, text) for _ in range(20)))
    print(
        f"inference, 1,000-word description           {statistics.median(times) * 1000:7.2f} ms  (median over 8 languages, "
        f"{min(times) * 1000:.2f}–{max(times) * 1000:.2f} ms; {min(distinct)}–{max(distinct)} distinct words; target ≤ 2 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n", type=int, default=100_000, help="synthetic municipalities in the batch (default 100,000)"
    )
    parser.add_argument(
        "--skip-agreement",
        action="store_true",
        help="time even if the hand-written baseline disagrees with the packs (its figures then time other rules)",
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
    if problems and not args.skip_agreement:
        print(f"baseline disagrees with fundmatch for {len(problems):,}/3,000 municipalities, e.g.:", file=sys.stderr)
        print(f"  {problems[0]}", file=sys.stderr)
        print("update baseline() in bench/run.py to the packs before timing", file=sys.stderr)
        raise SystemExit(1)
    if problems:
        print(f"baseline DISAGREES with fundmatch         {len(problems):,}/3,000 municipalities (--skip-agreement)")
    else:
        print("baseline agrees with fundmatch            3,000/3,000 municipalities")

    folder = period_folder(DEFAULT_PERIOD)
    loads = [_clock(RulePack, folder) for _ in range(5)]
    print(f"import fundmatch (rule-engine is lazy)    {imported * 1000:8.1f} ms (once per process)")
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

    start_up()
    cold_and_unmemoised(profiles)
    inference_1000_words()


if __name__ == "__main__":
    main()
