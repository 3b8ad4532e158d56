"""What a rerun pays to ask "did the data change?": the old byte-by-byte hash of the whole data folder against
``layers.load.live.fingerprint`` (one stat per file, hashing only files whose stat changed).

Prints median milliseconds over ``--runs`` for geodata/ and a synthetic folder of ``--events`` events
(``layers.bench.synthetic``): the old hash, the new fingerprint warm (nothing changed: what every rerun pays),
cold (first call: every file hashed) and after one file was touched.

    .venv/bin/python benchmarks/fingerprint.py [--events 10000] [--runs 50]
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layers.bench.synthetic import write_synthetic  # noqa: E402
from layers.load import live  # noqa: E402


def old_fingerprint(folder: Path) -> str:
    """The fingerprint ui/data.py computed on every rerun before issue 15: every data file's bytes."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".geojson", ".csv", ".yaml", ".yml", ".json"):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def median_ms(run: Callable[[], object], runs: int, before: Callable[[], None] = lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(folder: Path, runs: int) -> dict[str, float]:
    then = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (then, then))  # files older than the racy window, as a deployed folder's are
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    events = folder / "events.csv"
    tick = itertools.count(1)
    return {
        "MB": size / 1e6,
        "old hash": median_ms(lambda: old_fingerprint(folder), runs),
        "new cold": median_ms(lambda: live.fingerprint(folder), runs, live._memo.clear),
        "new warm": median_ms(lambda: live.fingerprint(folder), runs),
        "new, events.csv touched": median_ms(lambda: live.fingerprint(folder), runs,
                                             lambda: os.utime(events, (then + next(tick),) * 2)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    rows = {"geodata": measure(ROOT / "geodata", args.runs)}
    with tempfile.TemporaryDirectory(prefix="corridor-fp-") as tmp:
        rows[f"synthetic {args.events:,}"] = measure(write_synthetic(ROOT / "geodata", Path(tmp) / "d", args.events),
                                                     args.runs)
    columns = list(next(iter(rows.values())))
    print("| folder | " + " | ".join(columns) + " |")
    print("|---|" + "---|" * len(columns))
    for name, row in rows.items():
        print(f"| {name} | " + " | ".join(f"{row[c]:.2f}" if c == "MB" else f"{row[c]:.3f} ms" for c in columns)
              + " |")


if __name__ == "__main__":
    main()
