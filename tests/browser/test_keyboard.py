"""Explore and the player by keyboard only: no mouse event, no ``focus()`` from the test, only Tab, Shift+Tab,
Enter, Space, Escape and typing, from the page as it opens. Each step's effect is checked, and so is a visible
focus indicator (an outline or a box shadow) on every control the focus stops at."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Frame, Page, WebSocketRoute, expect

from layers.export.html import standalone_html
from layers.load.catalog import load_catalog
from layers.model.view import View
from tests.browser.harness import (
    AppServer,
    animation_frames,
    app_styles_applied,
    player_frame,
    state,
    streamlit_idle,
)
from tests.factory import write_folder

pytestmark = pytest.mark.browser
WAIT_MS = 120_000
MAX_STOPS = 40
"""Tab presses allowed to reach a control (the sidebar, the filters and the player come first)."""

FOCUSED = """() => {
  let doc = document, inFrame = false;
  for (;;) {
    const el = doc.activeElement;
    if (el && el.tagName === 'IFRAME' && el.contentDocument) { doc = el.contentDocument; inFrame = true; continue; }
    if (!el || el === doc.body) return {tag: 'BODY', inFrame};
    // A Streamlit select shows its focus on the box around its input.
    const shown = el.getAttribute('role') === 'combobox' ? el.closest('[role="group"]') || el : el;
    const style = doc.defaultView.getComputedStyle(shown);
    return {tag: el.tagName, id: el.id, label: el.getAttribute('aria-label') || '', inFrame,
            text: (el.textContent || '').trim().slice(0, 80), href: el.getAttribute('href') || '',
            pressed: el.getAttribute('aria-pressed'), details: !!el.closest('.st-key-event-details, #details'),
            outline: style.outlineStyle, shadow: style.boxShadow};
  }
}"""
"""The focused element, inside the component iframe when the focus is there, and how its focus shows."""


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted: str, *, back: bool = False) -> dict[str, Any]:
    """Press Tab (Shift+Tab when ``back``) until the focused element satisfies the JS predicate ``wanted`` (over
    ``f``, the :data:`FOCUSED` record); fail if it takes more than MAX_STOPS presses or a stop shows no focus."""
    seen = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        f = focused(page)
        seen.append(f"{f['tag']}#{f.get('id', '')} {f.get('label') or f.get('text', '')!r}")
        if f["tag"] != "BODY":
            assert f["outline"] != "none" or f["shadow"] != "none", f"no visible focus on {seen[-1]}"
        if page.evaluate(f"(f) => !!({wanted})", f):
            return f
    raise AssertionError(f"never reached {wanted} by keyboard; stops: {seen}")


def date_shown(frame: Frame) -> str:
    return frame.locator("#date").text_content() or ""


@pytest.fixture
def explore(app_server: AppServer, page_offline: Page) -> tuple[Page, Frame]:
    page_offline.set_default_timeout(WAIT_MS)
    page_offline.goto(f"{app_server.url}/?t=2023-09-20")
    frame = player_frame(page_offline, WAIT_MS)
    streamlit_idle(page_offline)
    app_styles_applied(page_offline)
    return page_offline, frame


def test_explore_by_keyboard_only(explore: tuple[Page, Frame]) -> None:
    page, frame = explore
    started = time.perf_counter()

    # Tab into the player and play, then pause with Space.
    f = tab_to(page, "f.inFrame && f.id === 'play'")
    assert f["pressed"] == "false"
    start = state(frame)
    page.keyboard.press("Enter")
    frame.wait_for_function(f"window.__corridor.state.playing && window.__corridor.state.t > {start['t'] + 15}")
    assert focused(page)["pressed"] == "true"
    page.keyboard.press("Space")
    frame.wait_for_function("!window.__corridor.state.playing")
    paused = state(frame)
    assert paused["date"] > start["date"] and date_shown(frame) != "up to 20 Sep 2023"
    page.wait_for_function(f"location.search.includes('t={paused['date']}')")

    # Step back two weeks and forward one with the step buttons, pressed as fast as keys repeat: the app's echo of
    # an earlier step must not undo a later one.
    tab_to(page, "f.inFrame && f.id === 'step-back'")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    tab_to(page, "f.inFrame && f.id === 'step-forward'")
    page.keyboard.press("Space")
    week_before = dt.date.fromisoformat(paused["date"]) - dt.timedelta(days=7)
    page.wait_for_function(f"location.search.includes('t={week_before}')")
    streamlit_idle(page)
    assert state(frame)["day"] == paused["day"] - 7
    assert date_shown(frame) == f"up to {week_before.day} {week_before:%b %Y}"

    # Back out of the player to the confidence filter: keep only the official confirmations.
    shown = state(frame)["visibleEvents"]
    assert shown >= 2
    tab_to(page, "!f.inFrame && f.label === 'Confidence'", back=True)
    page.keyboard.type("Confirmed")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('conf=confirmed-official')")
    frame.wait_for_function(f"window.__corridor.state.ready && window.__corridor.state.visibleEvents < {shown}")
    streamlit_idle(page)

    # On to the event list's select box; choose the summit; its sources are in the details, one Shift+Tab away.
    tab_to(page, "!f.inFrame && f.label.startsWith('Show the details of')")
    page.keyboard.type("Summit")
    page.keyboard.press("Enter")
    page.wait_for_function("location.search.includes('ev=E002')")
    expect(page.locator(".st-key-event-details")).to_contain_text("Leaders meet.")
    frame.wait_for_function("window.__corridor.state.selected === 'E002'")
    streamlit_idle(page)
    f = tab_to(page, "f.tag === 'A' && f.details && f.href.startsWith('https://')", back=True)
    assert "Outlet" in f["text"], f
    print(f"keyboard walk through Explore in {time.perf_counter() - started:.1f} s")


def test_a_late_echo_of_a_step_does_not_undo_the_next(app_server: AppServer, page_offline: Page) -> None:
    """A held Enter steps faster than Streamlit reruns, so the page's echo of one step (its args, with the date
    the player reported) can arrive after the next step: it must not move the player back. The test holds the
    page's messages to the app, takes two steps, then lets the first step's message through alone."""
    page = page_offline
    held: list[str | bytes] = []
    hold = {"on": False}
    app: dict[str, WebSocketRoute] = {}

    def route(ws: WebSocketRoute) -> None:
        app["ws"] = ws.connect_to_server()
        ws.on_message(lambda message: held.append(message) if hold["on"] else app["ws"].send(message))

    page.route_web_socket(re.compile(r"/_stcore/stream"), route)
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{app_server.url}/?t=2023-09-20")
    frame = player_frame(page, WAIT_MS)
    streamlit_idle(page)
    start = state(frame)["day"]
    tab_to(page, "f.inFrame && f.id === 'step-back'")

    def wait_held(count: int) -> None:
        deadline = time.monotonic() + 30
        while len(held) < count and time.monotonic() < deadline:  # each call lets Playwright deliver messages
            frame.evaluate("0")
        assert len(held) >= count, f"{len(held)} message(s) from the page held, {count} expected"

    hold["on"] = True
    page.keyboard.press("Enter")
    frame.wait_for_function(f"window.__corridor.state.day === {start - 7}")
    first = state(frame)["date"]
    wait_held(1)  # the first step's message is out before the second step (so the two are not sent as one)
    page.keyboard.press("Enter")
    frame.wait_for_function(f"window.__corridor.state.day === {start - 14}")
    second = state(frame)["date"]
    wait_held(2)
    hold["on"] = False
    app["ws"].send(held[0])  # the first step reaches the app; its rerun sends the player the first date
    page.wait_for_function(f"location.search.includes('t={first}')")
    streamlit_idle(page)
    animation_frames(frame, 3)
    assert state(frame)["day"] == start - 14, "the late echo of the first step moved the player back"
    for message in held[1:]:
        app["ws"].send(message)
    page.wait_for_function(f"location.search.includes('t={second}')")
    streamlit_idle(page)
    assert state(frame)["day"] == start - 14


@pytest.fixture
def export(tmp_path: Path) -> Path:
    catalog = load_catalog(write_folder(tmp_path / "data"))
    path = tmp_path / "view.html"
    path.write_text(standalone_html(catalog, View(date=dt.date(2024, 2, 1))), encoding="utf-8")
    return path


def test_the_player_list_and_details_by_keyboard_only(export: Path, page_offline: Page) -> None:
    page = page_offline
    page.set_default_timeout(WAIT_MS)
    page.goto(export.as_uri())
    frame = player_frame(page, WAIT_MS)
    f = tab_to(page, "f.tag === 'BUTTON' && f.text.includes('Summit')")
    page.keyboard.press("Enter")
    frame.wait_for_function("window.__corridor.state.selected === 'E002'")
    f = focused(page)
    assert f["id"] == "details-title" and f["text"] == "Summit", "the focus moves to the event's details"
    assert f["outline"] != "none"
    f = tab_to(page, "f.tag === 'A' && f.details")
    assert f["text"].startswith("Outlet One") and f["href"] == "https://example.org/one", f
    page.keyboard.press("Escape")
    expect(page.locator("#details")).to_be_hidden()
    f = focused(page)
    assert f["tag"] == "BUTTON" and "Summit" in f["text"], "Escape closes the details and returns to the list"
    assert state(frame)["selected"] is None
