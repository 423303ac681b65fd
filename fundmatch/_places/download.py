"""Fetching a LAU list from Eurostat, for ``fundmatch places download``; the only module that goes online."""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, BinaryIO

from fundmatch._errors import PlacesError
from fundmatch._files import temporary_folder
from fundmatch._places.cache import _folder, import_register
from fundmatch._places.index import PlacesRegister
from fundmatch._places.lau_files import EUROSTAT_LAU_FILES, _vintage_from_name

#: The largest download accepted (Eurostat's LAU lists are 10–40 MB).
MAX_DOWNLOAD = 512 * 1024 * 1024


def download_register(
    year: int | None = None,
    *,
    url: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    timeout: float = 60.0,
    deadline: float = 900.0,
    max_bytes: int = MAX_DOWNLOAD,
) -> PlacesRegister:
    """Fetch Eurostat's LAU–NUTS list for ``year`` (default: the latest known) and import it.

    Args:
        year: reference year; one of `EUROSTAT_LAU_FILES` unless ``url`` is given.
        url: where to fetch the file from instead of Eurostat's usual address.
        data_dir: the folder of the cache.
        timeout: seconds to wait for the server on each read.
        deadline: seconds the whole download may take (a server that drips one byte at a time is cut off).
        max_bytes: the largest file accepted.

    The body must be exactly as long as the server's Content-Length, and the file must import cleanly,
    before the previous cache is replaced: a cut or refused download leaves it as it was.

    Raises:
        PlacesError: unknown year, no network, an HTTP error, a cut, slow or oversized download, or an
            unreadable file.
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
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        raise PlacesError(f"{url[:200]}: only http and https addresses; for a local file use 'places import'")
    request = urllib.request.Request(url, headers={"User-Agent": "fundmatch (https://pypi.org/project/fundmatch)"})
    folder = _folder(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PlacesError(f"cannot create the data folder {folder}: {exc.strerror}") from None
    # The download goes into the data folder under a name that carries our PID, not into the system's temp
    # folder: a killed download leaves nothing there, and the next run removes what it left here.
    with temporary_folder(folder / "download") as tmp:
        local = tmp / filename
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response, local.open("wb") as out:
                _copy(response, out, url, time.monotonic() + deadline, max_bytes)
        except urllib.error.HTTPError as exc:
            raise PlacesError(f"{url}: the server answered {exc.code} {exc.reason}") from None
        except http.client.HTTPException as exc:  # IncompleteRead and a malformed answer
            raise PlacesError(f"{url}: the download failed ({type(exc).__name__}); the cache is unchanged") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise PlacesError(
                f"{url}: cannot download ({reason}); download it yourself and use 'places import'"
            ) from None
        return import_register(local, data_dir=data_dir, vintage=year, source=url)


def _copy(response: Any, out: BinaryIO, url: str, deadline: float, max_bytes: int) -> None:
    """Copy the body, checking its length against Content-Length, the size cap and the overall deadline."""
    header = response.headers.get("Content-Length")
    try:
        expected = int(header) if header is not None else None
    except ValueError:
        expected = None
    if expected is not None and expected > max_bytes:
        raise PlacesError(f"{url}: the file is {expected:,} bytes, over the limit of {max_bytes:,}")
    received = 0
    while True:
        if time.monotonic() > deadline:
            raise PlacesError(f"{url}: the download took too long (received {received:,} bytes); try again later")
        # read1: at most one read from the socket, so the deadline is checked between the server's packets
        # (read(n) would wait for n bytes however slowly they drip in).
        chunk = response.read1(1 << 16)
        if not chunk:
            break
        received += len(chunk)
        if received > max_bytes:
            raise PlacesError(f"{url}: the download is over the limit of {max_bytes:,} bytes")
        out.write(chunk)
    if expected is not None and received != expected:
        raise PlacesError(
            f"{url}: the download was cut: {received:,} of {expected:,} bytes arrived; the cache is unchanged"
        )
