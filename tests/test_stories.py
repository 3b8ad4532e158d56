"""Stories as files: loading, validation (file, chapter, field named), chapter views, the shipped story."""

import datetime as dt
from pathlib import Path

import pytest
import yaml

from layers.load.catalog import load_catalog
from layers.model import schema
from layers.model.story import Chapter, chapter_sources, chapter_view, key_points
from layers.model.view import Camera
from layers.query.select import select
from tests.conftest import ROOT

VIEW = {"longitude": 130.3, "latitude": 42.3, "zoom": 6, "pitch": 30, "bearing": -10}


def chapter(cid: str, **fields) -> dict:
    """A good chapter dict with some fields changed; a field given as None is left out."""
    base = {"id": cid, "title": f"Chapter {cid}", "date": "2023-09-13", "view": dict(VIEW), "focus": ["E002"],
            "body": "Lead.\n\n- first point\n- second point", "notes": f"notes {cid}", **fields}
    return {k: v for k, v in base.items() if v is not None}


def write_story(folder: Path, chapters: list, name: str = "t", **top) -> Path:
    stories = folder / "stories"
    stories.mkdir(exist_ok=True)
    path = stories / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"title": "A story", "chapters": chapters, **top}, sort_keys=False))
    return path


def story_problems(cat, name: str = "t") -> set[tuple[str, str, str]]:
    return {(p.where, p.field, p.value) for p in cat.report.for_file(f"stories/{name}.yaml")}


def test_good_story_loads_with_every_field(tiny_folder: Path):
    write_story(tiny_folder, [chapter("a", focus=["E002", "munitions"], sources=["S02"]),
                              chapter("b", dates=["2023-08-15", "2023-10-01"], date=None)])
    cat = load_catalog(tiny_folder)
    assert cat.report.ok, cat.report.format()
    story = cat.stories["t"]
    assert story.title == "A story" and [c.id for c in story.chapters] == ["a", "b"]
    a, b = story.chapters
    assert (a.number, a.start, a.end, a.focus, a.sources) == (1, dt.date(2023, 9, 13), dt.date(2023, 9, 13),
                                                               ("E002", "munitions"), ("S02",))
    assert a.camera == Camera(130.3, 42.3, 6.0, 30.0, -10.0)
    assert a.notes == "notes a" and a.body.startswith("Lead.")
    assert (b.start, b.end, b.is_range) == (dt.date(2023, 8, 15), dt.date(2023, 10, 1), True)


def test_validate_counts_the_story(tiny_folder: Path):
    import subprocess
    import sys

    write_story(tiny_folder, [chapter("a")])
    result = subprocess.run([sys.executable, "-m", "layers", "validate", str(tiny_folder)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert "1 stories" in result.stdout


def test_unknown_event_and_category_name_file_chapter_and_field(tiny_folder: Path):
    write_story(tiny_folder, [chapter("a"), chapter("b", focus=["E999"]), chapter("c", focus=["weapons"]),
                              chapter("d")])
    cat = load_catalog(tiny_folder)
    assert story_problems(cat) == {("chapter 2 (b)", "focus", "'E999'"), ("chapter 3 (c)", "focus", "'weapons'")}
    messages = [str(p) for p in cat.report.errors]
    assert any(m.startswith("ERROR: stories/t.yaml, chapter 2 (b), field 'focus': value 'E999'") for m in messages)
    assert [c.id for c in cat.stories["t"].chapters] == ["a", "d"]


def test_bad_views_are_named_field_by_field(tiny_folder: Path):
    write_story(tiny_folder, [
        chapter("lon", view={**VIEW, "longitude": 200}),
        chapter("lat", view={**VIEW, "latitude": -95}),
        chapter("zoom", view={**VIEW, "zoom": 20}),
        chapter("low", view={**VIEW, "zoom": 0.1}),
        chapter("pitch", view={**VIEW, "pitch": 75}),
        chapter("text", view={**VIEW, "zoom": "close"}),
        chapter("missing", view={"latitude": 42, "zoom": 5}),
        chapter("ok"),
    ])
    cat = load_catalog(tiny_folder)
    assert story_problems(cat) == {
        ("chapter 1 (lon)", "view.longitude", "200"), ("chapter 2 (lat)", "view.latitude", "-95"),
        ("chapter 3 (zoom)", "view.zoom", "20"), ("chapter 4 (low)", "view.zoom", "0.1"),
        ("chapter 5 (pitch)", "view.pitch", "75"), ("chapter 6 (text)", "view.zoom", "'close'"),
        ("chapter 7 (missing)", "view.longitude", "(missing)"),
    }
    assert [c.id for c in cat.stories["t"].chapters] == ["ok"]


def test_dates_outside_the_data_or_unreadable(tiny_folder: Path):
    # The tiny data runs from 15 Aug 2023 (E001) to 31 Jan 2024 (E003, a month).
    write_story(tiny_folder, [
        chapter("early", date="2022-01-05"),
        chapter("late", date=dt.date(2025, 1, 1)),
        chapter("fuzzy", date="13/09/2023"),
        chapter("month", date="2023-09"),
        chapter("both", dates=["2023-09-01", "2023-09-30"]),
        chapter("backwards", dates=["2023-10-01", "2023-09-01"], date=None),
        chapter("ok", date=dt.date(2024, 1, 31), focus=["E003"]),
    ])
    cat = load_catalog(tiny_folder)
    found = {(where, field): value for where, field, value in story_problems(cat)}
    assert found == {
        ("chapter 1 (early)", "date"): "'2022-01-05'", ("chapter 2 (late)", "date"): "'2025-01-01'",
        ("chapter 3 (fuzzy)", "date"): "'13/09/2023'", ("chapter 4 (month)", "date"): "'2023-09'",
        ("chapter 5 (both)", "date"): "'date and dates'",
        ("chapter 6 (backwards)", "dates"): "'2023-10-01 to 2023-09-01'",
    }
    early = next(p for p in cat.report.errors if p.where == "chapter 1 (early)")
    assert "2023-08-15 to 2024-01-31" in early.expected
    fuzzy = next(p for p in cat.report.errors if p.where == "chapter 3 (fuzzy)")
    assert "2023-09-13" in fuzzy.expected  # the hint offers the ISO reading
    assert [c.id for c in cat.stories["t"].chapters] == ["ok"]


def test_focus_on_an_event_not_yet_on_the_map(tiny_folder: Path):
    write_story(tiny_folder, [chapter("early", date="2023-09-13", focus=["E003"]), chapter("ok")])
    cat = load_catalog(tiny_folder)
    (problem,) = cat.report.for_file("stories/t.yaml")
    assert (problem.where, problem.field, problem.value) == ("chapter 1 (early)", "focus", "'E003'")
    assert "2024-01-01 to 2024-01-31" in problem.expected


def test_missing_title_duplicate_id_bad_id_and_unknown_source(tiny_folder: Path):
    write_story(tiny_folder, [chapter("a"), chapter("b", title=""), chapter("a", notes="again"),
                              chapter("Bad Id"), chapter("c", sources=["S77"]), chapter("d", title=12)])
    cat = load_catalog(tiny_folder)
    assert story_problems(cat) == {
        ("chapter 2 (b)", "title", "(missing)"), ("chapter 3 (a)", "id", "'a'"),
        ("chapter 4", "id", "'Bad Id'"), ("chapter 5 (c)", "sources", "'S77'"), ("chapter 6 (d)", "title", "12"),
    }
    duplicate = next(p for p in cat.report.errors if p.where == "chapter 3 (a)")
    assert "already used by chapter 1" in duplicate.expected
    story = cat.stories["t"]
    assert [c.id for c in story.chapters] == ["a"] and story.chapters[0].notes == "notes a"


def test_unknown_keys_warn_and_still_load(tiny_folder: Path):
    write_story(tiny_folder, [chapter("a", foucs=["E001"], view={**VIEW, "tilt": 4})], extra="x")
    cat = load_catalog(tiny_folder)
    assert cat.report.ok
    assert {(p.where, p.field) for p in cat.report.warnings} >= {("chapter 1 (a)", "foucs"),
                                                                ("chapter 1 (a)", "view.tilt"), ("", "extra")}
    assert len(cat.stories["t"].chapters) == 1


def test_alias_bomb_is_refused_before_it_is_built(tiny_folder: Path):
    stories = tiny_folder / "stories"
    stories.mkdir()
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    (stories / "bomb.yaml").write_text("\n".join(levels) + "\ntitle: x\nchapters: *a8\n")
    write_story(tiny_folder, [chapter("a")], name="good")
    cat = load_catalog(tiny_folder)
    (problem,) = cat.report.for_file("stories/bomb.yaml")
    assert (problem.where, problem.value) == ("line 1 column 5", "'&a0'")
    assert "anchors or aliases" in problem.expected
    assert list(cat.stories) == ["good"]


def test_huge_deep_and_broken_files_are_refused_by_name(tiny_folder: Path):
    stories = tiny_folder / "stories"
    stories.mkdir()
    (stories / "huge.yaml").write_text("title: x\nchapters: []\n" + "# padding\n" * 150_000)
    (stories / "deep.yaml").write_text("title: x\nchapters: " + "[" * 200 + "]" * 200 + "\n")
    (stories / "broken.yaml").write_text("title: x\nchapters:\n  - id: a\n   title: b\n")
    (stories / "twice.yaml").write_text("title: x\ntitle: y\nchapters: []\n")
    (stories / "python.yaml").write_text("title: !!python/object/apply:os.system [echo hi]\nchapters: []\n")
    (stories / "Bad Name.yaml").write_text("title: x\n")
    (stories / "notes.yml").write_text("title: x\n")
    cat = load_catalog(tiny_folder)
    errors = {p.file: p for p in cat.report.errors}
    assert "size limit" in errors["stories/huge.yaml"].expected
    assert "nesting limit" in errors["stories/deep.yaml"].expected
    assert errors["stories/broken.yaml"].where.startswith("line 4")
    assert (errors["stories/twice.yaml"].where, errors["stories/twice.yaml"].field) == ("line 2 column 1", "title")
    assert "stories/python.yaml" in errors
    assert "stories/Bad Name.yaml" in errors
    assert [p.file for p in cat.report.warnings] == ["stories/notes.yml"]
    assert cat.stories == {}


def test_chapter_view_single_date_and_range(tiny_folder: Path):
    write_story(tiny_folder, [chapter("day", focus=["E002", "strike"]),
                              chapter("span", date=None, dates=["2023-09-20", "2023-10-20"], focus=["E001"])])
    cat = load_catalog(tiny_folder)
    story = cat.stories["t"]
    day, span = story.chapters
    view = chapter_view(story, day)
    assert (view.date, view.window_days, view.focus, view.title) == (dt.date(2023, 9, 13), None,
                                                                     ("E002", "strike"), "Chapter day")
    assert view.camera == day.camera
    assert list(select(cat, view)["id"]) == ["E001", "E002"]
    view = chapter_view(story, span)
    assert (view.date, view.window_days) == (dt.date(2023, 10, 20), 30)
    # E002 (13 Sep) ended before the range began; E001 (to 1 Oct) touches it.
    assert list(select(cat, view)["id"]) == ["E001"]
    assert story.index_of("span") == 1 and story.index_of("nope") == 0


def test_key_points_and_chapter_sources(tiny):
    base = {"number": 1, "title": "t", "start": dt.date(2023, 9, 13), "end": dt.date(2023, 9, 13),
            "camera": Camera()}
    bullets = Chapter(id="a", body="Lead paragraph.\n\n- one\n- two\n  - nested\n* three", **base)
    assert key_points(bullets) == ["one", "two", "three"]
    prose = Chapter(id="b", body="First  paragraph\nwraps.\n\nSecond.", **base)
    assert key_points(prose) == ["First paragraph wraps."]
    assert key_points(Chapter(id="c", body="", **base)) == []
    cited = Chapter(id="d", body="", focus=("E002", "E003", "munitions"), sources=("S01", "S09"), **base)
    assert chapter_sources(cited, tiny.events) == ["S01", "S02", "S09"]


SHIPPED = ROOT / "geodata"


@pytest.mark.skipif(not (SHIPPED / "events.csv").exists(), reason="the real events have not landed yet")
def test_shipped_story_validates_clean_against_the_shipped_data():
    cat = load_catalog(SHIPPED)
    story_files = sorted(p.name for p in (SHIPPED / "stories").glob("*.yaml"))
    problems = [str(p) for p in cat.report if p.file.startswith("stories/")]
    assert problems == []
    assert sorted(f"{name}.yaml" for name in cat.stories) == story_files
    story = cat.stories["russia-dprk"]
    assert 10 <= len(story.chapters) <= 15
    for ch in story.chapters:
        assert ch.notes and ch.body, ch.id
        assert chapter_sources(ch, cat.events), f"chapter {ch.id} names no source"
        ids = [f for f in ch.focus if f not in schema.CATEGORIES]
        assert ids, f"chapter {ch.id} focuses on no event"
        assert set(ids) <= set(select(cat, chapter_view(story, ch))["id"]), ch.id
    assert story.chapters[0].focus[0] == "E003"
