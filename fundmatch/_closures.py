"""Rule expressions turned into plain Python closures, once, when a pack is loaded.

rule-engine stays the parser and type checker of every expression (a safe language: no ``eval``). Its
evaluator, though, re-infers the type of every value it meets (each member of a set, on every call), which
made it about three quarters of a cold match. Here its checked syntax tree is walked once and each node becomes
a small closure doing the same operation on the same values, in the same order, with rule-engine's own
conversions (numbers are `Decimal` made as rule-engine makes them, naive datetimes get its default timezone,
``==`` between different types is false). No ``eval`` or ``exec``: only closures over the node's operands.

One check is not repeated: rule-engine verifies, for every symbol on every call, that the value has the
symbol's declared type. Facts are built from validated models (`fundmatch._facts`), so they always do; the
closures trust that instead of paying for it on each evaluation.

A node type or operator this compiler does not know raises `Unsupported`, and the caller keeps rule-engine's
evaluator for that expression. Regular expressions (``=~``, ``=~~``) are left to rule-engine on purpose.
A hypothesis property in the tests checks that both agree on every shipped and on fuzzed expressions.
"""

from __future__ import annotations

import datetime as _dt
import operator
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from rule_engine import DataType, errors
from rule_engine import ast as _ast
from rule_engine.types import coerce_value

#: A compiled node: the facts, and the values of the comprehension variables in scope.
Closure = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]

_NO_LOCALS: Mapping[str, Any] = {}


class Unsupported(Exception):
    """An expression uses a node this compiler does not know; rule-engine evaluates it instead."""


def compile_closure(expression: Any) -> Callable[[Mapping[str, Any]], bool]:
    """A function of the facts giving what ``rule.matches(facts)`` gives; raises `Unsupported`."""
    run = _compile(expression, frozenset())

    def matches(facts: Mapping[str, Any]) -> bool:
        return bool(run(facts, _NO_LOCALS))

    return matches


def as_number(value: Any) -> Any:
    # rule-engine's coerce_value for a number: ints exactly, floats through repr (0.3 is 0.3, not its binary).
    kind = type(value)
    if kind is Decimal:
        return value
    if kind is int:
        return Decimal(value)
    if kind is float:
        return Decimal(repr(value))
    return coerce_value(value, verify_type=False)


def _mismatch(what: str = "") -> errors.EvaluationError:
    return errors.EvaluationError("data type mismatch" + (f" ({what})" if what else ""))


def _compile(node: Any, bound: frozenset[str]) -> Closure:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise Unsupported(type(node).__name__)
    return handler(node, bound)


def _literal(node: Any, bound: frozenset[str]) -> Closure:
    value = node.value
    return lambda facts, local: value


def _collection(node: Any, bound: frozenset[str]) -> Closure:
    members = [_compile(member, bound) for member in node.value]
    make = node.result_type.python_type
    if all(isinstance(member, _ast.LiteralExpressionBase) and member.is_reduced for member in node.value):
        # A constant set or array: built once. Operators never change their operands, so sharing it is safe.
        constant = make(member.evaluate(None) for member in node.value)
        return lambda facts, local: constant
    return lambda facts, local: make(member(facts, local) for member in members)


def _symbol(node: Any, bound: frozenset[str]) -> Closure:
    name = node.name
    if node.scope is not None:  # built-ins ($now, $today, ...)
        raise Unsupported(f"built-in symbol ${name}")
    if name in bound:
        # A comprehension variable: rule-engine resolves assignments before the facts.
        return lambda facts, local: local[name]
    kind = node.result_type
    if kind == DataType.FLOAT:
        return lambda facts, local: as_number(facts[name])
    if kind in (DataType.STRING, DataType.BOOLEAN) or DataType.is_type(kind, DataType.SET):
        # Values rule-engine passes through unchanged (coerce_value leaves str, bool and sets alone).
        return lambda facts, local: facts[name]
    if kind == DataType.DATETIME:
        timezone = node.context.default_timezone

        def datetime_fact(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
            value = coerce_value(facts[name], verify_type=False)
            if isinstance(value, _dt.datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=timezone)
            return value

        return datetime_fact
    raise Unsupported(f"symbol of type {kind!r}")


def _length(node: Any, bound: frozenset[str]) -> Closure:
    if node.name != "length" or node.safe:
        raise Unsupported(f"attribute .{node.name}")
    kind = node.object.result_type
    if not (DataType.is_type(kind, DataType.SET) or DataType.is_type(kind, DataType.ARRAY) or kind == DataType.STRING):
        raise Unsupported(f".length of {kind!r}")
    target = _compile(node.object, bound)

    def length(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
        value = target(facts, local)
        if value is None:
            raise errors.EvaluationError("attribute access on a null value")
        return Decimal(len(value))

    return length


def _logic(node: Any, bound: frozenset[str]) -> Closure:
    left, right = _compile(node.left, bound), _compile(node.right, bound)
    if node.type == "and":
        return lambda facts, local: bool(left(facts, local) and right(facts, local))
    if node.type == "or":
        return lambda facts, local: bool(left(facts, local) or right(facts, local))
    raise Unsupported(f"logic operator {node.type}")


def _equality(node: Any, bound: frozenset[str]) -> Closure:
    left, right = _compile(node.left, bound), _compile(node.right, bound)
    if node.type == "eq":

        def equal(facts: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
            a, b = left(facts, local), right(facts, local)
            return type(a) is type(b) and bool(a == b)

        return equal
    if node.type == "ne":

        def not_equal(facts: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
            a, b = left(facts, local), right(facts, local)
            return type(a) is not type(b) or bool(a != b)

        return not_equal
    raise Unsupported(f"comparison {node.type}")


_ORDER = {"lt": operator.lt, "le": operator.le, "gt": operator.gt, "ge": operator.ge}


def _ordered(op: Callable[[Any, Any], Any], a: Any, b: Any) -> Any:
    # rule-engine's ordered comparison: null against null, arrays member by member, types must agree.
    if a is None and b is None:
        return op in (operator.ge, operator.le)
    if isinstance(a, tuple) and isinstance(b, tuple):
        for x, y in zip(a, b, strict=False):
            if _ordered(operator.ne, x, y):
                return _ordered(op, x, y)
        if len(a) != len(b):
            return _ordered(op, Decimal(len(a)), Decimal(len(b)))
        return op in (operator.ge, operator.le)
    if type(a) is not type(b):
        raise _mismatch()
    return op(a, b)


def _order(node: Any, bound: frozenset[str]) -> Closure:
    op = _ORDER.get(node.type)
    if op is None:
        raise Unsupported(f"comparison {node.type}")
    left, right = _compile(node.left, bound), _compile(node.right, bound)
    return lambda facts, local: _ordered(op, left(facts, local), right(facts, local))


def _not(node: Any, bound: frozenset[str]) -> Closure:
    if node.type != "not":
        raise Unsupported(f"unary {node.type}")
    right = _compile(node.right, bound)
    return lambda facts, local: not right(facts, local)


def _contains(node: Any, bound: frozenset[str]) -> Closure:
    container, member = _compile(node.container, bound), _compile(node.member, bound)

    def contains(facts: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
        # Evaluated container first, as rule-engine does; a text holds only texts.
        whole = container(facts, local)
        part = member(facts, local)
        if isinstance(whole, (str, bytes)) and type(part) is not type(whole):
            raise _mismatch()
        return bool(part in whole)

    return contains


_SET_OPERATORS = {"bwand": operator.and_, "bwor": operator.or_, "bwxor": operator.xor}


def _set_operator(node: Any, bound: frozenset[str]) -> Closure:
    op = _SET_OPERATORS.get(node.type)
    if op is None or not DataType.is_type(node.result_type, DataType.SET):
        # Bitwise arithmetic on numbers (natural-number checks, int conversion) stays with rule-engine.
        raise Unsupported(f"bitwise {node.type} on {node.result_type!r}")
    left, right = _compile(node.left, bound), _compile(node.right, bound)

    def set_operation(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
        a = left(facts, local)
        if not isinstance(a, (set, frozenset)):
            raise _mismatch()
        b = right(facts, local)
        if not isinstance(b, (set, frozenset)):
            raise _mismatch()
        return op(a, b)

    return set_operation


_ITERABLE = (set, frozenset, tuple, list, str, bytes, dict)


def _comprehension(node: Any, bound: frozenset[str]) -> Closure:
    variable = node.variable
    iterable = _compile(node.iterable, bound)
    inner = bound | {variable}
    condition = _compile(node.condition, inner) if node.condition is not None else None
    result = _compile(node.result, inner)

    def comprehension(facts: Mapping[str, Any], local: Mapping[str, Any]) -> tuple[Any, ...]:
        values = iterable(facts, local)
        if not isinstance(values, _ITERABLE):
            raise _mismatch("comprehension requires an iterable")
        out = []
        for value in values:
            scope = {**local, variable: value}
            if condition is None or condition(facts, scope):
                out.append(result(facts, scope))
        return tuple(out)

    return comprehension


_HANDLERS: dict[type, Callable[[Any, frozenset[str]], Closure]] = {
    _ast.BooleanExpression: _literal,
    _ast.FloatExpression: _literal,
    _ast.StringExpression: _literal,
    _ast.DatetimeExpression: _literal,
    _ast.NullExpression: _literal,
    _ast.ArrayExpression: _collection,
    _ast.SetExpression: _collection,
    _ast.SymbolExpression: _symbol,
    _ast.GetAttributeExpression: _length,
    _ast.LogicExpression: _logic,
    _ast.ComparisonExpression: _equality,
    _ast.ArithmeticComparisonExpression: _order,
    _ast.UnaryExpression: _not,
    _ast.ContainsExpression: _contains,
    _ast.BitwiseExpression: _set_operator,
    _ast.ComprehensionExpression: _comprehension,
}
