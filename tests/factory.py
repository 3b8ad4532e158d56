"""Tiny data folders built in code, in the shape of geodata/, for tests."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from layers.load.catalog import EVENT_COLUMNS, SOURCE_COLUMNS


def box(x0: float, y0: float, x1: float, y1: float) -> list[list[list[float]]]:
    """A counter-clockwise rectangle polygon's coordinates."""
    return [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]


COUNTRIES = [
    {"iso_a3": "RUS", "name": "Russia", "coords": box(30, 42.43, 140, 70)},
    {"iso_a3": "PRK", "name": "North Korea", "coords": box(124, 37.7, 130.7, 42.42)},
    {"iso_a3": "UKR", "name": "Ukraine", "coords": box(22, 44, 29.99, 52)},
]
PLACES = [
    {"id": "PYG", "name": "Pyongyang", "kind": "capital", "country": "PRK", "lon": 125.7625, "lat": 39.0392},
    {"id": "RAJIN", "name": "Rajin port", "kind": "port", "country": "PRK", "lon": 130.3, "lat": 42.25},
    {"id": "DUNAI", "name": "Dunai", "kind": "port", "country": "RUS", "lon": 132.3375, "lat": 42.88028},
    {"id": "MOW", "name": "Moscow", "kind": "capital", "country": "RUS", "lon": 37.6175, "lat": 55.752},
    {"id": "KYIV", "name": "Kyiv", "kind": "strike_target", "country": "UKR", "lon": 28.5, "lat": 50.45},
]
SOURCES = [
    {"id": "S01", "outlet": "Outlet One", "published": "2023-10-17", "url": "https://example.org/one",
     "kind": "original"},
    {"id": "S02", "outlet": "Outlet Two", "published": "2024-01", "url": "https://example.org/two",
     "kind": "official"},
]
RECORD_THROUGH = "2025-12-31"
EVENTS = [
    {"id": "E001", "date": "2023-08-15", "precision": "approx", "end_date": "2023-10-01",
     "category": "munitions", "title": "Ships shuttle containers", "summary": "Containers move by sea.",
     "origin": "RAJIN", "destination": "DUNAI", "quantity": "hundreds", "unit": "containers",
     "actors": "RUSI;Ship owners", "confidence": "reported-single", "sources": "S01"},
    {"id": "E002", "date": "2023-09-13", "precision": "day", "category": "diplomacy",
     "title": "Summit", "summary": "Leaders meet.", "origin": "PYG", "destination": "MOW",
     "actors": "Putin;Kim", "confidence": "confirmed-official", "sources": "S01;S02"},
    {"id": "E003", "date": "2024-01", "precision": "month", "category": "strike", "title": "Strike",
     "summary": "A missile hits.", "destination": "KYIV", "actors": "Russia",
     "confidence": "claimed-by-party", "sources": "S02", "disputed": "Casualty counts differ."},
]


def feature_collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def point(props: dict[str, Any], lon: float, lat: float) -> dict[str, Any]:
    return {"type": "Feature", "properties": props, "geometry": {"type": "Point", "coordinates": [lon, lat]}}


def csv_text(columns: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return out.getvalue()


def write_folder(folder: Path, *, countries: list[dict] | None = None, places: list[dict] | None = None,
                 events: list[dict] | None = None, sources: list[dict] | None = None,
                 routes: list[dict] | None = None, record_through: str = RECORD_THROUGH) -> Path:
    """Write a complete, valid data folder (override any part) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "record.yaml").write_text(f"record_through: {record_through}\n")
    countries = COUNTRIES if countries is None else countries
    places = PLACES if places is None else places
    country_features = [{"type": "Feature", "properties": {"iso_a3": c["iso_a3"], "name": c["name"]},
                         "geometry": {"type": "Polygon", "coordinates": c["coords"]}} for c in countries]
    (folder / "countries.geojson").write_text(json.dumps(feature_collection(country_features)))
    place_features = [point({"id": p["id"], "name": p["name"], "kind": p["kind"], "country": p["country"],
                             "coord_source": "test fixture", "precision_m": 100}, p["lon"], p["lat"])
                      for p in places]
    (folder / "places.geojson").write_text(json.dumps(feature_collection(place_features)))
    if routes is not None:
        (folder / "routes.geojson").write_text(json.dumps(feature_collection(routes)))
    (folder / "sources.csv").write_text(csv_text([c.name for c in SOURCE_COLUMNS],
                                                 SOURCES if sources is None else sources))
    (folder / "events.csv").write_text(csv_text([c.name for c in EVENT_COLUMNS],
                                                EVENTS if events is None else events))
    return folder
