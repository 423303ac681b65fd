"""Reading a period's rule folder into compiled fund packs, with errors that point at file, line and rule.

A folder holds ``period.yaml`` (version and the list of pack files), ``acts.yaml`` (the legal acts cited),
one ``<fund>.yaml`` per fund, and optionally ``region_categories.csv`` and ``vocabulary.yaml``.
"""

from __future__ import annotations

import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from fundmatch._engine import CompiledFund, CompiledRate, CompiledRule, CompiledStep
from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._expressions import ExpressionProblem, check_template, compile_condition, located
from fundmatch._regions import RegionTable
from fundmatch._evidence import Citation
from fundmatch._schema import ActsFile, ActSpec, CitationSpec, PackFile, PeriodFile
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
    node, line, current, parent_model = raw, getattr(raw, "line", None), model, model
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
    if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(raw, dict):
        rules = raw.get("rules")
        if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
            rule_id = str(rules[loc[1]].get("id", f"#{loc[1] + 1}"))
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


def _validate(model: type[_M], path: Path) -> tuple[_M, Any]:
    raw = load_yaml(path)
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


def _citation(spec: CitationSpec, acts: dict[str, ActSpec], path: Path, line: int, rule_id: str | None) -> Citation:
    act = acts.get(spec.act)
    if act is None:
        raise RulePackError(
            f"citation names act '{spec.act}', which acts.yaml does not declare",
            path=path,
            line=line,
            rule_id=rule_id,
            field="act",
            suggestion=did_you_mean(spec.act, acts),
        )
    return Citation(act=act.title, article=_article(spec.article), link=spec.link or act.link)


def _condition(text: str, path: Path, line: int, rule_id: str | None, key: str = "when"):  # type: ignore[no-untyped-def]
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


def _compile_pack(path: Path, period: str, acts: dict[str, ActSpec]) -> CompiledFund:
    pack, raw = _validate(PackFile, path)
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
        condition = _condition(spec.when, path, raw_rule.line_of("when"), spec.id)
        _templates({"pass": spec.pass_, "fail": spec.fail, "unknown": spec.unknown}, path, raw_rule, spec.id)
        citation = _citation(spec.citation, acts, path, raw_rule.line_of("citation"), spec.id)
        rules.append(CompiledRule(spec, condition, citation, line))
    rates = []
    for spec, raw_rate in zip(pack.co_financing.rates, raw["co_financing"]["rates"], strict=True):
        rule_id = f"co_financing.{spec.id}"
        condition = _condition(spec.when, path, raw_rate.line_of("when"), rule_id) if spec.when else None
        _templates({"note": spec.note}, path, raw_rate, rule_id)
        rates.append(CompiledRate(spec, condition, _citation(spec.citation, acts, path, raw_rate.line, rule_id)))
    steps = []
    for spec, raw_step in zip(pack.next_steps, raw.get("next_steps") or [], strict=True):
        condition = _condition(spec.when, path, raw_step.line_of("when"), "next_steps") if spec.when else None
        _templates({"text": spec.text}, path, raw_step, "next_steps")
        steps.append(CompiledStep(spec, condition))
    legal_basis = tuple(_citation(c, acts, path, raw.line_of("legal_basis"), None) for c in pack.legal_basis)
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
    )


def load_folder(folder: Path) -> tuple[PeriodFile, dict[str, CompiledFund], RegionTable | None, Any]:
    """Load and compile every pack of a period folder (see the module docstring for its layout)."""
    if not folder.is_dir():
        raise RulePackError("not a rule-pack folder (no such directory)", path=folder)
    period, raw_period = _validate(PeriodFile, folder / "period.yaml")
    acts_file, _ = _validate(ActsFile, folder / "acts.yaml")
    if acts_file.period != period.period:
        raise RulePackError(
            f"acts.yaml is for period '{acts_file.period}', not '{period.period}'", path=folder / "acts.yaml"
        )
    funds: dict[str, CompiledFund] = {}
    for name in period.funds:
        path = folder / f"{name}.yaml"
        if not path.is_file():
            raise RulePackError(
                f"period.yaml lists pack '{name}' but {path.name} does not exist",
                path=folder / "period.yaml",
                line=raw_period.line_of("funds"),
            )
        compiled = _compile_pack(path, period.period, acts_file.acts)
        if compiled.fund.value in funds:
            raise RulePackError(f"a second pack for fund {compiled.fund.value}", path=path, field="fund")
        funds[compiled.fund.value] = compiled
    regions_path = folder / "region_categories.csv"
    regions = RegionTable.load(regions_path) if regions_path.is_file() else None
    vocabulary = None
    vocabulary_path = folder / "vocabulary.yaml"
    if vocabulary_path.is_file():
        from fundmatch._vocabulary import Vocabulary

        vocabulary = Vocabulary.load(vocabulary_path)
    return period, funds, regions, vocabulary
