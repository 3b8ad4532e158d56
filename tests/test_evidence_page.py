"""The Evidence page as a user meets it (AppTest on the shipped data): the table, search, details, claims."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from layers.load.catalog import load_catalog
from tests.conftest import ROOT, open_app
from ui.citations import CLAIM_BADGES, md

DATA = load_catalog(ROOT / "geodata")


@pytest.fixture(scope="module")
def page() -> AppTest:
    return open_app("evidence")


def texts(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_the_table_lists_every_event_with_its_sources(page):
    table = page.dataframe[0].value
    assert list(table["id"]) == list(DATA.events["id"])
    row = table.set_index("id").loc["E026"]
    assert row["date"] == "2 Jan 2024" and row["precision"] == "day"
    expected = DATA.sources.loc[DATA.events.set_index("id").loc["E026", "sources"][0]]
    assert row["link"] == expected["url"]
    assert any(expected["outlet"] in label for label in row["sources"])


def test_search_filters_the_table_and_clearing_it_restores_all(page):
    page.text_input(key="q").input("Kharkiv").run()
    found = page.dataframe[0].value
    assert 0 < len(found) < len(DATA.events)
    events = DATA.events.set_index("id")
    for event_id in found["id"]:
        event = events.loc[event_id]
        text = " ".join([event["title"], event["summary"], event["disputed"]]).lower()
        assert "kharkiv" in text, event_id
    page.text_input(key="q").input("kharkiv 2024-01").run()  # every word must match: a date narrows it
    assert set(page.dataframe[0].value["id"]) < set(found["id"])
    page.text_input(key="q").input("S49").run()  # a source id finds the events citing it
    citing = {e for e, ids in zip(DATA.events["id"], DATA.events["sources"], strict=True) if "S49" in ids}
    assert set(page.dataframe[0].value["id"]) == citing
    page.text_input(key="q").input("").run()
    assert len(page.dataframe[0].value) == len(DATA.events)


def test_only_disputed_events(page):
    page.toggle(key="disputed").set_value(True).run()
    shown = page.dataframe[0].value
    disputed = set(DATA.events.loc[DATA.events["disputed"] != "", "id"])
    assert set(shown["id"]) == disputed
    page.toggle(key="disputed").set_value(False).run()


def test_disagreements_are_tied_to_their_events(page):
    body = texts(page)
    for _, row in DATA.disagreements.iterrows():
        assert f"**{md(row['id'])} · {md(row['topic'])}**" in body
        assert md(row["summary"]) in body
        for event_id in row["events"]:
            assert f"`{event_id}`" in body


def test_oped_claims_show_a_status_badge_and_the_finding(page):
    badges = [m.value for m in page.markdown if "-badge[" in m.value]
    for status, count in DATA.oped_claims["status"].value_counts().items():
        label = CLAIM_BADGES[status][0]
        assert sum(b.endswith(f" {label}]") for b in badges) == count, status
        assert any(b.endswith(f" {label}: {count}]") for b in badges), status
    body = texts(page)
    assert "No source found" in "".join(badges)
    assert "What the sources say" in body


def test_an_event_from_the_url_opens_on_a_map_with_every_source():
    at = open_app("evidence", ev="E026")
    assert at.subheader[0].value.startswith("E026")
    body = texts(at)
    for sid in DATA.events.set_index("id").loc["E026", "sources"]:
        assert f"(<{DATA.sources.loc[sid, 'url']}>)" in body
    assert "Where sources disagree" in "\n".join(w.value for w in at.warning)


def test_data_text_is_escaped_not_rendered(tmp_path, monkeypatch):
    import ui.data
    from tests.factory import EVENTS, SOURCES, write_folder

    hostile = "<img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold**"
    folder = write_folder(tmp_path / "data", events=[{**EVENTS[0], "title": "Ships", "summary": hostile},
                                                     *EVENTS[1:]],
                          sources=[{**SOURCES[0], "outlet": hostile}, SOURCES[1]])
    hostile_catalog = load_catalog(folder)
    monkeypatch.setattr(ui.data, "catalog", lambda: hostile_catalog)
    at = AppTest.from_file(str(ROOT / "app_pages" / "evidence.py"), default_timeout=90)
    at.query_params["ev"] = "E001"
    at.run()
    assert not at.exception, at.exception
    shown = [m.value for m in at.markdown if "onerror" in m.value]
    assert shown
    for value in shown:  # each Markdown character from the data is escaped, so none of it takes effect
        for raw in (r"<img", r"\]\(javascript", r"\*\*bold"):
            assert not re.search(r"(?<!\\)" + raw, value), (raw, value)
        assert "\\<img" in value
