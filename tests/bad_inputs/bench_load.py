"""How long validating a data folder takes, against the bare cost of reading its files (not a pass/fail test).

    .venv/bin/python -m tests.bad_inputs.bench_load [FOLDER]   # default: geodata

The baseline reads every file and parses it with ``json``/``csv`` and nothing else, in the same run, so the
difference is what checking, repairing and joining cost.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from layers.load.catalog import load_catalog


def parse_only(folder: Path) -> None:
    """Read and parse every data file with no checks at all."""
    for path in sorted(folder.glob("*.geojson")):
        json.loads(path.read_text(encoding="utf-8"))
    for path in sorted(folder.glob("*.csv")):
        list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def best_and_median(run: Callable[[], object], repeat: int = 7) -> tuple[float, float]:
    run()  # warm up imports and caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[0], times[len(times) // 2]


def main(argv: list[str]) -> int:
    folder = Path(argv[0] if argv else "geodata")
    catalog = load_catalog(folder)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    base = best_and_median(lambda: parse_only(folder))
    full = best_and_median(lambda: load_catalog(folder))
    print(f"{folder}: {size / 1e6:.2f} MB; {len(catalog.events)} events, {len(catalog.places)} places, "
          f"{len(catalog.routes)} routes, {len(catalog.countries)} countries, {len(catalog.sources)} sources, "
          f"{len(catalog.stories)} stories; {len(catalog.report.errors)} errors")
    print(f"  baseline, read + parse only: best {base[0]:.3f} s, median {base[1]:.3f} s")
    print(f"  load_catalog (validate):     best {full[0]:.3f} s, median {full[1]:.3f} s "
          f"({full[0] / base[0]:.1f}x the baseline)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
