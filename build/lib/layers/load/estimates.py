"""Estimates as series: the same quantity (troops sent, soldiers killed, containers, rounds) estimated again
and again, by different bodies, as time goes on.

``estimates.csv`` links each estimate to the event that reports it; ``series.csv`` names each series. A
chapter that quotes an estimate must also show the latest one of its series by the chapter's end date
(``story_rules``), and the Evidence page shows each series as a table over time.
"""

from __future__ import annotations

import re

import pandas as pd

from layers.load.tables import Column, Row, id_list, pattern, text
from layers.model import schema
from layers.model.dates import DateError, parse_partial
from layers.model.report import Report

SERIES_ID = re.compile(r"^[a-z][a-z0-9-]{0,63}$")


def _number(value: str) -> float:
    try:
        number = float(value.replace(",", ""))
    except ValueError:
        raise ValueError("a number, like 2000 (no words or signs)") from None
    if not number >= 0:
        raise ValueError("a number, 0 or more")
    return number


SERIES_COLUMNS = (
    Column("id", pattern(SERIES_ID, "a series id of lower-case letters, digits and '-', like dprk-killed")),
    Column("label", text(200)),
    Column("unit", text(40)),
)
ESTIMATE_COLUMNS = (
    Column("series", pattern(SERIES_ID, "a series id from series.csv, like dprk-killed")),
    Column("event", pattern(schema.EVENT_ID, "an event id like E094")),
    Column("as_of"),
    Column("value", _number),
    Column("high", _number, default=""),
    Column("quantity", text(80)),
    Column("unit", text(40), default=""),
    Column("by", text(200)),
    Column("sources", id_list(pattern(schema.SOURCE_ID, "source ids like S02;S04")), default=()),
)
ESTIMATE_FRAME_COLUMNS = [c.name for c in ESTIMATE_COLUMNS] + ["where", "as_of_date"]


def estimates_frame(rows: list[Row], series: set[str], events: set[str] | None, sources: set[str] | None,
                    report: Report, name: str = "estimates.csv") -> pd.DataFrame:
    """The estimates whose series, event, date and sources check out, oldest first; the rest are reported."""
    records = []
    for where, row in rows:
        bad = False
        if row["series"] not in series:
            report.add(name, where, "series", row["series"], "a series id from series.csv; the row was set aside")
            bad = True
        if events is not None and row["event"] not in events:
            report.add(name, where, "event", row["event"],
                       "an event id from events.csv, of an event that loaded; the row was set aside")
            bad = True
        for sid in row["sources"]:
            if sources is not None and sid not in sources:
                report.add(name, where, "sources", sid, "a source id from sources.csv, of a source that loaded")
                bad = True
        try:
            first, _, granularity = parse_partial(row["as_of"])
            if granularity != "day":
                raise DateError("a full date as YYYY-MM-DD: the day the estimate was made public", "as_of")
        except DateError as exc:
            report.add(name, where, "as_of", row["as_of"], str(exc))
            bad = True
        if row["high"] not in ("", None) and row["high"] < row["value"]:
            report.add(name, where, "high", row["high"], f"an upper end not below value ({row['value']:g})")
            bad = True
        if not bad:
            records.append({**row, "where": where, "as_of_date": first})
    frame = pd.DataFrame(records, columns=ESTIMATE_FRAME_COLUMNS)
    return frame.sort_values(["series", "as_of_date"], kind="stable").reset_index(drop=True)
