"""Rule expressions and explanation templates: compiled and checked once, when a pack is loaded.

Expressions are rule-engine expressions (a small, safe language: no ``eval``), compiled against a typed
context built from the facts, so a misspelt symbol or a type error fails at load time with rule-engine's own
suggestion. The symbols an expression reads are collected from its syntax tree at compile time: a rule whose
symbols are missing is ``unknown`` before it is ever evaluated, because rule-engine would otherwise raise (or,
worse, compare ``None`` and answer ``False``). Once checked, an expression is evaluated by plain closures
compiled from rule-engine's syntax tree (`fundmatch._closures`), rule-engine's evaluator being the fallback.

Explanation templates may use ``{symbol}`` placeholders and nothing else: no attribute access, no indexing,
no format specs, since a template is data written by rule authors and is rendered with input values.
"""

from __future__ import annotations

import dataclasses
import operator
import string
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import rule_engine
from rule_engine import DataType
from rule_engine import ast as _ast
from rule_engine.types import coerce_value

from fundmatch._closures import Unsupported, compile_closure
from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._facts import FACTS, Facts, format_value

_CONTEXT = rule_engine.Context(
    type_resolver=rule_engine.type_resolver_from_dict({name: fact.type for name, fact in FACTS.items()}),
    default_timezone="utc",
)


class ExpressionProblem(Exception):
    """An expression or template is wrong; the loader adds file, line and rule id."""

    def __init__(self, problem: str, field: str | None = None, suggestion: str | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.field = field
        self.suggestion = suggestion


def _nodes(node: Any, seen: set[int]) -> Iterator[Any]:
    """Every expression node under ``node`` (rule-engine's AST has no visitor; attributes are walked)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, _ast.ExpressionBase):
        yield node
        # Some node classes keep their children in __slots__, others in __dict__.
        names = set(getattr(node, "__dict__", {}))
        for cls in type(node).__mro__:
            names.update(getattr(cls, "__slots__", ()))
        for name in names:
            yield from _nodes(getattr(node, name, None), seen)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            yield from _nodes(value, seen)


_CACHE_LIMIT = 65_536

#: Evaluate with the compiled closures (`fundmatch._closures`) where an expression has them. Off only in the
#: benchmark, to time rule-engine's own evaluator in the same run.
_CLOSURES = True


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The constants a number is only ever compared with, which is all an answer can depend on.

    ``population <= 150000`` gives the same answer for every population on one side of 150,000, so a
    memoised answer can be keyed by the interval a value falls in instead of the value: in a batch of many
    municipalities the rule is evaluated once per interval, not once per distinct population.
    """

    limits: tuple[Decimal, ...]
    _seen: dict[Any, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def __call__(self, value: Any) -> Any:
        """The interval of ``value`` among the limits (even: between two, odd: on one); None stays None."""
        interval = self._seen.get(value)
        if interval is not None or value is None:
            return interval
        # The same conversion rule-engine applies before comparing, so intervals agree with its answers.
        number = coerce_value(value, verify_type=False)
        if not isinstance(number, Decimal) or not number.is_finite():
            return value
        i = bisect_left(self.limits, number)
        interval = 2 * i + (i < len(self.limits) and self.limits[i] == number)
        if len(self._seen) < _CACHE_LIMIT:
            self._seen[value] = interval
        return interval

    def __or__(self, other: Thresholds) -> Thresholds:
        return Thresholds(tuple(sorted(set(self.limits) | set(other.limits))))


_COMPARISONS = (_ast.ArithmeticComparisonExpression, _ast.ComparisonExpression)


def _analyse(expression: Any) -> tuple[tuple[str, ...], dict[str, Thresholds]]:
    """The facts an expression reads, and those of them it only compares with number literals."""
    nodes = list(_nodes(expression, set()))
    occurrences: dict[str, int] = {}
    for node in nodes:
        if isinstance(node, _ast.SymbolExpression):
            occurrences[node.name] = occurrences.get(node.name, 0) + 1
    limits: dict[str, set[Decimal]] = {}
    compared: dict[str, int] = {}
    for node in nodes:
        if not isinstance(node, _COMPARISONS):
            continue
        for one, other in ((node.left, node.right), (node.right, node.left)):
            if isinstance(one, _ast.SymbolExpression) and isinstance(other, _ast.FloatExpression):
                limits.setdefault(one.name, set()).add(other.value)
                compared[one.name] = compared.get(one.name, 0) + 1
    # Comprehension variables show up as symbols too; only facts can be missing.
    reads = tuple(sorted(name for name in occurrences if name in FACTS))
    thresholds = {
        name: Thresholds(tuple(sorted(values)))
        for name, values in limits.items()
        if name in FACTS and FACTS[name].type == DataType.FLOAT and compared[name] == occurrences[name]
    }
    return reads, thresholds


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
    """A compiled expression, the facts it reads, and the answers it has already given.

    rule-engine parsed and type-checked the expression; ``closure`` evaluates it (see `fundmatch._closures`),
    or is None where the expression uses a node the closures do not know, and rule-engine evaluates it.

    A condition is a pure function of the facts it reads, so its answers are memoised by their values (a
    number only compared with constants by its interval, see `Thresholds`): in a batch, a rule that reads
    only the idea (themes, partners) is evaluated once, not once per municipality.
    """

    text: str
    rule: rule_engine.Rule
    reads: tuple[str, ...]
    thresholds: dict[str, Thresholds]
    _key: Any = dataclasses.field(repr=False, compare=False)
    closure: Callable[[Mapping[str, Any]], bool] | None = dataclasses.field(default=None, repr=False, compare=False)
    _answers: dict[tuple[Any, ...], bool] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def decide(self, facts: Facts) -> bool | list[str]:
        """True or False, or the facts it reads that are missing (None); a failure raises `ExpressionProblem`."""
        key = self._key(facts.frozen)
        if None in key:
            return [name for name, value in zip(self.reads, key, strict=True) if value is None]
        answer = self._answers.get(key)
        if answer is None:
            answer = self._evaluate(facts)
            if len(self._answers) < _CACHE_LIMIT:
                self._answers[key] = answer
        return answer

    def forget(self) -> None:
        """Drop the remembered answers (cold-start benchmarks and memo tests)."""
        self._answers.clear()

    def _evaluate(self, facts: dict[str, Any]) -> bool:
        try:
            if self.closure is not None and _CLOSURES:
                return self.closure(facts)
            return bool(self.rule.matches(facts))
        except rule_engine.EngineError as exc:
            raise ExpressionProblem(f"expression {self.text!r} failed: {getattr(exc, 'message', exc)}") from None
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise ExpressionProblem(f"expression {self.text!r} failed: {exc}") from None


def compile_condition(text: str) -> Condition:
    """Compile an expression against the typed facts; problems raise `ExpressionProblem`."""
    try:
        rule = rule_engine.Rule(text, context=_CONTEXT)
    except rule_engine.SymbolResolutionError as exc:
        raise ExpressionProblem(
            f"unknown symbol '{exc.symbol_name}' in expression", field=exc.symbol_name, suggestion=exc.suggestion
        ) from None
    except rule_engine.RuleSyntaxError as exc:
        where = f" at character {exc.token.lexpos + 1}" if exc.token is not None else " at the end"
        raise ExpressionProblem(f"syntax error in expression{where}: {text!r}") from None
    except rule_engine.EngineError as exc:
        raise ExpressionProblem(f"invalid expression {text!r}: {getattr(exc, 'message', exc)}") from None
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise ExpressionProblem(f"invalid expression {text!r}: {exc}") from None
    reads, thresholds = _analyse(rule.statement.expression)
    if rule.statement.expression.result_type not in (rule_engine.DataType.BOOLEAN, rule_engine.DataType.UNDEFINED):
        raise ExpressionProblem(
            f"expression {text!r} gives a {rule.statement.expression.result_type.name}, not true/false"
        )
    try:
        closure: Callable[[Mapping[str, Any]], bool] | None = compile_closure(rule.statement.expression)
    except Unsupported:
        closure = None  # rule-engine evaluates what the closures do not know (regular expressions among others)
    return Condition(text, rule, reads, thresholds, key_getter(reads, thresholds), closure)


_FORMATTER = string.Formatter()


def check_template(text: str) -> tuple[str, ...]:
    """The placeholders of an explanation template; anything but plain ``{fact}`` raises `ExpressionProblem`."""
    names = []
    try:
        parts = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise ExpressionProblem(f"malformed text template {text!r}: {exc}") from None
    for _literal, field, spec, conversion in parts:
        if field is None:
            continue
        if spec or conversion or not field.isidentifier():
            raise ExpressionProblem(f"placeholder in text {text!r} must be a plain fact name like {{population}}")
        if field not in FACTS:
            raise ExpressionProblem(
                f"unknown fact '{field}' in text", field=field, suggestion=did_you_mean(field, FACTS)
            )
        names.append(field)
    return tuple(names)


def render(text: str, facts: dict[str, Any]) -> str:
    """Fill a checked template with formatted fact values."""
    out = []
    for literal, field, _spec, _conversion in _FORMATTER.parse(text):
        out.append(literal)
        if field is not None:
            out.append(format_value(facts.get(field)))
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
