"""A budget in euro named in an idea's description: "budget 50 000 EUR", "€ 1,2 Mio.", "300 mil euros".

Read only when the idea gives no ``budget_eur`` (a given budget is never overridden), with its evidence in the
report's ``inferred``. Only amounts in euro count: an amount in zloty, koruna or lev is not converted (the
rate of the day is not fundmatch's to guess), and the budget stays a question. Where the text names several
euro amounts (the total, the own share, a first phase), the largest is taken: the total cost is what the
co-financing rate applies to, and the officer sees which words were read.

Separators as Europe writes them: "50 000", "50.000", "50,000" and "50'000" are fifty thousand; "1,5" and "1.5"
one and a half (a separator followed by one or two digits is a decimal one, by three a thousands one, unless a
word for thousand or million follows: "1,500 Mio" is one and a half million).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from fundmatch._evidence import InferredTerm
from fundmatch._fold import fold, visible

# Words for "thousand" and "million" (folded, without a final dot) in the EU's languages. "mil" is thousand in
# Spanish and Portuguese ("300 mil euros"); "mil." with its dot is the Czech, Slovak, Polish and Romanian
# abbreviation of million ("2 mil. eur"), read apart (`_DOTTED_MILLION`).
_THOUSAND = frozenset(
    {
        "k", "thousand", "tausend", "tsd", "mille", "mil", "tys", "tis", "tisoc", "tisuca", "tisuc", "tukst",
        "tuhatta", "tuh", "tuhat", "ezer", "χιλ", "χιλιαδες", "хил", "хиляди", "duizend", "tusind", "tusen",
        "miile", "mii",
    }
)  # fmt: skip
_MILLION = frozenset(
    {
        "m", "mio", "mn", "mln", "million", "millions", "millionen", "millon", "millones", "milhao", "milhoes",
        "milione", "milioni", "milion", "miliony", "milionu", "milionow", "milijun", "milijuna", "milijona",
        "milijon", "miljoen", "miljoner", "miljon", "miljoni", "miljona", "miljonu", "miljoona", "miljoonaa",
        "millio", "εκατ", "εκατομμυρια", "εκατομμυριο", "млн", "милиона", "милион", "milioane",
    }
)  # fmt: skip
# Euro, folded: the sign, the code and the word in every EU language.
_EURO = frozenset(
    {"€", "eur", "euro", "euros", "eura", "eurot", "euroa", "euron", "evro", "evrov", "evra", "eiro", "ευρω",
     "евро", "eurų", "euru", "eurow", "eurach", "eurami", "eurum", "eurai"}
)  # fmt: skip
# Other currencies: an amount in one of them is not read as euro.
_OTHER = frozenset(
    {"zl", "pln", "kc", "czk", "lv", "лв", "лева", "bgn", "kr", "sek", "dkk", "nok", "ft", "huf", "lei", "ron",
     "chf", "$", "usd", "£", "gbp", "korun", "koruna", "forint"}
)  # fmt: skip

# A number as written: digits with thousands or decimal separators (space, no-break and thin spaces, dots,
# commas, apostrophes), then the words after it; the sign may stand before ("€ 50.000", "EUR 50 000").
_TOKEN = re.compile(r"\d{1,3}(?:[\u00a0\u202f\u2009 '’.,]\d{3})+(?:[.,]\d+)?(?!\d)|\d+(?:[.,]\d+)?|[^\W\d_]+\.?|[€$£]")
# A scale written into the currency's token: "MEUR", German "TEUR" (thousand euro), "kEUR".
_SCALED_EURO = {"meur": Decimal(1_000_000), "mioeur": Decimal(1_000_000), "teur": Decimal(1000), "keur": Decimal(1000)}
_LIMIT = Decimal("100000000000")
_DOTTED_MILLION = frozenset({"mil.", "mln."})
_DIGIT = re.compile(r"\d")


def _number(written: str, scaled: bool) -> Decimal | None:
    digits = re.sub(r"[\u00a0\u202f\u2009 '’]", "", written)
    marks = [c for c in digits if c in ".,"]
    if marks:
        last = max(digits.rfind("."), digits.rfind(","))
        tail = len(digits) - last - 1
        if len(set(marks)) == 2 or (len(marks) == 1 and (tail != 3 or scaled)):
            # The last separator is the decimal one; the others group thousands.
            digits = re.sub(r"[.,]", "", digits[:last]) + "." + digits[last + 1 :]
        else:
            digits = re.sub(r"[.,]", "", digits)
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


def euro_amount(text: str) -> InferredTerm | None:
    """The largest amount in euro the text names, as the evidence of a ``budget_eur``, or None."""
    if not _DIGIT.search(text):
        return None  # most descriptions name no number at all: nothing to tokenise
    text = visible(text)
    tokens = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    # Only the words next to a number are read (folded once, when first needed): a long text has few numbers.
    folded: dict[int, str] = {}

    def word(k: int, *, dotted: bool = False) -> str:
        if k < 0 or k >= len(tokens) or tokens[k][0][0].isdigit():
            return ""
        if k not in folded:
            folded[k] = fold(tokens[k][0])
        return folded[k] if dotted else folded[k].rstrip(".")

    def next_to(k: int, other: int) -> bool:
        # A currency or a scale belongs to the number only with nothing but spaces between them: "(in EUR)
        # 2024" names no amount of 2,024 euro.
        a, b = sorted((k, other))
        return a >= 0 and b < len(tokens) and not text[tokens[a][2] : tokens[b][1]].strip()

    best: tuple[Decimal, int, int] | None = None
    for k, (token, _, _) in enumerate(tokens):
        if not token[0].isdigit():
            continue
        scale, j = Decimal(1), 0
        following = word(k + 1) if next_to(k, k + 1) else ""
        if word(k + 1, dotted=True) in _DOTTED_MILLION and following:
            scale, j = Decimal(1_000_000), 1
        elif following in _THOUSAND or following in _MILLION:
            scale = Decimal(1000) if following in _THOUSAND else Decimal(1_000_000)
            j = 1
        # The currency right after the number (and its scale), or right before it.
        after_currency = word(k + 1 + j) if next_to(k + j, k + 1 + j) else ""
        before_currency = word(k - 1) if next_to(k - 1, k) else ""
        if before_currency in _OTHER:
            continue  # "CHF 50 000", "PLN 200 000": not euro, whatever follows
        if j == 0 and after_currency in _SCALED_EURO:
            scale, last = _SCALED_EURO[after_currency], k + 1
        elif after_currency in _EURO:
            last = k + 1 + j
        elif before_currency in _EURO and after_currency not in _OTHER:
            last = k + j
        else:
            continue
        # "1,500 Mio" is one and a half million; "1.200 TEUR" twelve hundred thousand.
        value = _number(token, scale == 1_000_000)
        if value is None:
            continue
        amount = value * scale
        if 0 < amount <= _LIMIT and (best is None or amount > best[0]):
            first = k - 1 if before_currency in _EURO and last == k + j else k
            best = (amount, tokens[first][1], tokens[last][2])
    if best is None:
        return None
    amount, start, end = best
    shown = f"EUR {amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount:,}"
    return InferredTerm(
        field="budget_eur",
        id=shown,
        matched=text[start:end].rstrip("."),
        term="an amount in euro",
        language="",
        similarity=100.0,
    )


def amount_of(term: InferredTerm) -> float:
    """The budget a `euro_amount` evidence stands for."""
    return float(Decimal(term.id.removeprefix("EUR ").replace(",", "")))
