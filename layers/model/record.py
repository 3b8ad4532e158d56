"""How the record describes itself to a reader: "Record through <date>" and the credit line under every map."""

from __future__ import annotations

import datetime as dt

from layers.model.dates import day_label
from layers.model.style import ATTRIBUTION


def record_line(through: dt.date | None) -> str:
    """'Record through 31 Dec 2025', as every page and export shows it ('' when none is declared)."""
    return f"Record through {day_label(through)}" if through else ""


def credit_line(through: dt.date | None) -> str:
    """The line under every map and on every export: how current the record is, then the attribution."""
    return f"{record_line(through)}. {ATTRIBUTION}" if through else ATTRIBUTION
