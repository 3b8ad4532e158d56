"""Browser test harness, importable by any test: Debian's chromium through Playwright, a Streamlit server on
127.0.0.1, pages with every non-local request blocked and recorded, helpers for the map player, and axe-core run
in every frame of a page (:func:`assert_accessible`, with the script from the ``axe`` fixture).

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

import io
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from playwright.sync_api import Frame, Page, Route

from layers.bench.harness import CHROMIUM, LAUNCH_ARGS, ROOT, AppServer, free_port, start_app, wait_healthy

__all__ = ["CHROMIUM", "LAUNCH_ARGS", "ROOT", "AppServer", "free_port", "start_app", "wait_healthy"]

VIEWPORT = {"width": 1280, "height": 1000}
LOCAL_SCHEMES = ("file", "data", "blob", "about")


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


PLAYER_ON_PAGE = """() => {
  if (window.__corridor) return true;
  const frame = document.querySelector("iframe[title*='corridor_player']");
  try { return !!(frame && frame.contentWindow && frame.contentWindow.__corridor); } catch (e) { return false; }
}"""
"""True once the page holds the player: inline (an export) or in the component's frame (the app)."""


def player_frame(page: Page, timeout_ms: int = 120_000) -> Frame:
    """The map player's frame (the component iframe, or the page itself for an export), once it is ready."""
    deadline = time.monotonic() + timeout_ms / 1000
    page.wait_for_function(PLAYER_ON_PAGE, timeout=timeout_ms)
    frame = next((f for f in page.frames if "corridor_player" in f.url), page.main_frame)
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
    point = frame.evaluate("([id, f]) => window.__corridor.forTests.pathPoint(id, f)", [event_id, fraction])
    assert point, f"{event_id} is not on the map"
    x, y = frame_offset(page, frame)
    page.mouse.move(x + point[0], y + point[1])
    animation_frames(frame, 3)  # the map has seen the pointer (picking runs on the next frames)
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


def animation_frames(frame: Frame, count: int) -> None:
    """Wait until the page has drawn ``count`` more animation frames (a condition, not a time)."""
    frame.evaluate("""(n) => new Promise((done) => {
      const step = () => (--n > 0 ? requestAnimationFrame(step) : done());
      requestAnimationFrame(step);
    })""", count)


def streamlit_idle(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until the Streamlit app has no script run in progress (its status widget is gone)."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms)


APP_STYLES_APPLIED = """() => {
  const caption = document.querySelector('[data-testid="stSidebar"] [data-testid="stCaptionContainer"]');
  return !!caption && getComputedStyle(caption).opacity === '1';
}"""
"""True once app.py's stylesheet is in effect (Streamlit draws ``st.html`` with a chunk it may load late)."""


def app_styles_applied(page: Page, timeout_ms: int = 60_000) -> None:
    """Wait until app.py's stylesheet (legible captions, focus outlines) applies to the page."""
    page.wait_for_function(APP_STYLES_APPLIED, timeout=timeout_ms)


def settled_images(page: Page) -> None:
    """Wait until every image of every frame has loaded or failed: an onerror or onload would have fired."""
    for frame in page.frames:
        frame.wait_for_function("Array.from(document.images).every((i) => i.complete)")
        animation_frames(frame, 2)


# ---------- accessibility: axe-core in every frame ----------

AXE_JS = ROOT / "tests" / "browser" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
"""axe-core, installed by ``make axe`` (``npm ci`` in ``tests/browser/axe``); never fetched at run time."""
FAILING_IMPACTS = ("serious", "critical")
AXE_EXCLUSIONS: tuple[tuple[str, str], ...] = ()
"""(rule id, exact target selector) pairs not counted as failures; each one is listed with its reason in
README.md's "Accessibility checks" (a test checks that it is)."""
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations', 'passes'], iframes: false});
  const nodes = (rule) => rule.nodes.map((n) => ({target: n.target.map(String), summary: n.failureSummary || '',
                                                  impact: n.impact || rule.impact || ''}));
  return {violations: result.violations.map((r) => ({id: r.id, impact: r.impact || '', help: r.help,
                                                     nodes: nodes(r)})),
          passes: result.passes.map((r) => ({id: r.id, nodes: nodes(r)}))};
}"""


@dataclass
class AxeFinding:
    """One node that broke one axe rule, in one frame."""

    rule: str
    impact: str
    help: str
    frame: str
    target: list[str]
    summary: str

    def __str__(self) -> str:
        summary = " / ".join(line.strip() for line in self.summary.splitlines() if line.strip())
        return f"[{self.impact}] {self.rule} ({self.help}) in {self.frame}\n    at {' >> '.join(self.target)}\n" \
               f"    {summary}"


@dataclass
class AxeReport:
    """axe-core's findings over every frame of a page, and which nodes of each frame it checked."""

    findings: list[AxeFinding] = field(default_factory=list)
    checked: dict[str, set[str]] = field(default_factory=dict)
    """Frame URL -> the target selectors axe checked there (passes and violations)."""

    def failures(self) -> list[AxeFinding]:
        """The serious and critical findings, less the exclusions of :data:`AXE_EXCLUSIONS`."""
        return [f for f in self.findings if f.impact in FAILING_IMPACTS
                and (f.rule, " >> ".join(f.target)) not in AXE_EXCLUSIONS]

    def checked_in(self, url_part: str) -> set[str]:
        """The selectors axe checked in the frames whose URL contains ``url_part``."""
        return set().union(*(nodes for url, nodes in self.checked.items() if url_part in url))


def axe_source() -> str | None:
    """axe-core's script, or None when ``make axe`` has not installed it."""
    return AXE_JS.read_text(encoding="utf-8") if AXE_JS.is_file() else None


def run_axe(page: Page, source: str) -> AxeReport:
    """Inject axe-core into every frame of ``page`` (the page and its component iframes) and run it in each."""
    report = AxeReport()
    for frame in page.frames:
        if frame.is_detached() or frame.url in ("", "about:blank"):
            continue
        if not frame.evaluate("typeof window.axe === 'object'"):
            frame.add_script_tag(content=source)
        result = frame.evaluate(RUN_AXE)
        for rule in result["violations"]:
            report.findings += [AxeFinding(rule["id"], n["impact"], rule["help"], frame.url, n["target"],
                                           n["summary"]) for n in rule["nodes"]]
        report.checked.setdefault(frame.url, set()).update(
            " >> ".join(n["target"]) for rule in result["violations"] + result["passes"] for n in rule["nodes"])
    return report


def assert_accessible(page: Page, source: str, must_check: dict[str, set[str]] | None = None) -> AxeReport:
    """Fail on every serious or critical axe finding in any frame of ``page``; print the lesser ones. With
    ``must_check`` ({frame URL part: selectors}), also fail unless axe checked those nodes in those frames."""
    report = run_axe(page, source)
    lesser = [f for f in report.findings if f.impact not in FAILING_IMPACTS]
    if lesser:
        print(f"axe, below serious ({len(lesser)}):\n" + "\n".join(map(str, lesser)))
    failures = report.failures()
    assert not failures, f"axe: {len(failures)} serious or critical finding(s):\n" + "\n".join(map(str, failures))
    for url_part, selectors in (must_check or {}).items():
        checked = report.checked_in(url_part)
        assert checked, f"axe checked no frame whose URL contains {url_part!r}: {sorted(report.checked)}"
        missing = selectors - checked
        assert not missing, f"axe did not check {sorted(missing)} in the {url_part!r} frame"
    return report
