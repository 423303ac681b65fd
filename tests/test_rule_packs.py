"""Pack-level checks of the shipped 2021–2027 rule packs: citations, verification labels, coverage, cases.

Every rule's ``note`` opens with the confidence label of its source in shared/domain (``[Q]`` quoted from the
legal text; ``[S]`` secondary; ``[R]`` recalled, unverified; ``[U]`` still unverified after the verification
pass). Only ``[Q]`` rules may be ``verified: true``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fundmatch._cases import load_cases
from fundmatch._resources import DEFAULT_PERIOD, period_folder
from fundmatch._schema import ActsFile, CommonFile, PackFile, PeriodFile, RuleSpec
from fundmatch._yaml import load_yaml

FOLDER = period_folder(DEFAULT_PERIOD)
# Pack file → fund id, as period.yaml declares them.
FUNDS = {stem: fund for fund, stem in dict(PeriodFile.model_validate(load_yaml(FOLDER / "period.yaml")).funds).items()}
ACTS = ActsFile.model_validate(load_yaml(FOLDER / "acts.yaml")).acts


def _own(stem: str) -> PackFile:
    """A pack with only its own rules: ``- common: <id>`` only places a rule of common.yaml (read below)."""
    raw = load_yaml(FOLDER / f"{stem}.yaml")
    return PackFile.model_validate({**raw, "rules": [r for r in raw["rules"] if list(r) != ["common"]]})


PACKS = {stem: _own(stem) for stem in FUNDS}
LABEL = re.compile(r"^\[(Q|S|R|U)\] \S")

# Rule ids that examples, docs and the engine tests refer to.
KEPT_IDS = {
    "interreg": {"two_countries"},
    "eafrd": {"leader_area", "rural_area", "staff_capacity", "applicant_in_member_state"},
    "amif": {"third_country_nationals_targeted", "integration_measure", "applicant_in_member_state", "staff_capacity"},
    "esf_plus": {"not_infrastructure_only", "social_objective", "applicant_in_member_state", "staff_capacity"},
    "erdf": {"investment_component", "applicant_in_member_state", "staff_capacity"},
}

# Facts most users will not have at screening time: their rules must ask, not hold the fund at unknown.
QUESTION_FACTS = ("planned_end", "completed_before_application")


# Law several funds share, written once (common.yaml, each rule naming its funds), if the period has it.
_COMMON = FOLDER / "common.yaml"
COMMON = CommonFile.model_validate(load_yaml(_COMMON)).rules if _COMMON.is_file() else []


def _rules() -> list[tuple[str, RuleSpec]]:
    return [(stem, rule) for stem, pack in PACKS.items() for rule in pack.rules] + [("common", r) for r in COMMON]


def _fund_rules(stem: str) -> list[RuleSpec]:
    """A fund's rules as the loader compiles them: its pack's, then the common ones that name it."""
    return [*PACKS[stem].rules, *(r for r in COMMON if FUNDS[stem] in r.funds)]


@pytest.mark.parametrize(("stem", "rule"), _rules(), ids=[f"{s}.{r.id}" for s, r in _rules()])
def test_rule_cites_a_declared_act_and_an_article(stem: str, rule: RuleSpec) -> None:
    assert rule.citation.act in ACTS, f"{stem}.{rule.id}: act {rule.citation.act!r} not in acts.yaml"
    assert rule.citation.article, f"{stem}.{rule.id}: cite the article, not only the act"
    assert ACTS[rule.citation.act].link, f"{stem}.{rule.id}: the cited act has no link"


@pytest.mark.parametrize(("stem", "rule"), _rules(), ids=[f"{s}.{r.id}" for s, r in _rules()])
def test_rule_note_names_its_label_and_verified_follows_it(stem: str, rule: RuleSpec) -> None:
    assert rule.note, f"{stem}.{rule.id}: add a note with the source and its confidence label"
    match = LABEL.match(rule.note)
    assert match, f"{stem}.{rule.id}: the note must open with [Q], [S], [R] or [U]"
    assert rule.verified == (match.group(1) == "Q"), (
        f"{stem}.{rule.id}: label [{match.group(1)}] but verified: {str(rule.verified).lower()}"
    )
    assert ".md" in rule.note or "legalize-eu" in rule.note, f"{stem}.{rule.id}: the note names no source"


@pytest.mark.parametrize(("stem", "rule"), _rules(), ids=[f"{s}.{r.id}" for s, r in _rules()])
def test_rules_on_rarely_known_inputs_only_ask(stem: str, rule: RuleSpec) -> None:
    if any(re.search(rf"\b{fact}\b", rule.when) for fact in QUESTION_FACTS):
        assert rule.unknown_effect == "question", f"{stem}.{rule.id}: use unknown_effect: question"


@pytest.mark.parametrize("stem", list(FUNDS))
def test_pack_is_for_its_fund_and_keeps_referenced_ids(stem: str) -> None:
    pack = PACKS[stem]
    assert pack.fund == FUNDS[stem] and pack.period == DEFAULT_PERIOD
    ids = [r.id for r in _fund_rules(stem)]
    assert len(ids) == len(set(ids))
    assert KEPT_IDS[stem] <= set(ids)


@pytest.mark.parametrize("stem", list(FUNDS))
def test_cross_cutting_rules_are_in_every_pack(stem: str) -> None:
    rules = {r.id: r for r in _fund_rules(stem)}
    assert rules["expenditure_period"].kind.value == "requirement"
    assert "d'2029-12-31'" in rules["expenditure_period"].when
    assert rules["operation_completed"].kind.value == "exclusion"
    member_state = [r for r in _fund_rules(stem) if r.when.strip() == "member_state"]
    assert member_state, f"{stem}: no rule on an applicant outside the EU-27"


def test_eu_citizens_alone_fail_amif_and_denmark_is_excluded() -> None:
    rules = {r.id: r for r in PACKS["amif"].rules}
    tcn = rules["third_country_nationals_targeted"].when
    assert "general_population" not in tcn and "roma" not in tcn and "refugees" in tcn
    assert rules["denmark_does_not_take_part"].kind.value == "exclusion"


def test_lag_population_band_is_never_an_eu_level_fail() -> None:
    for rule in PACKS["eafrd"].rules:
        if "population" in rule.when:
            assert rule.kind.value == "preference" and not rule.verified, rule.id


def test_interreg_border_area_is_not_required() -> None:
    # Strand A needs a cross-border area; strands B and C do not, so border_region cannot be a requirement.
    for rule in PACKS["interreg"].rules:
        if "border_region" in rule.when:
            assert rule.kind.value == "preference", rule.id


def test_co_financing_tiers() -> None:
    def rates(stem: str) -> dict[str, tuple[float, float | None]]:
        return {r.id: (r.rate, r.rate_max) for r in PACKS[stem].co_financing.rates}

    for stem in ("esf_plus", "erdf"):
        # CPR Art. 112(3): the tiers that the 2014–2020 category decides come before the ranges they narrow.
        assert {k: v for k, v in rates(stem).items() if k != "most_deprived_priority"} == {
            "outermost": (0.85, None),
            "less_developed": (0.85, None),
            "transition_was_less_developed": (0.70, None),
            "transition_otherwise": (0.60, None),
            "more_developed_was_below": (0.50, None),
            "more_developed_was_more_developed": (0.40, 0.50),
            "transition": (0.60, 0.70),
            "more_developed": (0.40, 0.50),
        }
    # ESF+ Art. 10: a dedicated priority for the most deprived has 90 % in every category of region.
    assert rates("esf_plus")["most_deprived_priority"] == (0.90, None)
    assert "most_deprived_priority" not in rates("erdf")
    assert rates("interreg") == {"interreg_ceiling": (0.80, None)}
    assert rates("amif")["standard"] == (0.75, None) and rates("amif")["annex_iv_local_integration"] == (0.90, None)
    assert rates("eafrd")["leader"] == (0.80, None) and rates("eafrd")["other_regions"] == (0.43, None)


@pytest.mark.parametrize("stem", list(FUNDS))
def test_every_fund_has_at_least_twelve_cases_with_sentence_names(stem: str) -> None:
    cases = load_cases(FOLDER / "tests" / f"{stem}.yaml")
    assert len(cases) >= 12
    names = [c.name for c in cases]
    assert len(names) == len(set(names))
    for case in cases:
        assert case.name[0].isupper() and case.name.endswith("."), case.name
        # A case lists the funds it is about (others are unchecked), so a new fund touches no other file.
        assert case.expect and set(case.expect) <= set(FUNDS.values()), case.name


@pytest.mark.parametrize("stem", list(FUNDS))
def test_expected_failing_ids_exist_in_their_pack(stem: str) -> None:
    ids = {FUNDS[s]: {r.id for r in _fund_rules(s) if r.kind.value != "preference"} for s in PACKS}
    for case in load_cases(FOLDER / "tests" / f"{stem}.yaml"):
        for fund, expected in case.expectations().items():
            for rule_id in expected.fails or []:
                assert rule_id in ids[fund], f"{Path(case.file).name}:{case.line}: {fund} has no rule {rule_id}"
