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
        result.problems.extend(_other_problems(Path(folder), str(exc)))
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


def _other_problems(folder: Path, first: str) -> list[str]:
    """After the loader stopped at ``first``: every file checked on its own, so one run lists every problem.

    Each YAML file is parsed, each fund pack compiled alone against period.yaml and acts.yaml (when those
    load), each test-case file read; a problem the loader reported already is not repeated.
    """
    from fundmatch._loader import _common_rules, _compile_pack, _declared_fund, _validate
    from fundmatch._schema import ActsFile, PeriodFile
    from fundmatch._yaml import load_yaml

    found: list[str] = []

    def note(exc: FundmatchError) -> None:
        text = str(exc)
        if text != first and text not in found:
            found.append(text)

    if not folder.is_dir():
        return found
    layout = PeriodLayout(folder)
    period = acts = None
    try:
        period, _ = _validate(PeriodFile, layout.period_file)
    except FundmatchError as exc:
        note(exc)
    try:
        acts, _ = _validate(ActsFile, layout.acts)
    except FundmatchError as exc:
        note(exc)
    packs: list[Path] = []
    if period is not None:
        names = period.funds.values() if isinstance(period.funds, dict) else period.funds
        for name in names:
            try:
                path = layout.pack(name)
            except FundmatchError as exc:
                note(exc)
                continue
            if path.is_file():
                packs.append(path)
    shared: dict[str, list[object]] = {}
    if period is not None and acts is not None:
        try:
            shared, _ = _common_rules(layout, period.period, acts.acts, [_declared_fund(p) for p in packs])  # type: ignore[assignment]
        except FundmatchError as exc:
            note(exc)
    for path in packs:
        try:
            if period is not None and acts is not None:
                _compile_pack(path, period.period, acts.acts, shared.get(_declared_fund(path)))  # type: ignore[arg-type]
            else:
                load_yaml(path)
        except FundmatchError as exc:
            note(exc)
    try:
        others = [layout.vocabulary, *layout.case_files()]
    except FundmatchError as exc:
        note(exc)
        others = []
    for path in others:
        if path.is_file():
            try:
                load_yaml(path)
            except FundmatchError as exc:
                note(exc)
    return found
