"""Pages over data that changes while they are open (issue 15 item 5): the next run shows a new version; a
broken one is refused, the page keeps the last good data and says which file failed and why."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.bad_inputs.live_cases import truncate_events_mid_row
from tests.conftest import ROOT
from tests.factory import EVENTS, write_folder
from tests.test_live_data import NEW_EVENT

REFUSED = "A newer version of the data could not be used"


def shown_events(at: AppTest) -> str:
    [line] = [c.value for c in at.caption if " events, " in c.value]
    return line.split(",")[0]


def refusals(at: AppTest) -> list[str]:
    return [e.value for e in at.error if REFUSED in e.value]


def explore(folder: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_page_follows_the_data_and_keeps_the_last_good_version(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path / "data")
    at = explore(folder, monkeypatch)
    assert shown_events(at) == "3 events" and refusals(at) == []

    write_folder(folder, events=[*EVENTS, NEW_EVENT])  # a new version while the session is open
    at.run()
    assert shown_events(at) == "4 events" and refusals(at) == []

    truncate_events_mid_row(folder)  # then a half-written events.csv
    at.run()
    assert not at.exception
    assert shown_events(at) == "4 events"  # the last good version
    [banner] = refusals(at)
    assert "1 new problem(s) in events.csv" in banner and "The last version that loaded is still shown" in banner
    details = "\n".join(t.value for t in at.text)
    assert "events.csv, row 4" in details and "the row ends early" in details
    assert not [w for w in at.warning if "Some data could not be loaded" in w.value]  # the shown data is clean

    other = explore(folder, monkeypatch)  # a session opened now gets the same
    assert shown_events(other) == "4 events" and len(refusals(other)) == 1

    write_folder(folder, events=[*EVENTS, NEW_EVENT])  # the writer finishes
    at.run()
    assert shown_events(at) == "4 events" and refusals(at) == []


def test_a_places_file_replaced_by_garbage_is_refused_on_the_story_and_evidence_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = write_folder(tmp_path / "data")
    at = explore(folder, monkeypatch)
    (folder / "places.geojson").write_text("<html>502 Bad Gateway</html>")
    at.switch_page("app_pages/evidence.py").run()
    assert not at.exception
    [banner] = refusals(at)
    assert "in places.geojson" in banner
    assert "complete, valid JSON" in "\n".join(t.value for t in at.text)
