"""The first picture: the player draws the map with the canvas 2D API while deck.gl's bundle is still loading,
in deck.gl's own camera, and deck.gl's map replaces it (``layers/player/preview.js``)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Frame, Page, Route

from layers.bench.first_map import coloured, expected_colours
from layers.model.style import BASEMAP
from layers.model.view import View
from tests.browser.harness import PLAYER_ON_PAGE, AppServer, map_pixels

pytestmark = pytest.mark.browser
TIMEOUT_MS = 120_000


def _near(image: np.ndarray, colour: str, tolerance: int = 12) -> np.ndarray:
    target = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.int16)
    return np.abs(image - target).max(axis=2) <= tolerance


def _photo(frame: Frame) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(frame.locator("#map").screenshot())).convert("RGB"), dtype=np.int16)


def test_the_map_shows_before_deck_gl_loads_and_deck_gl_takes_over_in_the_same_camera(
        app_server: AppServer, page_offline: Page, data_folder: Path) -> None:
    held: list[Route] = []
    # deck.gl's bundle is held back until the test lets it go
    page_offline.route("**/deck.min.js", lambda route: held.append(route))
    page_offline.set_default_timeout(TIMEOUT_MS)
    page_offline.goto(f"{app_server.url}/?{urlencode({'t': '2023-12-01'})}")
    page_offline.wait_for_function(PLAYER_ON_PAGE, timeout=TIMEOUT_MS)
    frame = next(f for f in page_offline.frames if "corridor_player" in f.url)
    frame.wait_for_selector("canvas.map-preview", state="attached")

    assert held, "the player asked for deck.gl's bundle"
    assert not frame.evaluate("window.__corridor.state.ready"), "deck.gl is not there yet"
    drawn = map_pixels(frame, {"land": BASEMAP["land"], "water": BASEMAP["water"]})
    assert drawn["land"] > 0.05 and drawn["water"] > 0.05, drawn
    before = _photo(frame)
    flows = expected_colours(data_folder, View(date=dt.date(2023, 12, 1)))
    assert len(flows) == 2 and coloured(before.astype(np.uint8), flows), "the flows shown at the date are drawn"

    for route in held:
        route.continue_()
    frame.wait_for_function("window.__corridor.state.ready && !document.querySelector('canvas.map-preview')")
    after = _photo(frame)
    land_before, land_after = _near(before, BASEMAP["land"]), _near(after, BASEMAP["land"])
    agree = float((land_before == land_after).mean())
    assert agree > 0.97, f"the preview's land lies where deck.gl draws it ({agree:.3f} of pixels agree)"


def test_the_first_map_makes_only_the_trips_layers_of_its_date_and_the_rest_follow(
        app_server: AppServer, page_offline: Page) -> None:
    page_offline.set_default_timeout(TIMEOUT_MS)
    page_offline.goto(f"{app_server.url}/?{urlencode({'t': '2025-06-01'})}")  # long after the tiny data's flows
    page_offline.wait_for_function(PLAYER_ON_PAGE, timeout=TIMEOUT_MS)
    frame = next(f for f in page_offline.frames if "corridor_player" in f.url)
    frame.wait_for_function("window.__corridor.state.ready && !document.querySelector('canvas.map-preview')")
    assert frame.evaluate("window.__corridor.stats.tripLayersFirstDrawn") == 0, "no flow travels at that date"
    frame.wait_for_function("(() => { const t = window.__corridor.forTests.drawn().tripLayers;"
                            " return t.all > 0 && t.made === t.all; })()")


def test_the_flows_travelling_at_the_first_date_move_on_the_first_map(app_server: AppServer, page_offline: Page):
    page_offline.set_default_timeout(TIMEOUT_MS)
    page_offline.goto(f"{app_server.url}/?{urlencode({'t': '2023-09-14'})}")  # the summit's day after
    page_offline.wait_for_function(PLAYER_ON_PAGE, timeout=TIMEOUT_MS)
    frame = next(f for f in page_offline.frames if "corridor_player" in f.url)
    frame.wait_for_function("window.__corridor.state.ready && !document.querySelector('canvas.map-preview')")
    made = frame.evaluate("window.__corridor.stats.tripLayersFirstDrawn")
    assert made >= 1, "the layer of the trips under way at the first date is made for the first map"
    assert frame.evaluate("window.__corridor.forTests.drawn().trips") >= 1, "a trip is on its way at the first date"
