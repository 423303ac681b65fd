"""Explanations written when first read are the texts the case's facts render, however a hit is read.

The engine leaves a hit's explanation `Unwritten` (the template and the values it shows) until something reads
it: the attribute, `model_dump`, JSON, equality, a copy, pickling. Each must give the very text rendering the
template with the case's facts gives, and the same whichever is read first.
"""

from __future__ import annotations

import copy
import pickle
from typing import Any

import pytest
from hypothesis import given, settings

import fundmatch
from fundmatch import _engine
from fundmatch._compiled import _UNVERIFIED
from fundmatch._evidence import _get_dict
from fundmatch._expressions import render
from fundmatch._facts import IdeaFacts
from fundmatch._ids import Outcome
from fundmatch._pack import compiled_funds, forget_answers
from fundmatch._report import MatchReport, RuleHit, Unwritten
from fundmatch.testing import municipalities, project_ideas

from .conftest import idea, profile


def _eager(rule: Any, outcome: Outcome, missing: list[str], facts: Any) -> str:
    """The explanation as the engine wrote it before it was deferred: rendered with the case's facts."""
    spec = rule.spec
    if outcome is Outcome.UNKNOWN:
        template = spec.undecided if not missing and spec.undecided else spec.unknown or None
    else:
        template = spec.pass_ if outcome is Outcome.PASS else spec.fail
    if template is None:
        text = f"Not decided yet ({_engine._lower_first(spec.title)}): {_engine._missing_text(missing)}"
    else:
        text = render(template, facts)
    return text + ("" if spec.verified else _UNVERIFIED)


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


def _unwritten_hits() -> list[RuleHit]:
    pack = fundmatch.load_rules()
    forget_answers(pack)
    report = pack.match(profile(population=3_000), idea())
    found = [h for r in report.ranking for h in r.hits if type(_get_dict(h)["explanation"]) is Unwritten]
    assert len(found) > 10  # a first match leaves most texts that show facts unwritten
    return found


_READS: dict[str, Any] = {
    "attribute": lambda hit: hit.explanation,
    "model_dump": lambda hit: hit.model_dump()["explanation"],
    "json": lambda hit: RuleHit.model_validate_json(hit.model_dump_json()).explanation,
    "equality": lambda hit, written: hit == RuleHit.model_validate(written.model_dump()) and hit.explanation,
    "copy": lambda hit: copy.copy(hit).__dict__["explanation"],
    "deepcopy": lambda hit: copy.deepcopy(hit).__dict__["explanation"],
    "model_copy": lambda hit: hit.model_copy(update={"weight": 1.0}).explanation,
    "pickle": lambda hit: pickle.loads(pickle.dumps(hit)).explanation,
    "repr": lambda hit: next(v for k, v in hit.__repr_args__() if k == "explanation"),
    "vars": lambda hit: vars(hit)["explanation"],
}


@pytest.mark.parametrize("way", sorted(_READS))
def test_every_way_of_reading_a_hit_writes_the_same_text(way: str) -> None:
    hits = _unwritten_hits()
    reference = [h.model_copy() for h in _unwritten_hits()]  # written by the copy
    for hit, written in zip(hits, reference, strict=True):
        read = _READS[way]
        text = read(hit, written) if way == "equality" else read(hit)
        assert isinstance(text, str) and type(text) is not Unwritten
        assert text == written.explanation
        assert type(_get_dict(hit)["explanation"]) is str  # written once, then kept
