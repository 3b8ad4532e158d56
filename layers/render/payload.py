"""The player's data: one compact, JSON-able dict the browser receives once per change of data.

Tables travel as parallel flat arrays (column -> list), coordinates rounded to ~100 m, paths once per pair of
places (shared by every flow on that pair). Only the view's *filters* shape the data: the browser filters by
time itself. The ``view`` member (date, window, camera, focus, selection) is the starting state and is left out
of :func:`payload_key`, so a new date or camera never looks like new data.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import numpy as np
import pandas as pd
import shapely

from layers.load.catalog import Catalog
from layers.load.derived import Key
from layers.model import schema
from layers.model.basemap import CLOSEUP_BOXES, CLOSEUP_MIN_ZOOM
from layers.model.dates import EPOCH, day_number
from layers.model.record import credit_line
from layers.model.style import (
    BASEMAP,
    CASING_PX,
    CATEGORY_COLORS,
    DIMMED_ALPHA,
    GLYPHS,
    LABEL_HALO_ALPHA,
    LABEL_KIND_ORDER,
    THEMES,
    place_label,
)
from layers.model.view import MAX_WINDOW_DAYS, Camera, View
from layers.query.flows import MIN_TRIP_DAYS, flow_table, paths, point_table
from layers.query.select import filter_mask
from layers.query.trips import TRAIL_DAYS
from layers.render.framing import fit_arg, view_camera
from layers.render.mapspec import display_countries
from layers.render.text import source_name

PAYLOAD_VERSION = 1
COORD_DIGITS = 3
"""Decimals kept in longitudes and latitudes (0.001 degree is about 100 m, far below what the map shows)."""
BASEMAP_DIGITS = 2
"""Decimals kept in the basemap (about 1 km: finer than its ~5 km display simplification)."""
CLOSEUP_TOLERANCE_DEG = 0.005
"""Simplification of the 1:10m close-ups for the player (about 500 m: under a pixel up to zoom ~7.5 there)."""
CLOSEUP_DIGITS = 3
FRACTION_DIGITS = 4
ROUTE_STYLE = {
    "sourced": {"width": 2.5, "alpha": 255, "dashed": False, "label": "Route drawn from a sourced track"},
    "schematic": {"width": 2.0, "alpha": 255, "dashed": True,
                  "label": "Schematic route or great-circle arc (the way is not sourced)"},
}
"""How the player draws the full paths (inside their dark casing, opaque so the colour keeps its contrast): a
schematic way (a sketched route or a plain arc) is dashed and thinner than a sourced one. The static map draws the
same distinction (dashed schematic lines)."""
VIEW_KEY = "view"


def _round(values: np.ndarray, digits: int) -> list[float]:
    rounded = np.round(np.asarray(values, dtype=float), digits)
    return [int(v) if v.is_integer() else float(v) for v in rounded.ravel()]


def _round_geojson(obj: Any, digits: int) -> Any:
    """A copy of a GeoJSON object with every coordinate rounded (empty properties dropped)."""
    if isinstance(obj, dict):
        return {k: _round_geojson(v, digits) for k, v in obj.items()}
    if isinstance(obj, list):
        if obj and all(isinstance(v, int | float) for v in obj):
            return [round(float(v), digits) for v in obj]
        return [_round_geojson(v, digits) for v in obj]
    return obj


PAYLOAD_COUNTRIES: Key[dict] = Key("payload_countries")


def _basemap(catalog: Catalog) -> dict:
    return catalog.derived.get(PAYLOAD_COUNTRIES,
                               lambda: _round_geojson(display_countries(catalog), BASEMAP_DIGITS))


PAYLOAD_CLOSEUP: Key[dict] = Key("payload_closeup")


def _closeup(catalog: Catalog) -> dict:
    """The 1:10m close-ups for the player: the boxes (repainted as water first) and the land inside them."""

    def build() -> dict:
        frame = catalog.closeup
        land = [{"type": "Feature", "properties": {"name": name},
                 "geometry": json.loads(shapely.to_geojson(shapely.simplify(geom, CLOSEUP_TOLERANCE_DEG,
                                                                            preserve_topology=True)))}
                for name, geom in zip(frame["name"], frame.geometry, strict=True)]
        boxes = [{"type": "Feature", "properties": {"box": box_id},
                  "geometry": json.loads(shapely.to_geojson(shapely.box(*box)))}
                 for box_id, box in CLOSEUP_BOXES.items() if (frame["box"] == box_id).any()]
        return {"min_zoom": CLOSEUP_MIN_ZOOM,
                "boxes": {"type": "FeatureCollection", "features": boxes},
                "land": _round_geojson({"type": "FeatureCollection", "features": land}, CLOSEUP_DIGITS)}

    return catalog.derived.get(PAYLOAD_CLOSEUP, build)


def wants_closeup(view: View) -> bool:
    """Whether a player opened on ``view`` needs the close-ups: its camera is at ``CLOSEUP_MIN_ZOOM`` or closer."""
    return view.camera is not None and view.camera.zoom >= CLOSEUP_MIN_ZOOM


def _places(catalog: Catalog) -> dict[str, list]:
    places = catalog.places
    return {
        "id": places["id"].tolist(),
        "name": places["name"].tolist(),
        "label": [place_label(n) for n in places["name"]],
        "kind": places["kind"].tolist(),
        "lon": _round(places.geometry.x.to_numpy(), COORD_DIGITS),
        "lat": _round(places.geometry.y.to_numpy(), COORD_DIGITS),
    }


def _paths(catalog: Catalog, keys: list[str]) -> dict[str, list]:
    known = paths(catalog)
    chosen = [known[k] for k in keys]
    return {
        "key": keys,
        "xy": [_round(p.coords, COORD_DIGITS) for p in chosen],
        "frac": [_round(p.fraction, FRACTION_DIGITS) for p in chosen],
        "schematic": [int(p.schematic) for p in chosen],
        "mode": [p.mode for p in chosen],
        "route": [p.route for p in chosen],
    }


def _events(events: pd.DataFrame, categories: dict[str, int], confidence: dict[str, int],
            sources: dict[str, int]) -> dict[str, list]:
    return {
        "id": events["id"].tolist(),
        "title": events["title"].tolist(),
        "summary": events["summary"].tolist(),
        "date": events["date_label"].tolist(),
        "precision": events["precision"].tolist(),
        "t0": [int(v) for v in events["start_day"]],
        "t1": [int(v) for v in events["end_day"]],
        "cat": [categories[c] for c in events["category"]],
        "conf": [confidence[c] for c in events["confidence"]],
        "qty": events["quantity"].tolist(),
        "unit": events["unit"].tolist(),
        "actors": [list(a) for a in events["actors"]],
        "disputed": events["disputed"].tolist(),
        "src": [[sources[s] for s in ids if s in sources] for ids in events["sources"]],
    }


def _sources(catalog: Catalog, events: pd.DataFrame) -> tuple[dict[str, list], dict[str, int]]:
    cited = sorted({s for ids in events["sources"] for s in ids} & set(catalog.sources.index))
    table = catalog.sources.loc[cited] if cited else catalog.sources.iloc[0:0]
    urls = [u if schema.URL.match(u or "") else "" for u in table["url"]]
    columns = {"id": table["id"].tolist(), "outlet": [source_name(row) for _, row in table.iterrows()],
               "date": table["published"].tolist(), "url": urls, "title": table["title"].tolist()}
    return columns, {sid: i for i, sid in enumerate(cited)}


def player_view(view: View) -> dict[str, Any]:
    """The view as the player takes it (date as a day number, window, camera, focus, selection); a view without
    a camera gets deck.gl's old default here (:func:`payload` frames it first)."""
    c = view.camera or Camera()
    return {
        "date": day_number(view.date) if view.date else None,
        "window": view.window_days,
        "camera": {"longitude": c.longitude, "latitude": c.latitude, "zoom": c.zoom, "pitch": c.pitch,
                   "bearing": c.bearing},
        "focus": list(view.focus),
        "selected": view.selected,
        "title": view.title,
    }


def _overlays(catalog: Catalog) -> dict:
    """A session's uploaded layers as one FeatureCollection; each feature's properties are its ``layer`` name and
    its ``text`` (shown as plain text in the tooltip)."""
    features = []
    for name, frame in catalog.overlays.items():
        for text, geom in zip(frame["text"], frame.geometry, strict=True):
            features.append({"type": "Feature", "properties": {"layer": name, "text": text},
                             "geometry": _round_geojson(json.loads(shapely.to_geojson(geom)), COORD_DIGITS)})
    return {"type": "FeatureCollection", "features": features}


def payload(catalog: Catalog, view: View, *, closeup: bool | None = None) -> dict[str, Any]:
    """Everything the player draws for ``view``'s filters; the view's time, camera and focus go in ``view`` (a view
    without a camera is framed on what it shows, ``layers.render.framing``).

    ``closeup``: add the 1:10m close-ups (``closeup``: about 310 KB on the shipped data) that the player draws from
    zoom 5; None adds them when the view's own camera is that close (:func:`wants_closeup`). A player that moves
    between chapters (the Story page, the briefing) asks for them whenever one of its chapters zooms in."""
    events = catalog.events[filter_mask(catalog, view)]
    category_ids = list(schema.CATEGORIES)
    confidence_ids = list(schema.CONFIDENCE)
    cat_index = {c: i for i, c in enumerate(category_ids)}
    conf_index = {c: i for i, c in enumerate(confidence_ids)}
    source_cols, source_index = _sources(catalog, events)
    row_of = {eid: i for i, eid in enumerate(events["id"])}
    flows = flow_table(events)
    path_keys = sorted(set(flows["path"]))
    path_index = {k: i for i, k in enumerate(path_keys)}
    points = point_table(catalog, events)
    place_index = {pid: i for i, pid in enumerate(catalog.places["id"])}
    first, last = catalog.time_range
    data = {
        "version": PAYLOAD_VERSION,
        "epoch": EPOCH.isoformat(),
        "range": [day_number(first), day_number(last) + 1],
        "countries": _basemap(catalog),
        "places": _places(catalog),
        "paths": _paths(catalog, path_keys),
        "flows": {
            "ev": [row_of[e] for e in flows["id"]],
            "path": [path_index[k] for k in flows["path"]],
            "t0": [int(v) for v in flows["t0"]],
            "t1": [int(v) for v in flows["t1"]],
            "cat": [cat_index[c] for c in flows["category"]],
        },
        "points": {
            "ev": [row_of[e] for e in points["id"]],
            "place": [place_index[p] for p in points["place"]],
            "cat": [cat_index[c] for c in points["category"]],
        },
        "events": _events(events, cat_index, conf_index, source_index),
        "sources": source_cols,
        "categories": [{"id": c, "label": schema.CATEGORIES[c], "color": CATEGORY_COLORS[c], "glyph": GLYPHS[c]}
                       for c in category_ids],
        "confidence": [{"id": c, "label": schema.CONFIDENCE[c]} for c in confidence_ids],
        "style": {"routes": ROUTE_STYLE, "trail_days": TRAIL_DAYS, "min_trip_days": MIN_TRIP_DAYS,
                  "dim": DIMMED_ALPHA, "label_kinds": list(LABEL_KIND_ORDER), "max_window_days": MAX_WINDOW_DAYS,
                  "url_pattern": schema.URL.pattern,
                  "basemap": BASEMAP, "casing_px": CASING_PX, "halo_alpha": LABEL_HALO_ALPHA,
                  "themes": {name: {"title": t.title, "basemap": t.basemap(),
                                    "colors": [t.colors[c] for c in category_ids]} for name, t in THEMES.items()},
                  "attribution": credit_line(catalog.record_through)},
        VIEW_KEY: {**player_view(view.with_(camera=view_camera(catalog, view))), "fit": fit_arg(catalog, view)},
    }
    if (wants_closeup(view) if closeup is None else closeup) and not catalog.closeup.empty:
        data["closeup"] = _closeup(catalog)
    if catalog.overlays:  # uploaded layers (this session only): the key stays absent without them
        data["overlays"] = _overlays(catalog)
    return data


def to_json(data: dict[str, Any]) -> str:
    """Compact JSON (no spaces, no NaN): how a payload travels and how its key is computed."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def payload_key(data: dict[str, Any]) -> str:
    """A content hash of the payload's data (its ``view`` aside): equal keys mean the browser has the data."""
    body = {k: v for k, v in data.items() if k != VIEW_KEY}
    return hashlib.sha256(json.dumps(body, separators=(",", ":"), sort_keys=True,
                                     ensure_ascii=False, allow_nan=False).encode()).hexdigest()[:20]
