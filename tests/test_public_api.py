"""The public surface: exactly what __all__ says, typed, and documented."""

from __future__ import annotations

import inspect
from pathlib import Path

import fundmatch


def test_all_is_sorted_and_exactly_the_public_names() -> None:
    assert list(fundmatch.__all__) == sorted(fundmatch.__all__)
    # dir(), not vars(): RulePack is imported on first use (so that `import fundmatch` skips rule-engine).
    public = {name for name in dir(fundmatch) if not name.startswith("_")}
    # Submodules imported as a side effect and typing helpers are not part of the API.
    public -= {name for name in public if inspect.ismodule(getattr(fundmatch, name))}
    public -= {
        "annotations",
        "Any",
        "Mapping",
        "Sequence",
        "Path",
        "TYPE_CHECKING",
        "lru_cache",
        "version",
        "PackageNotFoundError",
    }
    assert public == set(fundmatch.__all__)


def test_every_public_name_has_a_docstring() -> None:
    for name in fundmatch.__all__:
        obj = getattr(fundmatch, name)
        if callable(obj):
            assert inspect.getdoc(obj), name


def test_package_is_typed() -> None:
    assert (Path(fundmatch.__file__).parent / "py.typed").is_file()


def test_version_is_a_string() -> None:
    assert isinstance(fundmatch.__version__, str) and fundmatch.__version__


def test_errors_are_value_errors_under_one_base() -> None:
    for error in (fundmatch.RulePackError, fundmatch.ProfileError):
        assert issubclass(error, fundmatch.FundmatchError)
        assert issubclass(error, ValueError)
