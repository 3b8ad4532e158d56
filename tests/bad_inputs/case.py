"""What a bad-input case is, and small edits that break a copy of the tiny valid folder.

A case names one way data goes wrong, how to break a freshly written ``tests.factory.write_folder``
folder that way, exactly which problems the loader reports, and exactly what still loads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layers.load.catalog import EVENT_COLUMNS, SOURCE_COLUMNS, Catalog
from layers.model.report import Severity
from tests.factory import EVENTS, SOURCES, csv_text

Break = Callable[[Path], None]
Check = Callable[[Catalog], None]

ALL_EVENTS = ("E001", "E002", "E003")
ALL_PLACES = ("PYG", "RAJIN", "DUNAI", "MOW", "KYIV")
ALL_COUNTRIES = ("RUS", "PRK", "UKR")
ALL_SOURCES = ("S01", "S02")


@dataclass(frozen=True)
class Expect:
    """One problem the report must hold (or ``count`` alike): its file, place, field and severity exactly,
    a part of its ``expected`` text and a part of its shown value (what the author wrote)."""

    file: str
    where: str | re.Pattern[str]
    field: str
    expected: str
    value: str
    severity: Severity = "error"
    count: int = 1

    def matches(self, problem: Any) -> bool:
        where_ok = (self.where.fullmatch(problem.where) is not None if isinstance(self.where, re.Pattern)
                    else problem.where == self.where)
        return (problem.file == self.file and where_ok and problem.field == self.field
                and problem.severity == self.severity and self.expected in problem.expected
                and self.value in problem.value)


@dataclass(frozen=True)
class Loads:
    """Exactly what loads despite the fault: ids of events, places, countries (iso_a3) and sources."""

    events: tuple[str, ...] = ALL_EVENTS
    places: tuple[str, ...] = ALL_PLACES
    countries: tuple[str, ...] = ALL_COUNTRIES
    sources: tuple[str, ...] = ALL_SOURCES


@dataclass(frozen=True)
class Case:
    """A named bad input: how it breaks the folder, every problem it must give, what must still load."""

    name: str
    breaks: Break
    problems: tuple[Expect, ...]
    loads: Loads = field(default_factory=Loads)
    check: Check | None = None
    needs_permissions: bool = False
    """True when the fault is a file permission, which does not apply to root."""


# --- edits -----------------------------------------------------------------------------------------------

def compose(*edits: Break) -> Break:
    """Several edits, in order."""

    def run(folder: Path) -> None:
        for edit in edits:
            edit(folder)

    return run


def replace_json(file: str, make: Callable[[Any], Any]) -> Break:
    """Load a GeoJSON file and write ``make(obj)`` in its place."""

    def run(folder: Path) -> None:
        (folder / file).write_text(json.dumps(make(json.loads((folder / file).read_text()))))

    return run


def edit_json(file: str, change: Callable[[Any], object]) -> Break:
    """Load a GeoJSON file, change it in place (what ``change`` returns is ignored), write it back."""

    def edit(obj: Any) -> Any:
        change(obj)
        return obj

    return replace_json(file, edit)


def set_geometry(file: str, index: int, geometry: Any) -> Break:
    """Replace one feature's geometry."""
    return edit_json(file, lambda obj: obj["features"][index].__setitem__("geometry", geometry))


def set_coordinates(file: str, index: int, coordinates: Any, kind: str = "Point") -> Break:
    """Replace one feature's geometry by a ``kind`` geometry with these coordinates."""
    return set_geometry(file, index, {"type": kind, "coordinates": coordinates})


def set_property(file: str, index: int, name: str, value: Any) -> Break:
    """Set one property of one feature."""
    return edit_json(file, lambda obj: obj["features"][index]["properties"].__setitem__(name, value))


def write_text(file: str, text: str) -> Break:
    def run(folder: Path) -> None:
        (folder / file).write_text(text, encoding="utf-8")

    return run


def write_bytes(file: str, data: bytes | Callable[[bytes], bytes]) -> Break:
    """Write bytes, or a function of the file's current bytes."""

    def run(folder: Path) -> None:
        path = folder / file
        path.write_bytes(data(path.read_bytes()) if callable(data) else data)

    return run


def replace_text(file: str, old: str, new: str) -> Break:
    """Replace the first ``old`` in a file's text (which must be there)."""

    def run(folder: Path) -> None:
        text = (folder / file).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {file}"
        (folder / file).write_text(text.replace(old, new, 1), encoding="utf-8")

    return run


def events(rows: list[dict[str, Any]]) -> Break:
    """Replace events.csv by these rows (the factory's columns)."""
    return write_text("events.csv", csv_text([c.name for c in EVENT_COLUMNS], rows))


def event(index: int, **changes: str) -> Break:
    """Change cells of one of the factory's events (index 0 is row 2)."""
    return events([{**row, **changes} if i == index else row for i, row in enumerate(EVENTS)])


def add_event(**row: str) -> Break:
    """Append an event (row 5)."""
    return events([*EVENTS, row])


def source(index: int, **changes: str) -> Break:
    """Change cells of one of the factory's sources (index 0 is row 2)."""
    rows = [{**row, **changes} if i == index else row for i, row in enumerate(SOURCES)]
    return write_text("sources.csv", csv_text([c.name for c in SOURCE_COLUMNS], rows))


def remove(file: str) -> Break:
    def run(folder: Path) -> None:
        (folder / file).unlink()

    return run


def folder_instead(file: str) -> Break:
    """Put a folder where the file should be."""

    def run(folder: Path) -> None:
        (folder / file).unlink()
        (folder / file).mkdir()

    return run


def unreadable(file: str) -> Break:
    def run(folder: Path) -> None:
        (folder / file).chmod(0)

    return run
