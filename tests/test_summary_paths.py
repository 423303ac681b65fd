"""The fast summary of a batch is the summary its full reports give, with every memo on or off.

A summary batch keeps whole rankings by the pack's row key, computed from the validated profile without its
facts (`fundmatch._facts.RowKeys`), and decides a fund only for a key it has not seen. These properties
compare every field of every fund's summary with what the full, explained reports of the same rows say, and
with a pack that remembers nothing, on random municipalities (values missing, numbers on, just off and between
the packs' limits, rows repeated so that later ones are answered from the kept rankings) and random ideas.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import fundmatch
from fundmatch import _engine
from fundmatch import _pack as pack_module
from fundmatch._countries import ISO_COUNTRIES, to_iso
from fundmatch._facts import FACTS, IdeaFacts, RowKeys
from fundmatch._interreg_areas import InterregAreas, Programme
from fundmatch._ranking import rank_key
from fundmatch._resources import period_folder
from fundmatch.testing import municipalities, project_ideas

from .test_specialised import _near_limits, _pack, _valid, _whole

_ROW_NUMBERS = ("population", "degurba", "eu_project_staff_fte", "third_country_national_share")


@contextlib.contextmanager
def _no_memo() -> Iterator[None]:
    """Every memo of the engine off, as the benchmark switches them off (`bench/run.py` ``MEMO_LIMITS``)."""
    saved = (_engine._SUMMARY_LIMIT, _engine._HIT_LIMIT, pack_module._RANKINGS_LIMIT)
    _engine._SUMMARY_LIMIT = _engine._HIT_LIMIT = pack_module._RANKINGS_LIMIT = 0
    try:
        yield
    finally:
        _engine._SUMMARY_LIMIT, _engine._HIT_LIMIT, pack_module._RANKINGS_LIMIT = saved


def _fields(summary: fundmatch.MatchSummary) -> list[tuple[Any, ...]]:
    """Every field of a municipality's summary, fund by fund in ranking order."""
    head = (summary.municipality, summary.country, summary.nuts)
    return [(*head, *s.model_dump().values()) for s in summary.ranking]


def _from_report(report: fundmatch.MatchReport) -> list[tuple[Any, ...]]:
    """What the full, explained report says of each fund, as the fields of its summary."""
    rows = []
    for item in report.ranking:
        money = item.co_financing
        summary = fundmatch.FundSummary(
            fund=item.fund,
            status=item.status,
            score=item.score,
            likelihood=item.likelihood,
            rate=money.rate if money else None,
            rate_max=money.rate_max if money else None,
            amount_eur=money.amount_eur if money else None,
            failed=[h.rule_id for h in item.failed()],
            # The summary's inputs are the rules' (a rate waiting for an input is not a rule's question).
            missing=sorted(m.field for m in item.missing if set(m.rule_ids) - {"co_financing"}),
        )
        head = (report.municipality.name, report.municipality.country, report.municipality.nuts)
        rows.append((*head, *summary.model_dump().values()))
    return rows


_ROWS = st.lists(st.tuples(municipalities(), _near_limits(_ROW_NUMBERS), st.integers(1, 3)), min_size=1, max_size=6)


def _batch(rows: list) -> list[fundmatch.Municipality]:
    """The municipalities of a drawn batch, some repeated (a repeat is answered from the kept rankings)."""
    batch = []
    for municipality, changes, times in rows:
        batch += [_valid(fundmatch.Municipality, municipality, changes) or municipality] * times
    return batch


@settings(max_examples=80, deadline=None)
@given(_ROWS, project_ideas(), st.booleans())
def test_fast_summary_equals_full_reports_and_no_memo(rows: list, idea: fundmatch.ProjectIdea, as_dicts: bool) -> None:
    batch = _batch(rows)
    # Rows as a table gives them (plain dicts, validated in the batch) or as models.
    given_rows: list[Any] = [m.model_dump(exclude_none=True) for m in batch] if as_dicts else batch
    pack = fundmatch.RulePack(_pack().folder)
    fast = [_fields(s) for s in pack.match_many(given_rows, idea, detail="summary")]
    again = [_fields(s) for s in pack.match_many(given_rows, idea, detail="summary")]  # from the kept rankings
    full = [_from_report(r) for r in pack.match_many(given_rows, idea)]
    with _no_memo():
        cold = fundmatch.RulePack(_pack().folder)
        unmemoised = [_fields(s) for s in cold.match_many(given_rows, idea, detail="summary")]
    assert fast == full
    assert again == full
    assert unmemoised == full


@settings(max_examples=40, deadline=None)
@given(_ROWS, project_ideas())
def test_rankings_are_kept_by_the_row_key_only(rows: list, idea: fundmatch.ProjectIdea) -> None:
    # Two municipalities with one row key get one ranking: the key must tell apart every pair whose
    # rankings differ (checked on the whole ranking each fund decides afresh).
    pack = fundmatch.RulePack(_pack().folder)
    idea_facts = IdeaFacts(idea)
    keys = idea_facts.row_keys(pack._row_reads, pack._row_limits, pack._regions, pack._areas, 1_000)
    assert isinstance(keys, RowKeys)
    chosen = list(pack_module.compiled_funds(pack).values())
    seen: dict[Any, list[tuple[Any, ...]]] = {}
    for municipality in _batch(rows):
        with _no_memo():
            ranking = [tuple(s.model_dump().values()) for s in pack._ranking(municipality, IdeaFacts(idea), chosen)]
        assert seen.setdefault(keys(municipality), ranking) == ranking


def test_a_bad_row_of_a_summary_batch_says_what_and_stops_after_the_good_ones() -> None:
    rows = [{"name": "A", "country": "AT"}, {"name": "B", "country": "AT", "popualtion": 5}]
    summaries = _pack().iter_match(rows, {"title": "Library"}, detail="summary")
    assert next(summaries).municipality == "A"  # the good row before it is answered
    with pytest.raises(ValidationError) as raised:
        next(summaries)
    assert [(e["loc"], e["msg"]) for e in raised.value.errors()] == [
        (("popualtion",), "unknown field: did you mean 'population'?")
    ]


def _requirement(rule_id: str, when: str, prior_when: str) -> dict[str, Any]:
    """A requirement for a test pack, with one prior whose case is ``prior_when``."""
    return {
        "id": rule_id,
        "kind": "requirement",
        "title": f"Test requirement {rule_id}",
        "when": when,
        "pass": "Passes.",
        "fail": "Fails.",
        "citation": {"act": "cpr", "article": "63"},
        "verified": False,
        "prior": [{"when": prior_when, "value": 0.5, "source": "Test."}],
    }


@functools.lru_cache(maxsize=1)
def _stressed_folder() -> Path:
    """The shipped pack with more of each fund left to the municipality, so that the row programs compile every
    case: each `undecided_when` also holds in cities, and every requirement or exclusion without one can be left
    open in small places; preferences without a prior get priors that read the municipality (a case, a figure
    per country) or not; routes without a condition get one that reads the population, and routes with a question
    of their own priors that read the municipality or the idea; some requirements and exclusions only ask when
    their inputs are missing."""
    root = tempfile.mkdtemp(prefix="fundmatch-stressed-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    target = Path(root) / "2021-2027"
    shutil.copytree(period_folder("2021-2027"), target)
    for path in target.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
            continue
        for n, rule in enumerate(data["rules"]):
            if not isinstance(rule, dict) or "when" not in rule:
                continue  # a common rule placed by reference
            if rule.get("undecided_when"):
                rule["undecided_when"] = f"({rule['undecided_when']}) or degurba == 1"
            elif rule["kind"] != "preference" and n % 2 == 0:
                rule["undecided_when"] = "population < 2000 or outermost_region"
                rule["undecided"] = "Ask your managing authority whether a place this small is covered."
                rule["undecided_on"] = "pass" if n % 4 == 0 else "fail"
            if rule["kind"] != "preference" and n % 3 == 0:
                # A missing input only asks; an undecided outcome still holds the fund at unknown.
                rule["unknown_effect"] = "question"
            elif rule["kind"] == "preference" and not rule.get("prior"):
                case = {"when": "degurba == 2", "value": 0.3, "by_country": {"AT": 0.7}, "source": "Test."}
                rule["prior"] = [case, {"value": 0.6, "source": "Test."}] if n % 2 else [case]
        for k, route in enumerate(data.get("routes") or []):
            if not route.get("when") and k % 2 == 0:
                route["when"] = "population < 30000 or border_region"
            if route.get("ask") or not route.get("requires"):
                # The route's own question by priors that read the municipality, the idea, or neither.
                route["prior"] = [
                    {"when": "population < 2000", "value": 0.8, "by_country": {"AT": 0.9}, "source": "Test."},
                    {"when": "'culture_sport' in themes", "value": 0.2, "source": "Test."},
                    {"value": 0.4, "by_country": {"DE": 0.1, "IT": 0.7}, "source": "Test."},
                ][k % 2 :]
        # A requirement the idea alone decides, unknown without a budget, first of its fund's rules: it holds the
        # fund at unknown by the idea's facts, a factor of the likelihood the row program multiplies once.
        if "fund" in data:  # a fund's file (common.yaml's rules name their funds)
            data["rules"].insert(0, _requirement("stressed_budget_known", "budget_eur > 5000", "duration_months > 12"))
        path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


@settings(max_examples=40, deadline=None)
@given(_ROWS, project_ideas())
def test_row_programs_equal_full_reports_on_a_pack_that_leaves_more_to_each_row(
    rows: list, idea: fundmatch.ProjectIdea
) -> None:
    # What the row programs compile (rules left open by a municipality's facts, chances and routes that read
    # them, funds made ineligible by a row's rule, missing facts asked for) against the explained reports.
    batch = _batch(rows)
    pack = fundmatch.RulePack(_stressed_folder())
    full = [_from_report(r) for r in pack.match_many(batch, idea)]
    with _no_memo():
        cold = fundmatch.RulePack(_stressed_folder())
        unmemoised = [_fields(s) for s in cold.match_many(batch, idea, detail="summary")]
    fast = [_fields(s) for s in pack.match_many(batch, idea, detail="summary")]
    assert unmemoised == full
    assert fast == full


@settings(max_examples=40, deadline=None)
@given(_ROWS, project_ideas())
def test_a_row_program_gives_the_whole_evaluation_s_summary_and_rank_key(
    rows: list, idea: fundmatch.ProjectIdea
) -> None:
    # Fund by fund, on both packs: the row program's summary is the one evaluating every rule gives (score to
    # the bit), and its rank key is `rank_key`'s.
    for folder in (_pack().folder, _stressed_folder()):
        pack = fundmatch.RulePack(folder)
        idea_facts = IdeaFacts(idea)
        funds = pack_module.compiled_funds(pack)
        order = {name: i for i, name in enumerate(funds)}
        for municipality in _batch(rows):
            facts, _ = pack._facts(municipality, idea_facts, explain=False)
            values = idea_facts.row_values(municipality, pack._regions, pack._areas)
            for fund in funds.values():
                program = _engine.summary_program(fund, facts)
                assert program is not None
                *key, summary = program(values, order[fund.fund])
                whole = _engine._decide_whole(fund, _whole(facts.for_fund(fund.fund))).summary
                assert summary == whole
                assert [summary.score, summary.likelihood] == [whole.score, whole.likelihood]  # type: ignore[union-attr]
                assert tuple(key) == rank_key(summary, order)


def test_a_route_prior_that_fails_fails_only_where_the_fund_is_unknown_in_reports_and_summaries(
    tmp_path: Path,
) -> None:
    # A route's chance is read only while the fund is unknown (`_engine._route_chance`): a case that cannot be
    # evaluated (a division by zero at 4,100 inhabitants) fails there, naming the route, the prior and its line,
    # in the full report and the summary alike, and is not read where LEADER is open or the fund is out.
    target = tmp_path / "2021-2027"
    shutil.copytree(period_folder("2021-2027"), target)
    path = target / "eafrd.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cap = next(r for r in data["routes"] if r["id"] == "cap_investments")
    cap["prior"] = [{"when": "100 / (population - 4100) > 1", "value": 0.2, "source": "Test."}, *cap["prior"]]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "population - 4100" in text)
    idea = {"title": "Village hall", "themes": ["culture_sport"], "budget_eur": 100000, "duration_months": 24}
    late = {**idea, "end_date": "2031-06-30", "duration_months": None}
    base = {"name": "A", "country": "IT", "population": 4100, "degurba": 3}
    for memo in (True, False):
        with contextlib.nullcontext() if memo else _no_memo():
            pack = fundmatch.RulePack(target)
            for row, plan, status in (({**base, "leader_lag": True}, idea, "eligible"), (base, late, "ineligible")):
                full = pack.match(row, plan, funds=["EAFRD"])["EAFRD"]
                (summary,) = pack.match_many([row], plan, detail="summary")
                assert full.status.value == summary["EAFRD"].status.value == status, (memo, row, plan)
            for detail in ("full", "summary"):
                with pytest.raises(fundmatch.RulePackError) as info:
                    pack.match_many([{**base, "leader_lag": False}], idea, detail=detail)
                error = info.value
                assert error.rule_id == "routes.cap_investments" and error.line == line, (memo, detail)
                assert str(error).count("prior 1: ") == 1 and error.field == "prior[0].when"


def _with_erdf_rule(tmp_path: Path, rule: dict[str, Any]) -> Path:
    """A copy of the shipped pack with ``rule`` added to the ERDF's rules: its period folder."""
    target = tmp_path / "2021-2027"
    shutil.copytree(period_folder("2021-2027"), target)
    path = target / "erdf.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["rules"].append(rule)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target


def test_a_prior_that_fails_on_the_idea_fails_only_where_its_chance_is_read(tmp_path: Path) -> None:
    # A prior's case is read only for an unknown outcome (`_engine._chance`): one that cannot be evaluated on
    # this idea (a division by a zero partner count) must not stop a summary batch whose rule is decided, and
    # must fail, naming the rule, where the rule is left unknown, in the summary as in the full report.
    target = _with_erdf_rule(
        tmp_path, _requirement("prior_by_share", "population > 0", "budget_eur / partner_count > 1000")
    )
    idea = {"title": "Library", "themes": ["culture_sport"], "budget_eur": 100000}
    known = {"name": "A", "country": "AT", "population": 5000}
    for memo in (True, False):
        with contextlib.nullcontext() if memo else _no_memo():
            pack = fundmatch.RulePack(target)
            summary = pack.match_many([known], idea, detail="summary")[0]
            assert _fields(summary) == _from_report(pack.match(known, idea))
            missing = {"name": "B", "country": "AT"}
            with pytest.raises(fundmatch.RulePackError, match="prior_by_share"):
                pack.match(missing, idea)
            with pytest.raises(fundmatch.RulePackError, match="prior_by_share"):
                pack.match_many([missing], idea, detail="summary")


# --- what the row programs are compiled with --------------------------------------------------------------


def _programs(pack: fundmatch.RulePack, idea_facts: IdeaFacts, municipality: fundmatch.Municipality) -> list[Any]:
    """Each fund's row program for the idea, compiled as a batch compiles them (at its first municipality)."""
    facts, _ = pack._facts(municipality, idea_facts, explain=False)
    return [_engine.summary_program(fund, facts) for fund in pack_module.compiled_funds(pack).values()]


def _typed(values: dict[str, Any], names: Any) -> dict[str, tuple[type, Any]]:
    return {name: (type(values[name]), values[name]) for name in names}


@settings(max_examples=40, deadline=None)
@given(_ROWS, project_ideas())
def test_a_row_builder_gives_the_facts_read_as_the_whole_row_values_give_them(
    rows: list, idea: fundmatch.ProjectIdea
) -> None:
    # The facts a summary's rows are built with (`IdeaFacts.row_builder`: only those the programs read, each
    # group of derived facts worked out only where read) against every fact of the row (`row_values`), value and
    # type, on both packs; for the programs' reads, every fact, and each fact alone (a group asked for by one).
    batch = _batch(rows)
    for folder in (_pack().folder, _stressed_folder()):
        pack = fundmatch.RulePack(folder)
        idea_facts = IdeaFacts(idea)
        read = frozenset().union(*(p.reads for p in _programs(pack, idea_facts, batch[0])))
        asked = [read, frozenset(FACTS), *(frozenset({name}) for name in FACTS)]
        builders = [(names, idea_facts.row_builder(names, pack._regions, pack._areas)) for names in asked]
        for municipality in batch:
            whole = idea_facts.row_values(municipality, pack._regions, pack._areas)
            for names, build in builders:
                assert _typed(build(municipality), names) == _typed(whole, names)


def _places(pack: fundmatch.RulePack) -> Iterator[fundmatch.Municipality]:
    """A municipality for every NUTS code of the pack's tables (a region, a NUTS-3 code below it, every
    programme area's code), with its derived facts given or not."""
    codes = {region.nuts2 for region in pack._regions} if pack._regions is not None else set()
    codes |= {code + "1" for code in set(codes)}
    codes |= {programme.region for programme in pack._areas} if pack._areas is not None else set()
    codes |= {code + "Z" for code in list(codes) if len(code) == 4}
    for n, code in enumerate(sorted(codes)):
        country = to_iso(code[:2])
        if country not in ISO_COUNTRIES:
            continue
        given = [{}, {"border_region": n % 2 == 0}, {"region_category": "transition", "outermost_region": n % 3 == 0}]
        for extra in given:
            yield fundmatch.Municipality(name=f"M{n}", country=country, nuts=code, **extra)


def test_a_row_builder_derives_every_region_and_border_of_the_tables_as_row_values_do() -> None:
    pack = _pack()
    idea_facts = IdeaFacts(fundmatch.ProjectIdea(title="Library", partners=[{"country": "AT"}]))
    # The shipped areas, and areas whose cross-border programme lists a NUTS-2 region (its NUTS-3 codes are
    # then border regions too) beside a transnational one.
    listed = [Programme(None, "A-B", "A", "Test.", "AT12", "2021"), Programme(None, "B", "B", "Test.", "AT13", "2021")]
    tables = [pack._areas, InterregAreas({p.region: [p] for p in listed}), None]
    seen = 0
    for areas in tables:
        build = idea_facts.row_builder(FACTS, pack._regions, areas)
        for municipality in _places(pack):
            whole = idea_facts.row_values(municipality, pack._regions, areas)
            assert _typed(build(municipality), FACTS) == _typed(whole, FACTS), municipality
            seen += 1
    assert seen > 3000  # every region, below it, and every programme area (the tables are not empty)


def test_a_chance_or_route_is_read_only_where_the_evaluation_reads_it(tmp_path: Path) -> None:
    # A tabled program reads a rule's chance and the routes only where the rules leave the fund eligible or
    # unknown, as reading each rule does (`account`): a prior that cannot be evaluated on a municipality (a
    # division by zero) must not stop the summary of a municipality its rules make ineligible, and must fail,
    # naming the rule, where the chance is read; tabled or not.
    target = _with_erdf_rule(
        tmp_path, _requirement("prior_by_row", "leader_lag", "budget_eur / (population - 100) > 1000")
    )
    idea = {"title": "Library", "themes": ["culture_sport"], "budget_eur": 100000}
    outside = {"name": "A", "country": "NO", "population": 100}  # not a Member State: ineligible for ERDF
    inside = {"name": "B", "country": "AT", "population": 100}
    for tabled in (True, False):
        with _no_memo(), contextlib.nullcontext() if tabled else _rule_by_rule():
            pack = fundmatch.RulePack(target)
            summary = pack.match_many([outside], idea, detail="summary")[0]
            assert summary["ERDF"].status is fundmatch.Status.INELIGIBLE
            with pytest.raises(fundmatch.RulePackError, match="prior_by_row"):
                pack.match_many([inside], idea, detail="summary")


@contextlib.contextmanager
def _rule_by_rule() -> Iterator[None]:
    """Row programs compiled without their tables (`_engine._tabled`): each rule's result read in turn."""
    saved = _engine._TABLE_LIMIT
    _engine._TABLE_LIMIT = 0
    try:
        yield
    finally:
        _engine._TABLE_LIMIT = saved


@settings(max_examples=40, deadline=None)
@given(_ROWS, project_ideas())
def test_tabled_row_programs_give_what_reading_each_rule_gives(rows: list, idea: fundmatch.ProjectIdea) -> None:
    # A fund's rules' results, chances and routes tabled for every combination (`_engine._tabled`) against the
    # same program reading them one by one, rank key and summary, on both packs (the stressed one has routes and
    # chances that read the municipality). The shipped pack's programs are tabled for most ideas.
    batch = _batch(rows)
    for folder in (_pack().folder, _stressed_folder()):
        pack = fundmatch.RulePack(folder)
        funds = list(pack_module.compiled_funds(pack).values())
        idea_facts = IdeaFacts(idea)
        facts, _ = pack._facts(batch[0], idea_facts, explain=False)
        tabled = [_engine._program(f, _engine.plan(f, facts), facts.for_fund(f.fund)) for f in funds]
        with _rule_by_rule():
            one_by_one = [_engine._program(f, _engine.plan(f, facts), facts.for_fund(f.fund)) for f in funds]
        assert not any(p.__qualname__.startswith("_lean") for p in one_by_one)
        if folder == _pack().folder:
            assert any(p.__qualname__.startswith("_lean") for p in tabled)
        for municipality in batch:
            values = idea_facts.row_values(municipality, pack._regions, pack._areas)
            for order, (fast, slow) in enumerate(zip(tabled, one_by_one, strict=True)):
                *key, summary = fast(values, order)
                *expected_key, expected = slow(values, order)
                assert key == expected_key
                assert summary == expected
                assert summary.model_fields_set == expected.model_fields_set


def test_a_chance_of_a_figure_not_tabled_is_read_rule_by_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # The tables know the figures a rule's priors give (`_engine._chance_of`); a chance computed to any other
    # figure must still give the summary the rule-by-rule program gives (the row is read that way).
    made = _engine._chance_of

    def other_figures(fund: Any, rule: Any, facts: Any) -> Any:
        figure, compute = made(fund, rule, facts)
        if compute is None:
            return figure, compute
        return figure, lambda values: (round(compute(values)[0] * 0.9, 4), "Another figure.")

    monkeypatch.setattr(_engine, "_chance_of", other_figures)
    pack = fundmatch.RulePack(_pack().folder)
    idea = IdeaFacts(
        fundmatch.ProjectIdea(
            title="Language café and mentoring for newcomers",
            themes=["migrant_integration", "language_learning", "social_inclusion"],
            target_groups=["refugees", "third_country_nationals"],
            activities=["language_courses", "mentoring", "training"],
            partners=[{"country": "AT", "type": "ngo"}],
            budget_eur=120_000.0,
            duration_months=24,
        )
    )
    rows = [{"name": "A", "country": "AT", "degurba": d, "population": 900} for d in (1, 2, 3)]
    batch = [fundmatch.Municipality(**row) for row in rows]
    facts, _ = pack._facts(batch[0], idea, explain=False)
    funds = list(pack_module.compiled_funds(pack).values())
    tabled = [_engine._program(f, _engine.plan(f, facts), facts.for_fund(f.fund)) for f in funds]
    with _rule_by_rule():
        one_by_one = [_engine._program(f, _engine.plan(f, facts), facts.for_fund(f.fund)) for f in funds]
    # The EAFRD's LEADER area is left unknown (no `leader_lag`): its chance is read, by its prior's figure.
    assert tabled[[f.fund for f in funds].index("EAFRD")].__qualname__.startswith("_lean")
    for municipality in batch:
        values = idea.row_values(municipality, pack._regions, pack._areas)
        for order, (fast, slow) in enumerate(zip(tabled, one_by_one, strict=True)):
            assert fast(values, order) == slow(values, order)


def test_a_route_s_own_chance_by_country_is_tabled_and_read_as_rule_by_rule() -> None:
    # The EAFRD's `cap_investments` route counts its question by a figure per country (`_engine._tabled`'s
    # `owns`): the tabled program holds each figure, and gives what reading the route in turn gives, in a country
    # with its own figure and in one without, inside and outside a LAG area and where that is not known.
    pack = fundmatch.RulePack(_pack().folder)
    fund = pack_module.compiled_funds(pack)["EAFRD"]
    idea = IdeaFacts(fundmatch.ProjectIdea(title="Renovating the village hall", themes=["rural_development"]))
    batch = [
        fundmatch.Municipality(name="A", country=country, degurba=degurba, population=900, leader_lag=lag)
        for country in ("BG", "FI", "AT", "FR")
        for degurba in (2, 3)
        for lag in (None, False, True)
    ]
    facts, _ = pack._facts(batch[0], idea, explain=False)
    tabled = _engine._program(fund, _engine.plan(fund, facts), facts.for_fund(fund.fund))
    with _rule_by_rule():
        one_by_one = _engine._program(fund, _engine.plan(fund, facts), facts.for_fund(fund.fund))
    assert tabled.__qualname__.startswith("_lean") and not one_by_one.__qualname__.startswith("_lean")
    likelihoods = set()
    for municipality in batch:
        values = idea.row_values(municipality, pack._regions, pack._areas)
        assert tabled(values, 0) == one_by_one(values, 0)
        likelihoods.add(tabled(values, 0)[-1].likelihood)
    # The figures differ by country (BG and FI 1.0 outside a LAG; elsewhere the EU figure): more than one read.
    assert len(likelihoods) >= 3
