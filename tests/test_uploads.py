"""Uploaded files (bytes built here) are checked like geodata/ and merged into a new catalog for one session."""

from __future__ import annotations

import copy
import io
import json

import geopandas as gpd
import pyarrow as pa
import pytest
from shapely.geometry import Point, box

from layers.load.catalog import EVENT_COLUMNS, SOURCE_COLUMNS, Catalog
from layers.load.readers import Limits
from layers.load.uploads import (
    EVENTS,
    OVERLAY,
    PLACES,
    ROUTES,
    SOURCES,
    UNREAD,
    UPLOAD_LIMITS,
    Upload,
    display_name,
    feature_text,
    merge_uploads,
)
from layers.model.view import View
from layers.query.flows import paths
from layers.query.select import select
from layers.render.payload import payload
from tests.factory import EVENTS as TINY_EVENTS
from tests.factory import csv_text, feature_collection, point

EVENT_HEADER = [c.name for c in EVENT_COLUMNS]
SOURCE_HEADER = [c.name for c in SOURCE_COLUMNS]


def event(**changes: str) -> dict[str, str]:
    return {**TINY_EVENTS[1], "id": "E100", **changes}


def events_file(rows: list[dict], name: str = "mine.csv") -> Upload:
    return Upload(name, csv_text(EVENT_HEADER, rows).encode())


def place_props(pid: str, name: str, country: str = "RUS") -> dict:
    return {"id": pid, "name": name, "kind": "city", "country": country, "coord_source": "my survey",
            "precision_m": 500}


def geojson_file(name: str, features: list[dict]) -> Upload:
    return Upload(name, json.dumps(feature_collection(features)).encode())


def parquet_bytes(frame: gpd.GeoDataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out)
    return out.getvalue()


def problems(session, severity: str = "error") -> list[tuple[str, str, str, str]]:
    return [(p.file, p.where, p.field, p.value) for p in session.report if p.severity == severity]


def snapshot(catalog: Catalog) -> dict:
    return {"events": catalog.events.copy(), "places": catalog.places.copy(), "sources": catalog.sources.copy(),
            "routes": catalog.routes.copy(), "report": copy.deepcopy(catalog.report.problems),
            "overlays": dict(catalog.overlays)}


def assert_unchanged(catalog: Catalog, before: dict) -> None:
    assert catalog.events.equals(before["events"])
    assert catalog.places.equals(before["places"])
    assert catalog.sources.equals(before["sources"])
    assert catalog.routes.equals(before["routes"])
    assert catalog.report.problems == before["report"]
    assert catalog.overlays == before["overlays"]


def test_good_events_join_a_new_catalog_and_the_shipped_one_is_untouched(tiny: Catalog) -> None:
    before = snapshot(tiny)
    session = merge_uploads(tiny, [events_file([event(id="E100", title="My own summit", date="2024-06-19")])])
    assert session.report.ok, session.report.format()
    assert session.catalog is not tiny
    assert_unchanged(tiny, before)
    assert list(session.catalog.events["id"]) == ["E001", "E002", "E003", "E100"]  # sorted by date with the rest
    mine = session.catalog.events.set_index("id").loc["E100"]
    assert mine["title"] == "My own summit" and mine["date_label"] == "19 Jun 2024"
    assert [(f.name, f.kind, f.loaded, f.errors) for f in session.files] == [("mine.csv", EVENTS, 1, 0)]
    shown = select(session.catalog, View())
    assert "E100" in set(shown["id"])
    assert "E100" in payload(session.catalog, View())["events"]["id"]
    assert "E100" not in set(select(tiny, View())["id"])


def test_an_id_the_shipped_data_uses_is_an_error_for_that_row_only(tiny: Catalog) -> None:
    session = merge_uploads(tiny, [events_file([event(id="E002", title="Imposter"), event(id="E101")])])
    assert problems(session) == [("mine.csv", "row 2", "id", "'E002'")]
    error = session.report.errors[0]
    assert "already an event of the shipped data" in error.expected
    merged = session.catalog.events.set_index("id")
    assert merged.loc["E002", "title"] == "Summit"  # the shipped row stays
    assert "E101" in merged.index


def test_each_bad_cell_is_reported_with_file_row_field_value_and_expectation(tiny: Catalog) -> None:
    rows = [event(id="E100", category="gossip"), event(id="E101", origin="NOWHERE"),
            event(id="E102", date="2024-02-30"), event(id="E103")]
    session = merge_uploads(tiny, [events_file(rows, name="field notes.csv")])
    found = {(p.where, p.field): (p.value, p.expected) for p in session.report.errors}
    assert {p.file for p in session.report.errors} == {"field notes.csv"}
    assert found[("row 2", "category")][0] == "'gossip'" and "one of munitions" in found[("row 2", "category")][1]
    assert found[("row 3", "origin")][0] == "'NOWHERE'" and "place id" in found[("row 3", "origin")][1]
    assert found[("row 4", "date")][0] == "'2024-02-30'"
    assert set(session.catalog.events["id"]) - set(tiny.events["id"]) == {"E103"}
    assert session.files[0].loaded == 1 and session.files[0].errors == 3


def test_uploaded_places_and_sources_can_be_cited_by_uploaded_events(tiny: Catalog) -> None:
    places = geojson_file("my places.geojson", [point(place_props("VLAD", "Vladivostok"), 131.9, 43.1),
                                                point(place_props("PYG", "Pyongyang again", "PRK"), 125.7, 39.0)])
    sources = Upload("refs.csv", csv_text(SOURCE_HEADER, [
        {"id": "S50", "outlet": "My notes", "published": "2024-05", "url": "https://example.org/mine",
         "kind": "research"}]).encode())
    events = events_file([event(id="E100", origin="RAJIN", destination="VLAD", sources="S50;S01")])
    before = snapshot(tiny)
    session = merge_uploads(tiny, [events, sources, places])  # any order: places and sources are merged first
    assert problems(session) == [("my places.geojson", "feature 1", "id", "'PYG'")]
    assert {f.name: (f.kind, f.loaded) for f in session.files} == {
        "mine.csv": (EVENTS, 1), "refs.csv": (SOURCES, 1), "my places.geojson": (PLACES, 1)}
    merged = session.catalog
    assert merged.places.loc["VLAD", "name"] == "Vladivostok"
    assert merged.places.loc["PYG", "name"] == "Pyongyang"
    assert merged.sources.loc["S50", "outlet"] == "My notes"
    assert "RAJIN>VLAD" in paths(merged)
    assert_unchanged(tiny, before)
    assert "RAJIN>VLAD" not in paths(tiny)


def test_a_place_outside_its_country_is_named_in_the_users_file(tiny: Catalog) -> None:
    swapped = geojson_file("pts.geojson", [point(place_props("ODS", "Odesa", "UKR"), 46.5, 28.5)])
    session = merge_uploads(tiny, [swapped])
    assert problems(session) == [("pts.geojson", "feature 0", "geometry.coordinates", "[46.5, 28.5]")]
    assert "only when swapped" in session.report.errors[0].expected
    assert session.catalog is tiny  # nothing loaded: the shipped catalog serves on


def test_routes_must_join_known_places(tiny: Catalog) -> None:
    line = {"type": "Feature", "properties": {"id": "R9", "mode": "rail", "from": "RAJIN", "to": "ATLANTIS",
                                              "schematic": True, "source": "sketch"},
            "geometry": {"type": "LineString", "coordinates": [[130.3, 42.25], [131, 43]]}}
    good = copy.deepcopy(line)
    good["properties"].update(id="R10", to="DUNAI")
    good["geometry"]["coordinates"] = [[130.3, 42.25], [132.3375, 42.88028]]  # its ends sit on its places
    session = merge_uploads(tiny, [geojson_file("ways.geojson", [line, good])])
    assert problems(session) == [("ways.geojson", "feature 0", "to", "'ATLANTIS'")]
    assert session.files[0].kind == ROUTES and list(session.catalog.routes["id"]) == ["R10"]


def test_any_other_geojson_is_an_overlay_with_its_properties_as_text(tiny: Catalog) -> None:
    hostile = '<img src=x onerror="window.__xss=1">'
    features = [
        {"type": "Feature", "properties": {"name": hostile, "area_km2": 12.5, "tags": ["a", "b"]},
         "geometry": {"type": "Polygon", "coordinates": [[[30, 50], [31, 50], [31, 51], [30, 51], [30, 50]]]}},
        {"type": "Feature", "properties": {"note": "a line"},
         "geometry": {"type": "LineString", "coordinates": [[30, 50], [40, 55]]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [200, 50]}},
    ]
    session = merge_uploads(tiny, [geojson_file("zones.json", features)])
    assert [(p.where, p.field) for p in session.report.errors] == [("feature 2", "geometry.coordinates")]
    overlay = session.catalog.overlays["zones.json"]
    assert list(overlay["feature"]) == [0, 1]
    assert overlay["text"].iloc[0] == f'name: {hostile}\narea_km2: 12.5\ntags: ["a", "b"]'
    assert overlay.geometry.iloc[1].geom_type == "LineString"
    assert session.files[0].kind == OVERLAY and session.files[0].loaded == 2
    assert tiny.overlays == {}


def test_overlay_text_is_capped() -> None:
    text = feature_text({f"k{i}": "x" * 1000 for i in range(40)})
    lines = text.split("\n")
    assert len(lines) == 31 and lines[-1] == "… and 10 more properties"
    assert len(lines[0]) == len("k0: ") + 300


def test_geoparquet_is_an_overlay_reprojected_to_wgs84(tiny: Catalog) -> None:
    frame = gpd.GeoDataFrame({"label": ["depot", "yard"], "count": [3, 4]},
                             geometry=[Point(37.6, 55.75), box(30, 50, 31, 51)], crs="EPSG:4326").to_crs(3857)
    session = merge_uploads(tiny, [Upload("sites.parquet", parquet_bytes(frame))])
    assert session.report.ok, session.report.format()
    overlay = session.catalog.overlays["sites.parquet"]
    assert overlay.geometry.iloc[0].x == pytest.approx(37.6) and overlay.geometry.iloc[0].y == pytest.approx(55.75)
    assert list(overlay["text"]) == ["label: depot\ncount: 3", "label: yard\ncount: 4"]
    assert [p.field for p in session.report.warnings] == ["crs"]  # said that it was reprojected


def lying_parquet(claimed_rows: int) -> bytes:
    """A real, tiny GeoParquet file whose footer claims ``claimed_rows`` rows (patched Thrift varints)."""
    frame = gpd.GeoDataFrame({"n": [1] * 12345}, geometry=[Point(30, 50)] * 12345, crs="EPSG:4326")
    data = parquet_bytes(frame)

    def varint(n: int) -> bytes:
        out = b""
        while True:
            low, n = n & 0x7F, n >> 7
            if not n:
                return out + bytes([low])
            out += bytes([low | 0x80])

    size = int.from_bytes(data[-8:-4], "little")
    footer = data[-8 - size:-8]
    zigzag = lambda n: (n << 1) ^ (n >> 63)  # noqa: E731
    patched = footer.replace(b"\x16" + varint(zigzag(12345)), b"\x16" + varint(zigzag(claimed_rows)))
    assert patched != footer
    return data[:-8 - size] + patched + len(patched).to_bytes(4, "little") + b"PAR1"


def test_a_small_parquet_claiming_billions_of_rows_is_refused_before_reading(tiny: Catalog, monkeypatch) -> None:
    import pyarrow.parquet as pq

    data = lying_parquet(5_000_000_000)
    assert len(data) < 20_000

    def no_reading(*args, **kwargs):
        raise AssertionError("the data was read")

    monkeypatch.setattr(pq.ParquetFile, "read", no_reading)
    allocated = pa.total_allocated_bytes()
    session = merge_uploads(tiny, [Upload("huge.parquet", data)])
    assert pa.total_allocated_bytes() - allocated < 1_000_000
    [error] = session.report.errors
    assert (error.file, error.value) == ("huge.parquet", repr("5,000,000,000 rows (from the file's metadata)"))
    assert f"at most {UPLOAD_LIMITS.max_features:,} rows (the feature limit)" in error.expected
    assert session.files[0].kind == UNREAD and session.catalog is tiny


def test_parquet_without_geo_metadata_or_broken_is_refused(tiny: Catalog) -> None:
    import pyarrow.parquet as pq

    out = io.BytesIO()
    pq.write_table(pa.table({"a": [1, 2]}), out)
    plain = out.getvalue()
    session = merge_uploads(tiny, [Upload("plain.parquet", plain), Upload("cut.parquet", plain[:-30] + b"PAR1")])
    assert [(p.file, p.field) for p in session.report.errors] == [("plain.parquet", "geo"), ("cut.parquet", "")]
    assert "GeoParquet" in session.report.errors[0].expected
    assert "readable Parquet" in session.report.errors[1].expected


@pytest.mark.parametrize(("data", "expected"), [
    (b"x" * 2_000, "a file of at most 1,000 bytes (the size limit)"),
    (b"{\"type\": \"FeatureCollection\", \"features\": " + b"[" * 40 + b"]" * 40 + b"}",
     "JSON nested at most 32 levels deep (the nesting limit)"),
    (b"id,date\n\xff\xfe\xfa,1\n", "UTF-8 text"),
    (b"name,value\nx,1\n", "an events CSV (header with id, date"),
    (b"", "the file is empty"),
    (b"PK\x03\x04xlsx", "compressed and binary files are never unpacked"),
    (b"[1, 2]", "a GeoJSON FeatureCollection"),
])
def test_a_file_that_cannot_be_used_says_why(tiny: Catalog, data: bytes, expected: str) -> None:
    limits = Limits(max_bytes=1_000, max_depth=32, max_features=10, max_rows=10)
    session = merge_uploads(tiny, [Upload("upload.dat", data)], limits)
    [error] = session.report.errors
    assert error.file == "upload.dat" and expected in error.expected
    assert session.files[0].kind == UNREAD and session.catalog is tiny


def test_feature_and_row_limits_are_stated(tiny: Catalog) -> None:
    limits = Limits(max_bytes=1_000_000, max_depth=32, max_features=2, max_rows=2)
    features = [{"type": "Feature", "properties": {"i": i}, "geometry": {"type": "Point", "coordinates": [30, 50]}}
                for i in range(5)]
    rows = [event(id=f"E2{i:02d}") for i in range(5)]
    session = merge_uploads(tiny, [geojson_file("many.geojson", features), events_file(rows)], limits)
    expectations = {p.file: p.expected for p in session.report.errors}
    assert "at most 2 features (the feature limit)" in expectations["many.geojson"]
    assert "at most 2 rows (the row limit)" in expectations["mine.csv"]
    assert {f.name: f.loaded for f in session.files} == {"many.geojson": 2, "mine.csv": 2}


def test_file_names_are_shown_plain_and_kept_apart() -> None:
    assert display_name("../../app.py") == "app.py"
    assert display_name("C:\\Users\\me\\notes.csv") == "notes.csv"
    assert display_name("a\x00b\u202ec.csv") == "abc.csv"
    assert display_name("") == "unnamed file"
    assert len(display_name("x" * 500)) == 120


def test_two_files_with_one_name_are_reported_apart(tiny: Catalog) -> None:
    first = events_file([event(id="E100")], name="e.csv")
    second = events_file([event(id="E100"), event(id="E101")], name="e.csv")
    session = merge_uploads(tiny, [first, second])
    assert problems(session) == [("e.csv (2)", "row 2", "id", "'E100'")]
    assert "already an event of the upload e.csv" in session.report.errors[0].expected
    assert [(f.name, f.loaded) for f in session.files] == [("e.csv", 1), ("e.csv (2)", 1)]


def test_the_report_table_lists_errors_then_warnings(tiny: Catalog) -> None:
    bom = Upload("bom.csv", b"\xef\xbb\xbf" + csv_text(EVENT_HEADER, [event(id="E100", category="x")]).encode())
    rows = merge_uploads(tiny, [bom]).table()
    assert [(r["severity"], r["file"], r["where"], r["field"]) for r in rows] == [
        ("error", "bom.csv", "row 2", "category"), ("warning", "bom.csv", "", "")]


def test_overlays_travel_to_the_player_only_in_the_session_payload(tiny: Catalog) -> None:
    feature = {"type": "Feature", "properties": {"name": "</script><b>x</b>"},
               "geometry": {"type": "Point", "coordinates": [30.123456, 50.987654]}}
    session = merge_uploads(tiny, [geojson_file("pins.geojson", [feature])])
    data = payload(session.catalog, View())
    assert data["overlays"]["features"] == [{
        "type": "Feature", "properties": {"layer": "pins.geojson", "text": "name: </script><b>x</b>"},
        "geometry": {"type": "Point", "coordinates": [30.123, 50.988]}}]
    assert "overlays" not in payload(tiny, View())
