"""The in-memory search index of the register: names folded once, looked up with rapidfuzz."""

from __future__ import annotations

import bisect
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from fundmatch._countries import to_eurostat
from fundmatch._places.model import Place
from fundmatch._places.names import _search_key

#: The longest name a look-up accepts (the longest LAU name is under 100 characters); longer finds nothing.
MAX_QUERY = 200
#: A query word of this many letters also finds name words that continue it by an inflection ending of at most
#: `_ENDING_LETTERS` letters, scored `_INFLECTED_PENALTY` points below the word itself.
_STEM_LETTERS = 4
_ENDING_LETTERS = 2
_INFLECTED_PENALTY = 3.0


def _covers(words: list[str], name_words: list[str], inflected: set[str]) -> bool:
    """Whether every query word is a word of the name, or one of its inflected forms is."""
    present = set(name_words)
    return all(w in present or any(f in present and f.startswith(w) for f in inflected) for w in words)


class PlacesRegister:
    """The loaded register: rows in memory, search keys normalised once, an index per country."""

    def __init__(self, rows: list[tuple[Any, ...]], meta: dict[str, str], path: Path | None = None) -> None:
        self.path = path
        self.meta = meta
        self.vintage: str = meta.get("vintage", "")
        self.nuts_version: str | None = meta.get("nuts_version") or None
        self.source: str = meta.get("source", "")
        self._rows = rows
        # One list of search keys per country, and one for all; Latin names are extra keys of the same row.
        self._keys: dict[str | None, tuple[list[str], list[int]]] = {None: ([], [])}
        # Word → rows whose name has that word: finds "Neustadt" in "Neustadt an der Weinstraße" without a
        # slow partial scorer over every name.
        self._words: dict[str, list[int]] = {}
        self._sorted_words: list[str] | None = None  # made at the first look-up that needs it
        self._by_lau: dict[tuple[str, str], int] = {}
        all_keys, all_index = self._keys[None]
        for i, row in enumerate(rows):
            country, lau, key, key_latin = row[0], row[1], row[9], row[10]
            self._by_lau[(country, lau)] = i
            keys, index = self._keys.setdefault(country, ([], []))
            for k in (key, key_latin) if key_latin else (key,):
                keys.append(k)
                index.append(i)
                all_keys.append(k)
                all_index.append(i)
                for word in set(k.split()):
                    rows_with = self._words.setdefault(word, [])
                    if not rows_with or rows_with[-1] != i:
                        rows_with.append(i)

    def __len__(self) -> int:
        return len(self._rows)

    def _word_rows(self, word: str) -> tuple[set[int], set[str]]:
        """The rows whose name has ``word``, or (for a word of 4 letters or more) a word that continues it by at
        most two letters, an inflection ending; and those longer words."""
        rows = set(self._words.get(word, ()))
        forms: set[str] = set()
        if len(word) >= _STEM_LETTERS:
            ordered = self._sorted_words
            if ordered is None:
                ordered = self._sorted_words = sorted(self._words)
            k = bisect.bisect_right(ordered, word)
            while k < len(ordered) and ordered[k].startswith(word):
                if len(ordered[k]) - len(word) <= _ENDING_LETTERS:
                    forms.add(ordered[k])
                    rows.update(self._words[ordered[k]])
                k += 1
        return rows, forms

    @property
    def countries(self) -> list[str]:
        """The countries in the register."""
        return sorted(c for c in self._keys if c is not None)

    def _place(self, i: int, score: float = 100.0) -> Place:
        c, lau, name, latin, pop, pop_year, degurba, nuts3, coastal = self._rows[i][:9]
        return Place(
            lau=lau,
            name=name,
            name_latin=latin or None,
            country=c,
            population=pop,
            population_year=pop_year if pop is not None else None,
            degurba=degurba,
            nuts3=nuts3 or None,
            coastal=None if coastal is None else bool(coastal),
            vintage=self.vintage,
            nuts_version=self.nuts_version,
            source=self.source,
            score=round(float(score), 1),
        )

    def get(self, country: str, lau: str) -> Place | None:
        """The place with this LAU code, or None."""
        i = self._by_lau.get((to_eurostat(country), lau.strip()))
        return None if i is None else self._place(i)

    def by_lau(self, lau: str) -> list[Place]:
        """Every place with this LAU code, in any country (codes are unique only within a country)."""
        lau = lau.strip()
        return [self._place(i) for (_c, code), i in self._by_lau.items() if code == lau]

    def find(self, name: str, country: str | None = None, *, limit: int = 10, cutoff: float = 75.0) -> list[Place]:
        """Candidates for a name, best first (see `find_place`)."""
        if len(name) > MAX_QUERY:
            return []  # no place name is this long; bounds the work a service does for one query
        code = to_eurostat(country) if country else None
        query = _search_key(name, code or "")
        if not query or limit < 1 or (code is not None and code not in self._keys):
            return []
        keys, index = self._keys[code]
        best: dict[int, float] = {}
        # Whole-name similarity (Indel ratio) tolerates typos, and is fast enough to run over every name. The
        # keys went through rapidfuzz's default_process (after accent folding) once, at import: a processor here
        # would redo that for 100,000 names on every query.
        for _key, score, position in process.extract(
            query, keys, scorer=fuzz.ratio, processor=None, limit=limit * 3 + 20, score_cutoff=cutoff
        ):
            row = index[position]
            best[row] = max(best.get(row, 0.0), float(score))
        # Names that hold every word of the query ("Neustadt" → "Neustadt an der Weinstraße") score 80–95 by
        # how much of the name the query covers, so a short name inside a long query never wins.
        words = list(dict.fromkeys(query.split()))  # "an der an der …": each word's rows once
        # A word also finds its inflected forms in names ("Alūksne" → "Alūksnes novads", "Κομοτηνή" → "Δημοτική
        # Κοινότητα Κομοτηνής"): Eurostat often names a place in the genitive, an officer writes the nominative.
        found = [self._word_rows(w) for w in words]
        lists = sorted((rows for rows, _ in found), key=len)
        inflected = set().union(*(forms for _, forms in found))
        if lists and lists[0]:
            rows = set(lists[0]).intersection(*lists[1:])
            for row in rows:
                c, key, key_latin = self._rows[row][0], self._rows[row][9], self._rows[row][10]
                if code is not None and c != code:
                    continue
                exact = set(words) <= set(key.split())
                target = key if exact or not key_latin or _covers(words, key.split(), inflected) else key_latin
                score = 80.0 + 15.0 * len(query) / max(len(target), len(query))
                if not (exact or set(words) <= set(key_latin.split())):
                    score -= _INFLECTED_PENALTY  # a whole word of the name first, an inflected one after
                # A bilingual name ("Bolzano/Bozen", "Bressanone/Brixen") is two names: either one in full is
                # an exact match, not a part of a longer name. German names use the slash for a qualifier
                # ("Lahr/Schwarzwald", "Sulzbach/ Saar"), so a query for "Saar" is no exact match there.
                name = self._rows[row][2]
                if c != "DE" and "/" in name and query in {_search_key(part, c) for part in name.split("/")}:
                    score = 100.0
                if score > best.get(row, 0.0):
                    best[row] = score
        # Ties (many "Neustadt") go to the larger place first: it is the likelier meaning, not a choice.
        ranked = sorted(best.items(), key=lambda item: (-item[1], -(self._rows[item[0]][4] or 0), item[0]))
        return [self._place(i, score) for i, score in ranked[:limit]]
