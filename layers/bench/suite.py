"""``python -m layers bench``: how fast Corridor is on the real data and on 1,000 / 10,000 / 100,000 synthetic events.

Each figure is the median of several runs and stands beside the naive baseline measured in the same run: a
plain ``st.pydeck_chart`` page rebuilds and re-sends the whole pydeck spec on every slider move
(``layers.render.mapspec.deck(catalog, view).to_json()``). A figure that cannot be measured is None (``null`` in JSON)
and the reason goes to stderr. No Streamlit import here: the page-open figure imports AppTest inside its function.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from layers.bench.synthetic import SEED, write_synthetic
from layers.bench.video import VIDEO
from layers.load.catalog import Catalog, load_catalog
from layers.model import schema
from layers.model.files import write_atomically
from layers.model.view import View
from layers.query.flows import flow_table, paths, point_table
from layers.query.select import select
from layers.render.mapspec import deck

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[2]
"""The project folder (the bench reads its geodata/ and runs its benchmarks/ scripts)."""
SIZES = ("real", "1000", "10000", "100000")
PER_SIZE = ("load_s", "load_prepared_s", "select_s", "select_naive_s", "bytes_open", "bytes_per_move",
            "bytes_per_move_naive", "frame_ms", "first_map_s", "first_map_naive_s", "first_input_s", "payload_bytes",
            "payload_bytes_naive", "data_bytes", "data_bytes_naive")
SINGLE = ("png_1080_s", "png_2160_s", "pptx_s", "page_open_s", "peak_mib", *VIDEO)
PARTS = ("browser", "png", "pptx", "page", "video", "first_map")
"""Parts that can be skipped with ``--skip`` (their figures are then null)."""
BIG = 100_000
"""From this many events on, runs are capped (BIG_RUNS; the naive baseline: 1 run)."""
BIG_RUNS = 2
BENCH_VIEW = View(
    date=dt.date(2024, 6, 30), window_days=365,
    categories=("munitions", "missiles", "technology", "energy_food", "troops", "diplomacy"),
    confidence=tuple(c for c in schema.CONFIDENCE if c != "claimed-by-party"),
)
"""The view selected at every size: a year's window, six of nine categories, four of five confidence grades."""
FRAME_VIEW = View(date=dt.date(2024, 6, 30))
"""The view played for frame timing: no filter, so every flow of the data is in the player."""
REPLAY_FRAMES = 600
REPLAY_KEY = "frame_replay_ms"
"""Shown in the table, not in the JSON: JS ms per frame replayed at 60 fps with drawing paused."""
FRAME_SECONDS = 20.0
"""Seconds of playing per size: software WebGL here may take seconds to draw one frame at 10,000+ flows."""
EXPORT_VIEW = View(title="Corridor benchmark")
"""The view exported as PNG: every event, framed on them (no camera chosen: the most there is to draw)."""
MEMORY_NOTE = "resource.getrusage(RUSAGE_SELF).ru_maxrss of the bench process (chromium not included)"


def log(message: str) -> None:
    """A line on stderr (progress, and why a figure is null)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


def median_time(work: Callable[[], T], runs: int) -> tuple[float, T]:
    """The median wall time of ``runs`` calls of ``work`` (seconds), and the last call's result."""
    times, result = [], None
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result  # type: ignore[return-value]


def select_and_flow(catalog: Catalog, view: View) -> tuple[int, int]:
    """What the engine does for a view: select its events and build its flows and point events."""
    events = select(catalog, view)
    paths(catalog)
    return len(flow_table(events)), len(point_table(catalog, events))


def naive_spec(catalog: Catalog, view: View) -> str:
    """The naive baseline: the whole pydeck spec rebuilt from the GeoDataFrames and serialised."""
    return deck(catalog, view).to_json()


def frame_ms(catalog: Catalog, view: View) -> tuple[float | None, float | None]:
    """JavaScript milliseconds per animation frame of the player in headless chromium: (over the frames drawn while
    playing, over REPLAY_FRAMES frames replayed at 60 fps with drawing paused); None when not measurable.

    Measured by the player's own benchmark (``layers.bench.browser``: the standalone export played in chromium,
    ``window.__corridor.stats.frameMsMean``, and ``window.__corridor.forBenchmarks.replay``).
    """
    try:
        from layers.bench.browser import CHROMIUM
        from layers.bench.browser import frame_ms as play
    except ImportError as exc:
        log(f"frame_ms: not measured: the player's browser benchmark is not available ({exc})")
        return None, None
    if not CHROMIUM.is_file():
        log(f"frame_ms: not measured: no chromium at {CHROMIUM} (apt-get install chromium)")
        return None, None
    stats = play(catalog, view, seconds=FRAME_SECONDS, replay_frames=REPLAY_FRAMES)
    log(f"frame_ms: {stats.get('flows')} flows in the player: {stats.get('frame_ms_mean')} ms mean, "
        f"{stats.get('frame_ms_max')} ms max over {stats.get('frames')} frames ({stats.get('rebuilds')} rebuilds); "
        f"deck.gl draw {stats.get('draw_ms_mean')} ms, {stats.get('fps')} fps (software WebGL), "
        f"ready in {stats.get('ready_s')} s; replayed at 60 fps with drawing paused: {stats.get('replay_ms_mean')} ms "
        f"mean, {stats.get('replay_ms_p95')} ms p95, {stats.get('replay_ms_max')} ms max over "
        f"{stats.get('replay_frames')} frames")
    replayed = stats.get("replay_ms_mean")
    return float(stats["frame_ms_mean"]), None if replayed is None else float(replayed)


def _runs_for(n_events: int, runs: int) -> int:
    return min(runs, BIG_RUNS) if n_events >= BIG else runs


PAGE_SCRIPT = ROOT / "benchmarks" / "page.py"
"""The Explore page's own benchmark (it drives Streamlit, so it runs as its own process, never imported here)."""


def page_figure(*args: str) -> Any:
    """One figure from ``benchmarks/page.py`` (bytes, open or static), run in its own process."""
    if not PAGE_SCRIPT.is_file():
        raise FileNotFoundError(f"{PAGE_SCRIPT} (the page benchmark ships with the project's source, not the package)")
    done = subprocess.run([sys.executable, str(PAGE_SCRIPT), *args], capture_output=True, text=True, check=False,
                          timeout=3600, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no output")
    return json.loads(done.stdout.strip().splitlines()[-1])


def prepared_load(folder: Path, runs: int) -> float:
    """Seconds to get the catalog of an unchanged folder as a fresh server or render worker does: fingerprint it
    (hashing every file: a new process remembers no hash) and read its prepared catalog
    (``layers.load.prepared``), which one untimed load wrote first."""
    from layers.load import live
    from layers.load.prepared import prepared_catalog

    with tempfile.TemporaryDirectory(prefix="corridor-bench-state-") as state:
        prepared_catalog(folder, Path(state))

        def fresh() -> object:
            live.forget_hashes()
            return prepared_catalog(folder, Path(state))

        seconds, _ = median_time(fresh, max(runs, 3))
    return seconds


FIRST_MAP_SIZES = ("real", "10000", "100000")
FIRST_MAP_LIMIT_S = 300.0
"""A first visit that has drawn no map after this long is given up and reported as this, flagged."""
FIRST_MAP_VIEW = View(date=dt.date(2024, 6, 30))
"""The view both pages open on (in their URL): every event up to that day."""


def measure_first_map(folder: Path, size: str, runs: int, warm_up: bool) -> dict[str, float | None]:
    """Corridor's Explore and the naive page, first visit each time (``layers.bench.first_map``)."""
    from layers.bench.first_map import first_map

    figures = first_map(folder, FIRST_MAP_VIEW, runs=runs, limit_s=FIRST_MAP_LIMIT_S, warm_up=warm_up)
    for f in figures.values():
        low, high = f.spread_s
        log(f"first map, {size}, {f.page}: median {f.median_s:.1f} s, {low:.1f}-{high:.1f} over {len(f.runs)} "
            f"run(s){' GAVE UP at the limit (reported as the limit)' if f.gave_up else ''}; "
            f"{f.wire_bytes:,} bytes received until it was drawn ({f.data_bytes:,} of map data)"
            + (f"; takes input at {f.interactive_s:.1f} s" if f.interactive_s is not None else ""))
    corridor, naive = figures["corridor"], figures["naive"]
    return {"first_map_s": corridor.median_s, "first_map_naive_s": naive.median_s,
            "first_input_s": corridor.interactive_s,
            "payload_bytes": corridor.wire_bytes, "payload_bytes_naive": naive.wire_bytes,
            "data_bytes": corridor.data_bytes, "data_bytes_naive": naive.data_bytes}


def measure_size(folder: Path, runs: int, skip: set[str], view: View = BENCH_VIEW, size: str = "",
                 warm_up: bool = True) -> dict[str, float | None]:
    """The per-size figures of one data folder (``warm_up``: one untimed first-map visit of each page first)."""
    load_s, catalog = median_time(lambda: load_catalog(folder), runs)
    load_prepared_s = prepared_load(folder, runs)
    if catalog.report.errors:
        log(f"{folder}: {len(catalog.report.errors)} problem(s) while loading; measuring what loaded")
    n = len(catalog.events)
    runs = _runs_for(n, runs)
    select_and_flow(catalog, view)  # warm: paths and arrays are built once per catalog, as in the app
    select_s, (n_flows, n_points) = median_time(lambda: select_and_flow(catalog, view), max(runs, 3))
    naive_runs = 1 if n >= BIG else runs
    select_naive_s, spec = median_time(lambda: naive_spec(catalog, view), naive_runs)
    log(f"{n} events: {n_flows} flows and {n_points} point events in the view; "
        f"naive baseline {naive_runs} run(s)")
    figures: dict[str, float | None] = {
        "load_s": load_s, "load_prepared_s": load_prepared_s, "select_s": select_s, "select_naive_s": select_naive_s,
        "bytes_per_move_naive": len(spec.encode()), "bytes_open": None, "bytes_per_move": None, "frame_ms": None,
    }
    del spec
    if "page" in skip:
        log(f"bytes_open, bytes_per_move ({n} events): skipped (--skip page)")
    else:
        try:
            sent = page_figure("bytes", str(folder), json.dumps(view.to_params()))
            figures["bytes_open"], figures["bytes_per_move"] = sent["open"], sent["move"]
            log(f"{n} events: Explore sent {sent['open_messages']} messages on opening, {sent['move_messages']} "
                "per slider move")
        except Exception as exc:  # a page that fails is a figure we could not measure, not a crash of the bench
            log(f"bytes_open, bytes_per_move ({n} events): could not open Explore ({type(exc).__name__}: {exc})")
    first = ("first_map_s", "first_map_naive_s", "first_input_s", "payload_bytes", "payload_bytes_naive",
             "data_bytes", "data_bytes_naive")
    figures |= dict.fromkeys(first)
    if "first_map" in skip or size not in FIRST_MAP_SIZES:
        why = "skipped (--skip first_map)" if "first_map" in skip else f"measured at {', '.join(FIRST_MAP_SIZES)} only"
        log(f"{', '.join(first)} ({n} events): {why}")
    else:
        try:
            figures |= measure_first_map(folder, size, min(runs, 3), warm_up)
        except Exception as exc:
            log(f"{', '.join(first)} ({n} events): could not measure ({type(exc).__name__}: {exc})")
    if "browser" in skip:
        log(f"frame_ms ({n} events): skipped (--skip browser)")
    else:
        try:
            figures["frame_ms"], figures[REPLAY_KEY] = frame_ms(catalog, FRAME_VIEW)
        except Exception as exc:
            log(f"frame_ms ({n} events): could not play ({type(exc).__name__}: {exc})")
    return figures


def measure_exports(catalog: Catalog, runs: int, skip: set[str]) -> dict[str, float | None]:
    """PNG at 1080p and 2160p and the first story's PPTX deck, on ``catalog`` (the real data)."""
    figures: dict[str, float | None] = {"png_1080_s": None, "png_2160_s": None, "pptx_s": None}
    if "png" in skip:
        log("png_1080_s, png_2160_s: skipped (--skip png)")
    else:
        from layers.render.static_map import render_map

        for key, (width, height) in (("png_1080_s", (1920, 1080)), ("png_2160_s", (3840, 2160))):
            figures[key], _ = median_time(
                lambda w=width, h=height: render_map(catalog, EXPORT_VIEW, width=w, height=h, fmt="png"), runs)
    if "pptx" in skip:
        log("pptx_s: skipped (--skip pptx)")
    elif not catalog.stories:
        log(f"pptx_s: no story in {catalog.folder / 'stories'}")
    else:
        from layers.export.pptx import story_deck

        story = next(iter(catalog.stories.values()))
        figures["pptx_s"], _ = median_time(lambda: story_deck(catalog, story), min(runs, 3))
    return figures


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (see MEMORY_NOTE)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(data: Path, sizes: Iterable[str] = SIZES, runs: int = 5, skip: Iterable[str] = (),
        seed: int = SEED) -> dict[str, Any]:
    """Every figure, as the JSON object ``--json`` prints."""
    skip, sizes = set(skip), list(sizes)
    results: dict[str, Any] = {key: {} for key in (*PER_SIZE, REPLAY_KEY)} | {key: None for key in SINGLE}
    real = load_catalog(data)
    if "page" not in skip:
        log(f"bytes_open counts the page's messages and the player's data file; the player's code "
            f"({page_figure('static'):,} bytes of HTML/JS/CSS with deck.gl) is static, fetched once and cached")
    with tempfile.TemporaryDirectory(prefix="corridor-bench-") as tmp:
        for size in sizes:
            folder = data if size == "real" else write_synthetic(data, Path(tmp) / size, int(size), seed, real)
            log(f"size {size}: measuring")
            warm_up = size == next((s for s in sizes if s in FIRST_MAP_SIZES), None)  # once: the machine's
            for key, value in measure_size(folder, runs, skip, size=size, warm_up=warm_up).items():
                results[key][size] = value
            gc.collect()
        if "video" in skip:
            log(f"{', '.join(VIDEO)}: skipped (--skip video)")
        else:
            from layers.bench.video import measure_video

            results.update(measure_video(real, data, Path(tmp), log))
    results.update(measure_exports(real, runs, skip))
    if "page" in skip:
        log("page_open_s: skipped (--skip page)")
    else:
        try:
            results["page_open_s"] = page_figure("open", str(data), str(runs))
        except Exception as exc:  # a broken page is a figure we could not measure, not a crash of the bench
            log(f"page_open_s: could not open the page ({type(exc).__name__}: {exc})")
    results["peak_mib"] = peak_mib()
    log(f"peak_mib: {MEMORY_NOTE}")
    return results


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.2f} ms"
    if unit == "B":
        for scale, suffix in ((1 << 20, "MiB"), (1 << 10, "KiB")):
            if value >= scale:
                return f"{value / scale:.1f} {suffix}"
        return f"{int(value)} B"
    return f"{value:.1f} {unit}"


def _ratio(fast: float | None, slow: float | None, kind: str) -> str:
    if fast is None or slow is None or slow == 0:
        return "n/a"
    if kind == "speed-up":
        return f"{slow / fast:.0f}x" if fast > 0 else "inf"
    return f"{100 * fast / slow:.2f}%"


PER_SIZE_ROWS = (
    ("load + validate (cold)", "load_s", "s", "< 4 s at 100,000"),
    ("load, unchanged (prepared)", "load_prepared_s", "s", "< 1 s at 100,000"),
    ("select + flows", "select_s", "s", "< 0.25 s at 100,000"),
    ("  naive: pydeck spec + JSON", "select_naive_s", "s", None),
    ("  speed-up over naive", ("select_s", "select_naive_s", "speed-up"), "", ">= 10x"),
    ("bytes when the page opens", "bytes_open", "B", None),
    ("bytes per slider move", "bytes_per_move", "B", "< 5% of naive"),
    ("  naive: pydeck JSON per move", "bytes_per_move_naive", "B", None),
    ("  share of naive", ("bytes_per_move", "bytes_per_move_naive", "share"), "", None),
    ("JS per animation frame", "frame_ms", "ms", "< 1 ms at 10k, < 8 at 100k"),
    ("  60 fps replay, no drawing", REPLAY_KEY, "ms", None),
    ("first map, fresh visit", "first_map_s", "s", "<= half of naive (real); +3 s at 10k, +10 s at 100k"),
    ("  naive: st.pydeck_chart page", "first_map_naive_s", "s", None),
    ("  share of naive's time", ("first_map_s", "first_map_naive_s", "share"), "", None),
    ("  Corridor takes input", "first_input_s", "s", None),
    ("map data received until drawn", "data_bytes", "B", "< 4 MB at 100k"),
    ("  naive page", "data_bytes_naive", "B", None),
    ("all bytes received until drawn", "payload_bytes", "B", None),
    ("  naive page", "payload_bytes_naive", "B", None),
)
SINGLE_ROWS = (
    ("PNG 1920x1080 (real data)", "png_1080_s", "s", "< 1.5 s"),
    ("PNG 3840x2160 (real data)", "png_2160_s", "s", "< 4 s"),
    ("story PPTX deck (real data)", "pptx_s", "s", "< 20 s"),
    ("open Explore (AppTest, warm)", "page_open_s", "s", "< 1 s"),
    ("video 1280x720 MP4, frames/s", "video_720_fps", "fps", ">= 30"),
    ("  naive: a PNG export a frame", "video_720_naive_fps", "fps", None),
    ("video 1920x1080 MP4, frames/s", "video_1080_fps", "fps", ">= 15"),
    ("video 720p, 10,000 events", "video_10k_720_fps", "fps", None),
    ("story film 720p30: render", "story_video_s", "s", "<= 2x its running time"),
    ("  its running time", "story_video_length_s", "s", None),
    ("GIF 20 s 1280x720", "gif_20s_720_mb", "MB", "< 15 MB"),
    ("MP4 60 s 1920x1080 (H.264)", "mp4_60s_1080_mb", "MB", "< 20 MB"),
    ("peak memory (maxrss)", "peak_mib", "MiB", None),
)


def table(results: dict[str, Any], runs: int) -> str:
    """The figures as a readable table: sizes across, each figure above its naive baseline."""
    sizes = [s for s in SIZES if any(s in results[k] for k in PER_SIZE)]
    heads = ["real data" if s == "real" else f"{int(s):,} events" for s in sizes]
    width = 30
    lines = [f"Corridor benchmark: median of {runs} run(s); {BIG_RUNS} at {BIG:,} events, naive baseline 1 run there.",
             "", f"{'':<{width}}" + "".join(f"{h:>15}" for h in heads) + "   target"]
    for label, key, unit, target in PER_SIZE_ROWS:
        if isinstance(key, tuple):
            fast, slow, kind = key
            cells = [_ratio(results[fast].get(s), results[slow].get(s), kind) for s in sizes]
        else:
            cells = [_number((results.get(key) or {}).get(s), unit) for s in sizes]
        lines.append(f"{label:<{width}}" + "".join(f"{c:>15}" for c in cells) + (f"   {target}" if target else ""))
    lines.append("")
    for label, key, unit, target in SINGLE_ROWS:
        lines.append(f"{label:<{width}}{_number(results[key], unit):>15}" + (f"   {target}" if target else ""))
    lines.append(f"(peak memory: {MEMORY_NOTE})")
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    """The bench subcommand's arguments."""
    parser.add_argument("--data", type=Path, default=ROOT / "geodata", help="the real data folder")
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=SIZES, metavar="SIZE",
                        help=f"which data to measure: {', '.join(SIZES)} (default: all)")
    parser.add_argument("--runs", type=int, default=5, help=f"runs per figure (default 5; at most {BIG_RUNS} "
                        f"at {BIG:,} events, 1 for the naive baseline there)")
    parser.add_argument("--skip", nargs="+", default=[], choices=PARTS, metavar="PART",
                        help=f"parts not to measure (their figures are null): {', '.join(PARTS)}")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the synthetic events")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--save", type=Path, help="also write the JSON object to this file")


def main(args: argparse.Namespace) -> int:
    """Run the benchmark and print the table (or, with --json, one JSON object)."""
    if not args.data.is_dir():
        print(f"error: {args.data} is not a folder", file=sys.stderr)
        return 2
    if args.runs < 1:
        print("error: --runs must be 1 or more", file=sys.stderr)
        return 2
    sizes = [s for s in SIZES if s in args.sizes]
    results = run(args.data, sizes, args.runs, args.skip, args.seed)
    text = json.dumps({key: results[key] for key in (*PER_SIZE, *SINGLE)}, allow_nan=False)
    if args.save:
        write_atomically(args.save, text + "\n")
    if args.json:
        print(text)
    else:
        print(table(results, args.runs))
    return 0
