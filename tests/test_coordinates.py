"""Coordinates cannot move silently: the shipped places under a wrong or a right CRS, distances to countries measured
against an independent brute force, and the same rules for uploads."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import Point

from layers.load.catalog import Catalog, load_catalog
from layers.load.placement import COUNTRY_TOLERANCE_KM, OCCUPIED_AREAS, CountryIndex
from layers.load.uploads import OVERLAY, PLACES, UNREAD, Upload, merge_uploads
from tests.factory import feature_collection, point

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
GEOD = Geod(ellps="WGS84")
DATA_FILES = ("countries.geojson", "places.geojson", "routes.geojson", "sources.csv", "events.csv", "record.yaml",
              "series.csv", "estimates.csv")


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(GEODATA)


def copy_data(folder: Path) -> Path:
    folder.mkdir()
    for name in DATA_FILES:
        shutil.copy(GEODATA / name, folder / name)
    return folder


def rewrite_places(folder: Path, crs: str, project: bool) -> list[list[float]]:
    """Give the places file a crs member (projecting the points to it when ``project``); the original points."""
    path = folder / "places.geojson"
    obj = json.loads(path.read_text())
    original = [f["geometry"]["coordinates"] for f in obj["features"]]
    forward = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    obj["crs"] = {"type": "name", "properties": {"name": crs}}
    if project:
        for feature in obj["features"]:
            feature["geometry"]["coordinates"] = list(forward.transform(*feature["geometry"]["coordinates"]))
    path.write_text(json.dumps(obj))
    return original


def test_the_shipped_places_in_degrees_under_epsg_3857_are_refused_not_moved_to_the_gulf_of_guinea(tmp_path: Path):
    folder = copy_data(tmp_path / "data")
    rewrite_places(folder, "EPSG:3857", project=False)
    cat = load_catalog(folder)
    [error] = [p for p in cat.report.errors if p.file == "places.geojson"]
    assert (error.where, error.field, error.value) == ("", "crs", "'EPSG:3857'")
    assert "30 of 30 features have only values within ±180/±90" in error.expected
    assert "remove the crs member" in error.expected
    assert cat.places.empty and not cat.report.ok
    assert len(cat.countries) == 107 and len(cat.sources) == 289  # the rest of the data still loads


def test_the_shipped_places_in_real_web_mercator_metres_load_where_they_were(tmp_path: Path, shipped: Catalog):
    folder = copy_data(tmp_path / "data")
    original = rewrite_places(folder, "EPSG:3857", project=True)
    cat = load_catalog(folder)
    assert [(p.file, p.field, p.severity) for p in cat.report] == [("places.geojson", "crs", "warning")]
    assert len(cat.places) == 30 and len(cat.events) == len(shipped.events)
    got = np.array([[g.x, g.y] for g in cat.places.geometry])
    assert got == pytest.approx(np.array(original), abs=1e-6)


def test_every_shipped_place_is_within_a_few_km_of_its_declared_countries(shipped: Catalog):
    index = CountryIndex.of(shipped.countries)
    pairs = [(code, geom) for field, geom in zip(shipped.places["country"], shipped.places.geometry, strict=True)
             for code in field.split("/")]
    km = index.distances_km([c for c, _ in pairs], np.array([g.x for _, g in pairs]),
                            np.array([g.y for _, g in pairs]))
    assert len(pairs) == 31 and km.max() < 2  # the Friendship Bridge, 1.6 km from the 1:50m North Korea


def brute_force_km(shape: shapely.Geometry, lon: float, lat: float, reach_deg: float) -> float:
    """The least geodesic distance to the shape's boundary, densified to 0.005° and cut to a window."""
    window = shapely.clip_by_rect(shape.boundary, lon - reach_deg, lat - reach_deg / 2, lon + reach_deg,
                                  lat + reach_deg / 2)
    coords = shapely.get_coordinates(shapely.segmentize(window, 0.005))
    _, _, metres = GEOD.inv(np.full(len(coords), lon), np.full(len(coords), lat), coords[:, 0], coords[:, 1])
    return float(np.min(metres)) / 1000


def test_distances_match_a_brute_force_on_real_coasts(shipped: Catalog):
    """Points off the Russian and Korean coasts (at 43-70°N, where degrees of longitude shrink): within 1 %."""
    index = CountryIndex.of(shipped.countries)
    rng = np.random.default_rng(7)
    cases = []
    for code, (lon0, lat0), spread in (("RUS", (132.0, 42.9), 0.5), ("RUS", (40.0, 68.5), 1.0),
                                       ("PRK", (129.9, 41.2), 0.6), ("RUS", (160.0, 55.0), 1.2)):
        for lon, lat in zip(lon0 + rng.uniform(-spread, spread, 8), lat0 + rng.uniform(-spread / 2, spread / 2, 8),
                            strict=True):
            if not shapely.intersects_xy(index.shapes[code], lon, lat):
                cases.append((code, lon, lat))
    assert len(cases) >= 12
    km = index.distances_km([c for c, _, _ in cases], np.array([x for _, x, _ in cases]),
                            np.array([y for _, _, y in cases]))
    expected = [brute_force_km(index.shapes[c], x, y, 4.0) for c, x, y in cases]
    assert km == pytest.approx(expected, rel=0.01, abs=0.2)


def test_the_occupied_areas_lie_in_the_shipped_ukraine(shipped: Catalog):
    ukraine = CountryIndex.of(shipped.countries).shapes["UKR"]
    for area in OCCUPIED_AREAS:
        assert shapely.box(*area.bounds).intersection(ukraine).area > 0.5, area.name
    for name, lon, lat in (("Sevastopol", 33.52, 44.6), ("Kerch", 36.47, 45.36), ("Mariupol", 37.54, 47.1),
                           ("Luhansk", 39.31, 48.57), ("Melitopol", 35.37, 46.84)):
        assert shapely.intersects_xy(ukraine, lon, lat), name


def test_a_place_in_crimea_declared_rus_is_refused_in_the_shipped_basemap(tmp_path: Path):
    folder = copy_data(tmp_path / "data")
    path = folder / "places.geojson"
    obj = json.loads(path.read_text())
    props = {"name": "x", "kind": "port", "coord_source": "test", "precision_m": 1000}
    obj["features"] += [point({**props, "id": "SEVAS", "country": "UKR"}, 33.52, 44.6),
                        point({**props, "id": "KERCH", "country": "RUS"}, 36.47, 45.36),
                        point({**props, "id": "LUHANSK", "country": "RUS"}, 39.31, 48.57)]
    path.write_text(json.dumps(obj))
    cat = load_catalog(folder)
    assert [(p.where, p.field, p.value) for p in cat.report] == [("feature 31", "country", "'RUS'"),
                                                                 ("feature 32", "country", "'RUS'")]
    assert "for a place in Crimea and Sevastopol" in cat.report.problems[0].expected
    assert "for a place in Luhansk oblast" in cat.report.problems[1].expected
    assert "SEVAS" in set(cat.places["id"]) and not {"KERCH", "LUHANSK"} & set(cat.places["id"])


# --- uploads ------------------------------------------------------------------------------------------------

def place_props(pid: str, country: str) -> dict:
    return {"id": pid, "name": pid.title(), "kind": "city", "country": country, "coord_source": "my survey",
            "precision_m": 500}


def upload(name: str, features: list[dict], crs: str | None = None) -> Upload:
    obj = feature_collection(features)
    if crs:
        obj["crs"] = {"type": "name", "properties": {"name": crs}}
    return Upload(name, json.dumps(obj).encode())


def test_an_uploaded_places_file_in_degrees_under_epsg_3857_is_refused(tiny: Catalog):
    session = merge_uploads(tiny, [upload("pts.geojson", [point(place_props("VLAD", "RUS"), 131.9, 43.1)],
                                          "EPSG:3857")])
    [error] = session.report.errors
    assert (error.file, error.where, error.field, error.value) == ("pts.geojson", "", "crs", "'EPSG:3857'")
    assert "1 of 1 features have only values within ±180/±90" in error.expected
    assert [(f.kind, f.loaded) for f in session.files] == [(PLACES, 0)] and session.catalog is tiny


def test_an_uploaded_overlay_in_degrees_under_epsg_3857_is_refused(tiny: Catalog):
    features = [{"type": "Feature", "properties": {"n": i}, "geometry": {"type": "Point", "coordinates": [30 + i, 50]}}
                for i in range(3)]
    session = merge_uploads(tiny, [upload("pins.geojson", features, "EPSG:3857")])
    [error] = session.report.errors
    assert (error.file, error.field, error.value) == ("pins.geojson", "crs", "'EPSG:3857'")
    assert [(f.kind, f.loaded) for f in session.files] == [(OVERLAY, 0)] and "pins.geojson" not in \
        session.catalog.overlays


def test_an_uploaded_overlay_in_metres_under_crs84_is_refused(tiny: Catalog):
    features = [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [3.4e6, 6.5e6]}}]
    session = merge_uploads(tiny, [upload("zones.geojson", features, "urn:ogc:def:crs:OGC:1.3:CRS84")])
    [error] = session.report.errors
    assert (error.file, error.field, error.value) == ("zones.geojson", "crs", "'urn:ogc:def:crs:OGC:1.3:CRS84'")
    assert "look like projected metres" in error.expected


def parquet_bytes(frame: gpd.GeoDataFrame) -> bytes:
    out = io.BytesIO()
    frame.to_parquet(out)
    return out.getvalue()


def test_a_geoparquet_declaring_web_mercator_over_degrees_is_refused(tiny: Catalog):
    frame = gpd.GeoDataFrame({"label": ["depot", "yard"]}, geometry=[Point(37.6, 55.75), Point(30.5, 50.4)],
                             crs="EPSG:3857")  # the numbers are degrees: a wrong CRS in the file's metadata
    session = merge_uploads(tiny, [Upload("sites.parquet", parquet_bytes(frame))])
    [error] = session.report.errors
    assert (error.file, error.field, error.value) == ("sites.parquet", "crs", "'EPSG:3857'")
    assert "2 of 2 features have only values within ±180/±90" in error.expected
    assert [(f.kind, f.loaded) for f in session.files] == [(OVERLAY, 0)]


def test_a_geoparquet_in_real_web_mercator_still_loads(tiny: Catalog):
    frame = gpd.GeoDataFrame({"label": ["depot"]}, geometry=[Point(37.6, 55.75)], crs="EPSG:4326").to_crs(3857)
    session = merge_uploads(tiny, [Upload("sites.parquet", parquet_bytes(frame))])
    assert session.report.ok, session.report.format()
    assert session.catalog.overlays["sites.parquet"].geometry.iloc[0].coords[0] == pytest.approx((37.6, 55.75))


def test_uploaded_places_far_from_their_country_or_in_an_unknown_one_are_set_aside(tiny: Catalog):
    lon, lat, _ = GEOD.fwd(22.0, 50.45, 270, 300_000)
    features = [point(place_props("LVIV", "UKR"), lon, lat), point(place_props("ATL", "ATL"), 28.0, 50.0),
                point(place_props("ODESA", "UKR"), 29.99 + 0.2, 46.48)]  # 15 km off the tiny Ukraine: kept
    session = merge_uploads(tiny, [upload("mine.geojson", features)])
    found = {(p.where, p.field, p.severity): p.expected for p in session.report}
    assert set(found) == {("feature 0", "geometry.coordinates", "error"), ("feature 1", "country", "error")}
    far = found[("feature 0", "geometry.coordinates", "error")]
    assert f"within {COUNTRY_TOLERANCE_KM:g} km of its declared country UKR" in far and "it is 300 km from UKR" in far
    assert "ATL is not one" in found[("feature 1", "country", "error")]
    assert [(f.kind, f.loaded) for f in session.files] == [(PLACES, 1)]
    assert "ODESA" in set(session.catalog.places["id"]) and "LVIV" not in set(session.catalog.places["id"])


def test_a_file_that_cannot_be_read_is_not_a_places_file(tiny: Catalog):
    session = merge_uploads(tiny, [Upload("x.geojson", b"{")])
    assert session.files[0].kind == UNREAD
