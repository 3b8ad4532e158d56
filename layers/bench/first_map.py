"""The first map: seconds from navigation to a drawn map, for Corridor's Explore page and for a naive page of the
same view (``benchmarks/naive_page.py``: a plain ``st.pydeck_chart`` of ``layers.render.mapspec.deck``), measured
the same way.

Every run starts a fresh server process and a fresh browser (a new, empty profile) and is its first visitor.
The clock starts when the browser is told to open the page. What the screen shows is recorded with the DevTools
protocol's screencast: the browser sends a picture each time it puts a new one on screen, stamped with that time.
The map is *drawn* at the first picture whose map area shows the colours of the categories of the flows the view
shows at its date (``coloured``) and then stays on screen, unchanged (``settled``), for ``SETTLE_S``. Both pages
are judged by the same rule, with the page's own overlays (Corridor's legend, status and attribution boxes) left
out, so that a legend's swatches never count as flows and a legend filling in is no change of the map.

(Screenshots on demand would not do: on software WebGL, compiling deck.gl's programs holds the browser's
compositor for seconds, no screenshot can be taken meanwhile, and a screenshot's time is then when the browser
could answer, not when the map appeared. The screen itself keeps showing its last picture, and the screencast's
time stamps say when that picture came.)

A run that has drawn no map within its limit is reported as the limit, flagged. Corridor draws a first picture of
the map (``layers/player/preview.js``) while deck.gl loads, so its runs also time when the map takes input (the
player is ready and deck.gl has drawn); the naive page takes input once it has drawn. Over the wire: every
response's bytes as received (compressed as served, headers included) plus the websocket frames, until the map was
drawn, and of those the map's data (the player's data file and the websocket frames; all of the naive page's data
travels in its websocket). The basemap is part of both pages' data, so it is counted.

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
"""Pause between two looks at what the screencast sent (and at where the map is on the page)."""
SETTLE_S = 0.5
"""How long a picture of the map must stay on screen, unchanged, to count as drawn."""
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
    ready_js: str = ""
    """True (in the map's frame) once the map takes input; empty: once it is drawn."""
    data_url_part: str = ""
    """Responses whose address holds this are the map's data (besides the websocket frames)."""


CORRIDOR = Page("corridor", "app.py", "#map", "corridor_player",
                ("#legend", "#status", "#attribution", "#map-title", "#details"),
                ready_js="window.__corridor && window.__corridor.state.ready"
                         " && !document.querySelector('canvas.map-preview')",
                data_url_part="/data/")
NAIVE = Page("naive", "benchmarks/naive_page.py", '[data-testid="stDeckGlJsonChart"]')


@dataclass
class Run:
    """One timed visit: seconds to the drawn map (or the limit), whether it was given up, bytes received (all,
    and the map's data), seconds until the map took input."""

    seconds: float
    gave_up: bool
    wire_bytes: int
    photos: int
    data_bytes: int = 0
    interactive_s: float | None = None


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

    @property
    def data_bytes(self) -> int:
        return int(statistics.median(r.data_bytes for r in self.runs))

    @property
    def interactive_s(self) -> float | None:
        times = [r.interactive_s for r in self.runs if r.interactive_s is not None]
        return statistics.median(times) if len(times) == len(self.runs) else None


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


def settled(a: np.ndarray, b: np.ndarray, masked: np.ndarray | None = None) -> bool:
    """True when two photographs of the map area are (nearly) the same picture, leaving out the pixels ``masked``
    (True) in either: an overlay that grew (a legend filled in) is not a change of the map."""
    if a.shape != b.shape:
        return False
    changed = (a != b).any(axis=2)
    if masked is not None:
        changed &= ~masked
    return float(changed.mean()) <= SETTLED_SHARE


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
  return {box: [box.left, box.top, box.width, box.height], masks};
}"""


def _where(page: Any, spec: Page) -> tuple[list[float], list[list[float]]] | None:
    """Where the map is on the page (left, top, width, height in CSS pixels) and its overlays' boxes (relative to
    the map); None while there is no map element yet."""
    frame = page.main_frame
    if spec.frame_url_part:
        frame = next((f for f in page.frames if spec.frame_url_part in f.url), None)
        if frame is None:
            return None
    try:
        found = frame.evaluate(MASK_JS, [spec.map_selector, list(spec.overlays)])
        if found is None:
            return None
        left, top, width, height = found["box"]
        if frame != page.main_frame:
            outer = frame.frame_element().bounding_box()
            left, top = left + outer["x"], top + outer["y"]
    except Exception:  # the frame navigated or the element was replaced between the calls
        return None
    return [left, top, width, height], found["masks"]


def _crop(png: bytes, where: tuple[list[float], list[list[float]]]) -> tuple[np.ndarray, np.ndarray] | None:
    """The map area of a picture of the whole page (one image pixel per CSS pixel) with the overlays masked
    (black), and which pixels are masked (True); None if the map lies outside the picture."""
    from PIL import Image

    (left, top, width, height), masks = where
    page = np.array(Image.open(io.BytesIO(png)).convert("RGB"))
    x0, y0 = max(0, round(left)), max(0, round(top))
    image = page[y0:round(top + height), x0:round(left + width)].copy()
    if image.shape[0] < 50 or image.shape[1] < 50:
        return None
    masked = np.zeros(image.shape[:2], dtype=bool)
    for m_left, m_top, m_right, m_bottom in masks:
        masked[max(0, int(m_top)):max(0, int(m_bottom) + 1), max(0, int(m_left)):max(0, int(m_right) + 1)] = True
    image[masked] = 0
    return image, masked


def _screencast(devtools: Any) -> list[tuple[float, bytes]]:
    """Start the screencast; the list it returns fills with (time stamp, PNG) of each picture.

    Each picture is acknowledged as it comes (the browser sends no more while two are unacknowledged, and a
    picture it could not send is lost): while the harness waits on a busy page, Playwright still handles events."""
    pictures: list[tuple[float, bytes]] = []

    def picture(event: dict) -> None:
        devtools.send("Page.screencastFrameAck", {"sessionId": event["sessionId"]})
        pictures.append((float(event["metadata"]["timestamp"]), base64.b64decode(event["data"])))

    devtools.on("Page.screencastFrame", picture)
    devtools.send("Page.startScreencast", {"format": "png", "everyNthFrame": 1,
                                           "maxWidth": VIEWPORT["width"], "maxHeight": VIEWPORT["height"]})
    return pictures


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


def _count_bytes(session: Any, data_url_part: str) -> dict[str, int]:
    """Bytes received by the page (and its frames) as the network delivered them, via the DevTools protocol
    ``session``: ``bytes`` in all, ``data`` of them the map's data (websocket frames, responses at
    ``data_url_part``)."""
    received = {"bytes": 0, "data": 0}
    urls: dict[str, str] = {}
    session.send("Network.enable")

    def sent(event: dict) -> None:
        urls[event["requestId"]] = event.get("request", {}).get("url", "")

    def finished(event: dict) -> None:
        size = int(event.get("encodedDataLength", 0))
        received["bytes"] += size
        if data_url_part and data_url_part in urls.get(event["requestId"], ""):
            received["data"] += size

    def frame(event: dict) -> None:
        response = event.get("response", {})
        data = response.get("payloadData", "")
        size = len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())
        received["bytes"] += size
        received["data"] += size

    session.on("Network.requestWillBeSent", sent)
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
        devtools = context.new_cdp_session(page)
        received = _count_bytes(devtools, spec.data_url_part)
        pictures = _screencast(devtools)
        start, opened = time.monotonic(), time.time()  # the screencast's stamps are wall-clock times
        page.goto(f"{app.url}/?{urlencode(view.to_params())}", wait_until="commit")
        where = None
        seen = 0
        # the picture of the map now on screen: since when (stamp), image, mask, bytes received then (all, data)
        candidate: tuple[float, np.ndarray, np.ndarray, int, int] | None = None
        judged_with = None
        while time.monotonic() - start < limit_s:
            arrived = len(pictures)
            where = _where(page, spec) or where  # asked after the pictures came: it holds for the last of them
            if where is not None and arrived > seen:
                candidate = _latest(pictures[seen:arrived], where, candidate, colours, received)
                seen, judged_with = arrived, where
            elif where is not None and seen and where != judged_with:  # the map moved on the page: judge again
                candidate = _latest(pictures[seen - 1:seen], where, None, colours, received)
                judged_with = where
            if candidate is not None and time.time() - candidate[0] >= SETTLE_S:
                drawn_s = candidate[0] - opened
                devtools.send("Page.stopScreencast")
                return Run(drawn_s, False, candidate[3], seen, candidate[4],
                           _interactive(page, spec, start, limit_s, drawn_s))
            page.wait_for_timeout(POLL_S * 1000)  # (not time.sleep: the browser's events are handled meanwhile)
        return Run(limit_s, True, received["bytes"], seen, received["data"])


def _latest(batch: list[tuple[float, bytes]], where: tuple[list[float], list[list[float]]],
            candidate: tuple | None, colours: dict[str, np.ndarray], received: dict[str, int]) -> tuple | None:
    """The map's picture on screen after ``batch`` (pictures in order) and since when, given ``candidate`` (the one
    before it): None unless it shows the flows' colours. Only the last pictures are decoded, walking back while
    they show the same map (its first appearance is what counts)."""
    last = _crop(batch[-1][1], where)
    if last is None or not coloured(last[0], colours):
        return None
    since = (batch[-1][0], *last, received["bytes"], received["data"])
    for stamp, png in reversed(batch[:-1]):
        earlier = _crop(png, where)
        if earlier is None or not settled(earlier[0], last[0], earlier[1] | last[1]):
            return since
        since = (stamp, *since[1:])
    if candidate is not None and settled(candidate[1], last[0], candidate[2] | last[1]):
        return candidate  # unchanged since an earlier batch
    return since


def _interactive(page: Any, spec: Page, start: float, limit_s: float, drawn_s: float) -> float | None:
    """Seconds from ``start`` until ``spec.ready_js`` holds in the map's frame (``drawn_s`` without one; None if
    not within ``limit_s``)."""
    if not spec.ready_js:
        return drawn_s
    while time.monotonic() - start < limit_s:
        frame = next((f for f in page.frames if spec.frame_url_part in f.url), None)
        with contextlib.suppress(Exception):  # the frame may navigate between the lookup and the call
            if frame is not None and frame.evaluate(f"() => !!({spec.ready_js})"):
                return time.monotonic() - start
        page.wait_for_timeout(50)
    return None


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
        takes = f"takes input at {f.interactive_s:.1f} s; " if f.interactive_s is not None else ""
        lines.append(f"{f.page}: first map {f.median_s:.1f} s median ({low:.1f}-{high:.1f}) over {len(f.runs)} runs"
                     f"{flag}; {takes}{f.wire_bytes:,} bytes received, {f.data_bytes:,} of them map data")
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
