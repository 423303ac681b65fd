"""Country names as officers write them, in the EU's languages: "Deutschland", "Italien", "Włochy" → a code.

The names come from the Unicode CLDR through Babel (maintained for every locale), not from hand lists. Only
the EU-27 and the countries the Interreg programmes border are looked up; names are compared folded (lower
case, no accents), so "Osterreich" finds "Österreich".
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from fundmatch import _cache
from fundmatch._countries import EU_MEMBER_STATES, ISO_COUNTRIES, to_iso
from fundmatch._fold import fold, visible

#: The EU's 24 official languages, whose CLDR territory names are read.
EU_LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr",
    "hu", "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
)  # fmt: skip

#: Countries named besides the EU-27: the neighbours that Interreg programmes and partners come from.
_NEIGHBOURS = frozenset(
    {"AL", "BA", "BY", "CH", "FO", "GB", "GL", "IS", "LI", "MC", "MD", "ME", "MK", "NO", "RS", "RU", "SM", "TR", "UA"}
    | {"VA", "XK"}
)

#: Common short forms CLDR gives only as alternatives (its "short" variants are read too).
_EXTRA = {"holland": "NL", "czech republic": "CZ", "the netherlands": "NL", "great britain": "GB", "uk": "GB"}


def name_key(name: str) -> str:
    """A country name as the tables key it: folded, case-free, hyphens and dots as spaces."""
    return " ".join(fold(name).casefold().replace("-", " ").replace(".", " ").split())


def _key() -> str:
    """What the table depends on: Babel's CLDR data (its version), this code, and Unicode's tables (folding)."""
    import importlib.util
    import sys
    import unicodedata
    from pathlib import Path

    spec = importlib.util.find_spec("babel")
    babel = _cache.file_bytes(spec.origin) if spec is not None and spec.origin else b""  # holds __version__
    here = Path(__file__).parent
    sources = [_cache.file_bytes(here / name) for name in ("_country_names.py", "_countries.py", "_fold.py", _FORMS)]
    return _cache.digest([babel, *sources, unicodedata.unidata_version.encode(), sys.version.encode()])


#: Inflected forms of the names (locative, instrumental, genitive …), which CLDR does not give.
_FORMS = "country_forms.csv"


@lru_cache(maxsize=1)
def _entries() -> dict[str, tuple[str, str, str, str]]:
    """Folded name → (ISO code, language, the name as written, what an inflected form means: "with", "from" or
    "" for any other), for every EU language (CLDR's names first, then `country_forms.csv`; first wins).

    Reading 24 locales of CLDR takes most of a tenth of a second: the table is kept in the load cache
    (`fundmatch._cache`), under Babel's version.
    """
    key = _key()
    cached = _cache.read("country-names.json", key)
    if (
        isinstance(cached, dict)
        and cached
        and all(isinstance(v, list) and len(v) == 4 and all(isinstance(x, str) for x in v) for v in cached.values())
    ):
        return {name: (v[0], v[1], v[2], v[3]) for name, v in cached.items()}
    entries = _read_entries()
    _cache.write("country-names.json", key, entries)
    return entries


def _read_entries() -> dict[str, tuple[str, str, str, str]]:
    from babel import localedata

    wanted = EU_MEMBER_STATES | _NEIGHBOURS
    entries: dict[str, tuple[str, str, str, str]] = {name_key(k): (v, "en", k, "") for k, v in _EXTRA.items()}
    for language in EU_LANGUAGES:
        # The locale's own names only: merging CLDR's root data into each would double the first call's time.
        territories = localedata.load(language, merge_inherited=False).get("territories", {})
        for code in sorted(wanted):
            # CLDR keys variants as "CZ-alt-short" and the like: the same country, another spelling.
            for key in (code, f"{code}-alt-short", f"{code}-alt-variant"):
                name = territories.get(key)
                if name:
                    entries.setdefault(name_key(name), (code, language, str(name), ""))
    for key, entry in _read_forms().items():
        entries.setdefault(key, entry)
    return entries


def _read_forms() -> dict[str, tuple[str, str, str, str]]:
    """`country_forms.csv` by folded form. A form with several jobs (Polish "Austrii": of Austria, in Austria)
    means "with" if one of them is, "from" only if all are."""
    import csv
    from pathlib import Path

    rows: dict[str, list[dict[str, str]]] = {}
    with (Path(__file__).parent / _FORMS).open(encoding="utf-8", newline="") as table:
        for row in csv.DictReader(table):
            rows.setdefault(name_key(row["form"]), []).append(row)
    forms = {}
    for key, same in rows.items():
        meanings = {row["meaning"] for row in same}
        meaning = "with" if "with" in meanings else "from" if meanings == {"from"} else ""
        forms[key] = (same[0]["code"], same[0]["language"], same[0]["form"], meaning)
    return forms


def _names() -> dict[str, str]:
    return {key: entry[0] for key, entry in _entries().items()}


#: The longest country name in words ("Bosna i Hercegovina"), for scanning a text.
_MAX_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+")


#: What ends a clause between two words: a word before it is not in the clause of the words after it.
_CLAUSE_END = re.compile(r"[.,;:!?()\[\]\n]")

#: How many words of its clause before a country name are kept with it (`countries_in_text`).
_CONTEXT_WORDS = 5


class Mention(NamedTuple):
    """A country named in a text (`countries_in_text`)."""

    code: str  # ISO 3166-1 alpha-2
    matched: str  # the words of the text
    name: str  # the name or form as written in the table
    language: str
    before: str  # the word before it, folded
    context: tuple[str, ...]  # the words of its clause before it, folded, nearest first (at most five)
    meaning: str  # of an inflected form: "with" (instrumental, comitative), "from" (elative …), else ""


def _capitalised(word: str) -> bool:
    # Irish mutations put lower-case letters before the capital: "hOstaire", "bhFrainc", "na hÉireann".
    return word[:1].isupper() or (word[:1].islower() and any(c.isupper() for c in word[1:3]))


def countries_in_text(text: str) -> list[Mention]:
    """Countries a text names, in any EU language, by name or inflected form, every mention in text order.

    Only capitalised words count, as country names are proper nouns in every EU language: "island" in an
    English sentence is no Iceland.
    """
    entries = _entries()
    text = visible(text)
    words = [(m.group(0), m.start(), m.end()) for m in _WORD.finditer(text)]
    found: list[Mention] = []
    i = 0
    while i < len(words):
        hit = None
        if _capitalised(words[i][0]):
            for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
                key = name_key(" ".join(w for w, _, _ in words[i : i + n]))
                if key in entries:
                    hit = (n, entries[key])
                    break
        if hit is None:
            i += 1
            continue
        n, (code, language, name, meaning) = hit
        context: list[str] = []
        j = i - 1
        while j >= 0 and len(context) < _CONTEXT_WORDS and not _CLAUSE_END.search(text, words[j][2], words[j + 1][1]):
            context.append(name_key(words[j][0]))
            j -= 1
        before = name_key(words[i - 1][0]) if i else ""
        matched = text[words[i][1] : words[i + n - 1][2]]
        found.append(Mention(code, matched, name, language, before, tuple(context), meaning))
        i += n
    return found


def country_from_name(text: str) -> str | None:
    """The ISO 3166-1 code of a country written as a code or a name in an EU language, or None.

    Example:
        >>> country_from_name("Deutschland"), country_from_name("Włochy"), country_from_name("el")
        ('DE', 'IT', 'GR')
    """
    stripped = text.strip()
    if len(stripped) == 2 and stripped.isalpha():
        code = to_iso(stripped)
        return code if code in ISO_COUNTRIES else None
    return _names().get(name_key(stripped))


def country_names() -> dict[str, str]:
    """Every folded country name known, with its ISO code (for finding names inside a text)."""
    return dict(_names())


def language_name(code: str) -> str:
    """A language in its own words ("de" → "Deutsch"), from CLDR; the code when CLDR has none."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(code).display_name or code)
    except (ValueError, UnknownLocaleError):
        return code


def country_label(code: str, language: str = "en") -> str:
    """The country's name in ``language`` (English by default), or the code when CLDR has none."""
    from babel import Locale

    return str(Locale.parse(language).territories.get(to_iso(code), code))
