"""Funds and periods are data: a user's own folder adds a fund, shared law or a whole period without code."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

import fundmatch
from fundmatch._check import check_folder
from fundmatch._pack import compiled_funds
from fundmatch._resources import DEFAULT_PERIOD
from tests.conftest import REPO, idea, profile

# A sixth fund of the kind a user might add: a town-twinning programme (generic, names no place).
TWINNING_PACK = """\
fund: TWINNING
name: Town twinning (example fund)
period: "{period}"
management: direct
legal_basis:
  - {{act: twinning, article: "1"}}
co_financing:
  rates:
    - id: flat
      label: flat rate
      rate: 0.5
      citation: {{act: twinning, article: "9"}}
      verified: false
rules:
  - id: partner_abroad
    kind: requirement
    title: A partner town in another country
    when: foreign_country_count >= 1
    pass: "There are partners from {{foreign_country_count}} other countries."
    fail: "Twinning needs a partner town in another country."
    citation: {{act: twinning, article: "2"}}
    verified: false
  - id: exchange
    kind: preference
    title: Exchange of people
    when: '"exchange_of_practice" in activities or "networking" in activities'
    pass: "The project brings people of the towns together."
    fail: "The project does not plan exchanges between the towns."
    citation: {{act: twinning, article: "3"}}
    verified: false
    weight: 10
    rationale: Twinning exists to bring the people of partner towns together.
"""

TWINNING_ACT = """\
  twinning:
    title: Example twinning programme rules
    short: Twinning
"""

TWINNING_CASES = """\
- name: A town with a partner town abroad can use the twinning fund.
  profile: {name: Example town, country: IT, nuts: ITH42, population: 4100}
  idea: {title: Town twinning exchange, activities: [exchange_of_practice], partners: [{country: AT}]}
  expect:
    TWINNING: {status: eligible, rate: 0.5}

- name: A town without a partner abroad cannot use the twinning fund.
  profile: {name: Example town, country: IT, nuts: ITH42, population: 4100}
  idea: {title: Local festival, activities: [networking]}
  expect:
    TWINNING: {status: ineligible, fails: [partner_abroad]}
"""


def _add_twinning(folder: Path) -> None:
    period = re.search(r'^period: "(.+)"', (folder / "period.yaml").read_text(encoding="utf-8"), re.M)
    assert period is not None
    (folder / "twinning.yaml").write_text(TWINNING_PACK.format(period=period.group(1)), encoding="utf-8")
    text = (folder / "period.yaml").read_text(encoding="utf-8")
    (folder / "period.yaml").write_text(text.replace("funds:\n", "funds:\n  TWINNING: twinning\n", 1), encoding="utf-8")
    acts = (folder / "acts.yaml").read_text(encoding="utf-8")
    (folder / "acts.yaml").write_text(acts.replace("acts:\n", "acts:\n" + TWINNING_ACT, 1), encoding="utf-8")
    (folder / "tests" / "twinning.yaml").write_text(TWINNING_CASES, encoding="utf-8")


def test_a_users_folder_adds_a_sixth_fund_and_it_is_ranked_with_the_rest(pack_copy: Path) -> None:
    _add_twinning(pack_copy)
    pack = fundmatch.load_rules(path=pack_copy)
    assert pack.funds[0] == "TWINNING" and len(pack.funds) == 6
    report = pack.match(profile(), idea(activities=["exchange_of_practice"]))
    assert {r.fund for r in report.ranking} == set(pack.funds)
    twinning = report["TWINNING"]
    assert twinning.status == "eligible" and twinning.co_financing.rate == 0.5
    assert twinning.model_dump(mode="json")["fund"] == "TWINNING"
    # The shipped funds still come back as `Fund` members; the new one is a plain id.
    assert report["AMIF"].fund is fundmatch.Fund.AMIF and type(twinning.fund) is str
    # Its cases list only the fund they are about; the shipped cases leave the new fund unchecked.
    result = check_folder(pack_copy)
    assert result.ok, result.problems
    assert result.cases >= 62


def test_a_fund_id_in_period_yaml_must_match_its_pack(pack_copy: Path) -> None:
    text = (pack_copy / "period.yaml").read_text(encoding="utf-8")
    # EAFRD: a fund common.yaml does not name, so the pack's own mismatch is what the loader finds.
    (pack_copy / "period.yaml").write_text(text.replace("EAFRD: eafrd", "ELER: eafrd"), encoding="utf-8")
    with pytest.raises(
        fundmatch.RulePackError, match=re.escape("pack is for fund 'EAFRD' but period.yaml declares it as 'ELER'")
    ):
        fundmatch.load_rules(path=pack_copy)


def test_aliases_come_from_period_yaml(pack_copy: Path) -> None:
    _add_twinning(pack_copy)
    text = (pack_copy / "period.yaml").read_text(encoding="utf-8")
    (pack_copy / "period.yaml").write_text(text.replace("aliases:\n", "aliases:\n  TWIN: TWINNING\n"), encoding="utf-8")
    pack = fundmatch.load_rules(path=pack_copy)
    chosen = pack.match(profile(), idea(), funds=["twin", "leader"]).ranking
    assert {r.fund for r in chosen} == {"TWINNING", "EAFRD"}
    broken = text.replace("aliases:\n", "aliases:\n  TWIN: NOSUCH\n")
    (pack_copy / "period.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(fundmatch.RulePackError, match="alias 'TWIN' names fund 'NOSUCH'"):
        fundmatch.load_rules(path=pack_copy)


COMMON = """\
period: "{period}"
rules:
  - id: shared_partner_abroad
    funds: [ERDF, INTERREG]
    kind: requirement
    title: A partner abroad (shared law, written once)
    when: foreign_country_count >= 1
    pass: "There is a partner abroad."
    fail: "There is no partner abroad."
    citation: {{act: cpr, article: "1"}}
    verified: false
"""


def _add_common(pack_copy: Path, text: str) -> None:
    """The shipped common.yaml with the rules of ``text`` (a common.yaml of its own) added first."""
    path = pack_copy / "common.yaml"
    added = text.partition("rules:\n")[2]
    path.write_text(path.read_text(encoding="utf-8").replace("rules:\n", "rules:\n" + added, 1), encoding="utf-8")


def test_common_yaml_rules_apply_to_the_funds_they_name(pack_copy: Path) -> None:
    _add_common(pack_copy, COMMON.format(period=DEFAULT_PERIOD))
    pack = fundmatch.load_rules(path=pack_copy)
    funds = compiled_funds(pack)
    has = {fund: any(r.spec.id == "shared_partner_abroad" for r in compiled.rules) for fund, compiled in funds.items()}
    assert has == {"AMIF": False, "ESF+": False, "ERDF": True, "EAFRD": False, "INTERREG": True}
    # One rule written once, compiled once, shared by its funds, and located in common.yaml.
    (erdf_rule,) = [r for r in funds["ERDF"].rules if r.spec.id == "shared_partner_abroad"]
    (interreg_rule,) = [r for r in funds["INTERREG"].rules if r.spec.id == "shared_partner_abroad"]
    assert erdf_rule is interreg_rule and erdf_rule.path == pack_copy / "common.yaml"
    report = pack.match(profile(), idea(partners=[]))
    assert "shared_partner_abroad" in [h.rule_id for h in report["ERDF"].failed()]
    assert "shared_partner_abroad" not in [h.rule_id for h in report["AMIF"].hits]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("funds: [ERDF, INTERREG]", "funds: [ERDF, INTEREG]"),
            "names fund 'INTEREG', which period.yaml does not declare",
        ),
        (
            ("id: shared_partner_abroad", "id: two_countries"),
            "rule id 'two_countries' of common.yaml is also a rule of",
        ),
        (("    funds: [ERDF, INTERREG]\n", ""), "missing field 'funds'"),
    ],
)
def test_common_yaml_mistakes_are_located(pack_copy: Path, change: tuple[str, str], message: str) -> None:
    _add_common(pack_copy, COMMON.format(period=DEFAULT_PERIOD).replace(*change))
    with pytest.raises(fundmatch.RulePackError, match=re.escape(message)) as caught:
        fundmatch.load_rules(path=pack_copy)
    assert caught.value.path is not None and caught.value.path.name in ("common.yaml", "interreg.yaml")


def test_a_whole_period_is_data_only(tmp_path: Path) -> None:
    folder = tmp_path / "2099-2105"
    (folder / "tests").mkdir(parents=True)
    (folder / "period.yaml").write_text(
        textwrap.dedent("""\
            period: "2099-2105"
            version: "2099-2105.0"
            status: proposal
            funds: {TWINNING: twinning}
            aliases: {TWIN: TWINNING}
        """),
        encoding="utf-8",
    )
    (folder / "acts.yaml").write_text('period: "2099-2105"\nacts:\n' + TWINNING_ACT, encoding="utf-8")
    (folder / "twinning.yaml").write_text(TWINNING_PACK.format(period="2099-2105"), encoding="utf-8")
    (folder / "tests" / "twinning.yaml").write_text(TWINNING_CASES, encoding="utf-8")
    pack = fundmatch.load_rules(path=folder)
    assert (pack.period, pack.status, pack.funds) == ("2099-2105", "proposal", ["TWINNING"])
    report = pack.match(profile(), idea(activities=["networking"]), funds=["twin"])
    assert report.period == "2099-2105" and report.best is not None and report.best.fund == "TWINNING"
    result = check_folder(folder)
    assert result.ok and result.cases == result.cases_passed == 2, result.problems


def test_no_period_is_named_in_code_outside_the_default() -> None:
    # A period's name lives in its data and in DEFAULT_PERIOD, nowhere else in the library's code.
    named = []
    for path in sorted((REPO / "fundmatch").rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if DEFAULT_PERIOD in line:
                named.append(f"{path.relative_to(REPO)}:{number}")
    assert named == [f"fundmatch/_resources.py:{_line_of_default()}"]


def _line_of_default() -> int:
    lines = (REPO / "fundmatch" / "_resources.py").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.startswith("DEFAULT_PERIOD = "))


# The counts the README's "Contributing" section promises, measured on a copy of the shipped folder.


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in folder.rglob("*") if p.is_file()}


def _touched(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}


RULE = """\
  - id: example_small_budget
    kind: preference
    title: A small budget
    when: budget_eur <= 50000
    pass: "The budget is small."
    fail: "The budget is not small."
    citation: {act: interreg, article: "25"}
    verified: false
    weight: 1
    rationale: Small exchanges are what small project funds are for.
"""

RULE_CASE = """
- name: A small cross-border project scores on the example small-budget preference.
  profile: {name: Example town, country: IT, nuts: ITH42, population: 4100, border_region: true}
  idea: {title: Small exchange, themes: [culture_sport], partners: [{country: AT}], budget_eur: 20000}
  expect:
    INTERREG: eligible
"""


def _contributing() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme[readme.index("## Contributing") :]


def test_add_a_rule_is_two_files(pack_copy: Path) -> None:
    before = _snapshot(pack_copy)
    pack_file = pack_copy / "interreg.yaml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8").replace("rules:\n", "rules:\n" + RULE, 1), "utf-8")
    with (pack_copy / "tests" / "interreg.yaml").open("a", encoding="utf-8") as cases:
        cases.write(RULE_CASE)
    assert _touched(before, _snapshot(pack_copy)) == {"interreg.yaml", "tests/interreg.yaml"}
    result = check_folder(pack_copy)
    assert result.ok and result.rules == check_folder(REPO / "rules" / DEFAULT_PERIOD).rules + 1, result.problems
    assert "add a rule = 2 files" in _contributing()


def test_add_a_fund_is_the_pack_the_period_file_the_acts_file_and_its_cases(pack_copy: Path) -> None:
    before = _snapshot(pack_copy)
    _add_twinning(pack_copy)
    assert _touched(before, _snapshot(pack_copy)) == {
        "twinning.yaml",
        "period.yaml",
        "acts.yaml",
        "tests/twinning.yaml",
    }
    assert check_folder(pack_copy).ok
    assert "add a fund = 4 files" in _contributing()


def test_add_a_period_is_data_only() -> None:
    # test_a_whole_period_is_data_only builds one from files alone; the README says so.
    assert "add a period = data only" in _contributing()


def test_a_place_profile_uses_the_tables_of_the_pack_it_is_matched_with(pack_copy: Path, tmp_path: Path) -> None:
    # Was: profiles from places always used the default period's tables, whichever pack matched them.
    from fundmatch._places import find_place, import_register

    register = import_register(REPO / "tests" / "data" / "lau_fixture.csv", data_dir=tmp_path / "register")
    (place, *_) = find_place("Tarvisio", "IT", register=register)
    shipped = fundmatch.load_rules().profile_from_place(place)
    assert shipped.border_region is True
    areas = pack_copy / "interreg_areas.csv"
    header = areas.read_text(encoding="utf-8").splitlines()[0]
    areas.write_text(header + "\n", encoding="utf-8")  # this period's programme areas know no region
    own = fundmatch.load_rules(path=pack_copy).profile_from_place(place)
    assert own.border_region is None and "border_region" not in {d.field for d in own.provenance}
    assert fundmatch.Municipality.from_place(place).border_region is True  # the default period's shortcut


def test_period_yaml_may_list_pack_files_and_let_each_pack_name_its_fund(pack_copy: Path) -> None:
    text = (pack_copy / "period.yaml").read_text(encoding="utf-8")
    start, end = text.index("funds:\n"), text.index("# Other names")
    listed = text[:start] + "funds: [amif, esf_plus, erdf, eafrd, interreg]\n" + text[end:]
    (pack_copy / "period.yaml").write_text(listed, encoding="utf-8")
    assert fundmatch.load_rules(path=pack_copy).funds == fundmatch.load_rules().funds


def test_a_pack_places_a_common_rule_among_its_own(pack_copy: Path) -> None:
    # Moving a rule from the packs into common.yaml need not move it in the reports: `- common: <id>` keeps its
    # place; a fund whose pack does not place it gets it after its own rules.
    _add_common(pack_copy, COMMON.format(period=DEFAULT_PERIOD))
    pack_file = pack_copy / "interreg.yaml"
    text = pack_file.read_text(encoding="utf-8")
    pack_file.write_text(text.replace("rules:\n", "rules:\n  - common: shared_partner_abroad\n", 1), encoding="utf-8")
    funds = compiled_funds(fundmatch.load_rules(path=pack_copy))
    assert [r.spec.id for r in funds["INTERREG"].rules][:2] == ["shared_partner_abroad", "two_countries"]
    erdf = [r.spec.id for r in funds["ERDF"].rules]
    assert erdf.index("shared_partner_abroad") > erdf.index("staff_capacity")  # after the pack's own last rule
    # The pack's own rules keep their located errors with the entry taken out.
    pack_file.write_text(
        pack_file.read_text(encoding="utf-8").replace("    when: member_state_count >= 1\n", "    whne: x\n")
    )
    with pytest.raises(fundmatch.RulePackError) as caught:
        fundmatch.load_rules(path=pack_copy)
    lines = pack_file.read_text(encoding="utf-8").splitlines()
    assert caught.value.rule_id == "member_state_beneficiary" and caught.value.line == lines.index("    whne: x") + 1


def test_a_pack_cannot_place_a_common_rule_it_is_not_given(pack_copy: Path) -> None:
    _add_common(pack_copy, COMMON.format(period=DEFAULT_PERIOD))
    pack_file = pack_copy / "amif.yaml"
    text = pack_file.read_text(encoding="utf-8")
    pack_file.write_text(text.replace("rules:\n", "rules:\n  - common: shared_partner_abroad\n", 1), encoding="utf-8")
    with pytest.raises(
        fundmatch.RulePackError, match=re.escape("names no rule that common.yaml gives fund AMIF")
    ) as caught:
        fundmatch.load_rules(path=pack_copy)
    lines = pack_file.read_text(encoding="utf-8").splitlines()
    assert caught.value.line == lines.index("  - common: shared_partner_abroad") + 1
