"""CSV tables checked cell by cell against a declared list of columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layers.load.readers import DEFAULT_LIMITS, Limits, csv_rows, read_text
from layers.model.report import Report

Parser = Callable[[str], Any]
Row = tuple[str, dict[str, Any]]
"""A checked row: where it stands ("row 7", "feature 3") and its parsed values."""
_UNSEEN = object()


@dataclass(frozen=True)
class Column:
    """A column: its name, a parser that raises ValueError(expected), and its value when left empty.

    A column with ``default`` None is required.
    """

    name: str
    parse: Parser = str
    default: Any = None

    @property
    def required(self) -> bool:
        return self.default is None


def text(limit: int) -> Parser:
    """A parser of free text of at most ``limit`` characters."""

    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters (it has {len(value)})")
        return value

    return parse


def pattern(regex: Any, expected: str) -> Parser:
    """A parser that accepts text matching ``regex``."""

    def parse(text: str) -> str:
        if not regex.match(text):
            raise ValueError(expected)
        return text

    return parse


def one_of(choices: Any) -> Parser:
    """A parser that accepts one of ``choices``."""
    allowed = tuple(choices)

    def parse(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"one of {', '.join(allowed)}")
        return text

    return parse


def id_list(item: Parser) -> Parser:
    """A parser of ``;``-separated ids, each checked by ``item``; returns a tuple."""

    def parse(text: str) -> tuple[str, ...]:
        return tuple(item(part.strip()) for part in text.split(";") if part.strip())

    return parse


def check_rows(name: str, rows: list[tuple[str, dict[str, str]]], columns: tuple[Column, ...],
               report: Report, id_column: str | None = "id") -> list[Row]:
    """Parse each row's cells; a row with a bad cell or a repeated id is reported and set aside.

    A text is parsed once per column: categories, places, sources and actors repeat from row to row.
    """
    good: list[Row] = []
    seen: dict[str, str] = {}
    plan = [(c.name, c.parse, c.default, c.required, {}) for c in columns]
    for where, cells in rows:
        parsed: dict[str, Any] = {}
        bad = False
        for column, parse, default, required, known in plan:
            text = cells.get(column, "")
            if not text:
                if required:
                    report.add(name, where, column, "", "a value (this column is required)")
                    bad = True
                parsed[column] = default
                continue
            value = known.get(text, _UNSEEN)
            if value is _UNSEEN:
                try:
                    value = known[text] = parse(text)
                except ValueError as exc:
                    report.add(name, where, column, text, str(exc))
                    bad = True
                    continue
            parsed[column] = value
        if bad:
            continue
        if id_column:
            key = parsed[id_column]
            if key in seen:
                report.add(name, where, id_column, key,
                           f"a unique id (already used on {seen[key]}); this one was set aside")
                continue
            seen[key] = where
        good.append((where, parsed))
    return good


def read_table(path: Path, columns: tuple[Column, ...], report: Report,
               limits: Limits = DEFAULT_LIMITS, id_column: str | None = "id") -> list[Row]:
    """Read and check a whole CSV file; a missing or unreadable file is one error, not a crash."""
    text = read_text(path, report, limits)
    if text is None:
        return []
    required = tuple(c.name for c in columns if c.required)
    known = tuple(c.name for c in columns)
    rows = [(f"row {n}", cells) for n, cells in csv_rows(text, path.name, report, required, limits, known)]
    return check_rows(path.name, rows, columns, report, id_column)
