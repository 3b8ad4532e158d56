"""Bad GeoJSON: coordinates, CRSs, rings, geometry types, numbers, structure, nesting, size and encoding.

Features are numbered from 0: places PYG 0, RAJIN 1, DUNAI 2, MOW 3, KYIV 4; countries RUS 0, PRK 1, UKR 2.
Events (row 2 is the first): E001 RAJIN>DUNAI on row 2, E002 PYG>MOW on row 3, E003 at KYIV on row 4.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest
import shapely
from pyproj import Transformer

from layers.load.catalog import Catalog
from layers.load.readers import MAX_FEATURES, MAX_FILE_BYTES, MAX_JSON_DEPTH
from layers.model.report import MAX_LISTED_PER_FILE
from tests.bad_inputs.case import (
    ALL_PLACES,
    Case,
    Expect,
    Loads,
    compose,
    edit_json,
    replace_json,
    replace_text,
    set_coordinates,
    set_geometry,
    set_property,
    write_bytes,
    write_text,
)
from tests.factory import PLACES, box

PLACES_FILE = "places.geojson"
COUNTRIES_FILE = "countries.geojson"
FEATURE = re.compile(r"feature \d+")
WHOLE_EVENTS_UNREAD = Expect("events.csv", "rows 2, 3, 4", "", "places.geojson could not be read", "3 event(s)",
                             "warning")
"""Every event names a place: when places.geojson cannot be read at all, they go with one warning."""
NO_PLACES = Loads(events=(), places=())
UKR_BOX = box(22, 44, 29.99, 52)
KYIV_UNCHECKED = Expect(PLACES_FILE, "feature 4", "country", "so place KYIV was not checked against it", "UKR",
                        "warning")
"""KYIV is declared UKR: when Ukraine's shape does not load, the place loads unchecked, with a warning."""


def lost_place(row: int, column: str, place: str) -> Expect:
    """The event on ``row`` set aside because its place was."""
    return Expect("events.csv", f"row {row}", column, "of a place that loaded", place)


def without(place: str) -> tuple[str, ...]:
    return tuple(p for p in ALL_PLACES if p != place)


def places_text(folder: Path) -> str:
    return (folder / PLACES_FILE).read_text()


# --- checks of what loaded --------------------------------------------------------------------------------

def reprojected_back(cat: Catalog) -> None:
    for place in PLACES:
        point = cat.places.loc[place["id"]].geometry
        assert (point.x, point.y) == pytest.approx((place["lon"], place["lat"]), abs=1e-6)


def ukraine(cat: Catalog) -> shapely.Geometry:
    return cat.countries.set_index("iso_a3").loc["UKR"].geometry


def ukraine_counter_clockwise(cat: Catalog) -> None:
    assert ukraine(cat).exterior.is_ccw


def ukraine_closed_and_whole(cat: Catalog) -> None:
    assert ukraine(cat).area == pytest.approx(7.99 * 8)


def bow_tie_became_two_triangles(cat: Catalog) -> None:
    shape = ukraine(cat)
    assert shape.is_valid and shape.geom_type == "MultiPolygon" and len(shape.geoms) == 2
    assert shape.area == pytest.approx(7.99 * 8 / 2)


def parts(geometry: shapely.Geometry) -> list[shapely.Geometry]:
    return list(getattr(geometry, "geoms", [geometry]))


def chukotka_split_not_a_band(cat: Catalog) -> None:
    russia = cat.countries.set_index("iso_a3").loc["RUS"].geometry
    assert all(p.bounds[2] - p.bounds[0] <= 180 for p in parts(russia)), [p.bounds for p in parts(russia)]
    assert sorted(round(p.bounds[0]) for p in parts(russia)) == [-180, 30, 170]
    assert russia.area == pytest.approx(110 * 27.57 + 20 * 6)


def greenwich_part_kept_as_is(cat: Catalog) -> None:
    pieces = parts(ukraine(cat))
    assert all(p.bounds[2] - p.bounds[0] <= 180 for p in pieces), [p.bounds for p in pieces]
    assert (-1, 50, 1, 51) in [p.bounds for p in pieces]
    assert ukraine(cat).area == pytest.approx(7.99 * 8 + 10 * 5 + 2 * 1)


def first_pyongyang_kept(cat: Catalog) -> None:
    assert cat.places.loc["PYG"].geometry.x == pytest.approx(PLACES[0]["lon"])


def report_capped(cat: Catalog) -> None:
    listed = cat.report.for_file(PLACES_FILE)
    assert len(listed) == MAX_LISTED_PER_FILE + 1
    assert cat.report.unlisted[(PLACES_FILE, "error")] == MAX_FEATURES - (MAX_LISTED_PER_FILE - 1)
    assert not cat.report.ok


# --- edits --------------------------------------------------------------------------------------------------

def to_web_mercator(obj: dict) -> None:
    """Every place in EPSG:3857 metres, declared with a legacy crs member."""
    forward = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    obj["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    for feature in obj["features"]:
        feature["geometry"]["coordinates"] = list(forward.transform(*feature["geometry"]["coordinates"]))


def with_crs(name: str):
    return edit_json(PLACES_FILE, lambda obj: obj.__setitem__("crs", {"type": "name", "properties": {"name": name}}))


def nested_member(levels: int):
    """A foreign member of nested arrays that brings the file's nesting to ``levels``."""
    inner = levels - 1  # the top-level object is level 1
    return edit_json(PLACES_FILE, lambda obj: obj.__setitem__("meta", json.loads("[" * inner + "]" * inner)))


def gzip_claiming_4_gib(_: bytes) -> bytes:
    """About 1 KB of gzip whose trailer claims 4 GiB - 1 of text once unpacked."""
    data = gzip.compress(b" " * 1_000_000)
    assert len(data) < 2048
    return data[:-4] + b"\xff\xff\xff\xff"


def sparse_over_the_limit(folder: Path) -> None:
    """A sparse file one byte over the size limit: it claims 25 MiB + 1 and takes no disk."""
    os.truncate(folder / PLACES_FILE, MAX_FILE_BYTES + 1)


def every_feature_empty(folder: Path) -> None:
    count = MAX_FEATURES + 1
    (folder / PLACES_FILE).write_text('{"type": "FeatureCollection", "features": [' + ", ".join(["{}"] * count)
                                      + "]}")


ANTIMERIDIAN_RING = [[170, 62], [-170, 62], [-170, 68], [170, 68], [170, 62]]


CASES = [
    Case("places_swapped_out_of_range",
         set_coordinates(PLACES_FILE, 1, [42.25, 130.3]),
         (Expect(PLACES_FILE, "feature 1", "geometry.coordinates", "looks swapped", "42.25, 130.3"),
          lost_place(2, "origin", "RAJIN")),
         Loads(events=("E002", "E003"), places=without("RAJIN"))),
    Case("places_swapped_in_range_wrong_country",
         set_coordinates(PLACES_FILE, 3, [55.752, 37.6175]),
         (Expect(PLACES_FILE, "feature 3", "geometry.coordinates", "falls in RUS only when swapped",
                 "55.752, 37.6175"),
          lost_place(3, "destination", "MOW")),
         Loads(events=("E001", "E003"), places=without("MOW"))),
    Case("places_point_in_another_country_set_aside",
         set_property(PLACES_FILE, 0, "country", "RUS"),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates",
                 "within 25 km of its declared country RUS (countries.geojson); it is 377 km from RUS",
                 "125.7625, 39.0392"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_border_point_within_the_tolerance_is_clean",  # 19.9 km south of RUS, in no country
         compose(set_property(PLACES_FILE, 2, "country", "RUS"), set_coordinates(PLACES_FILE, 2, [131.0, 42.25])),
         ()),
    Case("places_border_point_beyond_the_tolerance_set_aside",  # 36.6 km south of RUS
         compose(set_property(PLACES_FILE, 2, "country", "RUS"), set_coordinates(PLACES_FILE, 2, [131.0, 42.1])),
         (Expect(PLACES_FILE, "feature 2", "geometry.coordinates", "it is 37 km from RUS: check the coordinate",
                 "131.0, 42.1"),
          lost_place(2, "destination", "DUNAI")),
         Loads(events=("E002", "E003"), places=without("DUNAI"))),
    Case("places_latitude_95",
         set_coordinates(PLACES_FILE, 0, [125.7625, 95]),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "latitude within -90..90", "125.7625, 95"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_longitude_200",
         set_coordinates(PLACES_FILE, 4, [200.5, 50.45]),
         (Expect(PLACES_FILE, "feature 4", "geometry.coordinates", "longitude within -180..180", "200.5"),
          lost_place(4, "destination", "KYIV")),
         Loads(events=("E001", "E002"), places=without("KYIV"))),
    Case("places_crs_web_mercator_reprojected",
         edit_json(PLACES_FILE, to_web_mercator),
         (Expect(PLACES_FILE, "", "crs", "reprojected from that CRS to WGS84", "EPSG::3857", "warning"),),
         check=reprojected_back),
    Case("places_crs_member_naming_wgs84",
         with_crs("urn:ogc:def:crs:OGC:1.3:CRS84"),
         (Expect(PLACES_FILE, "", "crs", "WGS84 assumed", "CRS84", "warning"),)),
    Case("places_crs_unknown",
         with_crs("EPSG:999999"),
         (Expect(PLACES_FILE, "", "crs", "a known geographic or projected coordinate reference system",
                 "EPSG:999999"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_crs_vertical_only",
         with_crs("EPSG:5703"),
         (Expect(PLACES_FILE, "", "crs", "geographic or projected", "EPSG:5703"), WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("countries_clockwise_ring",
         set_coordinates(COUNTRIES_FILE, 2, [UKR_BOX[0][::-1]], "Polygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry", "it was reoriented", "clockwise exterior ring",
                 "warning"),),
         check=ukraine_counter_clockwise),
    Case("countries_polygon_across_antimeridian",
         set_coordinates(COUNTRIES_FILE, 0, [box(30, 42.43, 140, 70), [ANTIMERIDIAN_RING]], "MultiPolygon"),
         (Expect(COUNTRIES_FILE, "feature 0", "geometry", "split into parts east and west",
                 "edges jump across 180", "warning"),),
         check=chukotka_split_not_a_band),
    Case("countries_antimeridian_split_leaves_greenwich_part_alone",
         set_coordinates(COUNTRIES_FILE, 2, [UKR_BOX, [[[175, 50], [-175, 50], [-175, 55], [175, 55], [175, 50]]],
                                             box(-1, 50, 1, 51)], "MultiPolygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry", "split into parts east and west",
                 "edges jump across 180", "warning"),),
         check=greenwich_part_kept_as_is),
    Case("countries_self_intersecting_bow_tie",
         set_coordinates(COUNTRIES_FILE, 2, [[[22, 44], [29.99, 52], [29.99, 44], [22, 52], [22, 44]]], "Polygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry", "repaired with make_valid", "Self-intersection",
                 "warning"),),
         check=bow_tie_became_two_triangles),
    Case("countries_unclosed_ring",
         set_coordinates(COUNTRIES_FILE, 2, [UKR_BOX[0][:-1]], "Polygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry", "the ring was closed", "unclosed ring", "warning"),),
         check=ukraine_closed_and_whole),
    Case("countries_ring_of_three_positions",
         set_coordinates(COUNTRIES_FILE, 2, [[[22, 44], [29, 44], [22, 44]]], "Polygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry.coordinates", "rings of at least 4 positions",
                 "[[[22, 44], [29, 44], [22, 44]]]"),
          KYIV_UNCHECKED),
         Loads(countries=("RUS", "PRK"))),
    Case("countries_polygon_collapsed_to_a_point",
         set_coordinates(COUNTRIES_FILE, 2, [[[25, 48], [25, 48], [25, 48], [25, 48]]], "Polygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry.coordinates", "a polygon with an area", "[[[25, 48]"),
          KYIV_UNCHECKED),
         Loads(countries=("RUS", "PRK"))),
    Case("countries_empty_polygon",
         set_coordinates(COUNTRIES_FILE, 2, [], "Polygon"),
         (Expect(COUNTRIES_FILE, "feature 2", "geometry.coordinates", "a non-empty geometry", "[]"),
          KYIV_UNCHECKED),
         Loads(countries=("RUS", "PRK"))),
    Case("places_null_geometry",
         set_geometry(PLACES_FILE, 0, None),
         (Expect(PLACES_FILE, "feature 0", "geometry", "(it is null)", "(missing)"), lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_empty_coordinates",
         set_coordinates(PLACES_FILE, 0, []),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "a position [longitude, latitude]", "[]"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_polygon_among_points",
         set_coordinates(PLACES_FILE, 0, box(125, 39, 126, 40), "Polygon"),
         (Expect(PLACES_FILE, "feature 0", "geometry.type", "Point (one geometry type per file)", "Polygon"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_geometry_as_wkt_text",
         set_geometry(PLACES_FILE, 0, "POINT (125.76 39.04)"),
         (Expect(PLACES_FILE, "feature 0", "geometry", "a Point geometry object", "POINT (125.76 39.04)"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_nan_coordinate",
         replace_text(PLACES_FILE, "125.7625", "NaN"),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "no NaN or Infinity", "nan"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_infinity_coordinate",
         replace_text(PLACES_FILE, "39.0392", "-Infinity"),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "no NaN or Infinity", "-inf"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_400_digit_coordinate",
         replace_text(PLACES_FILE, "125.7625", "1" + "0" * 400),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "no NaN or Infinity", "inf"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_coordinates_as_strings",
         set_coordinates(PLACES_FILE, 0, ["125.7625", "39.0392"]),
         (Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "numeric coordinates", "'125.7625'"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_feature_without_properties",
         edit_json(PLACES_FILE, lambda obj: obj["features"][0].pop("properties")),
         (Expect(PLACES_FILE, "feature 0", "properties", "this feature has none", "(missing)"),
          lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_precision_not_whole",
         set_property(PLACES_FILE, 0, "precision_m", 1.5),
         (Expect(PLACES_FILE, "feature 0", "precision_m", "a whole number", "1.5"), lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_precision_400_digits",
         replace_text(PLACES_FILE, '"precision_m": 100', '"precision_m": 1' + "0" * 400),
         (Expect(PLACES_FILE, "feature 0", "precision_m", "a whole number", "inf"), lost_place(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG"))),
    Case("places_name_as_an_object",
         set_property(PLACES_FILE, 3, "name", {"en": "Moscow", "ru": "Москва"}),
         (Expect(PLACES_FILE, "feature 3", "name", "text or a number, not an object", "'en': 'Moscow'"),
          lost_place(3, "destination", "MOW")),
         Loads(events=("E001", "E003"), places=without("MOW"))),
    Case("places_duplicate_id",
         edit_json(PLACES_FILE, lambda obj: obj["features"].append(
             {**obj["features"][0], "geometry": {"type": "Point", "coordinates": [126.0, 39.5]}})),
         (Expect(PLACES_FILE, "feature 5", "id", "already used on feature 0", "PYG"),),
         check=first_pyongyang_kept),
    Case("places_single_feature_not_a_collection",
         replace_json(PLACES_FILE, lambda obj: obj["features"][0]),
         (Expect(PLACES_FILE, "", "type", "a GeoJSON FeatureCollection", "Feature"), WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_truncated_json",
         lambda folder: write_text(PLACES_FILE, places_text(folder)[:200])(folder),
         (Expect(PLACES_FILE, re.compile(r"line 1 column \d+"), "", "the file may be truncated", "Expecting"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_unterminated_string_of_200000_escaped_quotes",
         write_text(PLACES_FILE, '{"type": "FeatureCollection", "features": [], "x": "' + '\\"' * 200_000),
         (Expect(PLACES_FILE, "line 1 column 52", "", "the file may be truncated", "Unterminated string"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_100000_nested_arrays",
         write_text(PLACES_FILE, "[" * 100_000 + "]" * 100_000),
         (Expect(PLACES_FILE, "line 1 column 33", "", f"at most {MAX_JSON_DEPTH} levels deep (the nesting limit)",
                 f"more than {MAX_JSON_DEPTH} levels"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_nesting_at_the_limit_loads",
         nested_member(MAX_JSON_DEPTH),
         ()),
    Case("places_nesting_one_over_the_limit",
         nested_member(MAX_JSON_DEPTH + 1),
         (Expect(PLACES_FILE, re.compile(r"line 1 column \d+"), "", "(the nesting limit)",
                 f"more than {MAX_JSON_DEPTH} levels"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_over_the_size_limit",
         sparse_over_the_limit,
         (Expect(PLACES_FILE, "", "", f"at most {MAX_FILE_BYTES:,} bytes (the size limit)",
                 f"{MAX_FILE_BYTES + 1:,} bytes"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_1kb_gzip_claiming_4_gib",
         write_bytes(PLACES_FILE, gzip_claiming_4_gib),
         (Expect(PLACES_FILE, "", "", "never unpacked", "a gzip-compressed file"), WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_over_the_feature_limit_report_capped",
         every_feature_empty,
         (Expect(PLACES_FILE, "", "features", f"at most {MAX_FEATURES:,} features (the feature limit)",
                 f"{MAX_FEATURES + 1:,} features"),
          Expect(PLACES_FILE, FEATURE, "type", "a GeoJSON Feature", "(missing)", count=MAX_LISTED_PER_FILE - 1),
          Expect(PLACES_FILE, "", "", f"at most {MAX_LISTED_PER_FILE} problems are listed", ""),
          lost_place(2, "origin", "RAJIN"), lost_place(2, "destination", "DUNAI"), lost_place(3, "origin", "PYG"),
          lost_place(3, "destination", "MOW"), lost_place(4, "destination", "KYIV")),
         NO_PLACES, check=report_capped),
    Case("places_bom_removed",
         write_bytes(PLACES_FILE, lambda data: b"\xef\xbb\xbf" + data),
         (Expect(PLACES_FILE, "", "", "it was removed", "UTF-8 byte-order mark", "warning"),)),
    Case("places_latin1_name",
         compose(set_property(PLACES_FILE, 3, "name", "Moskva"),
                 write_bytes(PLACES_FILE, lambda data: data.replace(b"Moskva", "Moskvá".encode("latin-1")))),
         (Expect(PLACES_FILE, re.compile(r"line 1 column \d+"), "", "save the file as UTF-8", "byte 0xe1"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
]
