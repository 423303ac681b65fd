"""Looking places up: a name (and country) typed by an officer → ranked candidates from the register."""

from __future__ import annotations

import re

from fundmatch._countries import to_eurostat
from fundmatch._places.cache import load_register
from fundmatch._places.index import MAX_QUERY, PlacesRegister
from fundmatch._places.model import Place
from fundmatch._places.names import _ARTICLES


def find_place(
    name: str,
    country: str | None = None,
    *,
    register: PlacesRegister | None = None,
    limit: int = 10,
) -> list[Place]:
    """Places whose name is like ``name``, best first; several when the name is ambiguous, never a guess.

    Tolerant of case, accents, German designations (", Stadt"), Spanish trailing articles, Latin vs national
    spelling and small typos.

    Args:
        name: the name as the officer writes it.
        country: ISO or Eurostat country code to search in (GR and EL both work); None searches everywhere.
        register: a loaded register (default: `load_register` from the data folder).
        limit: at most this many candidates.
    """
    register = register if register is not None else load_register()
    return register.find(name, country, limit=limit)


# "Altena, DE", "Altena (NL)", "Altena DE", "Altena, Germany"
_TRAILING_COUNTRY = re.compile(r"^(?P<name>.+?)(?:\s*,\s*|\s+\(|\s+)(?P<country>[A-Za-z][A-Za-z .]+?)\)?\s*$")


_COUNTRY_NAMES = {
    "austria": "AT", "belgium": "BE", "bulgaria": "BG", "croatia": "HR", "cyprus": "CY", "czechia": "CZ",
    "czech republic": "CZ", "denmark": "DK", "estonia": "EE", "finland": "FI", "france": "FR", "germany": "DE",
    "greece": "EL", "hungary": "HU", "ireland": "IE", "italy": "IT", "latvia": "LV", "lithuania": "LT",
    "luxembourg": "LU", "malta": "MT", "netherlands": "NL", "the netherlands": "NL", "poland": "PL",
    "portugal": "PT", "romania": "RO", "slovakia": "SK", "slovenia": "SI", "spain": "ES", "sweden": "SE",
}  # fmt: skip


def resolve_place(text: str, *, register: PlacesRegister | None = None, limit: int = 10) -> list[Place]:
    """Candidates for "Name, CC" (or "Name (CC)", "Name, Germany"); a bare name searches every country.

    Example: ``resolve_place("Altena, DE")`` gives the German Altena only; ``resolve_place("Altena")`` both.
    """
    register = register if register is not None else load_register()
    text = text.strip()
    if len(text) > MAX_QUERY:
        return []  # and _TRAILING_COUNTRY, which is quadratic in the text, never sees a long one
    m = _TRAILING_COUNTRY.match(text)
    if m:
        tail = m.group("country").strip().rstrip(".")
        code = _COUNTRY_NAMES.get(tail.lower()) or (tail.upper() if len(tail) == 2 else None)
        # "Ejido, El" is a Spanish name, not Greece: a lower-case article is no country code.
        if code and tail.lower() in _ARTICLES and not tail.isupper():
            code = None
        # Only a code the register knows counts as a country: "Altena, Stadt" is a name, not a country.
        if code and to_eurostat(code) in register.countries:
            found = register.find(m.group("name"), code, limit=limit)
            if found:
                return found
    return register.find(text, None, limit=limit)
