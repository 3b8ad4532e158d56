"""The download controls as a user meets them (AppTest): pick a format, prepare, get the file."""

import io
import json
import time
from pathlib import Path

from PIL import Image
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from tests.test_exports_pptx import write_story


def page(folder: str, with_story: bool) -> None:
    import datetime as dt

    from layers.load.catalog import load_catalog
    from layers.model.view import View
    from ui.downloads import export_buttons

    cat = load_catalog(folder)
    story = cat.stories.get("corridor") if with_story else None
    export_buttons(cat, View(date=dt.date(2023, 12, 31), title="Tiny"), story=story)


def app(folder: Path, with_story: bool = False) -> AppTest:
    at = AppTest.from_function(page, args=(str(folder), with_story), default_timeout=60)
    return at.run()


def until(at: AppTest, key: str, runs: int = 120) -> AppTest:
    """Rerun the page (as its waiting panel does every half second) until the render queue's file is kept as
    ``key`` or the request ended otherwise."""
    for _ in range(runs):
        if key in at.session_state or f"{key}-waiting" not in at.session_state:
            return at
        time.sleep(0.25)
        at.run()
    raise AssertionError(f"{key} never arrived")


def prepare(at: AppTest, fmt: str) -> AppTest:
    at.selectbox(key="export-format").set_value(fmt).run()
    return until(at.button(key="export-prepare").click().run(), "export-prepared")


def test_nothing_is_made_until_asked(tiny_folder: Path):
    at = app(tiny_folder)
    assert not at.exception
    assert "export-prepared" not in at.session_state
    assert not at.get("download_button")


def test_prepare_png_then_download_it(tiny_folder: Path):
    at = prepare(app(tiny_folder), "png")
    assert not at.exception and not at.error
    prepared = at.session_state["export-prepared"]
    assert prepared.name == "Tiny-2023-12-31.png" and prepared.mime == "image/png"
    assert Image.open(io.BytesIO(prepared.data)).size == (1920, 1080)
    [button] = at.get("download_button")
    assert "Tiny-2023-12-31.png" in button.proto.label


def test_a_prepared_file_is_not_offered_for_another_format(tiny_folder: Path):
    at = prepare(app(tiny_folder), "geojson")
    assert [f["id"] for f in json.loads(at.session_state["export-prepared"].data)["features"]] == ["E001", "E002"]
    at.selectbox(key="export-format").set_value("csv").run()
    assert not at.get("download_button")


def test_a_failing_export_shows_its_reason(tiny_folder: Path, monkeypatch):
    from layers.export.queue import RenderQueue

    broken = RenderQueue({"maps": 1}, renderer="tests.render_fakes:failing")
    monkeypatch.setattr("ui.downloads.render_queue", lambda: broken)
    try:
        at = prepare(app(tiny_folder), "csv")
    finally:
        broken.close()
    assert not at.exception
    assert "Could not make the CSV: RuntimeError: disk on fire" in at.error[0].value
    assert "export-prepared" not in at.session_state
    assert not at.get("download_button")


def test_a_waiting_request_shows_its_place_and_can_be_cancelled(tiny_folder: Path, monkeypatch):
    from layers.export.queue import RenderQueue

    class Slow(RenderQueue):  # every request takes 30 s
        def submit(self, session, request):
            from dataclasses import replace

            return super().submit(session, replace(request, fmt="sleep:30"))

    q = Slow({"maps": 1}, renderer="tests.render_fakes:slow")
    monkeypatch.setattr("ui.downloads.render_queue", lambda: q)
    try:
        at = app(tiny_folder)
        at.button(key="export-prepare").click().run()
        assert "export-prepared-waiting" in at.session_state
        [bar] = at.get("progress")
        assert "Waiting for the renderer" in bar.proto.text or "Making the" in bar.proto.text
        at.button(key="export-prepared-cancel").click().run()
        assert "export-prepared-waiting" not in at.session_state
        assert q.stats["cancelled"] == 1 and not at.get("download_button")
    finally:
        q.close()


def test_story_deck_is_prepared_with_a_progress_bar(tiny_folder: Path):
    write_story(tiny_folder)
    at = app(tiny_folder, with_story=True)
    until(at.button(key="export-prepare-deck").click().run(), "export-deck")
    assert not at.exception and not at.error
    deck = at.session_state["export-deck"]
    assert deck.name == "corridor.pptx"
    assert len(Presentation(io.BytesIO(deck.data)).slides) == 4


def test_the_story_briefing_is_prepared_as_one_html_file(tiny_folder: Path):
    write_story(tiny_folder)
    at = app(tiny_folder, with_story=True)
    until(at.button(key="export-prepare-briefing").click().run(), "export-briefing")
    assert not at.exception and not at.error
    brief = at.session_state["export-briefing"]
    assert brief.name == "corridor-briefing.html" and brief.mime == "text/html"
    assert b'id="corridor-story"' in brief.data and b"<script src=" not in brief.data
    assert [b.label for b in at.get("download_button")] == ["Download corridor-briefing.html"]


def test_explore_page_exports_the_view_in_its_url(tiny_folder: Path, monkeypatch):
    from tests.conftest import ROOT

    monkeypatch.setenv("CORRIDOR_DATA", str(tiny_folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.query_params["t"] = "2023-12-31"
    at.query_params["cat"] = "diplomacy"
    at.run()
    assert not at.exception, at.exception
    at.sidebar.selectbox(key="export-format").set_value("geojson").run()
    until(at.sidebar.button(key="export-prepare").click().run(), "export-prepared")
    assert not at.exception and not at.error
    doc = json.loads(at.session_state["export-prepared"].data)
    assert [f["id"] for f in doc["features"]] == ["E002"]
    assert doc["view"]["t"] == "2023-12-31" and doc["view"]["cat"] == "diplomacy"


def fake_videos(monkeypatch):
    from layers.export.queue import RenderQueue

    q = RenderQueue({"maps": 1, "video": 1}, renderer="tests.render_fakes:videos")
    monkeypatch.setattr("ui.downloads.render_queue", lambda: q)
    return q


def test_a_video_of_the_view_is_made_in_the_low_priority_lane(tiny_folder: Path, monkeypatch):
    q = fake_videos(monkeypatch)
    try:
        at = app(tiny_folder)
        at.selectbox(key="export-video-format").set_value("webm").run()
        until(at.button(key="export-prepare-video").click().run(), "export-video")
        assert not at.exception and not at.error
        clip = at.session_state["export-video"]
        assert clip.name == "Tiny-2023-12-31.webm" and clip.mime == "video/webm"
        assert clip.data == b"clip webm Tiny nice 10" and clip.extras == ()  # the video lane's worker runs niced
        assert [b.label for b in at.get("download_button")] == ["Download Tiny-2023-12-31.webm"]
        at.selectbox(key="export-video-format").set_value("gif").run()  # made for WebM: not offered as a GIF
        assert not at.get("download_button")
    finally:
        q.close()


def test_the_story_film_comes_with_its_captions(tiny_folder: Path, monkeypatch):
    write_story(tiny_folder)
    q = fake_videos(monkeypatch)
    try:
        at = app(tiny_folder, with_story=True)
        until(at.button(key="export-prepare-film").click().run(), "export-film")
        assert not at.exception and not at.error
        film = at.session_state["export-film"]
        assert film.name == "corridor.mp4" and film.data == b"film mp4 corridor nice 10"
        assert [(name, mime) for name, mime, _ in film.extras] == [("corridor.srt", "application/x-subrip"),
                                                                   ("corridor.vtt", "text/vtt")]
        assert [b.label for b in at.get("download_button")] == [
            "Download corridor.mp4", "Download corridor.srt", "Download corridor.vtt"]
    finally:
        q.close()
