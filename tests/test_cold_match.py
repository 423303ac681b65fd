"""A truly cold single match (every memo off) gives the report a pack that remembers gives, to the byte.

The cold path differs from the remembering one where nothing is kept: rules are decided whole from their
load-time steps, the comparison and the merged questions are made when read, and the hits of unknown outcomes
that are the same for every case come from the tables made when the pack is loaded. These properties compare
the JSON of both reports on random municipalities and ideas, and the load-time hits with hits made per case.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings

import fundmatch
from fundmatch import _engine
from fundmatch._pack import compiled_funds, forget_answers
from fundmatch._resources import period_folder
from fundmatch.testing import municipalities, project_ideas

from .test_summary_paths import _no_memo


@contextlib.contextmanager
def _no_load_time_unknowns(pack: fundmatch.RulePack) -> Iterator[int]:
    """The pack's load-time hits of unknown outcomes set aside (every hit made per case); yields how many."""
    saved = {id(rule): (rule, dict(rule._unknown)) for fund in compiled_funds(pack).values() for rule in fund.rules}
    for rule, _ in saved.values():
        rule._unknown.clear()
    try:
        yield sum(len(kept) for _, kept in saved.values())
    finally:
        for rule, kept in saved.values():
            rule._unknown.update(kept)


@settings(max_examples=60, deadline=None)
@given(municipalities(), project_ideas())
def test_a_cold_match_gives_the_remembering_pack_s_report(
    municipality: fundmatch.Municipality, idea: fundmatch.ProjectIdea
) -> None:
    pack = fundmatch.load_rules()
    forget_answers(pack)
    remembered = pack.match(municipality, idea)
    with _no_memo():
        cold = pack.match(municipality, idea)
        assert cold.model_dump_json() == remembered.model_dump_json()
        # Read in another order: the parts made when read first, then the whole.
        assert (cold.comparison, cold.questions) == (remembered.comparison, remembered.questions)
        assert cold == remembered


@settings(max_examples=60, deadline=None)
@given(municipalities(), project_ideas())
def test_load_time_hits_of_unknown_outcomes_are_the_hits_a_case_makes(
    municipality: fundmatch.Municipality, idea: fundmatch.ProjectIdea
) -> None:
    pack = fundmatch.load_rules()
    with _no_memo():
        report = pack.match(municipality, idea)
        with _no_load_time_unknowns(pack) as kept:
            made = pack.match(municipality, idea)
    assert kept > 0  # the shipped packs have such rules
    assert report.model_dump_json() == made.model_dump_json()
    assert report == made


def test_load_time_hits_of_unknown_outcomes_are_shared_by_cases() -> None:
    pack = fundmatch.load_rules()
    with _no_memo():
        one = pack.match({"name": "A", "country": "AT", "population": 900}, {"title": "A language café"})
        two = pack.match({"name": "B", "country": "SE", "population": 90_000}, {"title": "A language café"})
    tables = {
        id(hit) for fund in compiled_funds(pack).values() for rule in fund.rules for hit in rule._unknown.values()
    }
    # Both cases miss the same inputs of these rules: each gets the very hit made at load, not a copy.
    first = [h for r in one.ranking for h in r.hits if id(h) in tables]
    second = [h for r in two.ranking for h in r.hits if id(h) in tables]
    assert first and {id(h) for h in first} & {id(h) for h in second}
    assert all(_engine.Outcome.UNKNOWN is h.outcome and h.missing for h in first)


@pytest.mark.parametrize("confirmed", [None, ["ERDF"], []])
def test_a_common_rule_deciding_a_route_in_one_fund_only_says_so_in_that_fund(
    tmp_path: Path, confirmed: list[str] | None
) -> None:
    # `programme_covers_operation` (common.yaml) is one compiled rule in AMIF, ESF+ and ERDF; here only ERDF's
    # programme call requires it, so only ERDF's hit names that route, whatever the outcome, memos on or off.
    folder = tmp_path / "rules"
    shutil.copytree(period_folder("2021-2027"), folder)
    shutil.rmtree(folder / "tests", ignore_errors=True)
    erdf = folder / "erdf.yaml"
    head, tail = erdf.read_text(encoding="utf-8").split("  - id: programme_call\n", 1)
    name_line, rest = tail.split("\n", 1)
    requires = "    requires: [programme_covers_operation]\n"
    erdf.write_text(head + "  - id: programme_call\n" + name_line + "\n" + requires + rest, encoding="utf-8")
    idea = {
        "title": "Integration course",
        "description": "Language courses and counselling for refugees and migrants in our town.",
        "themes": ["migrant_integration"],
        "programme_confirmed": confirmed,
    }
    profile = {"name": "X", "country": "DE", "population": 4000, "degurba": 3}
    pack = fundmatch.load_rules(path=folder)
    reports = [pack.match(profile, idea)]
    with _no_memo():
        reports.append(fundmatch.load_rules(path=folder).match(profile, idea))
    for report in reports:
        routes = {
            result.fund: hit.route
            for result in report.ranking
            for hit in result.hits
            if hit.rule_id == "programme_covers_operation"
        }
        assert routes == {"AMIF": None, "ESF+": None, "ERDF": "programme_call"}
