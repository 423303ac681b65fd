"""Every input field is a fact a rule may read: constrained fields included, and a missing one is asked for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import fundmatch
from fundmatch._facts import FACTS
from fundmatch._inputs import Municipality, ProjectIdea
from fundmatch._report import RuleHit
from fundmatch._resources import period_folder

#: Inputs rules read only through derived facts (``partner_count``, ``partner_countries`` …).
_THROUGH_DERIVED = {"partners"}

_PROBE = """
  - id: probe_{name}
    kind: preference
    title: Probe {name}
    when: "{when}"
    pass: "In {shown}."
    fail: "Not in {shown}."
    citation: {{act: amif, article: "1"}}
    verified: false
    to_verify: "a test probe"
    weight: 3
    rationale: "a test probe"
"""


def _pack_with(tmp_path: Path, rules: str) -> fundmatch.RulePack:
    folder = tmp_path / "rules"
    shutil.copytree(period_folder("2021-2027"), folder)
    shutil.rmtree(folder / "tests", ignore_errors=True)
    amif = folder / "amif.yaml"
    amif.write_text(amif.read_text(encoding="utf-8").replace("\nrules:\n", "\nrules:\n" + rules, 1), encoding="utf-8")
    return fundmatch.load_rules(path=folder)


@pytest.mark.parametrize("model", [Municipality, ProjectIdea])
def test_every_input_field_is_a_fact(model: type) -> None:
    assert set(model.model_fields) - _THROUGH_DERIVED <= set(FACTS)


def test_a_pack_reads_nuts_and_lau_and_asks_for_a_missing_nuts(tmp_path: Path) -> None:
    rules = _PROBE.format(name="nuts", when="nuts == 'ITH42'", shown="NUTS {nuts}") + _PROBE.format(
        name="lau", when="lau == '030117'", shown="LAU {lau}"
    )
    rules += _PROBE.format(name="nuts2", when="nuts2 == 'ITH4'", shown="the NUTS-2 region")
    pack = _pack_with(tmp_path, rules)
    given = pack.match({"name": "T", "country": "IT", "nuts": "ith42", "lau": "030117"}, "Sprachkurse für Geflüchtete")
    hits = {h.rule_id: h for h in given["AMIF"].hits}
    assert hits["probe_nuts"].outcome.value == "pass"
    assert hits["probe_nuts"].explanation.startswith("In NUTS ITH42.")
    assert hits["probe_lau"].explanation.startswith("In LAU 030117.")

    missing = pack.match({"name": "T", "country": "IT"}, "Sprachkurse für Geflüchtete")
    hit = next(h for h in missing["AMIF"].hits if h.rule_id == "probe_nuts2")
    assert hit.outcome.value == "unknown"
    assert "nuts" in hit.missing
    # Written on first read: reading it, printing and serialising the report must not fail later.
    assert "NUTS" in hit.explanation
    assert "probe_nuts2" in missing.model_dump_json()
    assert str(missing)


def test_a_hit_without_its_text_has_no_such_attribute() -> None:
    assert not hasattr(RuleHit.model_construct(rule_id="x"), "explanation")
