"""No script from data ever runs: the app and the standalone export, in chromium, on the XSS corpus.

Every text field of the data (tests/xss_corpus.py) carries payloads that set ``window.__xss`` or open a
dialog if they ever run as code. On each page the test drives what shows data (tooltips by hovering, the
details, the event list, tables, tabs, the problems banner, an uploaded overlay) and checks that
``window.__xss`` stays undefined in every frame, that no dialog opened, and that the payloads read as text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Frame, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from layers.export.html import standalone_html
from layers.load.catalog import load_catalog
from layers.model.view import View
from tests.browser.harness import AppServer, click_event_on_map, frame_offset, player_frame, settled_images, state
from tests.xss_corpus import (
    IMG,
    JS_URL,
    OVERLAY_POINT,
    OVERLAY_ZONE_CENTRE,
    SCRIPT,
    SHORT,
    SHORT_2,
    SVG,
    TEMPLATES,
    URL_TEMPLATE,
    overlay_geojson,
    write_xss_folder,
)

pytestmark = pytest.mark.browser
TIMEOUT_MS = 120_000
EXPECT_MS = 45_000


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xss_folder(tmp_path_factory.mktemp("xss-data") / "data")


@pytest.fixture
def page(page_offline: Page) -> Iterator[Page]:
    """A guarded page that records (and dismisses) every dialog; the test fails if one opened."""
    dialogs: list[str] = []

    def dismiss(dialog) -> None:
        dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page_offline.on("dialog", dismiss)
    page_offline.set_default_timeout(TIMEOUT_MS)
    page_offline.dialogs = dialogs
    expect.set_options(timeout=EXPECT_MS)  # a rerun on a busy 2-core machine can take longer than 5 s
    try:
        yield page_offline
    finally:
        expect.set_options(timeout=5_000)
    assert not dialogs, f"a dialog opened: {dialogs}"


def assert_inert(page: Page) -> None:
    """No payload ran, in any frame, and none became an element or a javascript: link."""
    settled_images(page)  # a late onerror/onload has fired by now if one was going to
    for frame in page.frames:
        assert frame.evaluate("typeof window.__xss") == "undefined", f"script from the data ran in {frame.url}"
        made = frame.locator("img[src='x'], svg[onload], [onerror], a[href^='javascript:' i]")
        assert made.count() == 0, f"markup from the data in {frame.url}"
    assert not page.dialogs


def hover_tooltip(page: Page, frame: Frame, x: float, y: float, attempts: int = 8) -> str:
    """Hover the map at frame pixel (x, y); the deck.gl tooltip's text (line breaks are its only elements).

    The hover is repeated (mouse away and back) until a tooltip shows: a layer can arrive a frame later.
    """
    left, top = frame_offset(page, frame)
    tip = frame.locator(".deck-tooltip:visible").first  # (a deck may have more than one tooltip element)
    for _ in range(attempts):
        page.mouse.move(left + x - 40, top + y - 40)
        page.mouse.move(left + x, top + y, steps=4)
        with contextlib.suppress(PlaywrightTimeout):
            tip.wait_for(state="visible", timeout=3_000)
            break
    expect(tip).to_be_visible()
    assert tip.locator(":not(br)").count() == 0, f"the tooltip holds elements: {tip.inner_html()}"
    return tip.inner_text()


def open_explore(page: Page, server: AppServer, **params: str) -> Frame:
    page.goto(f"{server.url}/?{urlencode(params)}")  # Explore is the default page: its URL is the root
    return player_frame(page, TIMEOUT_MS)


def test_explore_tooltips_details_list_and_banner(app_server: AppServer, page: Page) -> None:
    frame = open_explore(page, app_server, t="2024-02-01", ev="E002")
    frame.wait_for_function("window.__corridor.stats.draws >= 2")
    expect(page.get_by_role("heading", name=SHORT_2, exact=True)).to_be_visible()  # E002's title in the details
    expect(page.get_by_text(f"Disputed {IMG}", exact=False)).to_be_visible()
    expect(page.get_by_text(f"Summary {IMG}", exact=False)).to_be_visible()
    expect(page.get_by_role("link", name=f"Outlet {SHORT} via Copy {SHORT}, 2023-10-17")).to_have_attribute(
        "href", "https://example.org/one")

    x, y = frame.evaluate("window.__corridor.forTests.pathPoint('E002', 0.5)")
    text = hover_tooltip(page, frame, x, y)
    assert text.startswith(SHORT_2), text
    x, y = frame.evaluate("window.__corridor.forTests.pathPoint('E001', 0.5)")
    assert hover_tooltip(page, frame, x, y).startswith(SHORT)
    x, y = frame.evaluate("window.__corridor.forTests.pathPoint('E002', 0)")  # Pyongyang: the place's own tooltip
    assert hover_tooltip(page, frame, x, y) == f"Pyongyang {SHORT_2} (capital)"

    page.get_by_role("combobox", name="Show the details of").click()
    page.keyboard.press("ArrowDown")  # opens the list (a click alone does not while a value is chosen)
    option = page.get_by_role("option", name=f"Jan 2024: {SHORT}")
    expect(option).to_be_visible()
    option.click()
    frame.wait_for_function("window.__corridor.state.selected === 'E003'")
    expect(page.get_by_role("heading", name=SHORT, exact=True)).to_be_visible()

    banner = page.get_by_test_id("stAlert").filter(has_text="Some data could not be loaded")
    expect(banner).to_contain_text("sources.csv")
    page.get_by_text("What was set aside, and why").click()
    expect(page.get_by_text(f"ERROR: sources.csv, row 4, field 'url': value '{JS_URL}'")).to_be_visible()
    assert_inert(page)


def test_an_uploaded_overlay_shows_its_properties_as_text(app_server: AppServer, page: Page) -> None:
    frame = open_explore(page, app_server, t="2024-02-01")
    before = state(frame)["dataKey"]
    page.get_by_text("Add your own data").click()
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": f"{IMG}.geojson", "mimeType": "application/geo+json", "buffer": overlay_geojson()}])
    expect(page.get_by_text("Everything in your files was added to the map.")).to_be_visible()
    frame.wait_for_function(f"window.__corridor.state.dataKey !== {before!r}")  # the data with the overlay came
    x, y = frame.evaluate("([lon, lat]) => window.__corridor.forTests.project(lon, lat)", list(OVERLAY_POINT))
    text = hover_tooltip(page, frame, x, y)
    assert text.splitlines()[:3] == [f"{IMG}.geojson", f"name: {IMG}", f"{SVG}: {SCRIPT}"], text
    assert f"templates: {TEMPLATES}" in text and f"link: {JS_URL}" in text
    x, y = frame.evaluate("([lon, lat]) => window.__corridor.forTests.project(lon, lat)", list(OVERLAY_ZONE_CENTRE))
    assert f"zone: Zone {SHORT}" in hover_tooltip(page, frame, x, y)
    assert_inert(page)


def test_story_reading_presenter_and_notes(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/story?story=xss&chapter=one")
    expect(page.get_by_text(f"Story {SHORT}", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Chapter {SHORT}", exact=True).first).to_be_visible()
    expect(page.get_by_text(f"Point {IMG}", exact=False)).to_be_visible()
    expect(page.get_by_text(f"Sources disagree: Disputed {IMG}", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="ok", exact=True)).to_have_attribute("href", "https://example.org/x")
    page.get_by_text("All chapters").click()
    expect(page.get_by_text(f"2. Chapter {SHORT_2}", exact=False)).to_be_visible()
    player_frame(page, TIMEOUT_MS)
    assert_inert(page)

    page.goto(f"{app_server.url}/story?story=xss&chapter=two&present=1")
    expect(page.locator(".st-key-story-overlay h1")).to_have_text(f"Chapter {SHORT_2}")
    player_frame(page, TIMEOUT_MS)
    assert_inert(page)

    page.goto(f"{app_server.url}/story?story=xss&chapter=one&notes=1")
    expect(page.get_by_text(f"Notes {IMG}", exact=False)).to_be_visible()
    expect(page.get_by_text(f"Next: Chapter {SHORT_2}", exact=False)).to_be_visible()
    assert_inert(page)


def test_evidence_tables_and_tabs(app_server: AppServer, page: Page) -> None:
    page.goto(f"{app_server.url}/evidence?ev=E002")
    expect(page.get_by_text(f"E002: {SHORT_2}", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Where sources disagree: Disputed {IMG}", exact=False)).to_be_visible()
    expect(page.get_by_text(f"Outlet {SHORT}", exact=False).first).to_be_visible()
    page.get_by_role("textbox", name="Search the events").fill("onerror")
    page.keyboard.press("Enter")
    expect(page.get_by_text("3 of 3 events")).to_be_visible()
    page.get_by_role("tab", name="Where sources disagree").click()
    expect(page.get_by_text(f"D01 · Topic {SHORT}", exact=True)).to_be_visible()
    expect(page.get_by_text(f"Disagreement {IMG}", exact=False)).to_be_visible()
    page.get_by_role("tab", name="The June 2024 op-ed's claims").click()
    expect(page.get_by_text(f"Claim {IMG}", exact=False)).to_be_visible()
    expect(page.get_by_text(f"Finding {IMG}", exact=False)).to_be_visible()
    assert page.locator("a[href^='javascript:' i]").count() == 0
    assert_inert(page)


def test_the_standalone_export_from_file_url(data_folder: Path, tmp_path: Path, page: Page) -> None:
    catalog = load_catalog(data_folder)
    path = tmp_path / "export.html"
    title = f"Export {SHORT} {SCRIPT}"
    path.write_text(standalone_html(catalog, View(date=dt.date(2024, 2, 1), title=title)), encoding="utf-8")
    page.goto(path.as_uri())
    frame = player_frame(page, TIMEOUT_MS)
    assert page.title() == title
    expect(page.locator("#map-title")).to_have_text(title)
    x, y = frame.evaluate("window.__corridor.forTests.pathPoint('E001', 0.5)")
    assert hover_tooltip(page, frame, x, y).startswith(SHORT)
    click_event_on_map(page, frame, "E002")
    page.wait_for_function("window.__corridor.state.selected === 'E002'")
    details = page.locator("#details")
    expect(details).to_be_visible()
    expect(page.locator("#details-title")).to_have_text(SHORT_2)
    text = details.text_content()
    assert f"Disputed: Disputed {IMG}" in text and f"Summary {IMG}" in text
    assert f"Outlet {SHORT}, 2024-01: Title {IMG}" in text  # a source: outlet, date and title
    assert details.get_by_role("link", name=f"Outlet {SHORT}, 2024-01").get_attribute("href") == URL_TEMPLATE
    assert details.locator("img, svg, script").count() == 0
    assert state(frame)["selected"] == "E002"
    assert_inert(page)
