"""Places against their declared countries: measured in kilometres on the ellipsoid, vectorised with shapely 2.

A place lies in (or within :data:`COUNTRY_TOLERANCE_KM` of) every country its ``country`` code names (two codes
joined by ``/`` mark a border point, which must be near both). Occupied territory follows
:data:`OCCUPIED_AREAS`: the basemap draws Crimea and the occupied oblasts inside Ukraine's internationally
recognised borders, so a place there is declared ``UKR``; the occupier's code is refused there whatever the
distance to its border (the tolerance never carries a place across that line).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from pyproj import Geod, Transformer
from shapely.geometry.base import BaseGeometry

from layers.model.report import Report

COUNTRY_TOLERANCE_KM = 25.0
"""How far a place may lie outside its country's 1:50m outline. At 1:50,000,000 half a millimetre is 25 km: the
Natural Earth coasts and borders are generalised to about that, so a port, a border crossing or a coastal site
can fall a few km (rarely 10-20) outside. A point farther than this is an error and the place is set aside."""


@dataclass(frozen=True)
class OccupiedArea:
    """Territory of ``country`` that ``occupier`` holds; ``bounds`` (west, south, east, north, degrees) is a box
    that, clipped to the country's outline, covers it."""

    name: str
    country: str
    occupier: str
    bounds: tuple[float, float, float, float]


OCCUPIED_AREAS: tuple[OccupiedArea, ...] = (
    OccupiedArea("Crimea and Sevastopol", "UKR", "RUS", (32.0, 44.0, 36.7, 46.4)),
    OccupiedArea("Luhansk oblast", "UKR", "RUS", (37.8, 47.8, 40.3, 50.2)),
    OccupiedArea("Donetsk oblast", "UKR", "RUS", (36.5, 46.8, 39.0, 49.3)),
    OccupiedArea("Zaporizhzhia oblast", "UKR", "RUS", (34.2, 46.1, 37.3, 48.2)),
    OccupiedArea("Kherson oblast", "UKR", "RUS", (31.9, 45.9, 35.4, 47.6)),
)
"""Where the occupier's code is refused: a place inside Ukraine's outline and one of these boxes is declared
UKR (recognised borders, UN General Assembly resolutions 68/262 and ES-11/4), never RUS. The oblast boxes
cover whole oblasts, also the parts Ukraine holds (RUS is wrong there too). Crimea's box is the one
``scripts/derive_countries.py`` moves to Ukraine."""

_GEOD = Geod(ellps="WGS84")
_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
_FROM_MERCATOR = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
_MAX_LAT = 85.0  # Web Mercator's edge


@dataclass(frozen=True)
class CountryIndex:
    """Country outlines by ``iso_a3`` (features of one code merged, prepared for fast point tests), and their Web
    Mercator copies, made on first use for the countries a point falls outside of."""

    shapes: dict[str, BaseGeometry]
    _mercator: dict[str, BaseGeometry] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, countries: gpd.GeoDataFrame) -> CountryIndex:
        """The outlines of a countries frame (``iso_a3`` and geometry)."""
        groups: dict[str, list[BaseGeometry]] = {}
        for code, geom in zip(countries["iso_a3"], countries.geometry, strict=True):
            groups.setdefault(str(code), []).append(geom)
        shapes = {code: parts[0] if len(parts) == 1 else shapely.union_all(parts) for code, parts in groups.items()}
        shapely.prepare(list(shapes.values()))
        return cls(shapes)

    def mercator(self, code: str) -> BaseGeometry:
        """The country's outline in Web Mercator metres (cut at ±85°)."""
        if code not in self._mercator:
            cut = shapely.clip_by_rect(self.shapes[code], -180, -_MAX_LAT, 180, _MAX_LAT)
            projected = shapely.transform(cut, lambda c: np.column_stack(_TO_MERCATOR.transform(c[:, 0], c[:, 1])))
            shapely.prepare(projected)
            self._mercator[code] = projected
        return self._mercator[code]

    def distances_km(self, codes: list[str], x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Geodesic distance (km, WGS84) from each point (x, y in degrees) to its country's outline; 0 in it.

        Inside is one vectorised test. Outside, the nearest point of the outline is found in Web Mercator
        (conformal: right in every direction near the point, where the tolerance is decided) and the distance to
        it is measured on the ellipsoid.
        """
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        out = np.zeros(len(x))
        if not len(x):
            return out
        inside = shapely.intersects_xy(np.array([self.shapes[c] for c in codes], dtype=object), x, y)
        outside = np.flatnonzero(~inside)
        if not len(outside):
            return out
        mx, my = _TO_MERCATOR.transform(x[outside], np.clip(y[outside], -_MAX_LAT, _MAX_LAT))
        targets = np.array([self.mercator(codes[i]) for i in outside], dtype=object)
        lines = shapely.shortest_line(shapely.points(mx, my), targets)
        near = shapely.get_coordinates(lines).reshape(-1, 2, 2)[:, 1]
        lon, lat = _FROM_MERCATOR.transform(near[:, 0], near[:, 1])
        _, _, metres = _GEOD.inv(x[outside], y[outside], lon, lat)
        out[outside] = np.asarray(metres) / 1000
        return out


def check_places_in_countries(places: gpd.GeoDataFrame, index: CountryIndex, report: Report,
                              name: str = "places.geojson", declared: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """The places that lie in (or within the tolerance of) their declared countries; each other one is an error.

    ``declared`` holds every ``iso_a3`` the countries file names, also of features that did not load: a place
    in such a country cannot be checked and keeps a warning; a code the file does not name at all is an error.
    A place that fits only with longitude and latitude swapped, one too far from its country and one declared
    in the occupier's code inside :data:`OCCUPIED_AREAS` are set aside.
    """
    if places.empty or not index.shapes:
        return places
    known = set(index.shapes) | set(declared or ())
    wheres, ids = places["where"].tolist(), places["id"].tolist()
    codes = [str(c) for c in places["country"].tolist()]
    xs, ys = places.geometry.x.to_numpy(float), places.geometry.y.to_numpy(float)
    pairs = [(row, code) for row, text in enumerate(codes) for code in text.split("/")]
    checkable = [(row, code) for row, code in pairs if code in index.shapes]
    rows = np.array([row for row, _ in checkable], dtype=np.int64)
    km = index.distances_km([code for _, code in checkable], xs[rows], ys[rows])
    far: dict[int, list[tuple[str, float]]] = {}
    for row, (_, code), dist in zip(rows, checkable, km, strict=True):
        if dist > COUNTRY_TOLERANCE_KM:
            far.setdefault(int(row), []).append((code, float(dist)))
    keep = np.ones(len(places), dtype=bool)
    for row, code in pairs:
        if code not in known:
            report.add(name, wheres[row], "country", codes[row],
                       f"a country code of countries.geojson (its iso_a3); {code} is not one; the place was set aside")
            keep[row] = False
        elif code not in index.shapes:
            report.add(name, wheres[row], "country", codes[row],
                       f"a country whose outline loaded: {code}'s feature in countries.geojson did not (see its "
                       f"error), so place {ids[row]} was not checked against it", "warning")
    occupied = _occupied(codes, xs, ys, index)
    for row in sorted(set(occupied) | set(far)):
        if not keep[row]:
            continue
        keep[row] = False
        if row in occupied:
            report.add(name, wheres[row], "country", codes[row], _occupier_problem(occupied[row]))
        else:
            _report_far(name, wheres[row], ids[row], codes[row], float(xs[row]), float(ys[row]), far[row], index,
                        report)
    return places[keep]


def _occupied(codes: list[str], xs: np.ndarray, ys: np.ndarray, index: CountryIndex) -> dict[int, OccupiedArea]:
    """The rows declared in an occupier's code (and not in the occupied country's) that lie in its occupied area."""
    found: dict[int, OccupiedArea] = {}
    for area in OCCUPIED_AREAS:
        shape = index.shapes.get(area.country)
        if shape is None:
            continue
        west, south, east, north = area.bounds
        named = np.array([area.occupier in c.split("/") and area.country not in c.split("/") for c in codes])
        rows = np.flatnonzero(named & (xs >= west) & (xs <= east) & (ys >= south) & (ys <= north))
        for row in rows[shapely.intersects_xy(shape, xs[rows], ys[rows])] if len(rows) else ():
            found.setdefault(int(row), area)
    return found


def _occupier_problem(area: OccupiedArea) -> str:
    return (f"{area.country} for a place in {area.name}: occupied territory is declared in the country whose "
            "internationally recognised borders hold it, as the basemap draws them (OCCUPIED_AREAS in "
            "layers/load/placement.py); say who controls it in note; the place was set aside")


def _report_far(name: str, where: str, pid: str, declared: str, x: float, y: float, far: list[tuple[str, float]],
                index: CountryIndex, report: Report) -> None:
    codes = [c for c in declared.split("/") if c in index.shapes]
    if -180 <= y <= 180 and -90 <= x <= 90 and codes:
        swapped = index.distances_km(codes, np.full(len(codes), y), np.full(len(codes), x))
        if (swapped <= COUNTRY_TOLERANCE_KM).all():
            report.add(name, where, "geometry.coordinates", [x, y],
                       f"[longitude, latitude] order: place {pid} falls in {declared} only when swapped")
            return
    how_far = "; ".join(f"{dist:,.0f} km from {code}" for code, dist in far)
    each = "each country of the border point " if "/" in declared else "its declared country "
    report.add(name, where, "geometry.coordinates", [x, y],
               f"a point within {COUNTRY_TOLERANCE_KM:g} km of {each}{declared} (countries.geojson); it is {how_far}: "
               "check the coordinate or the country; the place was set aside")


ROUTE_END_TOLERANCE_M = 200.0
"""How far a route's first or last vertex may lie from its ``from``/``to`` place: the vertex is that place's
coordinate (written to 3 decimals it is within about 80 m)."""


def check_route_ends(routes: gpd.GeoDataFrame, places: dict[str, tuple[float, float]], report: Report,
                     name: str = "routes.geojson") -> gpd.GeoDataFrame:
    """The routes whose first and last vertices sit on their ``from`` and ``to`` places; each other one is an error.

    Routes whose places are unknown are left to the reference check. The vertices between the ends carry no
    country rule: sea lanes run offshore and schematic lines are sketches.
    """
    if routes.empty:
        return routes
    keep = np.ones(len(routes), dtype=bool)
    starts = [line.coords[0] for line in routes.geometry]
    ends = [line.coords[-1] for line in routes.geometry]
    for row, (where, rid, a, b) in enumerate(zip(routes["where"], routes["id"], routes["from"], routes["to"],
                                                 strict=True)):
        if a not in places or b not in places:
            continue
        off = [(column, pid, vertex, _metres(vertex, places[pid]))
               for column, pid, vertex in (("from", a, starts[row]), ("to", b, ends[row]))]
        off = [item for item in off if item[3] > ROUTE_END_TOLERANCE_M]
        if not off:
            continue
        keep[row] = False
        reversed_ = _metres(starts[row], places[b]) <= ROUTE_END_TOLERANCE_M and \
            _metres(ends[row], places[a]) <= ROUTE_END_TOLERANCE_M
        for column, pid, vertex, metres in off:
            which = "first" if column == "from" else "last"
            hint = "; the line runs from 'to' to 'from': reverse it" if reversed_ else ""
            report.add(name, where, "geometry.coordinates", [round(v, 6) for v in vertex[:2]],
                       f"the {which} vertex on the '{column}' place {pid} (within {ROUTE_END_TOLERANCE_M:g} m of "
                       f"its coordinate {list(places[pid])}); it is {metres / 1000:,.1f} km away{hint}; route {rid} "
                       "was set aside")
    return routes[keep]


def _metres(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return float(_GEOD.inv(a[0], a[1], b[0], b[1])[2])
