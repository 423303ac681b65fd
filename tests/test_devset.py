"""The development set of real funded projects is data with rules: provenance per case, no fund names in ideas.

The set measures the ranking (``bench/truth.py``); these tests keep it honest as it grows: every real case
names the fund its source states and the sources it was read from, every constructed ineligible case names the
law it rests on, and no idea text gives the answer away by naming a fund or programme.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

import fundmatch

DEVSET = Path(__file__).parent / "data" / "devset"
FUNDS = {"AMIF", "ESF+", "ERDF", "EAFRD", "INTERREG"}
# Words that name a fund or a programme (in the languages the set is written in): an idea that contains one
# tells the ranking the answer.
_GIVEAWAY = re.compile(
    r"\b(AMIF|FAMI|AMIF|EIF|FEI|ESF\+?|FSE\+?|EFS|ESR|EFRE|ERDF|FESR|FEDER|EFRR|EAFRD|ELER|FEASR|EFRROW|LEADER|"
    r"Interreg|URBACT|cohesion fund|structural funds?|Strukturfonds|fondi strutturali|fonds structurels|"
    r"European Social Fund|European Regional Development Fund|Asylum, Migration and Integration Fund|"
    r"Europäische[rn]? Sozialfonds|Fondo Sociale Europeo|Fonds social européen)\b",
    re.IGNORECASE,
)


def _cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(DEVSET.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            case["_file"] = path.name
            cases.append(case)
    return cases


CASES = _cases()


def test_the_set_is_large_enough_to_measure_anything() -> None:
    paid = [c for c in CASES if c.get("kind") != "ineligible"]
    refused = [c for c in CASES if c.get("kind") == "ineligible"]
    per_fund = {fund: sum(1 for c in paid if c["paid_by"] == fund) for fund in FUNDS}
    assert len(paid) >= 150, len(paid)
    assert min(per_fund.values()) >= 25, per_fund
    assert len(refused) >= 30, len(refused)
    assert sum(1 for c in paid if c.get("migrants")) * 3 >= len(paid)
    assert len({c["country"] for c in paid}) >= 15


def test_case_ids_are_unique_and_both_halves_are_used() -> None:
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids))
    halves = {hashlib.sha256(i.encode()).hexdigest()[0] in "01234567" for i in ids}
    assert halves == {True, False}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_case_has_provenance_and_a_fair_idea(case: dict[str, Any]) -> None:
    if case.get("kind") == "ineligible":
        assert case["must_not"] and set(case["must_not"]) <= FUNDS
        assert case["reason"].strip() and case["citation"].strip()
    else:
        assert case["paid_by"] in FUNDS
        assert case["fund_as_stated"].strip()
        assert case["sources"] and all(re.match(r"^https?://\S+$", url) for url in case["sources"]), case["sources"]
    idea = str(case["idea"])
    assert 2 <= len(re.findall(r"[.!?](\s|$)", idea.strip())) + (not idea.strip().endswith((".", "!", "?"))) <= 8
    giveaway = _GIVEAWAY.search(idea)
    assert giveaway is None, f"the idea names {giveaway.group(0)!r}"


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["id"])
def test_case_is_valid_input(case: dict[str, Any]) -> None:
    # The typed-in fields are valid for the models, so the script measures the ranking, not the input checks.
    for partner in case.get("partners") or []:
        fundmatch.Partner.model_validate(
            {"country": partner["country"], "type": partner.get("type") or "other_public_body"}
        )
    assert case["applicant_type"] in {t.value for t in fundmatch.OrganisationType}
    for key, kind in (
        ("themes", fundmatch.Theme),
        ("target_groups", fundmatch.TargetGroup),
        ("activities", fundmatch.Activity),
    ):
        assert set(case.get(key) or []) <= {t.value for t in kind}, key
