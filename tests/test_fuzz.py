"""No crash on bad input: hostile rule files and malformed inputs raise only our located errors."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import fundmatch
from fundmatch import ProfileError, RulePackError
from fundmatch._resources import period_folder

from .conftest import idea, profile

_SHIPPED = period_folder("2021-2027")
_RULE = yaml.safe_load((_SHIPPED / "interreg.yaml").read_text(encoding="utf-8"))

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["country_count >= 2", "popluation > 3", "1 / 0 > 1", "{x}", "NO", "yes", "", "[", "true"]),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


def _load_with(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "2021-2027"
        shutil.copytree(_SHIPPED, folder)
        (folder / "interreg.yaml").write_text(text, encoding="utf-8")
        pack = fundmatch.load_rules(path=folder)
        pack.match(profile(), idea())


def _only_our_errors(text: str) -> None:
    try:
        _load_with(text)
    except RulePackError as exc:
        assert exc.path is not None and exc.path.name in {"interreg.yaml"}, str(exc)
        assert str(exc).strip()


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=40)
@given(junk)
def test_random_documents_fail_cleanly(document: Any) -> None:
    _only_our_errors(yaml.safe_dump(document))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.sampled_from(sorted(_RULE["rules"][0])), junk)
def test_a_rule_field_replaced_by_junk_fails_cleanly(key: str, value: Any) -> None:
    data = yaml.safe_load(yaml.safe_dump(_RULE))
    data["rules"][0][key] = value
    _only_our_errors(yaml.safe_dump(data, allow_unicode=True))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.sampled_from(["fund", "period", "management", "legal_basis", "co_financing", "rules", "next_steps"]), junk)
def test_a_pack_field_replaced_by_junk_fails_cleanly(key: str, value: Any) -> None:
    data = yaml.safe_load(yaml.safe_dump(_RULE))
    data[key] = value
    _only_our_errors(yaml.safe_dump(data, allow_unicode=True))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=60)
@given(st.text(max_size=300))
def test_arbitrary_text_fails_cleanly(text: str) -> None:
    _only_our_errors(text)


HOSTILE = {
    "python object tag": ("fund: !!python/object/apply:os.system ['echo pwned']\n", "tag not allowed"),
    "python name tag": ("fund: !!python/name:os.system\n", "tag not allowed"),
    "deep nesting": ("a: " + "[" * 5000 + "]" * 5000 + "\n", ""),
    "deep mapping": ("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 400)), ""),
    "huge string": ("fund: " + "x" * 2_000_000 + "\n", ""),
    "not a mapping": ("- just\n- a list\n", "mapping"),
    "empty file": ("", "mapping"),
    "tab indentation": ("fund:\n\tINTERREG\n", "YAML error"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_rule_file(name: str) -> None:
    text, words = HOSTILE[name]
    with pytest.raises(RulePackError) as info:
        _load_with(text)
    assert words in str(info.value) and "interreg.yaml" in str(info.value)


@pytest.mark.parametrize(
    ("new", "words"),
    [
        ("when: unknown_thing >= 2", "unknown symbol 'unknown_thing'"),
        ("when: country_count / 0 > 1", "division by zero"),
        ("when: country_count / (partner_count - partner_count) > 1", "division by zero"),
        ("when: country_count >= 2 and", "syntax error"),
        ("when: country_count.nothing > 1", "two_countries"),
    ],
)
def test_hostile_expressions_fail_with_the_rule_named(new: str, words: str) -> None:
    text = (_SHIPPED / "interreg.yaml").read_text(encoding="utf-8").replace("when: country_count >= 2", new)
    with pytest.raises(RulePackError) as info:
        _load_with(text)
    assert words in str(info.value) and "rule 'two_countries'" in str(info.value)


@pytest.mark.parametrize("new", ["when: " + "(" * 150 + "true" + ")" * 150, "when: true" + " and true" * 300])
def test_large_but_valid_expressions_load(new: str) -> None:
    text = (_SHIPPED / "interreg.yaml").read_text(encoding="utf-8").replace("when: country_count >= 2", new)
    try:
        _load_with(text)
    except RulePackError as exc:  # too deep for the parser is acceptable, if reported as ours
        assert "two_countries" in str(exc)


input_values = st.one_of(
    scalars, st.lists(scalars, max_size=3), st.dictionaries(st.text(max_size=5), scalars, max_size=3)
)


@settings(max_examples=120)
@given(
    st.dictionaries(st.sampled_from([*fundmatch.Municipality.model_fields, "bogus"]), input_values, max_size=8),
    st.dictionaries(st.sampled_from([*fundmatch.ProjectIdea.model_fields, "bogus"]), input_values, max_size=8),
)
def test_malformed_inputs_raise_only_validation_errors(bad_profile: dict, bad_idea: dict) -> None:
    pack = fundmatch.load_rules()
    try:
        pack.match({**profile(), **bad_profile}, {**idea(), **bad_idea})
    except (ValidationError, ProfileError) as exc:
        assert str(exc).strip()


@pytest.mark.parametrize("value", [None, 42, "text", ["a"], object()])
def test_non_mapping_inputs(value: object) -> None:
    with pytest.raises(ProfileError):
        fundmatch.match(value, idea())  # type: ignore[arg-type]
    if isinstance(value, str):
        # An idea may be a sentence (its description); a profile may not.
        assert fundmatch.match(profile(), value).idea.description == value
        with pytest.raises(ProfileError, match="empty"):
            fundmatch.match(profile(), "  ")
        return
    with pytest.raises(ProfileError):
        fundmatch.match(profile(), value)  # type: ignore[arg-type]
