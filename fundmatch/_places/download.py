"""Fetching a LAU list from Eurostat, for ``fundmatch places download``; the only module that goes online."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

from fundmatch._errors import PlacesError
from fundmatch._places.cache import import_register
from fundmatch._places.index import PlacesRegister
from fundmatch._places.lau_files import EUROSTAT_LAU_FILES, _vintage_from_name


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
