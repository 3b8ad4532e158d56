"""The validator's rules for what a chapter may say (figures, directions, superseded estimates), each tested with
the failing sentences of the December 2026 review, and the sourcing rules for events and sources."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from layers.load.catalog import load_catalog
from layers.model.figures import figures, values
from tests.conftest import ROOT
from tests.factory import EVENTS, PLACES, SOURCES, write_folder
from tests.test_stories import chapter, write_story

STORY = "stories/t.yaml"


def problems(cat, file: str = STORY) -> list:
    return [p for p in cat.report.errors if p.file == file]


# --- figures in prose -------------------------------------------------------------------------------------------

def test_figures_are_values_not_substrings():
    assert values("about 1,200 troops") == {1200.0}
    assert 12000.0 not in values("about 1,200 troops")
    assert values("twelve thousand soldiers and a million rounds") == {12000.0, 1_000_000.0}
    assert values("over 3 million 152 mm rounds; 4.8 million (Shin)") == {3e6, 152.0, 4.8e6}
    assert values("~73 railcars, >1,000,000 rounds, 2 or 3 killed") == {73.0, 1e6, 2.0, 3.0}


def test_years_days_times_designations_ordinals_and_counting_words_are_not_figures():
    text = ("On 18–19 November 2022 and June 18, at 2 a.m. and 22:42, in winter 2023–24, a KN-23, a Su-35, the "
            "Malligyong-1-1 and the 9M723 flew; the 10th commission; see chapter 13; two reports, five railcars.")
    assert figures(text) == []


# --- the review's failing sentences, on a tiny record -----------------------------------------------------------

BRIDGE = {"id": "E004", "date": "2022-11-18", "precision": "day", "category": "munitions",
          "title": "Train crosses the bridge", "summary": "The bridge is 590 m long.", "origin": "RAJIN",
          "destination": "DUNAI", "actors": "DPRK", "confidence": "assessed", "sources": "S02"}
DEAD_AUG = {"id": "E005", "date": "2025-08-21", "precision": "day", "category": "troops",
            "title": "Heroes' ceremony", "summary": "The NIS estimated about 600 dead and 4,100 wounded.",
            "destination": "PYG", "actors": "Kim", "confidence": "confirmed-official", "sources": "S02"}
DEAD_SEP = {"id": "E006", "date": "2025-09-02", "precision": "day", "category": "troops",
            "title": "NIS raises its estimate", "summary": "About 2,000 killed, says the NIS.",
            "destination": "MOW", "actors": "ROK NIS", "confidence": "assessed", "sources": "S01"}
SERIES = "id,label,unit\ndprk-killed,North Korean soldiers killed,soldiers\n"
ESTIMATES = ("series,event,as_of,value,high,quantity,unit,by,sources\n"
             "dprk-killed,E005,2025-08-21,600,,about 600,killed,ROK NIS,S02\n"
             "dprk-killed,E006,2025-09-02,2000,,\"about 2,000\",killed,ROK NIS,S01\n")


@pytest.fixture
def record(tmp_path: Path) -> Path:
    folder = write_folder(tmp_path / "data", events=[*EVENTS, BRIDGE, DEAD_AUG, DEAD_SEP])
    (folder / "series.csv").write_text(SERIES)
    (folder / "estimates.csv").write_text(ESTIMATES)
    return folder


def test_h4_a_figure_no_focused_event_states_is_refused(record: Path):
    write_story(record, [chapter("bridge", date="2022-11-19", focus=["E004"],
                                 notes="Open on the border crossing: about 800 m of bridge and the only rail line."),
                         chapter("fixed", date="2022-11-19", focus=["E004"], notes="About 590 m of bridge.")])
    cat = load_catalog(record)
    (problem,) = problems(cat)
    assert (problem.where, problem.field) == ("chapter 1 (bridge)", "notes")
    assert "800 m of bridge" in problem.value and "800 is in none of them" in problem.expected
    assert str(problem).startswith("ERROR: stories/t.yaml, chapter 1 (bridge), field 'notes'")
    assert [c.id for c in cat.stories["t"].chapters] == ["fixed"]


def test_h5_a_casualty_figure_from_an_event_outside_the_focus_is_refused(record: Path):
    write_story(record, [chapter("followed", date="2025-08-25", focus=["E002"],
                                 notes="Mention the NIS estimate of about 600 dead (August)."), chapter("ok")])
    (problem,) = problems(load_catalog(record))
    assert (problem.where, problem.field) == ("chapter 1 (followed)", "notes")
    assert "600" in problem.value


def test_h5_an_estimate_superseded_by_the_chapters_end_must_be_shown_beside_the_later_one(record: Path):
    old = "The NIS counts about 600 dead."
    write_story(record, [
        chapter("outdated", date="2025-09-02", focus=["E005", "E006"], notes=old),
        chapter("current", date="2025-09-02", focus=["E005", "E006"], notes=old + " Since 2 September: about 2,000."),
        chapter("then", date="2025-08-25", focus=["E005"], notes=old),
    ])
    cat = load_catalog(record)
    (problem,) = problems(cat)
    assert (problem.where, problem.field, problem.value) == ("chapter 1 (outdated)", "notes", repr(old))
    assert "about 2,000 (ROK NIS, 2025-09-02, event E006) supersedes about 600" in problem.expected
    assert [c.id for c in cat.stories["t"].chapters] == ["current", "then"]


OIL_PLACES = [*PLACES, {"id": "VOST_PORT", "name": "Vostochny Port", "kind": "port", "country": "RUS",
                        "lon": 133.067, "lat": 42.733},
              {"id": "CHONGJIN", "name": "Chongjin", "kind": "port", "country": "PRK", "lon": 129.78, "lat": 41.79}]
OIL = {"id": "E007", "date": "2024-03-07", "precision": "day", "category": "energy_food", "title": "Oil",
       "summary": "Tankers load at Vostochny.", "origin": "VOST_PORT", "destination": "CHONGJIN",
       "actors": "RUSI", "confidence": "reported-single", "sources": "S01"}


def test_h3_a_direction_the_focused_flows_do_not_run_is_refused(tmp_path: Path):
    folder = write_folder(tmp_path / "data", places=OIL_PLACES, events=[*EVENTS, OIL])
    write_story(folder, [
        chapter("east", date="2024-03-07", focus=["E007", "E001"], notes="The oil arrows run east."),
        chapter("title", date="2024-03-07", focus=["E007", "E001"], title="Containers west, oil and food east"),
        chapter("west", date="2024-03-07", focus=["E007", "E001"], notes="The oil arrows run west, to Chongjin."),
        chapter("where", date="2024-03-07", focus=["E007"], notes="The oil depot lies south of the town."),
    ])
    cat = load_catalog(folder)
    found = {(p.where, p.field): p for p in problems(cat)}
    assert set(found) == {("chapter 1 (east)", "notes"), ("chapter 2 (title)", "title")}
    assert "E007 runs west" in found[("chapter 1 (east)", "notes")].expected
    assert "oil arrows run east" in found[("chapter 1 (east)", "notes")].value
    # Rajin -> Dunai (E001, containers) runs east: 'containers west' is wrong too, and 'oil ... east'.
    assert len([p for p in problems(cat) if p.where == "chapter 2 (title)"]) == 2
    assert [c.id for c in cat.stories["t"].chapters] == ["west", "where"]


# --- sourcing -------------------------------------------------------------------------------------------------

REPOST = {"id": "S03", "outlet": "Aggregator", "published": "2024-01-02", "url": "https://example.org/three",
          "kind": "repost"}


def test_an_event_resting_only_on_reposts_is_set_aside(tmp_path: Path):
    events = [{**EVENTS[2], "sources": "S03"}, {**EVENTS[1], "sources": "S02;S03"}]
    cat = load_catalog(write_folder(tmp_path / "d", sources=[*SOURCES, REPOST], events=events))
    (problem,) = cat.report.errors
    assert (problem.file, problem.where, problem.field, problem.value) == ("events.csv", "row 2", "sources", "'S03'")
    assert "not a repost" in problem.expected
    assert list(cat.events["id"]) == ["E002"]


def test_reported_multiple_needs_two_distinct_outlets(tmp_path: Path):
    same = {**SOURCES[1], "id": "S04", "outlet": "outlet  one", "url": "https://example.org/four"}
    multiple = {**EVENTS[0], "confidence": "reported-multiple"}
    events = [{**multiple, "sources": "S01;S04"}, {**multiple, "id": "E009", "sources": "S01;S03"},
              {**multiple, "id": "E010", "sources": "S01;S02"}]
    cat = load_catalog(write_folder(tmp_path / "d", sources=[*SOURCES, REPOST, same], events=events))
    assert {(p.where, p.field) for p in cat.report.errors} == {("row 2", "confidence"), ("row 3", "confidence")}
    assert list(cat.events["id"]) == ["E010"]


@pytest.mark.parametrize(("change", "field", "expected"), [
    ({"published": ""}, "published", "required"),
    ({"published": "2024"}, "published", "a month"),
    ({"url": "http://example.org/two"}, "url", "https://"),
    ({"url": "https://example.org./two"}, "url", "trailing dot"),
    ({"kind": "blog"}, "kind", "original"),
])
def test_a_source_without_a_date_kind_or_https_address_is_refused(tmp_path: Path, change, field, expected):
    sources = [SOURCES[0], {**SOURCES[1], **change}]
    cat = load_catalog(write_folder(tmp_path / "d", sources=sources))
    source_errors = [p for p in cat.report.errors if p.file == "sources.csv"]
    assert [(p.where, p.field) for p in source_errors] == [("row 3", field)]
    assert expected in source_errors[0].expected
    assert "S02" not in cat.sources.index


def test_events_after_the_declared_cutoff_are_refused(tmp_path: Path):
    cat = load_catalog(write_folder(tmp_path / "d", record_through="2023-12-31"))
    (problem,) = cat.report.errors
    assert (problem.file, problem.where, problem.field, problem.value) == ("events.csv", "row 4", "date", "'2024-01'")
    assert "2023-12-31" in problem.expected and cat.record_through.isoformat() == "2023-12-31"


def test_a_record_without_its_cutoff_is_an_error(tmp_path: Path):
    folder = write_folder(tmp_path / "d")
    (folder / "record.yaml").unlink()
    cat = load_catalog(folder)
    assert [(p.file, p.field) for p in cat.report.errors] == [("record.yaml", "")]
    assert cat.record_through is None and len(cat.events) == 3


def test_estimates_name_their_bad_rows(record: Path):
    (record / "estimates.csv").write_text(ESTIMATES + "dprk-dead,E005,2025-08-21,600,,x,,NIS,S02\n"
                                          "dprk-killed,E404,2025-08,600,500,x,,NIS,S09\n")
    cat = load_catalog(record)
    found = {(p.where, p.field) for p in cat.report.errors if p.file == "estimates.csv"}
    assert found == {("row 4", "series"), ("row 5", "event"), ("row 5", "as_of"), ("row 5", "high"),
                     ("row 5", "sources")}
    assert len(cat.estimates) == 2


# --- the shipped story, with the review's failing sentences put back ----------------------------------------------

def shipped_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "geodata"
    shutil.copytree(ROOT / "geodata", folder)
    return folder


def put_back(folder: Path, chapter_id: str, field: str, sentence: str) -> int:
    """Add ``sentence`` to a shipped chapter's field; its number in the story."""
    path = folder / "stories" / "russia-dprk.yaml"
    story = yaml.safe_load(path.read_text())
    number = next(i for i, ch in enumerate(story["chapters"], start=1) if ch["id"] == chapter_id)
    ch = story["chapters"][number - 1]
    ch[field] = f"{ch.get(field, '')}\n{sentence}".strip()
    path.write_text(yaml.safe_dump(story, sort_keys=False, allow_unicode=True))
    return number


@pytest.mark.parametrize(("chapter_id", "field", "sentence", "rule"), [
    ("wagner-train", "notes", "Open on the border crossing: about 800 m of bridge and the only rail line.", "800"),
    ("containers-and-oil", "notes", "The oil arrows run east: Chongjin and Nampo are the destinations.", "east"),
])
def test_the_reviews_sentences_are_refused_in_the_shipped_story(tmp_path: Path, chapter_id, field, sentence, rule):
    folder = shipped_copy(tmp_path)
    number = put_back(folder, chapter_id, field, sentence)
    cat = load_catalog(folder)
    (problem,) = problems(cat, "stories/russia-dprk.yaml")
    assert (problem.where, problem.field) == (f"chapter {number} ({chapter_id})", field)
    assert rule in problem.value or rule in problem.expected
    assert chapter_id not in [c.id for c in cat.stories["russia-dprk"].chapters]


def test_the_shipped_record_has_no_repost_only_event_and_every_source_dated():
    cat = load_catalog(ROOT / "geodata")
    assert cat.report.ok, cat.report.format()
    kinds = cat.sources["kind"]
    for sources in cat.events["sources"]:
        assert any(kinds[s] != "repost" for s in sources)
    assert all(cat.sources["url"].str.startswith("https://"))


def test_h5_the_shipped_chapter_without_the_september_estimate_is_refused(tmp_path: Path):
    folder = shipped_copy(tmp_path)
    path = folder / "stories" / "russia-dprk.yaml"
    story = yaml.safe_load(path.read_text())
    number, ch = next((i, c) for i, c in enumerate(story["chapters"], start=1) if c["id"] == "alliance-settles-in")
    kept = [line for line in ch["body"].split("\n- ") if not line.startswith("2 September")]
    ch["body"] = "\n- ".join(kept)
    assert "2,000" not in ch["body"] + ch["notes"] and "600" in ch["body"]
    path.write_text(yaml.safe_dump(story, sort_keys=False, allow_unicode=True))
    cat = load_catalog(folder)
    found = [p for p in problems(cat, "stories/russia-dprk.yaml") if "supersedes" in p.expected]
    assert [(p.where, p.field) for p in found] == [(f"chapter {number} (alliance-settles-in)", "body")]
    assert "about 2,000 (ROK NIS, 2025-09-02, event E155) supersedes about 600" in found[0].expected


def test_users_never_read_seed_or_grade_slugs_in_the_story():
    """The op-ed is 'the June 2024 op-ed' wherever a user reads text, and speaker notes speak plain English."""
    for path in [*(ROOT / "geodata").glob("*.csv"), *(ROOT / "geodata" / "stories").glob("*.yaml")]:
        assert not re.search(r"\bseed\b", path.read_text(encoding="utf-8"), re.I), path.name
    story = load_catalog(ROOT / "geodata").stories["russia-dprk"]
    slugs = ("confirmed-official", "reported-single", "reported-multiple", "claimed-by-party", "in this research")
    for ch in story.chapters:
        for slug in slugs:
            assert slug not in ch.notes + ch.body, (ch.id, slug)
