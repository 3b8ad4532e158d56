"""A View: the one description of what is on the map now (time, window, filters, camera, selection)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import schema
from .catalog import Catalog
from .dates import day_number


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
        return Camera(
            longitude=min(180.0, max(-180.0, self.longitude)),
            latitude=min(85.0, max(-85.0, self.latitude)),
            zoom=min(16.0, max(0.5, self.zoom)),
            pitch=min(60.0, max(0.0, self.pitch)),
            bearing=((self.bearing + 180.0) % 360.0) - 180.0,
        )


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
    def from_params(cls, params: Mapping[str, str], catalog: Catalog | None = None) -> View:
        """A view from URL query parameters; values that do not parse are dropped, never raised."""
        view = cls()
        with suppress(KeyError, ValueError):
            view = view.with_(date=dt.date.fromisoformat(params["t"]))
        try:
            window = int(params["w"])
            if 0 < window <= 3660:
                view = view.with_(window_days=window)
        except (KeyError, ValueError):
            pass
        known_actors = set(catalog.actors) if catalog is not None else None
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
        if event and schema.EVENT_ID.match(event) and (catalog is None or event in set(catalog.events["id"])):
            view = view.with_(selected=event)
        return view


def _allowed(codes: np.ndarray, vocabulary: Mapping[str, str], wanted: tuple[str, ...]) -> np.ndarray:
    """Which ``codes`` (positions in ``vocabulary``, -1 for none) name a wanted value: one table lookup."""
    table = np.array([name in wanted for name in vocabulary] + [False])
    return table[codes]


def filter_mask(catalog: Catalog, view: View) -> np.ndarray:
    """Which events pass the category, actor and confidence filters (time aside)."""
    arrays = catalog.arrays
    mask = np.ones(len(arrays.start), dtype=bool)
    if view.categories:
        mask &= _allowed(arrays.category, schema.CATEGORIES, view.categories)
    if view.confidence:
        mask &= _allowed(arrays.confidence, schema.CONFIDENCE, view.confidence)
    if view.actors:
        hit = np.zeros_like(mask)
        for actor in view.actors:
            rows = arrays.actor_rows.get(actor)
            if rows is not None:
                hit[rows] = True
        mask &= hit
    return mask


def time_mask(catalog: Catalog, view: View) -> np.ndarray:
    """Which events have begun by the view's date and, with a window, have not ended before it."""
    arrays = catalog.arrays
    if view.date is None:
        return np.ones(len(arrays.start), dtype=bool)
    now = day_number(view.date)
    mask = arrays.start <= now
    if view.window_days:
        mask &= arrays.end >= now - view.window_days
    return mask


def select(catalog: Catalog, view: View) -> pd.DataFrame:
    """The events the view shows, in date order."""
    return catalog.events[filter_mask(catalog, view) & time_mask(catalog, view)]


def focus_mask(events: pd.DataFrame, view: View) -> np.ndarray:
    """Which of ``events`` a chapter highlights: all when the view has no focus."""
    if not view.focus:
        return np.ones(len(events), dtype=bool)
    wanted = set(view.focus)
    return (events["id"].isin(wanted) | events["category"].isin(wanted)).to_numpy()
