"""What the review of December 2026 asked of the pages: every page says how current the record is, the Story page
lists what the validator set aside, and the Evidence page shows each estimate series over time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from layers.load.catalog import load_catalog
from tests.conftest import ROOT, open_app
from tests.test_story_rules import put_back

DATA = load_catalog(ROOT / "geodata")


@pytest.mark.parametrize("page", ["explore", "story", "evidence"])
def test_every_page_says_record_through(page: str) -> None:
    at = open_app(page)
    assert at.sidebar.caption[0].value == "Record through 31 Dec 2025"


def test_the_story_page_lists_the_chapters_the_validator_set_aside(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", folder)
    number = put_back(folder, "wagner-train", "notes", "Open on the border crossing: about 800 m of bridge.")
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    at = open_app("story", story="russia-dprk", chapter="talks-and-letters")
    assert any("Set aside by the validator: 1 problem(s) in this story's chapters" in w.value for w in at.warning)
    listed = " ".join(m.value for m in at.markdown)
    assert f"chapter {number} \\(wagner\\-train\\)" in listed and "800" in listed
    presenter = open_app("story", story="russia-dprk", chapter="talks-and-letters", present="1")
    assert not any("Set aside" in w.value for w in presenter.warning), "presenter mode never shows it"


def test_the_evidence_page_shows_each_series_over_time_with_who_made_each() -> None:
    at = open_app("evidence")
    tables = [t.value for t in at.dataframe]
    killed = next(v for v in tables if list(v.columns) == ["Made public", "Estimate", "By", "Event", "Sources"]
                  and "E155" in set(v["Event"]))
    assert list(killed["Event"]) == list(DATA.estimates.loc[DATA.estimates["series"] == "dprk-killed", "event"])
    assert killed["Made public"].is_monotonic_increasing
    assert list(killed["By"])[-1] == "ROK NIS" and list(killed["Estimate"])[-1] == "about 2,000 soldiers"
    assert sum(list(v.columns)[:2] == ["Made public", "Estimate"] for v in tables) == len(DATA.series)
