"""Presenter mode in a real browser (Playwright + Debian's chromium): the keys a presenter and a clicker press
change the chapter, whether the page or the map has the focus, and the speaker-notes window follows.

The app runs on 127.0.0.1; every request to another host is blocked and the test fails if one is attempted.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from layers.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-angle=swiftshader", "--enable-unsafe-swiftshader"]
STORY = load_catalog(ROOT / "geodata").stories["russia-dprk"]
TITLES = [c.title for c in STORY.chapters]
WAIT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"), reason="Debian's chromium is missing"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on 127.0.0.1 (a free port), stopped after the module."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", "--server.port",
         str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("the app did not start")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser_context(server: str, tmp_path_factory: pytest.TempPathFactory):
    """A fresh chromium profile whose only reachable host is 127.0.0.1; ``.outside`` lists what was blocked."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium")), executable_path=str(CHROMIUM), args=ARGS, headless=True,
            viewport={"width": 1400, "height": 860})
        outside: list[str] = []

        def route(r):
            if r.request.url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:")):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        context.outside = outside
        yield context
        context.close()


def overlay_title(page):
    return page.locator(".st-key-story-overlay h1")


def expect_chapter(page, index: int) -> None:
    """The overlay shows chapter ``index`` and the URL names it."""
    from playwright.sync_api import expect

    expect(overlay_title(page)).to_have_text(TITLES[index], timeout=WAIT_MS)
    wanted = f"chapter={STORY.chapters[index].id}"
    deadline = time.monotonic() + 10
    while wanted not in page.url and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert wanted in page.url


def test_keys_and_clicker_change_the_chapter_and_notes_follow(server, browser_context):
    page = browser_context.new_page()
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
    notes = browser_context.new_page()
    notes.goto(f"{server}/{href.lstrip('/')}" if not href.startswith("http") else href)
    from playwright.sync_api import expect

    first_line = STORY.chapters[2].notes.strip().split("\n")[0]
    expect(notes.locator(".st-key-story-notes")).to_contain_text(first_line[:40], timeout=WAIT_MS)
    page.bring_to_front()
    page.locator(".st-key-story-overlay").click()
    page.keyboard.press("ArrowRight")
    expect_chapter(page, 3)
    expect(notes.locator(".st-key-story-notes h2")).to_have_text(TITLES[3], timeout=WAIT_MS)
    notes.close()
    page.close()
    assert browser_context.outside == []
