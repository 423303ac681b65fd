"""Progress for long batches: tqdm when it is installed (it picks the notebook widget itself), else a line on
stderr. Library calls show none unless asked."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

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
