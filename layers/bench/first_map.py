"""The first map: seconds from navigation to a drawn map, for Corridor's Explore page and for a naive page of the
same view (``benchmarks/naive_page.py``: a plain ``st.pydeck_chart`` of ``layers.render.mapspec.deck``), measured
the same way.

Every run starts a fresh server process and a fresh browser (a new, empty profile) and is its first visitor.
The clock starts when the browser is told to open the page. The map area is photographed again and again
(``POLL_S`` apart); the map is *drawn* once a photograph shows the colours of the categories of the flows the view
shows at its date (``coloured``), and the time is that photograph's, once the next one shows the same picture
(``settled``: it no longer changes). Both pages are judged by the same rule, with the page's own overlays
(Corridor's legend, status and attribution boxes) masked so that a legend's swatches never count as flows.
A run that has drawn no map within its limit is reported as the limit, flagged. Over the wire: every response's
bytes as received (compressed as served, headers included) plus the websocket frames, until the map was drawn;
the basemap is part of both pages' data, so it is counted.

No Streamlit import here: the pages run as their own server processes (``layers.bench.harness.start_app``).
"""

from __future__ import annotations

import base64
import contextlib
import io
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from layers.bench.harness import CHROMIUM, LAUNCH_ARGS, ROOT, start_app
from layers.load.catalog import load_catalog
from layers.model.style import BASEMAP, CATEGORY_COLORS
from layers.model.view import View
from layers.query.flows import flow_table
from layers.query.select import select

VIEWPORT = {"width": 1280, "height": 800}
POLL_S = 0.25
"""Pause between two photographs of the map area (each photograph itself takes a while in software WebGL)."""
MIN_PIXELS = 6
"""Pixels of a category's colour that count as that category drawn."""
TOLERANCE = 28
"""How far (largest channel difference) a pixel may be from a category's colour as drawn."""
DRAWN_SHARE = 0.8
"""Share of the view's flow categories whose colours must show (a category's few flows may lie under others)."""
SETTLED_SHARE = 0.002
"""At most this share of pixels may differ between two photographs of a settled map."""
ALPHAS = (60, 150, 230, 255)
"""Opacities at which the pages draw flows: a colour is looked for as drawn at each over land and over water."""


@dataclass(frozen=True)
class Page:
    """How to open one page and where its map is."""

    name: str
    script: str
    map_selector: str
    """The map's element (in the page, or in ``frame_url_part``'s frame)."""
    frame_url_part: str = ""
    overlays: tuple[str, ...] = ()
    """Elements drawn over the map that are not the map (masked out)."""


CORRIDOR = Page("corridor", "app.py", "#map", "corridor_player",
                ("#legend", "#status", "#attribution", "#map-title", "#details"))
NAIVE = Page("naive", "benchmarks/naive_page.py", '[data-testid="stDeckGlJsonChart"]')


@dataclass
class Run:
    """One timed visit: seconds to the drawn map (or the limit), whether it was given up, bytes received."""

    seconds: float
    gave_up: bool
    wire_bytes: int
    photos: int


@dataclass
class Figure:
    """The runs of one page on one data folder, and their median and spread."""

    page: str
    runs: list[Run] = field(default_factory=list)

    @property
    def median_s(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def spread_s(self) -> tuple[float, float]:
        return min(r.seconds for r in self.runs), max(r.seconds for r in self.runs)

    @property
    def gave_up(self) -> bool:
        return any(r.gave_up for r in self.runs)

    @property
    def wire_bytes(self) -> int:
        return int(statistics.median(r.wire_bytes for r in self.runs))


def _hex(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def expected_colours(folder: Path, view: View) -> dict[str, np.ndarray]:
    """For each category with a flow in ``view``: its colour as the pages may draw it (at ``ALPHAS`` over the
    land and the water), as an (n, 3) array."""
    catalog = load_catalog(folder)
    categories = sorted(set(flow_table(select(catalog, view))["category"]))
    grounds = [_hex(BASEMAP["land"]), _hex(BASEMAP["water"])]
    colours = {}
    for category in categories:
        c = _hex(CATEGORY_COLORS[category])
        colours[category] = np.array([a / 255 * c + (1 - a / 255) * g for a in ALPHAS for g in grounds])
    return colours


def coloured(image: np.ndarray, colours: dict[str, np.ndarray]) -> bool:
    """True when at least ``DRAWN_SHARE`` of the categories show ``MIN_PIXELS`` pixels of their colour."""
    if not colours:
        return True
    pixels = image.reshape(-1, 3).astype(np.float32)
    shown = 0
    for variants in colours.values():
        near = np.zeros(len(pixels), dtype=bool)
        for v in variants:
            near |= np.abs(pixels - v).max(axis=1) <= TOLERANCE
        shown += int(near.sum() >= MIN_PIXELS)
    return shown >= DRAWN_SHARE * len(colours)


def settled(a: np.ndarray, b: np.ndarray) -> bool:
    """True when two photographs of the map area are (nearly) the same picture."""
    return a.shape == b.shape and float((a != b).any(axis=2).mean()) <= SETTLED_SHARE


MASK_JS = """([selector, overlays]) => {
  const map = document.querySelector(selector);
  if (!map) return null;
  const box = map.getBoundingClientRect();
  if (box.width < 50 || box.height < 50) return null;
  const masks = [];
  for (const s of overlays) for (const el of document.querySelectorAll(s)) {
    const r = el.getBoundingClientRect();
    if (el.hidden || r.width === 0 || r.height === 0) continue;
    masks.push([r.left - box.left, r.top - box.top, r.right - box.left, r.bottom - box.top]);
  }
  return masks;
}"""


def _photo(page: Any, spec: Page) -> np.ndarray | None:
    """The map area as an RGB array with the overlays masked (black), or None while there is no map yet."""
    from PIL import Image

    frame = page.main_frame
    if spec.frame_url_part:
        frame = next((f for f in page.frames if spec.frame_url_part in f.url), None)
        if frame is None:
            return None
    try:
        masks = frame.evaluate(MASK_JS, [spec.map_selector, list(spec.overlays)])
        if masks is None:
            return None
        png = frame.locator(spec.map_selector).first.screenshot(animations="disabled", timeout=30_000)
    except Exception:  # the frame navigated or the element was replaced between the two calls
        return None
    image = np.array(Image.open(io.BytesIO(png)).convert("RGB"))  # one image pixel per CSS pixel (scale 1)
    for left, top, right, bottom in masks:
        image[max(0, int(top)):max(0, int(bottom) + 1), max(0, int(left)):max(0, int(right) + 1)] = 0
    return image


@contextlib.contextmanager
def _browser() -> Iterator[Any]:
    """A fresh chromium with an empty profile of its own."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="corridor-first-map-profile-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=str(CHROMIUM), headless=True,
                                                       args=LAUNCH_ARGS, viewport=VIEWPORT)
        try:
            yield context
        finally:
            context.close()


def _count_bytes(context: Any, page: Any) -> dict[str, int]:
    """Bytes received by the page (and its frames) as the network delivered them, via the DevTools protocol."""
    received = {"bytes": 0}
    session = context.new_cdp_session(page)
    session.send("Network.enable")

    def finished(event: dict) -> None:
        received["bytes"] += int(event.get("encodedDataLength", 0))

    def frame(event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        received["bytes"] += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())

    session.on("Network.loadingFinished", finished)
    session.on("Network.webSocketFrameReceived", frame)
    return received


def visit(spec: Page, folder: Path, view: View, colours: dict[str, np.ndarray], limit_s: float,
          state: Path, logs: Path) -> Run:
    """One timed first visit of ``spec`` on a fresh server and a fresh browser."""
    from urllib.parse import urlencode

    with start_app(folder, logs, extra_env={"CORRIDOR_STATE": str(state)}, script=spec.script) as app, \
            _browser() as context:
        page = context.pages[0] if context.pages else context.new_page()
        received = _count_bytes(context, page)
        start = time.monotonic()
        page.goto(f"{app.url}/?{urlencode(view.to_params())}", wait_until="commit")
        previous: np.ndarray | None = None
        candidate: tuple[float, int] | None = None
        photos = 0
        while time.monotonic() - start < limit_s:
            image = _photo(page, spec)
            taken = time.monotonic() - start
            photos += image is not None
            if image is not None and candidate is not None and previous is not None and settled(previous, image):
                return Run(candidate[0], False, candidate[1], photos)
            candidate = (taken, received["bytes"]) if image is not None and coloured(image, colours) else None
            previous = image
            page.wait_for_timeout(POLL_S * 1000)  # (not time.sleep: the browser's events are handled meanwhile)
        return Run(limit_s, True, received["bytes"], photos)


def first_map(folder: Path, view: View, *, runs: int = 3, limit_s: float = 180.0, naive_limit_s: float | None = None,
              warm_up: bool = True, logs: Path | None = None) -> dict[str, Figure]:
    """Corridor's and the naive page's first map on ``folder`` at ``view``: ``runs`` visits each, alternating,
    after one untimed visit of each (``warm_up``). The naive page's runs stop at ``naive_limit_s`` (default
    ``limit_s``); Corridor's prepared catalog (its state folder) is kept across its runs, as on a real server."""
    colours = expected_colours(folder, view)
    figures = {spec.name: Figure(spec.name) for spec in (CORRIDOR, NAIVE)}
    with tempfile.TemporaryDirectory(prefix="corridor-first-map-") as tmp:
        logs = logs or Path(tmp)
        states = {spec.name: Path(tmp) / f"state-{spec.name}" for spec in (CORRIDOR, NAIVE)}
        limits = {CORRIDOR.name: limit_s, NAIVE.name: naive_limit_s or limit_s}
        if warm_up:
            for spec in (CORRIDOR, NAIVE):
                visit(spec, folder, view, colours, limits[spec.name], states[spec.name], logs)
        for _ in range(runs):
            for spec in (CORRIDOR, NAIVE):
                figures[spec.name].runs.append(
                    visit(spec, folder, view, colours, limits[spec.name], states[spec.name], logs))
    return figures


def describe(figures: dict[str, Figure]) -> str:
    """One line per page: median, spread, runs, bytes."""
    lines = []
    for f in figures.values():
        low, high = f.spread_s
        flag = " (GAVE UP at the limit)" if f.gave_up else ""
        lines.append(f"{f.page}: first map {f.median_s:.1f} s median ({low:.1f}-{high:.1f}) over {len(f.runs)} runs"
                     f"{flag}; {f.wire_bytes:,} bytes received")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """``python -m layers.bench.first_map [FOLDER] [--runs N] [--limit S]``: print both pages' figures."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, default=ROOT / "geodata")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=float, default=180.0)
    parser.add_argument("--date", default="2024-06-30")
    args = parser.parse_args(argv)
    view = View.from_params({"t": args.date})
    print(describe(first_map(args.folder, view, runs=args.runs, limit_s=args.limit)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
