"""A permalink as the first request a fresh server ever gets lands on its page, with the app's menu and the
page's own title (no private Streamlit API involved: the pages live in ``app_pages/``, so Streamlit never
switches to its old folder-based multipage mode)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.harness import start_app
from tests.conftest import ROOT

pytestmark = pytest.mark.browser
MENU = ("Explore", "Story", "Evidence")
PERMALINKS = [
    ("story?story=russia-dprk&chapter=ship-shuttle", "Autumn 2023: the ship shuttle from Rajin"),
    ("evidence?ev=E003", "Evidence"),
    ("explore?t=2024-06-19", None),
]


@pytest.mark.parametrize(("path", "heading"), PERMALINKS, ids=["story", "evidence", "explore"])
def test_a_permalink_is_the_first_request_of_a_fresh_server(chromium: Path, page_offline: Page, tmp_path: Path,
                                                             path: str, heading: str | None) -> None:
    with start_app(ROOT / "geodata", tmp_path) as server:
        page_offline.goto(f"{server.url}/{path}")
        for name in MENU:
            expect(page_offline.get_by_role("link", name=name, exact=True)).to_be_visible(timeout=60_000)
        if heading:
            expect(page_offline.get_by_role("heading", name=heading, exact=True)).to_be_visible(timeout=60_000)
        else:
            expect(page_offline.locator("iframe[title*='corridor_player']")).to_be_attached(timeout=60_000)
        assert page_offline.title().startswith("Corridor"), page_offline.title()
        assert "pages directory" not in server.log_tail().lower()
