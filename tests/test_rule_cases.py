"""The YAML test cases shipped beside the rule packs (rules/<period>/tests/*.yaml), one test each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fundmatch
from fundmatch._cases import Case, check_case, load_cases
from fundmatch._resources import periods, rules_root


def _cases() -> list[tuple[str, Case]]:
    found = []
    for period in periods():
        for file in sorted((rules_root() / period / "tests").glob("*.yaml")):
            for case in load_cases(file):
                found.append((period, case))
    return found


CASES = _cases()


def _id(item: tuple[str, Case]) -> str:
    period, case = item
    return f"{period}/{Path(case.file).stem}/" + re.sub(r"[^a-z0-9]+", "-", case.name.lower()).strip("-")[:60]


@pytest.mark.parametrize("item", CASES, ids=[_id(c) for c in CASES])
def test_case(item: tuple[str, Case]) -> None:
    period, case = item
    pack = fundmatch.load_rules(period)
    # Each case states the expected status of every fund, not only the one under test.
    assert set(case.expect) == set(pack.funds), f"{case.file}:{case.line}: expect every fund"
    problems = check_case(pack, case)
    assert not problems, f"{case.file}:{case.line}: " + "; ".join(problems)


def test_there_are_cases_for_every_fund() -> None:
    assert CASES, "no YAML test cases found"
    names = {Path(c.file).stem for _, c in CASES}
    assert {"amif", "esf_plus", "erdf", "eafrd", "interreg"} <= names
