"""Rule expressions and explanation templates: compiled and checked once, when a pack is loaded.

Expressions are rule-engine expressions (a small, safe language: no ``eval``), compiled against a typed
context built from the facts, so a misspelt symbol or a type error fails at load time with rule-engine's own
suggestion. The symbols an expression reads are collected from its syntax tree at compile time: a rule whose
symbols are missing is ``unknown`` before it is ever evaluated, because rule-engine would otherwise raise (or,
worse, compare ``None`` and answer ``False``).

Explanation templates may use ``{symbol}`` placeholders and nothing else: no attribute access, no indexing,
no format specs, since a template is data written by rule authors and is rendered with input values.
"""

from __future__ import annotations

import dataclasses
import operator
import string
from dataclasses import dataclass
from typing import Any

import rule_engine
from rule_engine import ast as _ast

from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._facts import FACTS, format_value

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


def _symbols(node: Any, found: set[str], seen: set[int]) -> None:
    # rule-engine's AST has no visitor; walk the attributes of every node generically.
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, _ast.SymbolExpression):
        found.add(node.name)
    if isinstance(node, _ast.ExpressionBase):
        # Some node classes keep their children in __slots__, others in __dict__.
        names = set(getattr(node, "__dict__", {}))
        for cls in type(node).__mro__:
            names.update(getattr(cls, "__slots__", ()))
        for name in names:
            _symbols(getattr(node, name, None), found, seen)
    elif isinstance(node, (list, tuple, set, frozenset)):
        for value in node:
            _symbols(value, found, seen)


class Facts(dict[str, Any]):
    """The facts of one profile and idea, with a hashable copy for memoised answers (built once)."""

    __slots__ = ("frozen",)

    def __init__(self, values: dict[str, Any]) -> None:
        super().__init__(values)
        # rule-engine wants sets, but memo keys need hashable values: keep both.
        self.frozen = dict.fromkeys(FACTS)
        self.frozen.update((k, frozenset(v) if isinstance(v, set) else v) for k, v in values.items())


_CACHE_LIMIT = 65_536


def _key_getter(reads: tuple[str, ...]) -> Any:
    if not reads:
        return lambda values: ()
    if len(reads) == 1:
        (name,) = reads
        return lambda values: (values[name],)
    return operator.itemgetter(*reads)


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled expression, the facts it reads, and the answers it has already given.

    A condition is a pure function of the facts it reads, so its answers are memoised by their values: in a
    batch, a rule that reads only the idea (themes, partners) is evaluated once, not once per municipality.
    """

    text: str
    rule: rule_engine.Rule
    reads: tuple[str, ...]
    _key: Any = dataclasses.field(repr=False, compare=False)
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

    def _evaluate(self, facts: dict[str, Any]) -> bool:
        try:
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
    found: set[str] = set()
    _symbols(rule.statement.expression, found, set())
    # Comprehension variables show up as symbols too; only facts can be missing.
    reads = tuple(sorted(name for name in found if name in FACTS))
    if rule.statement.expression.result_type not in (rule_engine.DataType.BOOLEAN, rule_engine.DataType.UNDEFINED):
        raise ExpressionProblem(
            f"expression {text!r} gives a {rule.statement.expression.result_type.name}, not true/false"
        )
    return Condition(text, rule, reads, _key_getter(reads))


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
