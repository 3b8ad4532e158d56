"""The player's JavaScript cost per animation frame, measured in headless chromium (software WebGL).

A standalone HTML export (``layers.export.html``) of N synthetic events is opened from disk, played for a few
seconds, and ``window.__corridor.stats`` is read: ``frameMsMean``/``frameMsMax`` are the time our frame
callback takes (advance the clock, clone the trips layer with the new ``currentTime``, rebuild the visible sets
when they change, ``deck.setProps``); ``drawMsMean`` is deck.gl's own redraw (``onBeforeRender`` to
``onAfterRender``) and ``fps`` the frames actually shown. No Streamlit here; Playwright is imported only when a
browser is used. Run ``python -m layers.bench.browser [N ...]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from layers.bench.harness import CHROMIUM, LAUNCH_ARGS
from layers.bench.synthetic import SEED, write_synthetic
from layers.export.html import standalone_html
from layers.load.catalog import Catalog, load_catalog
from layers.model.view import View
from layers.query.flows import flow_table

ROOT = Path(__file__).resolve().parents[2]
"""The project folder (the bench reads its geodata/ and runs its benchmarks/ scripts)."""
VIEWPORT = {"width": 1280, "height": 800}
FLOW_SHARE = 0.7
"""Share of synthetic events that are flows (``layers.bench.synthetic.SHAPE_WEIGHTS``)."""
START = dt.date(2022, 1, 1)


def synthetic_catalog(n_flows: int, folder: Path, seed: int = SEED) -> Catalog:
    """The real places, routes and basemap with about ``n_flows`` synthetic flows (and some point events)."""
    write_synthetic(ROOT / "geodata", folder, max(1, round(n_flows / FLOW_SHARE)), seed)
    return load_catalog(folder)


REPLAY_WARMUP = 60


def play_stats(html: Path, seconds: float = 5.0, speed: str = "4", replay_frames: int = 0) -> dict[str, Any]:
    """Open ``html`` in headless chromium with the network blocked, play ``seconds`` at ``speed``, read stats.

    With ``replay_frames``, also replay that many frames at 60 fps with drawing paused
    (``window.__corridor.forBenchmarks.replay``,
    after REPLAY_WARMUP frames): the JS per frame when the renderer keeps up, which software WebGL here does not
    at 10,000+ flows (then every frame it draws is one that rebuilds the visible sets).
    """
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.is_file():
        raise FileNotFoundError(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:"))
                       else r.abort())
            opened = time.perf_counter()
            page.goto(html.as_uri(), timeout=300_000)
            # Poll on a timer and click through the DOM: at 10,000+ flows software WebGL may take seconds per frame,
            # and Playwright's default polling (each animation frame) and click (waits for the page to settle) then
            # crawl or time out.
            page.wait_for_function("window.__corridor && window.__corridor.state.ready", timeout=300_000,
                                   polling=250)
            page.wait_for_function("window.__corridor.stats.draws >= 1", timeout=300_000, polling=250)
            ready_s = time.perf_counter() - opened
            page.evaluate("(v) => { const s = document.getElementById('speed'); s.value = v; "
                          "s.dispatchEvent(new Event('change')); }", speed)
            page.evaluate("document.getElementById('play').click()")
            page.wait_for_timeout(seconds * 1000)
            page.evaluate("document.getElementById('play').click()")
            stats = page.evaluate("JSON.parse(JSON.stringify(window.__corridor.stats))")
            state = page.evaluate("JSON.parse(JSON.stringify(window.__corridor.state))")
            replayed = []
            if replay_frames:
                page.evaluate("([n, s]) => window.__corridor.forBenchmarks.replay(n, s)", [REPLAY_WARMUP, float(speed)])
                replayed = page.evaluate("([n, s]) => window.__corridor.forBenchmarks.replay(n, s)",
                                         [replay_frames, float(speed)])
        finally:
            browser.close()
    result = {"ready_s": round(ready_s, 2), "frames": stats["frames"], "frame_ms_mean": round(stats["frameMsMean"], 3),
              "frame_ms_max": round(stats["frameMsMax"], 2), "draw_ms_mean": round(stats["drawMsMean"], 1),
              "fps": round(stats["frames"] / seconds, 1), "rebuilds": stats["rebuilds"],
              "visible_events": state["visibleEvents"]}
    if replayed:
        ordered = sorted(replayed)
        result |= {"replay_frames": len(replayed), "replay_ms_mean": round(sum(replayed) / len(replayed), 3),
                   "replay_ms_p95": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
                   "replay_ms_max": round(ordered[-1], 2)}
    return result


def frame_ms(catalog: Catalog, view: View, seconds: float = 5.0, replay_frames: int = 0) -> dict[str, Any]:
    """The player's per-frame figures for ``view`` of ``catalog`` (played from ``view.date`` or the start)."""
    start = view.with_(date=view.date or START)
    with tempfile.TemporaryDirectory(prefix="corridor-frame-") as tmp:
        html = Path(tmp) / "player.html"
        html.write_text(standalone_html(catalog, start), encoding="utf-8")
        result = play_stats(html, seconds, replay_frames=replay_frames)
        result["html_bytes"] = html.stat().st_size
    result["flows"] = len(flow_table(catalog.events))
    return result


def measure(sizes: tuple[int, ...] = (200, 10_000), seconds: float = 5.0) -> dict[int, dict[str, Any]]:
    """Figures for each number of synthetic flows."""
    results = {}
    with tempfile.TemporaryDirectory(prefix="corridor-bench-browser-") as tmp:
        for n in sizes:
            catalog = synthetic_catalog(n, Path(tmp) / str(n))
            results[n] = frame_ms(catalog, View(), seconds)
            print(f"bench_browser: {n} flows: {results[n]}", file=sys.stderr, flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layers.bench.browser", description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[200, 10_000], help="numbers of synthetic flows")
    parser.add_argument("--seconds", type=float, default=5.0, help="playing time per size")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    results = measure(tuple(args.sizes), args.seconds)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    columns = ("flows", "frame_ms_mean", "frame_ms_max", "draw_ms_mean", "fps", "frames", "rebuilds", "ready_s",
               "html_bytes")
    print(" | ".join(f"{c:>13}" for c in columns))
    for figures in results.values():
        print(" | ".join(f"{figures[c]!s:>13}" for c in columns))
    return 0


if __name__ == "__main__":
    sys.exit(main())
