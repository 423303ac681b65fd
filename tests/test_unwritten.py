"""Explanations (and reasons) written when first read are the texts the case gives, however they are read.

The engine leaves a hit's explanation `Unwritten` (the template and the values it shows), and a fund's reason
(its status, hits and routes), until something reads it: the attribute, `model_dump`, JSON, equality, a copy,
pickling. Each must give the very text rendering the template with the case's facts gives, and the same
whichever is read first.
"""

from __future__ import annotations

import copy
import pickle
import re
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings

import fundmatch
from fundmatch import _engine
from fundmatch._compiled import _UNVERIFIED
from fundmatch._evidence import ReadOnlyList, _get_dict
from fundmatch._expressions import render
from fundmatch._facts import FACTS, IdeaFacts
from fundmatch._ids import Outcome
from fundmatch._pack import compiled_funds, forget_answers
from fundmatch._report import MatchReport, Unwritten
from fundmatch.testing import municipalities, project_ideas

from .conftest import idea, profile
from .test_summary_paths import _no_memo


def _eager(rule: Any, outcome: Outcome, missing: list[str], facts: Any) -> str:
    """The explanation as the engine wrote it before it was deferred: rendered with the case's facts."""
    spec = rule.spec
    if outcome is Outcome.UNKNOWN:
        template = spec.undecided if not missing and spec.undecided else spec.unknown or None
    else:
        template = spec.pass_ if outcome is Outcome.PASS else spec.fail
    if template is None:
        text = f"Not decided yet ({_engine._lower_first(spec.title)}): {_engine._missing_text(missing)}"
    elif outcome is Outcome.PASS:
        shown = dict(facts)
        for name in FACTS:
            named = _named_in(rule.condition.text, name)
            value = shown.get(name)
            if named and isinstance(value, frozenset | set | tuple | list):
                passing = [v for v in value if v in named]
                if passing and len(passing) < len(value):
                    shown[name] = type(value)(passing)
        text = render(template, shown)
    else:
        text = render(template, facts)
    return text + ("" if spec.verified else _UNVERIFIED)


def _named_in(condition: str, fact: str) -> set[str]:
    """The literals a condition's text tests the set fact ``fact`` against (read from the text, not the engine's
    form): ``'x' in fact``, ``fact & {'a', 'b'}``, ``{'a'} <= fact``."""
    if re.search(rf"\bfor\s+\w+\s+in\s+{fact}\b", condition):
        return set()  # a comprehension tests it member by member: shown whole
    named = set(re.findall(rf"'([^']+)' in {fact}\b", condition))
    for m in re.finditer(r"\{([^{}]*)\}", condition):
        before, after = condition[: m.start()], condition[m.end() :]
        if re.search(rf"\b{fact}\s*[&|^<>=!]+\s*$", before) or re.match(rf"\s*[&|^<>=!]+\s*{fact}\b", after):
            named |= set(re.findall(r"'([^']+)'", m.group(1)))
    return named


def _expected(pack: fundmatch.RulePack, report: MatchReport) -> dict[tuple[str, str], str]:
    facts, _ = pack._facts(report.municipality, IdeaFacts(report.idea))
    texts = {}
    for result in report.ranking:
        fund = compiled_funds(pack)[result.fund]
        fund_facts = facts.for_fund(fund.fund)
        decided = _engine._decide_whole(fund, fund_facts)
        for rule, outcome, missing in decided.found:
            texts[(result.fund, rule.spec.id)] = _eager(rule, outcome, missing, fund_facts)
    return texts


@settings(max_examples=40, deadline=None)
@given(municipalities(), project_ideas())
def test_written_explanations_are_the_case_s_rendered_texts(one: fundmatch.Municipality, one_idea: Any) -> None:
    pack = fundmatch.load_rules()
    forget_answers(pack)
    dumped = pack.match(one, one_idea)
    as_json = dumped.model_dump_json()  # written by the serialiser, before any attribute is read
    forget_answers(pack)
    read = pack.match(one, one_idea)
    expected = _expected(pack, read)
    for result in read.ranking:
        for hit in result.hits:
            assert hit.explanation == expected[(result.fund, hit.rule_id)]
    assert read.model_dump_json() == as_json
    assert MatchReport.model_validate_json(as_json) == read == dumped


def _unwritten() -> list[tuple[Any, str]]:
    """The hits and results of a first match whose explanation or reason is not written yet, with the field."""
    pack = fundmatch.load_rules()
    forget_answers(pack)
    report = pack.match(profile(population=3_000), idea())
    found = [(r, "reason") for r in report.ranking if type(_get_dict(r)["reason"]) is Unwritten]
    found += [
        (h, "explanation") for r in report.ranking for h in r.hits if type(_get_dict(h)["explanation"]) is Unwritten
    ]
    assert len(found) > 10  # a first match leaves most texts that show facts unwritten
    assert {field for _, field in found} == {"reason", "explanation"}
    return found


_READS: dict[str, Any] = {
    "attribute": lambda m, field, written: getattr(m, field),
    "model_dump": lambda m, field, written: m.model_dump()[field],
    "json": lambda m, field, written: getattr(type(m).model_validate_json(m.model_dump_json()), field),
    "equality": lambda m, field, written: m == type(m).model_validate(written.model_dump()) and getattr(m, field),
    "copy": lambda m, field, written: copy.copy(m).__dict__[field],
    "deepcopy": lambda m, field, written: copy.deepcopy(m).__dict__[field],
    "model_copy": lambda m, field, written: getattr(m.model_copy(update={"likelihood": 0.5}), field),
    "pickle": lambda m, field, written: getattr(pickle.loads(pickle.dumps(m)), field),
    "repr": lambda m, field, written: next(v for k, v in m.__repr_args__() if k == field),
    "vars": lambda m, field, written: vars(m)[field],
}


@pytest.mark.parametrize("way", sorted(_READS))
def test_every_way_of_reading_a_text_writes_the_same_text(way: str) -> None:
    models = _unwritten()
    reference = [m.model_copy() for m, _ in _unwritten()]  # written by the copy
    for (model, field), written in zip(models, reference, strict=True):
        text = _READS[way](model, field, written)
        assert isinstance(text, str) and type(text) is not Unwritten
        assert text == getattr(written, field)
        assert type(_get_dict(model)[field]) is str  # written once, then kept


def test_a_fund_s_reason_is_written_from_its_own_hits_and_routes() -> None:
    pack = fundmatch.load_rules()
    for population in (300, 3_000, 30_000, 300_000):
        forget_answers(pack)
        report = pack.match(profile(population=population, leader_lag=None), idea())
        for result in report.ranking:
            assert result.reason == _engine._reason(result.status, list(result.hits), list(result.routes))


@pytest.fixture
def memo_off() -> Iterator[None]:
    """Every memo of the engine disabled, as for a truly cold single match (`bench/run.py`)."""
    with _no_memo():
        yield


def _as_data(value: Any) -> Any:
    """Questions as `model_dump` gives them (a text as it is), so that every way of reading compares alike."""
    return [q if isinstance(q, dict) else q.model_dump() for q in value] if isinstance(value, list) else value


_REPORT_READS = {way: read for way, read in _READS.items() if way not in ("model_copy", "repr")}
_REPORT_READS["model_copy"] = lambda m, field, written: getattr(m.model_copy(update={"notes": ["copied"]}), field)


@pytest.mark.parametrize("way", sorted(_REPORT_READS))
def test_a_single_match_s_comparison_and_questions_are_made_when_read(way: str, memo_off: None) -> None:
    from fundmatch._pack import _questions
    from fundmatch._ranking import compare

    pack = fundmatch.load_rules()
    for population in (300, 3_000, 30_000, 300_000):
        report = pack.match(profile(population=population, leader_lag=None), idea())
        # Nothing keeps a memo-off report's parts: both are left to be made, of the results the report holds.
        assert type(_get_dict(report)["comparison"]) is Unwritten
        assert type(_get_dict(report)["questions"]) is Unwritten
        again = pack.match(profile(population=population, leader_lag=None), idea())
        expected = {
            "comparison": compare(again.ranking[0], again.ranking[1]),
            "questions": list(_questions(list(again.ranking))),
        }
        for field, value in expected.items():
            read = _REPORT_READS[way](report, field, again)
            assert _as_data(read) == _as_data(value)
            assert type(_get_dict(report)[field]) is not Unwritten  # made once, then kept
        assert report.model_dump_json() == again.model_dump_json()
        assert type(report.questions) is ReadOnlyList


def test_a_kept_match_makes_its_comparison_and_questions_at_once() -> None:
    pack = fundmatch.load_rules()
    forget_answers(pack)
    report = pack.match(profile(population=3_000), idea())
    # Kept reports share these parts (the same objects for equal cases): made when the first is.
    assert type(_get_dict(report)["comparison"]) is str
    assert type(_get_dict(report)["questions"]) is ReadOnlyList
