"""One report of every problem found while loading data: file, place in the file, field, value, expectation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
_MAX_VALUE = 80
MAX_LISTED_PER_FILE = 500
"""Problems listed for one file; beyond this they are only counted, so a garbage file cannot flood the report."""


def show_value(value: object) -> str:
    """A short, printable rendering of a bad value (never the whole of a huge one)."""
    text = repr(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or repaired) in the data.

    ``where`` is the row ("row 7", counting the header as row 1), the feature ("feature 3") or the
    story chapter; empty for a problem with the whole file. ``value`` is already rendered for display.
    """

    file: str
    where: str
    field: str
    value: str
    expected: str
    severity: Severity = "error"

    def __str__(self) -> str:
        parts = [self.file]
        if self.where:
            parts.append(self.where)
        if self.field:
            parts.append(f"field '{self.field}'")
        head = ", ".join(parts)
        value = f" value {self.value}" if self.value else ""
        return f"{self.severity.upper()}: {head}:{value}: {self.expected}"


@dataclass
class Report:
    """Problems collected across a whole load; nothing stops at the first one.

    ``rejected_files`` names the files that could not be read at all (missing, unreadable, not parsed), so
    that rows referring to them are not each blamed for it. ``unlisted`` counts, per (file, severity), the
    problems found beyond ``MAX_LISTED_PER_FILE`` for a file.
    """

    problems: list[Problem] = field(default_factory=list)
    rejected_files: set[str] = field(default_factory=set)
    unlisted: Counter[tuple[str, Severity]] = field(default_factory=Counter)
    _listed: Counter[str] = field(default_factory=Counter, repr=False, compare=False)

    def add(
        self,
        file: str,
        where: str,
        field_name: str,
        value: object,
        expected: str,
        severity: Severity = "error",
    ) -> None:
        if self._listed[file] >= MAX_LISTED_PER_FILE:
            if not any(f == file for f, _ in self.unlisted):
                self.problems.append(Problem(file, "", "", "", f"at most {MAX_LISTED_PER_FILE} problems are listed "
                                             "for a file; more were found (fix these and validate again)", severity))
            self.unlisted[(file, severity)] += 1
            return
        self._listed[file] += 1
        shown = "(missing)" if value is None else "(empty)" if value == "" else show_value(value)
        self.problems.append(Problem(file, where, field_name, shown, expected, severity))

    def reject(self, file: str, where: str, field_name: str, value: object, expected: str) -> None:
        """Add an error that stops the whole file from loading, and remember that it did not load."""
        self.add(file, where, field_name, value, expected)
        self.rejected_files.add(file)

    def extend(self, problems: Iterable[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return not self.errors and not any(severity == "error" for _, severity in self.unlisted)

    def for_file(self, file: str) -> list[Problem]:
        return [p for p in self.problems if p.file == file]

    def __iter__(self) -> Iterator[Problem]:
        return iter(self.problems)

    def __len__(self) -> int:
        return len(self.problems)

    def format(self) -> str:
        """The report as plain text, errors first, one problem a line."""
        if not self.problems:
            return "OK: no problems found."
        lines = [str(p) for p in self.errors] + [str(p) for p in self.warnings]
        lines += [f"... and {n} more {severity}(s) in {file}, not listed." for (file, severity), n in
                  sorted(self.unlisted.items())]
        lines.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s).")
        return "\n".join(lines)
