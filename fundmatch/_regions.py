"""Categories of region for 2021–2027 (CPR Art. 108(2)), from the table shipped with the rule packs.

The table is data with provenance per row: a derived category is reported with the row's source, and rows
derived close to a threshold are flagged as doubtful rather than passed off as certain.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fundmatch._errors import RulePackError
from fundmatch._files import FileProblem, open_table
from fundmatch._ids import RegionCategory
from fundmatch._resources import DEFAULT_PERIOD, PeriodLayout, period_folder

_COLUMNS = ("nuts2_code", "name", "category_2021_2027", "category_2014_2020", "outermost", "source")


@dataclass(frozen=True, slots=True)
class Region:
    """One NUTS-2 region of the table."""

    nuts2: str
    name: str
    category: RegionCategory
    outermost: bool
    source: str
    # The category of 2014–2020 (Decision 2014/99/EU), which decides CPR Art. 112(3)(b) and (d); None where the
    # table has none. `inferred_2014_2020`: the row's source infers it from a programme covering several regions.
    category_2014_2020: RegionCategory | None = None
    inferred_2014_2020: bool = False

    @property
    def source_2021_2027(self) -> str:
        """The part of the source that gives the 2021–2027 category (before " | 2014-2020 ")."""
        return self.source.partition(" | 2014-2020 ")[0]

    @property
    def source_2014_2020(self) -> str:
        """The part of the source that gives the 2014–2020 category (after " | 2014-2020 ")."""
        _, _, tail = self.source.partition(" | 2014-2020 ")
        return f"2014-2020 {tail}" if tail else ""

    @property
    def doubtful(self) -> bool:
        """True when the category was derived within 5 points of a threshold and not confirmed."""
        return self.source.startswith("DOUBTFUL")


class RegionTable:
    """NUTS-2 code → category of region, with the source of each row."""

    def __init__(
        self,
        regions: dict[str, Region],
        path: Path | None = None,
        *,
        act: str | None = None,
        nuts_version: str | None = None,
    ) -> None:
        self._regions = regions
        self.path = path
        # What the table transcribes and which NUTS codes it uses (period.yaml ``tables:``), for the sentences
        # that cite it.
        self.act = act
        self.nuts_version = nuts_version

    @classmethod
    def load(cls, path: str | Path, *, act: str | None = None, nuts_version: str | None = None) -> RegionTable:
        """Read a table with the columns of ``region_categories.csv``; a bad row raises `RulePackError`."""
        path = Path(path)
        regions: dict[str, Region] = {}
        try:
            with open_table(path) as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in _COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise RulePackError(f"missing column(s) {', '.join(missing)}", path=path, line=1)
                for line, row in enumerate(reader, start=2):
                    code = (row["nuts2_code"] or "").strip().upper()
                    raw = (row["category_2021_2027"] or "").strip().replace(" ", "_")
                    try:
                        category = RegionCategory(raw)
                    except ValueError:
                        raise RulePackError(
                            f"unknown category '{row['category_2021_2027']}'",
                            path=path,
                            line=line,
                            field="category_2021_2027",
                        ) from None
                    raw_old = (row["category_2014_2020"] or "").strip().replace(" ", "_")
                    try:
                        old = RegionCategory(raw_old) if raw_old else None
                    except ValueError:
                        raise RulePackError(
                            f"unknown 2014–2020 category '{row['category_2014_2020']}'",
                            path=path,
                            line=line,
                            field="category_2014_2020",
                        ) from None
                    if len(code) != 4 or code in regions:
                        raise RulePackError(
                            f"bad or repeated NUTS-2 code '{code}'", path=path, line=line, field="nuts2_code"
                        )
                    regions[code] = Region(
                        nuts2=code,
                        name=row["name"].strip(),
                        category=category,
                        outermost=row["outermost"].strip().lower() == "yes",
                        source=row["source"].strip(),
                        category_2014_2020=old,
                        inferred_2014_2020=old is not None
                        and "(inferred)" in row["source"].partition(" | 2014-2020 ")[2],
                    )
        except (OSError, FileProblem, csv.Error) as exc:
            raise RulePackError(f"cannot read region table: {exc}", path=path) from None
        return cls(regions, path, act=act, nuts_version=nuts_version)

    def lookup(self, nuts: str) -> Region | None:
        """The NUTS-2 region of a level-2 or level-3 code, or None when the table does not have it."""
        return self._regions.get(nuts[:4].upper())

    def __len__(self) -> int:
        return len(self._regions)

    def __iter__(self) -> Iterator[Region]:
        """The regions in the table's order."""
        return iter(self._regions.values())


def shipped_regions(period: str = DEFAULT_PERIOD) -> RegionTable:
    """The table of regions shipped with the packs of ``period`` (read once)."""
    return _shipped_regions(period)


@lru_cache(maxsize=4)
def _shipped_regions(period: str) -> RegionTable:
    return RegionTable.load(PeriodLayout(period_folder(period)).regions)
