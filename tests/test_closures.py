"""The compiled closures (fundmatch/_closures.py) answer exactly what rule-engine answers.

rule-engine parses and type-checks every expression; the closures only replace its evaluator. These tests
hold them to it: every shipped expression and fuzzed ones, with numbers on, just off and between the
thresholds, sets, texts, timezone-aware dates and missing (None) values, give the same answer, or both fail.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
from decimal import Decimal
from typing import Any

import pytest
import rule_engine
from hypothesis import given, settings
from hypothesis import strategies as st
from rule_engine import ast as re_ast

import fundmatch
from fundmatch._closures import EvaluationFailed
from fundmatch._expressions import Condition, compile_condition
from fundmatch._facts import BOOLEAN, DATETIME, FACTS, NUMBER, TEXT, TEXTS, Facts
from fundmatch._pack import compiled_funds
from fundmatch._parse import Unsupported, _nodes, lower

#: Shipped expressions that rule-engine evaluates because the closures do not know one of their nodes.
#: None today; a regular expression (=~, =~~) in a shipped rule would belong here, on purpose.
EXPECTED_FALLBACKS: set[str] = set()


def _shipped_conditions() -> list[Condition]:
    found: dict[str, Condition] = {}
    for fund in compiled_funds(fundmatch.load_rules()).values():
        conditions = [rule.condition for rule in fund.rules]
        conditions += [p.condition for rule in fund.rules for p in rule.priors if p.condition is not None]
        conditions += [rate.condition for rate in fund.rates if rate.condition is not None]
        conditions += [step.condition for step in fund.next_steps if step.condition is not None]
        found.update((c.text, c) for c in conditions)
    return sorted(found.values(), key=lambda c: c.text)


SHIPPED = _shipped_conditions()


def test_shipped_expressions_that_fall_back_to_rule_engine() -> None:
    assert SHIPPED, "the shipped pack has no expressions"
    fallbacks = {c.text for c in SHIPPED if c.closure is None}
    assert fallbacks == EXPECTED_FALLBACKS


@pytest.mark.parametrize(
    "text",
    [
        "name =~ 'Alt.*'",  # regular expressions stay with rule-engine (their hardening is elsewhere)
        "name =~~ 'alt'",
        "population * 2 <= 10",  # arithmetic: not compiled
        "population > $pi",  # built-in symbols: not compiled ($now and $random are refused at load)
        "(population | 3) > 1",  # bitwise arithmetic on numbers
        "themes.to_ary.length > 0",  # attributes other than .length
    ],
)
def test_nodes_the_closures_do_not_know_fall_back(text: str) -> None:
    condition = compile_condition(text)
    assert condition.closure is None
    with pytest.raises(Unsupported):
        lower(condition.rule.statement.expression)


# --- facts -------------------------------------------------------------------------------------------------


@functools.cache
def _compiled(text: str) -> Condition:
    # Fuzzed expressions test the evaluators, not the packs: a literal no fact can have ('x' in themes) is
    # refused by `compile_condition` (`_check_literals`) but is still an expression both must agree on.
    from fundmatch._expressions import _condition
    from fundmatch._parse import analyse

    rule, record = analyse(text)
    return _condition(text, record, rule)


def _literals(text: str, kind: type) -> set[Any]:
    condition = _compiled(text)
    literal = re_ast.FloatExpression if kind is Decimal else re_ast.StringExpression
    return {n.value for n in _nodes(condition.rule.statement.expression, set()) if isinstance(n, literal)}


def _near(limits: set[Decimal]) -> list[int | float]:
    """Numbers on, just off and between the limits, as ints and as floats (how facts arrive)."""
    ordered = sorted(limits)
    values: list[int | float] = []
    for limit in ordered:
        as_float = float(limit)
        values += [as_float, math.nextafter(as_float, math.inf), math.nextafter(as_float, -math.inf)]
        values += [as_float + 1, as_float - 1, as_float + 1e-9]
        if limit == limit.to_integral_value():
            values += [int(limit), int(limit) + 1, int(limit) - 1]
    values += [(float(a) + float(b)) / 2 for a, b in itertools.pairwise(ordered)]
    return values


_ALL_NUMBERS = {v for c in SHIPPED for v in _literals(c.text, Decimal)}
_ALL_WORDS = sorted({v for c in SHIPPED for v in _literals(c.text, str)} | {"other", ""})
_UTC, _PLUS2, _MINUS5 = dt.UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-5))
_DATES = [
    dt.datetime(2029, 12, 31, tzinfo=_UTC),
    dt.datetime(2029, 12, 31, 0, 0, 0, 1, tzinfo=_UTC),
    dt.datetime(2029, 12, 30, 23, 59, 59, 999999, tzinfo=_UTC),
    dt.datetime(2029, 12, 31, 1, 0, tzinfo=_PLUS2),  # 23:00 the day before in UTC
    dt.datetime(2029, 12, 30, 20, 0, tzinfo=_MINUS5),  # 01:00 on the 31st in UTC
    dt.datetime(2030, 1, 1, tzinfo=_UTC),
]


def _value(kind: Any, numbers: list[int | float], own: set[str], words: list[str]) -> st.SearchStrategy[Any]:
    own_words = st.sampled_from(sorted(own)) if own else st.sampled_from(words)
    if kind == NUMBER:
        special = st.sampled_from([0, 0.0, -0.0, math.inf, -math.inf, math.nan])
        # The expression's own thresholds first: that is where a wrong conversion or comparison shows.
        own = st.sampled_from(numbers) if numbers else special
        everywhere = st.sampled_from(_near(_ALL_NUMBERS))
        return own | own | everywhere | st.integers(-10, 300_000) | st.floats(-1e6, 1e6) | special
    if kind == BOOLEAN:
        return st.booleans()
    if kind == TEXT:
        return own_words | own_words | st.sampled_from(words) | st.text(max_size=3)
    if kind == DATETIME:
        aware = st.datetimes(
            min_value=dt.datetime(2029, 12, 29), max_value=dt.datetime(2030, 1, 2), timezones=st.just(_UTC)
        )
        return st.sampled_from(_DATES) | aware
    # Sets that overlap the expression's own texts, partly or wholly, and sets of any of the shipped words.
    return st.sets(own_words, max_size=4) | st.sets(own_words | st.sampled_from(words), min_size=3, max_size=8)


def _facts(draw: st.DrawFn, text: str) -> Facts:
    numbers = _near(_literals(text, Decimal))
    own = _literals(text, str)
    words = sorted(own | set(_ALL_WORDS))
    values = {}
    for name, fact in FACTS.items():
        # Missing values too: the engine never evaluates with them, but both evaluators must still agree.
        values[name] = draw(st.none() | _value(fact.type, numbers, own, words) | _value(fact.type, numbers, own, words))
    return Facts(values)


# --- the property ------------------------------------------------------------------------------------------


def _answer(run: Any, facts: Facts) -> Any:
    try:
        return bool(run(facts))
    except (rule_engine.EngineError, EvaluationFailed, ArithmeticError, TypeError, ValueError):
        return "fails"


def _agree(text: str, facts: Facts) -> None:
    condition = _compiled(text)
    assert condition.closure is not None, text
    assert _answer(condition.closure, facts) == _answer(condition.rule.matches, facts), (text, dict(facts))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_closures_agree_with_rule_engine_on_every_shipped_expression(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([c.text for c in SHIPPED if c.closure is not None]))
    _agree(text, data.draw(st.composite(lambda draw: _facts(draw, text))()))


_BY_TYPE = {
    kind: sorted(name for name, fact in FACTS.items() if fact.type == kind)
    for kind in (NUMBER, TEXT, BOOLEAN, DATETIME, TEXTS)
}
_COMPARE = ["<", "<=", ">", ">=", "==", "!="]
_NUMBER_LITERALS = ["0", "1", "2", "3", "0.5", "0.02", "0.2", "2.5", "10000", "150000", "300000", "-1"]
_DATE_LITERALS = ["d'2029-12-31'", "d'2029-12-31T12:00:00+02:00'", "d'2030-01-01T00:00:00Z'"]


@st.composite
def _words(draw: st.DrawFn) -> str:
    chosen = draw(st.lists(st.sampled_from(_ALL_WORDS[:40]), min_size=1, max_size=4, unique=True))
    return ", ".join(f"'{w}'" for w in chosen)


@st.composite
def _atom(draw: st.DrawFn) -> str:
    number = st.sampled_from(_BY_TYPE[NUMBER])
    texts = st.sampled_from(_BY_TYPE[TEXT])
    flags = st.sampled_from(_BY_TYPE[BOOLEAN])
    sets = st.sampled_from(_BY_TYPE[TEXTS])
    op = draw(st.sampled_from(_COMPARE))
    kind = draw(st.integers(0, 14))
    if kind == 0:
        return f"{draw(number)} {op} {draw(st.sampled_from(_NUMBER_LITERALS))}"
    if kind == 1:
        return f"{draw(st.sampled_from(_NUMBER_LITERALS))} {op} {draw(number)}"
    if kind == 2:
        return f"{draw(number)} {op} {draw(number)}"
    if kind == 3:
        return f"{draw(flags)}" if draw(st.booleans()) else f"not {draw(flags)}"
    if kind == 4:
        return f"{draw(texts)} {draw(st.sampled_from(['==', '!=']))} '{draw(st.sampled_from(_ALL_WORDS))}'"
    if kind == 5:
        return f"{draw(texts)} {draw(st.sampled_from(['in', 'not in']))} [{draw(_words())}]"
    if kind == 6:
        return f"'{draw(st.sampled_from(_ALL_WORDS))}' {draw(st.sampled_from(['in', 'not in']))} {draw(sets)}"
    if kind == 7:
        set_op = draw(st.sampled_from(["&", "|", "^"]))
        return f"({draw(sets)} {set_op} {{{draw(_words())}}}).length {op} {draw(st.sampled_from(['0', '1', '2']))}"
    if kind == 8:
        return f"({draw(sets)} & {draw(sets)}).length {op} {draw(st.sampled_from(['0', '1']))}"
    if kind == 9:
        source = draw(sets)
        test = draw(st.sampled_from(["not in", "in"]))
        return f"[a for a in {source} if a {test} [{draw(_words())}]].length {op} {draw(st.sampled_from(['0', '1']))}"
    if kind == 10:
        return f"planned_end {op} {draw(st.sampled_from(_DATE_LITERALS))}"
    if kind == 11:
        field = draw(st.sampled_from([*_BY_TYPE[NUMBER][:4], *_BY_TYPE[TEXT][:4]]))
        return f"{field} {draw(st.sampled_from(['==', '!=']))} null"
    if kind == 12:
        numbers = ", ".join(draw(st.lists(st.sampled_from(_NUMBER_LITERALS), min_size=1, max_size=3)))
        return f"{draw(number)} {draw(st.sampled_from(['in', 'not in']))} [{numbers}]"
    if kind == 13:
        return f"({{{draw(_words())}}} {draw(st.sampled_from(['&', '|']))} {draw(sets)}).length {op} 1"
    return f"{draw(sets)}.length {op} {draw(st.sampled_from(['0', '1', '3', '4', '5', '6']))}"


@st.composite
def _expression(draw: st.DrawFn, depth: int = 2) -> str:
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(_atom())
    left, right = draw(_expression(depth - 1)), draw(_expression(depth - 1))
    joined = f"({left}) {draw(st.sampled_from(['and', 'or']))} ({right})"
    return f"not ({joined})" if draw(st.integers(0, 4)) == 0 else joined


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_closures_agree_with_rule_engine_on_fuzzed_expressions(data: st.DataObject) -> None:
    text = data.draw(_expression())
    _agree(text, data.draw(st.composite(lambda draw: _facts(draw, text))()))


@pytest.mark.parametrize(
    ("text", "value", "expected"),
    [
        # rule-engine turns a float into a Decimal through repr: 0.3 is exactly 0.3, not its binary value.
        ("eu_project_staff_fte >= 0.3", 0.3, True),
        ("eu_project_staff_fte <= 0.3", 0.1 + 0.2, False),
        ("eu_project_staff_fte == 0.5", 0.5, True),
        ("eu_project_staff_fte > 0.5", math.nextafter(0.5, 1), True),
    ],
)
def test_numbers_are_compared_as_rule_engine_compares_them(text: str, value: float, expected: bool) -> None:
    facts = Facts(dict.fromkeys(FACTS) | {"eu_project_staff_fte": value})
    condition = compile_condition(text)
    assert condition.closure is not None
    assert condition.closure(facts) is expected
    assert condition.rule.matches(facts) is expected


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_closures_agree_with_rule_engine_on_set_sizes(data: st.DataObject) -> None:
    # Sizes on, just off and around the .length literal, for a set fact and a set expression.
    sets = st.sampled_from(_BY_TYPE[TEXTS])
    length = data.draw(st.integers(0, 7))
    op = data.draw(st.sampled_from(_COMPARE))
    if data.draw(st.booleans()):
        text = f"{data.draw(sets)}.length {op} {length}"
    else:
        text = f"({data.draw(sets)} {data.draw(st.sampled_from(['&', '|', '^']))} {{{data.draw(_words())}}}).length {op} {length}"
    _agree(text, data.draw(st.composite(lambda draw: _facts(draw, text))()))


_PLAIN_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.decimals(allow_nan=False)
    | st.text(max_size=4)
    | st.dates()
    | st.datetimes(timezones=st.none() | st.just(dt.UTC)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.tuples(inner, inner) | st.dictionaries(st.text(max_size=2), inner, max_size=2)
    ),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(_PLAIN_VALUES)
def test_values_are_converted_as_rule_engine_converts_them(value: Any) -> None:
    # The closures (and the memo's intervals) convert without importing rule-engine: the same conversion.
    from rule_engine.types import coerce_value

    from fundmatch._closures import coerce

    ours, theirs = coerce(value), coerce_value(value, verify_type=False)
    assert ours == theirs and type(ours) is type(theirs)


# --- specialised on an idea ----------------------------------------------------------------------------------
# A summary batch decides the idea's side of a condition once (`fundmatch._closures.specialise`): on any facts
# that agree with the known ones, the specialised closure must give what the whole closure gives, or fail as it
# fails; where the known facts decide the answer, that answer.


def _specialised_agree(text: str, facts: Facts, known_names: set[str]) -> None:
    from fundmatch._closures import specialise

    condition = _compiled(text)
    assert condition.closure is not None, text
    known = {name: facts[name] for name in known_names}
    fixed, run = specialise(condition.closure, known)
    whole = _answer(condition.closure, facts)
    if fixed is not None:
        # Decided by the known facts: the whole closure gives that answer (it cannot fail on the rest).
        assert whole == fixed, (text, dict(facts), known)
    else:
        assert _answer(run, facts) == whole, (text, dict(facts), known)


def _known(draw: st.DrawFn, text: str) -> set[str]:
    reads = sorted(_compiled(text).reads)
    return set(draw(st.lists(st.sampled_from(reads), unique=True))) if reads else set()


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_specialised_closures_agree_on_every_shipped_expression(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from([c.text for c in SHIPPED if c.closure is not None]))
    facts = data.draw(st.composite(lambda draw: _facts(draw, text))())
    _specialised_agree(text, facts, data.draw(st.composite(lambda draw: _known(draw, text))()))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_specialised_closures_agree_on_fuzzed_expressions(data: st.DataObject) -> None:
    text = data.draw(_expression())
    facts = data.draw(st.composite(lambda draw: _facts(draw, text))())
    _specialised_agree(text, facts, data.draw(st.composite(lambda draw: _known(draw, text))()))


@pytest.mark.parametrize(
    ("text", "known", "fixed", "left"),
    [
        # The idea's side decides: a false left side of `and` ends it, a true one leaves the right side.
        ("'digital' in themes and degurba == 3", {"themes": {"culture_sport"}}, False, None),
        ("'digital' in themes and degurba == 3", {"themes": {"digital"}}, None, ("degurba", 3, True)),
        # A false right side of `and` is the answer once the left side is evaluated (it may fail there).
        ("degurba == 3 and 'digital' in themes", {"themes": {"culture_sport"}}, None, ("degurba", 3, False)),
        ("degurba == 3 or 'digital' in themes", {"themes": {"digital"}}, None, ("degurba", 2, True)),
        ("not ('digital' in themes) or degurba == 3", {"themes": {"culture_sport"}}, True, None),
    ],
)
def test_specialised_closures_decide_what_the_idea_decides(
    text: str, known: dict[str, Any], fixed: bool | None, left: tuple[str, Any, bool] | None
) -> None:
    from fundmatch._closures import specialise

    condition = compile_condition(text)
    assert condition.closure is not None
    found, run = specialise(condition.closure, known)
    assert found is fixed
    if left is not None:
        name, value, expected = left
        facts = dict.fromkeys(FACTS) | known | {name: value}
        assert run(facts) is expected
        assert condition.closure(facts) is expected


# --- three-valued, for missing facts ---------------------------------------------------------------------------
# A rule reading a missing fact is left open only where that fact can change its answer
# (`fundmatch._closures.three_valued`): whatever answer it gives, the whole closure gives on every completion of
# the missing facts (or fails there, as a closure may on odd values); with nothing missing it is the answer.


def _three_valued_sound(data: st.DataObject, text: str) -> None:
    from fundmatch._closures import three_valued

    condition = _compiled(text)
    assert condition.closure is not None, text
    facts = data.draw(st.composite(lambda draw: _facts(draw, text))())
    missing = {n for n in condition.reads if facts[n] is None} | data.draw(
        st.composite(lambda draw: _known(draw, text))()
    )
    decided = three_valued(condition.closure, facts, missing)
    if not missing:
        # With every fact known it is the answer (never used so: the engine evaluates then); where the closure
        # fails on a side that three-valued logic does not need, it may still answer.
        answer = _answer(condition.closure, facts)
        assert answer == "fails" or decided in (answer, None), (text, dict(facts))
        return
    if decided is None:
        return
    for _ in range(4):
        filled = data.draw(st.composite(lambda draw: _facts(draw, text))())
        completed = Facts(dict(facts) | {n: filled[n] for n in missing})
        assert _answer(condition.closure, completed) in (decided, "fails"), (text, dict(completed), missing)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_three_valued_answers_hold_for_every_value_of_the_missing_facts_shipped(data: st.DataObject) -> None:
    _three_valued_sound(data, data.draw(st.sampled_from([c.text for c in SHIPPED if c.closure is not None])))


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_three_valued_answers_hold_for_every_value_of_the_missing_facts_fuzzed(data: st.DataObject) -> None:
    _three_valued_sound(data, data.draw(_expression()))


@pytest.mark.parametrize(
    ("text", "known", "expected"),
    [
        # Either order: a false side of `and`, a true side of `or` decides without the missing fact.
        ("degurba == 3 and 'digital' in themes", {"themes": {"culture_sport"}}, False),
        ("'digital' in themes and degurba == 3", {"themes": {"culture_sport"}}, False),
        ("degurba == 3 or 'rural_development' in themes", {"themes": {"rural_development"}}, True),
        ("not (degurba == 3 or 'rural_development' in themes)", {"themes": {"rural_development"}}, False),
        # The missing fact matters: open.
        ("degurba == 3 and 'digital' in themes", {"themes": {"digital"}}, None),
        ("degurba == 3 or (degurba == 2 and population < 20000)", {"population": 30000}, None),
        ("degurba == 3 or (degurba == 2 and population < 20000)", {"degurba": 1}, False),
    ],
)
def test_three_valued_decides_only_what_the_known_facts_decide(
    text: str, known: dict[str, Any], expected: bool | None
) -> None:
    from fundmatch._closures import three_valued

    condition = compile_condition(text)
    facts = Facts(dict.fromkeys(FACTS) | known)
    missing = [n for n in condition.reads if facts[n] is None]
    assert three_valued(condition.closure, facts, missing) is expected
    assert condition.decide(facts) == (missing if expected is None else expected)


# An open rule names only the missing facts that can still change it (the officer is asked for those alone):
# once they are known, whatever their values, the rule is decided, the facts it did not name still missing.


def _named_facts_settle_it(data: st.DataObject, text: str) -> None:
    from fundmatch._closures import decided_or_missing, three_valued

    condition = _compiled(text)
    assert condition.closure is not None, text
    facts = data.draw(st.composite(lambda draw: _facts(draw, text))())
    found = condition._key(facts.frozen)
    if None not in found:
        return
    named = decided_or_missing(condition.closure, facts, condition.reads, found)
    if isinstance(named, bool):
        return
    missing = [n for n, value in zip(condition.reads, found, strict=True) if value is None]
    assert named and named == [n for n in missing if n in named], (text, dict(facts), named)
    unnamed = set(missing) - set(named)
    for _ in range(4):
        filled = data.draw(st.composite(lambda draw: _facts(draw, text))())
        if any(filled[n] is None for n in missing):
            continue
        completed = Facts(dict(facts) | {n: filled[n] for n in named})
        whole = Facts(dict(facts) | {n: filled[n] for n in missing})
        answer = _answer(condition.closure, whole)
        if answer == "fails":
            continue
        assert three_valued(condition.closure, completed, unnamed) is answer, (text, dict(whole), named)


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_an_open_rule_names_only_the_missing_facts_that_can_change_it(data: st.DataObject) -> None:
    # Shipped expressions and fuzzed ones alike.
    shipped = st.sampled_from([c.text for c in SHIPPED if c.closure is not None])
    _named_facts_settle_it(data, data.draw(shipped | _expression()))


def test_a_rural_area_does_not_wait_for_the_themes() -> None:
    text = "(degurba == 3 or 'rural_development' in themes) and (activities & {'construction'}).length > 0"
    condition = compile_condition(text)
    rural = Facts(dict.fromkeys(FACTS) | {"degurba": 3})
    assert condition.decide(rural) == ["activities"]
    assert sorted(condition.decide(Facts(dict.fromkeys(FACTS)))) == ["activities", "degurba", "themes"]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_the_tabled_missing_facts_decide_as_the_three_valued_evaluation(data: st.DataObject) -> None:
    # A row program looks the sets of missing facts up in a table made before its first row (`when_missing`).
    from fundmatch._closures import decided_or_missing, when_missing

    text = data.draw(st.sampled_from([c.text for c in SHIPPED if c.closure is not None]) | _expression())
    condition = _compiled(text)
    facts = data.draw(st.composite(lambda draw: _facts(draw, text))())
    found = condition._key(facts.frozen)
    if None not in found:
        return
    tabled = when_missing(condition.closure, condition.reads)(facts, found)
    direct = decided_or_missing(condition.closure, facts, condition.reads, found)
    assert (tabled if isinstance(tabled, bool) else list(tabled)) == direct, (text, dict(facts))
