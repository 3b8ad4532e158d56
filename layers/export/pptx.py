"""A story as a PowerPoint deck: a title slide, one slide per chapter (map, points, sources, speaker notes),
and a last slide with every source the story cites."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from layers.load.catalog import Catalog
from layers.model.dates import DateSpan
from layers.model.record import credit_line
from layers.model.story import Chapter, Story, chapter_sources, chapter_view, key_points
from layers.model.view import View
from layers.query.select import select
from layers.render.static_map import render_map
from layers.render.text import (
    cited_sources,
    date_stamp,
    markdown_inline,
    one_line,
    paragraphs,
    shortened_list,
    source_labels,
    title_of,
)

Progress = Callable[[int, int], None]
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.4)
MAP_W = Inches(8.4)
MAP_H = int(MAP_W * 1080 / 1920)
INK = RGBColor(0x1D, 0x1D, 0x1B)
MUTED = RGBColor(0x55, 0x55, 0x4F)
MAX_POINTS = 8
MAX_SOURCES_LISTED = 99


def chapter_citations(catalog: Catalog, chapter: Chapter, view: View) -> pd.DataFrame:
    """The sources a chapter rests on (its focused events' and its own); without those, the sources of
    every event its map shows."""
    ids = [sid for sid in chapter_sources(chapter, catalog.events) if sid in catalog.sources.index]
    if ids:
        return catalog.sources.loc[ids]
    return cited_sources(catalog, select(catalog, view))


def _text_box(slide: Any, left: int, top: int, width: int, height: int, text: str, size: float,
              color: RGBColor = INK, bold: bool = False) -> Any:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.color.rgb, run.font.bold = Pt(size), color, bold
    return box


def _fitting_size(points: list[str], width: int, height: int) -> float:
    """The largest font size (pt) at which the points should fit the box (average glyph ~0.52 em wide)."""
    usable_w, usable_h = Emu(width - Inches(0.2)).pt, Emu(height - Inches(0.1)).pt
    for size in (20, 18, 16, 14, 12, 11, 10):
        per_line = max(1, int((usable_w - size * 1.1) / (0.52 * size)))
        lines = sum(-(-len(p) // per_line) for p in points)
        if lines * size * 1.2 + len(points) * size * 0.5 <= usable_h:
            return size
    return 9


def _bullets(slide: Any, left: int, top: int, width: int, height: int, points: list[str]) -> None:
    """Points as real bulleted paragraphs (a '•' bullet with a hanging indent), smaller when there are many."""
    if len(points) > MAX_POINTS:
        points = [*points[: MAX_POINTS - 1], f"… and {len(points) - MAX_POINTS + 1} more points in the notes"]
    size = _fitting_size(points, width, height)
    frame = slide.shapes.add_textbox(left, top, width, height).text_frame
    frame.word_wrap = True
    for n, point in enumerate(points):
        paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
        run = paragraph.add_run()
        run.text = point
        run.font.size, run.font.color.rgb = Pt(size), INK
        paragraph.space_after = Pt(size * 0.5)
        ppr = paragraph._p.get_or_add_pPr()
        ppr.set("marL", str(Emu(Pt(size * 1.1))))
        ppr.set("indent", str(-Emu(Pt(size * 1.1))))
        etree.SubElement(ppr, qn("a:buChar")).set("char", "•")


def _title(slide: Any, text: str, size: float = 30) -> None:
    shape = slide.shapes.title
    shape.left, shape.top, shape.width, shape.height = MARGIN, Inches(0.25), SLIDE_W - 2 * MARGIN, Inches(0.95)
    shape.text = text
    frame = shape.text_frame
    frame.word_wrap = True
    for paragraph in frame.paragraphs:
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            run.font.size, run.font.bold, run.font.color.rgb = Pt(size), True, INK


def _title_slide(deck: Any, catalog: Catalog, story: Story, views: list[View]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    slide.shapes.title.text = one_line(story.title) or "Corridor story"
    dated = [v.date for v in views if v.date]
    span = DateSpan(min(dated), max(dated), "day").label() if dated else date_stamp(catalog, View())
    subtitle = slide.placeholders[1]
    subtitle.text = f"{len(views)} chapters · {span}\nMade with Corridor. {credit_line(catalog.record_through)}"
    for shape, top, height in ((slide.shapes.title, Inches(2.2), Inches(1.6)), (subtitle, Inches(4.0), Inches(1.6))):
        shape.left, shape.top, shape.width, shape.height = MARGIN, top, SLIDE_W - 2 * MARGIN, height
    for paragraph in subtitle.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size, run.font.color.rgb = Pt(18), MUTED


def _chapter_slide(deck: Any, catalog: Catalog, chapter: Chapter, view: View) -> pd.DataFrame:
    """Title, map, key points and source footnote; the speaker notes in the notes. Returns the sources cited.

    The map is drawn for a slide (``render_map(..., for_slide=True)``): flows, names and legend large enough to read
    from the back of the room, and no title or sources inside the picture: the slide carries them once, as text."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    _title(slide, one_line(chapter.title) or chapter.id)
    png = render_map(catalog, view, width=1920, height=1080, fmt="png", for_slide=True)
    top = Inches(1.35)
    picture = slide.shapes.add_picture(io.BytesIO(png), MARGIN, top, width=MAP_W, height=MAP_H)
    picture._element.nvPicPr.cNvPr.set("descr", f"Map: {title_of(view)}. {date_stamp(catalog, view)}")
    left = MARGIN + MAP_W + Inches(0.3)
    points = [p for p in (markdown_inline(point) for point in key_points(chapter, limit=MAX_POINTS)) if p]
    _bullets(slide, left, top, SLIDE_W - left - MARGIN, MAP_H, points)
    sources = chapter_citations(catalog, chapter, view)
    labels = source_labels(sources)
    footnote = shortened_list(labels, 240) if labels else "Sources: none cited for this chapter"
    below = top + MAP_H + Inches(0.08)
    _text_box(slide, MARGIN, below, SLIDE_W - 2 * MARGIN, Inches(0.35), date_stamp(catalog, view), 12, MUTED)
    _text_box(slide, MARGIN, below + Inches(0.32), SLIDE_W - 2 * MARGIN, Inches(0.75), footnote, 11, MUTED)
    slide.notes_slide.notes_text_frame.text = paragraphs(chapter.notes)
    return sources


def _sources_slide(deck: Any, sources: pd.DataFrame) -> None:
    """Every cited source on one slide, in up to three columns, each entry linked to its URL."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    _title(slide, "Sources")
    listed = sources.iloc[:MAX_SOURCES_LISTED]
    columns = 1 if len(listed) <= 12 else 2 if len(listed) <= 30 else 3
    size = 14 if columns == 1 else 11 if columns == 2 else 9 if len(listed) <= 60 else 7
    per_column = max(1, -(-len(listed) // columns))
    gap = Inches(0.25)
    width = (SLIDE_W - 2 * MARGIN - gap * (columns - 1)) // columns
    for c in range(columns):
        chunk = listed.iloc[c * per_column : (c + 1) * per_column]
        frame = slide.shapes.add_textbox(MARGIN + c * (width + gap), Inches(1.3), width,
                                         SLIDE_H - Inches(1.8)).text_frame
        frame.word_wrap = True
        if chunk.empty and c == 0:
            frame.text = "No sources cited."
        for n, (_, source) in enumerate(chunk.iterrows()):
            paragraph = frame.paragraphs[0] if n == 0 else frame.add_paragraph()
            paragraph.space_after = Pt(size * 0.3)
            title = one_line(source.get("title", ""))
            title = title if len(title) <= 90 else title[:89] + "…"
            published = one_line(source.get("published", ""))
            run = paragraph.add_run()
            run.text = one_line(source["outlet"]) + (f": {title}" if title else "") + \
                (f" ({published})" if published else "")
            run.font.size, run.font.color.rgb = Pt(size), INK
            url = one_line(source["url"])
            if url.lower().startswith(("https://", "http://")):  # the loader allows no other; never a script link
                run.hyperlink.address = url
    if len(sources) > len(listed):
        _text_box(slide, MARGIN, SLIDE_H - Inches(0.5), SLIDE_W - 2 * MARGIN, Inches(0.35),
                  f"… and {len(sources) - len(listed)} more: the CSV export lists every source with its URL.", 10,
                  MUTED)


def story_deck(catalog: Catalog, story: Story, progress: Progress | None = None) -> bytes:
    """The story as PPTX bytes: 1 title slide, 1 slide per chapter, 1 slide of every source cited.

    ``progress(done, total)`` is called after each slide, for a progress bar.
    """
    views = [chapter_view(story, chapter) for chapter in story.chapters]
    total, done = len(views) + 2, 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    deck.core_properties.title = one_line(story.title)
    deck.core_properties.author = deck.core_properties.last_modified_by = "Corridor"
    _title_slide(deck, catalog, story, views)
    step()
    cited: list[pd.DataFrame] = []
    for chapter, view in zip(story.chapters, views, strict=True):
        cited.append(_chapter_slide(deck, catalog, chapter, view))
        step()
    everything = pd.concat(cited) if cited else catalog.sources.iloc[:0]
    _sources_slide(deck, everything[~everything.index.duplicated()])
    step()
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
