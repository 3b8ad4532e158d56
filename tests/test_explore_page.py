"""The Explore page as a user meets it (AppTest on the tiny data): URL state, filters, the player's args and
messages, the clicked event's details and the event list.

The player runs in the browser; here we read what the page hands it (the component's JSON args) and play its
part by putting a message where Streamlit puts the component's value (``st.session_state[PLAYER_KEY]``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from layers.model.dates import day_number
from layers.model.view import Camera, project
from tests.conftest import open_app
from tests.factory import EVENTS, PLACES, SOURCES, write_folder
from ui.explore import MAP_VIEWPORT, PLAYER_KEY
from ui.player import SERVED_DIR

HOSTILE_EVENTS = [dict(e) for e in EVENTS]
HOSTILE_EVENTS[2]["title"] = "Strike [click](javascript:alert(1)) <img src=x onerror=alert(1)>"
HOSTILE_SOURCES = [*SOURCES, {"id": "S03", "outlet": "Bad *outlet*", "published": "2024-02",
                              "url": "https://example.org/a)(javascript:alert(1)", "kind": "original"}]
HOSTILE_EVENTS[2]["sources"] = "S02;S03"


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_folder(tmp_path / "data", events=HOSTILE_EVENTS, sources=HOSTILE_SOURCES)
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    return folder


def player_args(at: AppTest) -> dict[str, Any]:
    (instance,) = at.get("component_instance")
    assert instance.proto.component_name.endswith("corridor_player")
    return json.loads(instance.proto.json_args)


def served(args: dict[str, Any]) -> dict[str, Any]:
    """The payload file the browser fetches for these args."""
    return json.loads((SERVED_DIR / args["data"]["url"]).read_text(encoding="utf-8"))


def params(at: AppTest) -> dict[str, str]:
    return {k: at.query_params[k] for k in at.query_params}


def send(at: AppTest, **message: Any) -> AppTest:
    """What the browser does on pause, step or click: set the component's value, which reruns the page."""
    at.session_state[PLAYER_KEY] = {"id": f"test:{message.pop('n', 1)}", "camera": None, "window": None,
                                    **message}
    at.run()
    assert not at.exception, at.exception
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def listed(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["Event"])


def test_the_player_gets_a_small_reference_to_its_data(data: Path) -> None:
    at = open_app()
    args = player_args(at)
    assert args["date"] is None and args["window"] is None and args["selected"] is None
    assert args["data"]["url"] == f"data/{args['data']['key']}.json"
    assert len(json.dumps(args)) < 1000, "the args never carry the data"
    body = served(args)
    assert body["events"]["id"] == ["E001", "E002", "E003"] and "view" not in body
    assert at.subheader[1].value == "Events on the map over the whole timeline"
    assert len(listed(at)) == 3


def test_a_link_reopens_the_same_view(data: Path) -> None:
    link = {"t": "2023-10-01", "w": "45", "cat": "munitions,diplomacy", "cam": "120,40,4,10,0", "ev": "E002"}
    at = open_app(**link)
    assert params(at) == link, "the URL is kept as it came"
    args = player_args(at)
    assert args["date"] == day_number(dt.date(2023, 10, 1)) and args["window"] == 45
    assert args["camera"] == {"longitude": 120, "latitude": 40, "zoom": 4, "pitch": 10, "bearing": 0}
    assert args["selected"] == "E002"
    assert at.multiselect(key="explore-cat").value == ["munitions", "diplomacy"]
    assert served(args)["events"]["id"] == ["E001", "E002"]
    assert "Summit" in markdown(at) and "Leaders meet" in markdown(at)
    assert at.subheader[1].value == "Events on the map in the 45 days up to 1 Oct 2023"
    assert sorted(listed(at)) == ["Ships shuttle containers", "Summit"]
    assert at.selectbox(key="explore-pick").value == "E002"
    again = open_app(**params(at))
    assert player_args(again) == args, "the same link opens the same player state"


def test_pausing_moves_the_time_and_the_list_but_not_the_data(data: Path) -> None:
    at = open_app(t="2023-08-20")
    before = player_args(at)
    assert listed(at) == ["Ships shuttle containers"]
    send(at, kind="pause", date=day_number(dt.date(2024, 2, 10)))
    assert params(at)["t"] == "2024-02-10"
    after = player_args(at)
    assert after["date"] == day_number(dt.date(2024, 2, 10))
    assert after["data"] == before["data"], "moving in time never re-sends the data"
    assert len(listed(at)) == 3
    send(at, n=2, kind="mode", date=day_number(dt.date(2024, 2, 10)), window=20)
    assert params(at)["w"] == "20" and player_args(at)["window"] == 20
    assert listed(at) == [HOSTILE_EVENTS[2]["title"]], "only January 2024's strike touches the last 20 days"


def test_a_click_on_the_map_shows_the_details_safely(data: Path) -> None:
    at = open_app(t="2024-03-01")
    assert "Click a flow or a point" in at.info[0].value
    camera = {"longitude": 100.5, "latitude": 45.25, "zoom": 3.5, "pitch": 0, "bearing": 0}
    send(at, kind="click", event="E003", date=day_number(dt.date(2024, 3, 1)), camera=camera)
    assert params(at)["ev"] == "E003" and params(at)["cam"] == "100.5,45.25,3.5,0,0"
    assert player_args(at)["selected"] == "E003"
    text = markdown(at)
    assert "**Date:** Jan 2024 (to the month)" in text
    assert "\\[click\\]\\(javascript\\:alert\\(1\\)\\) \\<img src\\=x onerror\\=alert\\(1\\)\\>" in text
    assert "[Outlet Two, 2024\\-01](<https://example.org/two>)" in text
    assert "[Bad \\*outlet\\*, 2024\\-02](<https://example.org/a)(javascript:alert(1)>)" in text, \
        "an odd but http(s) URL stays one whole link target"
    assert "Casualty counts differ" in at.warning[0].value
    assert "Claimed by a party to the war" in text


def test_the_same_message_is_applied_once(data: Path) -> None:
    at = open_app(t="2024-03-01")
    send(at, kind="click", event="E001", date=day_number(dt.date(2024, 3, 1)))
    at.selectbox(key="explore-pick").select("E002").run()
    assert params(at)["ev"] == "E002", "the list's choice wins over an old click"
    at.run()
    assert params(at)["ev"] == "E002" and player_args(at)["selected"] == "E002"


def test_filters_change_the_data_and_drop_a_selection_they_hide(data: Path) -> None:
    at = open_app(ev="E002")
    before = player_args(at)["data"]["key"]
    at.multiselect(key="explore-cat").select("strike").run()
    assert params(at)["cat"] == "strike" and "ev" not in params(at)
    args = player_args(at)
    assert args["data"]["key"] != before and args["selected"] is None
    assert served(args)["events"]["id"] == ["E003"]
    at.multiselect(key="explore-cat").unselect("strike").run()
    assert "cat" not in params(at) and player_args(at)["data"]["key"] == before
    at.multiselect(key="explore-actor").select("Kim").run()
    assert params(at)["actor"] == "Kim" and served(player_args(at))["events"]["id"] == ["E002"]
    at.multiselect(key="explore-conf").select("claimed-by-party").run()
    assert served(player_args(at))["events"]["id"] == [], "actor and grade filters combine"


def test_the_clicked_event_is_shown_beside_the_map(data: Path) -> None:
    at = open_app(t="2024-03-01")
    send(at, kind="click", event="E003", date=day_number(dt.date(2024, 3, 1)),
         camera={"longitude": 100.5, "latitude": 45.25, "zoom": 3.5, "pitch": 0, "bearing": 0})
    beside = None
    for i in range(len(at.columns) - 1):
        left, right = at.columns[i], at.columns[i + 1]
        if left.get("component_instance") and right.subheader and right.subheader[0].value == "Event details":
            beside = right
    assert beside is not None, "no column beside the map holds the event details"
    text = "\n".join(m.value for m in beside.markdown)
    assert "**Date:** Jan 2024 (to the month)" in text and "Outlet Two" in text
    assert beside.warning and "Casualty counts differ" in beside.warning[0].value
    assert not beside.dataframe, "the event list stays below, across the page"
    (left_share, right_share) = (at.columns[i].proto.weight, beside.proto.weight)
    assert right_share < left_share, "the map keeps the larger share"


def test_an_unframed_view_is_framed_on_its_events(data: Path) -> None:
    """Without ``cam`` the player is aimed at the view's events (not the fixed Eurasia default); a link's
    ``cam`` wins."""
    everything = player_args(open_app())["camera"]
    width, height = MAP_VIEWPORT
    for place in PLACES:  # every place has an event in the tiny data: each is inside the map with a margin
        x, y = project(Camera(**everything), place["lon"], place["lat"], width, height)
        assert 30 <= x <= width - 30 and 30 <= y <= height - 30, place["id"]
    strikes = player_args(open_app(cat="strike"))["camera"]
    assert strikes != everything and strikes["zoom"] > everything["zoom"], "the frame follows the filters"
    assert "cam" not in params(open_app()), "a framed camera is not written into the link"
