"""Batch screening: identical to one-by-one matching, lazy when asked, light in summary form."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import fundmatch
from fundmatch.testing import municipalities, project_ideas

from .conftest import idea, profile

PACK = fundmatch.load_rules()


@given(st.lists(municipalities(), max_size=6), project_ideas())
def test_match_many_is_identical_to_match_one_by_one(profiles: list, one_idea: fundmatch.ProjectIdea) -> None:
    batch = PACK.match_many(profiles, one_idea)
    assert [r.model_dump_json() for r in batch] == [PACK.match(p, one_idea).model_dump_json() for p in profiles]


@given(st.lists(municipalities(), max_size=6), project_ideas())
def test_summary_agrees_with_full_reports(profiles: list, one_idea: fundmatch.ProjectIdea) -> None:
    full = PACK.match_many(profiles, one_idea)
    summary = PACK.match_many(profiles, one_idea, detail="summary")
    assert len(full) == len(summary)
    for report, short in zip(full, summary, strict=True):
        assert short.municipality == report.municipality.name
        assert [(r.fund, r.status, r.score) for r in short.ranking] == [
            (r.fund, r.status, r.score) for r in report.ranking
        ]
        for item in report.ranking:
            s = short[item.fund.value]
            assert (s.rate, s.amount_eur) == (item.co_financing.rate, item.co_financing.amount_eur)
            assert s.failed == [h.rule_id for h in item.failed()]
            assert set(s.missing) == {m.field for m in item.missing if m.rule_ids != ["co_financing"]} | (
                {m.field for m in item.missing if m.rule_ids == ["co_financing"]} & set(s.missing)
            )


def test_iter_match_is_lazy() -> None:
    endless = (profile(population=1000 + n) for n in itertools.count())
    first = list(itertools.islice(PACK.iter_match(endless, idea(), detail="summary"), 3))
    assert [r.municipality for r in first] == ["Tarvisio"] * 3


def test_progress_callback_counts_every_municipality() -> None:
    seen: list[tuple[int, int | None]] = []
    PACK.match_many([profile(), profile(), profile()], idea(), progress=lambda done, total: seen.append((done, total)))
    assert seen == [(1, 3), (2, 3), (3, 3)]


def test_no_progress_output_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    PACK.match_many([profile()] * 3, idea())
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_plain_progress_on_stderr(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    PACK.match_many([profile()] * 3, idea(), progress=True)
    assert "3/3 municipalities screened" in capsys.readouterr().err


def test_bad_detail_is_a_profile_error() -> None:
    with pytest.raises(fundmatch.ProfileError, match="detail must be"):
        PACK.match_many([profile()], idea(), detail="everything")  # type: ignore[call-overload]


def test_bad_municipality_in_a_batch_names_the_field() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="population"):
        PACK.match_many([profile(), profile(population="many")], idea())
