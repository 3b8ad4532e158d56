"""The player's JavaScript time per animation frame, measured in headless chromium (software WebGL).

The player is opened as the standalone HTML export (``layers.export_html``: the same player.js with its data
inlined, no server), set playing, and read back through ``window.__corridor.stats``: ``frameMsMean`` is the
player's own work per animation frame (move the time, rebuild what is visible when it changes, hand deck.gl the
new layers); ``drawMsMean`` and ``fps`` (deck.gl's drawing on the software renderer) are reported beside it.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog
from .view import View

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--use-angle=swiftshader",
               "--enable-unsafe-swiftshader"]
"""chromium flags that work here (design notes, section 6): WebGL2 in software, nothing phoning home."""
VIEWPORT = {"width": 1280, "height": 720}
MIN_FRAMES = 60
MAX_PLAY_S = 60.0
"""Play until MIN_FRAMES frames or MAX_PLAY_S seconds: software WebGL here may draw one frame in many seconds."""
READY_TIMEOUT_MS = 300_000


class BrowserUnavailable(RuntimeError):
    """No chromium or no Playwright here: the figure cannot be measured."""


@dataclass(frozen=True)
class FrameStats:
    """What the player measured while playing."""

    frame_ms: float
    frame_ms_max: float
    frames: int
    draw_ms: float
    fps: float
    data_ms: float


def measure_frames(catalog: Catalog, view: View, min_frames: int = MIN_FRAMES,
                   max_seconds: float = MAX_PLAY_S) -> FrameStats:
    """Play ``view`` in chromium until ``min_frames`` frames (or ``max_seconds``) and return the player's stats."""
    if not CHROMIUM.is_file():
        raise BrowserUnavailable(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(f"playwright is not installed ({exc})") from None
    from .export_html import standalone_html

    with tempfile.TemporaryDirectory(prefix="corridor-frames-") as tmp:
        page_file = Path(tmp) / "player.html"
        page_file.write_text(standalone_html(catalog, view), encoding="utf-8")
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            try:
                page = browser.new_page(viewport=VIEWPORT)
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                           else route.abort())
                page.goto(page_file.as_uri())
                # Poll on a timer: the default (each animation frame) crawls when frames take seconds to draw.
                page.wait_for_function("() => window.__corridor && window.__corridor.state.ready",
                                       timeout=READY_TIMEOUT_MS, polling=250)
                page.evaluate("""() => { const s = window.__corridor.stats;
                    for (const k of ['frames', 'frameMsMean', 'frameMsMax', 'frameMsTotal', 'draws', 'drawMsMean',
                                     'drawMsMax', 'drawMsTotal']) s[k] = 0; }""")
                # A click through the DOM: Playwright's click waits for the busy page to settle, which it may not.
                page.evaluate("() => document.getElementById('play').click()")
                deadline = time.monotonic() + max_seconds
                while time.monotonic() < deadline:
                    page.wait_for_timeout(500)
                    if page.evaluate("() => window.__corridor.stats.frames") >= min_frames:
                        break
                stats = page.evaluate("() => ({...window.__corridor.stats})")
            finally:
                browser.close()
    if not stats.get("frames"):
        raise RuntimeError("the player drew no animation frame")
    return FrameStats(frame_ms=float(stats["frameMsMean"]), frame_ms_max=float(stats["frameMsMax"]),
                      frames=int(stats["frames"]), draw_ms=float(stats.get("drawMsMean") or 0.0),
                      fps=float(stats.get("fps") or 0.0),
                      data_ms=float(stats.get("dataMs") or 0.0))
