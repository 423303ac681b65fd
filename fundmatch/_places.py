"""The places register: every EU municipality (LAU) from Eurostat's LAU–NUTS lists, for lookup by name.

An officer knows the town's name, not its NUTS-3 code or degree of urbanisation. Eurostat publishes one
file a year listing every local administrative unit (LAU) with its NUTS-3 region, population, degree of
urbanisation (DEGURBA) and coastal flag. fundmatch does not ship that file (it is large and changes every
year): ``fundmatch places import FILE`` or ``fundmatch places download`` turns it into a small local cache
(an sqlite file in the user's data folder), and `find_place` looks names up in it, ranked with rapidfuzz.

Every value keeps where it came from (the file, its vintage and NUTS version), and what is known to be shaky
about it is said, never smoothed over: French and Cypriot rows have no population, Portuguese and Irish LAUs
are parishes and electoral divisions rather than municipalities, DEGURBA 9 means unknown, and the 2019 list
carries NUTS 2016 codes, some of which changed in NUTS 2021.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import threading
import unicodedata
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz, process, utils

from fundmatch._countries import NUTS_CODE, to_eurostat, to_iso
from fundmatch._derive import cross_border_programmes
from fundmatch._errors import PlacesError
from fundmatch._evidence import DerivedValue
from fundmatch._interreg_areas import shipped_areas

__all__ = [
    "EUROSTAT_LAU_FILES",
    "Place",
    "PlacesError",
    "PlacesRegister",
    "data_dir",
    "download_register",
    "find_place",
    "import_register",
    "load_register",
    "profile_from_place",
    "resolve_place",
]

#: Schema of the cache file; a cache written by another schema is refused with a request to re-import.
CACHE_SCHEMA = "1"
CACHE_NAME = "places.sqlite"

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


# --------------------------------------------------------------------------------------------------- model


class Place(BaseModel):
    """One local administrative unit (municipality, parish …) of the register, as a lookup candidate.

    Example:
        >>> p = Place(lau="05962004", name="Altena, Stadt", country="DE", nuts3="DEA58", degurba=3,
        ...           population=16922, vintage="2019", nuts_version="2016", source="EU-28-LAU-2019-NUTS-2016.xlsx")
        >>> p.nuts2, p.label
        ('DEA5', 'Altena, Stadt (DE, DEA58, LAU 05962004)')
    """

    model_config = ConfigDict(frozen=True)

    lau: str = Field(description="LAU code, unique within a country.")
    name: str = Field(description="Official name in the national language(s).")
    name_latin: str | None = Field(default=None, description="Name in Latin script, where Eurostat gives one.")
    country: str = Field(description="Country code as Eurostat writes it (Greece is EL).")
    population: int | None = Field(default=None, description="Inhabitants; None where Eurostat gives none.")
    population_year: int | None = Field(default=None, description="Reference year of the population.")
    degurba: int | None = Field(default=None, description="Degree of urbanisation 1–3; None when unknown (9).")
    nuts3: str | None = Field(default=None, description="NUTS-3 code, in the register's NUTS version.")
    coastal: bool | None = Field(default=None, description="Coastal area (Eurostat's flag); None when not given.")
    vintage: str = Field(description="Reference year of the LAU list.")
    nuts_version: str | None = Field(default=None, description="NUTS version of the codes (2016, 2021 …).")
    source: str = Field(description="The file the register was built from.")
    score: float = Field(default=100.0, description="How well the name matched the query, 0–100.")

    @property
    def nuts2(self) -> str | None:
        """The NUTS-2 code (the first four characters of the NUTS-3 code)."""
        return self.nuts3[:4] if self.nuts3 else None

    @property
    def label(self) -> str:
        """Name, country and codes, enough to tell two candidates apart."""
        return f"{self.name} ({self.country}, {self.nuts3 or 'no NUTS-3'}, LAU {self.lau})"

    @property
    def notes(self) -> list[str]:
        """What an officer should know before trusting this row."""
        return _caveats(self)


# Known NUTS 2016 → 2021 changes among the codes of the 2019 list (Regulation (EU) 2019/1755 amending the NUTS
# annex). Rows under these prefixes are flagged, not translated: some regions were split or re-cut.
_NUTS_2021_CHANGES: dict[str, str] = {
    "BE32": "Hainaut's NUTS-3 regions were redrawn in NUTS 2021 (BE328–BE32D)",
    "EE006": "Estonia's NUTS-3 regions EE006 and EE007 became EE009 and EE00A in NUTS 2021",
    "EE007": "Estonia's NUTS-3 regions EE006 and EE007 became EE009 and EE00A in NUTS 2021",
    "HR04": "continental Croatia (HR04) was split into HR02, HR05 and HR06 in NUTS 2021",
    "ITG2": "Sardinia's provinces were recoded ITG2D–ITG2H in NUTS 2021",
}

# Where the LAU is not what the officer calls a municipality.
_SUB_MUNICIPAL = {
    "PT": "in Portugal the LAUs are parishes (freguesias), not municipalities (concelhos)",
    "IE": "in Ireland the LAUs are electoral divisions, not local authorities",
}


def _nuts_caveat(nuts3: str | None, nuts_version: str | None) -> str | None:
    """Why a NUTS-3 code may not be the NUTS 2021 code the rule tables use, or None."""
    if not nuts3 or nuts_version == "2021":
        return None
    if nuts_version == "2016":
        for prefix, why in _NUTS_2021_CHANGES.items():
            if nuts3.startswith(prefix):
                return f"{nuts3} is a NUTS 2016 code; {why}: check the NUTS 2021 code"
        return None
    return f"{nuts3} is a NUTS {nuts_version or '(unknown version)'} code; fundmatch's tables use NUTS 2021"


def _caveats(place: Place) -> list[str]:
    """Everything shaky about one row, in words."""
    out: list[str] = []
    if place.population is None:
        out.append(f"Eurostat's LAU {place.vintage} list gives no population for {place.country}")
    if place.degurba is None:
        out.append("degree of urbanisation unknown (DEGURBA 9 or empty in the LAU list)")
    why = _nuts_caveat(place.nuts3, place.nuts_version)
    if why:
        out.append(why)
    if place.country in _SUB_MUNICIPAL:
        out.append(_SUB_MUNICIPAL[place.country])
    return out


# ---------------------------------------------------------------------------------------------- normalising

_FOLD = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L",
     "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "Þ": "Th", "ı": "i", "ħ": "h", "Ħ": "H"}
)  # fmt: skip
# Spanish, Catalan, Galician and Balearic names put the article last ("Ejido, El"); people say "El Ejido".
_ARTICLES = frozenset(
    {"el", "la", "los", "las", "l'", "els", "les", "es", "sa", "ses", "o", "a", "os", "as", "lo", "s'"}
)

_DESIGNATION = re.compile(r"stadt|gemeinde|flecken|markt|kurort|^(st|m|gkst|krst)\.?$", re.IGNORECASE)


def _fold(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: what names are compared on."""
    text = unicodedata.normalize("NFKD", text.translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return str(utils.default_process(text))


def _search_key(name: str, country: str) -> str:
    """The form of an official name people type: no German designation, the article in front."""
    head, sep, tail = name.rpartition(", ")
    if sep and tail.strip().lower() in _ARTICLES:
        name = f"{tail.strip()} {head}"
    elif ", " in name and (country == "DE" or _DESIGNATION.search(name.split(", ", 1)[1])):
        # German official names carry a designation after the comma ("Altena, Stadt", "Neustadt a.d.Aisch, St");
        # a query without a country drops only what looks like one.
        name = name.split(", ", 1)[0]
    return _fold(name)


# ---------------------------------------------------------------------------------------------- file import

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


def _int_or_none(text: str) -> int | None:
    text = text.replace(" ", "")
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError:
        return None


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
            population=_int_or_none(get("population")),
            population_year=_int_or_none(get("population_year")),
            # DEGURBA 9 means "not classified": unknown, not a fourth class.
            degurba=degurba if degurba in (1, 2, 3) else None,
            nuts3=nuts3 if len(nuts3) == 5 and NUTS_CODE.match(nuts3) else "",
            coastal={"yes": True, "y": True, "no": False, "n": False}.get(coastal),
        )
        yield row, get("nuts_version"), get("source")
    if columns is None and sheet_country is None:
        raise PlacesError(f"{where}: no header row naming a LAU code and a LAU name (is this Eurostat's LAU list?)")


def _read_csv(path: Path) -> Iterator[tuple[_Row, str, str]]:
    opener = gzip.open if path.suffix.lower() == ".gz" else open
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


# --------------------------------------------------------------------------------------------------- cache


def data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Where fundmatch keeps user data: ``path``, else ``$FUNDMATCH_DATA_DIR``, else the platform's place.

    Linux and other Unix: ``$XDG_DATA_HOME/fundmatch`` (default ``~/.local/share/fundmatch``); Windows:
    ``%LOCALAPPDATA%\\fundmatch``; macOS: ``~/Library/Application Support/fundmatch``.
    """
    return _folder(path)


def _folder(path: str | os.PathLike[str] | None) -> Path:
    if path is not None:
        return Path(path)
    env = os.environ.get("FUNDMATCH_DATA_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = str(Path.home() / "Library" / "Application Support")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "fundmatch"


_CREATE = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (
    country TEXT NOT NULL, lau TEXT NOT NULL, name TEXT NOT NULL, name_latin TEXT NOT NULL,
    population INTEGER, population_year INTEGER, degurba INTEGER, nuts3 TEXT NOT NULL, coastal INTEGER,
    key TEXT NOT NULL, key_latin TEXT NOT NULL,
    PRIMARY KEY (country, lau)
) WITHOUT ROWID;
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def import_register(
    file: str | os.PathLike[str],
    *,
    data_dir: str | os.PathLike[str] | None = None,
    vintage: str | int | None = None,
    source: str | None = None,
) -> PlacesRegister:
    """Read an Eurostat LAU–NUTS list (xlsx as published, or CSV / CSV.gz) into the local cache.

    Args:
        file: the Eurostat file.
        data_dir: the folder of the cache (default: `data_dir`).
        vintage: reference year of the list, when its file name does not say (``EU-28-LAU-2019-…``).
        source: what to cite as the source (default: the file name, or the CSV's own ``source`` column).

    Returns:
        The new register, loaded. The previous cache is replaced only once the new one is complete.

    Raises:
        PlacesError: the file is missing, unreadable, not a LAU list, or needs openpyxl.
    """
    path = Path(file)
    if not path.is_file():
        raise PlacesError(f"{path}: no such file")
    year, nuts_version = _vintage_from_name(path.name)
    seen: set[tuple[str, str]] = set()
    records: list[tuple[Any, ...]] = []
    sources: set[str] = set()
    for row, row_nuts_version, row_source in _read_lau_file(path):
        if (row.country, row.lau) in seen:
            raise PlacesError(f"{path.name}: LAU code {row.country} {row.lau} appears twice")
        seen.add((row.country, row.lau))
        if row_nuts_version:
            nuts_version = nuts_version or row_nuts_version
        if row_source:
            sources.add(row_source)
        key = _search_key(row.name, row.country)
        key_latin = _search_key(row.name_latin, row.country) if row.name_latin else ""
        records.append(
            (
                row.country,
                row.lau,
                row.name,
                row.name_latin,
                row.population,
                # Eurostat's xlsx gives no population year (it is the list's year, or a census year in EL, PT,
                # HR, IE): left open rather than guessed.
                row.population_year,
                row.degurba,
                row.nuts3,
                None if row.coastal is None else int(row.coastal),
                key,
                "" if key_latin == key else key_latin,
            )
        )
    if not records:
        raise PlacesError(f"{path.name}: no LAU rows found")
    if year is None:
        m = re.search(r"LAU[-_ ]?(\d{4})", " ".join(sources), re.IGNORECASE)
        year = m.group(1) if m else None
        if nuts_version is None:
            nuts_version = _vintage_from_name(" ".join(sources))[1]
    year = str(vintage) if vintage is not None else year
    if year is None:
        raise PlacesError(f"{path.name}: cannot tell the LAU list's year from its name; pass --year / vintage=")
    meta = {
        "schema": CACHE_SCHEMA,
        "vintage": year,
        "nuts_version": nuts_version or "",
        "source": source or (sources.pop() if len(sources) == 1 else path.name),
        "file": path.name,
        "sha256": _sha256(path),
        "imported": datetime.now(UTC).isoformat(timespec="seconds"),
        "rows": str(len(records)),
    }
    folder = _folder(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / CACHE_NAME
    # Write beside the target and rename: a failed import never leaves a half-written register behind.
    fd, tmp_name = tempfile.mkstemp(prefix=".places-", suffix=".sqlite", dir=folder)
    os.close(fd)
    try:
        with closing(sqlite3.connect(tmp_name)) as db, db:
            db.executescript(_CREATE)
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", records)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _LOADED.pop(str(target), None)
    return load_register(data_dir=folder)


def download_register(
    year: int | None = None,
    *,
    url: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
) -> PlacesRegister:
    """Fetch Eurostat's LAU–NUTS list for ``year`` (default: the latest known) and import it.

    Args:
        year: reference year; one of `EUROSTAT_LAU_FILES` unless ``url`` is given.
        url: where to fetch the file from instead of Eurostat's usual address.
        data_dir: the folder of the cache.
        timeout: seconds to wait for the server.

    Raises:
        PlacesError: unknown year, no network, an HTTP error, or an unreadable file.
    """
    if url is None:
        year = year or max(EUROSTAT_LAU_FILES)
        if year not in EUROSTAT_LAU_FILES:
            known = ", ".join(str(y) for y in sorted(EUROSTAT_LAU_FILES))
            raise PlacesError(f"no known Eurostat LAU file for {year} (known: {known}); pass its address with --url")
        url = EUROSTAT_LAU_FILES[year]
    filename = url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0] or "lau.xlsx"
    if not _vintage_from_name(filename)[0] and year is None:
        raise PlacesError(f"{url}: the file name does not say the LAU year; pass --year")
    request = urllib.request.Request(url, headers={"User-Agent": "fundmatch (https://pypi.org/project/fundmatch)"})
    with tempfile.TemporaryDirectory(prefix="fundmatch-") as tmp:
        local = Path(tmp) / filename
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response, local.open("wb") as out:
                shutil.copyfileobj(response, out)
        except urllib.error.HTTPError as exc:
            raise PlacesError(f"{url}: the server answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PlacesError(
                f"{url}: cannot download ({reason}); download it yourself and use 'places import'"
            ) from None
        return import_register(local, data_dir=data_dir, vintage=year, source=url)


# -------------------------------------------------------------------------------------------------- lookup


class PlacesRegister:
    """The loaded register: rows in memory, search keys normalised once, an index per country."""

    def __init__(self, rows: list[tuple[Any, ...]], meta: dict[str, str], path: Path | None = None) -> None:
        self.path = path
        self.meta = meta
        self.vintage: str = meta.get("vintage", "")
        self.nuts_version: str | None = meta.get("nuts_version") or None
        self.source: str = meta.get("source", "")
        self._rows = rows
        # One list of search keys per country, and one for all; Latin names are extra keys of the same row.
        self._keys: dict[str | None, tuple[list[str], list[int]]] = {None: ([], [])}
        # Word → rows whose name has that word: finds "Neustadt" in "Neustadt an der Weinstraße" without a
        # slow partial scorer over every name.
        self._words: dict[str, list[int]] = {}
        self._by_lau: dict[tuple[str, str], int] = {}
        all_keys, all_index = self._keys[None]
        for i, row in enumerate(rows):
            country, lau, key, key_latin = row[0], row[1], row[9], row[10]
            self._by_lau[(country, lau)] = i
            keys, index = self._keys.setdefault(country, ([], []))
            for k in (key, key_latin) if key_latin else (key,):
                keys.append(k)
                index.append(i)
                all_keys.append(k)
                all_index.append(i)
                for word in set(k.split()):
                    rows_with = self._words.setdefault(word, [])
                    if not rows_with or rows_with[-1] != i:
                        rows_with.append(i)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def countries(self) -> list[str]:
        """The countries in the register."""
        return sorted(c for c in self._keys if c is not None)

    def _place(self, i: int, score: float = 100.0) -> Place:
        c, lau, name, latin, pop, pop_year, degurba, nuts3, coastal = self._rows[i][:9]
        return Place(
            lau=lau,
            name=name,
            name_latin=latin or None,
            country=c,
            population=pop,
            population_year=pop_year if pop is not None else None,
            degurba=degurba,
            nuts3=nuts3 or None,
            coastal=None if coastal is None else bool(coastal),
            vintage=self.vintage,
            nuts_version=self.nuts_version,
            source=self.source,
            score=round(float(score), 1),
        )

    def get(self, country: str, lau: str) -> Place | None:
        """The place with this LAU code, or None."""
        i = self._by_lau.get((to_eurostat(country), lau.strip()))
        return None if i is None else self._place(i)

    def find(self, name: str, country: str | None = None, *, limit: int = 10, cutoff: float = 75.0) -> list[Place]:
        """Candidates for a name, best first (see `find_place`)."""
        code = to_eurostat(country) if country else None
        query = _search_key(name, code or "")
        if not query or limit < 1 or (code is not None and code not in self._keys):
            return []
        keys, index = self._keys[code]
        best: dict[int, float] = {}
        # Whole-name similarity (Indel ratio) tolerates typos, and is fast enough to run over every name. The
        # keys went through rapidfuzz's default_process (after accent folding) once, at import: a processor here
        # would redo that for 100,000 names on every query.
        for _key, score, position in process.extract(
            query, keys, scorer=fuzz.ratio, processor=None, limit=limit * 3 + 20, score_cutoff=cutoff
        ):
            row = index[position]
            best[row] = max(best.get(row, 0.0), float(score))
        # Names that hold every word of the query ("Neustadt" → "Neustadt an der Weinstraße") score 80–95 by
        # how much of the name the query covers, so a short name inside a long query never wins.
        words = query.split()
        lists = sorted((self._words.get(w, []) for w in words), key=len)
        if lists and lists[0]:
            rows = set(lists[0]).intersection(*lists[1:])
            for row in rows:
                c, key, key_latin = self._rows[row][0], self._rows[row][9], self._rows[row][10]
                if code is not None and c != code:
                    continue
                target = key if set(words) <= set(key.split()) else key_latin
                score = 80.0 + 15.0 * len(query) / max(len(target), len(query))
                if score > best.get(row, 0.0):
                    best[row] = score
        # Ties (many "Neustadt") go to the larger place first: it is the likelier meaning, not a choice.
        ranked = sorted(best.items(), key=lambda item: (-item[1], -(self._rows[item[0]][4] or 0), item[0]))
        return [self._place(i, score) for i, score in ranked[:limit]]


_LOADED: dict[str, tuple[float, PlacesRegister]] = {}
_LOCK = threading.Lock()


def load_register(*, data_dir: str | os.PathLike[str] | None = None) -> PlacesRegister:
    """The cached register from the data folder, loaded once per process (reloaded when the file changes).

    Raises:
        PlacesError: there is no register yet, or it was written by an incompatible version.
    """
    folder = _folder(data_dir)
    path = folder / CACHE_NAME
    try:
        mtime = path.stat().st_mtime
    except OSError:
        raise PlacesError(
            f"no places register in {folder}: run 'fundmatch places import FILE' with Eurostat's LAU list"
            " (or 'fundmatch places download')"
        ) from None
    with _LOCK:
        cached = _LOADED.get(str(path))
        if cached is not None and cached[0] == mtime:
            return cached[1]
        try:
            with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if meta.get("schema") != CACHE_SCHEMA:
                    raise PlacesError(f"{path}: written by another fundmatch version; import the LAU file again")
                rows = db.execute(
                    "SELECT country, lau, name, name_latin, population, population_year, degurba, nuts3, coastal,"
                    " key, key_latin FROM places"
                ).fetchall()
        except sqlite3.Error as exc:
            raise PlacesError(f"{path}: not a readable places register ({exc}); import the LAU file again") from None
        register = PlacesRegister(rows, meta, path)
        _LOADED[str(path)] = (mtime, register)
        return register


def find_place(
    name: str,
    country: str | None = None,
    *,
    register: PlacesRegister | None = None,
    limit: int = 10,
) -> list[Place]:
    """Places whose name is like ``name``, best first; several when the name is ambiguous, never a guess.

    Tolerant of case, accents, German designations (", Stadt"), Spanish trailing articles, Latin vs national
    spelling and small typos.

    Args:
        name: the name as the officer writes it.
        country: ISO or Eurostat country code to search in (GR and EL both work); None searches everywhere.
        register: a loaded register (default: `load_register` from the data folder).
        limit: at most this many candidates.
    """
    register = register if register is not None else load_register()
    return register.find(name, country, limit=limit)


# "Altena, DE", "Altena (NL)", "Altena DE", "Altena, Germany"
_TRAILING_COUNTRY = re.compile(r"^(?P<name>.+?)(?:\s*,\s*|\s+\(|\s+)(?P<country>[A-Za-z][A-Za-z .]+?)\)?\s*$")
_COUNTRY_NAMES = {
    "austria": "AT", "belgium": "BE", "bulgaria": "BG", "croatia": "HR", "cyprus": "CY", "czechia": "CZ",
    "czech republic": "CZ", "denmark": "DK", "estonia": "EE", "finland": "FI", "france": "FR", "germany": "DE",
    "greece": "EL", "hungary": "HU", "ireland": "IE", "italy": "IT", "latvia": "LV", "lithuania": "LT",
    "luxembourg": "LU", "malta": "MT", "netherlands": "NL", "the netherlands": "NL", "poland": "PL",
    "portugal": "PT", "romania": "RO", "slovakia": "SK", "slovenia": "SI", "spain": "ES", "sweden": "SE",
}  # fmt: skip


def resolve_place(text: str, *, register: PlacesRegister | None = None, limit: int = 10) -> list[Place]:
    """Candidates for "Name, CC" (or "Name (CC)", "Name, Germany"); a bare name searches every country.

    Example: ``resolve_place("Altena, DE")`` gives the German Altena only; ``resolve_place("Altena")`` both.
    """
    register = register if register is not None else load_register()
    text = text.strip()
    m = _TRAILING_COUNTRY.match(text)
    if m:
        tail = m.group("country").strip().rstrip(".")
        code = _COUNTRY_NAMES.get(tail.lower()) or (tail.upper() if len(tail) == 2 else None)
        # "Ejido, El" is a Spanish name, not Greece: a lower-case article is no country code.
        if code and tail.lower() in _ARTICLES and not tail.isupper():
            code = None
        # Only a code the register knows counts as a country: "Altena, Stadt" is a name, not a country.
        if code and to_eurostat(code) in register.countries:
            found = register.find(m.group("name"), code, limit=limit)
            if found:
                return found
    return register.find(text, None, limit=limit)


# ------------------------------------------------------------------------------------------------- profile


def profile_from_place(
    place: Place,
    *,
    regions: Any = None,
    areas: Any = None,
    **overrides: Any,
) -> tuple[dict[str, Any], list[DerivedValue]]:
    """The Municipality fields a place gives, and each derived value with its source.

    Args:
        place: a candidate from `find_place` the officer has chosen.
        regions: a `RegionTable`; when given, a NUTS-2 code the table does not know is flagged.
        areas: `InterregAreas` (default: the programme areas of the default period); a NUTS-3 region found in
            a cross-border (strand A) programme area gives ``border_region=True``. Not found is unknown:
            ``border_region`` is then left out, never set to False.
        **overrides: Municipality fields the officer gives; they win and are not reported as derived.

    Returns:
        ``(fields, derived)``: a dict for ``Municipality(**fields)`` and the `DerivedValue` list. ``population``
        is left out when the register has none (France, Cyprus): the officer must give it.
    """
    src = f"Eurostat LAU {place.vintage} ({place.source})"
    sub_municipal = _SUB_MUNICIPAL.get(place.country)
    fields: dict[str, Any] = {}
    derived: list[DerivedValue] = []

    def put(field: str, value: Any, source: str, doubtful: bool = False) -> None:
        # What the officer says wins, and is not reported as derived.
        if field in overrides:
            return
        if value is not None:
            fields[field] = value
        derived.append(DerivedValue(field=field, value=value, source=source, doubtful=doubtful))

    iso = to_iso(place.country)
    parish = f"; {sub_municipal}" if sub_municipal else ""
    put("name", place.name, f"official name of LAU {place.lau} — {src}{parish}", doubtful=bool(sub_municipal))
    put("country", iso, f"country of LAU {place.country} {place.lau} — {src}")
    put("lau", place.lau, f"LAU code — {src}{parish}", doubtful=bool(sub_municipal))
    if place.nuts3:
        note = f"NUTS-3 region of LAU {place.lau} (NUTS {place.nuts_version or 'version unknown'}) — {src}"
        why = _nuts_caveat(place.nuts3, place.nuts_version)
        if why:
            note += f"; {why}"
        unknown = regions is not None and regions.lookup(place.nuts3) is None
        if unknown:
            note += f"; NUTS-2 region {place.nuts3[:4]} is not in the table of regions"
        put("nuts", place.nuts3, note, doubtful=bool(why) or unknown)
    if place.population is not None:
        year = f" ({place.population_year})" if place.population_year else ""
        put(
            "population",
            place.population,
            f"population{year} — {src}" + (f"; of the LAU only{parish}" if sub_municipal else ""),
            doubtful=bool(sub_municipal),
        )
    else:
        put("population", None, f"no population for {place.country} in {src}: give it yourself", doubtful=True)
    if place.degurba is not None:
        put("degurba", place.degurba, f"degree of urbanisation {place.degurba} — {src}")
    else:
        put("degurba", None, f"degree of urbanisation unknown (DEGURBA 9 or empty) — {src}", doubtful=True)

    if place.nuts3 and "border_region" not in overrides:
        if areas is None:
            areas = shipped_areas()
        cross_border = cross_border_programmes(areas, place.nuts3)
        if cross_border:
            names = "; ".join(f"{p.name} ({p.source})" for p in cross_border)
            why = _nuts_caveat(place.nuts3, place.nuts_version)
            put(
                "border_region",
                True,
                f"{place.nuts3} is in the area of {names}" + (f"; {why}" if why else ""),
                doubtful=bool(why),
            )
    fields.update(overrides)
    return fields, derived
