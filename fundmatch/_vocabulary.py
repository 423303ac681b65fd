"""Infer themes, target groups and activities from an idea's free text, in any of the EU languages.

A municipal officer writes "Sprachkurse und Jobcoaching für Geflüchtete im Gemeindezentrum" or "corsi di italiano
per donne bengalesi con servizio di babysitting"; the rules need ids (``language_courses``, ``refugees`` ...). The
words live in a data file, ``rules/<period>/vocabulary.yaml`` (its format is documented at its top), so that a
linguist can correct them without touching code; `fundmatch._vocabulary_file` reads that file strictly and this
module matches it.

How a text is matched
---------------------
1. The text is cut into words; each word is *folded* (case-folded, accents stripped, ``ł``/``ø``/``æ``/``œ``
   spelt out, Greek tonos and final sigma normalised) so that "Gefluchtete", "GEFLÜCHTETE" and "geflüchtete" are
   the same word, and so are "μαθηματα" and "Μαθήματα".
2. Each distinct word is looked up against the vocabulary's words: exactly (a dict), by declared wildcard stem
   (``uchodźc*``, ``*beratung``, ``*sprachkurs*``: dict look-ups over the word's prefixes and suffixes), and,
   unless it is a vocabulary word exactly, with typo tolerance: ``rapidfuzz.process.extract`` with the
   optimal-string-alignment distance against the vocabulary words of 6+ letters that share its first letter,
   lengths differing by at most one letter; one edit (a swap of neighbours counts as one; 6-letter words only
   one letter more or less), two from 12 letters. The reported similarity is ``fuzz.ratio``. Shorter words
   match exactly and whole, which keeps "Roma" from matching "roman". Cross-language similarity is not used:
   every language's terms are in the vocabulary.
3. Multi-word terms are assembled from consecutive words (one extra word may sit between two of a term's
   words, at a small cost in similarity); a term never spans a sentence.
4. When one match lies inside a longer one, only the longer counts ("language courses" is not also "courses";
   "réseau de chaleur" is not networking).

Negation
--------
Precision matters more than recall where a cue reverses the meaning, so cue words from the vocabulary's
``negation`` section are matched like terms (exactly, no typo tolerance) and applied as follows:

* ``before`` cues ("no", "keine", "senza", "bez", "χωρίς" ...) negate a term that starts at most 3 words after
  them in the same clause (a comma, semicolon, colon, bracket or dash ends a clause): "no construction works",
  "Pas de travaux", "Senza lavori edili". A negated term yields nothing.
* ``after`` cues negate a term that ends at most 2 words before them: "Bauarbeiten sind nicht vorgesehen".
* ``not_only`` phrases ("not only", "nicht nur", "non solo", "nie tylko" ...) widen rather than negate: they
  stop the search for a cue, so "not only for refugees but for all residents" yields both ``refugees`` and
  ``general_population``. When cues overlap the longer one wins ("not only" over "not", "sin embargo" over "sin").
* ``contrast`` words ("but", "sondern", "ma", "utan" ...) end a negation's scope: "not X but Y" negates X only.
  A word that is both a cue and a contrast (Swedish "utan": "without" or "but") is a contrast when a negation
  precedes it in the sentence ("inte bara ... utan"), a negation otherwise ("utan byggarbeten").
* A cue inside a longer matched term is part of that term, not a negation ("menores no acompañados",
  "not in employment, education or training", "non-EU citizens").
* A cue applies only when its language is one of the matched term's languages and, where the clause (or else
  the sentence) contains terms of a single language, one of those: Portuguese "no" means "in the", so it must
  not negate "no centro cultural", while Spanish "no" must.

Mere mentions of the past ("after last year's renovation") are not detected; see the eval set for the rate.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import os
import pathlib
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from fundmatch import _cache
from fundmatch._evidence import InferredTerm
from fundmatch._fold import fold
from fundmatch._vocabulary_file import _FIELDS, _LANGUAGES, _MIN_STEM, _NEGATION_KINDS, VocabularyFile, _Pattern, _Term
from fundmatch._yaml import parse_yaml_bytes, read_file

#: Words shorter than this match exactly only (typo tolerance on short words gives "Roma" ~ "roman",
#: and "roman" ~ "Romani").
_MIN_FUZZY = 6
#: Typo tolerance, by word length: 6 letters, one letter more or less ("seekrs"); up to 11 letters one
#: edit, a swap of two neighbours counting as one ("Langauge"); from 12 letters two edits ("kinderbetreung").
#: The lengths may differ by one letter at most: a longer difference is a compound or another word
#: ("Bürgerbus" is not "burgers", "alimenté" is not "alimentare").
_SHORT_WORD = 6
_LONG_WORD = 12
#: Similarity lost for each extra word inside a multi-word term.
_GAP_PENALTY = 5.0
#: Words allowed between a ``before`` cue and its term, and between a term and an ``after`` cue.
_BEFORE_SCOPE = 3
_AFTER_SCOPE = 2

_WORD_RE = re.compile(r"[^\W_]+")
_SENTENCE_BREAK = re.compile(r"[.;:!?]")
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]\u2013\u2014]|\s-\s")
#: Priority among cues with the same span (higher wins).
_CUE_PRIORITY = {"not_only": 3, "after": 2, "before": 1, "contrast": 0}


# The text and the vocabulary are compared in the one folded form (see fundmatch._fold).
_fold = fold


@functools.cache
def _code_key() -> tuple[bytes, ...]:
    """What a vocabulary read from the cache depends on besides its file: the code that reads and folds it, the
    ids it may name, and Unicode's tables (folding strips accents by them)."""
    here = pathlib.Path(__file__).parent
    sources = [_cache.file_bytes(here / f"{name}.py") for name in ("_vocabulary_file", "_vocabulary", "_fold", "_ids")]
    return (*sources, unicodedata.unidata_version.encode(), sys.version.encode())


@dataclass
class _Match:
    term: int
    start: int  # first token
    end: int  # last token (inclusive)
    score: float


class Vocabulary(VocabularyFile):
    """The multilingual vocabulary of one rule-pack period, ready to infer ids from free text.

    Example:
        >>> vocab = Vocabulary.load("rules/<period>/vocabulary.yaml")  # doctest: +SKIP
        >>> [(t.field, t.id) for t in vocab.infer("Deutschkurse für Geflüchtete")]  # doctest: +SKIP
        [('activities', 'language_courses'), ('target_groups', 'refugees'), ('themes', 'language_learning'),
         ('themes', 'migrant_integration')]
    """

    def __init__(self) -> None:
        super().__init__()
        self._exact: dict[str, list[int]] = {}
        self._prefix: dict[str, list[int]] = {}
        self._suffix: dict[str, list[int]] = {}
        self._infix: list[tuple[str, int]] = []
        self._fuzzy: dict[str, tuple[list[str], list[int]]] = {}
        self._by_first: dict[int, list[int]] = {}
        # The longest stem of each kind: a word's prefixes and suffixes are tried only up to it, which keeps
        # inference linear in the text (a 360,000-letter "word" from NFKD-expanded U+FDFA took 55 s otherwise).
        self._longest_prefix = 0
        self._longest_suffix = 0
        self._longest_fuzzy = 0

    # ------------------------------------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | pathlib.Path) -> Vocabulary:
        """Read and validate a vocabulary file.

        Raises:
            RulePackError: the file is unreadable, not strict YAML, or names an unknown field, id or language,
                or holds a term that is not a string in a list (the message names the file and line).
        """
        path = pathlib.Path(path)
        raw = read_file(path)
        # The folded patterns and terms are kept in the load cache (`fundmatch._cache`), keyed by the file's
        # bytes and the code that reads and folds them: reading the YAML and folding ~11,000 terms is most of a
        # load. A file that is not in the cache is read, and checked, in full.
        key = _cache.digest([raw, *_code_key()])
        name = f"vocabulary-{hashlib.sha256(os.fsencode(str(path.resolve()))).hexdigest()[:16]}.json"
        vocab = cls()
        vocab.path = path
        cached = _cache.read(name, key)
        if cached is not None:
            try:
                vocab._restore(cached)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError, RecursionError):
                vocab = cls()  # corrupt: read from the file below, never trusted
                vocab.path = path
            else:
                vocab._index()
                return vocab
        vocab._read(parse_yaml_bytes(raw, path), path)
        vocab._index()
        _cache.write(name, key, vocab._plain())
        return vocab

    def _plain(self) -> dict[str, Any]:
        """What reading the file gave, as JSON-able data for the load cache."""
        return {
            "version": self.version,
            "patterns": [[p.stem, p.lead, p.trail] for p in self._patterns],
            "terms": [[t.kind, t.id, t.raw, list(t.langs), list(t.patterns)] for t in self._terms],
            "implies": [[field, id_, [list(i) for i in implied]] for (field, id_), implied in self._implies.items()],
        }

    def _restore(self, data: Any) -> None:
        """The state `_plain` recorded, checked as strictly as a file it could not have come from would be.

        (The indexes that only catch duplicates while a file is read stay empty.)
        """
        if not isinstance(data, dict) or set(data) != {"version", "patterns", "terms", "implies"}:
            raise ValueError("not a vocabulary record")
        if not isinstance(data["version"], str) or not data["version"]:
            raise ValueError("version")
        self.version = data["version"]
        patterns = [_Pattern(stem, lead, trail) for stem, lead, trail in data["patterns"]]
        if not all(type(p.stem) is str and p.stem and type(p.lead) is bool and type(p.trail) is bool for p in patterns):
            raise ValueError("pattern")
        ids = {kind: set(values) for kind, values in _FIELDS.items()} | dict.fromkeys(_NEGATION_KINDS, {""})
        languages, count = set(_LANGUAGES), len(patterns)
        terms = [_Term(kind, id_, raw, tuple(langs), tuple(used)) for kind, id_, raw, langs, used in data["terms"]]
        for term in terms:
            if term.id not in ids[term.kind] or type(term.raw) is not str or not term.langs or not term.patterns:
                raise ValueError("term")
            if not languages.issuperset(term.langs):
                raise ValueError("language")
            if not all(type(i) is int and 0 <= i < count for i in term.patterns):
                raise ValueError("pattern index")
        for field, id_, implied in data["implies"]:
            pairs = tuple((f, i) for f, i in implied)
            if id_ not in ids[field] or field not in _FIELDS or not all(i in _FIELDS[f] for f, i in pairs):
                raise ValueError("implies")
            self._implies[(field, id_)] = pairs
        self._patterns, self._terms = patterns, terms

    def _index(self) -> None:
        """Build the look-up tables used by `infer` (once, at load)."""
        content_patterns: set[int] = set()
        for i, term in enumerate(self._terms):
            self._by_first.setdefault(term.patterns[0], []).append(i)
            if term.kind in _FIELDS:
                content_patterns.update(term.patterns)
        fuzzy: dict[str, tuple[list[str], list[int]]] = {}
        for i, p in enumerate(self._patterns):
            if p.lead and p.trail:
                self._infix.append((p.stem, i))
            elif p.lead:
                self._suffix.setdefault(p.stem, []).append(i)
            elif p.trail:
                self._prefix.setdefault(p.stem, []).append(i)
            else:
                self._exact.setdefault(p.stem, []).append(i)
                # Typo tolerance only for content words: cues are short and must match exactly.
                if i in content_patterns and len(p.stem) >= _MIN_FUZZY:
                    words, ids = fuzzy.setdefault(p.stem[0], ([], []))
                    words.append(p.stem)
                    ids.append(i)
        self._fuzzy = fuzzy
        self._longest_prefix = max(map(len, self._prefix), default=0)
        self._longest_suffix = max(map(len, self._suffix), default=0)
        self._longest_fuzzy = max((len(w) for words, _ in fuzzy.values() for w in words), default=0)

    # ---------------------------------------------------------------------------------------------- inference
    def infer(self, text: str) -> list[InferredTerm]:
        """Every theme, target group and activity id found in ``text``, each once with its best evidence.

        Returns:
            `InferredTerm` items sorted by (field, id).
        """
        text = unicodedata.normalize("NFC", text or "")
        spans = [(m.start(), m.end()) for m in _WORD_RE.finditer(text)]
        if not spans:
            return []
        words = [_fold(text[a:b]) for a, b in spans]
        sentence, clause = self._segments(text, spans)
        cache: dict[str, dict[int, float]] = {}
        hits = [cache[w] if w in cache else cache.setdefault(w, self._word_hits(w)) for w in words]

        content: list[_Match] = []
        cues: list[_Match] = []
        for start, found in enumerate(hits):
            for pattern, score in found.items():
                for t in self._by_first.get(pattern, ()):
                    match = self._extend(t, start, score, hits, sentence)
                    if match is not None:
                        (content if self._terms[t].kind in _FIELDS else cues).append(match)

        content = self._longest(content)
        cue_at = self._resolve_cues(cues, content, sentence)
        return self._evidence(text, spans, content, cue_at, clause, sentence)

    @staticmethod
    def _segments(text: str, spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        """Sentence and clause number of each word, from the punctuation between words."""
        sentence, clause = [0], [0]
        for (_, prev_end), (start, _) in itertools.pairwise(spans):
            gap = text[prev_end:start]
            sentence.append(sentence[-1] + (1 if _SENTENCE_BREAK.search(gap) else 0))
            clause.append(clause[-1] + (1 if _CLAUSE_BREAK.search(gap) else 0))
        return sentence, clause

    def _word_hits(self, word: str) -> dict[int, float]:
        """The vocabulary patterns one folded word matches, with their similarity."""
        found: dict[int, float] = {}
        for i in self._exact.get(word, ()):
            found[i] = 100.0
        n = len(word)
        if self._prefix:
            for k in range(_MIN_STEM, min(n, self._longest_prefix) + 1):
                for i in self._prefix.get(word[:k], ()):
                    found[i] = 100.0
        if self._suffix:
            for k in range(max(0, n - self._longest_suffix), n - _MIN_STEM + 1):
                for i in self._suffix.get(word[k:], ()):
                    found[i] = 100.0
        for stem, i in self._infix:
            if stem in word:
                found[i] = 100.0
        # A word that is a vocabulary word exactly is what the writer meant: no typo readings of it ("refugees"
        # is not also French "réfugiées"). A wildcard hit does not count: "Handwerksbetrieben" matches
        # "handwerk*" and, by inflection, "Handwerksbetriebe".
        # A typo reading differs from its stem by at most one letter in length: longer words cannot have one.
        if word not in self._exact and _MIN_FUZZY <= n <= self._longest_fuzzy + 1 and word[0] in self._fuzzy:
            choices, ids = self._fuzzy[word[0]]
            for stem, edits, k in process.extract(word, choices, scorer=OSA.distance, score_cutoff=2, limit=None):
                if ids[k] in found or abs(len(stem) - n) > 1:
                    continue
                shorter = min(len(stem), n)
                if shorter < _MIN_FUZZY:
                    continue
                if shorter <= _SHORT_WORD:
                    ok = Indel.distance(word, stem) <= 1
                else:
                    ok = edits <= (2 if shorter >= _LONG_WORD else 1)
                if ok:
                    found[ids[k]] = float(fuzz.ratio(word, stem))
        return found

    def _extend(
        self, t: int, start: int, score: float, hits: list[dict[int, float]], sentence: list[int]
    ) -> _Match | None:
        """Match the rest of term ``t`` after its first word at ``start``, or None."""
        term = self._terms[t]
        is_cue = term.kind not in _FIELDS
        if is_cue and score < 100.0:
            return None
        total, pos, gaps = score, start, 0
        for pattern in term.patterns[1:]:
            # An extra word inside a term is allowed only when it means nothing to the vocabulary:
            # "corsi gratuiti di italiano", but not "day [care] centre" or "integration [not] of migrants".
            steps = (1,) if is_cue or pos + 1 >= len(hits) or hits[pos + 1] else (1, 2)
            for step in steps:
                nxt = pos + step
                if nxt < len(hits) and sentence[nxt] == sentence[start] and pattern in hits[nxt]:
                    s = hits[nxt][pattern]
                    if is_cue and s < 100.0:
                        continue
                    total += s
                    gaps += step - 1
                    pos = nxt
                    break
            else:
                return None
        similarity = total / len(term.patterns) - _GAP_PENALTY * gaps
        return _Match(t, start, pos, similarity)

    def _longest(self, matches: list[_Match]) -> list[_Match]:
        """Drop every match that lies inside a longer one, except a target group inside a theme or activity.

        "réseau de chaleur" is not networking and "language courses" is not also "courses", but the newcomers
        of "integration of newcomers" and the immigrants of "Svenska för invandrare" are still the target group.
        """
        # A match can only lie inside one that starts at most the longest span earlier: index them by start,
        # so a long text costs a few look-ups per match instead of a comparison with every other match.
        by_start: dict[int, list[_Match]] = {}
        for o in matches:
            by_start.setdefault(o.start, []).append(o)
        longest = max((o.end - o.start for o in matches), default=0)
        kept = []
        for m in matches:
            size = m.end - m.start
            group = self._terms[m.term].kind == "target_groups"
            if not any(
                m.end <= o.end and o.end - o.start > size and (not group or self._terms[o.term].kind == "target_groups")
                for start in range(m.start - longest, m.start + 1)
                for o in by_start.get(start, ())
            ):
                kept.append(m)
        return kept

    def _resolve_cues(
        self, cues: list[_Match], content: list[_Match], sentence: list[int]
    ) -> dict[str, dict[int, _Match]]:
        """The cues that count, indexed by kind and by their last (``before``) or first (``after``) word."""
        # A cue inside a longer matched term belongs to that term ("menores no acompañados").
        cues = [
            c
            for c in cues
            if not any(m.start <= c.start and c.end <= m.end and m.end - m.start > c.end - c.start for m in content)
        ]
        # "utan": a contrast after a negation in the same sentence, a negation otherwise.
        negating = [c for c in cues if self._terms[c.term].kind in ("before", "not_only")]

        def rank(c: _Match) -> tuple[int, int]:
            kind = self._terms[c.term].kind
            priority = _CUE_PRIORITY[kind]
            ambiguous = any(
                o is not c and o.start == c.start and o.end == c.end and self._terms[o.term].kind != kind for o in cues
            )
            if ambiguous and kind in ("before", "contrast"):
                earlier = any(o.end < c.start and sentence[o.start] == sentence[c.start] for o in negating)
                priority = 4 if (kind == "contrast") == earlier else -1
            return (c.end - c.start, priority)

        chosen: list[_Match] = []
        for c in sorted(cues, key=rank, reverse=True):
            if all(c.end < o.start or o.end < c.start for o in chosen):
                chosen.append(c)
        by_kind: dict[str, dict[int, _Match]] = {k: {} for k in _NEGATION_KINDS}
        for c in chosen:
            kind = self._terms[c.term].kind
            by_kind[kind][c.start if kind == "after" else c.end] = c
        return by_kind

    def _evidence(
        self,
        text: str,
        spans: list[tuple[int, int]],
        content: list[_Match],
        cue_at: dict[str, dict[int, _Match]],
        clause: list[int],
        sentence: list[int],
    ) -> list[InferredTerm]:
        """Apply negation, expand implied ids and keep the best evidence per id."""
        # Languages each clause and sentence is evidently written in (from single-language terms).
        by_clause: dict[int, set[str]] = {}
        by_sentence: dict[int, set[str]] = {}
        for m in content:
            langs = self._terms[m.term].langs
            if len(langs) == 1:
                by_clause.setdefault(clause[m.start], set()).update(langs)
                by_sentence.setdefault(sentence[m.start], set()).update(langs)

        # A negated span is negated in every reading of it.
        negated = set()
        for m in content:
            context = by_clause.get(clause[m.start]) or by_sentence.get(sentence[m.start])
            if self._negated(m, self._terms[m.term], cue_at, clause, context):
                negated.add((m.start, m.end))

        best: dict[tuple[str, str], tuple[tuple[float, int, int], InferredTerm]] = {}
        for m in content:
            if (m.start, m.end) in negated:
                continue
            term = self._terms[m.term]
            context = by_clause.get(clause[m.start]) or by_sentence.get(sentence[m.start])
            language = next((lang for lang in term.langs if context and lang in context), term.langs[0])
            matched = text[spans[m.start][0] : spans[m.end][1]]
            similarity = round(max(0.0, min(100.0, m.score)), 1)
            rank = (similarity, m.end - m.start, -m.start)
            for field, id_ in ((term.kind, term.id), *self._implies.get((term.kind, term.id), ())):
                item = InferredTerm(
                    field=field, id=id_, matched=matched, term=term.raw, language=language, similarity=similarity
                )
                old = best.get((field, id_))
                if old is None or rank > old[0]:
                    best[(field, id_)] = (rank, item)
        return [best[key][1] for key in sorted(best)]

    def _negated(
        self,
        m: _Match,
        term: _Term,
        cue_at: dict[str, dict[int, _Match]],
        clause: list[int],
        context: set[str] | None,
    ) -> bool:
        """Whether a ``before`` or ``after`` cue in scope negates match ``m`` (see the module docstring)."""

        def applies(cue: _Match) -> bool:
            langs = set(self._terms[cue.term].langs)
            return bool(langs & set(term.langs)) and (not context or bool(langs & context))

        here = clause[m.start]
        for pos in range(m.start - 1, max(-1, m.start - _BEFORE_SCOPE - 2), -1):
            if clause[pos] != here:
                break
            if pos in cue_at["contrast"] or pos in cue_at["not_only"]:
                break
            cue = cue_at["before"].get(pos)
            if cue is not None and applies(cue):
                return True
        here = clause[m.end]
        for pos in range(m.end + 1, min(len(clause), m.end + _AFTER_SCOPE + 2)):
            if clause[pos] != here:
                break
            cue = cue_at["after"].get(pos)
            if cue is not None and applies(cue):
                return True
            if pos in cue_at["contrast"]:
                break
        return False

    # ------------------------------------------------------------------------------------------------ helpers
    def terms(self, field: str, id_: str) -> dict[str, list[str]]:
        """The terms of one id by language, as written in the file (for documentation and tests)."""
        out: dict[str, list[str]] = {}
        for term in self._terms:
            if term.kind == field and term.id == id_:
                for lang in term.langs:
                    out.setdefault(lang, []).append(term.raw)
        return out

    @property
    def languages(self) -> tuple[str, ...]:
        """Languages that have at least one term."""
        seen = {lang for term in self._terms if term.kind in _FIELDS for lang in term.langs}
        return tuple(lang for lang in _LANGUAGES if lang in seen)

    def __repr__(self) -> str:
        return f"Vocabulary(version={self.version!r}, terms={len(self._terms)}, path={str(self.path)!r})"
