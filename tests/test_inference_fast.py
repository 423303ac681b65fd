"""The fast inference path gives exactly what the straightforward one gives.

`fundmatch._vocabulary` caches words' look-ups per vocabulary, compares a word only with vocabulary words of
its length ±1, finds containing matches and overlapping cues in linear time and builds evidence items for the
winners only. `_Straightforward` below is the matcher as it was before (each step spelt out, quadratic where
it was): on random texts made of vocabulary terms, typos of them, negation cues, noise and punctuation, both
must infer the same terms with the same evidence, the fast one also on its second reading (warm word cache).
"""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Indel

from fundmatch._evidence import InferredTerm
from fundmatch._resources import PeriodLayout, period_folder
from fundmatch._vocabulary import (
    _AFTER_SCOPE,
    _AND_THEN,
    _BEFORE_SCOPE,
    _CLAUSE_BREAK,
    _CUE_PRIORITY,
    _FUNCTION_WORDS,
    _GAP_PENALTY,
    _LONG_WORD,
    _MIN_FUZZY,
    _PARTICLE_SCOPE,
    _PARTICLES,
    _PREPOSITIONS,
    _SENTENCE_BREAK,
    _SHORT_WORD,
    _VERB_ENDINGS,
    _WORD_RE,
    Vocabulary,
    _country_words,
    _fold,
    _Match,
)
from fundmatch._vocabulary_file import _FIELDS, _MIN_STEM, _NEGATION_KINDS, _Term

_FORMS: dict[int, dict[str, list[tuple[str, int]]]] = {}


def _split_forms(vocab: Vocabulary) -> dict[str, list[tuple[str, int]]]:
    """The split forms of the separable verbs, made from the terms as written (not `Vocabulary._split`): an
    activity's one-word lower-case infinitive, German or Dutch, particle + stem + "en", not "zu" (German) and
    not the plural of a singular of the same id (Dutch) -> stem + each regular ending, and the infinitive without its particle."""
    if id(vocab) in _FORMS:
        return _FORMS[id(vocab)]
    written = {(t.kind, t.id, _fold(t.raw)) for t in vocab._terms}
    forms: dict[str, list[tuple[str, int]]] = {}
    for t, term in enumerate(vocab._terms):
        word = _fold(term.raw)
        if term.kind != "activities" or not term.raw[0].islower() or not word.isalpha() or not word.endswith("en"):
            continue
        for lang in ("de", "nl"):
            if lang not in term.langs or (lang == "nl" and (term.kind, term.id, word[:-2]) in written):
                continue
            particle = next((p for p in _PARTICLES[lang] if word.startswith(p)), None)
            if particle is None or (lang == "de" and word[len(particle) :].startswith("zu")):
                continue
            rest = word[len(particle) :]
            stem = rest[:-2]
            if lang == "nl" and len(stem) > 1 and stem[-1] == stem[-2]:
                stem = stem[:-1]
            if len(stem) >= 3:
                for form in {rest, *(stem + ending for ending in _VERB_ENDINGS[lang])}:
                    if (particle, t) not in forms.setdefault(form, []):
                        forms[form].append((particle, t))
    _FORMS[id(vocab)] = forms
    return forms


class _Straightforward(Vocabulary):
    """The matcher as first written (fundmatch 3967013), on the same index."""

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
        # Separable verbs written split: a form of the verb, its particle last in the clause (or before "und" and
        # a word that is not a preposition), no conjunction between them.
        forms = _split_forms(self)
        for start, word in enumerate(words):
            for particle, t in forms.get(word, ()):
                for pos in range(start + 1, min(len(words), start + _PARTICLE_SCOPE + 1)):
                    if clause[pos] != clause[start] or words[pos] in _AND_THEN:
                        break
                    nxt = [w for k, w in enumerate(words[pos + 1 : pos + 3]) if clause[pos + 1 + k] == clause[pos]]
                    ends = not nxt or (nxt[0] in _AND_THEN and (len(nxt) == 1 or nxt[1] not in _PREPOSITIONS))
                    if words[pos] == particle and ends:
                        articles = {"der", "die", "das", "den", "dem", "des", "de", "het", "een"}
                        articles |= {"ein" + e for e in ("", "e", "en", "em", "er", "es")}
                        after = tuple(k for k in range(start + 1, pos) if k > start + 1 and words[k - 1] in articles)
                        content.append(_Match(t, start, start, 100.0, pos, after))
                        break

        content = self._longest(content)
        cue_at = self._resolve_cues(cues, content, sentence, clause)
        # Portuguese or Spanish by the function words of the sentence itself: one of them, or none.
        said = [{lang for lang, marks in _FUNCTION_WORDS.items() if word in marks} for word in words]
        hint = {}
        for s in set(sentence):
            langs = set().union(*(said[k] for k in range(len(words)) if sentence[k] == s))
            if len(langs) == 1:
                hint[s] = langs
        return self._evidence(text, spans, content, cue_at, clause, sentence, hint)

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
        if (
            word not in self._exact
            and word not in _country_words()
            and _MIN_FUZZY <= n <= self._longest_fuzzy + 1
            and word[0] in self._fuzzy
        ):
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
        self, cues: list[_Match], content: list[_Match], sentence: list[int], clause: list[int]
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
        # An `after` cue of several words that opens its clause is also a `before` cue.
        for c in chosen:
            opens_clause = c.start == 0 or clause[c.start - 1] != clause[c.start]
            if self._terms[c.term].kind == "after" and c.end > c.start and opens_clause:
                by_kind["before"][c.end] = c
        return by_kind

    def _evidence(
        self,
        text: str,
        spans: list[tuple[int, int]],
        content: list[_Match],
        cue_at: dict[str, dict[int, _Match]],
        clause: list[int],
        sentence: list[int],
        hint: dict[int, set[str]] | None = None,
    ) -> list[InferredTerm]:
        """Apply negation, expand implied ids and keep the best evidence per id."""
        hint = hint or {}
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
            context = (
                by_clause.get(clause[m.start]) or by_sentence.get(sentence[m.start]) or hint.get(sentence[m.start])
            )
            if (m.start, m.end, m.particle) not in negated and self._negated(
                m, self._terms[m.term], cue_at, clause, context
            ):
                negated.add((m.start, m.end, m.particle))

        best: dict[tuple[str, str], tuple[tuple[float, int, int], InferredTerm]] = {}
        for m in content:
            if (m.start, m.end, m.particle) in negated:
                continue
            term = self._terms[m.term]
            context = (
                by_clause.get(clause[m.start]) or by_sentence.get(sentence[m.start]) or hint.get(sentence[m.start])
            )
            language = next((lang for lang in term.langs if context and lang in context), term.langs[0])
            matched = text[spans[m.start][0] : spans[max(m.end, m.particle)][1]]
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
        end = m.end
        if m.particle >= 0:  # a split verb: a cue before its particle, after its verb, negates it too ...
            for pos in range(m.particle - 1, max(m.start, m.particle - _BEFORE_SCOPE - 2), -1):
                if pos in cue_at["contrast"] or pos in cue_at["not_only"]:
                    break
                cue = cue_at["before"].get(pos)
                if cue is not None and cue.start not in m.in_phrase and applies(cue):  # ... but not after "das"
                    return True
            end = m.particle
        here = clause[end]
        for pos in range(end + 1, min(len(clause), end + _AFTER_SCOPE + 2)):
            if clause[pos] != here:
                break
            cue = cue_at["after"].get(pos)
            if cue is not None and applies(cue):
                return True
            if pos in cue_at["contrast"]:
                break
        return False


_PATH = PeriodLayout(period_folder("2021-2027")).vocabulary
FAST = Vocabulary.load(_PATH)
PLAIN = _Straightforward.load(_PATH)

#: Words of the vocabulary's terms as a writer would type them (wildcards taken out), by kind.
_CONTENT = sorted({t.raw.replace("*", "") for t in FAST._terms if t.kind in _FIELDS})
_CUES = sorted({t.raw.replace("*", "") for t in FAST._terms if t.kind in _NEGATION_KINDS})
_NOISE = ["the", "und", "per", "de", "la", "project", "Gemeinde", "2027", "και", "öffentlich", "x", "na", "do"]
_NOISE += ["em", "com", "não", "el", "las", "en", "und"]  # Portuguese and Spanish function words, a conjunction
#: Separable verbs written split: a form of the verb, words, its particle ("bauen das Haus um").
#: Any one-word term ending in "-en" that starts with a particle, nouns too ("Freiwilligen" -> "willigen {} frei"):
#: the property sees a split form the matcher should not make.
_SPLIT = sorted(
    {
        f"{w[len(p) : -2]}{end} {{}} {p}"
        for t in FAST._terms
        if (w := _fold(t.raw)).isalpha() and w.endswith("en") and any(lang in t.langs for lang in ("de", "nl"))
        for p in {*_PARTICLES["de"], *_PARTICLES["nl"]}
        if w.startswith(p) and len(w) - len(p) >= 5
        for end in ("en", "t")
    }
)
_BREAKS = [" ", " ", " ", " ", ", ", ". ", "; ", ": ", " - ", " (", ") ", "\n", "! "]


@st.composite
def _typo(draw: st.DrawFn, word: str) -> str:
    """A word with one letter dropped, doubled, swapped with its neighbour or changed (or as it is)."""
    if len(word) < 2:
        return word
    i = draw(st.integers(0, len(word) - 2))
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return word[:i] + word[i + 1 :]
    if kind == 1:
        return word[:i] + word[i] + word[i:]
    if kind == 2:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 3:
        return word[:i] + draw(st.sampled_from("aeioutnsrkzäé")) + word[i + 1 :]
    return word


@st.composite
def _piece(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 9))
    if kind <= 3:
        term = draw(st.sampled_from(_CONTENT))
    elif kind <= 5:
        term = draw(st.sampled_from(_CUES))
    elif kind == 6:
        term = draw(_typo(draw(st.sampled_from(_CONTENT))))
    elif kind == 7:
        term = draw(st.sampled_from(_CONTENT)) + draw(st.sampled_from(["", "s", "en", "ung", "i", "ów", "ami"]))
    elif kind == 8 and draw(st.booleans()):
        middle = draw(st.sampled_from([*_NOISE, *_CUES, *_CONTENT, "das alte Haus", "nicht", "het buurthuis"]))
        term = draw(st.sampled_from(_SPLIT)).format(middle)
    else:
        term = draw(st.sampled_from(_NOISE)) if kind == 8 else draw(st.text("abcdeéøł ", min_size=1, max_size=8))
    return term.upper() if draw(st.integers(0, 9)) == 0 else term


@st.composite
def _text(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_piece(), min_size=0, max_size=40))
    out = []
    for piece in pieces:
        out.append(piece)
        out.append(draw(st.sampled_from(_BREAKS)))
    return "".join(out)


@settings(max_examples=400, deadline=None)
@given(_text())
def test_fast_inference_gives_what_the_straightforward_one_gives(text: str) -> None:
    expected = PLAIN.infer(text)
    assert FAST.infer(text) == expected
    assert FAST.infer(text) == expected, "the second reading (every word's look-up cached) differs"


def test_the_straightforward_matcher_is_not_vacuous() -> None:
    # The property compares real findings: the reference finds terms, negates some and honours typos.
    found = PLAIN.infer("Sprachkurse für Geflüchtete, keine Bauarbeiten. Kinderbetreung for refugess.")
    ids = {t.id for t in found}
    assert {"language_courses", "refugees", "childcare"} <= ids and "construction" not in ids
    assert any(t.similarity < 100 for t in found)
    assert FAST.infer("Sprachkurse für Geflüchtete, keine Bauarbeiten. Kinderbetreung for refugess.") == found
    # ... and separable verbs written split, negated before their particle or not, and Portuguese "no".
    text = "Wir bauen das Haus um. Obras no centro cultural, com apoio."
    found = PLAIN.infer(text)
    assert {"renovation", "culture_sport"} <= {t.id for t in found}
    assert [t.matched for t in found if t.id == "renovation"] == ["bauen das Haus um"]
    assert FAST.infer(text) == found
    negated = "We knappen het buurthuis niet op."
    assert PLAIN.infer(negated) == FAST.infer(negated) == []


def test_long_texts_agree() -> None:
    # The eval texts of every language, joined: a long text with many repeated words and matches.
    from fundmatch._yaml import load_yaml
    from tests.conftest import REPO

    cases = load_yaml(REPO / "tests" / "data" / "inference_eval.yaml")
    cases = cases["cases"] if isinstance(cases, dict) else cases
    text = " ".join(case["text"] for case in cases)
    assert FAST.infer(text) == PLAIN.infer(text)
    for case in cases:
        assert FAST.infer(case["text"]) == PLAIN.infer(case["text"]), case["text"]


def _fold_in_full(text: str) -> str:
    from fundmatch._fold import _SPELL_OUT

    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_SPELL_OUT))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=12) | st.text(alphabet=st.characters(max_codepoint=127), max_size=12))
def test_folding_ascii_by_its_short_cut_is_folding_in_full(text: str) -> None:
    assert _fold(text) == _fold_in_full(text)
