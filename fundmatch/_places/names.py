"""How place names are compared: one folded form, and the form of an official name people type."""

from __future__ import annotations

import re

from rapidfuzz import utils

from fundmatch._fold import fold

# Spanish, Catalan, Galician and Balearic names put the article last ("Ejido, El"); people say "El Ejido".
_ARTICLES = frozenset(
    {"el", "la", "los", "las", "l'", "els", "les", "es", "sa", "ses", "o", "a", "os", "as", "lo", "s'"}
)


_DESIGNATION = re.compile(r"stadt|gemeinde|flecken|markt|kurort|^(st|m|gkst|krst)\.?$", re.IGNORECASE)


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: what names are compared on."""
    return str(utils.default_process(fold(text)))


def _search_key(name: str, country: str) -> str:
    """The form of an official name people type: no German designation, the article in front."""
    head, sep, tail = name.rpartition(", ")
    if sep and tail.strip().lower() in _ARTICLES:
        name = f"{tail.strip()} {head}"
    elif ", " in name and (country == "DE" or _DESIGNATION.search(name.split(", ", 1)[1])):
        # German official names carry a designation after the comma ("Altena, Stadt", "Neustadt a.d.Aisch, St");
        # a query without a country drops only what looks like one.
        name = name.split(", ", 1)[0]
    return _fold(name)
