"""An exported story film played in Debian's chromium from disk, with every request off the machine blocked: the
``<video>`` reports the film's duration, its time advances, and its WebVTT captions load as cues. The MP4 (H.264)
when this chromium plays it (Debian's chromium 156 here does: ``canPlayType`` answers "probably"), else the WebM
(VP9), and the test says which it played."""

from __future__ import annotations

import functools
import html
import http.server
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Page

from layers.export.video import Film, story_film
from layers.load.catalog import load_catalog
from tests.test_exports_pptx import write_story
from tests.test_video import _cues

pytestmark = pytest.mark.browser
H264 = 'video/mp4; codecs="avc1.640028"'
VP9 = 'video/webm; codecs="vp9"'


def test_the_story_film_plays_offline_with_its_captions(tiny_folder: Path, tmp_path: Path, page_offline: Page
                                                        ) -> None:
    write_story(tiny_folder)
    catalog = load_catalog(tiny_folder)
    page_offline.goto("about:blank")
    mp4 = page_offline.evaluate(f"document.createElement('video').canPlayType({H264!r})")
    fmt = "mp4" if mp4 else "webm"
    if fmt == "webm":
        assert page_offline.evaluate(f"document.createElement('video').canPlayType({VP9!r})"), "no H.264, no VP9"
        print("chromium has no H.264 (canPlayType is empty): playing the WebM")
    film = story_film(catalog, catalog.stories["corridor"], fmt, width=320, height=180, fps=5)
    (tmp_path / f"film.{fmt}").write_bytes(film.data)
    (tmp_path / "film.vtt").write_text(film.captions["vtt"], encoding="utf-8")
    page = tmp_path / "film.html"
    page.write_text(f"""<!doctype html><html lang="en"><title>{html.escape(fmt)}</title>
<video id="v" src="film.{fmt}" muted playsinline preload="auto" width="320" height="180">
<track id="t" kind="captions" src="film.vtt" srclang="en" label="English" default></video>""", encoding="utf-8")
    page_offline.set_default_timeout(60_000)
    # served from 127.0.0.1: chromium loads no caption track from a file: page (each file is its own origin)
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        _play(page_offline, f"http://127.0.0.1:{server.server_address[1]}/{page.name}", film)
    finally:
        server.shutdown()
        server.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        del format, args


def _play(page_offline: Page, url: str, film: Film) -> None:
    page_offline.goto(url)
    page_offline.wait_for_function("document.getElementById('v').readyState >= 1")
    duration = page_offline.evaluate("document.getElementById('v').duration")
    assert duration == pytest.approx(film.seconds, abs=0.3)
    page_offline.evaluate("document.getElementById('v').play()")
    page_offline.wait_for_function("document.getElementById('v').currentTime > 1.0")
    assert page_offline.evaluate("document.getElementById('v').error") is None
    page_offline.wait_for_function("(() => { const t = document.getElementById('v').textTracks[0];"
                                   " return t && t.cues && t.cues.length > 0; })()")
    cues = page_offline.evaluate("Array.from(document.getElementById('v').textTracks[0].cues,"
                                 " (c) => [c.startTime, c.endTime])")
    expected = [c[:2] for c in _cues(film.captions["vtt"], r"\.")]
    assert cues == [pytest.approx(list(c), abs=1e-3) for c in expected]
