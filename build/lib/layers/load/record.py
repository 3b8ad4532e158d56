"""The record's declaration of itself (``record.yaml``): the date its research runs through.

Every page and export says "Record through <date>", and the validator refuses events that start after it: an
event past the cutoff would claim a completeness the research does not have.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from layers.load.readers import DEFAULT_LIMITS, Limits
from layers.load.yamlfile import read_yaml
from layers.model.report import Report

RECORD_FILE = "record.yaml"
RECORD_KEYS = ("record_through",)


def load_record_through(folder: Path, report: Report, limits: Limits = DEFAULT_LIMITS) -> dt.date | None:
    """The declared cutoff of ``folder``'s record; None (with an error in ``report``) when it is not declared."""
    path = folder / RECORD_FILE
    if not path.exists():
        report.add(RECORD_FILE, "", "", None, f"the file to exist (looked for {path}), declaring "
                   "record_through: YYYY-MM-DD, the date the research runs through")
        return None
    doc = read_yaml(path, RECORD_FILE, report, limits)
    if doc is None:
        return None
    if not isinstance(doc, dict):
        report.add(RECORD_FILE, "", "", type(doc).__name__, "a mapping with record_through: YYYY-MM-DD")
        return None
    for key in doc:
        if key not in RECORD_KEYS:
            report.add(RECORD_FILE, "", str(key), key, f"one of {', '.join(RECORD_KEYS)}; this key was ignored",
                       "warning")
    value = doc.get("record_through")
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    report.add(RECORD_FILE, "", "record_through", value, "a date as YYYY-MM-DD (the day the research runs through)")
    return None
