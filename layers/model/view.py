"""A View: the one description of what is on the map now (time, window, filters, camera, selection)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace

import numpy as np

from layers.model import schema

MAX_WINDOW_DAYS = 3660
"""The longest moving window a view may have (about ten years): URLs, the CLI and the player all use it."""
CAMERA_RANGES: dict[str, tuple[float, float]] = {"longitude": (-180.0, 180.0), "latitude": (-85.0, 85.0),
                                                 "zoom": (0.5, 16.0), "pitch": (0.0, 60.0),
                                                 "bearing": (-360.0, 360.0)}
"""What deck.gl's Web Mercator view accepts (a bearing is kept in -180..180 by ``Camera.clamp``)."""
TILE_SIZE = 512.0
"""deck.gl's world is TILE_SIZE * 2**zoom pixels wide."""
MERCATOR_MAX_LAT = 85.0511287798
FIT_MAX_ZOOM = 8.0
"""The closest a fitted camera comes (a port at chapter zoom): one place alone is not shown at street level."""


@dataclass(frozen=True)
class Camera:
    """Where the map looks: deck.gl's view state."""

    longitude: float = 95.0
    latitude: float = 50.0
    zoom: float = 2.3
    pitch: float = 0.0
    bearing: float = 0.0

    def clamp(self) -> Camera:
        """The same camera with each value inside what deck.gl accepts."""
        def within(name: str) -> float:
            low, high = CAMERA_RANGES[name]
            return min(high, max(low, getattr(self, name)))

        return Camera(longitude=within("longitude"), latitude=within("latitude"), zoom=within("zoom"),
                      pitch=within("pitch"), bearing=((self.bearing + 180.0) % 360.0) - 180.0)


def world_xy(lon: float, lat: float) -> tuple[float, float]:
    """Web Mercator position at zoom 0 in deck.gl's pixels (x east from lon -180, y south from the top)."""
    phi = math.radians(min(MERCATOR_MAX_LAT, max(-MERCATOR_MAX_LAT, lat)))
    x = TILE_SIZE * (lon + 180.0) / 360.0
    y = TILE_SIZE * (1.0 - math.log(math.tan(math.pi / 4 + phi / 2)) / math.pi) / 2.0
    return x, y


def world_lonlat(x: float, y: float) -> tuple[float, float]:
    """The inverse of :func:`world_xy`."""
    lon = x / TILE_SIZE * 360.0 - 180.0
    lat = math.degrees(2.0 * math.atan(math.exp(math.pi * (1.0 - 2.0 * y / TILE_SIZE))) - math.pi / 2)
    return lon, lat


def project(camera: Camera, lon: float, lat: float, width: float, height: float) -> tuple[float, float]:
    """Where (lon, lat) falls, in pixels from the top left, in a ``width`` x ``height`` top-down view of
    ``camera`` (pitch and bearing ignored, as the static maps do)."""
    scale = 2.0 ** camera.zoom
    cx, cy = world_xy(camera.longitude, camera.latitude)
    x, y = world_xy(lon, lat)
    return width / 2 + (x - cx) * scale, height / 2 + (y - cy) * scale


def fit_camera(bounds: tuple[float, float, float, float], width: float, height: float,
               padding: float | tuple[float, float, float, float] = 40.0, *,
               max_zoom: float = FIT_MAX_ZOOM) -> Camera:
    """The top-down camera that shows ``bounds`` (west, south, east, north in degrees) whole in a ``width`` x
    ``height`` px viewport, ``padding`` px clear on each side (one number, or top, right, bottom, left).

    Web Mercator maths as deck.gl's ``fitBounds``: the zoom is the largest at which the box's projected size fits
    the viewport less the padding, the centre the box's projected middle moved by half the padding difference.
    The zoom is clamped to ``max_zoom`` (a single point) and to :data:`CAMERA_RANGES`.
    """
    top, right, bottom, left = (padding,) * 4 if isinstance(padding, int | float) else padding
    west, south, east, north = bounds
    x0, y0 = world_xy(west, north)
    x1, y1 = world_xy(east, south)
    size_x, size_y = max(abs(x1 - x0), 1e-9), max(abs(y1 - y0), 1e-9)
    room_x, room_y = max(width - left - right, 1.0), max(height - top - bottom, 1.0)
    zoom_low, zoom_high = CAMERA_RANGES["zoom"]
    zoom = min(max_zoom, zoom_high, math.log2(min(room_x / size_x, room_y / size_y)))
    zoom = max(zoom_low, zoom)
    scale = 2.0 ** zoom
    cx = (x0 + x1) / 2 + (right - left) / 2 / scale
    cy = (y0 + y1) / 2 + (bottom - top) / 2 / scale
    lon, lat = world_lonlat(cx, cy)
    return Camera(longitude=lon, latitude=lat, zoom=zoom).clamp()


@dataclass(frozen=True)
class View:
    """What is shown: events up to ``date`` (all of them when None), or only those touching the last
    ``window_days`` days; filtered by category, actor and confidence (empty = no filter); ``focus``
    names event ids or categories a story chapter highlights; ``selected`` is the clicked event. ``camera`` None
    means no one chose where to look: maps then frame what the view shows (``layers.render.framing``)."""

    date: dt.date | None = None
    window_days: int | None = None
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    camera: Camera | None = None
    selected: str | None = None
    focus: tuple[str, ...] = ()
    title: str = ""

    def with_(self, **changes: object) -> View:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    def to_params(self) -> dict[str, str]:
        """The view as URL query parameters (only what differs from the default)."""
        params: dict[str, str] = {}
        if self.date:
            params["t"] = self.date.isoformat()
        if self.window_days:
            params["w"] = str(self.window_days)
        for key, values in (("cat", self.categories), ("actor", self.actors), ("conf", self.confidence),
                            ("focus", self.focus)):
            if values:
                params[key] = ",".join(values)
        if self.camera is not None:
            c = self.camera
            params["cam"] = ",".join(f"{v:.4g}" for v in (c.longitude, c.latitude, c.zoom, c.pitch, c.bearing))
        if self.selected:
            params["ev"] = self.selected
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, str], actors: Collection[str] | None = None,
                    event_ids: Collection[str] | None = None) -> View:
        """A view from URL query parameters; values that do not parse are dropped, never raised. ``actors`` and
        ``event_ids``, when given, are what an actor filter and a selected event may name."""
        view = cls()
        with suppress(KeyError, ValueError):
            view = view.with_(date=dt.date.fromisoformat(params["t"]))
        try:
            window = int(params["w"])
            if 0 < window <= MAX_WINDOW_DAYS:
                view = view.with_(window_days=window)
        except (KeyError, ValueError):
            pass
        known_actors = set(actors) if actors is not None else None
        for key, attr, allowed in (("cat", "categories", set(schema.CATEGORIES)),
                                   ("conf", "confidence", set(schema.CONFIDENCE)),
                                   ("actor", "actors", known_actors)):
            values = tuple(v for v in params.get(key, "").split(",") if v and (allowed is None or v in allowed))
            if values:
                view = view.with_(**{attr: values})
        if params.get("focus"):
            view = view.with_(focus=tuple(v for v in params["focus"].split(",") if v))
        try:
            numbers = [float(v) for v in params["cam"].split(",")]
            if len(numbers) == 5 and all(np.isfinite(numbers)):
                view = view.with_(camera=Camera(*numbers).clamp())
        except (KeyError, ValueError):
            pass
        event = params.get("ev")
        if event and schema.EVENT_ID.match(event) and (event_ids is None or event in event_ids):
            view = view.with_(selected=event)
        return view
