"""Bring your own data: a user's uploaded files, checked like ``geodata/`` and merged into a session's catalog.

What a file is, is read from its content, never trusted from its name:

- a CSV whose header has the events columns (``date``, ``category``, ``title``...) adds events;
- a CSV whose header has ``outlet`` and ``url`` adds sources;
- a GeoJSON whose features carry the places properties (``id``, ``name``, ``kind``, ``country``...) adds
  places; one whose features carry ``mode``, ``from`` and ``to`` adds routes;
- any other GeoJSON FeatureCollection, or a GeoParquet file, is an *overlay*: its features drawn as they are,
  their properties shown as text.

Every file goes through the same readers and checks as the shipped data (``readers``, ``features``,
``tables`` and the column specs of ``catalog``), under the smaller :data:`UPLOAD_LIMITS`. Problems are
reported against the user's file name, row or feature, field and value. Good rows are merged into a *new*
:class:`~layers.load.catalog.Catalog`; the shipped one is never changed, and an id it already uses is an error for
the uploaded row. A GeoParquet file's footer (row count, uncompressed size, columns) is checked before any
of its data is read.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.load.catalog import (
    EVENT_COLUMNS,
    PLACE_COLUMNS,
    ROUTE_COLUMNS,
    SOURCE_COLUMNS,
    WGS84,
    Catalog,
    events_frame,
    features_frame,
    place_points,
    sources_frame,
)
from layers.load.derived import Key
from layers.load.features import read_features
from layers.load.placement import CountryIndex, check_places_in_countries, check_route_ends
from layers.load.readers import Limits, csv_rows, decode, parse_json
from layers.load.tables import Column, Row, check_rows
from layers.model.report import Report

UPLOAD_LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_depth=32, max_features=20_000, max_rows=20_000)
"""What one uploaded file may hold (Streamlit's own ``server.maxUploadSize`` is a second, outer bound)."""
MAX_PARQUET_UNCOMPRESSED = 64 * 1024 * 1024
"""Uncompressed bytes a GeoParquet file may declare in its footer (checked before reading any data)."""
MAX_PARQUET_COLUMNS = 200
MAX_UPLOADS = 20
MAX_NAME = 120
MAX_OVERLAY_PROPERTIES = 30
"""Properties of an overlay feature shown in its text; the rest are counted."""
MAX_OVERLAY_VALUE = 300
"""Characters of one property value shown in an overlay feature's text."""
OVERLAY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")

EVENTS, SOURCES, PLACES, ROUTES, OVERLAY, UNREAD = "events", "sources", "places", "routes", "overlay", "not loaded"
KIND_ORDER = (PLACES, ROUTES, SOURCES, OVERLAY, EVENTS)
"""Merge order: what other files refer to comes first (events refer to places and sources)."""


@dataclass(frozen=True)
class Upload:
    """A file as the user sent it: its name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class FileResult:
    """What became of one uploaded file."""

    name: str
    kind: str
    loaded: int
    errors: int
    warnings: int


@dataclass
class SessionData:
    """A session's catalog (the shipped data plus the good uploaded rows), the upload report and per-file results.

    ``catalog`` is the shipped catalog itself when nothing was uploaded or nothing loaded.
    """

    catalog: Catalog
    report: Report
    files: list[FileResult] = field(default_factory=list)

    def table(self) -> list[dict[str, str]]:
        """The report as rows (file, where, field, value, expected, severity) for a table."""
        return [{"file": p.file, "where": p.where, "field": p.field, "value": p.value, "expected": p.expected,
                 "severity": p.severity} for p in [*self.report.errors, *self.report.warnings]]


@dataclass
class _Parsed:
    name: str
    kind: str
    text: str | None = None
    obj: Any = None


def display_name(name: str) -> str:
    """The user's file name as plain, short text: no folders, no control characters (shown, never used as a path)."""
    base = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base[: MAX_NAME - 1] + "…" if len(base) > MAX_NAME else base) or "unnamed file"


def _unique_names(uploads: Sequence[Upload]) -> list[str]:
    seen: dict[str, int] = {}
    names = []
    for upload in uploads:
        name = display_name(upload.name)
        seen[name] = seen.get(name, 0) + 1
        names.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return names


def _required(columns: tuple[Column, ...]) -> tuple[str, ...]:
    return tuple(c.name for c in columns if c.required)


def _csv_kind(text: str, name: str, report: Report) -> str:
    try:
        header = {h.strip() for h in next(csv.reader(io.StringIO(text, newline="")), [])}
    except csv.Error as exc:
        report.reject(name, "row 1", "", str(exc), "a readable CSV header")
        return UNREAD
    if {"date", "category", "title"} <= header:
        return EVENTS
    if {"outlet", "url"} <= header:
        return SOURCES
    report.reject(name, "row 1", "", ", ".join(sorted(header))[:200] or "(empty)",
                  f"an events CSV (header with {', '.join(_required(EVENT_COLUMNS))}) or a sources CSV "
                  f"(header with {', '.join(_required(SOURCE_COLUMNS))})")
    return UNREAD


def _geojson_kind(obj: object) -> str:
    """Places or routes when the features carry those properties, else an overlay."""
    features = obj.get("features") if isinstance(obj, dict) else None
    keys: set[str] = set()
    for feature in features[:50] if isinstance(features, list) else []:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            keys |= set(props)
    if set(_required(PLACE_COLUMNS)) <= keys:
        return PLACES
    if {"mode", "from", "to"} <= keys:
        return ROUTES
    return OVERLAY


def _crs_member(column: dict[str, Any], name: str, report: Report) -> dict[str, Any] | bool | None:
    """The GeoParquet column's CRS as a legacy GeoJSON ``crs`` member (None: WGS84; False: unusable)."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    if "crs" not in column:
        return None  # GeoParquet: a missing crs means OGC:CRS84
    raw = column["crs"]
    if raw is None:
        report.reject(name, "", "geo.crs", "null (unknown)", "a known coordinate reference system (or none: WGS84)")
        return False
    try:
        crs = CRS.from_user_input(raw if isinstance(raw, str) else json.dumps(raw))
    except CRSError:
        report.reject(name, "", "geo.crs", raw, "a known coordinate reference system (PROJJSON)")
        return False
    if crs.equals(CRS("OGC:CRS84")) or crs.to_epsg() == 4326:
        return None
    authority = crs.to_authority()
    label = ":".join(authority) if authority else crs.to_wkt()
    return {"type": "name", "properties": {"name": label}}


def read_geoparquet(data: bytes, name: str, report: Report, limits: Limits = UPLOAD_LIMITS) -> dict | None:
    """A GeoParquet file as a GeoJSON-like FeatureCollection, or None (with an error) when it is refused.

    The footer is checked first (rows, declared uncompressed size, columns, the ``geo`` metadata); only a file
    within every limit has its data read, so a small file that claims gigabytes costs nothing.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    if len(data) > limits.max_bytes:
        report.reject(name, "", "", f"{len(data):,} bytes", f"a file of at most {limits.max_bytes:,} bytes "
                      "(the size limit)")
        return None
    try:
        parquet = pq.ParquetFile(io.BytesIO(data))
        meta = parquet.metadata
    except (pa.ArrowException, OSError, ValueError) as exc:
        report.reject(name, "", "", str(exc)[:200], "a readable Parquet file (it may be truncated)")
        return None
    declared = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    if meta.num_rows > limits.max_features:
        report.reject(name, "", "", f"{meta.num_rows:,} rows (from the file's metadata)",
                      f"at most {limits.max_features:,} rows (the feature limit); nothing was read")
        return None
    if declared > MAX_PARQUET_UNCOMPRESSED:
        report.reject(name, "", "", f"{declared:,} bytes uncompressed (from the file's metadata)",
                      f"at most {MAX_PARQUET_UNCOMPRESSED:,} bytes uncompressed (the size limit); nothing was read")
        return None
    if meta.num_columns > MAX_PARQUET_COLUMNS:
        report.reject(name, "", "", f"{meta.num_columns:,} columns",
                      f"at most {MAX_PARQUET_COLUMNS} columns (the column limit); nothing was read")
        return None
    geo_text = (meta.metadata or {}).get(b"geo")
    if geo_text is None:
        report.reject(name, "", "geo", None, "GeoParquet: a Parquet file with 'geo' metadata")
        return None
    geo = parse_json(geo_text.decode("utf-8", "replace"), name, report, limits)
    columns = geo.get("columns") if isinstance(geo, dict) else None
    primary = geo.get("primary_column") if isinstance(geo, dict) else None
    if not isinstance(columns, dict) or not isinstance(columns.get(primary), dict):
        report.reject(name, "", "geo.primary_column", primary, "GeoParquet 'geo' metadata naming its geometry column")
        return None
    column = columns[primary]
    if str(column.get("encoding", "")).upper() != "WKB":
        report.reject(name, "", "geo.encoding", column.get("encoding"), "WKB geometries")
        return None
    crs = _crs_member(column, name, report)
    if crs is False:
        return None
    try:
        table = parquet.read()
    except (pa.ArrowException, OSError, ValueError) as exc:
        report.reject(name, "", "", str(exc)[:200], "readable Parquet data (it may be truncated)")
        return None
    if primary not in table.column_names:
        report.reject(name, "", "geo.primary_column", primary, "a geometry column that exists in the file")
        return None
    wkb = table.column(primary).to_pylist()
    geoms = shapely.from_wkb([w if isinstance(w, bytes) else None for w in wkb], on_invalid="ignore")
    others = [c for c in table.column_names if c != primary]
    values = {c: table.column(c).to_pylist() for c in others}
    features = []
    for i, geom in enumerate(geoms):
        geometry = None if geom is None else json.loads(shapely.to_geojson(geom), parse_constant=float)
        features.append({"type": "Feature", "geometry": geometry, "properties": {c: values[c][i] for c in others}})
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = crs
    return collection


def _value_text(value: object) -> str:
    if isinstance(value, dict | list | tuple):
        text = json.dumps(value, ensure_ascii=False, default=str)
    else:
        text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_OVERLAY_VALUE else text[: MAX_OVERLAY_VALUE - 1] + "…"


def feature_text(props: dict[str, Any]) -> str:
    """A feature's properties as plain text, one ``key: value`` a line (capped); shown as text, never as HTML."""
    items = list(props.items())
    lines = [f"{_value_text(k)}: {_value_text(v)}" for k, v in items[:MAX_OVERLAY_PROPERTIES]]
    if len(items) > MAX_OVERLAY_PROPERTIES:
        lines.append(f"… and {len(items) - MAX_OVERLAY_PROPERTIES} more properties")
    return "\n".join(lines)


def _overlay(obj: object, name: str, report: Report, limits: Limits) -> gpd.GeoDataFrame:
    feats = read_features(obj, name, report, OVERLAY_TYPES, limits)
    return gpd.GeoDataFrame({"feature": [i for i, _, _ in feats], "text": [feature_text(p) for _, p, _ in feats]},
                            geometry=[g for _, _, g in feats], crs=WGS84)


def _parse(upload: Upload, name: str, report: Report, limits: Limits) -> _Parsed:
    """Read one file and say what it is; UNREAD (with an error) when it cannot be used."""
    data = upload.data
    if data.startswith(b"PAR1"):
        obj = read_geoparquet(data, name, report, limits)
        return _Parsed(name, OVERLAY if obj is not None else UNREAD, obj=obj)
    text = decode(data, name, report, limits)
    if text is None:
        return _Parsed(name, UNREAD)
    if not text.strip():
        report.reject(name, "", "", "", "a CSV with a header row, or a GeoJSON FeatureCollection (the file is empty)")
        return _Parsed(name, UNREAD)
    if text.lstrip()[:1] in "{[":
        obj = parse_json(text, name, report, limits)
        if obj is None:
            return _Parsed(name, UNREAD)
        if not isinstance(obj, dict) or obj.get("type") != "FeatureCollection":
            found = obj.get("type") if isinstance(obj, dict) else type(obj).__name__
            report.reject(name, "", "type", found, "a GeoJSON FeatureCollection")
            return _Parsed(name, UNREAD)
        return _Parsed(name, _geojson_kind(obj), obj=obj)
    return _Parsed(name, _csv_kind(text, name, report), text=text)


def _table_rows(parsed: _Parsed, columns: tuple[Column, ...], report: Report, limits: Limits) -> list[Row]:
    rows = csv_rows(parsed.text or "", parsed.name, report, _required(columns), limits, tuple(c.name for c in columns))
    return check_rows(parsed.name, [(f"row {n}", cells) for n, cells in rows], columns, report)


def _new_ids(name: str, rows: list[Row], taken: dict[str, str], report: Report, what: str) -> list[Row]:
    """Rows whose id is not taken by the shipped data or an earlier upload (the others are errors)."""
    kept = []
    for where, row in rows:
        owner = taken.get(row["id"])
        if owner is not None:
            report.add(name, where, "id", row["id"],
                       f"an id not already used: {row['id']} is already {what} of {owner}; the row was set aside")
            continue
        taken[row["id"]] = f"the upload {name}"
        kept.append((where, row))
    return kept


def _new_features(name: str, frame: gpd.GeoDataFrame, taken: dict[str, str], report: Report,
                  what: str) -> gpd.GeoDataFrame:
    rows = list(zip(frame["where"], [{"id": i} for i in frame["id"]], strict=True))
    keep = {where for where, _ in _new_ids(name, rows, taken, report, what)}
    return frame[frame["where"].isin(keep)]


def _concat(base: pd.DataFrame, extra: list[pd.DataFrame]) -> pd.DataFrame:
    extra = [e for e in extra if len(e)]
    if not extra:
        return base
    return pd.concat([base.reset_index(drop=True), *(e.reset_index(drop=True) for e in extra)], ignore_index=True)


def _copy_report(report: Report) -> Report:
    copy = Report()
    copy.extend(report.problems)
    copy.rejected_files |= report.rejected_files
    copy.unlisted.update(report.unlisted)
    return copy


_COUNTRY_INDEX: Key[CountryIndex] = Key("country index")


def _countries(catalog: Catalog) -> CountryIndex:
    """The shipped countries' outlines, indexed once per catalog."""
    return catalog.derived.get(_COUNTRY_INDEX, lambda: CountryIndex.of(catalog.countries))


def merge_uploads(catalog: Catalog, uploads: Iterable[Upload], limits: Limits = UPLOAD_LIMITS) -> SessionData:
    """The shipped ``catalog`` plus the good rows of ``uploads``, as a new Catalog; ``catalog`` is not changed."""
    uploads = list(uploads)
    report = Report()
    if len(uploads) > MAX_UPLOADS:
        report.add("(uploads)", "", "", f"{len(uploads)} files",
                   f"at most {MAX_UPLOADS} files at once (the upload limit); the rest were not read")
        uploads = uploads[:MAX_UPLOADS]
    parsed = [_parse(u, n, report, limits) for u, n in zip(uploads, _unique_names(uploads), strict=True)]
    shipped = "the shipped data"
    place_ids = dict.fromkeys(catalog.places["id"], shipped)
    route_ids = dict.fromkeys(catalog.routes["id"], shipped)
    source_ids = dict.fromkeys(catalog.sources["id"], shipped)
    event_ids = dict.fromkeys(catalog.events["id"], shipped)
    places: list[pd.DataFrame] = []
    routes: list[pd.DataFrame] = []
    sources: list[pd.DataFrame] = []
    events: list[pd.DataFrame] = []
    overlays: dict[str, gpd.GeoDataFrame] = {}
    loaded: dict[str, int] = {}
    for item in sorted(parsed, key=lambda p: KIND_ORDER.index(p.kind) if p.kind in KIND_ORDER else -1):
        name = item.name
        if item.kind == PLACES:
            frame = features_frame(item.obj, name, report, ("Point",), PLACE_COLUMNS, limits)
            frame = _new_features(name, frame, place_ids, report, "a place")
            frame = check_places_in_countries(frame, _countries(catalog), report, name)
            places.append(frame)
            loaded[name] = len(frame)
        elif item.kind == ROUTES:
            frame = features_frame(item.obj, name, report, ("LineString",), ROUTE_COLUMNS, limits)
            frame = _new_features(name, frame, route_ids, report, "a route")
            good = []
            for where, a, b in zip(frame["where"], frame["from"], frame["to"], strict=True):
                missing = [(col, v) for col, v in (("from", a), ("to", b)) if v not in place_ids]
                for col, value in missing:
                    report.add(name, where, col, value, "a place id of the shipped data or of an uploaded places file")
                good.append(not missing)
            frame = check_route_ends(frame[good], {**place_points(catalog.places), **{
                pid: point for extra in places for pid, point in place_points(extra).items()}}, report, name)
            routes.append(frame)
            loaded[name] = len(frame)
        elif item.kind == SOURCES:
            rows = _new_ids(name, _table_rows(item, SOURCE_COLUMNS, report, limits), source_ids, report, "a source")
            frame = sources_frame(rows, report, name)
            for sid in {row["id"] for _, row in rows} - set(frame["id"]):
                del source_ids[sid]  # set aside by its date check: not a source an event may cite
            sources.append(frame)
            loaded[name] = len(frame)
        elif item.kind == OVERLAY:
            frame = _overlay(item.obj, name, report, limits)
            if len(frame):
                overlays[name] = frame
            loaded[name] = len(frame)
        elif item.kind == EVENTS:
            rows = _new_ids(name, _table_rows(item, EVENT_COLUMNS, report, limits), event_ids, report, "an event")
            frame = events_frame(rows, set(place_ids), set(source_ids), report, name)
            events.append(frame)
            loaded[name] = len(frame)
    files = [FileResult(p.name, p.kind, loaded.get(p.name, 0),
                        sum(1 for q in report.for_file(p.name) if q.severity == "error"),
                        sum(1 for q in report.for_file(p.name) if q.severity == "warning")) for p in parsed]
    if not any(loaded.values()):
        return SessionData(catalog, report, files)
    merged_events = _concat(catalog.events, events)
    if events:
        merged_events = merged_events.sort_values(["start_day", "id"], kind="stable").reset_index(drop=True)
    merged = Catalog(
        catalog.folder,
        catalog.countries,
        gpd.GeoDataFrame(_concat(catalog.places, places), crs=WGS84).set_index("id", drop=False),
        gpd.GeoDataFrame(_concat(catalog.routes, routes), crs=WGS84),
        merged_events,
        _concat(catalog.sources, sources).set_index("id", drop=False),
        catalog.disagreements,
        catalog.oped_claims,
        _copy_report(catalog.report),
        stories=catalog.stories,
        overlays={**catalog.overlays, **overlays},
        closeup=catalog.closeup,
    )
    return SessionData(merged, report, files)
