"""Interreg programme areas 2021–2027: which programmes cover a NUTS region, read from a shipped table.

The areas are data, not code (``rules/<period>/interreg_areas.csv``, one row per programme and region, each
with its source), so adding a programme is adding rows. The table is partial: a region found in it lies in
that programme's area (positive evidence, with the source); a region not found is *unknown*, never "not
covered", because most programmes are not transcribed yet. Callers get an empty list and must say "unknown".

Cross-border programmes (strand A) list NUTS-3 regions; transnational ones (strand B) may list NUTS-2
regions, which cover every NUTS-3 region beneath them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fundmatch._countries import NUTS_CODE
from fundmatch._errors import RulePackError, did_you_mean
from fundmatch._files import FileProblem, open_table
from fundmatch._resources import DEFAULT_PERIOD, PeriodLayout, period_folder

_COLUMNS = ("programme_code", "programme_name", "strand", "nuts3_code", "nuts_version", "source")
# Interreg Regulation (EU) 2021/1059 Art. 3: A cross-border, B transnational, C interregional, D outermost.
_STRANDS = frozenset({"A", "B", "C", "D"})


@dataclass(frozen=True, slots=True)
class Programme:
    """An Interreg programme whose area includes a region, with the row that says so."""

    code: str | None
    name: str
    strand: str
    source: str
    region: str
    nuts_version: str

    @property
    def cross_border(self) -> bool:
        """True for strand A (cross-border) programmes, the ones that make a region a border region."""
        return self.strand == "A"


class InterregAreas:
    """NUTS code → the Interreg programmes whose area is known to include it."""

    def __init__(self, rows: dict[str, list[Programme]], path: Path | None = None) -> None:
        self._rows = rows
        self.path = path

    @classmethod
    def load(cls, path: str | Path) -> InterregAreas:
        """Read a table with the columns of ``interreg_areas.csv``; a bad row raises `RulePackError`."""
        path = Path(path)
        rows: dict[str, list[Programme]] = {}
        seen: dict[tuple[str, str], int] = {}
        strands: dict[str, str] = {}
        try:
            with open_table(path) as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames or []
                missing = [c for c in _COLUMNS if c not in header]
                if missing:
                    unknown = [h for h in header if h not in _COLUMNS]
                    hint = did_you_mean(missing[0], unknown) if unknown else None
                    raise RulePackError(
                        f"missing column(s) {', '.join(missing)}", path=path, line=1, field=missing[0], suggestion=hint
                    )
                for line, row in enumerate(reader, start=2):
                    if None in row or any(row[c] is None for c in _COLUMNS):
                        raise RulePackError("wrong number of columns", path=path, line=line)
                    name = row["programme_name"].strip()
                    code = row["programme_code"].strip() or None
                    strand = row["strand"].strip().upper()
                    region = row["nuts3_code"].strip().upper()
                    source = row["source"].strip()
                    if not name:
                        raise RulePackError("empty programme_name", path=path, line=line, field="programme_name")
                    if strand not in _STRANDS:
                        raise RulePackError(
                            f"unknown strand '{row['strand']}' (A, B, C or D)", path=path, line=line, field="strand"
                        )
                    if not NUTS_CODE.match(region):
                        raise RulePackError(
                            f"'{row['nuts3_code']}' is not a NUTS-2 or NUTS-3 code",
                            path=path,
                            line=line,
                            field="nuts3_code",
                        )
                    if not source:
                        # Every row is evidence for an officer; evidence without a source is not shipped.
                        raise RulePackError("empty source", path=path, line=line, field="source")
                    if strands.setdefault(name, strand) != strand:
                        raise RulePackError(
                            f"programme '{name}' has strand {strand} here and {strands[name]} above",
                            path=path,
                            line=line,
                            field="strand",
                        )
                    if (name, region) in seen:
                        raise RulePackError(
                            f"{region} is listed twice for '{name}' (first on line {seen[(name, region)]})",
                            path=path,
                            line=line,
                            field="nuts3_code",
                        )
                    seen[(name, region)] = line
                    rows.setdefault(region, []).append(
                        Programme(code, name, strand, source, region, row["nuts_version"].strip())
                    )
        except (OSError, FileProblem, csv.Error) as exc:
            raise RulePackError(f"cannot read the Interreg areas table: {exc}", path=path) from None
        except UnicodeDecodeError as exc:
            raise RulePackError(f"not UTF-8 text ({exc.reason})", path=path) from None
        return cls(rows, path)

    def programmes_for(self, nuts: str) -> list[Programme]:
        """The programmes known to cover a NUTS-3 code (or a NUTS-2 code listed as such); [] means unknown.

        A NUTS-3 code is also matched by a NUTS-2 row above it (transnational programmes list NUTS-2).

        Example:
            >>> [p.name for p in shipped_areas().programmes_for("ITH10")][:1]
            ['Interreg VI-A Italia-Österreich (Italy-Austria)']
        """
        code = nuts.strip().upper()
        if not NUTS_CODE.match(code):
            return []
        found = list(self._rows.get(code, []))
        if len(code) == 5:
            found += self._rows.get(code[:4], [])
        return found

    @property
    def programmes(self) -> list[str]:
        """The names of the programmes in the table, sorted."""
        return sorted({p.name for rows in self._rows.values() for p in rows})

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())

    def __iter__(self) -> Iterator[Programme]:
        """Every row of the table: one programme and one region."""
        return (programme for rows in self._rows.values() for programme in rows)


@lru_cache(maxsize=4)
def shipped_areas(period: str = DEFAULT_PERIOD) -> InterregAreas:
    """The programme areas shipped with the rule packs of ``period``, read once."""
    return InterregAreas.load(PeriodLayout(period_folder(period)).areas)
