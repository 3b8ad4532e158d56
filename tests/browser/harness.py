"""Browser test harness, importable by any test: Debian's chromium through Playwright, a Streamlit server on
127.0.0.1, pages with every non-local request blocked and recorded, and helpers for the map player.

Fixtures built on it live in ``tests/browser/conftest.py``:

- ``data_folder`` (module): the data the app serves; tiny data from ``tests/factory.py`` unless a test module
  defines its own ``data_folder`` fixture.
- ``app_server`` (module): ``streamlit run app.py`` on a free port with ``CORRIDOR_DATA=data_folder``; its
  ``.url``; stopped after the module.
- ``browser`` (session): chromium launched with :data:`LAUNCH_ARGS` (Playwright gives it a fresh profile).
  Skips loudly when ``/usr/bin/chromium`` is missing, fails instead when ``CI`` is set.
- ``page_offline``: a page (1280x1000) whose requests to anything but 127.0.0.1 (or file:, data:, blob:)
  are aborted; the test fails if any was attempted, or if a script error reached the page.
"""

from __future__ import annotations

import contextlib
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Frame, Page, Route

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--use-angle=swiftshader",
               "--enable-unsafe-swiftshader"]
"""chromium flags that work here: WebGL2 in software (SwiftShader), nothing phoning home."""
VIEWPORT = {"width": 1280, "height": 1000}
LOCAL_SCHEMES = ("file", "data", "blob", "about")
SERVER_START_S = 90


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    """A running ``streamlit run app.py``."""

    url: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


@contextlib.contextmanager
def start_app(data_folder: Path, log_dir: Path, extra_env: dict[str, str] | None = None,
              app_dir: Path = ROOT) -> Iterator[AppServer]:
    """Serve ``app_dir``'s ``app.py`` on 127.0.0.1 with ``CORRIDOR_DATA=data_folder`` until the block ends."""
    port = free_port()
    log = log_dir / f"streamlit-{port}.log"
    env = {**os.environ, "CORRIDOR_DATA": str(data_folder), **(extra_env or {})}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
               "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--server.fileWatcherType", "none"]
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=app_dir, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_healthy(server: AppServer, timeout: float = SERVER_START_S) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.process.returncode}:\n{server.log_tail()}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
            if answer.read().strip() == b"ok":
                return
        time.sleep(0.3)
    raise TimeoutError(f"streamlit did not answer on {server.url} within {timeout:.0f} s:\n{server.log_tail()}")


@dataclass
class Guard:
    """What a guarded page tried and should not have: requests off this machine, uncaught script errors."""

    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"request to the network: {u}" for u in self.blocked] + [f"script error: {e}" for e in self.errors]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


def guard_page(page: Page) -> Guard:
    """Abort and record every request that would leave 127.0.0.1; record uncaught script errors and
    Content-Security-Policy refusals (a request the page's policy stopped before it reached the network)."""
    guard = Guard()

    def route(r: Route) -> None:
        if is_local(r.request.url):
            r.continue_()
        else:
            guard.blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: guard.errors.append(str(error)))
    page.on("console", lambda m: guard.errors.append(m.text) if "Content Security Policy" in m.text else None)
    return guard


def player_frame(page: Page, timeout_ms: int = 120_000) -> Frame:
    """The map player's frame (the component iframe, or the page itself for an export), once it is ready."""
    deadline = time.monotonic() + timeout_ms / 1000
    frame = None
    while frame is None:
        frame = next((f for f in page.frames if "corridor_player" in f.url), None)
        if frame is None and page.evaluate("!!window.__corridor"):
            frame = page.main_frame
        if frame is None:
            if time.monotonic() > deadline:
                raise TimeoutError("the map player did not appear")
            page.wait_for_timeout(250)
    left = max(1, int((deadline - time.monotonic()) * 1000))
    frame.wait_for_function("window.__corridor && window.__corridor.state.ready", timeout=left)
    return frame


def frame_offset(page: Page, frame: Frame) -> tuple[float, float]:
    """Where the frame's (0, 0) is on the page."""
    if frame == page.main_frame:
        return 0.0, 0.0
    box = frame.frame_element().bounding_box()
    return box["x"], box["y"]


def click_event_on_map(page: Page, frame: Frame, event_id: str, fraction: float = 0.5) -> None:
    """Click the map at a point of ``event_id`` (``fraction`` of the way along a flow, or its place)."""
    point = frame.evaluate("([id, f]) => window.__corridor.pathPoint(id, f)", [event_id, fraction])
    assert point, f"{event_id} is not on the map"
    x, y = frame_offset(page, frame)
    page.mouse.move(x + point[0], y + point[1])
    page.wait_for_timeout(300)
    page.mouse.click(x + point[0], y + point[1])


def state(frame: Frame) -> dict:
    """The player's public state (time, date, playing, mode, selection...)."""
    return frame.evaluate("JSON.parse(JSON.stringify(window.__corridor.state))")


def map_pixels(frame: Frame, colours: dict[str, str], tolerance: int = 12) -> dict[str, float]:
    """Share of the map's pixels within ``tolerance`` of each named '#rrggbb' colour (from a screenshot)."""
    import numpy as np
    from PIL import Image

    image = np.asarray(Image.open(io.BytesIO(frame.locator("#map").screenshot())).convert("RGB"), dtype=np.int16)
    shares = {}
    for name, colour in colours.items():
        target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
        shares[name] = float((np.abs(image - target).max(axis=2) <= tolerance).mean())
    return shares
