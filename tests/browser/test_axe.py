"""axe-core (``make axe``) in every frame of each page and export: Explore with an event's details open, the Story
page, presenter mode, the speaker-notes window, Evidence, a view's standalone HTML and the one-file briefing.
Any serious or critical finding fails (``harness.assert_accessible``); so does a player whose controls axe did
not check. Exclusions, if any, are listed in README.md ("Accessibility checks")."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from layers.export.html import standalone_html
from layers.load.catalog import load_catalog
from layers.model.view import View
from tests.browser.harness import (
    AXE_EXCLUSIONS,
    ROOT,
    AppServer,
    app_styles_applied,
    assert_accessible,
    player_frame,
    streamlit_idle,
)

pytestmark = pytest.mark.browser
DATA = ROOT / "geodata"
STORY = load_catalog(DATA).stories["russia-dprk"]
CHAPTER = STORY.chapters[2]
WAIT_MS = 120_000
PLAYER = "corridor_player"
PLAYER_CONTROLS = {"#play", "#time", "#step-back", "#step-forward", "#speed"}
"""Nodes of the player's frame axe must have checked wherever the player shows its controls."""


@pytest.fixture(scope="module")
def data_folder() -> Path:
    """The shipped data, with its story."""
    return DATA


def open_app(page: Page, url: str) -> None:
    """Open a page of the app and wait until its player is ready and its script run has ended."""
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    player_frame(page, WAIT_MS)
    streamlit_idle(page)
    app_styles_applied(page)


def open_expanders(page: Page) -> None:
    """Open every folded Streamlit expander of the page, so that axe checks what is inside."""
    folded = page.locator("[data-testid='stExpander'] details:not([open]) > summary")
    for _ in range(folded.count()):
        folded.first.click()
    assert folded.count() == 0
    streamlit_idle(page)


def check(page: Page, axe: str, must_check: dict[str, set[str]] | None = None) -> None:
    started = time.perf_counter()
    report = assert_accessible(page, axe, must_check)
    print(f"axe: {len(report.checked)} frame(s), {sum(map(len, report.checked.values()))} nodes checked in "
          f"{time.perf_counter() - started:.1f} s")


def test_explore_with_an_event_open(app_server: AppServer, page_offline: Page, axe: str) -> None:
    open_app(page_offline, f"{app_server.url}/?t=2023-12-01&ev=E008")
    expect(page_offline.get_by_text("Putin and Kim hold a summit at the Vostochny Cosmodrome").first).to_be_visible()
    open_expanders(page_offline)
    check(page_offline, axe, {PLAYER: PLAYER_CONTROLS | {"#map"}})


def test_story_reading(app_server: AppServer, page_offline: Page, axe: str) -> None:
    open_app(page_offline, f"{app_server.url}/story?story={STORY.name}&chapter={CHAPTER.id}")
    expect(page_offline.get_by_role("heading", name=CHAPTER.title)).to_be_visible()
    open_expanders(page_offline)
    expect(page_offline.get_by_text(f"{STORY.chapters.index(CHAPTER) + 1}. {CHAPTER.title}")).to_be_visible()
    check(page_offline, axe, {PLAYER: PLAYER_CONTROLS})


@pytest.mark.parametrize("room", ["standard", "bright", "dark"])
def test_presenter_mode(app_server: AppServer, page_offline: Page, axe: str, room: str) -> None:
    open_app(page_offline, f"{app_server.url}/story?story={STORY.name}&chapter={CHAPTER.id}&present=1&room={room}")
    expect(page_offline.locator(".st-key-story-overlay h1")).to_have_text(CHAPTER.title)
    expect(page_offline.locator(".st-key-story-overlay .legend-item").first).to_be_visible()
    check(page_offline, axe, {PLAYER: {"#map", "#attribution"}})


def test_speaker_notes(app_server: AppServer, page_offline: Page, axe: str) -> None:
    page_offline.set_default_timeout(WAIT_MS)
    page_offline.goto(f"{app_server.url}/story?story={STORY.name}&chapter={CHAPTER.id}&notes=1")
    expect(page_offline.locator(".st-key-story-notes h2")).to_have_text(CHAPTER.title)
    streamlit_idle(page_offline)
    app_styles_applied(page_offline)
    open_expanders(page_offline)
    check(page_offline, axe)


def test_evidence_every_tab(app_server: AppServer, page_offline: Page, axe: str) -> None:
    open_app(page_offline, f"{app_server.url}/evidence?ev=E008")
    expect(page_offline.get_by_role("heading", name=re.compile("E008"))).to_be_visible()
    check(page_offline, axe, {PLAYER: {"#map"}})
    tabs = page_offline.get_by_role("tab").all()
    assert len(tabs) == 4
    for tab in tabs[1:]:  # disagreements, estimates, the op-ed's claims
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        streamlit_idle(page_offline)
        check(page_offline, axe)


def test_standalone_export(tmp_path: Path, page_offline: Page, axe: str) -> None:
    catalog = load_catalog(DATA)
    path = tmp_path / "view.html"
    view = View(date=dt.date(2023, 12, 1), selected="E008", title="Vostochny")
    path.write_text(standalone_html(catalog, view), encoding="utf-8")
    page_offline.set_default_timeout(WAIT_MS)
    page_offline.goto(path.as_uri())
    player_frame(page_offline, WAIT_MS)
    expect(page_offline.locator("#details")).to_be_visible()
    check(page_offline, axe, {"file:": PLAYER_CONTROLS | {"#details-close", "#event-list"}})


def test_briefing_export(tmp_path: Path, page_offline: Page, axe: str) -> None:
    out = tmp_path / "brief.html"
    done = subprocess.run([sys.executable, "-m", "layers", "export", "html", "--story", STORY.name, "--out",
                           str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    page_offline.set_default_timeout(WAIT_MS)
    page_offline.goto(out.as_uri())
    page_offline.wait_for_function("document.body.dataset.chapter === 'title' && window.__corridor.state.ready")
    check(page_offline, axe, {"file:": {"#map"}})
    page_offline.keyboard.press("ArrowRight")
    page_offline.wait_for_function(f"document.body.dataset.chapter === {STORY.chapters[0].id!r}")
    check(page_offline, axe, {"file:": {"#map"}})
    page_offline.keyboard.press("r")  # the reading layout
    page_offline.wait_for_function("document.body.classList.contains('brief-reading')")
    check(page_offline, axe)
    page_offline.keyboard.press("r")
    for room in ("bright", "dark"):  # T: the room themes
        page_offline.keyboard.press("t")
        page_offline.wait_for_function(f"document.body.dataset.room === {room!r}")
        check(page_offline, axe, {"file:": {"#map", "#attribution"}})
    page_offline.keyboard.press("t")
    page_offline.keyboard.press("/")  # the search, with results
    page_offline.keyboard.type("Tikhoretsk")
    expect(page_offline.locator("#brief-results li").first).to_be_visible()
    check(page_offline, axe, {"file:": {"#brief-query"}})
    page_offline.keyboard.press("Escape")
    with page_offline.context.expect_page() as opened:  # the speaker-notes window
        page_offline.keyboard.press("n")
    notes = opened.value
    notes.wait_for_function(f"document.body.dataset.chapter === {STORY.chapters[0].id!r}")
    check(notes, axe)
    notes.close()


def test_every_exclusion_is_explained_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Accessibility checks" in readme
    section = readme.split("## Accessibility checks", 1)[1].split("\n## ", 1)[0]
    for rule, selector in AXE_EXCLUSIONS:
        assert rule in section and selector in section, f"README.md does not explain excluding {rule} at {selector}"
