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
* ``after`` cues negate a term that ends at most 2 words before them: "Bauarbeiten sind nicht vorgesehen". One of
  several words that opens its clause also negates, as a ``before`` cue, the term that follows it ("Non sono
  previsti lavori di costruzione", "Não estão previstas obras"); a one-word cue does not ("Excluded young people").
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
  not negate "no centro cultural", while Spanish "no" must. Where no term tells the language (Spanish and
  Portuguese share "obras", "centro cultural", "LEADER" ...), the sentence's, or else the text's, function
  words do: "em", "com", "uma", "não" ... are Portuguese, "el", "las", "muy", "nuestro" ... Spanish. In a text
  read as Portuguese that way, a cue Portuguese does not have ("no", Irish "ná" folded to "na") does not apply.

Separable verbs
---------------
A German or Dutch verb term with a separable particle ("umbauen", "ausstatten", "opknappen", "inrichten") is
also found split, as a main clause writes it: the verb, then its particle as the clause's last word ("Wir bauen
das alte Haus um", "We knappen het buurthuis op en ..."), in regular forms only (stem + ending). The evidence is
the words from the verb to the particle; a cue before the particle negates it too ("bauen das Haus nicht um"),
but not a cue right after an article, which negates an attribute of the object ("das nicht mehr genutzte
Pfarrhaus"). Only activities' lower-case infinitives are split, and the particle must stand before any
conjunction of its clause ("und", "en" ...: what follows is a second verb's).

Mere mentions of the past ("after last year's renovation") are not detected; see the eval set for the rate.
"""

from __future__ import annotations

import functools
import gc
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
from fundmatch._country_names import country_names
from fundmatch._evidence import InferredTerm
from fundmatch._fold import fold, visible
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
_WORD_SPLIT = re.compile(r"([^\W_]+)")  # the same words, kept by `re.split` between what separates them
_SENTENCE_BREAK = re.compile(r"[.;:!?]")
_CLAUSE_BREAK = re.compile(r"[.;:!?,()\[\]\u2013\u2014]|\s-\s")
#: Distinct words whose look-up a vocabulary keeps, and the longest word kept: a few MB at most (a text of
#: 20,000-letter "words" would otherwise pin gigabytes for the pack's life); others are looked up anew.
_WORD_CACHE = 50_000
_WORD_CACHE_LETTERS = 64
#: A word's look-up: the patterns it matches (with similarity), and the terms that may start with it.
_WordHits = tuple[dict[int, float], list[tuple[int, int, bool, float]]]
_NO_HITS: _WordHits = ({}, [])
#: Priority among cues with the same span (higher wins).
_CUE_PRIORITY = {"not_only": 3, "after": 2, "before": 1, "contrast": 0}
#: Function words (folded) that are Portuguese and not Spanish, or Spanish and not Portuguese, and no common
#: word of another EU language either ("um", "das", "do", "con", "una", "del", "los" are left out for German,
#: Polish or Italian): where no term says which of the two a sentence is in, they do (see the module docstring).
_FUNCTION_WORDS = {
    "pt": frozenset(
        [
            "nao",
            "em",
            "com",
            "uma",
            "umas",
            "ao",
            "aos",
            "pela",
            "pelas",
            "nosso",
            "nossa",
            "nossos",
            "nossas",
            "tambem",
            "sao",
            "estao",
            "atraves",
            "numa",
            "nesta",
            "neste",
            "muito",
            "muitos",
            "muitas",
            "fazer",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "las",
            "y",
            "muy",
            "hay",
            "nuestro",
            "nuestra",
            "nuestros",
            "nuestras",
            "tambien",
            "habra",
            "mucho",
            "muchos",
            "muchas",
            "estos",
            "hacer",
        ]
    ),
}
_LANGUAGE_OF = {word: lang for lang, words in _FUNCTION_WORDS.items() for word in words}
#: Separable particles of German and Dutch verbs (folded), longest first: a verb term starting with one may be
#: written split in a main clause ("ausbauen": "wir bauen ... aus").
_PARTICLES = {
    "de": tuple(
        [
            "zusammen",
            "zuruck",
            "wieder",
            "nach",
            "fest",
            "frei",
            "auf",
            "aus",
            "bei",
            "ein",
            "mit",
            "vor",
            "weg",
            "ab",
            "an",
            "um",
            "zu",
            "her",
            "hin",
            "dar",
        ]
    ),
    "nl": tuple(
        ["terug", "samen", "voor", "vast", "aan", "mee", "toe", "uit", "weg", "bij", "af", "in", "na", "om", "op"]
    ),
}
#: The regular endings of a verb stem ("bau", "knap") in a main clause, present and past.
_VERB_ENDINGS = {
    # Not the bare stem in German: "statt" (of "ausstatten") is also "instead of", and texts say "wir bauen".
    "de": ("e", "st", "t", "et", "est", "en", "te", "ten", "tet", "ete", "eten", "etet", "test", "etest"),
    "nl": ("", "t", "en", "te", "ten", "de", "den"),
}
#: Coordinating conjunctions: a split verb's particle stands before the first of them in its clause (what follows
#: is a second verb's: "wir bauen ein Netzwerk auf und setzen Projekte um"), and one may follow the particle.
_AND_THEN = frozenset(("und", "oder", "sowie", "en", "of", "maar"))
#: Prepositions (German and Dutch, folded): "particle + und/en + preposition" is a preposition pair, not a clause
#: end ("wij richten ons op ouderen in en rond het dorp").
_PREPOSITIONS = frozenset(
    [
        *("in", "an", "auf", "aus", "bei", "mit", "nach", "vor", "um", "zu", "uber", "unter", "hinter", "neben"),
        *("zwischen", "durch", "fur", "gegen", "ohne", "von", "seit", "bis", "ausserhalb", "innerhalb", "rund"),
        *("op", "aan", "uit", "voor", "bij", "na", "om", "rond", "rondom", "naar", "met", "van", "tot", "over"),
        *("onder", "boven", "achter", "naast", "tussen", "door", "tegen", "zonder", "buiten", "binnen", "langs"),
    ]
)
#: How far after its verb a particle may stand (words, in the same clause).
_PARTICLE_SCOPE = 12
#: German and Dutch articles (folded): a negation cue right after one is inside a noun phrase.
_ARTICLES = frozenset(("der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "eines"))
_ARTICLES |= frozenset(("de", "het", "een"))


def _ends_clause(words: list[str], clause: list[int], pos: int) -> bool:
    """Whether the word at ``pos`` (a split verb's particle) ends its clause: the clause's last word, or followed
    by a conjunction that does not join two prepositions ("... op en richten ...", not "in en rond")."""
    nxt = pos + 1
    if nxt >= len(words) or clause[nxt] != clause[pos]:
        return True
    if words[nxt] not in _AND_THEN:
        return False
    after = nxt + 1
    return after >= len(words) or clause[after] != clause[pos] or words[after] not in _PREPOSITIONS


# The text and the vocabulary are compared in the one folded form (see fundmatch._fold).
_fold = fold


#: Articles that CLDR writes before a country's name (Irish "an Úcráin", Maltese "l-Italja", "the Netherlands").
_NAME_ARTICLES = frozenset({"an", "id", "il", "in", "ir", "is", "it", "l", "the"})


@functools.lru_cache(maxsize=1)
def _country_words() -> frozenset[str]:
    """The one-word country names of every EU language (CLDR, as partners are read), folded as words are; a name
    after its article counts as one word ("an Úcráin" gives "ucrain")."""
    words = set()
    for name in country_names():
        parts = name.split()
        if len(parts) == 1:
            words.add(_fold(name))
        elif len(parts) == 2 and parts[0] in _NAME_ARTICLES:
            words.add(_fold(parts[1]))
    return frozenset(words)


@functools.cache
def _code_key() -> tuple[bytes, ...]:
    """What a vocabulary read from the cache depends on besides its file: the code that reads and folds it, the
    ids it may name, and Unicode's tables (folding strips accents by them)."""
    here = pathlib.Path(__file__).parent
    sources = [
        _cache.file_bytes(here / f"{name}.py") for name in ("_vocabulary_file", "_vocabulary", "_fold", "_ids", "_yaml")
    ]
    return (*sources, unicodedata.unidata_version.encode(), sys.version.encode())


@dataclass(slots=True)
class _Match:
    term: int
    start: int  # first token
    end: int  # last token (inclusive)
    score: float
    particle: int = -1  # a split separable verb: the particle's token (the verb is start = end)
    # A split verb: the words between it and its particle that follow an article (a cue there is inside a noun
    # phrase, "das nicht mehr genutzte Pfarrhaus", and negates an attribute, not the verb).
    in_phrase: tuple[int, ...] = ()


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
        # The same, each term with its second word's pattern (-1: a term of one word) and whether it is content
        # (not a cue).
        self._starting: dict[int, list[tuple[int, int, bool]]] = {}
        # The longest stem of each kind: a word's prefixes and suffixes are tried only up to it, which keeps
        # inference linear in the text (a 360,000-letter "word" from NFKD-expanded U+FDFA took 55 s otherwise).
        self._longest_prefix = 0
        self._longest_suffix = 0
        self._longest_fuzzy = 0
        # A word as written -> the patterns its folded form matches: the same for every text, so kept (up to
        # `_WORD_CACHE` words; the dicts are shared and never changed).
        self._hits_of: dict[str, _WordHits] = {}
        # Vocabulary words of 6+ letters by first letter and the lengths of word they may be a typo of: a typo
        # reading differs by one letter in length at most, so only those are ever compared with a word.
        self._fuzzy_by_length: dict[tuple[str, int], tuple[list[str], list[int]]] = {}
        self._term_langs: list[frozenset[str]] = []
        # A separable verb's forms with its particle split off ("bauen", "baut" ... of "umbauen"): the form ->
        # (particle, term), for the German and Dutch one-word verb terms (`_split_verbs`).
        self._split: dict[str, list[tuple[str, int]]] = {}
        # A word as written -> its folded form, kept as `_hits_of` is.
        self._folded_of: dict[str, str] = {}
        # The lengths of the prefix (suffix) stems by their first (last) `_MIN_STEM` letters.
        self._prefix_lengths: dict[str, list[int]] = {}
        self._suffix_lengths: dict[str, list[int]] = {}

    # ------------------------------------------------------------------------------------------------ loading
    @classmethod
    def load(cls, path: str | pathlib.Path) -> Vocabulary:
        """Read and validate a vocabulary file.

        Raises:
            RulePackError: the file is unreadable, not strict YAML, or names an unknown field, id or language,
                or holds a term that is not a string in a list (the message names the file and line).
        """
        # Some 100,000 objects are made and none is garbage: the cycle collector would walk them again and
        # again while they are built (a third of a load). Reference counting still frees what is dropped.
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls._load(pathlib.Path(path))
        finally:
            if collecting:
                gc.enable()

    @classmethod
    def _load(cls, path: pathlib.Path) -> Vocabulary:
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
        ids: dict[str, frozenset[str]] = {kind: frozenset(values) for kind, values in _FIELDS.items()}
        ids.update((kind, frozenset({""})) for kind in _NEGATION_KINDS)
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
            second = term.patterns[1] if len(term.patterns) > 1 else -1
            self._starting.setdefault(term.patterns[0], []).append((i, second, term.kind in _FIELDS))
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
        for letter, (words, _ids) in fuzzy.items():
            for k, word in enumerate(words):
                # Under each length it may be read as (its own, one letter less or more), in the letter's order;
                # with its index in the letter's list, so that results are put back in rapidfuzz's order.
                for length in (len(word) - 1, len(word), len(word) + 1):
                    stems, where = self._fuzzy_by_length.setdefault((letter, length), ([], []))
                    stems.append(word)
                    where.append(k)
        self._term_langs = [frozenset(term.langs) for term in self._terms]
        self._split = self._split_verbs()
        self._is_group = [term.kind == "target_groups" for term in self._terms]
        # The ids a match of each term gives evidence for: its own and those it implies.
        self._ids_of = [((t.kind, t.id), *self._implies.get((t.kind, t.id), ())) for t in self._terms]
        self._longest_prefix = max(map(len, self._prefix), default=0)
        prefix_lengths: dict[str, set[int]] = {}
        for stem in self._prefix:
            prefix_lengths.setdefault(stem[:_MIN_STEM], set()).add(len(stem))
        self._prefix_lengths = {head: sorted(lengths) for head, lengths in prefix_lengths.items()}
        suffix_lengths: dict[str, set[int]] = {}
        for stem in self._suffix:
            suffix_lengths.setdefault(stem[-_MIN_STEM:], set()).add(len(stem))
        self._suffix_lengths = {tail: sorted(lengths, reverse=True) for tail, lengths in suffix_lengths.items()}
        self._longest_suffix = max(map(len, self._suffix), default=0)
        self._longest_fuzzy = max((len(w) for words, _ in fuzzy.values() for w in words), default=0)

    def _split_verbs(self) -> dict[str, list[tuple[str, int]]]:
        """The forms of the one-word German and Dutch verb terms with a separable particle, the particle split
        off: "umbauen" -> "bau", "baut", "baute" ... with "um"; "opknappen" -> "knap", "knapt", "knappen" ...
        with "op". Only an infinitive written out (no wildcard) counts, with a stem of 3 letters or more, and only
        a verb: an activity's term (themes and target groups are named by nouns: "vooroordelen", "toeristen"),
        written in lower case (German capitalises nouns: "Anlaufstellen", "Freiwilligen"), and in Dutch not the
        plural of a singular listed for the same id ("bijeenkomsten", "bijeenkomst")."""
        plain = {
            (term.kind, term.id, self._patterns[term.patterns[0]].stem)
            for term in self._terms
            if len(term.patterns) == 1
        }
        split: dict[str, list[tuple[str, int]]] = {}
        for t, term in enumerate(self._terms):
            if term.kind != "activities" or len(term.patterns) != 1 or not term.raw[:1].islower():
                continue
            pattern = self._patterns[term.patterns[0]]
            word = pattern.stem
            if pattern.lead or pattern.trail or not word.endswith("en"):
                continue
            for lang in ("de", "nl"):
                if lang not in term.langs or (lang == "nl" and (term.kind, term.id, word[:-2]) in plain):
                    continue
                particle = next((p for p in _PARTICLES[lang] if word.startswith(p)), None)
                rest = word[len(particle) :] if particle else ""
                if particle is None or (rest.startswith("zu") and lang == "de"):  # "auszustatten" has no split form
                    continue
                stem = rest[:-2]
                if lang == "nl" and len(stem) > 1 and stem[-1] == stem[-2]:
                    stem = stem[:-1]  # "knappen" -> "knap", "leggen" -> "leg"
                if len(stem) < 3:
                    continue
                for form in {rest, *(stem + ending for ending in _VERB_ENDINGS[lang])}:
                    entries = split.setdefault(form, [])
                    if (particle, t) not in entries:
                        entries.append((particle, t))
        return split

    # ---------------------------------------------------------------------------------------------- inference
    def infer(self, text: str) -> list[InferredTerm]:
        """Every theme, target group and activity id found in ``text``, each once with its best evidence.

        Returns:
            `InferredTerm` items sorted by (field, id).
        """
        text = unicodedata.normalize("NFC", visible(text or ""))
        # The text split into its words and what lies between them: [before, word, gap, word, ..., after].
        pieces = _WORD_SPLIT.split(text)
        raws = pieces[1::2]
        if not raws:
            return []
        # Where each piece starts: word i spans offsets[2i + 1] to offsets[2i + 2].
        offsets = [0, *itertools.accumulate(map(len, pieces))]
        # A long text repeats its words (1,000 words hold a few hundred distinct ones): each distinct word is
        # looked up once per text, and folded and matched once per vocabulary (its hits never change).
        known = self._hits_of
        folded_of = self._folded_of
        distinct: dict[str, _WordHits] = dict.fromkeys(raws, _NO_HITS)
        folded: dict[str, str] = {}
        # The words that may start a split verb, and the function words that tell Portuguese from Spanish: few
        # texts have any, so the words' positions are looked at only where one does.
        split, marked = self._split, False
        verbs = False
        for raw in distinct:
            word_hits = known.get(raw)
            if word_hits is None:
                form = _fold(raw)
                word_hits = self._hits_and_starts(form)
                if len(known) < _WORD_CACHE and len(raw) <= _WORD_CACHE_LETTERS:
                    known[raw] = word_hits
                    folded_of[raw] = form
            else:
                form = folded_of[raw]
            distinct[raw] = word_hits
            folded[raw] = form
            verbs = verbs or form in split
            marked = marked or form in _LANGUAGE_OF
        per_word = list(map(distinct.__getitem__, raws))
        hits = [found for found, _ in per_word]
        sentence, clause = self._segments(pieces[2:-1:2])

        content: list[_Match] = []
        cues: list[_Match] = []
        size = len(hits)
        for start, (_, starts) in enumerate(per_word):
            for t, second, is_content, score in starts:
                if second < 0:  # a term of one word: what `_extend` gives it, without the call
                    if is_content:
                        content.append(_Match(t, start, start, score))
                    elif score >= 100.0:
                        cues.append(_Match(t, start, start, score))
                    continue
                # A term's second word must be the next word, or the one after: most starts end here.
                if (start + 1 >= size or second not in hits[start + 1]) and (
                    start + 2 >= size or second not in hits[start + 2]
                ):
                    continue
                match = self._extend(t, start, score, hits, sentence)
                if match is not None:
                    (content if is_content else cues).append(match)
        words = list(map(folded.__getitem__, raws)) if verbs or marked else []
        if verbs:
            content += self._split_matches(words, clause)

        content = self._longest(content)
        cue_at = self._resolve_cues(cues, content, sentence, clause)
        hint = self._language_hint(words, sentence) if marked else None
        return self._evidence(text, offsets, content, cue_at, clause, sentence, hint)

    def _split_matches(self, words: list[str], clause: list[int]) -> list[_Match]:
        """The separable verbs written split: a form of the verb, then its particle as the last word of the
        clause (or before "und", "en" ... going on with a second verb), within `_PARTICLE_SCOPE` words."""
        found = []
        size = len(words)
        for start, word in enumerate(words):
            entries = self._split.get(word)
            if entries is None:
                continue
            here = clause[start]
            for particle, t in entries:
                for pos in range(start + 1, min(size, start + _PARTICLE_SCOPE + 1)):
                    if clause[pos] != here or words[pos] in _AND_THEN:
                        break  # past a conjunction, a particle is another verb's
                    if words[pos] != particle:
                        continue
                    if _ends_clause(words, clause, pos):
                        in_phrase = tuple(k for k in range(start + 2, pos) if words[k - 1] in _ARTICLES)
                        found.append(_Match(t, start, start, 100.0, pos, in_phrase))
                        break
        return found

    @staticmethod
    def _language_hint(words: list[str], sentence: list[int]) -> dict[int, set[str]]:
        """Per sentence, Portuguese or Spanish where its own function words say one and not the other
        (`_FUNCTION_WORDS`); nothing where they say neither or both. Not the text's: a sentence without any may
        be in the other language ("No se realizarán obras. Colaboración con la Câmara ...")."""
        seen: dict[int, set[str]] = {}
        for k, word in enumerate(words):
            lang = _LANGUAGE_OF.get(word)
            if lang is not None:
                seen.setdefault(sentence[k], set()).add(lang)
        return {s: langs for s, langs in seen.items() if len(langs) == 1}

    @staticmethod
    def _segments(gaps: list[str]) -> tuple[list[int], list[int]]:
        """Sentence and clause number of each word, from the punctuation between words."""
        # Most gaps are one space: each kind of gap is searched once.
        breaks = {
            gap: (int(bool(_SENTENCE_BREAK.search(gap))), int(bool(_CLAUSE_BREAK.search(gap)))) for gap in set(gaps)
        }
        sentence = [0, *itertools.accumulate(breaks[gap][0] for gap in gaps)]
        clause = [0, *itertools.accumulate(breaks[gap][1] for gap in gaps)]
        return sentence, clause

    def _hits_and_starts(self, word: str) -> _WordHits:
        """A folded word's hits, and the terms that may start with it: (term, second pattern, content?, similarity)."""
        found = self._word_hits(word)
        if not found:
            return _NO_HITS  # most words of a text: one shared empty look-up, not one per word kept
        starts = [
            (t, second, is_content, score)
            for pattern, score in found.items()
            for t, second, is_content in self._starting.get(pattern, ())
        ]
        return found, starts

    def _word_hits(self, word: str) -> dict[int, float]:
        """The vocabulary patterns one folded word matches, with their similarity."""
        found: dict[int, float] = {}
        for i in self._exact.get(word, ()):
            found[i] = 100.0
        n = len(word)
        # Only the stem lengths that stems beginning (ending) like the word have: most words have none.
        for k in self._prefix_lengths.get(word[:_MIN_STEM], ()):
            if k > n:
                break
            for i in self._prefix.get(word[:k], ()):
                found[i] = 100.0
        for k in self._suffix_lengths.get(word[-_MIN_STEM:], ()):  # longest first, as stems were always tried
            if k <= n:
                for i in self._suffix.get(word[n - k :], ()):
                    found[i] = 100.0
        for stem, i in self._infix:
            if stem in word:
                found[i] = 100.0
        # A word that is a vocabulary word exactly is what the writer meant: no typo readings of it ("refugees"
        # is not also French "réfugiées"). A wildcard hit does not count: "Handwerksbetrieben" matches
        # "handwerk*" and, by inflection, "Handwerksbetriebe".
        # A typo reading differs from its stem by at most one letter in length: longer words cannot have one.
        # So is a country's name: "Romania" is the country, not a typo of the Roma's "Romani".
        if (
            word not in self._exact
            and _MIN_FUZZY <= n <= self._longest_fuzzy + 1
            and word[0] in self._fuzzy
            and word not in _country_words()
        ):
            ids = self._fuzzy[word[0]][1]
            for stem, edits, k in self._fuzzy_candidates(word):
                if ids[k] in found:
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

    def _fuzzy_candidates(self, word: str) -> list[tuple[str, int, int]]:
        """The vocabulary words within two edits of ``word`` and one letter in length, as rapidfuzz lists them.

        The same as ``process.extract`` over all words of the first letter with the lengths filtered after
        (fewest edits first, then in the order of the list), at a third of the comparisons or less.
        """
        bucket = self._fuzzy_by_length.get((word[0], len(word)))
        if bucket is None:
            return []
        stems, where = bucket
        found = [
            (stem, int(edits), where[j])
            for stem, edits, j in process.extract(word, stems, scorer=OSA.distance, score_cutoff=2, limit=None)
        ]
        found.sort(key=lambda item: (item[1], item[2]))
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
        # A longer match containing m starts at or before m and ends at or after it, on another span. So m is
        # dropped when a match starting earlier reaches m's end, or one starting with it goes past its end:
        # with the furthest end reached from each start (of all matches, and of target groups only), and its
        # running maximum over the earlier starts, each match costs two look-ups.
        if not matches:
            return []
        last = max(m.start for m in matches) + 1
        reach = [-1] * last  # furthest end of a match starting at each position
        reach_group = [-1] * last
        is_group = self._is_group
        for o in matches:
            if o.end > reach[o.start]:
                reach[o.start] = o.end
            if is_group[o.term] and o.end > reach_group[o.start]:
                reach_group[o.start] = o.end
        # The furthest end of a match starting earlier.
        before = [-1, *itertools.accumulate(reach[:-1], max)]
        before_group = [-1, *itertools.accumulate(reach_group[:-1], max)]
        kept = []
        for m in matches:
            if is_group[m.term]:
                inside = before_group[m.start] >= m.end or reach_group[m.start] > m.end
            else:
                inside = before[m.start] >= m.end or reach[m.start] > m.end
            if not inside:
                kept.append(m)
        return kept

    def _resolve_cues(
        self, cues: list[_Match], content: list[_Match], sentence: list[int], clause: list[int]
    ) -> dict[str, dict[int, _Match]]:
        """The cues that count, indexed by kind and by their last (``before``) or first (``after``) word."""
        # A cue inside a longer matched term belongs to that term ("menores no acompañados"): as in `_longest`,
        # a longer term containing it starts earlier and reaches its end, or starts with it and goes further.
        if cues and content:
            last = max(max(m.start for m in content), max(c.start for c in cues)) + 1
            reach = [-1] * last
            for m in content:
                if m.end > reach[m.start]:
                    reach[m.start] = m.end
            before = [-1, *itertools.accumulate(reach[:-1], max)]
            cues = [c for c in cues if not (before[c.start] >= c.end or reach[c.start] > c.end)]
        terms = self._terms
        # "utan": a contrast after a negation in the same sentence, a negation otherwise.
        first_negation: dict[int, int] = {}  # sentence -> the end of its earliest-ending negating cue
        for c in cues:
            if terms[c.term].kind in ("before", "not_only"):
                s = sentence[c.start]
                first_negation[s] = min(first_negation.get(s, c.end), c.end)
        kinds_at: dict[tuple[int, int], set[str]] = {}
        for c in cues:
            kinds_at.setdefault((c.start, c.end), set()).add(terms[c.term].kind)

        def rank(c: _Match) -> tuple[int, int]:
            kind = terms[c.term].kind
            priority = _CUE_PRIORITY[kind]
            ambiguous = len(kinds_at[(c.start, c.end)]) > 1
            if ambiguous and kind in ("before", "contrast"):
                earlier = first_negation.get(sentence[c.start], c.start) < c.start
                priority = 4 if (kind == "contrast") == earlier else -1
            return (c.end - c.start, priority)

        chosen: list[_Match] = []
        taken: set[int] = set()  # the words the chosen cues cover: a cue may not overlap one
        for c in sorted(cues, key=rank, reverse=True):
            span = range(c.start, c.end + 1)
            if taken.isdisjoint(span):
                chosen.append(c)
                taken.update(span)
        by_kind: dict[str, dict[int, _Match]] = {k: {} for k in _NEGATION_KINDS}
        for c in chosen:
            kind = terms[c.term].kind
            by_kind[kind][c.start if kind == "after" else c.end] = c
            if kind == "after" and c.end > c.start and (c.start == 0 or clause[c.start - 1] != clause[c.start]):
                # A negated verb phrase opening its clause ("Non sono previsti lavori edili", "Δεν προβλέπονται
                # κατασκευαστικές εργασίες") negates what follows it, as a `before` cue does. One word is not
                # enough: a clause may open with a participle that starts a noun phrase ("Excluded young people").
                by_kind["before"].setdefault(c.end, c)
        return by_kind

    def _evidence(
        self,
        text: str,
        offsets: list[int],
        content: list[_Match],
        cue_at: dict[str, dict[int, _Match]],
        clause: list[int],
        sentence: list[int],
        hint: dict[int, set[str]] | None = None,
    ) -> list[InferredTerm]:
        """Apply negation, expand implied ids and keep the best evidence per id (``hint``: `_language_hint`)."""
        # Languages each clause and sentence is evidently written in (from single-language terms).
        by_clause: dict[int, set[str]] = {}
        by_sentence: dict[int, set[str]] = {}
        terms = self._terms
        for m in content:
            langs = terms[m.term].langs
            if len(langs) == 1:
                lang = langs[0]
                here = by_clause.get(clause[m.start])
                if here is None:
                    by_clause[clause[m.start]] = {lang}
                else:
                    here.add(lang)
                here = by_sentence.get(sentence[m.start])
                if here is None:
                    by_sentence[sentence[m.start]] = {lang}
                else:
                    here.add(lang)

        # A negated span is negated in every reading of it. Only a match with a ``before`` cue shortly before
        # it or an ``after`` cue shortly after it can be: the others are not looked at.
        near_start = {p + k for p in cue_at["before"] for k in range(1, _BEFORE_SCOPE + 2)}
        near_end = {p - k for p in cue_at["after"] for k in range(1, _AFTER_SCOPE + 2)}
        negated = set()
        for m in content:
            near = m.start in near_start or m.end in near_end
            if m.particle >= 0:  # a split verb: also a cue before or after its particle
                near = near or m.particle in near_start or m.particle in near_end
            if near and (m.start, m.end, m.particle) not in negated:
                context = (
                    by_clause.get(clause[m.start])
                    or by_sentence.get(sentence[m.start])
                    or (hint or {}).get(sentence[m.start])
                )
                if self._negated(m, self._terms[m.term], cue_at, clause, context):
                    negated.add((m.start, m.end, m.particle))

        # The best evidence per id first, the (validated) items only for those: a long text has hundreds of
        # matches for a few dozen ids. Ties go to the earlier match, as the first one found is kept.
        best: dict[tuple[str, str], tuple[tuple[float, int, int], _Match]] = {}
        ids_of = self._ids_of
        for m in content:
            if negated and (m.start, m.end, m.particle) in negated:
                continue
            score = m.score
            similarity = 100.0 if score >= 100.0 else round(max(0.0, score), 1)
            rank = (similarity, m.end - m.start, -m.start)
            for key in ids_of[m.term]:
                old = best.get(key)
                if old is None or rank > old[0]:
                    best[key] = (rank, m)
        found = []
        for (field, id_), ((similarity, _, _), m) in sorted(best.items()):
            term = self._terms[m.term]
            if len(term.langs) == 1:
                language = term.langs[0]
            else:
                context = (
                    by_clause.get(clause[m.start])
                    or by_sentence.get(sentence[m.start])
                    or (hint or {}).get(sentence[m.start])
                )
                language = next((lang for lang in term.langs if context and lang in context), term.langs[0])
            found.append(
                InferredTerm(
                    field=field,
                    id=id_,
                    matched=text[offsets[2 * m.start + 1] : offsets[2 * max(m.end, m.particle) + 2]],
                    term=term.raw,
                    language=language,
                    similarity=similarity,
                )
            )
        return found

    def _negated(
        self,
        m: _Match,
        term: _Term,
        cue_at: dict[str, dict[int, _Match]],
        clause: list[int],
        context: set[str] | None,
    ) -> bool:
        """Whether a ``before`` or ``after`` cue in scope negates match ``m`` (see the module docstring)."""

        own = self._term_langs[m.term]

        def applies(cue: _Match) -> bool:
            langs = self._term_langs[cue.term]
            return not langs.isdisjoint(own) and (not context or not langs.isdisjoint(context))

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
        if m.particle >= 0:
            # A split verb is also negated by a cue before its particle ("wir bauen das Haus nicht um"), one
            # after its verb at most, but not one that opens a noun phrase's attribute ("das nicht mehr genutzte
            # Pfarrhaus"); a cue after it is read after the particle.
            for pos in range(m.particle - 1, max(m.start, m.particle - _BEFORE_SCOPE - 2), -1):
                if pos in cue_at["contrast"] or pos in cue_at["not_only"]:
                    break
                cue = cue_at["before"].get(pos)
                if cue is not None and cue.start not in m.in_phrase and applies(cue):
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
