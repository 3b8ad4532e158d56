"""Fixtures of the browser tests; the machinery and its documentation are in ``tests/browser/harness.py``.

Reuse them from any module under ``tests/browser/``: ``app_server`` (a running app, ``.url``), ``browser``
(chromium), ``page_offline`` (a page that fails its test on any request leaving 127.0.0.1 or any script error),
``data_folder`` (override it in a module to serve other data), ``axe`` (axe-core's script, for
``harness.assert_accessible``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.browser.harness import (
    AXE_JS,
    CHROMIUM,
    LAUNCH_ARGS,
    VIEWPORT,
    AppServer,
    axe_source,
    guard_page,
    start_app,
)
from tests.factory import write_folder


@pytest.fixture(scope="session")
def chromium() -> Path:
    """Debian's chromium, or a loud skip (a failure when ``CI`` is set)."""
    if not CHROMIUM.is_file():
        reason = (f"BROWSER TESTS NOT RUN: {CHROMIUM} is missing (apt-get install -y chromium, or `make browser` "
                  "as root)")
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI is set, so this is a failure")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's script from ``make axe``, or a loud skip (a failure when ``CI`` is set)."""
    source = axe_source()
    if source is None:
        reason = f"ACCESSIBILITY TESTS NOT RUN: {AXE_JS} is missing (run `make axe`: npm ci in tests/browser/axe)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; CI is set, so this is a failure")
        pytest.skip(reason)
    return source


@pytest.fixture(scope="session")
def browser(chromium: Path) -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(chromium), args=LAUNCH_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def data_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_folder(tmp_path_factory.mktemp("browser-data") / "data")


@pytest.fixture(scope="module")
def app_server(chromium: Path, data_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    with start_app(data_folder, tmp_path_factory.mktemp("server-log")) as server:
        yield server


@pytest.fixture
def page_offline(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    guard = guard_page(page)
    page.guard = guard
    yield page
    context.close()
    problems = guard.problems()
    if problems:
        pytest.fail("the page went to the network or hit a script error:\n" + "\n".join(problems[:20]))
