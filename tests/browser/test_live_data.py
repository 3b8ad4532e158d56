"""A real server whose data folder changes under an open page (issue 15 item 5): the page's next run shows the
new data; a half-written events.csv is refused, the page keeps the previous data and says why."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.bad_inputs.live_cases import truncate_events_mid_row
from tests.browser.harness import AppServer, streamlit_idle
from tests.factory import EVENTS, write_folder
from tests.test_live_data import NEW_EVENT

pytestmark = pytest.mark.browser
REFUSED = "A newer version of the data could not be used"
WAIT_MS = 90_000


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(tmp_path_factory.mktemp("live-data") / "data")


def rerun(page: Page) -> None:
    """Run the page's script again in the same session (Streamlit's R shortcut), and wait until it is done."""
    streamlit_idle(page, WAIT_MS)
    page.locator("h1").first.click()  # the focus on the page, not in a widget, so the shortcut applies
    page.keyboard.press("r")


def test_an_open_page_follows_the_folder_and_keeps_the_last_good_data(app_server: AppServer, data_folder: Path,
                                                                      page_offline: Page) -> None:
    page = page_offline
    page.goto(f"{app_server.url}/")
    expect(page.get_by_text("3 events,", exact=False)).to_be_visible(timeout=WAIT_MS)

    write_folder(data_folder, events=[*EVENTS, NEW_EVENT])
    rerun(page)
    expect(page.get_by_text("4 events,", exact=False)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text(REFUSED)).to_have_count(0)

    truncate_events_mid_row(data_folder)
    rerun(page)
    banner = page.get_by_text(REFUSED, exact=False)
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_contain_text("new problem(s) in events.csv")
    expect(page.get_by_text("4 events,", exact=False)).to_be_visible()
    page.get_by_text("Why the newer version was not used").click()
    expect(page.get_by_text("the row ends early", exact=False)).to_be_visible(timeout=WAIT_MS)
