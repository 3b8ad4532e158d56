"""A story as a PPTX deck, opened again with python-pptx: slides, maps, points, sources, speaker notes."""

import datetime as dt
import io
from pathlib import Path

import yaml
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE

from layers.export.pptx import story_deck
from layers.load.catalog import load_catalog
from layers.model.story import Chapter, Story, chapter_view
from layers.model.view import Camera
from layers.render.static_map import map_layout

CHAPTERS = [
    {"id": "ships", "title": "Ships at Rajin", "date": "2023-09-30",
     "view": {"longitude": 131.0, "latitude": 42.5, "zoom": 5.5}, "focus": ["E001"],
     "body": "Lead paragraph.\n\n- Containers move **by sea** from [Rajin](https://example.org)\n"
             "  to Dunai, week after week.\n- `Hundreds` of them\n",
     "notes": "Open on the port.\nThen the ships.\n\nSecond paragraph."},
    {"id": "summit", "title": "The summit", "dates": ["2023-09-01", "2023-09-30"],
     "view": {"longitude": 90.0, "latitude": 50.0, "zoom": 2.5}, "focus": ["diplomacy"],
     "body": "Leaders *meet* at the cosmodrome.", "notes": "Mention the date."},
]


def write_story(folder: Path, name: str = "corridor", chapters: list | None = None) -> Path:
    """A story file in a data folder built by tests.factory."""
    (folder / "stories").mkdir(exist_ok=True)
    path = folder / "stories" / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"title": "The corridor", "chapters": chapters or CHAPTERS}, sort_keys=False))
    return path


def open_deck(data: bytes):
    return Presentation(io.BytesIO(data))


def test_deck_has_title_chapters_and_sources_slides(tiny_folder: Path):
    write_story(tiny_folder)
    cat = load_catalog(tiny_folder)
    assert cat.report.ok, cat.report.format()
    calls = []
    deck = open_deck(story_deck(cat, cat.stories["corridor"], progress=lambda done, total: calls.append((done, total))))
    slides = list(deck.slides)
    assert len(slides) == 1 + 2 + 1
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert slides[0].shapes.title.text == "The corridor"
    title_text = " ".join(shape.text_frame.text for shape in slides[0].shapes if shape.has_text_frame)
    assert "Record through 31 Dec 2025" in title_text
    assert slides[-1].shapes.title.text == "Sources"
    for slide, chapter in zip(slides[1:3], CHAPTERS, strict=True):
        assert slide.shapes.title.text == chapter["title"]
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1 and pictures[0].image.content_type == "image/png"
        assert pictures[0].image.size == (1920, 1080)
        assert slide.has_notes_slide and slide.notes_slide.notes_text_frame.text.strip()


def test_chapter_slide_points_are_plain_text_and_notes_unwrapped(tiny_folder: Path):
    write_story(tiny_folder)
    cat = load_catalog(tiny_folder)
    ships = list(open_deck(story_deck(cat, cat.stories["corridor"])).slides)[1]
    texts = [s.text_frame.text for s in ships.shapes if s.has_text_frame]
    assert "Containers move by sea from Rajin to Dunai, week after week.\nHundreds of them" in texts
    assert ships.notes_slide.notes_text_frame.text == "Open on the port. Then the ships.\nSecond paragraph."
    # the footnote cites the focused event's source (E001 -> S01), not every source
    assert "Sources: Outlet One (2023-10-17)" in texts


def test_sources_slide_lists_every_cited_source_with_its_link(tiny_folder: Path):
    write_story(tiny_folder)
    cat = load_catalog(tiny_folder)
    last = list(open_deck(story_deck(cat, cat.stories["corridor"])).slides)[-1]
    runs = [r for s in last.shapes if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs]
    cited = {r.text: r.hyperlink.address for r in runs if r.hyperlink.address}
    assert cited == {"Outlet One (2023-10-17)": "https://example.org/one",
                     "Outlet Two (2024-01)": "https://example.org/two"}


def test_control_characters_in_text_do_not_break_the_deck(tiny):
    day = dt.date(2023, 9, 30)
    chapter = Chapter(id="odd", number=1, title="Bell\x07 and <b>tags</b>", body="- one\x0b\x1b[31m",
                      start=day, end=day, camera=Camera(), notes="notes\x00 here")
    deck = open_deck(story_deck(tiny, Story(name="odd", title="Odd\x01 story", chapters=(chapter,))))
    slide = list(deck.slides)[1]
    assert slide.shapes.title.text == "Bell and <b>tags</b>"
    assert slide.notes_slide.notes_text_frame.text == "notes here"
    assert deck.slides[0].shapes.title.text == "Odd story"


def test_a_slide_map_is_legible_in_a_room_and_carries_no_title_or_sources(tiny_folder: Path):
    """Names at least 22 px and legend text at least 20 px tall when the slide fills a 1920x1080 screen, measured
    with the renderer's own metrics at the picture's size on the slide; title and sources only on the slide."""
    write_story(tiny_folder)
    cat = load_catalog(tiny_folder)
    story = cat.stories["corridor"]
    deck = open_deck(story_deck(cat, story))
    for slide, chapter in zip(list(deck.slides)[1:3], story.chapters, strict=True):
        (picture,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        width, height = picture.image.size
        shown_px = picture.width / deck.slide_width * 1920  # the picture's width on a 1920x1080 screen
        scale = shown_px / width
        layout = map_layout(cat, chapter_view(story, chapter), width=width, height=height, for_slide=True)
        kinds = {t.kind for t in layout.texts}
        assert "title" not in kinds and "footer" not in kinds, "the map repeats the slide's title or sources"
        names = [t for t in layout.texts if t.kind == "place"]
        legend = [t for t in layout.texts if t.kind == "legend"]
        assert names and legend
        assert min(t.size_px for t in names) * scale >= 22
        assert min(t.size_px for t in legend) * scale >= 20
        # the measured glyph boxes agree: a name's box is at least as tall as its font on the screen
        assert min(t.box[3] - t.box[1] for t in names) * scale >= 22
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert sum(chapter.title in t for t in texts) == 1
        assert sum(t.startswith("Sources:") for t in texts) == 1


def test_the_plain_map_still_carries_its_title_and_sources(tiny_folder: Path):
    write_story(tiny_folder)
    cat = load_catalog(tiny_folder)
    story = cat.stories["corridor"]
    plain = map_layout(cat, chapter_view(story, story.chapters[0]))
    assert {"title", "footer", "place", "legend"} <= {t.kind for t in plain.texts}
    slide = map_layout(cat, chapter_view(story, story.chapters[0]), for_slide=True)
    assert min(t.size_px for t in slide.texts if t.kind == "place") > \
        2 * max(t.size_px for t in plain.texts if t.kind == "place")


def test_a_chapter_without_a_view_is_framed_on_its_events(tiny_folder: Path):
    chapters = [dict(CHAPTERS[0]), {k: v for k, v in CHAPTERS[1].items() if k != "view"}]
    write_story(tiny_folder, chapters=chapters)
    cat = load_catalog(tiny_folder)
    assert cat.report.ok, cat.report.format()
    story = cat.stories["corridor"]
    assert story.chapters[0].camera is not None and story.chapters[1].camera is None
    deck = open_deck(story_deck(cat, story))
    assert len(deck.slides) == 4
    framed = map_layout(cat, chapter_view(story, story.chapters[1]), for_slide=True).camera
    assert framed != Camera() and framed.zoom > 2.0
    kept = map_layout(cat, chapter_view(story, story.chapters[0]), for_slide=True).camera
    assert kept == story.chapters[0].camera
