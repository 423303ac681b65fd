"""Garbage in, clear errors out: hypothesis drives match and match_many with strategies of its own.

The strategies are written here from the models' field names and plain hypothesis primitives, not taken from
fundmatch.testing, so that they do not share that module's idea of what a valid input looks like. Every call
must end in a report or in pydantic's ValidationError / a FundmatchError, and match_many must agree with match.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

import fundmatch
from fundmatch import FundmatchError

PACK = fundmatch.load_rules()

_ANY_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.binary(max_size=8),
)
_ANY = st.recursive(_ANY_SCALAR, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3), max_leaves=8)  # fmt: skip
# Text from every Unicode plane, with the characters NFKD expands most (U+FDFA is 18 letters) well represented.
_TEXT = st.text(alphabet=st.characters(codec=None) | st.sampled_from("\ufdfa\ufb03ß\u0130İ\u00a0 .,;:-"), max_size=300)
# A title or name an officer could type: letters first, then anything.
_NAME = st.builds(lambda a, b: a + b, st.text(st.characters(categories=["L"]), min_size=1, max_size=20), _TEXT)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # Mostly a value of the right kind, sometimes anything: with every field garbage half the time, hardly a
    # profile would ever get past validation.
    return st.integers(0, 11).flatmap(lambda i: _ANY if i == 0 else strategy)


profiles = st.fixed_dictionaries(
    {
        "name": _maybe(_NAME),
        "country": _maybe(st.sampled_from(["DE", "IT", "SE", "EL", "GR", "DK", "XX", "de", "", "NO"])),
        "population": _maybe(st.integers(min_value=-10, max_value=60_000_000)),
    },
    optional={
        "nuts": _maybe(st.sampled_from(["DE123", "ITH42", "SE123", "XX999", "D", ""])),
        "degurba": _maybe(st.integers(min_value=0, max_value=4)),
        "leader_lag": _maybe(st.booleans()),
        "border_region": _maybe(st.booleans()),
        "eu_project_staff_fte": _maybe(st.floats(min_value=-1, max_value=100)),
        "third_country_national_share": _maybe(st.floats(min_value=-1, max_value=2)),
        "unexpected": _ANY,
    },
)
ideas = st.fixed_dictionaries(
    {"title": _maybe(_NAME)},
    optional={
        "description": _maybe(_TEXT),
        "themes": _maybe(st.lists(st.sampled_from(["migrant_integration", "language_learning", "nonsense"]))),
        "budget_eur": _maybe(st.integers(min_value=-1, max_value=10**12)),
        "duration_months": _maybe(st.integers(min_value=-1, max_value=2000)),
        "start_date": _maybe(st.dates().map(str)),
        "partners": _maybe(st.lists(st.fixed_dictionaries({"country": st.sampled_from(["AT", "XX"])}), max_size=2)),
    },
)
funds = st.one_of(
    st.none(), st.none(), st.none(), st.lists(st.sampled_from(["AMIF", "esf", "LEADER", "BOGUS", ""]), max_size=3), _ANY
)

_CLEAN = (ValidationError, FundmatchError)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profile=profiles, idea=ideas, chosen=funds)
def test_match_ends_in_a_report_or_a_clear_error(profile: dict[str, Any], idea: dict[str, Any], chosen: Any) -> None:
    try:
        report = PACK.match(profile, idea, funds=chosen)
    except _CLEAN as exc:
        assert str(exc)  # a message, and (pydantic or ours) never a raw traceback
        return
    assert {r.status for r in report.ranking} <= set(fundmatch.Status)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(profiles, min_size=1, max_size=4), idea=ideas)
def test_match_many_agrees_with_match_one_by_one(batch: list[dict[str, Any]], idea: dict[str, Any]) -> None:
    singles: list[Any] = []
    for profile in batch:
        try:
            singles.append(PACK.match(profile, idea))
        except _CLEAN as exc:
            singles.append(type(exc))
    if all(not isinstance(s, type) for s in singles):
        many = PACK.match_many(batch, idea, detail="summary")
        assert [[(str(f.fund), f.status) for f in s.ranking] for s in many] == [
            [(str(f.fund), f.status) for f in r.ranking] for r in singles
        ]
    else:
        try:
            list(PACK.iter_match(batch, idea, detail="summary"))
        except _CLEAN:
            return
        raise AssertionError("a batch with a bad profile was screened without an error")


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.characters(codec="utf-8", exclude_characters="\r"), max_size=60), bom=st.booleans())
def test_table_lines_give_back_the_text_line_by_line(text: str, bom: bool) -> None:
    import io

    from fundmatch._batch import TextLines

    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    lines = list(TextLines(io.BytesIO(data)))
    assert "".join(lines) == text
    assert all(line.endswith("\n") for line in lines[:-1]) and all("\n" not in line[:-1] for line in lines)
