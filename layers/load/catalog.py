"""Load every file of a data folder into one Catalog, with one Report of everything wrong."""

from __future__ import annotations

import datetime as dt
import gc
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.load.derived import Derived, Key
from layers.load.estimates import ESTIMATE_COLUMNS, ESTIMATE_FRAME_COLUMNS, SERIES_COLUMNS, estimates_frame
from layers.load.features import read_features
from layers.load.placement import CountryIndex, check_places_in_countries, check_route_ends
from layers.load.readers import DEFAULT_LIMITS, Limits, read_json
from layers.load.record import load_record_through
from layers.load.stories import load_stories
from layers.load.story_rules import prepare
from layers.load.tables import Column, Row, check_rows, id_list, one_of, pattern, read_table
from layers.load.tables import text as _text
from layers.model import schema
from layers.model.basemap import CLOSEUP_BOXES
from layers.model.dates import DateError, DateSpan, day_number, make_span, parse_partial
from layers.model.report import Report
from layers.model.story import Story

WGS84 = "EPSG:4326"


def _int(value: str) -> int:
    try:
        number = float(value)
        whole = int(number)
    except (ValueError, OverflowError):
        raise ValueError("a whole number") from None
    if whole != number:
        raise ValueError("a whole number")
    if whole < 0:
        raise ValueError("a number of metres, 0 or more")
    return whole


def _bool(value: str) -> bool:
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise ValueError("true or false")


_PLACE_REF = pattern(schema.PLACE_ID, "a place id like PYG")
_SOURCE_REF = pattern(schema.SOURCE_ID, "source ids like S02;S04")
_EVENT_REF = pattern(schema.EVENT_ID, "event ids like E003")

EVENT_COLUMNS = (
    Column("id", pattern(schema.EVENT_ID, "an id like E003")),
    Column("date"),
    Column("end_date", default=""),
    Column("precision"),
    Column("category", one_of(schema.CATEGORIES)),
    Column("title", _text(90)),  # SCHEMA.md: <= 90 characters
    Column("summary", _text(2000)),
    Column("origin", _PLACE_REF, default=""),
    Column("destination", _PLACE_REF, default=""),
    Column("quantity", _text(80), default=""),
    Column("unit", _text(40), default=""),
    Column("actors", id_list(_text(80)), default=()),
    Column("confidence", one_of(schema.CONFIDENCE)),
    Column("sources", id_list(_SOURCE_REF)),
    Column("disputed", _text(2000), default=""),
)
SOURCE_COLUMNS = (
    Column("id", pattern(schema.SOURCE_ID, "an id like S02")),
    Column("outlet", _text(200)),
    Column("author", _text(200), default=""),
    Column("published"),
    Column("url", pattern(schema.HTTPS_URL, "an https:// address (a host name without a trailing dot)")),
    Column("title", _text(300), default=""),
    Column("kind", one_of(schema.SOURCE_KINDS)),
    Column("via", _text(200), default=""),
    Column("note", _text(2000), default=""),
)
PLACE_COLUMNS = (
    Column("id", _PLACE_REF),
    Column("name", _text(120)),
    Column("kind", one_of(schema.PLACE_KINDS)),
    Column("country", pattern(schema.ISO3, "an ISO alpha-3 code like PRK, or two joined by /")),
    Column("coord_source", _text(1000)),
    Column("precision_m", _int),
    Column("note", _text(1000), default=""),
)
ROUTE_COLUMNS = (
    Column("id", _text(80)),
    Column("mode", one_of(schema.ROUTE_MODES)),
    Column("from", _PLACE_REF),
    Column("to", _PLACE_REF),
    Column("schematic", _bool),
    Column("source", _text(1000)),
)
COUNTRY_COLUMNS = (
    Column("iso_a3", _text(8)),
    Column("name", _text(120)),
)
CLOSEUP_COLUMNS = (*COUNTRY_COLUMNS, Column("box", one_of(CLOSEUP_BOXES)))
"""``countries_10m.geojson``: the 1:10m shapes cut to a close-up box (``layers.model.basemap``)."""
DISAGREEMENT_COLUMNS = (
    Column("id", pattern(re.compile(r"^D\d+$"), "an id like D01")),
    Column("topic", _text(200)),
    Column("summary", _text(3000)),
    Column("events", id_list(_EVENT_REF), default=()),
    Column("sources", id_list(_SOURCE_REF), default=()),
)
CLAIM_COLUMNS = (
    Column("id", pattern(re.compile(r"^C\d+$"), "an id like C01")),
    Column("claim", _text(1000)),
    Column("status", one_of(schema.CLAIM_STATUSES)),
    Column("finding", _text(3000)),
    Column("events", id_list(_EVENT_REF), default=()),
    Column("sources", id_list(_SOURCE_REF), default=()),
)


@dataclass(frozen=True)
class EventArrays:
    """Event columns as numpy arrays (row order = ``Catalog.events``).

    ``category`` and ``confidence`` are int8 codes: positions in ``schema.CATEGORIES`` / ``schema.CONFIDENCE``
    (-1 for a value outside them), so that filtering is a table lookup, not a comparison of strings.
    """

    start: np.ndarray
    end: np.ndarray
    category: np.ndarray
    confidence: np.ndarray
    actor_rows: dict[str, np.ndarray]


ACTORS: Key[list[str]] = Key("actors")
EVENT_IDS: Key[frozenset[str]] = Key("event_ids")
ARRAYS: Key[EventArrays] = Key("arrays")
TIME_RANGE: Key[tuple[dt.date, dt.date]] = Key("time_range")


@dataclass(eq=False)
class Catalog:
    """Everything the map can show, checked and joined; ``report`` lists what was set aside and why."""

    folder: Path
    countries: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    routes: gpd.GeoDataFrame
    events: pd.DataFrame
    sources: pd.DataFrame
    disagreements: pd.DataFrame
    oped_claims: pd.DataFrame
    report: Report
    stories: dict[str, Story] = field(default_factory=dict)
    record_through: dt.date | None = None
    """The date the record's research runs through (``record.yaml``); no event starts after it."""
    series: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=[c.name for c in SERIES_COLUMNS]))
    """The estimate series (``series.csv``), by id."""
    estimates: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=ESTIMATE_FRAME_COLUMNS))
    """Every estimate of every series, oldest first within a series (``estimates.csv``)."""
    overlays: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    """Extra layers a user uploaded for their session only (name -> features with a ``text`` column)."""
    closeup: gpd.GeoDataFrame = field(default_factory=lambda: gpd.GeoDataFrame(
        {c.name: [] for c in CLOSEUP_COLUMNS} | {"where": []}, geometry=[], crs=WGS84))
    """Country shapes at 1:10m inside the close-up boxes (``countries_10m.geojson``, optional): maps draw them
    there from ``layers.model.basemap.CLOSEUP_MIN_ZOOM`` up."""
    derived: Derived = field(default_factory=Derived, repr=False)
    """Values built from this catalog on first use (``layers.load.derived``); the catalog itself never changes."""

    @property
    def actors(self) -> list[str]:
        """Every actor named by an event, sorted."""
        return self.derived.get(ACTORS, lambda: sorted({a for actors in self.events["actors"] for a in actors}))

    @property
    def event_ids(self) -> frozenset[str]:
        """The ids of the events that loaded."""
        return self.derived.get(EVENT_IDS, lambda: frozenset(self.events["id"]))

    @property
    def arrays(self) -> EventArrays:
        """The events' columns as arrays, built once, for fast selection."""
        return self.derived.get(ARRAYS, self._arrays)

    def _arrays(self) -> EventArrays:
        ev = self.events
        actor_rows: dict[str, list[int]] = {}
        for row, actors in enumerate(ev["actors"]):
            for actor in actors:
                actor_rows.setdefault(actor, []).append(row)
        return EventArrays(
            start=ev["start_day"].to_numpy(np.int32),
            end=ev["end_day"].to_numpy(np.int32),
            category=pd.Categorical(ev["category"], categories=list(schema.CATEGORIES)).codes.astype(np.int8),
            confidence=pd.Categorical(ev["confidence"], categories=list(schema.CONFIDENCE)).codes.astype(np.int8),
            actor_rows={a: np.asarray(r, dtype=np.int64) for a, r in actor_rows.items()},
        )

    @property
    def time_range(self) -> tuple[dt.date, dt.date]:
        """First start and last end over all events."""
        if self.events.empty:
            today = dt.date.today()
            return today, today
        return self.derived.get(TIME_RANGE, lambda: (min(self.events["start"]), max(self.events["end"])))


def _features(path: Path, report: Report, types: tuple[str, ...], columns: tuple[Column, ...],
              limits: Limits, id_column: str | None = "id", optional: bool = False,
              obj: object | None = None) -> gpd.GeoDataFrame:
    """A GeoJSON layer's good features with checked properties, as a GeoDataFrame (``obj``: already parsed)."""
    if not path.exists():
        if not optional:
            report.reject(path.name, "", "", None, f"the file to exist (looked for {path})")
        empty = {c.name: [] for c in columns} | {"where": []}
        return gpd.GeoDataFrame(empty, geometry=[], crs=WGS84)
    if obj is None and path.name not in report.rejected_files:
        obj = read_json(path, report, limits)
    return features_frame(obj, path.name, report, types, columns, limits, id_column)


def place_points(places: gpd.GeoDataFrame) -> dict[str, tuple[float, float]]:
    """Each place's (longitude, latitude) by id."""
    return dict(zip(places["id"], zip(places.geometry.x.tolist(), places.geometry.y.tolist(), strict=True),
                    strict=True))


def declared_codes(obj: object) -> set[str]:
    """Every ``iso_a3`` a parsed countries file names, also on features that did not load."""
    features = obj.get("features") if isinstance(obj, dict) else None
    props = [f.get("properties") for f in features if isinstance(f, dict)] if isinstance(features, list) else []
    return {str(p["iso_a3"]) for p in props if isinstance(p, dict) and isinstance(p.get("iso_a3"), str | int)}


def features_frame(obj: object | None, name: str, report: Report, types: tuple[str, ...],
                   columns: tuple[Column, ...], limits: Limits = DEFAULT_LIMITS,
                   id_column: str | None = "id") -> gpd.GeoDataFrame:
    """The good features of parsed GeoJSON ``obj`` (None: the file could not be read) with checked properties."""
    feats = read_features(obj, name, report, types, limits) if obj is not None else []
    feats = [f for f in feats if not _nested_property(name, f[0], f[1], columns, report)]
    rows = [(f"feature {i}", {k: _cell(v) for k, v in props.items()}) for i, props, _ in feats]
    geoms = {f"feature {i}": g for i, _, g in feats}
    checked = check_rows(name, rows, columns, report, id_column)
    data = [values for _, values in checked]
    frame = pd.DataFrame(data, columns=[c.name for c in columns])
    frame["where"] = [where for where, _ in checked]
    return gpd.GeoDataFrame(frame, geometry=[geoms[w] for w, _ in checked], crs=WGS84)


def _nested_property(file: str, index: int, props: dict[str, Any], columns: tuple[Column, ...],
                     report: Report) -> bool:
    """True (with an error each) when a property the layer reads holds an object or a list, not a value."""
    nested = [c.name for c in columns if isinstance(props.get(c.name), dict | list)]
    for name in nested:
        report.add(file, f"feature {index}", name, props[name], "text or a number, not an object or a list")
    return bool(nested)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _set_aside(report: Report, file: str, wheres: list[str], what: str, unread: str) -> None:
    """One warning for the rows set aside only because a file they refer to could not be read at all."""
    if wheres:
        numbers = [w.split()[-1] for w in wheres]
        shown = ", ".join(numbers[:10]) + (", …" if len(numbers) > 10 else "")
        report.add(file, f"{wheres[0].split()[0]}s {shown}", "", f"{len(wheres)} {what}",
                   f"references that can be checked; set aside because {unread} could not be read (see its error)",
                   "warning")


def events_frame(rows: list[Row], places: set[str] | None, sources: pd.DataFrame | set[str] | None,
                 report: Report, name: str = "events.csv", through: dt.date | None = None) -> pd.DataFrame:
    """Events with their date intervals, set aside when a date, a reference or the sourcing is wrong.

    ``places`` or ``sources`` is None when that file could not be read: the events that need it are then
    set aside with one warning, not an error each. Given the sources' table (not only their ids), an event
    also needs one source that is not a repost, and ``reported-multiple`` needs two distinct outlets.
    ``through`` is the record's declared cutoff: an event starting after it is refused.
    """
    records = []
    orphans: list[str] = []
    table = sources if isinstance(sources, pd.DataFrame) else None
    source_ids = set(table["id"]) if table is not None else sources
    outlets = _Outlets.of(table) if table is not None else None
    spans: dict[tuple[str, str, str], tuple[DateSpan, str, int, int]] = {}  # many events share their dates
    for where, row in rows:
        dates = (row["date"], row["end_date"], row["precision"])
        if dates not in spans:
            try:
                span = make_span(*dates)
            except DateError as exc:
                report.add(name, where, exc.field, row.get(exc.field, row["date"]), str(exc))
                continue
            spans[dates] = (span, span.label(), day_number(span.start), day_number(span.end))
        span, label, start_day, end_day = spans[dates]
        if (places is None and (row["origin"] or row["destination"])) or (source_ids is None and row["sources"]):
            orphans.append(where)
            continue
        bad = False
        for column in ("origin", "destination"):
            if row[column] and row[column] not in (places or ()):
                report.add(name, where, column, row[column],
                           "a place id from places.geojson, of a place that loaded; the event was set aside")
                bad = True
        for sid in row["sources"]:
            if sid not in (source_ids or ()):
                report.add(name, where, "sources", sid,
                           "a source id from sources.csv, of a source that loaded; the event was set aside")
                bad = True
        if through is not None and span.start > through:
            report.add(name, where, "date", row["date"], f"a date on or before the record's cutoff "
                       f"{through.isoformat()} (record_through in record.yaml); the event was set aside")
            bad = True
        if not bad and outlets is not None:
            bad = _sourcing_problem(name, where, row, outlets, report)
        if bad:
            continue
        records.append({**row, "where": where, "start": span.start, "end": span.end,
                        "date_label": label, "start_day": start_day, "end_day": end_day})
    _set_aside(report, name, orphans, "event(s)", " and ".join(
        file for file, ids in (("places.geojson", places), ("sources.csv", source_ids)) if ids is None))
    columns = [c.name for c in EVENT_COLUMNS] + ["where", "start", "end", "date_label", "start_day", "end_day"]
    frame = pd.DataFrame(records, columns=columns)
    frame["start_day"] = frame["start_day"].astype(np.int32)
    frame["end_day"] = frame["end_day"].astype(np.int32)
    return frame.sort_values(["start_day", "id"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class _Outlets:
    """What the sourcing rules need of each source, looked up once per load: its kind and its outlet, folded."""

    kind: dict[str, str]
    outlet: dict[str, str]

    @classmethod
    def of(cls, sources: pd.DataFrame) -> _Outlets:
        return cls(dict(zip(sources["id"], sources["kind"], strict=True)),
                   {sid: " ".join(str(o).casefold().split()) for sid, o in zip(sources["id"], sources["outlet"],
                                                                           strict=True)})


def _sourcing_problem(name: str, where: str, row: Row | dict[str, Any], known: _Outlets, report: Report) -> bool:
    """True (with an error) when an event rests only on reposts, or claims more outlets than it cites."""
    originals = [sid for sid in row["sources"] if known.kind.get(sid) != "repost"]
    if not originals:
        report.add(name, where, "sources", ";".join(row["sources"]),
                   "at least one source that is not a repost (a wire service, newspaper, government or research "
                   "body; a repost may only stand beside one); the event was set aside")
        return True
    outlets = {known.outlet[sid] for sid in originals}
    if row["confidence"] == "reported-multiple" and len(outlets) < 2:
        report.add(name, where, "confidence", row["confidence"],
                   f"two distinct outlets for reported-multiple (its sources other than reposts come from "
                   f"{len(outlets)}: {'; '.join(sorted(outlets))}); cite a second outlet or grade it "
                   "reported-single; the event was set aside")
        return True
    return False


def sources_frame(rows: list[Row], report: Report, name: str = "sources.csv") -> pd.DataFrame:
    """The sources as a table (each row with where it is in the file); a row without a day or month of
    publication is set aside."""
    records = []
    for where, row in rows:
        try:
            _, _, granularity = parse_partial(row["published"])
        except DateError as exc:
            report.add(name, where, "published", row["published"], str(exc))
            continue
        if granularity == "year":
            report.add(name, where, "published", row["published"],
                       "a publication day (YYYY-MM-DD), or a month (YYYY-MM) where that is all that is known; "
                       "the source was set aside")
            continue
        records.append({**row, "where": where})
    return pd.DataFrame(records, columns=[c.name for c in SOURCE_COLUMNS] + ["where"])


def _cross_refs(name: str, rows: list[Row], events: set[str], sources: set[str],
                report: Report) -> pd.DataFrame:
    records = []
    for where, row in rows:
        unknown = [e for e in row["events"] if e not in events] + [s for s in row["sources"] if s not in sources]
        for ref in unknown:
            field_name = "events" if ref.startswith("E") else "sources"
            report.add(name, where, field_name, ref, f"ids that exist in {field_name}.csv")
        records.append({**row, "where": where})
    return pd.DataFrame(records)


_collector = threading.Lock()
_holding: list[bool] = []  # one entry per load under way: whether the collector was on before the first


@contextmanager
def _collector_held() -> Iterator[None]:
    """Python's cyclic collector held off while tables are built, and restored when the last load ends.

    A load makes millions of small rows and cells and no cycles; at 100,000 events the collector's passes
    over them took about a third of a cold load.
    """
    with _collector:
        _holding.append(_holding[0] if _holding else gc.isenabled())
        gc.disable()
    try:
        yield
    finally:
        with _collector:
            was_on = _holding.pop()
            if not _holding and was_on:
                gc.enable()


def load_catalog(folder: Path | str, limits: Limits = DEFAULT_LIMITS) -> Catalog:
    """Read, check and join a data folder; never raises for bad data, reports it instead."""
    with _collector_held():
        return _load(Path(folder), limits)


def _load(folder: Path, limits: Limits) -> Catalog:
    report = Report()
    countries_path = folder / "countries.geojson"
    countries_obj = read_json(countries_path, report, limits) if countries_path.exists() else None
    countries = _features(countries_path, report, ("Polygon", "MultiPolygon"), COUNTRY_COLUMNS, limits,
                          id_column=None, obj=countries_obj)
    closeup = _features(folder / "countries_10m.geojson", report, ("Polygon", "MultiPolygon"), CLOSEUP_COLUMNS,
                        limits, id_column=None, optional=True)
    places = _features(folder / "places.geojson", report, ("Point",), PLACE_COLUMNS, limits)
    places = check_places_in_countries(places, CountryIndex.of(countries), report,
                                       declared=declared_codes(countries_obj))
    routes = _features(folder / "routes.geojson", report, ("LineString",), ROUTE_COLUMNS, limits,
                       optional=True)
    place_ids = set(places["id"])
    places_unread = "places.geojson" in report.rejected_files
    for where, rid, a, b in zip(routes["where"], routes["id"], routes["from"], routes["to"], strict=True):
        for column, value in (("from", a), ("to", b)):
            if value not in place_ids and not places_unread:
                report.add("routes.geojson", where, column, value, f"a place id from places.geojson (route {rid})")
    _set_aside(report, "routes.geojson", list(routes["where"]) if places_unread else [], "route(s)",
               "places.geojson")
    routes = routes[routes["from"].isin(place_ids) & routes["to"].isin(place_ids)]
    routes = check_route_ends(routes, place_points(places), report)
    through = load_record_through(folder, report, limits)
    sources = sources_frame(read_table(folder / "sources.csv", SOURCE_COLUMNS, report, limits), report)
    source_ids = set(sources["id"])
    events = events_frame(read_table(folder / "events.csv", EVENT_COLUMNS, report, limits),
                          None if places_unread else place_ids,
                          None if "sources.csv" in report.rejected_files else sources, report, through=through)
    event_ids = set(events["id"])
    series, estimates = _estimates(folder, event_ids, source_ids, report, limits)

    optional: dict[str, pd.DataFrame] = {}
    for key, file, columns in (("disagreements", "disagreements.csv", DISAGREEMENT_COLUMNS),
                               ("oped_claims", "oped_claims.csv", CLAIM_COLUMNS)):
        path = folder / file
        rows = read_table(path, columns, report, limits) if path.exists() else []
        optional[key] = _cross_refs(file, rows, event_ids, source_ids, report) if rows else \
            pd.DataFrame(columns=[c.name for c in columns] + ["where"])
    findings = [(f"{row['topic']} {row['summary']}", row["sources"]) for _, row in optional["disagreements"].iterrows()]
    findings += [(f"{row['claim']} {row['finding']}", row["sources"]) for _, row in optional["oped_claims"].iterrows()]
    evidence = prepare(events, sources, places, estimates, findings)
    stories = load_stories(folder / "stories", events, report, sources=source_ids, evidence=evidence, limits=limits)
    return Catalog(folder, countries, places.set_index("id", drop=False), routes, events,
                   sources.set_index("id", drop=False), optional["disagreements"], optional["oped_claims"],
                   report, stories=stories, record_through=through, series=series.set_index("id", drop=False),
                   estimates=estimates, closeup=closeup)


def _estimates(folder: Path, events: set[str], sources: set[str], report: Report,
               limits: Limits) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The series and their estimates; both files are optional, and an estimate needs its series."""
    series_rows = read_table(folder / "series.csv", SERIES_COLUMNS, report, limits) \
        if (folder / "series.csv").exists() else []
    series = pd.DataFrame([row for _, row in series_rows], columns=[c.name for c in SERIES_COLUMNS])
    path = folder / "estimates.csv"
    rows = read_table(path, ESTIMATE_COLUMNS, report, limits, id_column=None) if path.exists() else []
    unread = "events.csv" in report.rejected_files
    return series, estimates_frame(rows, set(series["id"]), None if unread else events, sources, report)
