"""Where the rule packs are, and what a period folder holds: the one place that knows its layout.

The shipped packs sit inside the installed package or in a source checkout's ``rules/``; a user's own folder
has the same layout. Every other module asks a `PeriodLayout` for a file instead of spelling its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from fundmatch._errors import RulePackError
from fundmatch._files import FileProblem, confined

#: The programming period used when none is given (the only place the code names a period).
DEFAULT_PERIOD = "2021-2027"


@dataclass(frozen=True, slots=True)
class PeriodLayout:
    """The files of one period folder.

    ``period.yaml`` names the period, its version and its funds (each fund's pack file); ``acts.yaml`` the acts
    cited; ``common.yaml`` (optional) the rules several funds share, each naming its funds (a pack may place one
    among its own rules with ``- common: <id>``); one ``<file>.yaml`` per fund; the optional tables
    ``region_categories.csv`` and ``interreg_areas.csv`` and the optional ``vocabulary.yaml``; and
    ``tests/*.yaml``, the YAML test cases.
    """

    folder: Path

    def _file(self, name: str) -> Path:
        # A folder is confined to itself: no '..', no absolute name, no symlink leading out of it.
        try:
            return confined(self.folder, name)
        except FileProblem as exc:
            raise RulePackError(str(exc), path=self.folder / name) from None

    @property
    def period_file(self) -> Path:
        return self._file("period.yaml")

    @property
    def acts(self) -> Path:
        return self._file("acts.yaml")

    @property
    def common(self) -> Path:
        return self._file("common.yaml")

    def pack(self, stem: str) -> Path:
        """The pack file of one fund, by the name ``period.yaml`` gives it (without ``.yaml``)."""
        return self._file(f"{stem}.yaml")

    @property
    def regions(self) -> Path:
        return self._file("region_categories.csv")

    @property
    def areas(self) -> Path:
        return self._file("interreg_areas.csv")

    @property
    def vocabulary(self) -> Path:
        return self._file("vocabulary.yaml")

    @property
    def tests(self) -> Path:
        return self.folder / "tests"

    def case_files(self) -> list[Path]:
        """The YAML test-case files, sorted."""
        return sorted(self._file(f"tests/{p.name}") for p in self.tests.glob("*.yaml"))


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
    return sorted(p.name for p in rules_root().iterdir() if PeriodLayout(p).period_file.is_file())


def period_folder(period: str = DEFAULT_PERIOD) -> Path:
    """The folder of one shipped period; an unknown period raises `RulePackError`."""
    # A period is a folder name of rules/, never a path: "../x" or a NUL byte is no period.
    shipped = periods()
    if period not in shipped:
        raise RulePackError(f"no rule packs for period {period!r} (shipped: {', '.join(shipped)})")
    return rules_root() / period  # `periods` lists only folders with a period file
