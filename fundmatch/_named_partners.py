"""Partners' countries named in an idea's description: "insieme al comune di Arnoldstein in Austria" → AT.

Read only when the idea names no partners (explicit partners are never overridden), each with its evidence in
the report's ``inferred``, and never the applicant's own country. Names come from CLDR in every EU language,
their inflected forms (Slovene "z Italijo", Hungarian "Ausztriában") from ``country_forms.csv``.

Guards keep a country that is not a partner out: only the EU-27 and the EFTA states count (an integration
project names where people come from — Ukraine, Syria — far more often than a partner there); a country right
after a word for "from" ("Roma aus Rumänien", "refugees from …") is an origin; one after a word for "without"
or "not" in its clause ("ohne Partner in Polen", "no partner in Poland yet") is no partner; and one a few words
after a trip or a visit ("Studienreise nach Österreich", "study visit to Austria") is a destination. A partner
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


#: Words for "without", "no" and "not" (folded), which make a country later in their clause no partner.
_NOT = frozenset(
    {
        "no", "not", "without", "none", "never",  # en (and es "no")
        "ohne", "kein", "keine", "keinen", "keinem", "keiner", "nicht",  # de
        "sans", "pas", "aucun", "aucune",  # fr
        "senza", "nessun", "nessuno", "nessuna", "non",  # it
        "sin", "ningun", "ninguna", "ninguno",  # es
        "sem", "nenhum", "nenhuma", "nao",  # pt
        "zonder", "geen", "niet",  # nl
        "bez", "nie", "zadnego", "zadnych", "zadnej", "zadny", "zadne", "zadneho",  # pl, cs
        "ziadny", "ziadne", "ziadneho", "brez", "nema", "ne",  # sk, sl, hr, cs/sl/hr/lv/lt
        "fara", "nu", "niciun", "nicio",  # ro
        "ingen", "inga", "inte", "uden", "ikke",  # sv, da (Swedish "utan": `_negated`)
        "ilman", "ilma", "ei",  # fi, et
        "nav", "nera",  # lv, lt
        "χωρις", "δεν", "μη", "без", "не", "няма",  # el, bg
        "minghajr", "ebda", "gan",  # mt, ga
    }
)  # fmt: skip

#: Words that end a negation's scope ("no partner yet, but a town in Austria wants to join").
_BUT = frozenset(
    {
        "but", "aber", "sondern", "mais", "ma", "pero", "mas", "maar", "ale", "ali", "dar", "men", "mutta",
        "kuid", "bet", "αλλα", "но", "izda", "ach",
    }
)  # fmt: skip

#: Words for a trip or a visit (folded): a country a few words after one is where it goes, not a partner.
_TRIP = frozenset(
    {
        "trip", "trips", "visit", "visits", "journey", "excursion", "tour",  # en
        "reise", "reisen", "studienreise", "studienfahrt", "exkursion", "besuch", "fahrt", "ausflug",  # de
        "voyage", "visite", "viaggio", "visita", "gita", "viaje", "viagem", "excursao",  # fr, it, es, pt
        "reis", "studiereis", "bezoek", "excursie",  # nl (et "reis")
        "wyjazd", "wizyta", "wycieczka", "podroz", "cesta", "navsteva", "exkurze", "zajezd", "exkurzia",  # pl, cs, sk
        "obisk", "ekskurzija", "potovanje", "posjet", "putovanje", "izlet",  # sl, hr
        "vizita", "calatorie", "resa", "studieresa", "besok", "rejse", "studietur", "besog",  # ro, sv, da
        "matka", "opintomatka", "vierailu", "brauciens", "vizite", "kelione", "vizitas",  # fi, lv, lt
        "ταξιδι", "επισκεψη", "пътуване", "посещение",  # el, bg
    }
)  # fmt: skip

#: How many words before a country a trip word may stand ("Studienreise unseres Gemeinderats nach Österreich").
_TRIP_WORDS = 3
#: The starts of words for a partner (folded): a partner after a trip word is still one ("we visit partners in
#: Austria twice a year").
_PARTNER_STEMS = ("partn", "parceir", "socio", "partenair", "kumppan")


def _destination(context: tuple[str, ...]) -> bool:
    """A trip or a visit a few words before the country, and no partner between them."""
    for word in context[:_TRIP_WORDS]:
        if word.startswith(_PARTNER_STEMS):
            return False
        if word in _TRIP:
            return True
    return False


#: The words after which "no" is English or Spanish "no", not Portuguese "in the" ("parceiros no distrito").
_NO_BEFORE = frozenset(
    {
        "partner", "partners", "partnership", "partnerships", "cooperation", "foreign", "international", "such",
        "tenemos", "hay", "tiene", "tienen", "contamos", "existe", "socios", "socio",
    }
)  # fmt: skip


def _negated(context: tuple[str, ...]) -> bool:
    """A word for "no" earlier in the clause, with no "but" between (``context``: nearest word first)."""
    for k, word in enumerate(context):
        if word == "utan":
            # Swedish: "but" after a negation ("inte bara … utan"), else "without" ("utan partner i Norge").
            return not any(w in _NOT for w in context[k + 1 :])
        if word in _BUT and not (k + 1 < len(context) and context[k + 1] in _NOT):
            return False  # Polish "nie ma" (there is no) is a negation, not "but"
        if word == "no":
            # Portuguese "no" is "in the"; English and Spanish "no" come before a partner or a verb.
            if k and context[k - 1] in _NO_BEFORE:  # the word after it
                return True
            continue
        if word in _NOT:
            return True
    return False


def named_partners(text: str) -> list[InferredTerm]:
    """Partners' countries the text names (see the module), as evidence; the applicant's is dropped later."""
    found: dict[str, InferredTerm] = {}
    origin, last = False, ""
    for mention in countries_in_text(text):
        code, before = mention.code, mention.before
        # A country listed right after an origin ("from Romania, Bulgaria and Syria") is an origin too. A form
        # that says "from" by itself (Finnish "Ruotsista") is one; one that says "with" is not, whatever word
        # is before it (Slovene "z Italijo": with Italy; "z" + genitive is "from").
        if mention.meaning == "with":
            origin = False
        else:
            origin = mention.meaning == "from" or before in _FROM or (origin and (before == last or before in _AND))
        last = name_key(mention.matched.split()[-1])
        if code not in _PARTNER_COUNTRIES or origin or code in found:
            continue
        if _negated(mention.context) or _destination(mention.context):
            continue
        found[code] = InferredTerm(
            field="partners",
            id=code,
            matched=mention.matched,
            term=mention.name,
            language=mention.language,
            similarity=100.0,
        )
    return list(found.values())
