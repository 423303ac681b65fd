"""Loading rule packs: every kind of malformed pack fails at load time with its own clear, located message."""

from __future__ import annotations

from pathlib import Path

import pytest

import fundmatch
from fundmatch import RulePackError
from fundmatch._resources import DEFAULT_PERIOD
from fundmatch._schema import PeriodFile
from fundmatch._yaml import load_yaml


def _break(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {file}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(folder: Path, file: str, needle: str) -> int:
    for number, line in enumerate((folder / file).read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _load_error(folder: Path) -> RulePackError:
    with pytest.raises(RulePackError) as info:
        fundmatch.load_rules(path=folder)
    return info.value


def test_shipped_pack_loads(pack: fundmatch.RulePack) -> None:
    declared = PeriodFile.model_validate(load_yaml(pack.folder / "period.yaml")).funds
    # The funds and their order are period.yaml's; the shipped ones are all there.
    assert pack.funds == list(declared) and set(fundmatch.Fund) <= set(pack.funds)
    assert pack.period == DEFAULT_PERIOD


def test_unknown_field_names_file_line_rule_and_suggests(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "    when: member_state_count >= 1\n", "    whne: member_state_count >= 1\n")
    error = _load_error(pack_copy)
    assert error.path is not None and error.path.name == "interreg.yaml"
    assert error.rule_id == "member_state_beneficiary"
    assert error.line == _line_of(pack_copy, "interreg.yaml", "whne:")
    text = str(error)
    assert "interreg.yaml:" in text and "unknown field 'whne'" in text and "did you mean 'when'" in text


def test_missing_field_is_named(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "    title: At least one partner from an EU Member State\n", "")
    error = _load_error(pack_copy)
    assert error.rule_id == "member_state_beneficiary" and "missing field 'title'" in str(error)


def test_misspelt_symbol_suggests_the_fact(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "when: member_state_count >= 1", "when: member_stat_count >= 2")
    error = _load_error(pack_copy)
    assert error.rule_id == "member_state_beneficiary"
    assert error.field == "member_stat_count" and error.suggestion == "member_state_count"
    assert "unknown symbol 'member_stat_count'" in str(error)
    assert error.line == _line_of(pack_copy, "interreg.yaml", "member_stat_count")


def test_syntax_error_in_expression(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "when: member_state_count >= 1", "when: country_count >= ")
    error = _load_error(pack_copy)
    assert error.rule_id == "member_state_beneficiary" and "syntax error" in str(error)


def test_type_error_in_expression(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "when: member_state_count >= 1", "when: country < 3")
    error = _load_error(pack_copy)
    assert error.rule_id == "member_state_beneficiary" and "data type mismatch" in str(error)


@pytest.mark.parametrize(
    ("file", "old", "new", "rule_id", "message"),
    [
        # A misspelt id: the rule would silently never fire (rule-engine accepts any text in a set).
        (
            "amif.yaml",
            "when: (target_groups & {'third_country_nationals', 'refugees', 'asylum_seekers', 'unaccompanied_minors'})",
            "when: (target_groups & {'third_country_national', 'refugees', 'asylum_seekers', 'unaccompanied_minors'})",
            "third_country_nationals_served",
            "'third_country_national' is not a value 'target_groups' can have",
        ),
        ("interreg.yaml", "when: member_state_count >= 1", "when: country == 'dk'", "member_state_beneficiary", "'dk'"),
        (
            "interreg.yaml",
            "when: member_state_count >= 1",
            "when: degurba == 4",
            "member_state_beneficiary",
            "4 is not",
        ),
        (
            "interreg.yaml",
            "when: member_state_count >= 1",
            "when: population == 'DK'",
            "member_state_beneficiary",
            "'population' is a number",
        ),
    ],
)
def test_a_literal_the_fact_can_never_have_fails_at_load(
    pack_copy: Path, file: str, old: str, new: str, rule_id: str, message: str
) -> None:
    _break(pack_copy, file, old, new)
    error = _load_error(pack_copy)
    assert error.rule_id == rule_id and message in str(error) and file in str(error), str(error)


def test_expression_must_be_a_condition(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "when: member_state_count >= 1", "when: country_count + 2")
    assert "not true/false" in str(_load_error(pack_copy))


def test_template_with_unknown_fact(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "({countries}); at least", "({countires}); at least")
    error = _load_error(pack_copy)
    assert error.rule_id == "member_state_beneficiary" and "unknown fact 'countires'" in str(error)
    assert error.suggestion == "countries"


def test_template_with_attribute_access_is_refused(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "({countries}); Interreg", "({countries.__class__}); Interreg")
    assert "plain fact name" in str(_load_error(pack_copy))


def test_unknown_act(pack_copy: Path) -> None:
    _break(
        pack_copy,
        "interreg.yaml",
        '    citation: {act: interreg, article: "23(1)"}',
        '    citation: {act: intereg, article: "23(1)"}',
    )
    error = _load_error(pack_copy)
    assert "acts.yaml does not declare" in str(error) and error.suggestion == "interreg"


def test_duplicate_rule_id(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "  - id: member_state_beneficiary", "  - id: two_countries")
    assert "duplicate rule id" in str(_load_error(pack_copy))


def test_preference_needs_weight(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "    weight: 10\n", "")
    error = _load_error(pack_copy)
    assert error.rule_id == "cross_border_area" and "needs a non-zero weight" in str(error)


def test_preference_needs_a_rationale(pack_copy: Path) -> None:
    _break(
        pack_copy,
        "interreg.yaml",
        "    rationale: >-\n      Cross-border cooperation (strand A)",
        "    note2: >-\n      x",
    )
    error = _load_error(pack_copy)
    assert error.rule_id == "cross_border_area"


def test_prior_must_be_a_probability(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "      - value: 0.48\n", "      - value: 1.48\n")
    error = _load_error(pack_copy)
    assert error.rule_id == "cross_border_area" and "prior" in str(error)


_ROUTE_PRIOR = "      - value: 0.53\n"  # the first prior of the EAFRD's cap_investments route
_OTHER_PRIOR = "      - value: 0.5\n        by_country: {}\n        source: A prior put first.\n"


@pytest.mark.parametrize(
    ("new", "field", "words"),
    [
        (_ROUTE_PRIOR + "        sauce: x\n", "sauce", "unknown field 'sauce' (did you mean 'source'?)"),
        ("      - value: 1.53\n", "value", "routes.1.prior.0.value: Input should be less than or equal to 1"),
        (_OTHER_PRIOR.format("{Austria: 0.5}") + _ROUTE_PRIOR, "by_country", "'Austria' is not an ISO 3166-1"),
        (_OTHER_PRIOR.format("{AT: 2}") + _ROUTE_PRIOR, "by_country", "the chance for AT must lie between 0 and 1"),
        ("      - when: degurba == 3\n", "value", "missing field 'value' (in routes.1.prior.0.value)"),
    ],
)
def test_a_bad_route_prior_names_the_file_line_and_route(pack_copy: Path, new: str, field: str, words: str) -> None:
    _break(pack_copy, "eafrd.yaml", _ROUTE_PRIOR, new)
    error = _load_error(pack_copy)
    assert error.path is not None and error.path.name == "eafrd.yaml"
    assert error.rule_id == "routes.cap_investments" and error.field == field
    assert words in str(error)
    first = _line_of(pack_copy, "eafrd.yaml", new.splitlines()[0].strip())
    assert error.line in (first, first + 1)


def test_a_route_prior_s_case_is_compiled_at_load(pack_copy: Path) -> None:
    _break(pack_copy, "eafrd.yaml", _ROUTE_PRIOR, _ROUTE_PRIOR + "        when: degurb == 3\n")
    error = _load_error(pack_copy)
    assert error.path is not None and error.path.name == "eafrd.yaml"
    assert error.rule_id == "routes.cap_investments" and error.line == _line_of(pack_copy, "eafrd.yaml", "degurb ==")
    assert "prior[0].when: unknown symbol 'degurb'" in str(error) and "did you mean 'degurba'" in str(error)


def test_a_prior_on_a_route_without_a_question_of_its_own_is_refused(pack_copy: Path) -> None:
    # LEADER's only open question is its rule's (`requires: [leader_area]`, no `ask`): a prior there is never read.
    old = "    requires: [leader_area]\n"
    _break(pack_copy, "eafrd.yaml", old, old + "    prior:\n      - value: 0.9\n        source: Never read.\n")
    error = _load_error(pack_copy)
    assert error.path is not None and error.path.name == "eafrd.yaml"
    assert error.rule_id == "routes.leader" and error.field == "prior"
    assert error.line == _line_of(pack_copy, "eafrd.yaml", "Never read.") - 2
    assert "its own open question" in str(error)


def test_bad_kind_value(pack_copy: Path) -> None:
    _break(
        pack_copy,
        "interreg.yaml",
        "    kind: requirement\n",
        "    kind: must\n",
    )
    error = _load_error(pack_copy)
    assert error.rule_id == "two_countries" and "rules.0.kind" in str(error)


def test_python_tag_is_refused(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "fund: INTERREG", "fund: !!python/object/apply:os.system ['echo hi']")
    assert "tag not allowed" in str(_load_error(pack_copy))


def test_duplicate_key_is_refused(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", "fund: INTERREG\n", "fund: INTERREG\nfund: ERDF\n")
    error = _load_error(pack_copy)
    assert "duplicate key 'fund'" in str(error) and error.line == _line_of(pack_copy, "interreg.yaml", "fund: ERDF")


def test_period_mismatch(pack_copy: Path) -> None:
    _break(pack_copy, "interreg.yaml", 'period: "2021-2027"', 'period: "2028-2034"')
    assert "lies in the folder of '2021-2027'" in str(_load_error(pack_copy))


def test_missing_pack_file(pack_copy: Path) -> None:
    (pack_copy / "erdf.yaml").unlink()
    error = _load_error(pack_copy)
    assert error.path is not None and error.path.name == "period.yaml" and "erdf.yaml does not exist" in str(error)


def test_not_a_folder(tmp_path: Path) -> None:
    assert "not a rule-pack folder" in str(_load_error(tmp_path / "nowhere"))


def test_unknown_period() -> None:
    with pytest.raises(RulePackError, match="no rule packs for period '1999-2006'"):
        fundmatch.load_rules("1999-2006")


@pytest.mark.parametrize("period", ["\x00", "../2021-2027", "2021-2027/../2021-2027", ""])
def test_a_period_is_a_name_never_a_path(period: str) -> None:
    with pytest.raises(RulePackError, match="no rule packs for period"):
        fundmatch.load_rules(period)
    with pytest.raises(RulePackError, match="no rule packs for period"):
        fundmatch.match({"name": "X", "country": "DE"}, "Sprachcafé", period=period)


def test_bad_region_table_row(pack_copy: Path) -> None:
    _break(pack_copy, "region_categories.csv", "AT11,Burgenland,transition", "AT11,Burgenland,rich")
    error = _load_error(pack_copy)
    assert error.path is not None and error.path.name == "region_categories.csv" and error.line == 2


def test_shipped_pack_is_loaded_once() -> None:
    assert fundmatch.load_rules() is fundmatch.load_rules()


def test_norway_stays_a_string_in_yaml() -> None:
    from fundmatch._yaml import parse_yaml

    data = parse_yaml("countries: [SE, NO, FI]\nflag: true\nword: yes\n")
    assert data == {"countries": ["SE", "NO", "FI"], "flag": True, "word": "yes"}
