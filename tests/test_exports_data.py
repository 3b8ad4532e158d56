"""The data behind a view: RFC 7946 GeoJSON and spreadsheet-safe CSV, each event with its sources."""

import csv
import datetime as dt
import io
import json

import geopandas as gpd
import pytest

from layers.export.data import CSV_COLUMNS, events_csv, events_geojson, neutralise
from layers.load.catalog import load_catalog
from layers.model.view import View
from layers.query.flows import paths
from tests.factory import EVENTS, write_folder

INJECTIONS = ['=HYPERLINK("http://evil.example","click")', "+1", "-2", "@x", '-2+3 and "quotes", commas']


def check_rfc7946(doc: dict) -> None:
    """The parts of RFC 7946 a consumer relies on."""
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    for feature in doc["features"]:
        assert feature["type"] == "Feature" and "crs" not in feature
        assert isinstance(feature["properties"], dict)
        geometry = feature["geometry"]
        if geometry is None:
            continue
        positions = [geometry["coordinates"]] if geometry["type"] == "Point" else geometry["coordinates"]
        assert geometry["type"] in ("Point", "LineString")
        assert geometry["type"] == "Point" or len(positions) >= 2
        for lon, lat in positions:
            assert -180 <= lon <= 180 and -90 <= lat <= 90


def test_geojson_is_rfc7946_with_every_event_of_the_view(tiny):
    doc = json.loads(events_geojson(tiny, View()))
    check_rfc7946(doc)
    by_id = {f["id"]: f for f in doc["features"]}
    assert list(by_id) == ["E001", "E002", "E003"]
    # a flow follows the same path as the map, in lon/lat order (Pyongyang first)
    flow = by_id["E002"]["geometry"]
    assert flow["type"] == "LineString"
    assert flow["coordinates"][0] == pytest.approx([125.7625, 39.0392])
    assert len(flow["coordinates"]) == len(paths(tiny)["PYG>MOW"].coords)
    assert by_id["E003"]["geometry"] == {"type": "Point", "coordinates": [28.5, 50.45]}
    props = by_id["E002"]["properties"]
    assert props["date_label"] == "13 Sep 2023" and props["actors"] == ["Putin", "Kim"]
    assert [s["id"] for s in props["sources"]] == ["S01", "S02"]
    assert props["sources"][1] == {"id": "S02", "outlet": "Outlet Two", "via": "", "kind": "official",
                                   "published": "2024-01", "url": "https://example.org/two", "title": ""}
    assert doc["record_through"] == "2025-12-31"
    assert doc["attribution"].startswith("Record through 31 Dec 2025. ")


def test_geojson_follows_the_view_filters_and_focus(tiny):
    doc = json.loads(events_geojson(tiny, View(date=dt.date(2023, 12, 31), focus=("E002",))))
    assert [f["id"] for f in doc["features"]] == ["E001", "E002"]
    assert [f["properties"]["focused"] for f in doc["features"]] == [False, True]
    assert json.loads(events_geojson(tiny, View(categories=("strike",))))["features"][0]["id"] == "E003"


def test_an_event_with_no_place_is_listed_with_null_geometry(tmp_path):
    nowhere = {**EVENTS[2], "id": "E004", "destination": "", "category": "sanctions", "title": "UN panel ends"}
    cat = load_catalog(write_folder(tmp_path, events=[*EVENTS, nowhere]))
    doc = json.loads(events_geojson(cat, View()))
    check_rfc7946(doc)
    assert {f["id"]: f["geometry"] for f in doc["features"]}["E004"] is None


def test_geojson_round_trips_through_geopandas(tiny, tmp_path):
    path = tmp_path / "view.geojson"
    path.write_text(events_geojson(tiny, View()), encoding="utf-8")
    frame = gpd.read_file(path)
    assert list(frame["title"]) == list(tiny.events["title"])
    assert list(frame.geometry.geom_type) == ["LineString", "LineString", "Point"]
    assert frame.crs.to_epsg() == 4326


def test_csv_has_the_header_one_row_per_event_and_joined_sources(tiny):
    rows = list(csv.reader(io.StringIO(events_csv(tiny, View()))))
    assert tuple(rows[0]) == CSV_COLUMNS
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["id"] for r in records] == ["E001", "E002", "E003"]
    assert records[1]["source_ids"] == "S01; S02"
    assert records[1]["source_outlets"] == "Outlet One (2023-10-17); Outlet Two (2024-01)"
    assert records[1]["source_urls"] == "https://example.org/one https://example.org/two"
    assert {r["record_through"] for r in records} == {"2025-12-31"}, "every row says how current the record is"
    assert records[0]["origin_name"] == "Rajin port" and records[0]["destination_name"] == "Dunai"


@pytest.mark.parametrize("payload", INJECTIONS)
def test_csv_neutralises_formula_cells(tmp_path, payload):
    evil = {**EVENTS[0], "title": payload, "summary": payload, "quantity": payload}
    cat = load_catalog(write_folder(tmp_path, events=[evil, *EVENTS[1:]]))
    assert cat.report.ok, cat.report.format()
    rows = list(csv.DictReader(io.StringIO(events_csv(cat, View()), newline="")))
    row = next(r for r in rows if r["id"] == "E001")
    for column in ("title", "summary", "quantity"):
        assert row[column] == "'" + payload


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Ships shuttle containers") == "Ships shuttle containers"
    assert neutralise("2023-10-17") == "2023-10-17"
    assert neutralise("=1+1") == "'=1+1"
    assert neutralise("\t=1+1") == "'\t=1+1" and neutralise("\r=1+1") == "'\r=1+1"
    assert neutralise("  =1+1") == "'  =1+1" and neutralise(" @SUM(A1)") == "' @SUM(A1)"
    assert neutralise(" 5 containers") == " 5 containers"
    assert neutralise("") == ""
