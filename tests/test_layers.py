"""The import layers are a contract (pyproject.toml, checked by lint-imports in CI): every module is in it."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO


def _layers() -> list[set[str]]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"]
    return [{name.strip() for name in layer.replace("|", ":").split(":")} for layer in contract["layers"]]


def test_every_module_has_a_layer() -> None:
    # A module left out of the contract could import anything: each new one must be given its place.
    top_level = {p.stem for p in (REPO / "fundmatch").glob("*.py") if p.stem != "__init__"}
    top_level |= {p.parent.name for p in (REPO / "fundmatch").glob("*/__init__.py")}
    named = set().union(*_layers())
    assert top_level == named, f"not in a layer: {sorted(top_level - named)}; unknown: {sorted(named - top_level)}"


def test_no_module_is_in_two_layers() -> None:
    layers = _layers()
    assert sum(len(layer) for layer in layers) == len(set().union(*layers))
