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
import functools
import operator
import re
import reprlib
import string
from bisect import bisect_left
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import rule_engine
from rule_engine import DataType
from rule_engine import ast as _ast

from fundmatch._closures import Unsupported, as_number, compile_closure
from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._facts import FACTS, Facts

# How a value reads in a sentence (ids in words, shares in per cent) is the text renderer's rule.
from fundmatch._text import format_value

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
    """A compiled expression and the facts it reads.

    rule-engine parsed and type-checked the expression; ``closure`` evaluates it (see `fundmatch._closures`),
    or is None where the expression uses a node the closures do not know, and rule-engine evaluates it. Answers
    are not remembered here: the closures cost about as much as a memo's key, and a fund's whole result is
    remembered one level up (`fundmatch._compiled.CompiledFund`).
    """

    text: str
    rule: rule_engine.Rule
    reads: tuple[str, ...]
    thresholds: dict[str, Thresholds]
    # The values it reads, as a tuple (to see which are missing).
    _key: Any = dataclasses.field(repr=False, compare=False)
    closure: Callable[[Mapping[str, Any]], bool] | None = dataclasses.field(default=None, repr=False, compare=False)

    def decide(self, facts: Facts) -> bool | list[str]:
        """True or False, or the facts it reads that are missing (None); a failure raises `ExpressionProblem`."""
        values = self._key(facts.frozen)
        if None in values:
            return [name for name, value in zip(self.reads, values, strict=True) if value is None]
        return self._evaluate(facts)

    def _evaluate(self, facts: dict[str, Any]) -> bool:
        try:
            if self.closure is not None and _CLOSURES:
                return self.closure(facts)
            return bool(self.rule.matches(facts))
        except rule_engine.EngineError as exc:
            raise ExpressionProblem(
                f"expression {reprlib.repr(self.text)} failed: {getattr(exc, 'message', exc)}"
            ) from None
        except (ArithmeticError, TypeError, ValueError) as exc:
            raise ExpressionProblem(f"expression {reprlib.repr(self.text)} failed: {exc}") from None


_REPEATS = ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
#: A bounded repeat above this many counts as unbounded: ``.{0,5000}`` twice backtracks like ``.*`` twice.
_LONG_REPEAT = 64


def _regex_problem(pattern: str) -> str | None:
    """Why a regular expression could backtrack catastrophically, or None when it cannot.

    Python's ``re`` backtracks, and a rule is evaluated with no time limit, so a pack may only use patterns
    whose matching time stays near linear: no quantifier or alternation inside a repeated group
    (``(a+)+``, ``(.*a){12}``), at most one unbounded quantifier, no back-references.
    """
    import importlib

    # The standard library's own parser (private, untyped): the exact structure re will run.
    sre: Any = importlib.import_module("re._parser")

    try:
        parsed = sre.parse(pattern)
    except Exception:  # re.error and friends; rule-engine reports an invalid pattern itself
        return None
    unbounded = 0

    def walk(items: Any, inside_repeat: bool) -> str | None:
        nonlocal unbounded
        for op, av in items:
            name = str(op)
            if name.startswith("GROUPREF"):
                return "a back-reference"
            if name in _REPEATS:
                _low, high, sub = av
                if inside_repeat:
                    return "a quantifier inside a repeated group"
                if high > _LONG_REPEAT:
                    unbounded += 1
                    if unbounded > 1:
                        return "more than one unbounded quantifier"
                problem = walk(sub, high > 1)
                if problem:
                    return problem
            elif name == "BRANCH":
                if inside_repeat:
                    return "an alternation inside a repeated group"
                for sub in av[1]:
                    if problem := walk(sub, inside_repeat):
                        return problem
            elif name == "SUBPATTERN":
                if problem := walk(av[-1], inside_repeat):
                    return problem
            elif name in ("ASSERT", "ASSERT_NOT") and (problem := walk(av[1], inside_repeat)):
                return problem
        return None

    return walk(parsed, False)


#: Built-ins whose answer changes from call to call: a rule's answer is remembered for the facts it reads, so
#: it must depend on nothing else (40 calls with $random gave one outcome).
_UNSTABLE = ("now", "today", "random")


def _check_regexes(expression: Any) -> None:
    for node in _nodes(expression, set()):
        if isinstance(node, _ast.SymbolExpression) and node.scope == "built-in" and node.name in _UNSTABLE:
            raise ExpressionProblem(
                f"${node.name} is not allowed: a rule must give the same answer for the same facts",
                field=f"${node.name}",
            )
        if not isinstance(node, _ast.FuzzyComparisonExpression):
            continue
        if not isinstance(node.right, _ast.StringExpression):
            raise ExpressionProblem(
                "a regular expression (=~, !~) must be a literal string: a pattern taken from the input"
                " could backtrack for hours"
            )
        problem = _regex_problem(node.right.value)
        if problem:
            raise ExpressionProblem(
                f"regular expression {reprlib.repr(node.right.value)} could backtrack catastrophically ({problem})"
            )


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
        raise ExpressionProblem(f"syntax error in expression{where}: {reprlib.repr(text)}") from None
    except rule_engine.EngineError as exc:
        raise ExpressionProblem(f"invalid expression {reprlib.repr(text)}: {getattr(exc, 'message', exc)}") from None
    except (ArithmeticError, TypeError, ValueError, RecursionError) as exc:
        raise ExpressionProblem(f"invalid expression {reprlib.repr(text)}: {exc}") from None
    _check_regexes(rule.statement.expression)
    reads, thresholds = _analyse(rule.statement.expression)
    if rule.statement.expression.result_type not in (rule_engine.DataType.BOOLEAN, rule_engine.DataType.UNDEFINED):
        raise ExpressionProblem(
            f"expression {reprlib.repr(text)} gives a {rule.statement.expression.result_type.name}, not true/false"
        )
    try:
        closure: Callable[[Mapping[str, Any]], bool] | None = compile_closure(rule.statement.expression)
    except Unsupported:
        closure = None  # rule-engine evaluates what the closures do not know (regular expressions among others)
    return Condition(text, rule, reads, thresholds, key_getter(reads, {}), closure)


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
