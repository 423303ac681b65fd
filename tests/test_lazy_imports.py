"""What is imported lazily stays lazy: rule-engine only when a rule is parsed, the vocabulary only to infer.

rule-engine builds its parser tables at import (about a quarter of a second), so ``import fundmatch`` and the
commands that evaluate no rule must not import it, nor a match whose expressions are in the load cache. Each
case runs in a fresh interpreter, since this test process has long imported everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import fundmatch
from fundmatch._pack import _vocabulary

_REPORT = "import json, sys; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'rule_engine')))"


def _rule_engine_modules(code: str, cache: Path | str | None = None) -> list[str]:
    env = {**os.environ, "FUNDMATCH_CACHE_DIR": str(cache)} if cache is not None else None
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\n{_REPORT}"], capture_output=True, text=True, timeout=120, check=True, env=env
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_import_fundmatch_does_not_import_rule_engine() -> None:
    assert _rule_engine_modules("import fundmatch") == []


@pytest.mark.parametrize(
    "argv",
    [["places", "find", "Altena"], ["schema"], ["--help"], ["serve", "--help"], ["places", "--help"]],
)
def test_commands_that_evaluate_no_rule_do_not_import_rule_engine(argv: list[str], tmp_path: object) -> None:
    # `places find` with an empty data folder fails cleanly (no register); it still must not import rule-engine.
    args = [*argv, "--data-dir", str(tmp_path)] if argv[:2] == ["places", "find"] else argv
    code = (
        "import contextlib, io\n"
        "from fundmatch._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    try: main({args!r})\n"
        "    except SystemExit: pass"
    )
    assert _rule_engine_modules(code) == []


def test_loading_a_pack_parses_with_rule_engine_once_then_reads_the_cache(tmp_path: Path) -> None:
    # The first load parses (the check would pass vacuously if the report line never saw rule-engine) ...
    load = "import fundmatch; fundmatch.load_rules()"
    assert "rule_engine" in _rule_engine_modules(load, tmp_path)
    assert list(tmp_path.glob("expressions-*.json")), "the first load writes the cache"
    # ... the next process reads every expression back: loading and a whole match, no rule-engine.
    examples = Path(__file__).resolve().parent.parent / "examples"
    match = (
        "import contextlib, io\n"
        "from fundmatch._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['match', {str(examples / 'profiles/bressanone.yaml')!r},"
        f" {str(examples / 'ideas/ausbildungsbruecke.yaml')!r}]) == 0"
    )
    assert _rule_engine_modules(match, tmp_path) == []


def test_without_a_cache_every_load_parses() -> None:
    load = "import fundmatch; fundmatch.load_rules()"
    assert "rule_engine" in _rule_engine_modules(load, "")  # FUNDMATCH_CACHE_DIR= : no cache
    assert "rule_engine" in _rule_engine_modules(load, "")


def test_rule_pack_stays_public_and_typed() -> None:
    from fundmatch import RulePack

    assert fundmatch.RulePack is RulePack
    assert "RulePack" in dir(fundmatch)
    assert isinstance(fundmatch.load_rules(), RulePack)


def test_vocabulary_is_read_on_first_inference_only(tmp_path: object) -> None:
    pack = fundmatch.RulePack(fundmatch.load_rules().folder)
    assert pack._vocabulary is None
    pack.match(
        {"name": "A", "country": "IT", "population": 900},
        {"title": "x", "themes": ["health"], "target_groups": ["refugees"], "activities": ["training"]},
    )
    assert pack._vocabulary is None, "an idea that gives its themes infers nothing"
    _, inferred = pack.infer({"title": "Language café for refugees", "description": "Weekly Italian lessons."})
    assert inferred and pack._vocabulary is not None
    first = pack._vocabulary
    pack.infer({"title": "Another café for refugees"})
    assert _vocabulary(pack) is first, "read once per pack"
