"""Benchmark of fundmatch's text inference: load time, speed on a 100-word description, and quality.

Run from the repository root::

    python bench/inference.py            # figures
    python bench/inference.py --errors   # also every false positive and false negative of the eval set
    python bench/inference.py --last 28  # also the figures of the last 28 cases alone (a holdout block)

Quality is micro-averaged precision / recall / F1 over all (field, id) pairs of the labelled evaluation set
``tests/data/inference_eval.yaml``, per language and overall. No test framework, no assertions: it prints.
"""

from __future__ import annotations

import pathlib
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundmatch._resources import DEFAULT_PERIOD, PeriodLayout, period_folder  # noqa: E402
from fundmatch._vocabulary import Vocabulary  # noqa: E402
from fundmatch._yaml import load_yaml  # noqa: E402

VOCABULARY = PeriodLayout(period_folder(DEFAULT_PERIOD)).vocabulary
EVAL_SET = ROOT / "tests" / "data" / "inference_eval.yaml"
FIELDS = ("themes", "target_groups", "activities")

#: A realistic description of about 100 words (German, with a negation and a "not only" phrase).
TEXT_100_WORDS = (
    "Die Gemeinde plant im ehemaligen Feuerwehrhaus ein Begegnungszentrum, das nicht nur Geflüchteten und "
    "Asylbewerbern, sondern allen Einwohnerinnen und Einwohnern offensteht. Angeboten werden Sprachkurse auf "
    "verschiedenen Niveaus, Jobcoaching und Beratung zur Anerkennung von Berufsabschlüssen sowie eine "
    "Hausaufgabenhilfe für Schulkinder. Während der Kurse gibt es Kinderbetreuung, damit auch Mütter teilnehmen "
    "können. Ehrenamtliche aus dem Ort begleiten die Familien als Patinnen und Paten. Bauarbeiten sind nicht "
    "vorgesehen; die Räume werden nur gestrichen und mit Möbeln und Laptops ausgestattet. Im zweiten Jahr "
    "tauschen wir unsere Erfahrungen mit einer Partnergemeinde in Österreich aus und organisieren eine "
    "Informationskampagne gegen Rassismus im Sportverein. Am Ende steht eine kurze Auswertung."
)


def expected_pairs(case: dict) -> set[tuple[str, str]]:
    """The (field, id) pairs an annotator tagged for one case."""
    return {(field, id_) for field in FIELDS for id_ in case.get(field) or ()}


def evaluate(vocab: Vocabulary, cases: list[dict]) -> dict[str, tuple[int, int, int]]:
    """True positives, false positives and false negatives per language and overall ("all")."""
    counts: dict[str, list[int]] = {}
    for case in cases:
        got = {(t.field, t.id) for t in vocab.infer(case["text"])}
        want = expected_pairs(case)
        for key in (case["lang"], "all"):
            c = counts.setdefault(key, [0, 0, 0])
            c[0] += len(got & want)
            c[1] += len(got - want)
            c[2] += len(want - got)
    return {k: (v[0], v[1], v[2]) for k, v in counts.items()}


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall and F1 (1.0 when undefined)."""
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def main() -> None:
    """Print load time, inference time and quality figures."""
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        vocab = Vocabulary.load(VOCABULARY)
        loads.append(time.perf_counter() - t0)
    print(f"vocabulary {vocab.version}: {VOCABULARY.relative_to(ROOT)}")
    print(f"load time: median {statistics.median(loads) * 1000:.1f} ms over {len(loads)} loads")

    words = len(TEXT_100_WORDS.split())
    vocab.infer(TEXT_100_WORDS)  # warm-up
    runs = []
    for _ in range(300):
        t0 = time.perf_counter()
        vocab.infer(TEXT_100_WORDS)
        runs.append(time.perf_counter() - t0)
    print(
        f"inference, {words}-word description: median {statistics.median(runs) * 1000:.2f} ms, "
        f"p95 {sorted(runs)[int(len(runs) * 0.95)] * 1000:.2f} ms over {len(runs)} runs"
    )
    print("  inferred:", ", ".join(f"{t.field}.{t.id}" for t in vocab.infer(TEXT_100_WORDS)))

    cases = load_yaml(EVAL_SET)["cases"]
    t0 = time.perf_counter()
    counts = evaluate(vocab, cases)
    elapsed = time.perf_counter() - t0
    print(f"\nevaluation set: {len(cases)} cases ({elapsed * 1000 / len(cases):.2f} ms per case)")
    print(f"{'language':<9} {'cases':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7} {'F1':>6}")
    per_lang = {c["lang"] for c in cases}
    for lang in [*sorted(per_lang), "all"]:
        tp, fp, fn = counts[lang]
        n = len(cases) if lang == "all" else sum(1 for c in cases if c["lang"] == lang)
        p, r, f = prf(tp, fp, fn)
        print(f"{lang:<9} {n:>5} {tp:>4} {fp:>4} {fn:>4} {p:>9.3f} {r:>7.3f} {f:>6.3f}")

    if "--last" in sys.argv:
        n = int(sys.argv[sys.argv.index("--last") + 1])
        tp, fp, fn = evaluate(vocab, cases[-n:])["all"]
        p, r, f = prf(tp, fp, fn)
        print(f"\nlast {n} cases: tp={tp} fp={fp} fn={fn} precision {p:.3f} recall {r:.3f} F1 {f:.3f}")

    if "--errors" in sys.argv:
        print("\nerrors (FP = inferred but not tagged, FN = tagged but not inferred):")
        for case in cases:
            inferred = vocab.infer(case["text"])
            got = {(t.field, t.id) for t in inferred}
            want = expected_pairs(case)
            if got != want:
                print(f"[{case['lang']}] {case['text']}")
                for field, id_ in sorted(got - want):
                    ev = next(t for t in inferred if (t.field, t.id) == (field, id_))
                    print(f"    FP {field}.{id_}  <- {ev.matched!r} ~ {ev.term!r} ({ev.language}, {ev.similarity})")
                for field, id_ in sorted(want - got):
                    print(f"    FN {field}.{id_}")


if __name__ == "__main__":
    main()
