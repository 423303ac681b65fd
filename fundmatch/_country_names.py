"""Country names as officers write them, in the EU's languages: "Deutschland", "Italien", "Włochy" → a code.

The names come from the Unicode CLDR through Babel (maintained for every locale), not from hand lists. Only
the EU-27 and the countries the Interreg programmes border are looked up; names are compared folded (lower
case, no accents), so "Osterreich" finds "Österreich".
"""

from __future__ import annotations

from functools import lru_cache

from fundmatch._countries import EU_MEMBER_STATES, ISO_COUNTRIES, to_iso
from fundmatch._fold import fold

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


def _key(name: str) -> str:
    return " ".join(fold(name).casefold().replace("-", " ").replace(".", " ").split())


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    """Folded name → ISO code, for every EU language (first language wins on a clash)."""
    from babel import Locale

    wanted = EU_MEMBER_STATES | _NEIGHBOURS
    names: dict[str, str] = {_key(k): v for k, v in _EXTRA.items()}
    for language in EU_LANGUAGES:
        territories = Locale.parse(language).territories
        for code in wanted:
            # CLDR keys variants as "CZ-alt-short" and the like: the same country, another spelling.
            for key in (code, f"{code}-alt-short", f"{code}-alt-variant"):
                name = territories.get(key)
                if name:
                    names.setdefault(_key(name), code)
    return names


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
    return _names().get(_key(stripped))


def country_names() -> dict[str, str]:
    """Every folded country name known, with its ISO code (for finding names inside a text)."""
    return dict(_names())


def country_label(code: str, language: str = "en") -> str:
    """The country's name in ``language`` (English by default), or the code when CLDR has none."""
    from babel import Locale

    return str(Locale.parse(language).territories.get(to_iso(code), code))
