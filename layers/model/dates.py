"""Dates as the sources give them: a day, a month, a year or a vague date, always an interval."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

PRECISIONS = ("day", "month", "year", "approx")
APPROX_DAYS = 15
EARLIEST = dt.date(1945, 1, 1)
EPOCH = dt.date(2022, 1, 1)
"""Day 0 of the time axis the player and the flows use."""

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def _quarter_hint(quarter: str, year: str) -> str:
    first = 3 * int(quarter) - 2
    return (f"a quarter: write date {year}-{first:02d} and end_date {year}-{first + 2:02d} with precision "
            "'month'")


def _day_month_hint(a: str, b: str, year: str) -> str:
    if len(year) != 4:
        return "an ambiguous day/month order and a two-digit year: write it as YYYY-MM-DD"
    readings = sorted({f"{year}-{m:0>2}-{d:0>2}" for d, m in ((a, b), (b, a)) if 1 <= int(m) <= 12})
    if len(readings) == 2:
        return f"an ambiguous day/month order: write it as YYYY-MM-DD ({readings[0]} or {readings[1]})"
    return f"a date as YYYY-MM-DD ({readings[0]})" if readings else "a date as YYYY-MM-DD"


_HINTS: tuple[tuple[re.Pattern[str], Callable[..., str]], ...] = (
    (re.compile(r"^\s*(early|mid|late)[- ]?(\d{4})\s*$", re.I),
     lambda _when, year: f"a vague date: write the year or month (e.g. '{year}') with precision 'approx'"),
    (re.compile(r"^\s*Q([1-4])\s*(\d{4})\s*$", re.I), _quarter_hint),
    (re.compile(r"^\s*(\d{1,2})[/.](\d{1,2})[/.](\d{2,4})\s*$"), _day_month_hint),
)


class DateError(ValueError):
    """A date that cannot be read; the message says what was expected, ``field`` which field is wrong."""

    def __init__(self, expected: str, field: str = "date") -> None:
        super().__init__(expected)
        self.field = field


@dataclass(frozen=True)
class DateSpan:
    """The interval an event occupies, and how exactly the source dates it."""

    start: dt.date
    end: dt.date
    precision: str

    def label(self) -> str:
        """How the date reads to a person: never a month shown as its first day."""
        s, e = self.start, self.end
        if self.precision == "year" and e == dt.date(s.year, 12, 31):
            return str(s.year)
        if self.precision == "month" and e == _month_end(s):
            return s.strftime("%b %Y")
        prefix = "c. " if self.precision == "approx" else ""
        if self.precision == "approx" and e - s == dt.timedelta(days=2 * APPROX_DAYS):
            mid = s + dt.timedelta(days=APPROX_DAYS)
            return f"c. {day_label(mid)}"
        if s == e:
            return prefix + day_label(s)
        return f"{prefix}{day_label(s)} – {day_label(e)}"


def day_label(d: dt.date) -> str:
    """A day as every page, export and the player write it: '2 Jan 2024' (the player's ``dayLabel`` agrees:
    tests/js and the golden fixture check it)."""
    return f"{d.day} {d.strftime('%b %Y')}"


def _month_end(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def parse_partial(text: str) -> tuple[dt.date, dt.date, str]:
    """Read YYYY-MM-DD, YYYY-MM or YYYY into (first day, last day, granularity)."""
    raw = (text or "").strip()
    m = _ISO.match(raw)
    if not m:
        for pattern, hint in _HINTS:
            hit = pattern.match(raw)
            if hit:
                raise DateError(hint(*hit.groups()))
        raise DateError("a date as YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(m[1]), m[2], m[3]
    try:
        if day is not None:
            d = dt.date(year, int(month), int(day))
            return d, d, "day"
        if month is not None:
            first = dt.date(year, int(month), 1)
            return first, _month_end(first), "month"
        return dt.date(year, 1, 1), dt.date(year, 12, 31), "year"
    except ValueError as exc:
        raise DateError(f"a real calendar date ({exc})") from None


def make_span(date: str, end_date: str, precision: str, latest: dt.date | None = None) -> DateSpan:
    """Turn an event's date fields into its interval, checking that they agree.

    ``latest`` is the last date allowed (default: a year from today); dates before 1945 are refused.
    """
    if precision not in PRECISIONS:
        raise DateError(f"one of {', '.join(PRECISIONS)}", "precision")
    first, last, granularity = parse_partial(date)
    if precision == "day" and granularity != "day":
        raise DateError(f"a full YYYY-MM-DD date for precision 'day', not a {granularity}")
    if precision == "month" and granularity == "year":
        raise DateError("at least YYYY-MM for precision 'month'")
    if precision == "approx" and granularity == "day" and not end_date:
        first = first - dt.timedelta(days=APPROX_DAYS)
        last = last + dt.timedelta(days=APPROX_DAYS)
    if end_date:
        try:
            _, end_last, _ = parse_partial(end_date)
        except DateError as exc:
            raise DateError(str(exc), "end_date") from None
        if end_last < first:
            raise DateError(f"an end_date on or after the date ({first.isoformat()})", "end_date")
        last = max(last, end_last)
    top = latest or dt.date.today() + dt.timedelta(days=365)
    if first < EARLIEST or last > top:
        field = "date" if first < EARLIEST or not end_date else "end_date"
        raise DateError(f"a date between {EARLIEST.isoformat()} and {top.isoformat()}", field)
    return DateSpan(first, last, precision)


def day_number(d: dt.date) -> int:
    """Days since EPOCH, the player's time unit."""
    return (d - EPOCH).days


def from_day_number(n: float) -> dt.date:
    """The date of a day number (fractions are dropped)."""
    return EPOCH + dt.timedelta(days=int(n))
