"""Reading Eurostat's LAU–NUTS lists: xlsx or CSV, sniffed from the content, with Eurostat's column names.

Eurostat changes its headers from year to year, so columns are found by their folded names and aliases; every
row that cannot be read is reported, none dropped silently.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fundmatch._countries import NUTS_CODE
from fundmatch._errors import PlacesError

#: Eurostat's LAU–NUTS lists by reference year (https://ec.europa.eu/eurostat/web/nuts/local-administrative-units).
#: The address pattern is the one Eurostat used for these years; pass ``url=`` when it moves.
_EUROSTAT_BASE = "https://ec.europa.eu/eurostat/documents/345175/501971/"


EUROSTAT_LAU_FILES: dict[int, str] = {
    2019: _EUROSTAT_BASE + "EU-28-LAU-2019-NUTS-2016.xlsx",
    2021: _EUROSTAT_BASE + "EU-27-LAU-2021-NUTS-2021.xlsx",
    2022: _EUROSTAT_BASE + "EU-27-LAU-2022-NUTS-2021.xlsx",
    2023: _EUROSTAT_BASE + "EU-27-LAU-2023-NUTS-2021.xlsx",
    2024: _EUROSTAT_BASE + "EU-27-LAU-2024-NUTS-2024.xlsx",
}


# Eurostat's column headers (xlsx) and the shared CSV's, folded to lower case without spaces and punctuation.
_ALIASES: dict[str, tuple[str, ...]] = {
    "country": ("country", "cntrcode", "cntr_code", "countrycode"),
    "lau": ("laucode", "lau_code", "lauid", "lau_id"),
    "name": ("launamenational", "name", "lau_name", "launame"),
    "name_latin": ("launamelatin", "name_latin"),
    "population": ("population", "pop"),
    "population_year": ("population_year", "populationyear"),
    "degurba": ("degurba",),
    "nuts3": ("nuts3code", "nuts3_code", "nuts_3_code"),
    "coastal": ("coastalarea(yes/no)", "coastalarea", "coastal"),
    "nuts_version": ("nuts_version",),
    "source": ("source",),
}


_REQUIRED = ("lau", "name", "nuts3")


def _header_key(header: Any) -> str:
    return re.sub(r"\s+", "", str(header or "")).lower()


def _column_map(headers: list[Any]) -> dict[str, int]:
    """Our field → column index, from a header row; Eurostat renames columns between years, so be lenient."""
    keys = [_header_key(h) for h in headers]
    found: dict[str, int] = {}
    for field, aliases in _ALIASES.items():
        for i, key in enumerate(keys):
            # "NUTS 3 CODE 2016", "DEGURBA change compared to last year": match the start, skip change columns.
            if "change" in key:
                continue
            if key in aliases or (field in ("nuts3", "coastal") and any(key.startswith(a) for a in aliases)):
                found.setdefault(field, i)
                break
    return found


def _vintage_from_name(filename: str) -> tuple[str | None, str | None]:
    """(LAU year, NUTS version) from a Eurostat file name such as ``EU-28-LAU-2019-NUTS-2016.xlsx``."""
    lau = re.search(r"LAU[-_ ]?(\d{4})", filename, re.IGNORECASE)
    nuts = re.search(r"NUTS[-_ ]?(\d{4})", filename, re.IGNORECASE)
    return (lau.group(1) if lau else None, nuts.group(1) if nuts else None)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # openpyxl hands numeric cells over as floats; "1234.0" is not a LAU code.
        value = int(value)
    return str(value).strip()


#: Larger numbers are no population, year or class (and would not fit sqlite's INTEGER): read as unknown.
_LARGEST = 2**53


#: What LAU files write for "no figure" (a population left out): read as unknown, never refused.
_NO_DATA = frozenset({"", "n/a", "na", "n.a.", ":", "-", "..", "nan"})


def _int_or_none(text: str) -> int | None:
    text = text.replace(" ", "")
    if not text or len(text) > 40:
        return None
    try:
        number = int(float(text))
    except (ValueError, OverflowError):  # "n/a", nan; inf and 1e400
        return None
    return number if 0 <= number < _LARGEST else None


_COUNTRY = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True, slots=True)
class _Row:
    country: str
    lau: str
    name: str
    name_latin: str
    population: int | None
    population_year: int | None
    degurba: int | None
    nuts3: str
    coastal: bool | None


def _rows_from_table(
    rows: Iterable[list[Any]], *, sheet_country: str | None, where: str
) -> Iterator[tuple[_Row, str, str]]:
    """Rows of one table (CSV or one xlsx sheet) → (row, nuts_version, source) with the header found first."""
    columns: dict[str, int] | None = None
    for number, raw in enumerate(rows, start=1):
        cells = [_cell(v) for v in raw]
        if columns is None:
            found = _column_map(cells)
            # Eurostat sheets may open with a title row: the header is the first row naming the LAU code.
            if "lau" in found and "name" in found:
                header = list(cells)
                while header and not header[-1]:
                    header.pop()  # a sheet's trailing empty cells are no columns
                missing = [f for f in _REQUIRED if f not in found]
                if missing:
                    raise PlacesError(f"{where}: no column for {', '.join(missing)} in the header row {number}")
                if "country" not in found and sheet_country is None:
                    raise PlacesError(f"{where}: no country column and the sheet is not named after a country")
                columns = found
            elif number > 20:
                return  # not a LAU sheet (an overview, notes …)
            continue

        def get(field: str, cells: list[str] = cells, columns: dict[str, int] = columns) -> str:
            i = columns.get(field)
            return cells[i] if i is not None and i < len(cells) else ""

        lau, name = get("lau"), get("name")
        if not lau and not name:
            continue  # blank line or a footnote
        if any("\x00" in c for c in cells):
            raise PlacesError(f"{where}, row {number}: a NUL byte in its cells (a damaged file?)")
        if len(cells) < len(header):
            # A cut row (a NUL byte ends a CSV record, a line broken inside a cell): its cells would land in
            # the wrong fields, or be empty, without a word.
            raise PlacesError(f"{where}, row {number}: {len(cells)} cells where the header has {len(header)}")
        population = get("population")
        if _int_or_none(population) is None and population.strip().lower() not in _NO_DATA:
            raise PlacesError(f"{where}, row {number}: population {population[:40]!r} is not a whole number")
        country = (get("country") or sheet_country or "").upper()
        nuts3 = get("nuts3").upper()
        if not _COUNTRY.match(country) or not lau or not name:
            raise PlacesError(f"{where}, row {number}: incomplete row (country, LAU code and name are needed)")
        if lau.upper().startswith(country + "_"):
            lau = lau[len(country) + 1 :]  # newer files may give the GISCO id "DE_05962004"
        degurba = _int_or_none(get("degurba"))
        coastal = get("coastal").lower()
        latin = get("name_latin")
        row = _Row(
            country=country,
            lau=lau,
            name=name,
            name_latin="" if latin == name else latin,
            population=_int_or_none(population),
            population_year=_int_or_none(get("population_year")),
            # DEGURBA 9 means "not classified": unknown, not a fourth class.
            degurba=degurba if degurba in (1, 2, 3) else None,
            nuts3=nuts3 if len(nuts3) == 5 and NUTS_CODE.match(nuts3) else "",
            coastal={"yes": True, "y": True, "no": False, "n": False}.get(coastal),
        )
        yield row, get("nuts_version"), get("source")
    if columns is None and sheet_country is None:
        raise PlacesError(f"{where}: no header row naming a LAU code and a LAU name (is this Eurostat's LAU list?)")


def _check_complete(path: Path) -> None:
    """Refuse a CSV whose last line has no line break: a cut download ends inside a row (``…,707`` of 70773)."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        if handle.tell() == 0:
            return
        handle.seek(-1, 2)
        last = handle.read(1)
    if last not in (b"\n", b"\r"):
        raise PlacesError(
            f"{path.name}: the last line ends without a line break, so its last row may be cut short"
            " (an interrupted download?); fetch the file again, or add the line break if the row is whole"
        )


#: The most an xlsx may inflate to (Eurostat's largest is about 150 MB unpacked), and the most it may grow by.
_XLSX_UNPACKED = 1024 * 1024 * 1024
_XLSX_RATIO = 200


def _check_zip(path: Path) -> None:
    """Refuse a zip bomb before openpyxl inflates it (a 1 MB file whose sheet is 1 GB took 71 s)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            infos = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise PlacesError(f"{path}: cannot open this xlsx file ({exc})") from None
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > _XLSX_UNPACKED or unpacked > _XLSX_RATIO * packed + 10 * 1024 * 1024:
        raise PlacesError(
            f"{path.name}: this xlsx would unpack to {unpacked / 1e6:,.0f} MB from {packed / 1e6:,.1f} MB;"
            " refused as a zip bomb (Eurostat's LAU lists are far smaller)"
        )


def _read_csv(path: Path) -> Iterator[tuple[_Row, str, str]]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    if opener is open:
        _check_complete(path)
    try:
        with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
            sample = handle.read(4096)
            handle.seek(0)
            try:
                dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
            except csv.Error:
                dialect = csv.excel
            yield from _rows_from_table(csv.reader(handle, dialect), sheet_country=None, where=path.name)
    except (OSError, UnicodeDecodeError, EOFError, csv.Error) as exc:
        raise PlacesError(f"{path}: cannot read this CSV file ({exc})") from None


def _read_xlsx(path: Path) -> Iterator[tuple[_Row, str, str]]:
    try:
        import openpyxl
    except ImportError:
        raise PlacesError(f"{path.name}: reading Eurostat's xlsx files needs openpyxl: pip install openpyxl") from None
    _check_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises a zoo of zipfile/XML errors for a broken file
        raise PlacesError(f"{path}: cannot open this xlsx file ({type(exc).__name__}: {exc})") from None
    try:
        names = list(book.sheetnames)
        per_country = [n for n in names if _COUNTRY.match(n.strip().upper())]
        # Eurostat publishes one sheet per country (and sometimes a combined one): read the country sheets
        # when there are any, so that no LAU is read twice.
        for name in per_country or names:
            country = name.strip().upper() if name in per_country else None
            sheet = book[name]
            yield from _rows_from_table(
                (list(r) for r in sheet.iter_rows(values_only=True)),
                sheet_country=country,
                where=f"{path.name} [{name}]",
            )
    finally:
        book.close()


def _read_lau_file(path: Path) -> Iterator[tuple[_Row, str, str]]:
    suffixes = "".join(path.suffixes[-2:]).lower()
    if suffixes.endswith((".xlsx", ".xlsm")):
        return _read_xlsx(path)
    if suffixes.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
        return _read_csv(path)
    with path.open("rb") as handle:
        magic = handle.read(4)
    # An xlsx is a zip file; anything else is tried as CSV.
    return _read_xlsx(path) if magic == b"PK\x03\x04" else _read_csv(path)
