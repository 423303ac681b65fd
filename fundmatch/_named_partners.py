"""Partners' countries named in an idea's description: "insieme al comune di Arnoldstein in Austria" → AT.

Read only when the idea names no partners (explicit partners are never overridden), each with its evidence in
the report's ``inferred``, and never the applicant's own country. Names come from CLDR in every EU language.

Two guards keep a country that is not a partner out: only the EU-27 and the EFTA states count (an integration
project names where people come from — Ukraine, Syria — far more often than a partner there), and a country
right after a word for "from" ("Roma aus Rumänien", "refugees from …") is an origin, not a partner. A partner
the text does not make plain is for the officer to give.
"""

from __future__ import annotations

from fundmatch._countries import EU_MEMBER_STATES
from fundmatch._country_names import countries_in_text, name_key
from fundmatch._evidence import InferredTerm

#: Where partners of the shipped funds' projects are: the EU-27 and the EFTA states.
_PARTNER_COUNTRIES = EU_MEMBER_STATES | {"CH", "IS", "LI", "NO"}

#: Words for "from" in the EU's languages (folded), after which a country is where people come from.
_FROM = frozenset(
    {
        "from",  # en
        "aus", "von",  # de
        "da", "dal", "dalla", "dall", "dai", "dagli", "dalle",  # it
        "de", "du", "des", "d", "desde", "del",  # fr, es, pt
        "z", "ze", "zo", "od", "iz", "ot", "apo",  # pl, cs, sk, hr, sl, bg, el
        "fran", "fra",  # sv, da, no
        "uit", "van",  # nl
        "is", "no", "din", "dintr",  # lt (iš), lv, ro
    }
)  # fmt: skip


#: Words that join the countries of a list ("from Romania, Bulgaria and Syria": all three are origins).
_AND = frozenset(
    {
        "and", "or", "und", "oder", "e", "o", "ed", "et", "ou", "y", "u", "i", "a", "och", "eller", "og",
        "en", "of", "ja", "tai", "es", "ir", "un", "si", "ali", "alebo", "nebo", "lub", "ili", "kai", "agus",
    }
)  # fmt: skip


def named_partners(text: str) -> list[InferredTerm]:
    """Partners' countries the text names (see the module), as evidence; the applicant's is dropped later."""
    found = []
    origin, last = False, ""
    for code, matched, name, language, before in countries_in_text(text):
        # A country listed right after an origin ("from Romania, Bulgaria and Syria") is an origin too.
        origin = before in _FROM or (origin and (before == last or before in _AND))
        last = name_key(matched.split()[-1])
        if code not in _PARTNER_COUNTRIES or origin:
            continue
        found.append(
            InferredTerm(field="partners", id=code, matched=matched, term=name, language=language, similarity=100.0)
        )
    return found
