"""The YAML test cases shipped beside the rule packs (rules/<period>/tests/*.yaml), one test each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fundmatch
from fundmatch._cases import Case, check_case, load_cases
from fundmatch._resources import PeriodLayout, periods, rules_root
from fundmatch._schema import PeriodFile
from fundmatch._yaml import load_yaml


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
    # A case states the funds it is about (others unchecked), each of them a fund of the pack.
    assert case.expect and set(case.expect) <= set(pack.funds), f"{case.file}:{case.line}: expect known funds"
    problems = check_case(pack, case)
    assert not problems, f"{case.file}:{case.line}: " + "; ".join(problems)


def test_there_are_cases_for_every_fund() -> None:
    assert CASES, "no YAML test cases found"
    for period in periods():
        names = {Path(c.file).stem for p, c in CASES if p == period}
        # Every pack file period.yaml declares has its own case file.
        stems = PeriodFile.model_validate(load_yaml(PeriodLayout(rules_root() / period).period_file)).funds
        assert set(stems.values() if isinstance(stems, dict) else stems) <= names
