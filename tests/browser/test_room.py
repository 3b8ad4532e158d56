"""Presenter mode in a room (issue 14): for every chapter at three screen sizes no focused flow lies under the
chapter panel, the controls, the legend or the map's own labels; with reduced motion the camera reaches a
chapter's view in one frame and no trip travels; the map's text alternative follows the chapter; the dark-room
theme draws a dark map. Shipped data and story, the app on 127.0.0.1, chromium."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from layers.load.catalog import load_catalog
from layers.model.story import chapter_view
from layers.model.style import THEMES
from layers.query.select import focus_mask, select
from tests.browser.harness import AppServer, animation_frames, frame_offset, guard_page, map_pixels, player_frame

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT / "geodata")
STORY = CATALOG.stories["russia-dprk"]
SIZES = [(1920, 1080), (1280, 720), (1024, 768)]
WAIT_MS = 60_000
COVERS = [".st-key-story-overlay", ".st-key-story-controls", ".st-key-story-exit"]
"""What presenter mode draws over the page; the map's own overlays are added from inside its frame."""
FRAME_COVERS = ["#legend", "#attribution", "#map-title", "#details"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data_folder() -> Path:
    return ROOT / "geodata"


def focused_flows(index: int) -> list[str]:
    """The ids of the flows chapter ``index`` focuses on and shows."""
    view = chapter_view(STORY, STORY.chapters[index])
    events = select(CATALOG, view)
    events = events[focus_mask(events, view)]
    return [e for e, o, d in zip(events["id"], events["origin"], events["destination"], strict=True) if o and d]


def wait_camera(frame: Frame, index: int) -> None:
    """Wait until the player has been given chapter ``index``'s camera."""
    c = chapter_view(STORY, STORY.chapters[index]).camera
    frame.wait_for_function("""([lon, lat, z]) => { const c = window.__corridor.state.camera;
      return c && Math.abs(c.longitude - lon) < 0.01 && Math.abs(c.latitude - lat) < 0.01
        && Math.abs(c.zoom - z) < 0.01; }""", arg=[c.longitude, c.latitude, c.zoom], timeout=WAIT_MS)


def rects(page: Page, frame: Frame) -> list[tuple[str, dict]]:
    """The page boxes of everything drawn over the map that is visible now."""
    out = [(sel, page.locator(sel).bounding_box()) for sel in COVERS if page.locator(sel).is_visible()]
    # Playwright gives the boxes of a frame's elements in page coordinates
    out += [(sel, frame.locator(sel).bounding_box()) for sel in FRAME_COVERS if frame.locator(sel).is_visible()]
    return out


def covered(page: Page, frame: Frame, event_ids: list[str], size: tuple[int, int]) -> list[str]:
    """Points of the focused flows that are on screen and lie under something drawn over the map."""
    boxes = rects(page, frame)
    fx, fy = frame_offset(page, frame)
    area = frame.frame_element().bounding_box()  # the map is drawn only inside its frame
    problems = []
    for eid in event_ids:
        for k in range(21):
            p = frame.evaluate("([id, f]) => window.__corridor.forTests.pathPoint(id, f)", [eid, k / 20])
            if not p:
                continue
            x, y = fx + p[0], fy + p[1]
            inside = area["x"] <= x < area["x"] + area["width"] and area["y"] <= y < area["y"] + area["height"]
            if not (inside and 0 <= x < size[0] and 0 <= y < size[1]):
                continue  # off the map or off screen: not drawn, so not covered
            for name, b in boxes:
                if b and b["x"] <= x <= b["x"] + b["width"] and b["y"] <= y <= b["y"] + b["height"]:
                    problems.append(f"{eid} at {k / 20:.2f} ({x:.0f}, {y:.0f}) is under {name}")
    return problems


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_no_focused_flow_is_covered_and_the_camera_jumps(app_server: AppServer, browser: Browser,
                                                         size: tuple[int, int]) -> None:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, reduced_motion="reduce")
    page = context.new_page()
    guard = guard_page(page)
    try:
        page.goto(f"{app_server.url}/story?story=russia-dprk&chapter={STORY.chapters[0].id}&present=1")
        frame = player_frame(page, WAIT_MS)
        problems: list[str] = []
        checked = 0
        for index, chapter in enumerate(STORY.chapters):
            if index:
                page.keyboard.press("ArrowRight")
            expect(page.locator(".st-key-story-overlay h1")).to_have_text(chapter.title, timeout=WAIT_MS)
            frame = player_frame(page, WAIT_MS)
            wait_camera(frame, index)
            animation_frames(frame, 1)
            drawn = frame.evaluate("window.__corridor.forTests.drawn()")
            want = chapter_view(STORY, chapter).camera
            # reduced motion: one frame after the camera was given, the map shows it (no flight)
            assert abs(drawn["camera"]["zoom"] - want.zoom) < 0.01, (chapter.id, drawn)
            assert abs(drawn["camera"]["longitude"] - want.longitude) < 0.01, (chapter.id, drawn)
            assert drawn["trips"] == 0, "no trip travels with reduced motion"
            description = frame.locator("#map-description").text_content()
            assert chapter.title in description and "Map at" in description, description
            flows = focused_flows(index)
            checked += len(flows)
            problems += [f"chapter {index + 1} ({chapter.id}): {p}" for p in covered(page, frame, flows, size)]
        assert checked > 20, "the story's chapters focus on flows"
        assert not problems, "\n".join(problems[:30])
    finally:
        context.close()
    assert not guard.problems(), guard.problems()


def test_dark_room_draws_a_dark_map_and_the_panel_legend(app_server: AppServer, page_offline: Page) -> None:
    page = page_offline
    index = next(i for i in range(len(STORY.chapters)) if focused_flows(i))
    page.goto(f"{app_server.url}/story?story=russia-dprk&chapter={STORY.chapters[index].id}&present=1&room=dark")
    frame = player_frame(page, WAIT_MS)
    dark = THEMES["dark"]
    frame.wait_for_function("document.getElementById('player').dataset.theme === 'dark'", timeout=WAIT_MS)
    animation_frames(frame, 5)
    shares = map_pixels(frame, {"land": dark.land, "water": dark.water,
                                "standard land": THEMES["standard"].land})
    assert shares["land"] + shares["water"] > 0.5, shares
    assert shares["standard land"] < 0.01, shares
    legend = page.locator(".st-key-story-overlay .legend-item")
    assert legend.count() >= 1
    assert not frame.locator("#legend").is_visible(), "in presenter mode the legend is in the panel, not on the map"


def test_reduced_motion_in_an_export_shows_no_travelling_trips(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "view.html"
    done = subprocess.run([sys.executable, "-m", "layers", "export", "html", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    seen = {}
    for motion in ("no-preference", "reduce"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion=motion)
        page = context.new_page()
        page.goto(out.as_uri())
        page.wait_for_function("window.__corridor && window.__corridor.state.ready", timeout=WAIT_MS)
        before = page.locator("#map-description").text_content()
        page.locator("#time").fill(str(page.evaluate("window.__corridor.state.day") - 400))
        page.evaluate("document.getElementById('time').dispatchEvent(new Event('change'))")
        day = page.evaluate("window.__corridor.state.day")
        page.locator("#play").click()
        page.wait_for_function(f"window.__corridor.state.day >= {day + 30}", timeout=WAIT_MS)
        trips = [page.evaluate("window.__corridor.forTests.drawn().trips") for _ in range(5)]
        seen[motion] = (max(trips), page.locator("#reduce-motion").is_checked())
        page.locator("#play").click()  # pause: the text alternative is set again
        after = page.locator("#map-description").text_content()
        assert after != before and after.startswith("Map at"), (before, after)
        context.close()
    assert seen["reduce"] == (0, True), seen
    assert seen["no-preference"][0] > 0 and not seen["no-preference"][1], seen


def test_the_briefing_switches_rooms_with_t(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "brief.html"
    done = subprocess.run([sys.executable, "-m", "layers", "export", "html", "--story", "russia-dprk", "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(out.as_uri())
    page.wait_for_function("window.__corridor && window.__corridor.state.ready", timeout=WAIT_MS)
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.body.dataset.chapter === {STORY.chapters[0].id!r}")
    rooms = []
    for _ in range(3):
        page.keyboard.press("t")
        rooms.append(page.evaluate("""[document.body.dataset.room, document.getElementById('player').dataset.theme,
          document.getElementById('map').style.background]"""))
    rgb = {name: "rgb({}, {}, {})".format(*(int(t.water[i:i + 2], 16) for i in (1, 3, 5)))
           for name, t in THEMES.items()}
    assert rooms == [["bright", "bright", rgb["bright"]], ["dark", "dark", rgb["dark"]],
                     ["standard", "standard", rgb["standard"]]]
    context.close()


def test_close_up_basemap_has_no_stray_water(app_server: AppServer, page_offline: Page) -> None:
    """Around Kursk (inland, zoom >= 5, the 1:10m close-up) the map is land: the close-up's water box must not
    show through its land (coplanar layers once let one triangle of the box win the depth test)."""
    page = page_offline
    page.goto(f"{app_server.url}/story?story=russia-dprk&chapter=kursk-2025&present=1&still=1")
    frame = player_frame(page, WAIT_MS)
    wait_camera(frame, [c.id for c in STORY.chapters].index("kursk-2025"))
    frame.wait_for_function("window.__corridor.forTests.drawn().camera.zoom >= 5")
    animation_frames(frame, 5)
    standard = THEMES["standard"]
    shares = map_pixels(frame, {"land": standard.land, "water": standard.water})
    assert shares["land"] > 0.6 and shares["water"] < 0.02, shares
