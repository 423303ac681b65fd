"""Rule expressions turned into plain Python closures, once, when a pack is loaded.

rule-engine stays the parser and type checker of every expression (a safe language: no ``eval``). Its
evaluator, though, re-infers the type of every value it meets (each member of a set, on every call), which
made it about three quarters of a cold match. `fundmatch._parse` lowers its checked syntax tree into a small
plain-data form (nested lists of operators and operands, JSON-able, so that `fundmatch._cache` can keep it
between processes), and this module turns that form into closures doing the same operation on the same values,
in the same order, with rule-engine's own conversions (numbers are `Decimal` made as rule-engine makes them,
naive datetimes get its default timezone, UTC, ``==`` between different types is false). No ``eval`` or
``exec``: only closures over the node's operands. Nothing here imports rule-engine, whose import alone builds
its parser tables (a quarter of a second).

The plain-data form (``ir``), one list per node, operator first:

* ``["bool", b]``, ``["float", "1.5"]`` (a `Decimal` as text), ``["str", s]``, ``["null"]``,
  ``["datetime", "2029-12-31T00:00:00+00:00"]`` (ISO, always with its offset)
* ``["array", [member, ...]]``, ``["set", [member, ...]]``
* ``["fact", name, kind]`` (kind: ``FLOAT``, ``STRING``, ``BOOLEAN``, ``SET``, ``DATETIME``), ``["var", name]``
  (a comprehension variable)
* ``["length", node]``, ``["not", node]``, ``["in", container, member]``
* ``["and" | "or" | "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "bwand" | "bwor" | "bwxor", left, right]``
  (the ``bw`` operators on sets only)
* ``["comprehension", variable, iterable, condition or None, result]``

`compile_ir` refuses anything else with `BadIR` (a corrupt cache is then parsed anew, never trusted).

One check is not repeated: rule-engine verifies, for every symbol on every call, that the value has the
symbol's declared type. Facts are built from validated models (`fundmatch._facts`), so they always do; the
closures trust that instead of paying for it on each evaluation.

A hypothesis property in the tests checks that closures and rule-engine agree on every shipped and on fuzzed
expressions.
"""

from __future__ import annotations

import collections
import datetime as _dt
import operator
from collections.abc import Callable, Collection, Iterator, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

#: A compiled node: the facts, and the values of the comprehension variables in scope.
Closure = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]

_NO_LOCALS: Mapping[str, Any] = {}


class BadIR(ValueError):
    """The plain-data form of an expression is not one this module writes (a corrupt or foreign cache)."""


class EvaluationFailed(Exception):
    """An expression failed on these facts, where rule-engine's evaluator raises its ``EvaluationError``."""


def compile_ir(ir: Any) -> Callable[[Mapping[str, Any]], bool]:
    """A function of the facts giving what ``rule.matches(facts)`` gives for the expression ``ir`` stands for.

    The function keeps its ``ir`` (`ir_of`), for `specialise`.
    """
    made = _compiled_ir(ir)
    made.ir = ir  # type: ignore[attr-defined]
    return made


def _compiled_ir(ir: Any) -> Callable[[Mapping[str, Any]], bool]:
    run = _compile(ir, frozenset())  # checks the whole form: `_direct` reads only what passed
    direct = _direct(ir)
    if direct is not None:
        return direct
    if isinstance(ir, list) and ir and ir[0] in _BOOLEAN_ROOTS:
        # A node that gives a bool already: called as it is (one call less per evaluation).
        return lambda facts: run(facts, _NO_LOCALS)

    def matches(facts: Mapping[str, Any]) -> bool:
        return bool(run(facts, _NO_LOCALS))

    return matches


def ir_of(closure: Any) -> Any:
    """The plain-data form a closure of `compile_ir` was compiled from (None for anything else)."""
    return getattr(closure, "ir", None)


# ------------------------------------------------------------------------------------- partial evaluation
# A batch matches one idea with many municipalities: in a condition reading both (``degurba == 3 and 'digital'
# in themes``), the idea's side is the same on every row. `specialise` decides it once, where it decides the
# answer's truth, and leaves the rest: the same operations on the same values in the same order for what is
# left (an and/or side that is evaluated is evaluated, so that it fails where it failed), only the parts whose
# every fact is known folded into the truth they have on those facts.


def specialise(
    closure: Callable[[Mapping[str, Any]], bool], known: Mapping[str, Any]
) -> tuple[bool | None, Callable[[Mapping[str, Any]], bool]]:
    """A closure of `compile_ir` for facts that have the values of ``known``: (the answer, a closure never to
    call) where those facts decide it, else (None, a function of the facts giving what ``closure`` gives on any
    facts agreeing with ``known``).

    The parts of its form that may be decided are compiled once per closure (kept on it, as the closure is).
    """
    parts = _parts_of(closure)
    folded, value = _fold(ir_of(closure), known, parts)
    if folded:
        return bool(value), _NEVER
    # What is left is made of the form's own nodes and and/or/not/true/false around them: compiled once per
    # shape (another idea that leaves the same parts gets the same closure).
    shape = ("left", _shape_of(value, parts))
    left = parts.get(shape)
    if left is None:
        left = parts[shape] = compile_ir(value)
    return None, left


def three_valued(closure: Any, facts: Mapping[str, Any], missing: Collection[str]) -> bool | None:
    """What a closure of `compile_ir` gives on ``facts`` whatever the values of the facts ``missing``, or None
    where one of them can change it (or the closure has no form to read).

    Three-valued (Kleene) logic over its and/or/not: ``false and x`` is false and ``true or x`` true whatever
    ``x``, in either order, since a missing fact is not evaluated at all; any other node is decided only where it
    reads none of ``missing``. A node that fails on the known facts decides nothing (the rule stays open, as it
    was when every missing fact left it so).
    """
    run = _three_valued_of(closure, tuple(missing))
    answer = None if run is None else run(facts)
    return answer if isinstance(answer, bool) else None


#: A three-valued evaluation: True, False, or (where the answer is open) the missing facts that can change it.
_Open = Callable[[Mapping[str, Any]], "bool | frozenset[str]"]


def _three_valued_of(closure: Any, missing: tuple[str, ...]) -> _Open | None:
    """`three_valued` of ``closure`` for the facts ``missing``, compiled once per closure and set of facts (a
    condition reads a few facts: a few sets at most), or None where it has no form."""
    ir = ir_of(closure)
    if ir is None:
        return None
    made = getattr(closure, "three", None)
    if made is None:
        made = closure.three = {}
    run = made.get(missing)
    if run is None:
        run = made[missing] = _three_node(ir, frozenset(missing), _parts_of(closure))
    return run


def _three_node(ir: Any, missing: frozenset[str], parts: dict[Any, Any]) -> _Open:
    """`_three_valued_of`'s evaluation of one node: True, False, or (open) the missing facts that leave it so."""
    op = ir[0]
    if op in ("and", "or"):
        # The side that decides alone (and: false, or: true) decides whatever the other side is; an open answer
        # is left open by the missing facts of its open sides only (``degurba == 3 or 'x' in themes`` in a rural
        # area does not wait for the themes, whatever else of the condition is open).
        decisive = op == "or"
        left, right = _three_node(ir[1], missing, parts), _three_node(ir[2], missing, parts)

        def either(facts: Mapping[str, Any]) -> bool | frozenset[str]:
            first = left(facts)
            if first is decisive:
                return decisive
            second = right(facts)
            if second is decisive:
                return decisive
            if isinstance(first, bool):
                return second if isinstance(second, frozenset) else not decisive
            return first | second if isinstance(second, frozenset) else first

        return either
    if op == "not":
        inner = _three_node(ir[1], missing, parts)

        def negated(facts: Mapping[str, Any]) -> bool | frozenset[str]:
            answer = inner(facts)
            return answer if isinstance(answer, frozenset) else not answer

        return negated
    if op == "bool":
        constant = bool(ir[1])
        return lambda facts: constant
    names, run = _part(ir, parts)
    reads_missing = missing.intersection(names)
    if reads_missing:
        return lambda facts: reads_missing

    def known(facts: Mapping[str, Any]) -> bool | frozenset[str]:
        try:
            return bool(run(facts, _NO_LOCALS))
        except Exception:  # a node failing on the known facts leaves the answer open, by every missing fact
            return missing

    return known


def decided_or_missing(
    closure: Any, facts: Mapping[str, Any], reads: tuple[str, ...], values: tuple[Any, ...]
) -> bool | list[str]:
    """For the values ``closure`` reads (``reads``, some None): its answer where the known facts decide it
    (`three_valued`), else the missing facts that can still change it, in the order it reads them."""
    if closure is None:
        return [name for name, value in zip(reads, values, strict=True) if value is None]
    if len(reads) == 1:
        return _alone(closure, reads)
    missing = tuple(name for name, value in zip(reads, values, strict=True) if value is None)
    if len(missing) == len(reads):
        return _alone(closure, reads)
    run = _three_valued_of(closure, missing)
    answer = None if run is None else run(facts)
    if answer is None:
        return list(missing)
    return answer if isinstance(answer, bool) else [name for name in missing if name in answer]


def _alone(closure: Any, reads: tuple[str, ...]) -> bool | list[str]:
    # With every fact missing only the form's constants decide anything: the same answer whatever the facts,
    # worked out once per closure (most conditions read one fact).
    alone: Any = getattr(closure, "alone", _UNSET)
    if alone is _UNSET:
        run = _three_valued_of(closure, reads)
        answer = None if run is None else run({})
        if answer is None:
            alone = reads
        else:
            alone = answer if isinstance(answer, bool) else tuple(name for name in reads if name in answer)
        closure.alone = alone
    return alone if isinstance(alone, bool) else list(alone)


def without_facts(closure: Any, reads: tuple[str, ...]) -> bool | None:
    """`three_valued` of ``closure`` with every fact it reads (``reads``) missing: only a constant part can
    decide it then, whatever the facts, so it is worked out once per closure."""
    if closure is None:
        return None
    alone = _alone(closure, reads)
    return alone if isinstance(alone, bool) else None


_UNSET = object()

#: Beyond this many facts a condition's sets of missing facts are not tabled (`when_missing`).
_TABLED_FACTS = 6


def when_missing(
    closure: Any, reads: tuple[str, ...]
) -> Callable[[Mapping[str, Any], tuple[Any, ...]], bool | tuple[str, ...]]:
    """`decided_or_missing` for a row program, compiled before its first row: for every set of the facts
    ``reads`` that can be missing, its three-valued evaluation and the facts it names, looked up per row by
    which values of ``found`` (what the row read of ``reads``) are None."""
    if len(reads) > _TABLED_FACTS:

        def untabled(facts: Mapping[str, Any], found: tuple[Any, ...]) -> bool | tuple[str, ...]:
            answer = decided_or_missing(closure, facts, reads, found)
            return answer if isinstance(answer, bool) else tuple(answer)

        return untabled
    table: list[tuple[_Open | None, tuple[str, ...]]] = [(None, ())]
    for mask in range(1, 1 << len(reads)):
        missing = tuple(name for k, name in enumerate(reads) if mask >> k & 1)
        table.append((None if closure is None else _three_valued_of(closure, missing), missing))
    # What an open answer names, in the order the condition reads the facts: a few sets per condition.
    named: dict[frozenset[str], tuple[str, ...]] = {}

    def decide(facts: Mapping[str, Any], found: tuple[Any, ...]) -> bool | tuple[str, ...]:
        mask, bit = 0, 1
        for value in found:
            if value is None:
                mask |= bit
            bit <<= 1
        run, missing = table[mask]
        if run is None:
            return missing
        answer = run(facts)
        if answer is True or answer is False:
            return answer
        names = named.get(answer)
        if names is None:
            names = named[answer] = tuple(name for name in reads if name in answer)
        return names

    return decide


#: The operators that compare their two operands (a fact with a literal, in rules).
_COMPARISONS = ("in", "bwand", "bwor", "bwxor", "eq", "ne", "le", "lt", "ge", "gt")


def fact_comparisons(ir: Any) -> Iterator[tuple[str, list[Any], Any]]:
    """Every comparison in a form whose one side is a fact, at any depth: (operator, the fact's node
    ``["fact", name, kind]``, the other side), each side in turn where both are facts."""
    if not isinstance(ir, list) or not ir:
        return
    if not isinstance(ir[0], str):  # the members of a collection
        for part in ir:
            yield from fact_comparisons(part)
        return
    if len(ir) == 3 and ir[0] in _COMPARISONS:
        for fact, other in ((ir[1], ir[2]), (ir[2], ir[1])):
            if isinstance(fact, list) and fact[:1] == ["fact"] and len(fact) == 3:
                yield ir[0], fact, other
    for part in ir[1:]:
        yield from fact_comparisons(part)


def members_named(ir: Any) -> dict[str, frozenset[str]]:
    """For each set fact a form tests against text literals (``'x' in themes``, ``themes & {'a', 'b'}``), those
    literals: the members that can make the condition hold, which a pass text shows of the fact's value."""
    found: dict[str, set[str]] = {}
    for _, fact, other in fact_comparisons(ir):
        if fact[2] != "SET" or not isinstance(other, list):
            continue
        if other[:1] == ["str"]:
            named = [other[1]]
        elif other[:1] in (["set"], ["array"]):
            named = [m[1] for m in other[1] if isinstance(m, list) and m[:1] == ["str"]]
        else:
            continue
        if named:
            found.setdefault(fact[1], set()).update(named)
    # A fact a comprehension runs over is tested member by member ("every target group is a newcomers' one"):
    # the members that pass are not the literals named, so its value is shown whole.
    iterated = _comprehended(ir)
    return {name: frozenset(values) for name, values in found.items() if name not in iterated}


def _comprehended(node: Any) -> set[str]:
    """The facts a form's comprehensions iterate over."""
    names: set[str] = set()
    if isinstance(node, list) and node:
        if node[0] == "comprehension" and len(node) == 5:
            names |= _fact_names(node[2], set())
        for part in node:
            names |= _comprehended(part)
    return names


def _parts_of(closure: Any) -> dict[Any, Any]:
    """The parts of a closure's form compiled for `specialise` and `three_valued`, kept on the closure."""
    parts = getattr(closure, "parts", None)
    if parts is None:
        parts = closure.parts = {}
    return parts


def _part(ir: Any, parts: dict[Any, Any]) -> tuple[set[str], Closure]:
    """A node of a form as `_fold` and `_three_node` evaluate it alone: the facts it reads and its closure,
    compiled once per node."""
    part = parts.get(id(ir))
    if part is None:
        part = parts[id(ir)] = (_fact_names(ir, set()), _compile(ir, frozenset()))
    return part


def _shape_of(ir: Any, parts: dict[Any, Any]) -> Any:
    """A key of what `_fold` left: its own nodes by identity (they live as long as the closure that holds its
    form), the nodes it made by their operators."""
    if id(ir) in parts:  # a node of the form itself (`_fold` looked at it)
        return id(ir)
    op = ir[0]
    if op == "bool":
        return ("bool", ir[1])
    return (op, *(_shape_of(part, parts) for part in ir[1:]))


def _NEVER(facts: Mapping[str, Any]) -> bool:
    raise AssertionError("a specialised condition the known facts decide is never evaluated")


def _fact_names(ir: Any, names: set[str]) -> set[str]:
    """The facts a node reads, at any depth."""
    if isinstance(ir, list):
        if ir[:1] == ["fact"] and len(ir) == 3:
            names.add(ir[1])
            return names
        for part in ir:  # an operator's operands, or a collection's members
            _fact_names(part, names)
    return names


def _fold(ir: Any, known: Mapping[str, Any], parts: dict[int, tuple[set[str], Closure]]) -> tuple[bool, Any]:
    """(True, the node's truth) where the known facts decide it, else (False, the node left: its form, with
    what the known facts decide of its and/or/not parts taken out). Only a node whose truth is read (the root,
    an operand of and, or, not) is visited: a node's truth is all the answer takes of it there."""
    op = ir[0]
    if op in ("and", "or"):
        _, left, right = ir
        left_folded, left_value = _fold(left, known, parts)
        if left_folded:
            # The left side decides (and: false, or: true) without the right side being evaluated, or the
            # answer is the right side's truth.
            if bool(left_value) is (op == "or"):
                return True, op == "or"
            return _fold(right, known, parts)
        right_folded, right_value = _fold(right, known, parts)
        if not right_folded:
            return False, [op, left_value, right_value]
        if bool(right_value) is (op == "and"):
            return False, left_value  # and true, or false: the left side's truth
        # and false, or true: the answer, once the left side is evaluated (for its failures, as it was).
        return False, [op, left_value, ["bool", op == "or"]]
    if op == "not":
        inner_folded, inner = _fold(ir[1], known, parts)
        return (True, not inner) if inner_folded else (False, ["not", inner])
    names, run = _part(ir, parts)
    if names.issubset(known):
        try:
            value = run(known, _NO_LOCALS)
        except Exception:  # it fails on the row as here: left to fail there
            return False, ir
        return True, bool(value)
    return False, ir


def coerce(value: Any) -> Any:
    """rule-engine's ``coerce_value`` (without its type check): a Python value as the engine sees it."""
    if isinstance(value, (list, range, tuple)):
        return tuple(coerce(v) for v in value)
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return _dt.datetime(value.year, value.month, value.day)
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        # A number as rule-engine makes it: ints exactly, floats through repr (0.3 is 0.3, not its binary).
        return Decimal(int(value)) if isinstance(value, int) else Decimal(repr(value))
    if isinstance(value, dict):
        return collections.OrderedDict((coerce(k), coerce(v)) for k, v in value.items())
    return value


def as_number(value: Any) -> Any:
    """`coerce` for a number fact, the common cases first: this runs for every number a rule reads."""
    kind = type(value)
    if kind is Decimal:
        return value
    if kind is int:
        return Decimal(value)
    if kind is float:
        return Decimal(repr(value))
    return coerce(value)


def _mismatch(what: str = "") -> EvaluationFailed:
    return EvaluationFailed("data type mismatch" + (f" ({what})" if what else ""))


def _shape(ir: Any, size: int) -> list[Any]:
    if not isinstance(ir, list) or len(ir) != size:
        raise BadIR(f"malformed node {ir!r:.80}")
    return ir


def _compile(ir: Any, bound: frozenset[str]) -> Closure:
    if not isinstance(ir, list) or not ir or not isinstance(ir[0], str):
        raise BadIR(f"malformed node {ir!r:.80}")
    handler = _HANDLERS.get(ir[0])
    if handler is None:
        raise BadIR(f"unknown operator {ir[0]!r:.40}")
    return handler(ir, bound)


def _value(ir: Any) -> Any:
    """The value of a literal node; raises `BadIR` for a node that is not one."""
    op = ir[0] if isinstance(ir, list) and ir else None
    if op == "null":
        _shape(ir, 1)
        return None
    if op in ("array", "set"):
        members = [_value(m) for m in _members(ir)]
        return tuple(members) if op == "array" else set(members)
    _, raw = _shape(ir, 2)
    if op == "bool" and isinstance(raw, bool):
        return raw
    if op == "str" and isinstance(raw, str):
        return raw
    if op == "float" and isinstance(raw, str):
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise BadIR(f"not a number {raw!r:.40}") from None
    if op == "datetime" and isinstance(raw, str):
        try:
            value = _dt.datetime.fromisoformat(raw)
        except ValueError:
            raise BadIR(f"not a datetime {raw!r:.40}") from None
        if value.tzinfo is None:
            raise BadIR("a datetime literal without its offset")
        return value
    raise BadIR(f"not a literal {ir!r:.80}")


def _is_literal(ir: Any) -> bool:
    if not isinstance(ir, list) or not ir:
        return False
    if ir[0] in ("array", "set"):
        return len(ir) == 2 and isinstance(ir[1], list) and all(_is_literal(m) for m in ir[1])
    return ir[0] in ("bool", "float", "str", "null", "datetime")


def _members(ir: list[Any]) -> list[Any]:
    _, members = _shape(ir, 2)
    if not isinstance(members, list):
        raise BadIR("members of a collection must be a list")
    return members


def _literal(ir: list[Any], bound: frozenset[str]) -> Closure:
    value = _value(ir)
    return lambda facts, local: value


def _collection(ir: list[Any], bound: frozenset[str]) -> Closure:
    members = [_compile(member, bound) for member in _members(ir)]
    if _is_literal(ir):
        # A constant set or array: built once. Operators never change their operands, so sharing it is safe.
        constant = _value(ir)
        return lambda facts, local: constant
    make: Callable[[Any], Any] = tuple if ir[0] == "array" else set
    return lambda facts, local: make(member(facts, local) for member in members)


def _variable(ir: list[Any], bound: frozenset[str]) -> Closure:
    _, name = _shape(ir, 2)
    if name not in bound:
        raise BadIR(f"variable {name!r:.40} outside its comprehension")
    # A comprehension variable: rule-engine resolves assignments before the facts.
    return lambda facts, local: local[name]


def _fact(ir: list[Any], bound: frozenset[str]) -> Closure:
    _, name, kind = _shape(ir, 3)
    if not isinstance(name, str) or name in bound:
        raise BadIR(f"malformed fact {ir!r:.80}")
    if kind == "FLOAT":
        return lambda facts, local: as_number(facts[name])
    if kind in ("STRING", "BOOLEAN", "SET"):
        # Values rule-engine passes through unchanged (coerce_value leaves str, bool and sets alone).
        return lambda facts, local: facts[name]
    if kind == "DATETIME":

        def datetime_fact(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
            value = coerce(facts[name])
            if isinstance(value, _dt.datetime) and value.tzinfo is None:
                value = value.replace(tzinfo=_dt.UTC)  # the rules' context: default timezone UTC
            return value

        return datetime_fact
    raise BadIR(f"fact of unknown type {kind!r:.40}")


def _length(ir: list[Any], bound: frozenset[str]) -> Closure:
    _, node = _shape(ir, 2)
    target = _compile(node, bound)

    def length(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
        value = target(facts, local)
        if value is None:
            raise EvaluationFailed("attribute access on a null value")
        return Decimal(len(value))

    return length


def _binary(ir: list[Any], bound: frozenset[str]) -> tuple[Closure, Closure]:
    _, left, right = _shape(ir, 3)
    return _compile(left, bound), _compile(right, bound)


def _and(ir: list[Any], bound: frozenset[str]) -> Closure:
    left, right = _binary(ir, bound)
    return lambda facts, local: bool(left(facts, local) and right(facts, local))


def _or(ir: list[Any], bound: frozenset[str]) -> Closure:
    left, right = _binary(ir, bound)
    return lambda facts, local: bool(left(facts, local) or right(facts, local))


def _length_against_constant(ir: list[Any], bound: frozenset[str]) -> tuple[Closure, Decimal] | None:
    """(what the length is taken of, the constant) for ``(...).length`` compared with a number literal.

    ``(themes & {...}).length > 0`` is the commonest test of the packs: the length compared as the int it is
    gives what its Decimal gives (ints and Decimals compare exactly), without making one per evaluation.
    """
    _, left, right = ir
    if not (isinstance(left, list) and left[:1] == ["length"] and isinstance(right, list) and right[:1] == ["float"]):
        return None
    _, node = _shape(left, 2)
    return _compile(node, bound), _value(right)


def _length_of(target: Closure, facts: Mapping[str, Any], local: Mapping[str, Any]) -> int:
    """`_length`'s length, as an int."""
    value = target(facts, local)
    if value is None:
        raise EvaluationFailed("attribute access on a null value")
    return len(value)


def _equal(ir: list[Any], bound: frozenset[str]) -> Closure:
    left, right = _binary(ir, bound)
    length = _length_against_constant(ir, bound)
    if length is not None:
        target, constant = length
        return lambda facts, local: _length_of(target, facts, local) == constant

    def equal(facts: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
        a, b = left(facts, local), right(facts, local)
        return type(a) is type(b) and bool(a == b)

    return equal


def _not_equal(ir: list[Any], bound: frozenset[str]) -> Closure:
    left, right = _binary(ir, bound)

    def not_equal(facts: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
        a, b = left(facts, local), right(facts, local)
        return type(a) is not type(b) or bool(a != b)

    return not_equal


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


def _order(ir: list[Any], bound: frozenset[str]) -> Closure:
    op = _ORDER[ir[0]]
    left, right = _binary(ir, bound)
    number = _number_against_constant(ir, bound)
    if number is not None:
        name, constant, fact_left = number
        # A number fact against a constant (``population < 5000``), the commonest comparison of the packs: one
        # closure, the int a population is compared exactly as its Decimal (as rule-engine's Decimal(value)
        # is), anything else the general way.
        if fact_left:

            def fact_then_constant(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
                value = facts[name]
                if type(value) is int:
                    return op(value, constant)
                return _ordered(op, as_number(value), constant)

            return fact_then_constant

        def constant_then_fact(facts: Mapping[str, Any], local: Mapping[str, Any]) -> Any:
            value = facts[name]
            if type(value) is int:
                return op(constant, value)
            return _ordered(op, constant, as_number(value))

        return constant_then_fact
    length = _length_against_constant(ir, bound)
    if length is not None:
        target, limit = length
        return lambda facts, local: op(_length_of(target, facts, local), limit)
    return lambda facts, local: _ordered(op, left(facts, local), right(facts, local))


def _number_against_constant(ir: list[Any], bound: frozenset[str]) -> tuple[str, Decimal, bool] | None:
    """(fact, constant, whether the fact is on the left) for a number fact compared with a number literal."""
    _, left, right = ir
    for fact, other, fact_left in ((left, right, True), (right, left, False)):
        if (
            isinstance(fact, list)
            and len(fact) == 3
            and fact[0] == "fact"
            and fact[2] == "FLOAT"
            and fact[1] not in bound
            and isinstance(other, list)
            and other[:1] == ["float"]
        ):
            return fact[1], _value(other), fact_left
    return None


def _not(ir: list[Any], bound: frozenset[str]) -> Closure:
    _, node = _shape(ir, 2)
    right = _compile(node, bound)
    return lambda facts, local: not right(facts, local)


def _contains(ir: list[Any], bound: frozenset[str]) -> Closure:
    container, member = _binary(ir, bound)

    def contains(facts: Mapping[str, Any], local: Mapping[str, Any]) -> bool:
        # Evaluated container first, as rule-engine does; a text holds only texts.
        whole = container(facts, local)
        part = member(facts, local)
        if isinstance(whole, (str, bytes)) and type(part) is not type(whole):
            raise _mismatch()
        return bool(part in whole)

    return contains


_SET_OPERATORS = {"bwand": operator.and_, "bwor": operator.or_, "bwxor": operator.xor}


def _set_operator(ir: list[Any], bound: frozenset[str]) -> Closure:
    op = _SET_OPERATORS[ir[0]]
    left, right = _binary(ir, bound)

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


def _comprehension(ir: list[Any], bound: frozenset[str]) -> Closure:
    _, variable, iterable_ir, condition_ir, result_ir = _shape(ir, 5)
    if not isinstance(variable, str):
        raise BadIR("a comprehension's variable must be a name")
    iterable = _compile(iterable_ir, bound)
    inner = bound | {variable}
    condition = _compile(condition_ir, inner) if condition_ir is not None else None
    result = _compile(result_ir, inner)

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


#: The operators whose closures give a bool themselves (the others may give a value rule-engine's truth tests).
_BOOLEAN_ROOTS = frozenset({"and", "or", "eq", "ne", "not", "in"})

_HANDLERS: dict[str, Callable[[list[Any], frozenset[str]], Closure]] = {
    "bool": _literal,
    "float": _literal,
    "str": _literal,
    "datetime": _literal,
    "null": _literal,
    "array": _collection,
    "set": _collection,
    "fact": _fact,
    "var": _variable,
    "length": _length,
    "and": _and,
    "or": _or,
    "eq": _equal,
    "ne": _not_equal,
    **dict.fromkeys(_ORDER, _order),
    "not": _not,
    "in": _contains,
    **dict.fromkeys(_SET_OPERATORS, _set_operator),
    "comprehension": _comprehension,
}


# ------------------------------------------------------------------------------------- direct closures
# Two of them say what they compute (``shape``), so that a caller testing the fact for a missing value first
# (a summary's row program, `fundmatch._engine._rule_step`) can do the common case itself: ("truth", fact) for
# a boolean fact, ("order", fact, operator, constant) for a number fact against a constant, an int compared as
# the int it is.
# The shapes most conditions of the packs are made of (a fact against a constant, a constant in a fact, the size
# of a fact's overlap with a constant set, and and/or/not of those) compiled as one function of the facts each:
# the same operations on the same values in the same order as the general nodes, without a call per operand.
# A summary decides a few dozen such conditions per municipality, so the calls saved are most of their cost.

_Direct = Callable[[Mapping[str, Any]], bool]


def _fact_name(ir: Any, kinds: tuple[str, ...]) -> str:
    """The name of a fact node of one of ``kinds``, else "" (no fact is named so)."""
    if isinstance(ir, list) and len(ir) == 3 and ir[0] == "fact" and isinstance(ir[1], str) and ir[2] in kinds:
        return ir[1]
    return ""


def _direct(ir: Any) -> _Direct | None:
    """``ir`` (checked by `_compile`) as one function giving what `compile_ir`'s general closure gives, where it
    is one of the shapes below; else None."""
    op = ir[0]
    if op == "fact":
        name = _fact_name(ir, ("BOOLEAN",))
        if not name:
            return None

        def truth(facts: Mapping[str, Any]) -> bool:
            return bool(facts[name])

        truth.shape = ("truth", name)  # type: ignore[attr-defined]
        return truth
    if op in ("and", "or"):
        if isinstance(ir[2], list) and ir[2][:1] == ["bool"] and len(ir[2]) == 2:
            return _direct_then(op, ir[1], bool(ir[2][1]))
        left, right = _direct(ir[1]), _direct(ir[2])
        if left is None or right is None:
            return None
        # Each side gives its operand's truth, as `_and` and `_or` test it; the result is a bool already.
        if op == "and":
            return lambda facts: left(facts) and right(facts)
        return lambda facts: left(facts) or right(facts)
    if op == "not":
        inner = _direct(ir[1])
        return None if inner is None else (lambda facts: not inner(facts))
    if op in ("eq", "ne"):
        return _direct_equal(ir)
    if op in _ORDER:
        return _direct_order(ir)
    if op == "in":
        return _direct_contains(ir)
    return None


def _direct_then(op: str, left_ir: Any, answer: bool) -> _Direct | None:
    """``left and true``, ``left or false`` (the left side's truth), ``left and false``, ``left or true`` (the
    answer, once the left side is evaluated, for its failures): what a condition specialised on an idea
    (`specialise`) leaves where the idea decides one side."""
    left = _direct(left_ir)
    if left is None:
        return None
    if answer is (op == "and"):
        return left

    def then(facts: Mapping[str, Any]) -> bool:
        left(facts)
        return answer

    return then


def _direct_equal(ir: list[Any]) -> _Direct | None:
    """A fact ``==`` or ``!=`` a text, boolean or number literal (`_equal`, `_not_equal`), or a size ``==`` a
    number (`_length_against_constant`)."""
    _, left, right = ir
    equal = ir[0] == "eq"
    if equal and _length_against_constant(ir, frozenset()) is not None:
        return _direct_order(ir)
    for fact, other in ((left, right), (right, left)):
        if not isinstance(other, list):
            continue
        name = _fact_name(fact, ("STRING", "BOOLEAN"))
        if name and other[:1] in (["str"], ["bool"]):
            return _text_equal(name, _value(other), equal)
        name = _fact_name(fact, ("FLOAT",))
        if name and other[:1] == ["float"]:
            return _number_equal(name, _value(other), equal)
    return None


def _text_equal(name: str, constant: Any, equal: bool) -> _Direct:
    kind = type(constant)
    if equal:
        return lambda facts: type(value := facts[name]) is kind and value == constant
    return lambda facts: type(value := facts[name]) is not kind or value != constant


def _number_equal(name: str, number: Decimal, equal: bool) -> _Direct:
    # An int is compared exactly as its Decimal; anything else is made the Decimal rule-engine makes.
    def number_equal(facts: Mapping[str, Any]) -> bool:
        value = facts[name]
        if type(value) is int:
            return value == number
        value = as_number(value)
        return type(value) is Decimal and bool(value == number)

    def number_not_equal(facts: Mapping[str, Any]) -> bool:
        value = facts[name]
        if type(value) is int:
            return value != number
        value = as_number(value)
        return type(value) is not Decimal or bool(value != number)

    return number_equal if equal else number_not_equal


def _direct_order(ir: list[Any]) -> _Direct | None:
    """A number fact against a number literal (`_number_against_constant`), or the size of a fact (or of its
    overlap with a constant set) against one (`_length_against_constant`)."""
    op = operator.eq if ir[0] == "eq" else _ORDER[ir[0]]
    number = _number_against_constant(ir, frozenset()) if ir[0] != "eq" else None
    if number is not None:
        name, constant, fact_left = number
        if fact_left:

            def fact_then_constant(facts: Mapping[str, Any]) -> bool:
                value = facts[name]
                if type(value) is int:
                    return op(value, constant)  # type: ignore[no-any-return]
                return bool(_ordered(op, as_number(value), constant))

            fact_then_constant.shape = ("order", name, op, constant)  # type: ignore[attr-defined]
            return fact_then_constant

        def constant_then_fact(facts: Mapping[str, Any]) -> bool:
            value = facts[name]
            if type(value) is int:
                return op(constant, value)  # type: ignore[no-any-return]
            return bool(_ordered(op, constant, as_number(value)))

        return constant_then_fact
    _, left, right = ir
    if not (isinstance(left, list) and left[:1] == ["length"] and isinstance(right, list) and right[:1] == ["float"]):
        return None
    limit = _value(right)
    target = left[1]
    name = _fact_name(target, ("SET", "STRING"))
    if name:

        def size(facts: Mapping[str, Any]) -> bool:
            value = facts[name]
            if value is None:
                raise EvaluationFailed("attribute access on a null value")
            return op(len(value), limit)  # type: ignore[no-any-return]

        return size
    if not (isinstance(target, list) and target[:1] in (["bwand"], ["bwor"], ["bwxor"])):
        return None
    combine = _SET_OPERATORS[target[0]]
    _, first, second = target
    name = _fact_name(first, ("SET",))
    if not name or not (_is_literal(second) and second[0] == "set"):
        return None
    members = _value(second)

    def overlap(facts: Mapping[str, Any]) -> bool:
        # `_set_operator`'s checks (the literal is a set), then `_length_of`'s (a set is never null).
        value = facts[name]
        if not isinstance(value, (set, frozenset)):
            raise _mismatch()
        return op(len(combine(value, members)), limit)  # type: ignore[no-any-return]

    return overlap


def _direct_contains(ir: list[Any]) -> _Direct | None:
    """A text fact in a constant collection, or a text literal in a fact (`_contains`)."""
    _, container, member = ir
    name = _fact_name(member, ("STRING",))
    if name and _is_literal(container) and container[0] in ("array", "set"):
        whole = _value(container)
        return lambda facts: facts[name] in whole
    name = _fact_name(container, ("SET", "STRING"))
    if name and isinstance(member, list) and member[:1] == ["str"]:
        part = _value(member)

        def fact_holds(facts: Mapping[str, Any]) -> bool:
            value = facts[name]
            if isinstance(value, (str, bytes)) and type(part) is not type(value):
                raise _mismatch()
            return part in value

        return fact_holds
    return None
