"""rule-engine's side of a rule expression: parse, type-check, refuse what a rule may not do, lower to closures' form.

Expressions are rule-engine expressions (a small, safe language: no ``eval``), compiled against a typed
context built from the facts, so a misspelt symbol or a type error fails at load time with rule-engine's own
suggestion. The symbols an expression reads are collected from its syntax tree, and the tree is lowered into
the plain-data form `fundmatch._closures` compiles (nodes it does not know leave the expression to rule-engine's
evaluator).

This is the only module that imports rule-engine for a pack, and it is imported only when an expression is
not in the load cache (`fundmatch._cache`) or is evaluated by rule-engine itself: importing rule-engine builds
its parser tables, a quarter of a second of a fresh process.
"""

from __future__ import annotations

import json
import reprlib
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import rule_engine
from rule_engine import DataType
from rule_engine import ast as _ast

from fundmatch._closures import EvaluationFailed
from fundmatch._errors import ExpressionProblem
from fundmatch._facts import FACTS, NUMBER

#: The facts' type names (`fundmatch._facts`) as rule-engine's types.
_TYPES = {
    "FLOAT": DataType.FLOAT,
    "STRING": DataType.STRING,
    "BOOLEAN": DataType.BOOLEAN,
    "DATETIME": DataType.DATETIME,
    "SET": DataType.SET(DataType.STRING),
}

_CONTEXT = rule_engine.Context(
    type_resolver=rule_engine.type_resolver_from_dict({name: _TYPES[fact.type] for name, fact in FACTS.items()}),
    default_timezone="utc",
)


class Unsupported(Exception):
    """An expression uses a node the closures do not know; rule-engine evaluates it instead."""


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


_COMPARISONS = (_ast.ArithmeticComparisonExpression, _ast.ComparisonExpression)


def _analyse(expression: Any) -> tuple[list[str], dict[str, list[str]]]:
    """The facts an expression reads, and those of them it only compares with number literals (with those)."""
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
    reads = sorted(name for name in occurrences if name in FACTS)
    thresholds = {
        name: [str(limit) for limit in sorted(values)]
        for name, values in sorted(limits.items())
        if name in FACTS and FACTS[name].type == NUMBER and compared[name] == occurrences[name]
    }
    return reads, thresholds


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


def parse(text: str) -> rule_engine.Rule:
    """The expression parsed and type-checked against the facts; problems raise `ExpressionProblem`."""
    try:
        return rule_engine.Rule(text, context=_CONTEXT)
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


def analyse(text: str) -> tuple[rule_engine.Rule, dict[str, Any]]:
    """Parse, check and lower an expression: the rule, and the plain record a `Condition` is built from.

    The record (JSON-able, what the load cache keeps): ``reads``, the facts read; ``thresholds``, the number
    literals each fact that is only compared with constants meets; ``ir``, `fundmatch._closures`' form, or None
    where rule-engine evaluates the expression itself.
    """
    rule = parse(text)
    expression = rule.statement.expression
    _check_regexes(expression)
    reads, thresholds = _analyse(expression)
    if expression.result_type not in (DataType.BOOLEAN, DataType.UNDEFINED):
        raise ExpressionProblem(
            f"expression {reprlib.repr(text)} gives a {expression.result_type.name}, not true/false"
        )
    try:
        ir: Any = lower(expression)
    except Unsupported:
        ir = None  # rule-engine evaluates what the closures do not know (regular expressions among others)
    return rule, {"reads": reads, "thresholds": thresholds, "ir": ir}


def matches(rule: rule_engine.Rule, facts: Any) -> bool:
    """rule-engine's own evaluation, its failures as `EvaluationFailed` (like the closures')."""
    try:
        return bool(rule.matches(facts))
    except rule_engine.EngineError as exc:
        raise EvaluationFailed(str(getattr(exc, "message", exc))) from None


# --- lowering: rule-engine's checked tree to the closures' plain data ---------------------------------------


def lower(node: Any, bound: frozenset[str] = frozenset()) -> list[Any]:
    """The plain-data form of a checked expression (see `fundmatch._closures`); raises `Unsupported`."""
    handler = _LOWER.get(type(node))
    if handler is None:
        raise Unsupported(type(node).__name__)
    return handler(node, bound)


def _lower_literal(node: Any, bound: frozenset[str]) -> list[Any]:
    value = node.value
    if isinstance(node, _ast.NullExpression):
        return ["null"]
    if isinstance(node, _ast.BooleanExpression):
        return ["bool", bool(value)]
    if isinstance(node, _ast.FloatExpression):
        return ["float", str(value)]
    if isinstance(node, _ast.StringExpression):
        return ["str", value]
    if isinstance(node, _ast.DatetimeExpression) and value.tzinfo is not None:
        return ["datetime", value.isoformat()]
    raise Unsupported(f"literal {type(node).__name__}")


def _lower_collection(node: Any, bound: frozenset[str]) -> list[Any]:
    members = [lower(member, bound) for member in node.value]
    if isinstance(node, _ast.ArrayExpression):
        return ["array", members]
    # A set's members in one order (rule-engine keeps them in a set, whose order changes from process to
    # process with string hashing): the same expression gives the same record.
    return ["set", sorted(members, key=json.dumps)]


_FACT_KINDS = {DataType.FLOAT: "FLOAT", DataType.STRING: "STRING", DataType.BOOLEAN: "BOOLEAN"}


def _lower_symbol(node: Any, bound: frozenset[str]) -> list[Any]:
    name = node.name
    if node.scope is not None:  # built-ins ($now, $today, ...)
        raise Unsupported(f"built-in symbol ${name}")
    if name in bound:
        return ["var", name]
    kind = node.result_type
    if kind in _FACT_KINDS:
        return ["fact", name, _FACT_KINDS[kind]]
    if DataType.is_type(kind, DataType.SET):
        return ["fact", name, "SET"]
    if kind == DataType.DATETIME:
        # The closures give naive datetimes UTC, the rules' context's default.
        offset = node.context.default_timezone.utcoffset(None)
        if offset is None or offset:
            raise Unsupported("a default timezone other than UTC")
        return ["fact", name, "DATETIME"]
    raise Unsupported(f"symbol of type {kind!r}")


def _lower_length(node: Any, bound: frozenset[str]) -> list[Any]:
    if node.name != "length" or node.safe:
        raise Unsupported(f"attribute .{node.name}")
    kind = node.object.result_type
    if not (DataType.is_type(kind, DataType.SET) or DataType.is_type(kind, DataType.ARRAY) or kind == DataType.STRING):
        raise Unsupported(f".length of {kind!r}")
    return ["length", lower(node.object, bound)]


def _lower_binary(*types: str) -> Callable[[Any, frozenset[str]], list[Any]]:
    def lower_binary(node: Any, bound: frozenset[str]) -> list[Any]:
        if node.type not in types:
            raise Unsupported(f"operator {node.type}")
        return [node.type, lower(node.left, bound), lower(node.right, bound)]

    return lower_binary


def _lower_not(node: Any, bound: frozenset[str]) -> list[Any]:
    if node.type != "not":
        raise Unsupported(f"unary {node.type}")
    return ["not", lower(node.right, bound)]


def _lower_contains(node: Any, bound: frozenset[str]) -> list[Any]:
    return ["in", lower(node.container, bound), lower(node.member, bound)]


def _lower_bitwise(node: Any, bound: frozenset[str]) -> list[Any]:
    if node.type not in ("bwand", "bwor", "bwxor") or not DataType.is_type(node.result_type, DataType.SET):
        # Bitwise arithmetic on numbers (natural-number checks, int conversion) stays with rule-engine.
        raise Unsupported(f"bitwise {node.type} on {node.result_type!r}")
    return [node.type, lower(node.left, bound), lower(node.right, bound)]


def _lower_comprehension(node: Any, bound: frozenset[str]) -> list[Any]:
    variable = node.variable
    iterable = lower(node.iterable, bound)
    inner = bound | {variable}
    condition = lower(node.condition, inner) if node.condition is not None else None
    return ["comprehension", variable, iterable, condition, lower(node.result, inner)]


_LOWER: dict[type, Callable[[Any, frozenset[str]], list[Any]]] = {
    _ast.BooleanExpression: _lower_literal,
    _ast.FloatExpression: _lower_literal,
    _ast.StringExpression: _lower_literal,
    _ast.DatetimeExpression: _lower_literal,
    _ast.NullExpression: _lower_literal,
    _ast.ArrayExpression: _lower_collection,
    _ast.SetExpression: _lower_collection,
    _ast.SymbolExpression: _lower_symbol,
    _ast.GetAttributeExpression: _lower_length,
    _ast.LogicExpression: _lower_binary("and", "or"),
    _ast.ComparisonExpression: _lower_binary("eq", "ne"),
    _ast.ArithmeticComparisonExpression: _lower_binary("lt", "le", "gt", "ge"),
    _ast.UnaryExpression: _lower_not,
    _ast.ContainsExpression: _lower_contains,
    _ast.BitwiseExpression: _lower_bitwise,
    _ast.ComprehensionExpression: _lower_comprehension,
}
