"""GeoJSON FeatureCollections checked feature by feature, with explicit repairs where they are safe."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError
from shapely import affinity
from shapely.geometry import box, shape
from shapely.geometry.base import BaseGeometry

from layers.load.readers import DEFAULT_LIMITS, Limits
from layers.model.report import Report

_WGS84_NAMES = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:epsg::4326", "epsg:4326", "crs84"}
_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}

Feature = tuple[int, dict[str, Any], BaseGeometry]
_NUMBER = (int, float)


class _Bad(ValueError):
    """A geometry problem: the message is what was expected."""


def _positions(coords: Any, depth: int) -> list[list[float]]:
    """Every position of a coordinates array of the given nesting depth, checked for shape and numbers."""
    if depth == 0:
        if not isinstance(coords, list | tuple) or len(coords) < 2:
            raise _Bad("a position [longitude, latitude]")
        x, y = coords[0], coords[1]
        if type(x) not in _NUMBER or type(y) not in _NUMBER:  # bool is not a number here
            raise _Bad("numeric coordinates")
        try:
            finite = math.isfinite(x) and math.isfinite(y)
        except OverflowError:
            finite = False
        if not finite:
            raise _Bad("finite coordinates (no NaN or Infinity)")
        return [coords]
    if not isinstance(coords, list):
        raise _Bad("a nested array of positions")
    out: list[list[float]] = []
    for part in coords:
        out.extend(_positions(part, depth - 1))
    return out


def _map_positions(coords: Any, depth: int, fn: Callable[[float, float], tuple[float, float]]) -> Any:
    if depth == 0:
        return list(fn(coords[0], coords[1]))
    return [_map_positions(c, depth - 1, fn) for c in coords]


AREA_MARGIN_DEG = 6.0
"""How far (degrees) a reprojected position may lie outside its CRS's area of use (one UTM zone's width: zones
are often used a little beyond their strip)."""


@dataclass(frozen=True)
class _Declared:
    """A file's legacy ``crs`` member: its label, the CRS and the transform to WGS84 (None: already WGS84)."""

    label: str
    crs: CRS
    transform: Callable[..., Any] | None


def _crs_declared(obj: dict[str, Any], name: str, report: Report) -> _Declared | bool | None:
    """The legacy ``crs`` member of a collection: True when there is none, None (an error) when unusable."""
    crs = obj.get("crs")
    if crs is None:
        return True
    try:
        label = str(crs["properties"]["name"])
    except (KeyError, TypeError):
        report.reject(name, "", "crs", crs, "no crs member (RFC 7946 data is WGS84 longitude/latitude)")
        return None
    if label.strip().lower() in _WGS84_NAMES:
        return _Declared(label, CRS("OGC:CRS84"), None)
    try:
        source = CRS.from_user_input(label)
        if not (source.is_geographic or source.is_projected):
            raise CRSError(label)
        transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    except (CRSError, ProjError):
        report.reject(name, "", "crs", label, "a known geographic or projected coordinate reference system, or "
                      "none (WGS84)")
        return None
    return _Declared(label, source, transformer.transform)


def _raw_positions(features: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """Feature index and (x, y) of every well-formed position of the features (malformed ones are skipped)."""
    owners: list[int] = []
    xy: list[tuple[float, float]] = []
    for index, feature in enumerate(features):
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        depth = _DEPTH.get(geometry.get("type")) if isinstance(geometry, dict) else None
        if depth is None:
            continue
        try:
            points = _positions(geometry.get("coordinates"), depth)
        except _Bad:
            continue
        owners.extend([index] * len(points))
        xy.extend((p[0], p[1]) for p in points)
    return np.asarray(owners, dtype=np.int64), np.asarray(xy, dtype=float).reshape(-1, 2)


def _in_area(lon: np.ndarray, lat: np.ndarray, crs: CRS) -> np.ndarray:
    area = crs.area_of_use
    if area is None:
        return np.isfinite(lon) & np.isfinite(lat)
    m = AREA_MARGIN_DEG
    lat_ok = (lat >= area.south - m) & (lat <= area.north + m)
    if area.west <= area.east:
        lon_ok = (lon >= area.west - m) & (lon <= area.east + m)
    else:  # the area crosses the antimeridian
        lon_ok = (lon >= area.west - m) | (lon <= area.east + m)
    return np.isfinite(lon) & np.isfinite(lat) & lat_ok & lon_ok


def _fmt(x: float, y: float) -> str:
    return f"({x:.10g}, {y:.10g})"


def _lonlat(lon: float, lat: float) -> str:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "nowhere (the transformation fails)"
    return f"longitude {lon:.5f}, latitude {lat:.5f}"


def _crs_misfits(features: list[Any], declared: _Declared, name: str, report: Report) -> dict[int, str] | None:
    """Features whose coordinates cannot be in the declared CRS, with why; None (one error) to refuse the file.

    The rule (``geodata/SCHEMA.md``): under a geographic CRS a position must be within ±180/±90 (or be so when
    swapped, which is reported feature by feature); under a projected CRS a position must not be within ±180/±90
    (degrees: read as the CRS's units they would land within a few hundred metres of its origin, which is 0°N 0°E
    for Web Mercator), and reprojected it must be finite and inside the CRS's area of use widened by
    ``AREA_MARGIN_DEG``. When more than half of the features have a position that does not fit, the declaration
    is wrong for the file and the whole file is refused; otherwise each such feature is set aside. Nothing is
    ever reprojected to a place its coordinates cannot mean.
    """
    owners, xy = _raw_positions(features)
    if not len(owners):
        return {}
    x, y = xy[:, 0], xy[:, 1]
    degree_like = (np.abs(x) <= 180) & (np.abs(y) <= 90)
    crs = declared.crs
    if crs.is_geographic:
        fits = degree_like | ((np.abs(y) <= 180) & (np.abs(x) <= 90))
        lon, lat = x, y
    else:
        assert declared.transform is not None
        with np.errstate(all="ignore"):
            lon, lat = (np.asarray(v, dtype=float) for v in declared.transform(x, y))
        fits = ~degree_like & _in_area(lon, lat, crs)
    bad = np.zeros(len(features), dtype=bool)
    np.logical_or.at(bad, owners, ~fits)
    checked = np.unique(owners)
    first = int(np.argmin(fits))  # the first position that does not fit (when any)
    unit = crs.axis_info[0].unit_name if crs.axis_info else "units"
    if 2 * int(bad.sum()) > len(checked):
        count = f"{int(bad.sum())} of {len(checked)} features"
        if crs.is_geographic:
            expected = (f"longitude/latitude degrees, as the crs member {declared.label} declares: {count} have "
                        f"values beyond ±180/±90, e.g. {_fmt(x[first], y[first])}, which look like projected "
                        "metres; nothing in the file was loaded: name their projected CRS in the crs member "
                        "(e.g. EPSG:3857) or reproject them to WGS84 longitude/latitude")
        elif 2 * int((degree_like & ~fits).sum()) >= int((~fits).sum()):  # mostly degrees
            first = int(np.argmax(degree_like & ~fits))
            expected = (f"{unit}s of {declared.label}, as the crs member declares: {count} have only values "
                        f"within ±180/±90, which are longitude/latitude degrees (read as {declared.label} the "
                        f"first, {_fmt(x[first], y[first])}, would land at {_lonlat(lon[first], lat[first])}); "
                        "nothing in the file was loaded: if the coordinates are WGS84 longitude/latitude, remove "
                        "the crs member (RFC 7946; in GeoParquet, declare OGC:CRS84); otherwise write them in "
                        f"{declared.label}")
        else:
            expected = (f"coordinates in {declared.label}, as the crs member declares: {count} fall outside the "
                        f"area where it is defined ({_area(crs)}), e.g. {_fmt(x[first], y[first])} at "
                        f"{_lonlat(lon[first], lat[first])}; nothing in the file was loaded: name the CRS the "
                        "coordinates are really in, or reproject them to WGS84")
        report.reject(name, "", "crs", declared.label, expected)
        return None
    if crs.is_geographic:
        return {}  # the few positions beyond ±180/±90 are named feature by feature by the range check
    misfits: dict[int, str] = {}
    for position in np.flatnonzero(~fits):
        index = int(owners[position])
        if index in misfits:
            continue
        px, py, plon, plat = x[position], y[position], lon[position], lat[position]
        if degree_like[position]:
            misfits[index] = (f"{unit}s of {declared.label} (the file's crs): {_fmt(px, py)} is within ±180/±90, "
                              f"i.e. longitude/latitude degrees; read as {declared.label} it would land at "
                              f"{_lonlat(plon, plat)}; the feature was set aside, not moved")
        else:
            misfits[index] = (f"a position inside the area where {declared.label} is defined ({_area(crs)}): "
                              f"{_fmt(px, py)} is at {_lonlat(plon, plat)}, where its numbers are unreliable and most "
                              "often belong to another CRS; the feature was set aside, not moved (write it in a CRS "
                              "whose area holds it, or in WGS84)")
    return misfits


def _area(crs: CRS) -> str:
    area = crs.area_of_use
    if area is None:
        return "no area of use known"
    return (f"longitude {area.west:g}..{area.east:g}, latitude {area.south:g}..{area.north:g}, "
            f"widened by {AREA_MARGIN_DEG:g}°")


def _range_problem(positions: list[list[float]]) -> str | None:
    for lon, lat in (p[:2] for p in positions):
        if -180 <= lon <= 180 and -90 <= lat <= 90:
            continue
        if -180 <= lat <= 180 and -90 <= lon <= 90:
            return (f"[longitude, latitude] order: ({lon}, {lat}) looks swapped (GeoJSON puts "
                    "longitude first)")
        return f"longitude within -180..180 and latitude within -90..90, got ({lon}, {lat})"
    return None


def _crosses_antimeridian(ring: list[list[float]]) -> bool:
    return any(abs(a[0] - b[0]) > 180 for a, b in pairwise(ring))


def _split_antimeridian(polygons: list[list[list[list[float]]]]) -> BaseGeometry:
    """Polygons whose edges jump across 180 degrees, each cut into parts on either side of the antimeridian.

    Only the polygons that cross are shifted and cut; the others are kept as they are.
    """
    parts: list[BaseGeometry] = []
    for poly in polygons:
        if not any(_crosses_antimeridian(ring) for ring in poly):
            parts.append(shapely.Polygon(poly[0], poly[1:]))
            continue
        shifted = [[(x + 360 if x < 0 else x, y) for x, y, *_ in ring] for ring in poly]
        geom = shapely.make_valid(shapely.Polygon(shifted[0], shifted[1:]))
        parts.append(geom.intersection(box(0, -90, 180, 90)))
        parts.append(affinity.translate(geom.intersection(box(180, -90, 360, 90)), xoff=-360))
    pieces = shapely.get_parts(shapely.get_parts(parts))  # collections of multipolygons, flattened
    return shapely.MultiPolygon([g for g in pieces if g.geom_type == "Polygon" and not g.is_empty])


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _polygon_repairs(gtype: str, coords: Any, name: str, where: str, report: Report) -> BaseGeometry:
    polygons = [coords] if gtype == "Polygon" else coords
    for poly in polygons:
        if not poly:
            raise _Bad("at least one ring in every polygon")
        for ring in poly:
            if len(ring) < 3:
                raise _Bad("rings of at least 4 positions")
            if ring[0][:2] != ring[-1][:2]:
                report.add(name, where, "geometry", "unclosed ring",
                           "closed rings (first position = last); the ring was closed", "warning")
                ring.append(list(ring[0]))
            if len(ring) < 4:
                raise _Bad("rings of at least 4 positions")
    crosses = any(_crosses_antimeridian(ring) for poly in polygons for ring in poly)
    if crosses:
        report.add(name, where, "geometry", "edges jump across 180°",
                   "polygons cut at the antimeridian; it was split into parts east and west", "warning")
        geom = _split_antimeridian(polygons)
    else:
        geom = shape({"type": gtype, "coordinates": coords})
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        repaired = _polygonal(shapely.make_valid(geom))
        if repaired.is_empty:
            raise _Bad(f"a polygon with an area (this one is {reason})")
        report.add(name, where, "geometry", reason,
                   "a valid polygon; it was repaired with make_valid", "warning")
        return shapely.orient_polygons(repaired)
    oriented = shapely.orient_polygons(geom)
    if not crosses and not oriented.equals_exact(geom, 0):
        report.add(name, where, "geometry", "clockwise exterior ring",
                   "RFC 7946 winding (exterior counter-clockwise); it was reoriented", "warning")
    return oriented


def read_features(obj: object, name: str, report: Report, types: Sequence[str],
                  limits: Limits = DEFAULT_LIMITS) -> list[Feature]:
    """The good features of a parsed FeatureCollection as (index, properties, geometry).

    Each bad feature is reported (file, feature index, field, value, expectation) and set aside.
    """
    if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
        found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
        report.reject(name, "", "type", found, "a GeoJSON FeatureCollection")
        return []
    features = obj.get("features")
    if not isinstance(features, list):
        report.reject(name, "", "features", type(features).__name__, "a list of features")
        return []
    declared = _crs_declared(obj, name, report)
    if declared is None:
        return []
    transform: Callable[..., Any] | None = None
    misfits: dict[int, str] = {}
    if isinstance(declared, _Declared):
        checked = _crs_misfits(features[: limits.max_features], declared, name, report)
        if checked is None:
            return []
        misfits, transform = checked, declared.transform
        if transform is None:
            report.add(name, "", "crs", declared.label, "no crs member (RFC 7946); WGS84 assumed", "warning")
        else:
            report.add(name, "", "crs", declared.label, "WGS84 coordinates; reprojected from that CRS to WGS84",
                       "warning")
    if len(features) > limits.max_features:
        report.add(name, "", "features", f"{len(features):,} features",
                   f"at most {limits.max_features:,} features (the feature limit); the rest were not read")
        features = features[: limits.max_features]
    good: list[Feature] = []
    for index, feature in enumerate(features):
        where = f"feature {index}"
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            found = feature.get("type") if isinstance(feature, dict) else type(feature).__name__
            report.add(name, where, "type", found, "a GeoJSON Feature")
            continue
        props = feature.get("properties")
        if props is None:
            report.add(name, where, "properties", None, "an object of properties (this feature has none)")
            continue
        if not isinstance(props, dict):
            report.add(name, where, "properties", type(props).__name__, "an object of properties")
            continue
        geometry = feature.get("geometry")
        if geometry is None:
            report.add(name, where, "geometry", None, f"a {' or '.join(types)} geometry (it is null)")
            continue
        if not isinstance(geometry, dict):
            report.add(name, where, "geometry", geometry, f"a {' or '.join(types)} geometry object")
            continue
        gtype = geometry.get("type")
        if gtype not in types:
            report.add(name, where, "geometry.type", gtype, f"{' or '.join(types)} (one geometry type per file)")
            continue
        try:
            coords = geometry.get("coordinates")
            points = _positions(coords, _DEPTH[gtype])
            if not points:
                raise _Bad("a non-empty geometry")
            if index in misfits:
                raise _Bad(misfits[index])
            if transform is not None:
                coords = _map_positions(coords, _DEPTH[gtype], transform)
                points = _positions(coords, _DEPTH[gtype])
            problem = _range_problem(points)
            if problem:
                raise _Bad(problem)
            if gtype in ("Polygon", "MultiPolygon"):
                geom = _polygon_repairs(gtype, coords, name, where, report)
            else:
                geom = shape({"type": gtype, "coordinates": coords})
                if gtype in ("LineString", "MultiLineString") and len(points) < 2:
                    raise _Bad("a line of at least 2 positions")
            if geom.is_empty:
                raise _Bad("a non-empty geometry")
        except _Bad as exc:
            report.add(name, where, "geometry.coordinates", _preview(geometry.get("coordinates")), str(exc))
            continue
        good.append((index, props, geom))
    return good


def _preview(coords: Any) -> str:
    text = str(coords)
    return text if len(text) <= 60 else text[:59] + "…"
