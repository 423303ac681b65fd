"""A budget in euro read from the description: as Europe writes amounts, never over a given budget."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fundmatch
from fundmatch._amounts import amount_of, euro_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("Das Budget beträgt 50 000 EUR.", 50_000),
        ("€ 50.000 für alles", 50_000),
        ("Kosten 50.000,00 €", 50_000),
        ("insgesamt 1,5 Mio. €", 1_500_000),
        ("orçamento de 300 mil euros", 300_000),
        ("oko 1,2 milijuna € ukupno", 1_200_000),
        ("buget 500.000 euro", 500_000),
        ("In 2025, 50 000 EUR in all", 50_000),  # a year before the amount is not part of it
        ("Kosten: 120 TEUR", 120_000),
        ("approx. 2.5 MEUR", 2_500_000),
        ("about EUR 1.2 million", 1_200_000),
        ("a first phase of 20 000 euros, in all 80 000 euros", 80_000),  # the total: the largest
        ("€ 50,000 for the hall", 50_000),
        ("1 234 567 EUR", 1_234_567),
        ("Koszt 3 mil. euro", 3_000_000),  # "mil." is million in cs, sk, pl, ro; "mil" thousand in es, pt
        ("Rozpočet 2 mil. eur", 2_000_000),
        ("Gesamtkosten 1.200 TEUR", 1_200_000),  # a thousands group before a thousand word
        ("1.200 Tsd. €", 1_200_000),
        ("2.500 k€", 2_500_000),
        ("€50.000", 50_000),
    ],
)
def test_an_amount_in_euro_is_read_as_written(text: str, amount: int) -> None:
    term = euro_amount(text)
    assert term is not None and term.field == "budget_eur" and amount_of(term) == amount
    assert term.matched in text


@pytest.mark.parametrize(
    "text",
    [
        "budżet 200 tys. zł",  # zloty: not converted
        "50 000 лева",
        "rozpočet 2 mil. Kč",
        "50 refugees in 2024, 3 villages",  # no currency
        "Sprachkurse für Geflüchtete",
        "CHF 50 000 EUR",  # another currency before the number: not euro, whatever follows
        "PLN 200 000 EUR",
        "Budget (in EUR) 2024-2026: 100 000",  # the currency belongs to the number only next to it
    ],
)
def test_no_amount_in_euro_is_no_budget(text: str) -> None:
    assert euro_amount(text) is None


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=99_999_999),
    st.sampled_from([" ", ".", "\u00a0", "'", ","]),
    st.sampled_from(["{n} EUR", "€ {n}", "{n} €", "EUR {n}", "{n} euro"]),
)
def test_a_whole_amount_with_any_thousands_separator_reads_back(amount: int, separator: str, shape: str) -> None:
    grouped = f"{amount:,}".replace(",", separator)
    term = euro_amount("Our project costs " + shape.format(n=grouped) + " in total.")
    assert term is not None and amount_of(term) == amount


def test_the_budget_is_read_from_the_text_but_never_over_a_given_one() -> None:
    place = {"name": "Gmina", "country": "PL", "population": 5000, "degurba": 3}
    read = fundmatch.match(place, "Chcemy wyremontować świetlicę wiejską, budżet 120 000 EUR.")
    assert read.idea.budget_eur == 120_000
    assert [(t.id, t.matched) for t in read.inferred if t.field == "budget_eur"] == [("EUR 120,000", "120 000 EUR")]
    assert "'120 000 EUR' as EUR 120,000 (the budget)" in " ".join(str(read).split())
    given_budget = fundmatch.match(place, {"description": "Świetlica wiejska, 120 000 EUR.", "budget_eur": 90_000})
    assert given_budget.idea.budget_eur == 90_000
    assert not [t for t in given_budget.inferred if t.field == "budget_eur"]
