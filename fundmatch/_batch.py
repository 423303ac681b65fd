"""Batches of municipalities: a municipalities table read into profiles, and progress for long batches.

Progress is tqdm when it is installed (it picks the notebook widget itself), else a line on stderr; library
calls show none unless asked. A table's bad rows are all reported, with their line, none dropped silently.
"""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from fundmatch._errors import InputFileError
from fundmatch._inputs import Municipality

T = TypeVar("T")

#: A progress callback receives the number done and the total (None when the input has no length).
ProgressCallback = Callable[[int, int | None], None]


def _plain(total: int | None) -> ProgressCallback:
    last = [0.0]

    def report(done: int, _total: int | None) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            of = f"/{total:,}" if total else ""
            sys.stderr.write(f"\rfundmatch: {done:,}{of} municipalities screened")
            if done == total:
                sys.stderr.write("\n")
            sys.stderr.flush()

    return report


def with_progress(items: Iterable[T], progress: bool | ProgressCallback) -> Iterator[T]:
    """Yield ``items``, reporting progress as asked (False: silently)."""
    if progress is False:
        yield from items
        return
    total = len(items) if hasattr(items, "__len__") else None  # type: ignore[arg-type]
    if progress is True:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            callback: ProgressCallback = _plain(total)
        else:
            bar: Any = tqdm(total=total, unit="municipality", desc="fundmatch")
            try:
                for item in items:
                    yield item
                    bar.update(1)
            finally:
                bar.close()
            return
    else:
        callback = progress
    done = 0
    for item in items:
        yield item
        done += 1
        callback(done, total)
    if total is None:
        callback(done, done)


def one_line(exc: ValidationError, path: str) -> str:
    """A pydantic error as one line that names the file (and line) and the first field."""
    errors = exc.errors()
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{path}: {where}: {first['msg']}{more}"


def read_municipalities(path: str) -> list[Municipality]:
    """Rows of a municipalities CSV as profile dicts; every bad row is reported, none is dropped silently."""
    file = Path(path)
    if not file.is_file():
        raise InputFileError(f"{path}: no such file")
    rows, problems = [], []
    with file.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        unknown = [c for c in reader.fieldnames or [] if c not in Municipality.model_fields]
        if unknown:
            raise InputFileError(f"{path}:1: unknown column(s) {', '.join(unknown)}")
        for line, row in enumerate(reader, start=2):
            # Empty cells are unknown, not false or zero; pydantic reads yes/no, true/false, 1/0, y/n.
            data: dict[str, Any] = {k: v.strip() for k, v in row.items() if k and v is not None and v.strip()}
            try:
                rows.append(Municipality.model_validate(data))
            except ValidationError as exc:
                problems.append(one_line(exc, f"{path}:{line}"))
    if problems:
        more = f" (and {len(problems) - 1} more rows)" if len(problems) > 1 else ""
        raise InputFileError(problems[0] + more)
    return rows
