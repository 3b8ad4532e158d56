"""The first-map benchmark runs both pages on real servers and browsers and sees each draw its map."""

from __future__ import annotations

import datetime as dt
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from layers.bench.first_map import CORRIDOR, NAIVE, expected_colours, visit
from layers.model.view import View

pytestmark = pytest.mark.browser


def test_both_pages_draw_their_first_map_within_the_limit(chromium: Path, data_folder: Path, tmp_path: Path):
    view = View(date=dt.date(2023, 12, 31))
    colours = expected_colours(data_folder, view)

    def both() -> list:
        # Its own thread: the benchmark starts its own Playwright, which must not run inside the session's.
        return [visit(spec, data_folder, view, colours, 150.0, Path(tempfile.mkdtemp(dir=tmp_path)), tmp_path)
                for spec in (CORRIDOR, NAIVE)]

    with ThreadPoolExecutor(1) as pool:
        corridor, naive = pool.submit(both).result(timeout=400)
    for run in (corridor, naive):
        assert not run.gave_up and 0 < run.seconds < 150.0, run
        assert run.wire_bytes > 100_000 and run.photos >= 2, run  # the page's code and data came over the wire
