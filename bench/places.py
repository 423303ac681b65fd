"""Benchmark of the places register over the full EU list: import time, load time and lookup latency.

Run from the repository root: ``python bench/places.py [LAU_FILE]``. The default file is the shared 2019 list
(``../shared/domain/lau-2019.csv.gz``), which is test data, not shipped; the benchmark says so and stops when
it is absent. The register is built in a temporary folder, never in the user's data folder.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from fundmatch import _places

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "domain" / "lau-2019.csv.gz"
QUERIES: list[tuple[str, str | None]] = [
    ("Altena", None), ("Neustadt", None), ("Evian les Bains", None), ("Tarvisio", None), ("Altna", None),
    ("Komotini", None), ("El Ejido", None), ("Brixen", None), ("Muenchen", None), ("San", None),
    ("Altena", "DE"), ("Neustadt", "DE"), ("Paris", "FR"), ("Lisboa", "PT"),
]  # fmt: skip
REPEAT = 15


def main(argv: list[str]) -> int:
    """Import, load and query the register; print the timings."""
    file = Path(argv[0]) if argv else DEFAULT
    if not file.is_file():
        print(f"skipped: no LAU file at {file} (pass one: python bench/places.py EU-27-LAU-2023-NUTS-2021.xlsx)")
        return 0
    with tempfile.TemporaryDirectory(prefix="fundmatch-bench-") as folder:
        start = time.perf_counter()
        register = _places.import_register(file, data_dir=folder)
        imported = time.perf_counter() - start
        size = (Path(folder) / _places.CACHE_NAME).stat().st_size
        _places._LOADED.clear()  # time a cold load, as a new process would see it
        start = time.perf_counter()
        register = _places.load_register(data_dir=folder)
        loaded = time.perf_counter() - start
    print(f"register: {len(register):,} LAUs, Eurostat LAU {register.vintage}, from {file.name}")
    print(f"import (file -> cache): {imported:.2f} s; cache {size / 1e6:.1f} MB (sqlite)")
    print(f"load (cache -> memory, once per process): {loaded * 1000:.0f} ms")
    medians = []
    for name, country in QUERIES:
        timings = []
        for _ in range(REPEAT):
            start = time.perf_counter()
            found = _places.find_place(name, country, register=register)
            timings.append(time.perf_counter() - start)
        median = statistics.median(timings)
        medians.append((country is None, median))
        top = found[0].label if found else "(none)"
        print(f"  {name!r:20} {country or 'all':4} median {median * 1000:6.2f} ms  top: {top}")
    everywhere = statistics.median(m for anywhere, m in medians if anywhere)
    in_country = statistics.median(m for anywhere, m in medians if not anywhere)
    print(f"lookup median: {everywhere * 1000:.1f} ms over all countries, {in_country * 1000:.1f} ms within one")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
