"""Where a map looks when no one chose: a camera that frames what the view shows.

A View with a camera (a permalink's ``cam``, a story chapter's camera, where the user left the map) keeps it. A
View without one (``camera=None``) is framed: the places and flow paths of the events the view shows (its filters
and time), or every place when it shows none, fitted into the viewport with margins (``fit_camera``).
"""

from __future__ import annotations

import numpy as np

from layers.load.catalog import Catalog
from layers.model.view import Camera, View, fit_camera
from layers.query.flows import flow_table, paths, point_table
from layers.query.select import select

PLAYER_VIEWPORT = (1200, 560)
"""The viewport (px) a live map is framed for before the browser reports its own: the Explore page's player is
560 px tall and about this wide on a laptop in the wide layout. A wider window only adds margin at the sides."""
PLAYER_PADDING = 40.0
Padding = tuple[float, float, float, float]
"""Top, right, bottom, left, in px."""


def view_bounds(catalog: Catalog, view: View) -> tuple[float, float, float, float]:
    """West, south, east, north of what ``view`` shows: every vertex of its flows' paths and the places of its
    events; every place when it shows no event (and the theatre when there are no places)."""
    events = select(catalog, view)
    parts: list[np.ndarray] = []
    if not events.empty:
        known = paths(catalog)
        parts += [known[key].coords[:, :2] for key in set(flow_table(events)["path"]) if key in known]
        points = point_table(catalog, events)
        if not points.empty:
            parts.append(points[["lon", "lat"]].to_numpy(float))
    if not parts and not catalog.places.empty:
        parts.append(np.column_stack([catalog.places.geometry.x, catalog.places.geometry.y]))
    if not parts:
        return (30.0, 35.0, 145.0, 65.0)
    xy = np.concatenate(parts)
    return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())


def framed_camera(catalog: Catalog, view: View, width: float, height: float,
                  padding: float | Padding = PLAYER_PADDING) -> Camera:
    """A top-down camera that shows everything ``view`` shows in a ``width`` x ``height`` px viewport."""
    return fit_camera(view_bounds(catalog, view), width, height, padding)


def fit_arg(catalog: Catalog, view: View, padding: float = PLAYER_PADDING) -> dict[str, object] | None:
    """For the player, when ``view`` has no camera: the bounds to fit and the padding, so the browser frames them
    for the map's real size (``view_camera``'s guess is only where it starts). None when the view has a camera."""
    if view.camera is not None:
        return None
    return {"bounds": list(view_bounds(catalog, view)), "padding": padding}


def view_camera(catalog: Catalog, view: View, width: float = PLAYER_VIEWPORT[0], height: float = PLAYER_VIEWPORT[1],
                padding: float | Padding = PLAYER_PADDING) -> Camera:
    """The view's own camera, or (when it has none) the camera that frames what it shows."""
    if view.camera is not None:
        return view.camera
    return framed_camera(catalog, view, width, height, padding)
