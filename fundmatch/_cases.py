"""YAML test cases that sit beside a rule pack: a profile and an idea, and the expected result per fund.

The format (``rules/<period>/tests/*.yaml``), a list of cases::

    - name: A town on the Austrian border with an Austrian partner can use Interreg.
      profile: {name: Tarvisio, country: IT, population: 4100, border_region: true}
      idea: {title: Youth exchange, themes: [culture_sport], partners: [{country: AT}]}
      expect:
        INTERREG: eligible
        ESF+: {status: ineligible, fails: [social_objective]}
        AMIF: {status: unknown, rate: null}

``fails`` lists the requirement and exclusion ids expected to fail (exactly), ``rate`` the expected
co-financing rate (``null`` for undecided). Rule authors run them with ``fundmatch check``; the project's
own test suite runs the shipped ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fundmatch._errors import RulePackError
from fundmatch._ids import Status
from fundmatch._pack import RulePack
from fundmatch._yaml import load_yaml


class Expectation(BaseModel):
    """What one fund should come out as."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    fails: list[str] | None = None
    rate: float | None = Field(default=None, description="Checked only when the case states it (null included).")


class Case(BaseModel):
    """One test case."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=10)
    profile: dict[str, Any]
    idea: dict[str, Any]
    expect: dict[str, Status | Expectation]
    file: str = ""
    line: int = 0

    def expectations(self) -> dict[str, Expectation]:
        """Every expectation in its long form."""
        return {fund: e if isinstance(e, Expectation) else Expectation(status=e) for fund, e in self.expect.items()}


def load_cases(path: Path) -> list[Case]:
    """The cases of one file; a malformed one raises `RulePackError` at its line."""
    raw = load_yaml(path)
    if not isinstance(raw, list):
        raise RulePackError("a test-case file holds a list of cases", path=path, line=1)
    cases = []
    for item in raw:
        line = getattr(item, "line", None)
        if not isinstance(item, dict):
            raise RulePackError("each case is a mapping with name, profile, idea and expect", path=path, line=line)
        data = dict(item)
        try:
            cases.append(Case.model_validate({**data, "file": str(path), "line": line or 0}))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise RulePackError(f"test case {where}: {first['msg']}", path=path, line=line) from None
    return cases


def check_case(pack: RulePack, case: Case) -> list[str]:
    """The ways a case's actual result differs from its expectation (empty when it passes)."""
    problems = []
    unknown = sorted(set(case.expect) - set(pack.funds))
    if unknown:
        problems.append(f"expects unknown fund(s) {', '.join(unknown)}")
    report = pack.match(case.profile, case.idea)
    for fund, expected in case.expectations().items():
        if fund not in pack.funds:
            continue
        actual = report[fund]
        if actual.status is not expected.status:
            why = actual.reason
            problems.append(f"{fund}: expected {expected.status.value}, got {actual.status.value} ({why})")
        if expected.fails is not None:
            failed = sorted(h.rule_id for h in actual.failed())
            if failed != sorted(expected.fails):
                problems.append(f"{fund}: expected failing rules {sorted(expected.fails)}, got {failed}")
        if "rate" in expected.model_fields_set and actual.co_financing.rate != expected.rate:
            problems.append(f"{fund}: expected rate {expected.rate}, got {actual.co_financing.rate}")
    return problems
