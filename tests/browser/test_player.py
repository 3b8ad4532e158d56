"""The map player inside the running app (chromium, software WebGL, tiny data, no network)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Frame, Page, expect

from layers.model.style import BASEMAP, CATEGORY_COLORS
from tests.browser.harness import (
    AppServer,
    animation_frames,
    click_event_on_map,
    map_pixels,
    player_frame,
    state,
    streamlit_idle,
)

pytestmark = pytest.mark.browser
TIMEOUT_MS = 120_000


def open_explore(page: Page, server: AppServer, **params: str) -> Frame:
    """Open Explore (the default page, whose address is ``/``: st.navigation gives the default page no path of
    its own, so ``/explore`` says "Page not found" once the app runs under st.navigation)."""
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(f"{server.url}/?{urlencode(params)}")
    return player_frame(page, TIMEOUT_MS)


def test_the_map_canvas_draws(app_server: AppServer, page_offline: Page) -> None:
    frame = open_explore(page_offline, app_server, t="2023-12-01", ev="E002")
    frame.wait_for_function("window.__corridor.stats.draws >= 2")
    shares = map_pixels(frame, {"land": BASEMAP["land"], "water": BASEMAP["water"],
                                "summit": CATEGORY_COLORS["diplomacy"]})
    assert shares["land"] > 0.05 and shares["water"] > 0.05, shares
    assert shares["summit"] > 0.0005, f"the selected summit's arc is drawn: {shares}"


def test_play_advances_the_date_and_pause_stops_it(app_server: AppServer, page_offline: Page) -> None:
    frame = open_explore(page_offline, app_server, t="2023-08-20")
    start = state(frame)
    shown = frame.locator("#date").text_content()
    assert start["date"] == "2023-08-20" and shown == "up to 20 Aug 2023"
    frame.get_by_role("button", name="Play").click()
    frame.wait_for_function(f"window.__corridor.state.t > {start['t'] + 15}")
    frame.get_by_role("button", name="Pause").click()
    paused = state(frame)
    assert not paused["playing"]
    assert frame.locator("#date").text_content() != shown
    animation_frames(frame, 30)
    assert state(frame)["t"] == paused["t"], "paused means paused"
    page_offline.wait_for_function(f"location.search.includes('t={paused['date']}')")


def test_a_click_on_a_flow_shows_its_details(app_server: AppServer, page_offline: Page) -> None:
    frame = open_explore(page_offline, app_server, t="2023-12-01")
    click_event_on_map(page_offline, frame, "E002")
    page_offline.wait_for_function("location.search.includes('ev=E002')")
    expect(page_offline.get_by_text("Leaders meet.")).to_be_visible()
    assert state(frame)["selected"] == "E002"


def test_the_event_list_selects_the_event_on_the_map_by_keyboard(app_server: AppServer, page_offline: Page) -> None:
    frame = open_explore(page_offline, app_server, t="2024-02-01")
    page_offline.get_by_role("combobox", name="Show the details of").focus()
    page_offline.keyboard.type("Strike")
    page_offline.keyboard.press("Enter")
    frame.wait_for_function("window.__corridor.state.selected === 'E003'")
    expect(page_offline.get_by_text("Casualty counts differ.")).to_be_visible()


def test_playing_the_whole_timeline_sends_nothing_per_frame(app_server: AppServer, page_offline: Page) -> None:
    sent: list[float] = []
    page_offline.on("websocket", lambda ws: ws.on("framesent", lambda _: sent.append(time.monotonic())))
    frame = open_explore(page_offline, app_server, t="2023-08-15")
    streamlit_idle(page_offline)
    before = len(sent)
    frame.get_by_role("button", name="Play").click()
    frame.wait_for_function("!window.__corridor.state.playing", timeout=TIMEOUT_MS)
    streamlit_idle(page_offline)
    stats = frame.evaluate("window.__corridor.stats")
    assert state(frame)["date"] == "2024-02-01", "played to the end of the timeline"
    assert stats["frames"] >= 10, f"too few frames to tell (software WebGL on a busy machine): {stats}"
    assert len(sent) - before <= 3, f"{len(sent) - before} websocket messages for {stats['frames']} frames"


def test_place_names_that_would_overlap_wait_for_a_closer_zoom(app_server: AppServer, page_offline: Page) -> None:
    # Rajin port and Dunai are 2 degrees apart: their names collide over the whole theatre, not at zoom 6.
    ready = "window.__corridor.stats.labels && window.__corridor.forTests.labels().includes('Pyongyang')"
    frame = open_explore(page_offline, app_server, t="2023-12-01", cam="85,50,2.3,0,0")
    frame.wait_for_function(ready)
    wide = frame.evaluate("window.__corridor.forTests.labels()")
    assert {"Pyongyang", "Moscow", "Rajin port"} <= set(wide), wide  # capitals, then ports, by file order
    assert "Dunai" not in wide, wide
    frame = open_explore(page_offline, app_server, t="2023-12-01", cam="131.3,42.6,6,0,0")
    frame.wait_for_function(ready + " && window.__corridor.forTests.labels().includes('Dunai')")
    assert {"Rajin port", "Dunai"} <= set(frame.evaluate("window.__corridor.forTests.labels()"))
