"""The vocabulary file (``rules/<period>/vocabulary.yaml``) read strictly: words and terms, every mistake located.

Reading is half of the vocabulary and a job of its own: unknown sections, ids and languages are refused with a
did-you-mean, terms are split into word patterns (``stem*``, ``*stem``), and wildcard stems that would match too
much are refused. `fundmatch._vocabulary` builds its index and matcher on what this module has read.
"""

from __future__ import annotations

import pathlib
import re
import reprlib
import unicodedata
from collections.abc import Collection
from typing import Any, NamedTuple

from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._fold import fold
from fundmatch._ids import Activity, TargetGroup, Theme
from fundmatch._yaml import LineDict

#: The three kinds of id the vocabulary maps, in report order, with the enum of valid ids.
_FIELDS: dict[str, tuple[str, ...]] = {
    "themes": tuple(t.value for t in Theme),
    "target_groups": tuple(t.value for t in TargetGroup),
    "activities": tuple(a.value for a in Activity),
}
#: The 24 official EU languages (ISO 639-1); Greek is ``el``.
# fmt: off
_LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)
# fmt: on
#: Country codes often written where a language code belongs.
_COUNTRY_NOT_LANGUAGE = {"gr": "el", "se": "sv", "dk": "da", "cz": "cs", "si": "sl", "ee": "et", "at": "de", "gb": "en"}
_TOP_LEVEL = ("version", "themes", "target_groups", "activities", "negation")
_NEGATION_KINDS = ("before", "after", "not_only", "contrast")
_IMPLIES = "implies"

#: Wildcard stems shorter than this match too many unrelated words.
_MIN_STEM = 4
_TERM_WORD_RE = re.compile(r"\*?[^\W_]+\*?")


# Named tuples rather than dataclasses: some 11,000 of each are made per load (from the file or the load
# cache), and a tuple is built and hashed in C.
class _Pattern(NamedTuple):
    """One vocabulary word: a folded stem, and whether other letters may come before or after it."""

    stem: str
    lead: bool  # "*stem": the word may be preceded (end of a compound)
    trail: bool  # "stem*": the word may continue (inflection, start of a compound)


class _Term(NamedTuple):
    """A vocabulary term (or negation cue) as a sequence of word patterns."""

    kind: str  # a field ("themes" ...) or a negation kind ("before" ...)
    id: str  # the vocabulary id; empty for cues
    raw: str  # as written in the file
    langs: tuple[str, ...]
    patterns: tuple[int, ...]


def _refuse_unknown(key: str, known: Collection[str], what: str, path: pathlib.Path, line: int | None) -> None:
    """Raise a located error, with a did-you-mean, for a key that is not one of ``known``."""
    if key not in known:
        raise RulePackError(
            f"unknown {what} '{key}'", path=path, line=line, field=key, suggestion=did_you_mean(key, known)
        )


class VocabularyFile:
    """What a vocabulary file says: its version, word patterns, terms (and negation cues) and implications."""

    version: str

    def __init__(self) -> None:
        self.version = ""
        self.path: pathlib.Path | None = None
        self._patterns: list[_Pattern] = []
        self._pattern_index: dict[_Pattern, int] = {}
        self._terms: list[_Term] = []
        self._term_index: dict[tuple[str, str, tuple[int, ...]], int] = {}
        self._implies: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}

    def _read(self, data: Any, path: pathlib.Path) -> None:
        if not isinstance(data, LineDict):
            raise RulePackError("a vocabulary file must be a mapping with 'version', 'themes', ...", path=path)
        for key in data:
            _refuse_unknown(key, _TOP_LEVEL, "field", path, data.line_of(key))
        for key in _TOP_LEVEL:
            if key not in data:
                raise RulePackError(f"missing field '{key}'", path=path, line=data.line or None, field=key)
        version = data["version"]
        if not isinstance(version, str) or not version.strip():
            raise RulePackError("'version' must be a non-empty string", path=path, line=data.line_of("version"))
        self.version = version
        for field, ids in _FIELDS.items():
            self._read_section(data, field, ids, path)
        self._read_negation(data, path)

    def _read_section(self, data: LineDict, field: str, ids: tuple[str, ...], path: pathlib.Path) -> None:
        section = data[field]
        if not isinstance(section, LineDict):
            raise RulePackError(f"'{field}' must be a mapping of ids to terms", path=path, line=data.line_of(field))
        for key in section:
            _refuse_unknown(key, ids, f"{field} id", path, section.line_of(key))
        for id_ in ids:
            if id_ not in section:
                raise RulePackError(
                    f"'{field}' has no entry for id '{id_}'", path=path, line=data.line_of(field), field=id_
                )
            entry = section[id_]
            if not isinstance(entry, LineDict):
                raise RulePackError(
                    f"{field}.{id_} must be a mapping of language codes to term lists",
                    path=path,
                    line=section.line_of(id_),
                    field=id_,
                )
            for lang, terms in entry.items():
                line = entry.line_of(lang)
                if lang == _IMPLIES:
                    self._implies[(field, id_)] = self._read_implies(terms, f"{field}.{id_}", path, line)
                    continue
                self._check_language(lang, f"{field}.{id_}", path, line)
                for term in self._read_terms(terms, f"{field}.{id_} [{lang}]", path, line):
                    self._add_term(field, id_, lang, term, path, line)

    def _read_negation(self, data: LineDict, path: pathlib.Path) -> None:
        section = data["negation"]
        if not isinstance(section, LineDict):
            raise RulePackError(
                "'negation' must be a mapping of cue kinds to languages", path=path, line=data.line_of("negation")
            )
        for kind, by_lang in section.items():
            line = section.line_of(kind)
            _refuse_unknown(kind, _NEGATION_KINDS, "negation kind", path, line)
            if not isinstance(by_lang, LineDict):
                raise RulePackError(
                    f"negation.{kind} must be a mapping of language codes to cue lists", path=path, line=line
                )
            for lang, cues in by_lang.items():
                cue_line = by_lang.line_of(lang)
                self._check_language(lang, f"negation.{kind}", path, cue_line)
                for cue in self._read_terms(cues, f"negation.{kind} [{lang}]", path, cue_line):
                    self._add_term(kind, "", lang, cue, path, cue_line)

    @staticmethod
    def _check_language(lang: str, where: str, path: pathlib.Path, line: int) -> None:
        if lang not in _LANGUAGES:
            raise RulePackError(
                f"unknown language code '{lang}' in {where} (expected an ISO 639-1 code of an EU language)",
                path=path,
                line=line,
                field=lang,
                suggestion=_COUNTRY_NOT_LANGUAGE.get(lang) or did_you_mean(lang, (*_LANGUAGES, _IMPLIES)),
            )

    @staticmethod
    def _read_terms(terms: Any, where: str, path: pathlib.Path, line: int) -> list[str]:
        if not isinstance(terms, list):
            raise RulePackError(
                f"terms of {where} must be a list of strings, not {type(terms).__name__}", path=path, line=line
            )
        seen: set[str] = set()
        for term in terms:
            if not isinstance(term, str) or not term.strip():
                raise RulePackError(
                    f"terms of {where} must be non-empty strings, found {reprlib.repr(term)}", path=path, line=line
                )
            if term in seen:
                raise RulePackError(f"term '{term}' is listed twice in {where}", path=path, line=line)
            seen.add(term)
        return terms

    @staticmethod
    def _read_implies(value: Any, where: str, path: pathlib.Path, line: int) -> tuple[tuple[str, str], ...]:
        if not isinstance(value, list):
            raise RulePackError(f"{where}.implies must be a list of 'field.id'", path=path, line=line)
        implied: list[tuple[str, str]] = []
        known = [f"{field}.{id_}" for field, ids in _FIELDS.items() for id_ in ids]
        for item in value:
            if not isinstance(item, str) or item not in known:
                raise RulePackError(
                    f"{where}.implies names an unknown id {reprlib.repr(item)}",
                    path=path,
                    line=line,
                    field=_IMPLIES,
                    suggestion=did_you_mean(str(item), known),
                )
            field, id_ = item.split(".", 1)
            implied.append((field, id_))
        return tuple(implied)

    def _add_term(self, kind: str, id_: str, lang: str, raw: str, path: pathlib.Path, line: int) -> None:
        patterns = tuple(self._pattern(word, raw, path, line) for word in self._split_term(raw, path, line))
        key = (kind, id_, patterns)
        found = self._term_index.get(key)
        if found is None:
            self._term_index[key] = len(self._terms)
            self._terms.append(_Term(kind, id_, raw, (lang,), patterns))
        elif lang not in self._terms[found].langs:
            old = self._terms[found]
            self._terms[found] = _Term(old.kind, old.id, old.raw, (*old.langs, lang), old.patterns)

    @staticmethod
    def _split_term(raw: str, path: pathlib.Path, line: int) -> list[str]:
        text = unicodedata.normalize("NFC", raw)
        for chunk in text.split():
            if "*" in chunk.strip("*") or chunk.startswith("**") or chunk.endswith("**"):
                raise RulePackError(f"term '{raw}': a wildcard '*' may only start or end a word", path=path, line=line)
        words = _TERM_WORD_RE.findall(text)
        if not words:
            raise RulePackError(f"term '{raw}' has no letters or digits", path=path, line=line)
        return words

    def _pattern(self, word: str, raw: str, path: pathlib.Path, line: int) -> int:
        lead, trail = word.startswith("*"), word.endswith("*")
        stem = fold(word.strip("*"))
        if (lead or trail) and len(stem) < _MIN_STEM:
            raise RulePackError(
                f"term '{raw}': wildcard stem '{stem}' is shorter than {_MIN_STEM} letters", path=path, line=line
            )
        pattern = _Pattern(stem, lead, trail)
        index = self._pattern_index.get(pattern)
        if index is None:
            index = self._pattern_index[pattern] = len(self._patterns)
            self._patterns.append(pattern)
        return index
