"""Looking places up: a name (and country) typed by an officer → ranked candidates from the register."""

from __future__ import annotations

import re
import reprlib

from fundmatch._countries import to_eurostat
from fundmatch._country_names import country_from_name
from fundmatch._errors import AmbiguousPlaceError, ProfileError
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


# "Altena, DE", "Altena (NL)", "Altena DE", "Altena, Germany", "Brixen, Italien", "Łódź, Polska"
_TRAILING_COUNTRY = re.compile(r"^(?P<name>.+?)(?:\s*,\s*|\s+\(|\s+)(?P<country>[^\W\d_](?:[^\W\d_]|[ .'-])*?)\)?\s*$")


#: A LAU code as `places find` prints it: "05962004", "DE 05962004", "DE_05962004", "NL GM1959" (a digit in it).
_LAU_CODE = re.compile(r"^(?:(?P<country>[A-Za-z]{2})[\s_:-]*)?(?P<lau>[0-9A-Za-z]*[0-9][0-9A-Za-z]*)$")

#: Candidates within this many points of the best are "about equally good": the name is ambiguous.
AMBIGUITY_MARGIN = 5.0


def resolve_place(text: str, *, register: PlacesRegister | None = None, limit: int = 10) -> list[Place]:
    """Candidates for "Name, CC" (or "Name (CC)", "Name, Germany", "Name, Deutschland", a LAU code such as
    "DE 05962004"); a bare name searches every country. Country names are read in every EU language (CLDR).

    Example: ``resolve_place("Altena, DE")`` gives the German Altena only; ``resolve_place("Altena")`` both.
    """
    register = register if register is not None else load_register()
    text = text.strip()
    if len(text) > MAX_QUERY:
        return []  # and _TRAILING_COUNTRY, which is quadratic in the text, never sees a long one
    by_code = _by_lau_code(text, register)
    if by_code:
        return by_code[:limit]
    m = _TRAILING_COUNTRY.match(text)
    if m:
        tail = m.group("country").strip().rstrip(".")
        code = country_from_name(tail)
        # "Ejido, El" is a Spanish name, not Greece: a lower-case article is no country code.
        if code and tail.lower() in _ARTICLES and not tail.isupper():
            code = None
        # A country given is the country searched: "Antwerpen, FR" is no place in France, not the Belgian
        # Antwerpen. "Altena, Stadt" names no country, and is searched as a whole name.
        if code:
            return register.find(m.group("name"), code, limit=limit) if to_eurostat(code) in register.countries else []
    return register.find(text, None, limit=limit)


def _by_lau_code(text: str, register: PlacesRegister) -> list[Place]:
    m = _LAU_CODE.match(text)
    if not m:
        return []
    lau, country = m.group("lau"), m.group("country")
    if country:
        place = register.get(country, lau)
        if place is not None:
            return [place]
    # "GM1959" alone: the letters are part of the code, not a country.
    return register.by_lau(re.sub(r"\s+", "", text))


def choose_place(text: str, *, register: PlacesRegister | None = None, country: str | None = None) -> Place:
    """The one place ``text`` means (a name, "Name, country" or a LAU code); never a silent guess.

    The best candidate is taken only when no other comes within `AMBIGUITY_MARGIN` points of it. ``country``
    (a code) narrows the search, as a form's country choice does.

    Raises:
        AmbiguousPlaceError: several places match about equally well (``.candidates`` lists them).
        ProfileError: nothing in the register matches.
        PlacesError: there is no register yet.
    """
    register = register if register is not None else load_register()
    if country:
        candidates = _by_lau_code(f"{country} {text}", register) or register.find(text, country)
    else:
        candidates = resolve_place(text, register=register)
    if not candidates:
        raise ProfileError(
            f"no place matches {reprlib.repr(text)} in the places register; write the country as a code or a name"
            " ('Altena, DE', 'Altena, Deutschland'), or give the LAU code that 'fundmatch places find' shows"
        )
    best = candidates[0]
    close = [c for c in candidates if best.score - c.score < AMBIGUITY_MARGIN]
    if len(close) > 1:
        raise AmbiguousPlaceError(text, close)
    return best
