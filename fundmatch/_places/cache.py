"""The local cache of the register: the user's data folder and one sqlite file, written atomically.

``fundmatch places import FILE`` turns a LAU list into this cache once; every later process loads it (once per
process) instead of parsing the large file again.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import sys
import threading
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fundmatch._errors import PlacesError
from fundmatch._files import FileProblem, atomic_path
from fundmatch._places.index import PlacesRegister
from fundmatch._places.lau_files import _read_lau_file, _vintage_from_name
from fundmatch._places.names import _search_key

#: Schema of the cache file; a cache written by another schema is refused with a request to re-import.
# 2: names folded by fundmatch._fold (case-folded first, so Greek final sigma matches capitals).
CACHE_SCHEMA = "2"


CACHE_NAME = "places.sqlite"


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
    target = folder / CACHE_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Write beside the target and rename: a failed or killed import never leaves a half-written register.
        # The temporary name carries our PID, so the next import removes what a killed one left.
        with atomic_path(target) as tmp, closing(sqlite3.connect(tmp)) as db, db:
            db.executescript(_CREATE)
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?)", records)
    except (OSError, FileProblem, sqlite3.Error) as exc:
        raise PlacesError(f"cannot write the places register in {folder}: {exc}") from None
    _LOADED.pop(str(target), None)
    return load_register(data_dir=folder)


_LOADED: dict[str, tuple[float, PlacesRegister]] = {}

# A register is written only by import_register, but a file is only bytes: a row of the wrong types (a NULL
# search key, a text population) would fail deep inside a search, so it is refused at load.
_CORRUPT = """
SELECT count(*) FROM places WHERE
    typeof(country) != 'text' OR typeof(lau) != 'text' OR typeof(name) != 'text' OR typeof(name_latin) != 'text'
    OR typeof(key) != 'text' OR typeof(key_latin) != 'text' OR typeof(nuts3) != 'text'
    OR typeof(population) NOT IN ('integer', 'null') OR typeof(population_year) NOT IN ('integer', 'null')
    OR typeof(degurba) NOT IN ('integer', 'null') OR typeof(coastal) NOT IN ('integer', 'null')
"""


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
            # as_uri() percent-encodes '#', '?' and '%' in the folder's name; a plain f"file:{path}" cut the
            # path there and created a stray empty database beside the data folder.
            with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
                meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
                if meta.get("schema") != CACHE_SCHEMA:
                    raise PlacesError(f"{path}: written by another fundmatch version; import the LAU file again")
                (bad,) = db.execute(_CORRUPT).fetchone()
                if bad:
                    raise PlacesError(f"{path}: {bad:,} malformed rows; import the LAU file again")
                rows = db.execute(
                    "SELECT country, lau, name, name_latin, population, population_year, degurba, nuts3, coastal,"
                    " key, key_latin FROM places"
                ).fetchall()
        except sqlite3.Error as exc:
            raise PlacesError(f"{path}: not a readable places register ({exc}); import the LAU file again") from None
        register = PlacesRegister(rows, meta, path)
        _LOADED[str(path)] = (mtime, register)
        return register
