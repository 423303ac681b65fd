"""A load cache, like Python's ``.pyc``: what loading a pack computed, kept as plain JSON between processes.

Parsing and type-checking the rules' expressions needs rule-engine, whose import alone builds its parser
tables (a quarter of a second), and reading the vocabulary folds some 11,000 terms. Both results are plain data
(`fundmatch._closures`' form of an expression, the vocabulary's folded patterns), so a fresh process can read
them back instead, never importing rule-engine.

Where: ``$FUNDMATCH_CACHE_DIR`` if set (empty: no cache at all), else the user's cache folder
(``$XDG_CACHE_HOME/fundmatch``, ``~/.cache/fundmatch``; ``%LOCALAPPDATA%\\fundmatch\\cache`` on Windows,
``~/Library/Caches/fundmatch`` on macOS). A file is never trusted without its key: each cache's key hashes
everything its content depends on (the source files read, the fundmatch code that computed it, rule-engine's
version), and a checksum of the content catches a file damaged on disk. A missing, unreadable, corrupt or
stale file is ignored silently and computed anew; an unwritable folder only means no cache. Files are written
to a temporary name and renamed, so a reader never sees half of one. JSON only: nothing here is unpickled or
executed, and what a file holds is checked again where it is used (`fundmatch._closures.BadIR`).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from fundmatch._files import atomic_path

#: Bumped when the layout of a cache file changes.
_FORMAT = b"fundmatch-cache-1"
#: A cache file larger than this is not read (a cache this big is not one fundmatch wrote for a rule pack).
_MAX_FILE = 64 * 1024 * 1024


def cache_dir() -> Path | None:
    """The folder cache files live in, or None when caching is switched off (``FUNDMATCH_CACHE_DIR=``)."""
    configured = os.environ.get("FUNDMATCH_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured.strip() else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "fundmatch" / "cache" if base else None
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "fundmatch"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache") / "fundmatch"


@functools.lru_cache(maxsize=1)
def _installed_version() -> bytes:
    # Part of every key: where an installation has no .py sources to hash, an upgrade still changes the key.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("fundmatch").encode()
    except PackageNotFoundError:
        return b"0+unknown"


def digest(parts: Iterable[bytes]) -> str:
    """A key over ``parts`` (each length-prefixed, so that no two different lists hash alike)."""
    h = hashlib.sha256(_FORMAT + b"\0" + _installed_version())
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def file_bytes(path: Path | str) -> bytes:
    """A file's content for a key; a file that cannot be read gives a value no readable file gives."""
    try:
        return Path(path).read_bytes()
    except OSError:
        return b"\0unreadable\0" + os.fsencode(str(path))


def _private(folder: Path) -> bool:
    """Whether only this user can write into ``folder``: a cached record skips the load-time checks."""
    if not hasattr(os, "getuid"):  # Windows: the per-user LOCALAPPDATA folder
        return True
    try:
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def read(name: str, key: str) -> Any:
    """The data stored under ``name`` if its key is ``key`` and its checksum holds, else None."""
    folder = cache_dir()
    if folder is None or not _private(folder):
        return None
    try:
        with (folder / name).open("rb") as handle:
            raw = handle.read(_MAX_FILE + 1)
        if len(raw) > _MAX_FILE:
            return None
        header, _, body = raw.partition(b"\n")
        meta = json.loads(header)
        if not isinstance(meta, dict) or meta.get("key") != key:
            return None
        if meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None
        return json.loads(body)
    except (OSError, ValueError, RecursionError):
        return None


def write(name: str, key: str, data: Any) -> None:
    """Store ``data`` (JSON-able) under ``name`` and ``key``; any failure is ignored (the cache is optional)."""
    folder = cache_dir()
    if folder is None:
        return
    with contextlib.suppress(OSError, ValueError, TypeError, RecursionError):
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        header = json.dumps({"key": key, "sha256": hashlib.sha256(body).hexdigest()}).encode()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not _private(folder):
            return
        with atomic_path(folder / name) as tmp:
            tmp.write_bytes(header + b"\n" + body)


class Store:
    """Records by text (an expression, say), read from one cache file on first use and written back on `save`.

    ``key`` is computed on first use, not at import: it reads files.
    """

    def __init__(self, name: str, key: Callable[[], str], limit: int = 50_000) -> None:
        self._name, self._key_of, self._limit = name, key, limit
        self._key: str | None = None
        self._records: dict[str, Any] | None = None
        self._dirty = False

    def _load(self) -> dict[str, Any]:
        if self._records is None:
            self._key = self._key_of()
            data = read(f"{self._name}-{self._key[:16]}.json", self._key)
            self._records = data if isinstance(data, dict) else {}
        return self._records

    def get(self, text: str) -> Any:
        """The record stored for ``text``, or None."""
        return self._load().get(text)

    def put(self, text: str, record: Any) -> None:
        """Remember ``record`` for ``text`` (written by the next `save`)."""
        records = self._load()
        if records.get(text) != record and (text in records or len(records) < self._limit):
            records[text] = record
            self._dirty = True

    def drop(self, text: str) -> None:
        """Forget a record found unusable, so the next `save` does not keep it."""
        if self._load().pop(text, None) is not None:
            self._dirty = True

    def save(self) -> None:
        """Write the records back if any changed since they were read."""
        if self._dirty and self._records is not None and self._key is not None:
            self._dirty = False
            write(f"{self._name}-{self._key[:16]}.json", self._key, self._records)
