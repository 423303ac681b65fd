"""The shipped examples, end to end: the outcome an adviser would give, written down."""

from __future__ import annotations

from pathlib import Path

import pytest

import fundmatch
from fundmatch._yaml import load_yaml

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

CASES = [
    # A Swedish rural municipality in a LEADER area, a language café for newcomers with a local association:
    # the municipality's own integration measure for refugees (language, civic orientation, mentors) is AMIF's
    # first (Art 3(2)(b), Annex III 3); the LAG is the second door.
    (
        "ydre.yaml",
        "sprakcafe.yaml",
        # ERDF unknown: courses with only an accompanying exchange (is the exchange an ERDF operation of its own?).
        {"EAFRD": "eligible", "AMIF": "eligible", "ESF+": "eligible", "ERDF": "unknown", "INTERREG": "ineligible"},
        "AMIF",
    ),
    # A South Tyrolean town on the Austrian border, a cross-border apprenticeship bridge for young refugees.
    (
        "bressanone.yaml",
        "ausbildungsbruecke.yaml",
        {"INTERREG": "eligible", "AMIF": "eligible", "ESF+": "eligible", "ERDF": "unknown", "EAFRD": "ineligible"},
        None,
    ),
    # A German city of 118,000, a welcome centre for refugees: AMIF at 90 % for a local authority.
    (
        "goettingen.yaml",
        "welcome_centre.yaml",
        # ERDF ineligible: running services and courses is not investment (ERDF Art. 5(1)).
        {"AMIF": "eligible", "ESF+": "eligible", "ERDF": "ineligible", "EAFRD": "ineligible", "INTERREG": "ineligible"},
        "AMIF",
    ),
]


@pytest.mark.parametrize(("profile_file", "idea_file", "expected", "best"), CASES)
def test_example(profile_file: str, idea_file: str, expected: dict[str, str], best: str | None) -> None:
    report = fundmatch.match(load_yaml(EXAMPLES / "profiles" / profile_file), load_yaml(EXAMPLES / "ideas" / idea_file))
    assert {r.fund.value: r.status.value for r in report.ranking} == expected
    if best is not None:
        assert report.best is not None and report.best.fund.value == best
    for result in report.ranking:
        assert result.hits and all(h.explanation and h.citation.act for h in result.hits)


def test_goettingen_welcome_centre_gets_the_annex_iv_rate() -> None:
    report = fundmatch.match(
        load_yaml(EXAMPLES / "profiles" / "goettingen.yaml"), load_yaml(EXAMPLES / "ideas" / "welcome_centre.yaml")
    )
    amif = report["AMIF"].co_financing
    assert amif.rate == 0.90 and amif.amount_eur == 810000.0


def test_bressanone_interreg_partners_explained() -> None:
    report = fundmatch.match(
        load_yaml(EXAMPLES / "profiles" / "bressanone.yaml"), load_yaml(EXAMPLES / "ideas" / "ausbildungsbruecke.yaml")
    )
    hit = next(h for h in report["INTERREG"].hits if h.rule_id == "two_countries")
    assert hit.explanation == (
        "Partners come from AT, IT (2): Interreg needs at least 2 countries, or an EGTC or cross-border legal body"
        " with members from at least 2 as the sole partner (Art. 23(6))."
    )
