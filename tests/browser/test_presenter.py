"""Presenter mode in a real browser (Playwright + Debian's chromium): the keys a presenter and a clicker press
change the chapter, whether the page or the map has the focus, and the speaker-notes window follows.

Uses the shared fixtures of ``tests/browser/conftest.py`` (the app on 127.0.0.1; pages that fail the test on
any request leaving it or on a script error), serving the shipped data and story.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from layers.load.catalog import load_catalog
from tests.browser.harness import AppServer, guard_page

ROOT = Path(__file__).resolve().parents[2]
STORY = load_catalog(ROOT / "geodata").stories["russia-dprk"]
TITLES = [c.title for c in STORY.chapters]
WAIT_MS = 60_000

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def data_folder() -> Path:
    """The shipped data, with its story."""
    return ROOT / "geodata"


def overlay_title(page: Page):
    return page.locator(".st-key-story-overlay h1")


def expect_chapter(page: Page, index: int) -> None:
    """The overlay shows chapter ``index`` and the URL names it."""
    expect(overlay_title(page)).to_have_text(TITLES[index], timeout=WAIT_MS)
    wanted = f"chapter={STORY.chapters[index].id}"
    page.wait_for_url(lambda url: wanted in url, timeout=10_000)


def test_keys_and_clicker_change_the_chapter_and_notes_follow(app_server: AppServer, page_offline: Page,
                                                             browser: Browser) -> None:
    page = page_offline
    server = app_server.url
    page.goto(f"{server}/story?story=russia-dprk&chapter={STORY.chapters[0].id}&present=1")
    expect_chapter(page, 0)
    # Streamlit's own chrome is hidden; the map's canvas is drawn.
    assert not page.locator('header[data-testid="stHeader"]').is_visible()
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    player = page.frame_locator(".st-key-story-map iframe")
    player.locator("canvas").first.wait_for(state="attached", timeout=WAIT_MS)

    page.keyboard.press("ArrowRight")
    expect_chapter(page, 1)
    page.keyboard.press("ArrowLeft")
    expect_chapter(page, 0)
    page.keyboard.press("PageDown")  # what a presentation clicker sends
    expect_chapter(page, 1)
    page.keyboard.press("PageDown")
    expect_chapter(page, 2)
    page.keyboard.press("PageUp")
    expect_chapter(page, 1)

    # With the focus inside the map, the player hands the keys back to the page.
    player.locator("#map").click(position={"x": 200, "y": 200})
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    page.keyboard.press("PageDown")
    expect_chapter(page, 2)

    # The speaker-notes window (opened from the link) shows this chapter's notes and follows the presenter.
    href = page.get_by_role("link", name="Speaker notes").get_attribute("href")
    assert "notes=1" in href and "deck=" in href
    notes_context = browser.new_context(viewport={"width": 1000, "height": 800})
    notes = notes_context.new_page()
    notes_guard = guard_page(notes)
    notes.goto(href if href.startswith("http") else f"{server}/{href.lstrip('/')}")
    first_line = STORY.chapters[2].notes.strip().split("\n")[0]
    expect(notes.locator(".st-key-story-notes")).to_contain_text(first_line[:40], timeout=WAIT_MS)
    page.bring_to_front()
    page.locator(".st-key-story-overlay").click()
    page.keyboard.press("ArrowRight")
    expect_chapter(page, 3)
    expect(notes.locator(".st-key-story-notes h2")).to_have_text(TITLES[3], timeout=WAIT_MS)

    notes_context.close()
    assert notes_guard.problems() == []
