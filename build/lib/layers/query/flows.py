"""Flows: events that move something from one place to another, as paths with times.

A flow follows a route where ``routes.geojson`` has one for its two places (either direction) and a
great-circle arc otherwise. Paths depend only on the pair of places, so they are built once per pair.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import Geod

from layers.load.catalog import Catalog
from layers.load.derived import Key

GEOD = Geod(ellps="WGS84")
MIN_TRIP_DAYS = 14
"""A flow's trip lasts its event's span, but at least this long, so that it can be seen moving."""


@dataclass(frozen=True)
class Path:
    """The way between two places: lon/lat vertices and each vertex's share of the total length."""

    key: str
    coords: np.ndarray
    fraction: np.ndarray
    route: str
    mode: str
    schematic: bool


def great_circle(lon1: float, lat1: float, lon2: float, lat2: float) -> np.ndarray:
    """Vertices along the geodesic between two points (about one per 50 km, 8 to 64 of them)."""
    _, _, metres = GEOD.inv(lon1, lat1, lon2, lat2)
    inner = int(min(62, max(6, metres / 50_000)))
    middle = GEOD.npts(lon1, lat1, lon2, lat2, inner)
    return np.array([(lon1, lat1), *middle, (lon2, lat2)], dtype=float)


def _fractions(coords: np.ndarray) -> np.ndarray:
    lons, lats = coords[:, 0], coords[:, 1]
    steps = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])[2] if len(coords) > 1 else np.zeros(0)
    total = np.concatenate([[0.0], np.cumsum(steps)])
    return total / total[-1] if total[-1] > 0 else np.linspace(0, 1, len(coords))


PATHS: Key[dict[str, Path]] = Key("paths")


def paths(catalog: Catalog) -> dict[str, Path]:
    """Every path the catalog's flows use, keyed 'ORIGIN>DESTINATION', built once per catalog."""
    return catalog.derived.get(PATHS, lambda: _paths(catalog))


def _paths(catalog: Catalog) -> dict[str, Path]:
    routes = {}
    for rid, a, b, mode, schematic, geom in zip(catalog.routes["id"], catalog.routes["from"],
                                                catalog.routes["to"], catalog.routes["mode"],
                                                catalog.routes["schematic"], catalog.routes.geometry,
                                                strict=True):
        coords = np.asarray(geom.coords, dtype=float)[:, :2]
        routes.setdefault((a, b), (rid, mode, bool(schematic), coords))
        routes.setdefault((b, a), (rid, mode, bool(schematic), coords[::-1]))
    ev = catalog.events
    pairs = ev.loc[(ev["origin"] != "") & (ev["destination"] != ""), ["origin", "destination"]]
    built: dict[str, Path] = {}
    for a, b in pairs.drop_duplicates().itertuples(index=False):
        key = f"{a}>{b}"
        if (a, b) in routes:
            rid, mode, schematic, coords = routes[(a, b)]
        else:
            pa, pb = catalog.places.loc[a].geometry, catalog.places.loc[b].geometry
            rid, mode, schematic, coords = "", "arc", True, great_circle(pa.x, pa.y, pb.x, pb.y)
        built[key] = Path(key, coords, _fractions(coords), rid, mode, schematic)
    return built


def flow_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events that are flows, with their path key and trip times (days since the epoch)."""
    moving = ((events["origin"] != "") & (events["destination"] != "")).to_numpy()
    rows = events.loc[moving, ["id", "category", "origin", "destination", "start_day", "end_day"]]
    t0 = rows["start_day"].to_numpy(np.float64)
    t1 = np.maximum(rows["end_day"].to_numpy(np.float64) + 1.0, t0 + MIN_TRIP_DAYS)
    # Columns are passed as pandas arrays (.array), not numpy: re-inferring string dtypes costs 4x the rest.
    return pd.DataFrame({
        "id": rows["id"].array,
        "category": rows["category"].array,
        "path": (rows["origin"] + ">" + rows["destination"]).array,
        "t0": t0,
        "t1": t1,
    }, index=rows.index)


def point_table(catalog: Catalog, events: pd.DataFrame) -> pd.DataFrame:
    """The events that happen at one place (no movement), with that place's position."""
    single = ((events["origin"] == "") != (events["destination"] == "")).to_numpy()
    rows = events.loc[single, ["id", "category", "origin", "destination", "start_day"]]
    place = rows["destination"].where(rows["destination"] != "", rows["origin"])
    at = catalog.places.index.get_indexer(place)
    if (at < 0).any():
        raise KeyError(f"unknown place ids: {sorted(set(place[at < 0]))}")
    geometry = catalog.places.geometry
    return pd.DataFrame({
        "id": rows["id"].array,
        "category": rows["category"].array,
        "place": place.array,
        "lon": geometry.x.to_numpy()[at],
        "lat": geometry.y.to_numpy()[at],
        "t0": rows["start_day"].to_numpy(np.float64),
    }, index=rows.index)
