"""The benchmark's hand-written contenders compute exactly fundmatch's summary, and notice when they do not.

``bench/run.py`` checks every contender against fundmatch on every row it times and stops with exit 1 on a
disagreement; this test runs the plain-Python contenders (the per-row baseline and the tuned loop; the polars
one is bench-only) on a small fixture that reaches every branch they hand-code: Greece as EL, populations and
DEGURBA unknown, outermost regions, given categories and LAG answers, ideas with building works, dates, a LAG
applicant, missing activities. It asserts agreement, never time.
"""

from __future__ import annotations

import dataclasses
import importlib
import sys
from collections import Counter
from typing import Any

import pytest

import fundmatch
from fundmatch._ids import Theme

from .conftest import REPO

sys.path[:0] = [str(REPO / "bench")]
hand: Any = importlib.import_module("contenders")
run: Any = importlib.import_module("run")

ROWS: list[dict[str, Any]] = [
    {"name": "Athina", "country": "EL", "nuts": "EL303", "population": 664046, "degurba": 1},
    {"name": "Kos", "country": "GR", "nuts": "EL421", "population": 33388, "degurba": 3},
    {"name": "Altena", "country": "FR", "nuts": "FRK26", "degurba": 3},  # no population in the LAU list
    {"name": "Saint-Denis", "country": "FR", "nuts": "FRY40", "degurba": 1},  # outermost
    {"name": "Ponta Delgada", "country": "PT", "nuts": "PT200", "population": 67000, "degurba": 2},  # outermost
    {"name": "Funchal", "country": "PT", "nuts": "PT300", "population": 105000, "degurba": 2},
    {"name": "Lefkosia", "country": "CY", "nuts": "CY000"},  # DEGURBA 9: unknown
    {"name": "Aarhus", "country": "DK", "nuts": "DK042", "population": 350000, "degurba": 1},
    {"name": "Bern", "country": "CH", "population": 140000, "degurba": 1},
    {"name": "Ydre", "country": "SE", "nuts": "SE123", "population": 3600, "degurba": 3, "leader_lag": True},
    {"name": "Brixen", "country": "IT", "nuts": "ITH10", "population": 22000, "degurba": 2, "leader_lag": False},
    {"name": "Nowhere", "country": "ES", "population": 900, "degurba": 3},  # no NUTS: category and outermost unknown
    {
        "name": "Given",
        "country": "AT",
        "nuts": "AT332",
        "population": 4000,
        "degurba": 2,
        "region_category": "transition",
        "outermost_region": False,
        "border_region": False,
        "eu_project_staff_fte": 0.5,
        "third_country_national_share": 0.02,
    },
    *run.synthetic(150, seed=17),
]

IDEAS: list[dict[str, Any]] = [
    *run.ideas(),
    {
        "title": "Village hall renovation by the local action group",
        "themes": ["rural_development", "culture_sport", "material_deprivation"],
        "target_groups": ["unaccompanied_minors", "general_population"],
        "activities": ["construction", "renovation", "equipment"],
        "applicant_type": "local_action_group",
        "budget_eur": 6_000_000,
        "start_date": "2027-03-01",
        "end_date": "2030-06-30",
        "programme_confirmed": ["ERDF", "EAFRD"],
        "completed_before_application": False,
    },
    {
        "title": "Cross-border study",
        "themes": ["transport"],
        "target_groups": ["general_population"],
        "applicant_type": "egtc",
        "partners": [{"country": "CH"}, {"country": "AT", "type": "business"}, {"country": "DE"}],
        "budget_eur": 40_000,
        "start_date": "2026-01-31",
        "duration_months": 1,
    },
    # Nothing to infer from: themes, target groups and activities stay missing.
    {"title": "Plan", "partners": [{"country": "FR"}]},
    # A village's cultural house with an e-library (pack 2021-2027.5's village_culture_outside_core).
    {
        "title": "Village cultural house",
        "themes": ["rural_development", "culture_sport", "digital", "infrastructure"],
        "activities": ["renovation"],
        "applicant_type": "ngo",
    },
    # A local action group among the partners (pack 2021-2027.5), and a cycle path to the airport in words.
    {
        "title": "Village shop with the LAG",
        "description": "We want to build a cycle path from the village to the airport.",
        "applicant_type": "municipality",
        "partners": [{"country": "SE", "type": "local_action_group"}],
        "budget_eur": 250_000,
    },
]
# Ideas for the exclusions of newer packs (an airport, left open in outermost regions and, from pack 2021-2027.6,
# beside a transport link; a landfill; fossil fuels), where the inputs know their themes.
_THEMES = {theme.value for theme in Theme}
IDEAS += [
    {"title": "Runway", "themes": themes, "activities": ["construction"], "partners": [{"country": "PT"}]}
    for themes in (
        ["airport", "tourism"],
        ["airport", "transport"],
        ["airport", "energy_climate"],
        ["landfill"],
        ["fossil_fuels", "transport"],
    )
    if set(themes) <= _THEMES
]


@pytest.fixture(scope="module")
def setting() -> tuple[Any, list[Any], Any]:
    pack = fundmatch.load_rules()
    return pack, hand.pack_data(pack), hand.Tables.load()


def _fundmatch(pack: Any, idea: Any) -> list[Any]:
    return [hand.fundmatch_rows(s) for s in pack.match_many(ROWS, idea, detail="summary")]


@pytest.mark.parametrize("number", range(len(IDEAS)))
def test_contenders_agree_with_fundmatch(setting: tuple[Any, list[Any], Any], number: int) -> None:
    pack, funds, tables = setting
    idea, _ = pack.infer(IDEAS[number])
    expected = _fundmatch(pack, idea)
    tuned = hand.Tuned(idea, funds, tables)
    for row, want in zip(ROWS, expected, strict=True):
        assert hand.baseline(row, idea, funds, tables) == want, row
        assert tuned(row) == want, row


def test_the_fixture_reaches_every_status(setting: tuple[Any, list[Any], Any]) -> None:
    pack, _, _ = setting
    seen: Counter[str] = Counter()
    for idea in IDEAS:
        for ranking in _fundmatch(pack, pack.infer(idea)[0]):
            seen.update(summary[1] for summary in ranking)
            seen.update("rate unknown" for summary in ranking if summary[4] is None)
            seen.update("failed" for summary in ranking if summary[7])
            seen.update("asks" for summary in ranking if any(m.startswith("ask:") for m in summary[8]))
    assert {"eligible", "unknown", "ineligible", "rate unknown", "failed", "asks"} <= set(seen)


def test_a_changed_weight_is_read_from_the_pack(setting: tuple[Any, list[Any], Any]) -> None:
    # A weight re-tuned in the pack changes fundmatch's answer and the contenders' alike: the contenders read
    # it, so here the pack data they are given is changed and they must now disagree with the shipped pack.
    pack, funds, tables = setting
    idea, _ = pack.infer(run.IDEA)
    changed = []
    for fund in funds:
        rules = tuple(
            dataclasses.replace(r, weight=r.weight + 7) if r.id == "staff_capacity" else r for r in fund.rules
        )
        changed.append(dataclasses.replace(fund, rules=rules))
    expected = _fundmatch(pack, idea)
    tuned = hand.Tuned(idea, changed, tables)
    assert sum(tuned(row) != want for row, want in zip(ROWS, expected, strict=True)) > len(ROWS) // 2
    assert sum(hand.baseline(row, idea, changed, tables) != want for row, want in zip(ROWS, expected, strict=True))


def test_a_rule_without_hand_written_logic_is_refused(setting: tuple[Any, list[Any], Any], monkeypatch: Any) -> None:
    pack, _, _ = setting
    monkeypatch.delitem(hand.RULES["ERDF"], "urban_area")
    with pytest.raises(hand.MissingLogic, match=r"ERDF\.urban_area"):
        hand.pack_data(pack)
