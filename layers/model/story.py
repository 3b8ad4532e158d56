"""Stories as values: a titled list of chapters, each with its camera, dates, focus and text (read from YAML by
``layers.load.stories``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from layers.model.dates import day_label
from layers.model.report import Problem, Report
from layers.model.view import Camera, View

MAX_KEY_POINTS = 4
"""Key points presenter mode and the slide deck show per chapter."""
_LIST_ITEM = re.compile(r"^([-*+]|\d{1,3}[.)])\s")


@dataclass(frozen=True)
class Chapter:
    """One step of a story: where the map looks, up to which date, and what it highlights.

    ``start`` equals ``end`` for a single ``date``; a ``dates`` range shows the events touching it.
    ``number`` counts from 1 in story order.
    """

    id: str
    number: int
    title: str
    body: str
    start: dt.date
    end: dt.date
    camera: Camera | None
    """Where the map looks; None (no ``view`` in the file) frames the events the chapter shows."""
    focus: tuple[str, ...] = ()
    notes: str = ""
    sources: tuple[str, ...] = ()

    @property
    def is_range(self) -> bool:
        return self.start != self.end

    @property
    def date_label(self) -> str:
        """The chapter's date as a reader sees it ('13 Sep 2023' or '15 Aug 2023 – 1 Oct 2023')."""
        return f"{day_label(self.start)} – {day_label(self.end)}" if self.is_range else day_label(self.end)


@dataclass(frozen=True)
class Story:
    """A titled, ordered list of chapters, read from ``stories/<name>.yaml``."""

    name: str
    title: str
    chapters: tuple[Chapter, ...]
    summary: str = ""
    file: str = ""

    def index_of(self, chapter_id: str | None) -> int:
        """Position of the chapter with this id; 0 (the first) when there is none."""
        for i, chapter in enumerate(self.chapters):
            if chapter.id == chapter_id:
                return i
        return 0


def chapter_view(story: Story, chapter: Chapter) -> View:
    """The View a chapter shows: its date (the end of a range, the range as the window), camera and focus."""
    window = (chapter.end - chapter.start).days if chapter.is_range else None
    return View(date=chapter.end, window_days=window, camera=chapter.camera, focus=chapter.focus,
                title=chapter.title)


def key_points(chapter: Chapter, limit: int = MAX_KEY_POINTS) -> list[str]:
    """What presenter mode shows over the map: the body's top-level bullets (with their wrapped, indented
    lines), else its first paragraph."""
    bullets: list[str] = []
    wrapping = False
    for line in chapter.body.splitlines():
        if line.startswith(("- ", "* ")):
            bullets.append(line[2:].strip())
            wrapping = True
        elif wrapping and line[:1].isspace() and line.strip() and not _LIST_ITEM.match(line.strip()):
            bullets[-1] += " " + line.strip()
        else:
            wrapping = False
    if bullets:
        return bullets[:limit]
    first = chapter.body.strip().split("\n\n", 1)[0].strip()
    return [" ".join(first.split())] if first else []


def chapter_sources(chapter: Chapter, events: pd.DataFrame) -> list[str]:
    """The source ids a chapter rests on: its focused events' sources, then its own, each once."""
    by_id = events.set_index("id")["sources"] if not events.empty else pd.Series(dtype=object)
    found: list[str] = []
    for ref in chapter.focus:
        if ref in by_id.index:
            found.extend(by_id[ref])
    found.extend(chapter.sources)
    return list(dict.fromkeys(found))


def set_aside(report: Report, story: Story) -> list[Problem]:
    """The errors that kept something out of ``story``: its own chapters, and events of the record (a chapter
    may have lost an event it would have shown); for the Story page, so nothing is silently missing."""
    return [p for p in report.errors if p.file in (story.file, "events.csv")]
