"""The Story page as a user meets it (AppTest on the shipped story): chapters by button, key and URL, what the
map player receives for each, presenter mode and the speaker-notes window that follows it."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from layers.load.catalog import load_catalog
from layers.model.dates import day_number
from layers.model.story import chapter_view, key_points
from tests.conftest import ROOT, open_app
from ui.citations import md

DATA = load_catalog(ROOT / "geodata")
STORY = DATA.stories["russia-dprk"]
CHAPTERS = STORY.chapters


def player_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name.endswith("corridor_player")]
    return json.loads(component.proto.json_args)


def assert_shows(at: AppTest, index: int) -> None:
    """The URL, the heading and the player all say chapter ``index``."""
    chapter = CHAPTERS[index]
    view = chapter_view(STORY, chapter)
    assert at.query_params["chapter"] == [chapter.id] or at.query_params["chapter"] == chapter.id
    args = player_args(at)
    c = view.camera
    assert args["camera"] == {"longitude": c.longitude, "latitude": c.latitude, "zoom": c.zoom, "pitch": c.pitch,
                              "bearing": c.bearing}, chapter.id
    assert args["date"] == day_number(chapter.end), chapter.id
    assert args["window"] == view.window_days, chapter.id
    assert args["focus"] == list(chapter.focus), chapter.id


def test_walk_the_whole_story_forward_and_back():
    at = open_app("story")
    assert_shows(at, 0)
    assert at.header[0].value == md(CHAPTERS[0].title)
    data_ref = player_args(at)["data"]
    at.button(key="story-prev").click().run()  # before the first chapter: nothing moves
    assert_shows(at, 0)
    for index in range(1, len(CHAPTERS)):
        at.button(key="story-next").click().run()
        assert not at.exception
        assert_shows(at, index)
        assert at.header[0].value == md(CHAPTERS[index].title)
        assert player_args(at)["data"] == data_ref  # moving on never re-sends the data, only the view
    at.button(key="story-next").click().run()  # past the last chapter: nothing moves
    assert_shows(at, len(CHAPTERS) - 1)
    assert f"Chapter {len(CHAPTERS)} of {len(CHAPTERS)}" in at.get("progress")[0].proto.text
    for index in range(len(CHAPTERS) - 2, -1, -1):
        at.button(key="story-prev").click().run()
        assert_shows(at, index)
    at.button(key="story-pageup").click().run()
    assert_shows(at, 0)


def test_a_chapter_opens_from_the_url_and_lists_its_events_with_sources():
    chapter = CHAPTERS[10]
    at = open_app("story", story="russia-dprk", chapter=chapter.id)
    assert_shows(at, 10)
    body = "\n".join(m.value for m in at.markdown)
    events = DATA.events.set_index("id")
    for event_id in chapter.focus:
        assert f"`{event_id}`" in body
        first_source = DATA.sources.loc[events.loc[event_id, "sources"][0]]
        assert f"(<{first_source['url']}>)" in body


def test_unknown_story_or_chapter_falls_back_to_the_first_chapter():
    at = open_app("story", story="nope", chapter="../../etc")
    assert_shows(at, 0)
    assert at.query_params["story"] in ("russia-dprk", ["russia-dprk"])


def test_pagedown_pageup_buttons_and_keys_reported_by_the_map():
    at = open_app("story", chapter=CHAPTERS[3].id)
    at.button(key="story-pagedown").click().run()
    assert_shows(at, 4)
    at.button(key="story-pageup").click().run()
    assert_shows(at, 3)
    # The map had the focus: the player reports the key instead of handling it.
    at.session_state["story-player"] = {"kind": "key", "pressed": "PageDown", "id": "k-1"}
    at.run()
    assert_shows(at, 4)
    at.run()  # the same message is not handled twice
    assert_shows(at, 4)
    at.session_state["story-player"] = {"kind": "key", "pressed": "ArrowLeft", "id": "k-2"}
    at.run()
    assert_shows(at, 3)


def test_presenter_mode_big_map_title_and_points_and_a_notes_link():
    at = open_app("story", chapter=CHAPTERS[2].id, present="1")
    assert_shows(at, 2)
    args = player_args(at)
    assert args["presenter"] is True and args["show_controls"] is False
    token = at.query_params["deck"]
    token = token[0] if isinstance(token, list) else token
    assert len(token) == 16
    body = "\n".join(m.value for m in at.markdown)
    assert "# " + md(CHAPTERS[2].title) in body
    for point in key_points(CHAPTERS[2]):
        assert f"- {point}" in body
    assert CHAPTERS[2].notes.split("\n")[0] not in body  # speaker notes stay off the audience's screen
    (link,) = at.get("link_button")
    assert f"notes=1&deck={token}" in link.proto.url and f"chapter={CHAPTERS[2].id}" in link.proto.url


def test_speaker_notes_follow_the_presenter_window():
    present = open_app("story", chapter=CHAPTERS[0].id, present="1")
    token = present.query_params["deck"]
    token = token[0] if isinstance(token, list) else token
    notes = open_app("story", chapter=CHAPTERS[0].id, notes="1", deck=token)
    text = "\n".join(m.value for m in notes.markdown)
    assert CHAPTERS[0].notes.strip().split("\n")[0] in text
    assert f"**Next:** {md(CHAPTERS[1].title)}" in text
    assert not notes.get("component_instance")  # no map in the notes window

    present.button(key="story-next").click().run()
    present.button(key="story-next").click().run()
    notes.run()  # the notes window's poll reruns it; it picks up the presenter's chapter
    assert notes.query_params["chapter"] in (CHAPTERS[2].id, [CHAPTERS[2].id])
    assert notes.header[0].value == md(CHAPTERS[2].title)

    notes.button(key="story-prev").click().run()  # moving in the notes window moves the presenter's too
    present.run()
    assert_shows(present, 1)

    stranger = open_app("story", chapter=CHAPTERS[5].id, present="1")  # another deck is not affected
    assert_shows(stranger, 5)


@pytest.mark.parametrize("mode", ["read", "present", "notes"])
def test_every_mode_renders_every_chapter_without_error(mode):
    extra = {"present": {"present": "1"}, "notes": {"notes": "1"}}.get(mode, {})
    at = open_app("story", chapter=CHAPTERS[0].id, **extra)
    for _ in CHAPTERS[1:]:
        at.button(key="story-next").click().run()
        assert not at.exception
    assert at.query_params["chapter"] == CHAPTERS[-1].id


@pytest.mark.parametrize(("broken", "says"), [
    ("sources", "No story could be loaded"),  # no sources: no event loads, so no chapter can show its events
    ("stories", "There is no story yet"),
])
def test_story_page_says_why_there_is_no_story(tmp_path, monkeypatch, broken, says):
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(ROOT / "geodata", folder)
    if broken == "sources":
        (folder / "sources.csv").write_bytes(b"\xff\xfe not text")
    else:
        shutil.rmtree(folder / "stories")
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    at = open_app("story")
    shown = [e.value for e in (*at.error, *at.info)]
    assert any(says in text for text in shown), shown
    assert bool(at.warning) == (broken == "sources"), "the problems banner, only when something was set aside"


def test_the_reading_layout_exports_the_chapter_and_offers_the_whole_story():
    from tests.test_exports_ui import until

    chapter = CHAPTERS[4]
    at = open_app("story", chapter=chapter.id)
    for key in ("story-export-prepare-deck", "story-export-prepare-briefing", "story-export-prepare-film",
                "story-export-prepare-video"):
        assert at.button(key=key), key
    at.selectbox(key="story-export-format").set_value("geojson").run()
    until(at.button(key="story-export-prepare").click().run(), "story-export-prepared")
    assert not at.exception and not at.error
    doc = json.loads(at.session_state["story-export-prepared"].data)
    assert chapter_view(STORY, chapter).to_params().items() <= doc["view"].items()  # the chapter's own view
    assert set(chapter.focus) <= {f["id"] for f in doc["features"]}
