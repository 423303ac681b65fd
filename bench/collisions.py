"""Which vocabulary terms fire on ordinary words of *other* languages (a check for the vocabulary's linguists).

Every term of ``rules/<period>/vocabulary.yaml`` matches text in every language, and words of 6+ letters match
with a typo: a Latvian stem can fire on a German word, a Romanian word on an English one by one letter. This
script runs the matcher on word lists (one word a line, e.g. Debian's ``wamerican``, ``wngerman``, ``wfrench``
... in ``/usr/share/dict``) and prints, for each term, how many words of another language it matched, with
examples, most first. A term with many hits on unrelated words is a candidate for narrowing (list inflected
forms instead of a stem, or give a wildcard to a word whose typo readings overreach).

Run from the repository root::

    python bench/collisions.py en=/usr/share/dict/american-english de=/usr/share/dict/ngerman fr=/usr/share/dict/french
    python bench/collisions.py --sample 50000 --top 100 it=/usr/share/dict/italian

No test framework, no assertions: it prints. Words with an apostrophe are skipped; large lists are sampled
(fixed seed) to ``--sample`` words.
"""

from __future__ import annotations

import collections
import pathlib
import random
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundmatch._vocabulary import Vocabulary  # noqa: E402

VOCABULARY = ROOT / "rules" / "2021-2027" / "vocabulary.yaml"


def option(name: str, default: int) -> int:
    """An integer command-line option ``--name N``."""
    if name in sys.argv:
        return int(sys.argv[sys.argv.index(name) + 1])
    return default


def main() -> None:
    """Print the terms that match words of other languages' word lists."""
    sample, top = option("--sample", 120_000), option("--top", 60)
    lists = [arg.split("=", 1) for arg in sys.argv[1:] if "=" in arg]
    if not lists:
        print(__doc__)
        return
    vocab = Vocabulary.load(VOCABULARY)
    rng = random.Random(1)
    hits: dict[tuple[str, str, str, str], list[str]] = collections.defaultdict(list)
    for lang, path in lists:
        with open(path, encoding="utf-8", errors="ignore") as lines:
            words = [w.strip() for w in lines if w.strip() and "'" not in w]
        if len(words) > sample:
            words = rng.sample(words, sample)
        for word in words:
            for term in vocab.infer(word):
                if term.language != lang:
                    hits[(term.field, term.id, term.term, term.language)].append(f"{lang}:{word}")
        print(f"{lang}: {len(words)} words from {path}")
    print(f"\n{'hits':>5}  term (language, id): words of other languages it matched")
    for (field, id_, raw, lang), words in sorted(hits.items(), key=lambda kv: -len(kv[1]))[:top]:
        print(f"{len(words):>5}  {raw!r} ({lang}, {field}.{id_}): {', '.join(words[:8])}")


if __name__ == "__main__":
    main()
