"""The standalone HTML export opened from disk with every request blocked: it draws, plays, and runs no
script from the data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from layers.export.html import standalone_html
from layers.load.catalog import load_catalog
from layers.model.style import BASEMAP
from layers.model.view import Camera, View
from tests.browser.harness import (
    animation_frames,
    click_event_on_map,
    map_pixels,
    player_frame,
    settled_images,
    state,
)
from tests.factory import EVENTS, write_folder

pytestmark = pytest.mark.browser
HOSTILE = 'Summit <img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture
def export(tmp_path: Path) -> Path:
    events = [dict(e) for e in EVENTS]
    events[1]["title"] = HOSTILE[:90]
    events[1]["disputed"] = HOSTILE
    catalog = load_catalog(write_folder(tmp_path / "data", events=events))
    path = tmp_path / "corridor.html"
    path.write_text(standalone_html(catalog, View(date=dt.date(2023, 9, 20), title="Export test")), encoding="utf-8")
    return path


def test_the_export_opens_offline_draws_and_plays(export: Path, page_offline: Page) -> None:
    page_offline.set_default_timeout(120_000)
    page_offline.goto(export.as_uri())
    frame = player_frame(page_offline)
    assert frame == page_offline.main_frame
    frame.wait_for_function("window.__corridor.stats.draws >= 2")
    shares = map_pixels(frame, {"land": BASEMAP["land"], "water": BASEMAP["water"]})
    assert shares["land"] > 0.05 and shares["water"] > 0.05, shares
    start = state(frame)
    assert start["date"] == "2023-09-20"
    page_offline.get_by_role("button", name="Play").click()
    page_offline.wait_for_function(f"window.__corridor.state.t > {start['t'] + 10}")
    page_offline.get_by_role("button", name="Pause").click()
    assert not state(frame)["playing"]
    assert page_offline.locator("#map-title").text_content() == "Export test"


def test_data_text_runs_no_script_in_tooltips_or_details(export: Path, page_offline: Page) -> None:
    page_offline.set_default_timeout(120_000)
    page_offline.goto(export.as_uri())
    frame = player_frame(page_offline)
    click_event_on_map(page_offline, frame, "E002")
    page_offline.wait_for_function("window.__corridor.state.selected === 'E002'")
    details = page_offline.locator("#details")
    assert details.is_visible()
    assert page_offline.locator("#details-title").text_content() == HOSTILE[:90]
    assert HOSTILE in details.text_content()
    assert details.locator("img, script").count() == 0
    tooltip = page_offline.locator("#map-live .deck-tooltip")
    assert "<img src=x" in (tooltip.text_content() or "")
    assert tooltip.locator("img").count() == 0
    settled_images(page_offline)
    assert page_offline.evaluate("window.__xss") is None


def test_the_static_map_and_the_live_map_name_the_same_places(tmp_path: Path, page_offline: Page) -> None:
    """One view as a static export and in the live player: the place names inside the frame are the same (both
    take capitals and the shown events' places, tried in layers.model.style.label_order)."""
    from layers.model.style import place_label
    from layers.model.view import Camera
    from layers.render.static_map import place_names

    catalog = load_catalog(write_folder(tmp_path / "data"))
    view = View(date=dt.date(2023, 9, 20), focus=("E001",), camera=Camera(128.5, 40.5, 5.2, 0, 0))
    static = set(place_names(catalog, view, width=1280, height=720))
    path = tmp_path / "view.html"
    path.write_text(standalone_html(catalog, view), encoding="utf-8")
    page_offline.set_viewport_size({"width": 1280, "height": 870})
    page_offline.goto(path.as_uri())
    frame = player_frame(page_offline)
    frame.wait_for_function("window.__corridor.stats.draws >= 2 && window.__corridor.forTests.labels().length > 0")
    live = set(frame.evaluate("window.__corridor.forTests.labels()"))
    inside = set(frame.evaluate("""(places) => places.filter(([name, lon, lat]) => {
      const p = window.__corridor.forTests.project(lon, lat);
      const r = document.getElementById('map').getBoundingClientRect();
      return p && p[0] > r.left && p[0] < r.right && p[1] > r.top && p[1] < r.bottom; }).map(([name]) => name)""",
        [[place_label(n), g.x, g.y] for n, g in zip(catalog.places["name"], catalog.places.geometry, strict=True)]))
    assert static == {"Pyongyang", "Rajin port", "Dunai"}, static
    assert live & inside == static, (live, inside, static)


def test_the_close_ups_show_from_zoom_5_and_hide_below(tmp_path: Path, page_offline: Page) -> None:
    """A close-up that is all water but one islet, inside the tiny data's Russia: drawn at zoom 6 (the box turns
    to water), gone once the map is zoomed out below 5."""
    folder = write_folder(tmp_path / "data")
    islet = [[[131.9, 44.9], [132.1, 44.9], [132.1, 45.1], [131.9, 45.1], [131.9, 44.9]]]
    (folder / "countries_10m.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"iso_a3": "RUS", "name": "Russia", "box": "far-east"},
         "geometry": {"type": "Polygon", "coordinates": islet}}]}))
    catalog = load_catalog(folder)
    assert catalog.report.ok and len(catalog.closeup) == 1
    path = tmp_path / "closeup.html"
    path.write_text(standalone_html(catalog, View(camera=Camera(132.0, 48.0, 6.0))), encoding="utf-8")
    page_offline.set_default_timeout(120_000)
    page_offline.goto(path.as_uri())
    frame = player_frame(page_offline)
    frame.wait_for_function("window.__corridor.stats.draws >= 2")
    animation_frames(frame, 4)
    close = map_pixels(frame, {"land": BASEMAP["land"], "water": BASEMAP["water"]})
    assert close["water"] > 0.8, close  # the 1:50m land (a rectangle over the whole view) is covered
    box = frame.locator("#map").bounding_box()
    page_offline.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    zoom = 6.0
    for _ in range(40):  # small wheel steps until the map is just below zoom 5 (still over the box)
        page_offline.mouse.wheel(0, 60)
        animation_frames(frame, 8)
        zoom = frame.evaluate("window.__corridor.state.camera.zoom")
        if zoom < 4.8:
            break
    assert 4.0 < zoom < 4.8, zoom
    animation_frames(frame, 6)
    far = map_pixels(frame, {"land": BASEMAP["land"], "water": BASEMAP["water"]})
    assert far["land"] > 0.3 and far["water"] < close["water"], far
