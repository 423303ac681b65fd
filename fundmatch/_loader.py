"""Reading a period's rule folder into a typed `Period`, with errors that point at file, line and rule.

What the folder holds is `PeriodLayout`'s to say (``period.yaml``, ``acts.yaml``, the fund packs, the optional
``common.yaml``, tables and vocabulary); this module reads each file strictly and compiles the rules. Funds are
data: ``period.yaml`` declares them, so a user's folder can add one without a change of code.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fundmatch._compiled import (
    CompiledFund,
    CompiledPrior,
    CompiledRate,
    CompiledRoute,
    CompiledRule,
    CompiledStep,
    CompiledWarning,
)
from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._evidence import Citation
from fundmatch._expressions import (
    Condition,
    ExpressionProblem,
    check_template,
    compile_condition,
    located,
    save_cache,
)
from fundmatch._interreg_areas import InterregAreas
from fundmatch._regions import RegionTable
from fundmatch._resources import PeriodLayout
from fundmatch._schema import ActsFile, ActSpec, CitationSpec, CommonFile, PackFile, PeriodFile, RuleSpec
from fundmatch._yaml import LineDict, load_yaml

_M = typing.TypeVar("_M", bound=BaseModel)


def _submodel(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    """The model class a key of ``model`` holds (through lists, dicts and optionals), if any."""
    if model is None or key not in model.model_fields:
        by_alias = {f.alias: n for n, f in model.model_fields.items() if f.alias} if model else {}
        if model is None or key not in by_alias:
            return None
        key = by_alias[key]
    annotation: Any = model.model_fields[key].annotation
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, dict, typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[-1]
            continue
        break
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _field_names(model: type[BaseModel] | None) -> list[str]:
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _validation_error(exc: ValidationError, model: type[BaseModel], raw: Any, path: Path) -> RulePackError:
    """The first problem pydantic found, placed at its line, rule and key."""
    # An unknown key is the likelier cause of a "missing" one beside it (a typo), so report it first.
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    error = errors[0]
    loc = error["loc"]
    node, line = raw, getattr(raw, "line", None)
    current: type[BaseModel] | None = model
    parent_model: type[BaseModel] | None = model
    for step in loc:
        parent_model = current
        if isinstance(node, LineDict) and isinstance(step, str):
            line = node.line_of(step)
            node = node.get(step)
            current = _submodel(current, step)
        elif isinstance(node, list) and isinstance(step, int) and step < len(node):
            node = node[step]
            line = getattr(node, "line", line)
        else:
            break
    rule_id = None
    if len(loc) >= 2 and loc[0] in ("rules", "routes") and isinstance(loc[1], int) and isinstance(raw, dict):
        items = raw.get(str(loc[0]))
        if isinstance(items, list) and loc[1] < len(items) and isinstance(items[loc[1]], dict):
            rule_id = str(items[loc[1]].get("id", f"#{loc[1] + 1}"))
            # A route is named as the loader's other route errors name it (`_compile_routes`).
            rule_id = rule_id if loc[0] == "rules" else f"routes.{rule_id}"
    key = str(loc[-1]) if loc else None
    where = ".".join(str(p) for p in loc)
    suggestion = None
    if error["type"] == "extra_forbidden":
        problem = f"unknown field '{key}'"
        suggestion = did_you_mean(str(key), _field_names(parent_model))
    elif error["type"] == "missing":
        problem = f"missing field '{key}'" + (f" (in {where})" if "." in where else "")
    else:
        problem = f"{where}: {error['msg']}"
    return RulePackError(problem, path=path, line=line, rule_id=rule_id, field=key, suggestion=suggestion)


def _validate(model: type[_M], path: Path, raw: Any = None) -> tuple[_M, Any]:
    raw = load_yaml(path) if raw is None else raw
    if not isinstance(raw, dict):
        raise RulePackError("the file must hold a mapping (key: value pairs) at the top", path=path, line=1)
    try:
        return model.model_validate(raw), raw
    except ValidationError as exc:
        raise _validation_error(exc, model, raw, path) from None
    except RecursionError:
        raise RulePackError("nesting too deep", path=path) from None


def _article(article: str | None) -> str | None:
    if article and article[0].isdigit():
        return f"Art. {article}"
    return article


def _known(
    name: str, known: Collection[str], problem: str, path: Path, line: int | None, field: str, rule_id: str | None
) -> None:
    """Refuse a name a file refers to that is not among ``known``: located, with the closest known name."""
    if name not in known:
        raise RulePackError(
            problem, path=path, line=line, rule_id=rule_id, field=field, suggestion=did_you_mean(name, list(known))
        )


def _citation(spec: CitationSpec, acts: dict[str, ActSpec], path: Path, line: int, rule_id: str | None) -> Citation:
    _known(
        spec.act, acts, f"citation names act '{spec.act}', which acts.yaml does not declare", path, line, "act", rule_id
    )
    act = acts[spec.act]
    return Citation(act=act.title, article=_article(spec.article), link=spec.link or act.link)


def _condition(text: str, path: Path, line: int, rule_id: str | None, key: str = "when") -> Condition:
    try:
        return compile_condition(text)
    except ExpressionProblem as exc:
        raise located(exc, path, line, rule_id, key) from None


def _templates(texts: dict[str, str | None], path: Path, raw: LineDict, rule_id: str | None) -> None:
    for key, text in texts.items():
        if text is None:
            continue
        try:
            check_template(text)
        except ExpressionProblem as exc:
            raise located(exc, path, raw.line_of(key), rule_id, key) from None


def _compile_rule(spec: RuleSpec, raw_rule: LineDict, path: Path, acts: dict[str, ActSpec]) -> CompiledRule:
    condition = _condition(spec.when, path, raw_rule.line_of("when"), spec.id)
    undecided = None
    if spec.undecided_when is not None:
        undecided = _condition(spec.undecided_when, path, raw_rule.line_of("undecided_when"), spec.id, "undecided_when")
    texts = {"pass": spec.pass_, "fail": spec.fail, "unknown": spec.unknown, "undecided": spec.undecided}
    _templates(texts, path, raw_rule, spec.id)
    citation = _citation(spec.citation, acts, path, raw_rule.line_of("citation"), spec.id)
    priors = tuple(
        CompiledPrior(
            prior,
            _condition(prior.when, path, raw_rule.line_of("prior"), spec.id, "prior.when") if prior.when else None,
        )
        for prior in spec.prior
    )
    return CompiledRule(spec, condition, citation, raw_rule.line, path, undecided, priors)


def _when_line(raw: LineDict, k: int) -> int:
    """The line of the ``when`` of the ``k``-th prior of ``raw`` (a route), else of its ``prior`` key."""
    priors = raw.get("prior")
    if isinstance(priors, list) and k < len(priors) and isinstance(priors[k], LineDict):
        return int(priors[k].line_of("when"))
    return int(raw.line_of("prior"))


def _compile_routes(
    pack: PackFile, raw: Any, path: Path, acts: dict[str, ActSpec], rule_ids: list[str]
) -> tuple[CompiledRoute, ...]:
    routes = []
    seen: set[str] = set()
    for spec, raw_route in zip(pack.routes, raw.get("routes") or [], strict=True):
        where = f"routes.{spec.id}"
        if spec.id in seen:
            raise RulePackError("duplicate route id", path=path, line=raw_route.line, rule_id=where, field="id")
        seen.add(spec.id)
        for rule_id in spec.requires:
            problem = f"route requires rule '{rule_id}', which is not a rule of fund {pack.fund}"
            _known(rule_id, rule_ids, problem, path, raw_route.line_of("requires"), "requires", where)
        condition = _condition(spec.when, path, raw_route.line_of("when"), where) if spec.when else None
        for need in spec.needs:
            _templates({"needs": need}, path, raw_route, where)
        _templates({"ask": spec.ask, "closed": spec.closed}, path, raw_route, where)
        citation = _citation(spec.citation, acts, path, raw_route.line_of("citation"), where)
        if spec.prior and spec.requires and not spec.ask:
            # Its open question is its rules' (they have their own priors): a figure here would never be read.
            raise RulePackError(
                "a route's prior counts only its own open question (an `ask`, or a `when` without `requires`),"
                " and this route has none: give the prior to the rules it requires",
                path=path,
                line=raw_route.line_of("prior"),
                rule_id=where,
                field="prior",
            )
        priors = tuple(
            CompiledPrior(
                prior,
                _condition(prior.when, path, _when_line(raw_route, k), where, f"prior[{k}].when"),
                _when_line(raw_route, k),
            )
            if prior.when
            else CompiledPrior(prior, None)
            for k, prior in enumerate(spec.prior)
        )
        routes.append(CompiledRoute(spec, condition, citation, priors))
    return tuple(routes)


def _compile_pack(
    path: Path, period: str, acts: dict[str, ActSpec], shared: list[CompiledRule] | None = None
) -> CompiledFund:
    raw, places = _common_places(load_yaml(path))
    pack, raw = _validate(PackFile, path, raw)
    if pack.period != period:
        raise RulePackError(
            f"pack says period '{pack.period}' but lies in the folder of '{period}'",
            path=path,
            line=raw.line_of("period"),
            field="period",
        )
    rules = []
    seen: dict[str, int] = {}
    for spec, raw_rule in zip(pack.rules, raw["rules"], strict=True):
        line = raw_rule.line
        if spec.id in seen:
            raise RulePackError(
                f"duplicate rule id (first on line {seen[spec.id]})", path=path, line=line, rule_id=spec.id, field="id"
            )
        seen[spec.id] = line
        rules.append(_compile_rule(spec, raw_rule, path, acts))
    by_id = {rule.spec.id: rule for rule in shared or []}
    for rule in by_id.values():
        if rule.spec.id in seen:
            raise RulePackError(
                f"rule id '{rule.spec.id}' of common.yaml is also a rule of {path.name} (line {seen[rule.spec.id]})",
                path=rule.path,
                line=rule.line,
                rule_id=rule.spec.id,
                field="id",
            )
    # The law several funds share goes where the pack says (``- common: <id>``), else after the fund's own
    # rules in the order of common.yaml: the order in which hits are listed and the first reason is chosen.
    for position, rule_id, line in places:
        problem = f"'common: {rule_id}' names no rule that common.yaml gives fund {pack.fund} (or names it twice)"
        _known(rule_id, by_id, problem, path, line, "common", rule_id)
        rules.insert(position, by_id.pop(rule_id))
    rules.extend(by_id.values())
    rates = []
    for rate_spec, raw_rate in zip(pack.co_financing.rates, raw["co_financing"]["rates"], strict=True):
        rule_id = f"co_financing.{rate_spec.id}"
        condition = _condition(rate_spec.when, path, raw_rate.line_of("when"), rule_id) if rate_spec.when else None
        _templates({"note": rate_spec.note}, path, raw_rate, rule_id)
        citation = _citation(rate_spec.citation, acts, path, raw_rate.line, rule_id)
        rates.append(CompiledRate(rate_spec, condition, citation))
    steps = []
    for step_spec, raw_step in zip(pack.next_steps, raw.get("next_steps") or [], strict=True):
        condition = _condition(step_spec.when, path, raw_step.line_of("when"), "next_steps") if step_spec.when else None
        _templates({"text": step_spec.text}, path, raw_step, "next_steps")
        steps.append(CompiledStep(step_spec, condition))
    legal_basis = tuple(_citation(c, acts, path, raw.line_of("legal_basis"), None) for c in pack.legal_basis)
    routes = _compile_routes(pack, raw, path, acts, [rule.spec.id for rule in rules])
    return CompiledFund(
        fund=pack.fund,
        name=pack.name,
        management=pack.management,
        summary=pack.summary,
        path=path,
        legal_basis=legal_basis,
        rules=tuple(rules),
        rates=tuple(rates),
        basis=pack.co_financing.basis,
        next_steps=tuple(steps),
        routes=routes,
    )


def _common_places(raw: Any) -> tuple[Any, list[tuple[int, str, int | None]]]:
    """A pack without its ``- common: <id>`` entries, and where each stood among the pack's own rules.

    The entries are taken out before validation, so the pack's own rules keep their located errors.
    """
    rules = raw.get("rules") if isinstance(raw, dict) else None
    if not isinstance(rules, list):
        return raw, []
    own: list[Any] = []
    places: list[tuple[int, str, int | None]] = []
    for item in rules:
        if isinstance(item, dict) and list(item) == ["common"]:
            places.append((len(own) + len(places), str(item["common"]), getattr(item, "line", None)))
        else:
            own.append(item)
    if not places:
        return raw, []
    copy = LineDict(raw)
    copy.line, copy.key_lines = raw.line, raw.key_lines
    copy["rules"] = own
    return copy, places


def _common_rules(
    layout: PeriodLayout, period: str, acts: dict[str, ActSpec], fund_ids: list[str]
) -> tuple[dict[str, list[CompiledRule]], tuple[CompiledWarning, ...]]:
    """The rules of ``common.yaml`` (if the folder has one), compiled once and listed under each fund they name,
    and its report warnings.

    Two rules may share an id when their funds do not overlap: one rule of law in two versions (e.g. the end of
    eligibility, which the 2025 mid-term review moved for some funds only), each written once.
    """
    path = layout.common
    shared: dict[str, list[CompiledRule]] = {fund: [] for fund in fund_ids}
    if not path.is_file():
        return shared, ()
    common, raw = _validate(CommonFile, path)
    if common.period != period:
        raise RulePackError(
            f"common.yaml is for period '{common.period}', not '{period}'", path=path, line=raw.line_of("period")
        )
    seen: dict[tuple[str, str], int] = {}
    for spec, raw_rule in zip(common.rules, raw.get("rules") or [], strict=True):
        for fund in spec.funds:
            if (spec.id, fund) in seen:
                raise RulePackError(
                    f"duplicate rule id for fund {fund} (first on line {seen[spec.id, fund]})",
                    path=path,
                    line=raw_rule.line,
                    rule_id=spec.id,
                    field="id",
                )
            seen[spec.id, fund] = raw_rule.line
        for fund in spec.funds:
            problem = f"rule names fund '{fund}', which period.yaml does not declare"
            _known(fund, fund_ids, problem, path, raw_rule.line_of("funds"), "funds", spec.id)
        # One compiled rule shared by its funds: its answers are the same whichever fund asks.
        compiled = _compile_rule(spec, raw_rule, path, acts)
        for fund in dict.fromkeys(spec.funds):
            shared[fund].append(compiled)
    warnings = []
    names: set[str] = set()
    for warning, raw_warning in zip(common.warnings, raw.get("warnings") or [], strict=True):
        where = f"warnings.{warning.id}"
        if warning.id in names:
            raise RulePackError("duplicate warning id", path=path, line=raw_warning.line, rule_id=where, field="id")
        names.add(warning.id)
        named = [*warning.funds, *(warning.with_funds.all + warning.with_funds.any if warning.with_funds else [])]
        for fund in named:
            problem = f"warning names fund '{fund}', which period.yaml does not declare"
            _known(fund, fund_ids, problem, path, raw_warning.line_of("funds"), "funds", where)
        condition = _condition(warning.when, path, raw_warning.line_of("when"), where) if warning.when else None
        _templates({"text": warning.text}, path, raw_warning, where)
        citation = _citation(warning.citation, acts, path, raw_warning.line_of("citation"), where)
        warnings.append(CompiledWarning(warning, condition, citation))
    return shared, tuple(warnings)


@dataclass(frozen=True, slots=True)
class Period:
    """A period folder read and compiled: its metadata, funds (in ``period.yaml`` order), tables and vocabulary."""

    meta: PeriodFile
    funds: dict[str, CompiledFund]
    regions: RegionTable | None
    areas: InterregAreas | None
    # The vocabulary file, read by the pack when it first infers from a text (most of a pack's load time).
    vocabulary: Path | None
    # Report warnings of common.yaml, each shown once per report with the funds it concerns.
    warnings: tuple[CompiledWarning, ...] = ()


def load_folder(folder: Path) -> Period:
    """Load and compile every pack of a period folder (see `PeriodLayout` for its files)."""
    if not folder.is_dir():
        raise RulePackError("not a rule-pack folder (no such directory)", path=folder)
    layout = PeriodLayout(folder)
    period, raw_period = _validate(PeriodFile, layout.period_file)
    acts_file, _ = _validate(ActsFile, layout.acts)
    if acts_file.period != period.period:
        raise RulePackError(f"acts.yaml is for period '{acts_file.period}', not '{period.period}'", path=layout.acts)
    funds_line = raw_period.line_of("funds")
    # A mapping declares the fund ids; a list names only pack files, and each pack says its fund.
    entries: list[tuple[str | None, str]] = (
        list(period.funds.items()) if isinstance(period.funds, dict) else [(None, name) for name in period.funds]
    )
    packs: list[tuple[str | None, Path]] = []
    for known, name in entries:
        try:
            path = layout.pack(name)
        except RulePackError as exc:
            raise RulePackError(f"funds: {exc.problem}", path=layout.period_file, line=funds_line) from None
        if not path.is_file():
            raise RulePackError(
                f"period.yaml lists pack '{name}' but {path.name} does not exist",
                path=layout.period_file,
                line=funds_line,
            )
        packs.append((known, path))
    # Fund ids are known before the packs are compiled, so common.yaml can be checked against them.
    fund_ids = [known if known is not None else _declared_fund(path) for known, path in packs]
    shared, warnings = _common_rules(layout, period.period, acts_file.acts, fund_ids)
    funds: dict[str, CompiledFund] = {}
    for fund_id, (known, path) in zip(fund_ids, packs, strict=True):
        compiled = _compile_pack(path, period.period, acts_file.acts, shared.get(fund_id))
        if known is not None and compiled.fund != known:
            raise RulePackError(
                f"pack is for fund '{compiled.fund}' but period.yaml declares it as '{known}'",
                path=path,
                field="fund",
            )
        if compiled.fund in funds:
            raise RulePackError(f"a second pack for fund {compiled.fund}", path=path, field="fund")
        funds[compiled.fund] = compiled
    for alias, target in period.aliases.items():
        problem = f"alias '{alias}' names fund '{target}', which period.yaml does not declare"
        _known(target, funds, problem, layout.period_file, raw_period.line_of("aliases"), "aliases", None)
    tables = period.tables
    regions = None
    if layout.regions.is_file():
        regions = RegionTable.load(layout.regions, act=tables.regions.act, nuts_version=tables.regions.nuts_version)
    areas = InterregAreas.load(layout.areas) if layout.areas.is_file() else None
    vocabulary = layout.vocabulary if layout.vocabulary.is_file() else None
    # The next process reads the expressions compiled here from the load cache, without rule-engine.
    save_cache()
    return Period(period, funds, regions, areas, vocabulary, warnings)


def _declared_fund(path: Path) -> str:
    """The fund a pack file names, read before compiling it (a malformed pack fails later, fully located)."""
    raw = load_yaml(path)
    fund = raw.get("fund") if isinstance(raw, dict) else None
    return str(fund) if fund is not None else f"?{path.stem}"
