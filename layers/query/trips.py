"""The player's clock in Python: which events are on the map at a moment, and when each flow's trips travel.

The player (``layers/player/time.js``: ``shown``, ``tripStarts``; constants in ``layers/player/state.js``) and the
video export (``layers.export.video``) follow this one rule; ``tests/test_video.py`` runs both on the same
cases. Times are days since ``layers.model.dates.EPOCH`` as floats: day ``d`` runs from ``d`` to ``d + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from layers.query.flows import flow_table

DAYS_PER_SECOND = 30
"""At 1x, a month of events passes per second (state.js)."""
TRIP_DAYS = 30
"""A long flow repeats as trips of this length..."""
TRIP_PERIOD = 45
"""...starting every TRIP_PERIOD days..."""
MAX_TRIPS = 40
"""...at most this many per flow..."""
TRIP_BUDGET = 60000
"""...and at most this many in all (per flow: TRIP_BUDGET // flows, between 1 and MAX_TRIPS)."""
TRAIL_DAYS = 21
"""Length of a moving flow's fading trail, in days of the time axis (the payload's ``style.trail_days``)."""


def shown(start: np.ndarray, end: np.ndarray, day: int, window: int | None) -> np.ndarray:
    """Which events (first and last day numbers) are on the map at ``day``: begun by the day and, with a window
    of ``window`` days, not ended before ``day - window`` (time.js ``shown``)."""
    mask = start <= day
    if window:
        mask &= end >= day - window
    return mask


def trip_starts(t0: float, t1: float, repeats: int, trip_days: float = TRIP_DAYS,
                period: float = TRIP_PERIOD) -> tuple[list[float], float]:
    """When a flow from day t0 to t1 sets off, and how long each trip takes: one trip of min(span, trip_days) at
    t0 and, for a long flow, one every ``period`` days while it lasts, at most ``repeats`` in all (``tripStarts``)."""
    span = t1 - t0
    dur = min(span, trip_days)
    starts = [t0]
    if span > period + trip_days:
        s = t0 + period
        while s + dur <= t1 and len(starts) < repeats:
            starts.append(s)
            s += period
    return starts, dur


def repeats_for(flows: int) -> int:
    """How many trips one flow may make when the player has ``flows`` flows (data.js ``prepare``)."""
    return max(1, min(MAX_TRIPS, TRIP_BUDGET // max(1, flows)))


@dataclass(frozen=True)
class Trips:
    """Every trip of a set of flows, sorted by start: its flow's event id, category, path key, start and length
    (days). A trip travels from ``start`` to ``start + dur``; its trail fades out ``TRAIL_DAYS`` after arrival."""

    id: np.ndarray
    category: np.ndarray
    path: np.ndarray
    start: np.ndarray
    dur: np.ndarray

    def __len__(self) -> int:
        return len(self.start)

    def at(self, t: float) -> np.ndarray:
        """Indices of the trips drawn at time ``t``: set off, and arrived no more than a trail ago."""
        lo = np.searchsorted(self.start, t - TRIP_DAYS - TRAIL_DAYS, side="left")
        hi = np.searchsorted(self.start, t, side="right")
        idx = np.arange(lo, hi)
        return idx[self.start[idx] + self.dur[idx] + TRAIL_DAYS >= t]


def schedule(events: pd.DataFrame) -> Trips:
    """The trips of the flows among ``events`` (the events a view's filters keep, at any time), as the player
    schedules them."""
    flows = flow_table(events)
    repeats = repeats_for(len(flows))
    rows: list[tuple[int, float, float]] = []
    for i, (t0, t1) in enumerate(zip(flows["t0"].to_numpy(), flows["t1"].to_numpy(), strict=True)):
        starts, dur = trip_starts(float(t0), float(t1), repeats)
        rows.extend((i, s, dur) for s in starts)
    order = sorted(range(len(rows)), key=lambda k: rows[k][1])
    flow = np.array([rows[k][0] for k in order], dtype=np.int64)
    return Trips(id=flows["id"].to_numpy(object)[flow], category=flows["category"].to_numpy(object)[flow],
                 path=flows["path"].to_numpy(object)[flow],
                 start=np.array([rows[k][1] for k in order], dtype=float),
                 dur=np.array([rows[k][2] for k in order], dtype=float))
