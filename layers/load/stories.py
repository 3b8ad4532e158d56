"""Stories: ordered chapters kept as YAML files in ``stories/``, checked against the events they cite.

A story file (``stories/<name>.yaml``, the name is the file stem and appears in URLs) holds::

    title: Story title
    summary: One paragraph shown before the first chapter (optional)
    chapters:
      - id: summit                       # lower-case letters, digits and '-', unique in the story
        title: Summit at the cosmodrome
        date: 2023-09-13                 # or  dates: [2023-08-15, 2023-10-01]
        view: {longitude: 128.3, latitude: 51.9, zoom: 5, pitch: 30, bearing: 0}
        focus: [E008, diplomacy]         # event ids and/or category slugs to highlight
        sources: [S17]                   # optional: sources beyond those of the focused events
        body: |                          # Markdown; its bullet list is what presenter mode shows
          ...
        notes: |                         # speaker notes, never shown to the audience
          ...

Files are read with the same size and nesting limits as every other data file and parsed with
``yaml.safe_load`` only, after a scan that refuses anchors and aliases (no alias bombs), several documents
and repeated keys. A bad chapter is reported (file, chapter number and id, field) and set aside; the rest of
the story loads.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from layers.load.readers import DEFAULT_LIMITS, Limits
from layers.load.story_rules import Evidence, check_chapter
from layers.load.yamlfile import read_yaml
from layers.model import schema
from layers.model.dates import DateError, parse_partial
from layers.model.report import Report
from layers.model.story import Chapter, Story
from layers.model.view import CAMERA_RANGES, Camera

STORY_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CHAPTER_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_STORY_BYTES = 1_000_000
"""Stories are hand-written text: a megabyte is far beyond any real one, and keeps pure-Python YAML fast."""
MAX_STORIES = 100
MAX_CHAPTERS = 200
TEXT_LIMITS = {"title": 120, "body": 6000, "notes": 6000, "summary": 3000}
VIEW_REQUIRED = ("longitude", "latitude", "zoom")
STORY_KEYS = ("title", "summary", "chapters")
CHAPTER_KEYS = ("id", "title", "body", "date", "dates", "view", "focus", "notes", "sources")


class _Problems:
    """Problems of one chapter, all reported under the same file and place."""

    def __init__(self, report: Report, file: str, where: str) -> None:
        self.report, self.file, self.where, self.count = report, file, where, 0

    def error(self, field: str, value: object, expected: str) -> None:
        self.report.add(self.file, self.where, field, value, expected)
        self.count += 1

    def warning(self, field: str, value: object, expected: str) -> None:
        self.report.add(self.file, self.where, field, value, expected, "warning")


def _text(value: object, field: str, problems: _Problems, required: bool) -> str:
    if value is None or value == "":
        if required:
            problems.error(field, None, "a value (this field is required)")
        return ""
    if not isinstance(value, str):
        problems.error(field, value, "text (put quotes around it)")
        return ""
    limit = TEXT_LIMITS.get(field, 200)
    if len(value) > limit:
        problems.error(field, value, f"at most {limit} characters (it has {len(value)})")
        return ""
    return value.strip()


def _day(value: object, field: str, problems: _Problems, span: tuple[dt.date, dt.date] | None) -> dt.date | None:
    """A YYYY-MM-DD date (YAML may already have read it as a date) inside the data's time range."""
    if isinstance(value, dt.datetime):
        problems.error(field, str(value), "a date as YYYY-MM-DD, without a time")
        return None
    if isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        try:
            first, _, granularity = parse_partial(value)
        except DateError as exc:
            problems.error(field, value, str(exc))
            return None
        if granularity != "day":
            problems.error(field, value, "a full date as YYYY-MM-DD (a chapter shows the map on one day; "
                                         "for a month use dates: [first day, last day])")
            return None
        day = first
    else:
        problems.error(field, value, "a date as YYYY-MM-DD")
        return None
    if span and not span[0] <= day <= span[1]:
        problems.error(field, day.isoformat(),
                       f"a date within the data's time range, {span[0].isoformat()} to {span[1].isoformat()}")
        return None
    return day


def _dates(raw: dict[str, Any], problems: _Problems,
           span: tuple[dt.date, dt.date] | None) -> tuple[dt.date, dt.date] | None:
    if ("date" in raw) == ("dates" in raw):
        problems.error("date", None if "date" not in raw else "date and dates",
                       "either date: YYYY-MM-DD or dates: [start, end], exactly one of them")
        return None
    if "date" in raw:
        day = _day(raw["date"], "date", problems, span)
        return None if day is None else (day, day)
    pair = raw["dates"]
    if not isinstance(pair, list) or len(pair) != 2:
        problems.error("dates", pair, "a list of two dates: [start, end]")
        return None
    start, end = (_day(value, "dates", problems, span) for value in pair)
    if start is None or end is None:
        return None
    if end <= start:
        problems.error("dates", f"{start.isoformat()} to {end.isoformat()}",
                       "an end after the start (for a single day write date: instead)")
        return None
    return start, end


def _camera(raw: object, problems: _Problems) -> Camera | None:
    if not isinstance(raw, dict):
        problems.error("view", raw, "a mapping with longitude, latitude, zoom and optionally pitch, bearing")
        return None
    values: dict[str, float] = {"pitch": 0.0, "bearing": 0.0}
    bad = False
    for key, value in raw.items():
        field = f"view.{key}"
        if key not in CAMERA_RANGES:
            problems.warning(field, key, f"one of {', '.join(CAMERA_RANGES)}; this key was ignored")
            continue
        low, high = CAMERA_RANGES[key]
        number = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if number and low <= value <= high:
            values[key] = float(value)
        else:
            problems.error(field, value, f"a number from {low:g} to {high:g}")
            bad = True
    for key in VIEW_REQUIRED:
        if key not in raw:
            problems.error(f"view.{key}", None, "a value (longitude, latitude and zoom are required)")
            bad = True
    return None if bad else Camera(**values)


def _id_list(value: object, field: str, problems: _Problems) -> list[str] | None:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.error(field, value, "a list of ids, like [E003, E012]")
        return None
    return [v.strip() for v in value]


def _chapter(raw: object, number: int, file: str, report: Report, known: _Known) -> Chapter | None:
    """One chapter checked field by field; None (after reporting every problem) when anything is wrong."""
    chapter_id = raw.get("id") if isinstance(raw, dict) else None
    shown_id = chapter_id if isinstance(chapter_id, str) and CHAPTER_ID.match(chapter_id) else None
    problems = _Problems(report, file, f"chapter {number}" + (f" ({shown_id})" if shown_id else ""))
    if not isinstance(raw, dict):
        problems.error("", raw, "a mapping with id, title, date or dates, view, focus, body, notes")
        return None
    for key in raw:
        if key not in CHAPTER_KEYS:
            problems.warning(str(key), key, f"one of {', '.join(CHAPTER_KEYS)}; this key was ignored")
    if not isinstance(chapter_id, str) or not CHAPTER_ID.match(chapter_id):
        problems.error("id", chapter_id, "an id of lower-case letters, digits and '-', like 'summit-2023'")
    title = _text(raw.get("title"), "title", problems, required=True)
    body = _text(raw.get("body"), "body", problems, required=False)
    notes = _text(raw.get("notes"), "notes", problems, required=False)
    dates = _dates(raw, problems, known.span)
    camera = _camera(raw["view"], problems) if "view" in raw else None  # no view: maps frame what it shows
    focus = _id_list(raw.get("focus"), "focus", problems) or []
    for ref in focus:
        if ref in schema.CATEGORIES:
            continue
        if not schema.EVENT_ID.match(ref):
            problems.error("focus", ref, f"an event id like E003 or a category ({', '.join(schema.CATEGORIES)})")
        elif known.events is not None and ref not in known.events:
            problems.error("focus", ref, "an event id from events.csv, of an event that loaded")
        elif known.events is not None and dates:
            start, end = known.events[ref]
            if start > dates[1] or (dates[0] != dates[1] and end < dates[0]):
                problems.error("focus", ref, f"an event on the map on the chapter's date (it runs {start.isoformat()}"
                                             f" to {end.isoformat()}): move the chapter's date or drop the event")
    sources = _id_list(raw.get("sources"), "sources", problems) or []
    for ref in sources:
        if not schema.SOURCE_ID.match(ref):
            problems.error("sources", ref, "a source id like S02")
        elif known.sources is not None and ref not in known.sources:
            problems.error("sources", ref, "a source id from sources.csv, of a source that loaded")
    if problems.count or dates is None:
        return None
    if known.evidence is not None:
        texts = {"title": title, "body": body, "notes": notes}
        for finding in check_chapter(texts, tuple(focus), tuple(sources), dates[1], known.evidence):
            problems.error(finding.field, finding.text, finding.expected)
        if problems.count:
            return None
    return Chapter(id=chapter_id, number=number, title=title, body=body, start=dates[0], end=dates[1],
                   camera=camera, focus=tuple(dict.fromkeys(focus)), notes=notes,
                   sources=tuple(dict.fromkeys(sources)))


@dataclass(frozen=True)
class _Known:
    """What chapters may refer to: event id -> (start, end); source ids; the data's time range; the evidence
    their text is checked against (``story_rules``).

    None means that file could not be read: references to it are then not checked one by one.
    """

    events: dict[str, tuple[dt.date, dt.date]] | None
    sources: set[str] | None
    span: tuple[dt.date, dt.date] | None
    evidence: Evidence | None = None


def load_story(path: Path, known: _Known, report: Report, limits: Limits) -> Story | None:
    """One story file; None when the file cannot be read or no chapter is good."""
    file = f"stories/{path.name}"
    if not STORY_NAME.match(path.stem):
        report.reject(file, "", "", path.stem, "a file name of lower-case letters, digits and '-' (it is in URLs)")
        return None
    doc = read_yaml(path, file, report, limits)
    if doc is None:
        return None
    top = _Problems(report, file, "")
    if not isinstance(doc, dict):
        report.reject(file, "", "", type(doc).__name__, "a mapping with title and chapters")
        return None
    for key in doc:
        if key not in STORY_KEYS:
            top.warning(str(key), key, f"one of {', '.join(STORY_KEYS)}; this key was ignored")
    title = _text(doc.get("title"), "title", top, required=True)
    summary = _text(doc.get("summary"), "summary", top, required=False)
    raw_chapters = doc.get("chapters")
    if not isinstance(raw_chapters, list) or not raw_chapters:
        report.reject(file, "", "chapters", raw_chapters, "a list of chapters (at least one)")
        return None
    if len(raw_chapters) > MAX_CHAPTERS:
        report.reject(file, "", "chapters", f"{len(raw_chapters)} chapters",
                      f"at most {MAX_CHAPTERS} chapters (the chapter limit)")
        return None
    chapters: list[Chapter] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(raw_chapters, start=1):
        chapter = _chapter(raw, number, file, report, known)
        if chapter is None:
            continue
        if chapter.id in seen:
            report.add(file, f"chapter {number} ({chapter.id})", "id", chapter.id,
                       f"a unique chapter id (already used by chapter {seen[chapter.id]}); this one was set aside")
            continue
        seen[chapter.id] = number
        chapters.append(chapter)
    if not chapters:
        report.add(file, "", "chapters", f"{len(raw_chapters)} chapter(s), none good",
                   "at least one chapter without errors; the story was set aside")
        return None
    if not title:
        return None
    return Story(name=path.stem, title=title, chapters=tuple(chapters), summary=summary, file=file)


def load_stories(folder: Path, events: pd.DataFrame, report: Report, *, sources: Iterable[str] | None = None,
                 evidence: Evidence | None = None, limits: Limits = DEFAULT_LIMITS) -> dict[str, Story]:
    """Every ``*.yaml`` story in ``folder`` (absent folder: none), keyed by file stem, checked against
    ``events`` (and ``sources`` ids, and the ``evidence`` for chapter text, when given); problems go to
    ``report``, never raised."""
    folder = Path(folder)
    if not folder.is_dir():
        return {}
    limits = dataclasses.replace(limits, max_bytes=min(limits.max_bytes, MAX_STORY_BYTES))
    events_unread = "events.csv" in report.rejected_files
    spans = None if events_unread else dict(zip(events["id"], zip(events["start"], events["end"], strict=True),
                                                 strict=True))
    span = (min(events["start"]), max(events["end"])) if not events.empty else None
    unread_sources = "sources.csv" in report.rejected_files
    known = _Known(spans, None if sources is None or unread_sources else set(sources), span,
                   None if events_unread else evidence)
    stories: dict[str, Story] = {}
    paths = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    for path in paths:
        if path.suffix != ".yaml":
            if path.name.lower() != "readme.md":
                report.add(f"stories/{path.name}", "", "", path.name,
                           "a story file ending in .yaml; this file was ignored", "warning")
            continue
        if len(stories) >= MAX_STORIES:
            report.add(f"stories/{path.name}", "", "", f"more than {MAX_STORIES} stories",
                       f"at most {MAX_STORIES} story files (the story limit); the rest were not read")
            break
        story = load_story(path, known, report, limits)
        if story is not None:
            stories[story.name] = story
    return stories
