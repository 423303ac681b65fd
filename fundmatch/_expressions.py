"""Rule expressions and explanation templates: compiled and checked once, when a pack is loaded.

rule-engine parses and type-checks each expression (`fundmatch._parse`: a misspelt symbol or a type error
fails at load time with rule-engine's own suggestion) and lowers it to the plain data `fundmatch._closures`
compiles; the symbols an expression reads are collected at the same time: a rule whose symbols are missing is
``unknown`` before it is ever evaluated, because rule-engine would otherwise raise (or, worse, compare ``None``
and answer ``False``). That plain record is kept in the load cache (`fundmatch._cache`), so a fresh process
with a valid cache never imports rule-engine (whose import builds its parser tables, a quarter of a second):
the record is the same whether it was just computed or read back, and the closures are built from it alike.

Explanation templates may use ``{symbol}`` placeholders and nothing else: no attribute access, no indexing,
no format specs, since a template is data written by rule authors and is rendered with input values.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import re
import reprlib
import string
import sys
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fundmatch import _cache
from fundmatch._closures import BadIR, EvaluationFailed, as_number, compile_ir, decided_or_missing, fact_comparisons
from fundmatch._errors import ExpressionProblem, RulePackError, did_you_mean
from fundmatch._facts import FACTS, Facts, literal_values

# How a value reads in a sentence (ids in words, shares in per cent) is the text renderer's rule.
from fundmatch._text import format_value

if TYPE_CHECKING:  # pragma: no cover
    import rule_engine

__all__ = [
    "FAILURES",
    "Condition",
    "ExpressionProblem",
    "Thresholds",
    "check_template",
    "compile_condition",
    "key_getter",
]

#: Evaluate with the compiled closures (`fundmatch._closures`) where an expression has them. Off only in the
#: benchmark, to time rule-engine's own evaluator in the same run.
_CLOSURES = True


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The constants a number is only ever compared with, which is all an answer can depend on.

    ``population <= 150000`` gives the same answer for every population on one side of 150,000, so a fund's
    remembered result can be keyed by the interval a value falls in instead of the value: in a batch of many
    municipalities the fund is evaluated once per interval, not once per distinct population.
    """

    limits: tuple[Decimal, ...]

    def __call__(self, value: Any) -> Any:
        """The interval of ``value`` among the limits (even: between two, odd: on one); None stays None."""
        if value is None:
            return None
        if type(value) is int:  # compared with the Decimal limits exactly, as rule-engine's Decimal(value) is
            i = bisect_left(self.limits, value)
            return 2 * i + (i < len(self.limits) and self.limits[i] == value)
        # The same conversion rule-engine applies before comparing, so intervals agree with its answers.
        number = as_number(value)
        if not isinstance(number, Decimal) or not number.is_finite():
            return value
        i = bisect_left(self.limits, number)
        return 2 * i + (i < len(self.limits) and self.limits[i] == number)

    def __or__(self, other: Thresholds) -> Thresholds:
        return Thresholds(tuple(sorted(set(self.limits) | set(other.limits))))


def key_getter(
    reads: tuple[str, ...], thresholds: Mapping[str, Thresholds]
) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    """A function of the hashable facts giving the memo key of something that reads ``reads``."""
    if not reads:
        return lambda values: ()
    raw = operator.itemgetter(*reads) if len(reads) > 1 else (lambda values: (values[reads[0]],))
    intervals = tuple((i, thresholds[name]) for i, name in enumerate(reads) if name in thresholds)
    if not intervals:
        return raw

    def key(values: dict[str, Any]) -> tuple[Any, ...]:
        found = list(raw(values))
        for i, interval in intervals:
            found[i] = interval(found[i])
        return tuple(found)

    return key


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled expression and the facts it reads.

    rule-engine parsed and type-checked the expression; ``closure`` evaluates it (see `fundmatch._closures`),
    or is None where the expression uses a node the closures do not know, and rule-engine evaluates it. Answers
    are not remembered here: the closures cost about as much as a memo's key, and a fund's whole result is
    remembered one level up (`fundmatch._compiled.CompiledFund`).
    """

    text: str
    reads: tuple[str, ...]
    thresholds: dict[str, Thresholds]
    # The values it reads, as a tuple (to see which are missing).
    _key: Any = dataclasses.field(repr=False, compare=False)
    closure: Callable[[Mapping[str, Any]], bool] | None = dataclasses.field(default=None, repr=False, compare=False)
    # rule-engine's compiled rule: parsed when first asked for (a condition read from the load cache has none).
    _rule: Any = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def rule(self) -> rule_engine.Rule:
        """rule-engine's rule for this expression (parsed on first use when the condition came from the cache)."""
        if self._rule is None:
            from fundmatch._parse import parse

            object.__setattr__(self, "_rule", parse(self.text))
        return self._rule

    def decide(self, facts: Facts) -> bool | list[str]:
        """True or False, or the facts it reads that are missing (None) where they can change the answer (`open`);
        a failure raises `ExpressionProblem`."""
        values = self._key(facts.frozen)
        if None in values:
            return self.open(facts, values)
        return self._evaluate(facts)

    def open(self, facts: Mapping[str, Any], values: tuple[Any, ...]) -> bool | list[str]:
        """For ``values`` (what `_key` read, some None): the answer where the facts that are known decide it
        (`fundmatch._closures.three_valued`: ``degurba == 3 and 'digital' in themes`` is false without the
        degree of urbanisation when there is no digital theme), else the facts it reads that are missing."""
        return decided_or_missing(self.closure, facts, self.reads, values)

    def _evaluate(self, facts: dict[str, Any]) -> bool:
        try:
            if self.closure is not None and _CLOSURES:
                return self.closure(facts)
            from fundmatch._parse import matches

            return matches(self.rule, facts)
        except _FAILURES as exc:
            raise self.problem(exc) from None

    def runner(self) -> Callable[[Mapping[str, Any]], bool]:
        """What `_evaluate` calls, for a caller that catches `FAILURES` itself and reports them by `problem`.

        A summary's row program (`fundmatch._engine._program`) evaluates a few conditions per fund and row:
        one call less each, the closure itself where there is one.
        """
        if self.closure is not None and _CLOSURES:
            return self.closure
        return self._evaluate  # type: ignore[return-value]  # reads a mapping as a dict

    def problem(self, exc: Exception) -> ExpressionProblem:
        """The `ExpressionProblem` `_evaluate` raises for ``exc`` (one of `FAILURES`)."""
        if isinstance(exc, ExpressionProblem):
            return exc
        return ExpressionProblem(f"expression {reprlib.repr(self.text)} failed: {exc}")


#: What evaluating a condition may raise on facts it cannot be evaluated on (`Condition.problem` words it).
FAILURES = (EvaluationFailed, ArithmeticError, TypeError, ValueError, ExpressionProblem)
_FAILURES = (EvaluationFailed, ArithmeticError, TypeError, ValueError)


def _condition(text: str, record: Any, rule: Any = None) -> Condition:
    """A condition from its plain record (see `fundmatch._parse.analyse`); a malformed record raises `BadIR`."""
    if not isinstance(record, dict) or set(record) != {"reads", "thresholds", "ir"}:
        raise BadIR("not a condition record")
    reads, limits = record["reads"], record["thresholds"]
    if not isinstance(reads, list) or not all(isinstance(n, str) and n in FACTS for n in reads):
        raise BadIR("reads must be fact names")
    if not isinstance(limits, dict) or not all(
        name in reads and isinstance(values, list) and all(isinstance(v, str) for v in values)
        for name, values in limits.items()
    ):
        raise BadIR("thresholds must be number texts by fact read")
    try:
        thresholds = {name: Thresholds(tuple(Decimal(v) for v in values)) for name, values in limits.items()}
    except ArithmeticError:
        raise BadIR("a threshold is not a number") from None
    closure = compile_ir(record["ir"]) if record["ir"] is not None else None
    names = tuple(reads)
    return Condition(text, names, thresholds, key_getter(names, {}), closure, _rule=rule)


def _cache_key() -> str:
    """What a cached record depends on: the code that computes and reads it, the facts' types, rule-engine."""
    import importlib.util

    here = Path(__file__).parent
    spec = importlib.util.find_spec("rule_engine")
    engine = _cache.file_bytes(spec.origin) if spec is not None and spec.origin else b""  # holds __version__
    facts = repr(sorted((name, fact.type) for name, fact in FACTS.items())).encode()
    # _ids, _facts, _countries, _inputs: the values a literal is checked against (`_check_literals`) before a
    # record is kept.
    names = ("_parse", "_closures", "_expressions", "_ids", "_facts", "_countries", "_inputs")
    sources = [_cache.file_bytes(here / f"{name}.py") for name in names]
    return _cache.digest([engine, facts, *sources, sys.version.encode()])


_RECORDS = _cache.Store("expressions", _cache_key)


def compile_condition(text: str) -> Condition:
    """Compile an expression against the typed facts; problems raise `ExpressionProblem`.

    From the load cache when it holds the expression (keyed by the code and rule-engine's version, see
    `fundmatch._cache`), else parsed and checked by rule-engine, and then cached (written by `save_cache`).
    Only expressions that passed every check are ever cached: a wrong one is parsed, and refused, every time.
    """
    record = _RECORDS.get(text)
    if record is not None:
        try:
            return _condition(text, record)
        except (BadIR, TypeError, ValueError, KeyError, IndexError, RecursionError):
            _RECORDS.drop(text)  # corrupt or foreign: computed anew below, never trusted
    from fundmatch._parse import analyse

    rule, record = analyse(text)
    if record["ir"] is not None:
        _check_literals(record["ir"])
    condition = _condition(text, record, rule)
    _RECORDS.put(text, record)
    return condition


_EQUALITY = ("eq", "ne")


def _literal(node: Any) -> list[Any] | None:
    """The values of a literal node (a text, a number, a set or array of them), or None for anything else."""
    if not isinstance(node, list) or not node or not isinstance(node[0], str):
        return None
    if node[0] == "str":
        return [node[1]]
    if node[0] == "float":
        return [Decimal(node[1])]
    if node[0] in ("set", "array"):
        members = [_literal(member) for member in node[1]]
        return None if any(m is None for m in members) else [v for m in members for v in m or ()]
    return None


def _check_literals(ir: Any) -> None:
    """Refuse a comparison that can never hold because the literal is not a value the fact can have: a
    misspelt id (``'refugee' in target_groups``), a case a code never has (``country == 'dk'``), a number out
    of range (``degurba == 4``), a text compared with a number (``population == 'DK'``). rule-engine accepts
    them (== between types is false), and such a rule silently never fires."""
    for op, fact, other in fact_comparisons(ir):
        values = _literal(other)
        if values is None:
            continue
        name, kind = fact[1], fact[2]
        if op in _EQUALITY and kind in ("FLOAT", "STRING") and other[0] in ("str", "float"):
            wanted = "FLOAT" if other[0] == "float" else "STRING"
            if wanted != kind:
                what = "a number" if kind == "FLOAT" else "a text"
                raise ExpressionProblem(
                    f"'{name}' is {what}: comparing it with {_shown(values[0])} is never true", field=name
                )
        allowed = literal_values(name)
        if allowed is None or (kind == "FLOAT" and op not in _EQUALITY and op != "in"):
            continue
        for value in values:
            if isinstance(value, Decimal) and value == value.to_integral_value():
                value = int(value)
            if value not in allowed:
                shown = sorted(str(v) for v in allowed)
                raise ExpressionProblem(
                    f"{_shown(value)} is not a value '{name}' can have, so the comparison never holds"
                    f" (it has: {', '.join(shown[:12])}{', …' if len(shown) > 12 else ''})",
                    field=name,
                    suggestion=str(value).upper() if str(value).upper() in allowed else did_you_mean(str(value), shown),
                )


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else str(value)


def save_cache() -> None:
    """Write the expressions compiled since the cache was read (after a pack is loaded; failures are ignored)."""
    _RECORDS.save()


_FORMATTER = string.Formatter()


def check_template(text: str) -> tuple[str, ...]:
    """The placeholders of an explanation template; anything but plain ``{fact}`` raises `ExpressionProblem`."""
    names = []
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise ExpressionProblem(f"malformed text template {reprlib.repr(text)}: {exc}") from None
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            raise ExpressionProblem(
                f"placeholder in text {reprlib.repr(text)} must be a plain fact name like {{population}}"
            )
        if field not in FACTS:
            raise ExpressionProblem(
                f"unknown fact '{field}' in text", field=field, suggestion=did_you_mean(field, FACTS)
            )
        names.append(field)
    return tuple(names)


# "{n} country or countries", "{n} other partner or partners": after a count, the template may offer both
# forms; the one that fits the number is kept (rule authors cannot know the count when they write the text).
_BOTH_FORMS = re.compile(r"^(?P<lead>\s+(?:[^\W\d_]+\s+)?)(?P<one>[^\W\d_]+) or (?P<many>[^\W\d_]+)\b")


def _number_agrees(value: Any, following: str) -> str:
    m = _BOTH_FORMS.match(following)
    if not m or not isinstance(value, int | float) or isinstance(value, bool):
        return following
    one, many = m.group("one"), m.group("many")
    if not (many.startswith(one[: max(3, len(one) - 1)]) and len(many) > len(one) - 1):
        return following  # "1 or 2 …": not a singular/plural pair
    return m.group("lead") + (one if value == 1 else many) + following[m.end() :]


@functools.lru_cache(maxsize=8192)
def _template(text: str) -> tuple[tuple[str, str | None], ...] | str:
    """A template's parts (literal, field), parsed once; a text with no placeholder as it reads."""
    parts = tuple((literal, field) for literal, field, _spec, _conversion in _FORMATTER.parse(text))
    if any(field is not None for _, field in parts):
        return parts
    static = "".join(literal for literal, _ in parts)
    return text if static == text else static  # the same string for every report: shared, not copied


def render(text: str, facts: dict[str, Any]) -> str:
    """Fill a checked template with formatted fact values (ids in words, shares in per cent, plurals agreed)."""
    parts = _template(text)
    if isinstance(parts, str):
        return parts
    out: list[str] = []
    previous: Any = None
    for literal, field in parts:
        out.append(_number_agrees(previous, literal) if previous is not None else literal)
        previous = None
        if field is not None:
            value = facts.get(field)
            # Formatted once per case (see `Facts.said`); ``fund`` differs between a case's copies per fund.
            kept = facts.said if isinstance(facts, Facts) and field != "fund" else None
            said = kept.get(field) if kept is not None else None
            if said is None:
                said = format_value(value, field)
                if kept is not None:
                    kept[field] = said
            out.append(said)
            previous = value
    return "".join(out)


def located(problem: ExpressionProblem, path: Any, line: int | None, rule_id: str | None, key: str) -> RulePackError:
    """Turn an `ExpressionProblem` into a `RulePackError` at a place in a rule file."""
    return RulePackError(
        f"{key}: {problem.problem}",
        path=path,
        line=line,
        rule_id=rule_id,
        field=problem.field or key,
        suggestion=problem.suggestion,
    )
