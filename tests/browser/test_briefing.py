"""The briefing in one file (``python -m layers export html --story``), opened from disk in chromium with every
request off the machine blocked: the title screen, clicker keys, a chapter by number, the notes window following
the audience window, the search and Esc, and text from the data shown literally."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

from layers.load.catalog import load_catalog
from tests.browser.harness import settled_images
from tests.conftest import ROOT
from tests.xss_corpus import IMG, write_xss_folder

pytestmark = pytest.mark.browser
STORY = load_catalog(ROOT / "geodata").stories["russia-dprk"]
IDS = [c.id for c in STORY.chapters]


@pytest.fixture(scope="module")
def brief(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("brief") / "brief.html"
    done = subprocess.run([sys.executable, "-m", "layers", "export", "html", "--story", "russia-dprk", "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size < 10_000_000, "one file under 10 MB"
    text = out.read_text(encoding="utf-8")
    assert "http://" not in text.split('id="corridor-data"')[0] and 'src="http' not in text, "no network load"
    return out


def chapter(page: Page) -> str:
    return page.evaluate("document.body.dataset.chapter")


def wait_chapter(page: Page, chapter_id: str) -> None:
    page.wait_for_function(f"document.body.dataset.chapter === {chapter_id!r}", timeout=30_000)


def settled_camera(page: Page) -> dict:
    """The camera once a flight has ended (two reads an animation frame apart agree)."""
    page.wait_for_function("""() => new Promise((done) => { const a = JSON.stringify(window.__corridor.state.camera);
      setTimeout(() => requestAnimationFrame(() => done(a === JSON.stringify(window.__corridor.state.camera))),
      1300); })""", timeout=30_000)
    return page.evaluate("window.__corridor.state.camera")


def test_keys_notes_search_and_escape(brief: Path, page_offline: Page) -> None:
    context: BrowserContext = page_offline.context
    started = time.perf_counter()
    page_offline.goto(brief.as_uri())
    page_offline.wait_for_function("document.body.dataset.chapter === 'title' && window.__corridor.state.ready",
                                   timeout=120_000)
    first_s = time.perf_counter() - started
    assert page_offline.locator("#brief h1").text_content() == STORY.title
    assert "Record through 31 Dec 2025" in page_offline.locator("#brief").text_content()
    page_offline.keyboard.press("ArrowRight")
    wait_chapter(page_offline, IDS[0])
    page_offline.keyboard.press("PageDown")
    wait_chapter(page_offline, IDS[1])
    page_offline.keyboard.press("Space")
    wait_chapter(page_offline, IDS[2])
    page_offline.keyboard.press("PageUp")
    wait_chapter(page_offline, IDS[1])
    page_offline.keyboard.type("12")
    page_offline.keyboard.press("Enter")
    wait_chapter(page_offline, IDS[11])
    page_offline.keyboard.press("End")
    wait_chapter(page_offline, IDS[-1])
    page_offline.keyboard.type("5")
    page_offline.keyboard.press("Enter")
    wait_chapter(page_offline, IDS[4])
    audience = page_offline.locator("body").inner_text()
    for ch in STORY.chapters:  # speaker notes never reach the audience's screen
        first_line = ch.notes.split("\n")[0].strip()
        assert first_line not in audience, ch.id
    assert STORY.chapters[4].title in audience
    lead = STORY.chapters[4].body.split("\n")[0].strip()
    assert lead not in audience, "the presenter layout shows the key points only"
    page_offline.keyboard.press("r")
    page_offline.wait_for_function("document.body.classList.contains('brief-reading')")
    assert lead in page_offline.locator("#brief").inner_text(), "the reading layout adds the lead paragraph"
    page_offline.keyboard.press("r")
    with context.expect_page() as opened:
        page_offline.keyboard.press("n")
    notes = opened.value
    wait_chapter(notes, IDS[4])
    assert STORY.chapters[4].notes.split("\n")[0].strip()[:40] in notes.locator("#brief").inner_text()
    page_offline.keyboard.press("ArrowRight")
    wait_chapter(notes, IDS[5])
    wait_chapter(page_offline, IDS[5])
    camera = settled_camera(page_offline)
    page_offline.keyboard.press("/")
    page_offline.keyboard.type("Tikhoretsk")
    results = page_offline.locator("#brief-results li")
    assert results.count() >= 2
    first = results.first.inner_text()
    assert "Sources:" in first and "2023" in first
    page_offline.keyboard.press("Escape")
    wait_chapter(page_offline, IDS[5])
    assert page_offline.locator("#brief-search").is_hidden()
    assert settled_camera(page_offline) == camera, "Esc returns to the chapter's camera"
    assert page_offline.evaluate("window.__corridor.state.focus") == list(STORY.chapters[5].focus)
    notes.close()
    print(f"first screen in {first_s:.1f} s")


def test_text_from_the_data_shows_literally(tmp_path: Path, page_offline: Page) -> None:
    from layers.export.briefing import story_html

    catalog = load_catalog(write_xss_folder(tmp_path / "data"))
    path = tmp_path / "xss.html"
    path.write_text(story_html(catalog, catalog.stories["xss"]), encoding="utf-8")
    page_offline.goto(path.as_uri())
    page_offline.wait_for_function("document.body.dataset.chapter === 'title' && window.__corridor.state.ready",
                                   timeout=120_000)
    page_offline.keyboard.press("ArrowRight")
    page_offline.wait_for_function("document.body.dataset.chapter !== 'title'")
    assert IMG in page_offline.locator("#brief").inner_text()
    page_offline.keyboard.press("/")
    page_offline.keyboard.type("Summary")
    settled_images(page_offline)
    assert page_offline.evaluate("typeof window.__xss") == "undefined"
    assert page_offline.locator("#brief img, #brief-results img, [onerror]").count() == 0
