"""Uploading on the Explore page (AppTest drives st.file_uploader): the report is shown, the map gets the rows,
and another session does not see them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.load.catalog import EVENT_COLUMNS
from tests.conftest import open_app
from tests.factory import EVENTS, csv_text, write_folder
from ui.player import SERVED_DIR
from ui.uploads import UPLOADER_KEY

MINE = {**EVENTS[1], "id": "E100", "title": "My uploaded summit", "date": "2024-06-19"}
CLASH = {**EVENTS[1], "title": "An id the shipped data uses"}  # E002


@pytest.fixture(autouse=True)
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_folder(tmp_path / "data")
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    return folder


def player_events(at: AppTest) -> list[str]:
    (instance,) = at.get("component_instance")
    args = json.loads(instance.proto.json_args)
    return json.loads((SERVED_DIR / args["data"]["url"]).read_text(encoding="utf-8"))["events"]["id"]


def uploader(at: AppTest):
    return next(u for u in at.file_uploader if u.key == UPLOADER_KEY)


def test_an_upload_joins_this_session_only_with_its_report() -> None:
    at = open_app()
    assert "E100" not in player_events(at)
    body = csv_text([c.name for c in EVENT_COLUMNS], [MINE, CLASH]).encode()
    uploader(at).set_value(("my events.csv", body, "text/csv")).run()
    assert not at.exception, at.exception
    assert "E100" in player_events(at)
    tables = [d.value for d in at.dataframe]
    summary = next(t for t in tables if "Read as" in t.columns)
    assert summary.to_dict("records") == [{"File": "my events.csv", "Read as": "events", "Added": 1, "Errors": 1,
                                           "Warnings": 0}]
    report = next(t for t in tables if "expected" in t.columns)
    assert report[["file", "where", "field", "value"]].to_dict("records") == [
        {"file": "my events.csv", "where": "row 3", "field": "id", "value": "'E002'"}]
    assert any("1 problem(s)" in w.value for w in at.warning)
    assert any("4 events" in c.value for c in at.caption)  # the page counts the session's events

    other = open_app()  # a second session of the same server process
    assert "E100" not in player_events(other)
    assert any("3 events" in c.value for c in other.caption)
    assert not [d for d in other.dataframe if "Read as" in d.value.columns]


def test_removing_the_files_goes_back_to_the_shipped_data() -> None:
    at = open_app()
    body = csv_text([c.name for c in EVENT_COLUMNS], [MINE]).encode()
    uploader(at).set_value(("e.csv", body, "text/csv")).run()
    assert "E100" in player_events(at)
    assert any("Everything in your files was added" in s.value for s in at.success)
    uploader(at).set_value(None).run()
    assert not at.exception, at.exception
    assert "E100" not in player_events(at)
