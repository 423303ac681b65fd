"""``bench/truth.py`` lists misses for the tuning half only: the check half is reported in aggregate.

The development set's rule is that weights are tuned on the tuning half and the check half is never read case by
case; the script's ``--show-misses`` keeps to it. A fixture folder of two cases (one per half, both certain to be
missed: an integration course for refugees said to be paid by Interreg) stands in for the real set.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from .conftest import REPO

sys.path[:0] = [str(REPO / "bench")]
truth: Any = importlib.import_module("truth")

_IDEA = "We run German courses and job coaching for refugees in our town."


def _case(case_id: str) -> dict[str, Any]:
    return {
        "id": case_id,
        "kind": "funded",
        "paid_by": "INTERREG",
        "country": "DE",
        "population": 30000,
        "degurba": 2,
        "idea": _IDEA,
    }


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # fixture-0 falls in the tuning half, fixture-2 in the check half (first hex digit of the SHA-256 of the id)
    assert truth.half_of("fixture-0") == "tuning" and truth.half_of("fixture-2") == "check"
    (tmp_path / "cases.yaml").write_text(yaml.safe_dump([_case("fixture-0"), _case("fixture-2")]), encoding="utf-8")
    monkeypatch.setattr(truth.LauIndex, "load", classmethod(lambda cls, path=None: cls()))  # no LAU list needed
    return tmp_path


def test_misses_are_listed_for_the_tuning_half_with_fit_and_likelihood(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert truth.main(["--folder", str(folder), "--mode", "text", "--show-misses"]) == 0
    out = capsys.readouterr().out
    misses = [line for line in out.splitlines() if "MISS" in line]
    assert len(misses) == 1 and "fixture-0" in misses[0], out
    # each listed fund shows its status and fit × likelihood
    assert "paid INTERREG, ranked AMIF eligible " in misses[0] and "×" in misses[0], misses[0]
    assert "fixture-2" not in out
    assert "misses are listed for the tuning half only" in out


def test_the_check_half_alone_lists_no_case(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert truth.main(["--folder", str(folder), "--half", "check", "--mode", "text", "--show-misses"]) == 0
    out = capsys.readouterr().out
    assert "MISS" not in out and "fixture-2" not in out
    assert "top-1   0.0 % (0/1)" in out  # the aggregate figures are still printed


def test_the_wilson_interval_has_its_closed_form_at_none_and_all() -> None:
    # With no hit the upper bound is z² / (n + z²); with every hit the lower bound is n / (n + z²).
    z2 = 1.96**2
    assert truth.wilson(0, 10) == pytest.approx((0.0, z2 / (10 + z2)))
    assert truth.wilson(10, 10) == pytest.approx((10 / (10 + z2), 1.0))
    assert truth.wilson(0, 0) == (0.0, 1.0)


@given(total=st.integers(1, 500), data=st.data())
def test_the_wilson_interval_holds_the_share_and_narrows_as_the_set_grows(total: int, data: st.DataObject) -> None:
    hit = data.draw(st.integers(0, total))
    low, high = truth.wilson(hit, total)
    assert 0.0 <= low <= hit / total <= high <= 1.0
    narrower_low, narrower_high = truth.wilson(4 * hit, 4 * total)
    assert narrower_high - narrower_low < high - low


def test_the_figures_are_printed_with_their_intervals(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert truth.main(["--folder", str(folder), "--half", "check", "--mode", "text"]) == 0
    out = capsys.readouterr().out
    low, high = truth.wilson(0, 1)
    assert f"95 % intervals (Wilson): top-1 {100 * low:.0f}–{100 * high:.0f} %" in out
