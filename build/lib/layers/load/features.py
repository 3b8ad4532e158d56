"""GeoJSON FeatureCollections checked feature by feature, with explicit repairs where they are safe."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

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


def _crs_transform(obj: dict[str, Any], name: str, report: Report) -> Callable | bool | None:
    """The transform to WGS84 for a legacy ``crs`` member; True when none is needed, None when unusable."""
    crs = obj.get("crs")
    if crs is None:
        return True
    try:
        label = str(crs["properties"]["name"])
    except (KeyError, TypeError):
        report.reject(name, "", "crs", crs, "no crs member (RFC 7946 data is WGS84 longitude/latitude)")
        return None
    if label.strip().lower() in _WGS84_NAMES:
        report.add(name, "", "crs", label, "no crs member (RFC 7946); WGS84 assumed", "warning")
        return True
    try:
        source = CRS.from_user_input(label)
        if not (source.is_geographic or source.is_projected):
            raise CRSError(label)
        transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    except (CRSError, ProjError):
        report.reject(name, "", "crs", label, "a known geographic or projected coordinate reference system, or "
                      "none (WGS84)")
        return None
    report.add(name, "", "crs", label, "WGS84 coordinates; reprojected from that CRS to WGS84", "warning")
    return transformer.transform


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
    transform = _crs_transform(obj, name, report)
    if transform is None:
        return []
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
            if transform is not True:
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
