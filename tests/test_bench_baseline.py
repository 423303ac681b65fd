"""The benchmark's hand-written baseline is a second copy of the rules: it must notice when it disagrees.

Agreement itself is checked where the copy is used, by ``bench/run.py``, which stops with exit 1 before timing
anything: a test of agreement would make every rule change a three-file change (pack, case and bench).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from tests.conftest import REPO


def _bench() -> object:
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = module
    spec.loader.exec_module(module)
    return module


def test_baseline_sees_a_disagreement() -> None:
    bench = _bench()
    original = bench.baseline  # type: ignore[attr-defined]

    def off_by_one(profile, idea, regions):  # type: ignore[no-untyped-def]
        results = original(profile, idea, regions)
        return [(fund, status, score + 1, rate) for fund, status, score, rate in results]

    bench.baseline = off_by_one  # type: ignore[attr-defined]
    assert len(bench.agreement(20)) == 20  # type: ignore[attr-defined]
    assert Path(bench.__file__).name == "run.py"  # type: ignore[attr-defined]
