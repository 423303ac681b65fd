"""``fundmatch check``: validate a rule-pack folder the way the shipped one is validated.

It loads the folder (schema, expressions, templates, acts), checks that every rule cites an article, and runs
the YAML test cases in its ``tests/`` folder; each problem is reported with its file, line and rule.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fundmatch._cases import check_case, load_cases
from fundmatch._errors import FundmatchError
from fundmatch._pack import RulePack, check_vocabulary, compiled_funds
from fundmatch._resources import PeriodLayout


@dataclass
class CheckResult:
    """What a check found."""

    folder: Path
    problems: list[str] = field(default_factory=list)
    rules: int = 0
    unverified: int = 0
    cases: int = 0
    cases_passed: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems

    def summary(self) -> str:
        """One line for the end of the report."""
        verdict = "OK" if self.ok else f"{len(self.problems)} problem(s)"
        return (
            f"{self.folder}: {verdict} — {self.rules} rules ({self.unverified} unverified), "
            f"{self.cases_passed}/{self.cases} test cases pass"
        )


def check_folder(folder: str | Path) -> CheckResult:
    """Check one period folder of rule packs; never raises for problems in the folder itself."""
    result = CheckResult(Path(folder))
    try:
        pack = RulePack(folder)
        check_vocabulary(pack)  # read on first use otherwise; a check reads everything
    except FundmatchError as exc:
        result.problems.append(str(exc))
        return result
    for fund in compiled_funds(pack).values():
        for rule in fund.rules:
            result.rules += 1
            result.unverified += not rule.spec.verified
            if not rule.spec.citation.article:
                result.problems.append(
                    f"{rule.path or fund.path}:{rule.line}: rule '{rule.spec.id}': citation names no article"
                )
    layout = PeriodLayout(result.folder)
    files = layout.case_files()
    if not files:
        result.problems.append(f"{layout.tests}: no YAML test cases (add profile + idea → expected status)")
    for file in files:
        try:
            cases = load_cases(file)
        except FundmatchError as exc:
            result.problems.append(str(exc))
            continue
        for case in cases:
            result.cases += 1
            try:
                problems = check_case(pack, case)
            except (FundmatchError, ValueError) as exc:
                problems = [f"inputs rejected: {str(exc).splitlines()[0]}"]
            if problems:
                result.problems.extend(f"{file}:{case.line}: case '{case.name}': {p}" for p in problems)
            else:
                result.cases_passed += 1
    return result
