"""When things happen in a film: the days a clip plays, the time of each frame, and eased camera moves.

A clip plays the player's clock (``layers.query.trips.DAYS_PER_SECOND`` days a second) unless it is given a
running time, and lasts at least :data:`MIN_SECONDS`.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np

from layers.load.catalog import Catalog
from layers.model.dates import day_number
from layers.model.view import Camera, View, world_lonlat, world_xy
from layers.query.trips import DAYS_PER_SECOND

MIN_SECONDS = 2.0
"""The shortest clip: a day or a short window is played slower than the player's clock rather than flashed."""
MAX_SECONDS = 600.0


def clip_range(catalog: Catalog, view: View, date_from: dt.date | None = None,
               date_to: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The first and last day a clip of ``view`` plays.

    Given ``date_from`` and ``date_to``, those. Otherwise the clip ends on the view's date (the record's last day
    when it has none) and starts ``window_days`` before it when the view has a window (what the player shows at
    that date), else on the record's first day: the view's story up to its date.
    """
    first, last = catalog.time_range
    end = date_to or view.date or last
    if date_from is not None:
        start = date_from
    elif view.window_days:
        start = end - dt.timedelta(days=view.window_days)
    else:
        start = min(first, end)
    if start > end:
        raise ValueError(f"the clip starts ({start}) after it ends ({end})")
    return start, end


def frame_times(start: dt.date, end: dt.date, fps: int, seconds: float | None = None) -> np.ndarray:
    """The time (days since the epoch) of every frame of a clip from the start of ``start`` to the end of ``end``:
    ``seconds`` long, or as long as the player takes (at least :data:`MIN_SECONDS`); ``fps`` is checked by
    ``encode.check``."""
    t0, t1 = day_number(start), day_number(end) + 1
    if seconds is None:
        seconds = max(MIN_SECONDS, (t1 - t0) / DAYS_PER_SECOND)
    if not 0 < seconds <= MAX_SECONDS:
        raise ValueError(f"{seconds} s: expected a running time above 0 and at most {MAX_SECONDS:.0f} s")
    n = max(1, round(seconds * fps))
    return t0 + np.arange(n) * ((t1 - t0) / n)


def ease(x: float) -> float:
    """Smooth start and stop (cubic ease-in-out) of a move's progress ``x`` in 0..1."""
    x = min(1.0, max(0.0, x))
    return 4 * x**3 if x < 0.5 else 1 - (-2 * x + 2) ** 3 / 2


def between(a: Camera, b: Camera, x: float) -> Camera:
    """The camera a share ``x`` (0..1, eased) of the way from ``a`` to ``b``: the zoom changes evenly, and the
    centre moves in Web Mercator at the pace the zoom allows (so a zoom-in does not overshoot its target)."""
    return along(a, b, ease(x))


def along(a: Camera, b: Camera, e: float) -> Camera:
    """The camera a share ``e`` (0..1, not eased) of the way from ``a`` to ``b``, as :func:`between` moves."""
    zoom = a.zoom + (b.zoom - a.zoom) * e
    # the centre's share: linear in the map's scale, so the target stays put on screen as the map grows
    sa, sb, s = 2.0**a.zoom, 2.0**b.zoom, 2.0**zoom
    share = e if math.isclose(sa, sb) else (1 / sa - 1 / s) / (1 / sa - 1 / sb)
    lon = a.longitude + _wrap(b.longitude - a.longitude) * share
    ya, yb = world_xy(a.longitude, a.latitude)[1], world_xy(b.longitude, b.latitude)[1]
    lat = world_lonlat(0.0, ya + (yb - ya) * share)[1]  # evenly in Web Mercator y
    return Camera(longitude=_wrap(lon), latitude=lat, zoom=zoom)


def _wrap(degrees: float) -> float:
    return (degrees + 180) % 360 - 180
