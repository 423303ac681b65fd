"""Where the shipped rule packs are: inside the installed package, or in a source checkout's ``rules/``."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from fundmatch._errors import RulePackError


def rules_root() -> Path:
    """The folder holding one sub-folder per period."""
    # The wheel carries the top-level rules/ as fundmatch/rules (hatch force-include).
    packaged = Path(str(resources.files("fundmatch"))) / "rules"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent / "rules"
    if checkout.is_dir():
        return checkout
    raise RulePackError("the shipped rule packs are missing from this installation", path=packaged)


def periods() -> list[str]:
    """The periods shipped, oldest first."""
    return sorted(p.name for p in rules_root().iterdir() if (p / "period.yaml").is_file())


def period_folder(period: str) -> Path:
    """The folder of one shipped period; an unknown period raises `RulePackError`."""
    folder = rules_root() / period
    if not (folder / "period.yaml").is_file():
        raise RulePackError(f"no rule packs for period '{period}' (shipped: {', '.join(periods())})")
    return folder
