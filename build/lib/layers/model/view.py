"""A View: the one description of what is on the map now (time, window, filters, camera, selection)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace

import numpy as np

from layers.model import schema

MAX_WINDOW_DAYS = 3660
"""The longest moving window a view may have (about ten years): URLs, the CLI and the player all use it."""
CAMERA_RANGES: dict[str, tuple[float, float]] = {"longitude": (-180.0, 180.0), "latitude": (-85.0, 85.0),
                                                 "zoom": (0.5, 16.0), "pitch": (0.0, 60.0),
                                                 "bearing": (-360.0, 360.0)}
"""What deck.gl's Web Mercator view accepts (a bearing is kept in -180..180 by ``Camera.clamp``)."""


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


@dataclass(frozen=True)
class View:
    """What is shown: events up to ``date`` (all of them when None), or only those touching the last
    ``window_days`` days; filtered by category, actor and confidence (empty = no filter); ``focus``
    names event ids or categories a story chapter highlights; ``selected`` is the clicked event."""

    date: dt.date | None = None
    window_days: int | None = None
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    confidence: tuple[str, ...] = ()
    camera: Camera = field(default_factory=Camera)
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
        if self.camera != Camera():
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
