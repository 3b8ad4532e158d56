"""Coordinates that must not move silently: a declared CRS that does not fit them, a place far from its country.

Features are numbered from 0: places PYG 0, RAJIN 1, DUNAI 2, MOW 3, KYIV 4; countries RUS 0, PRK 1, UKR 2.
Events: E001 RAJIN>DUNAI on row 2, E002 PYG>MOW on row 3, E003 at KYIV on row 4. The tiny folder's countries are
boxes (``tests.factory.COUNTRIES``); distances below are geodesic (WGS84), checked with ``pyproj.Geod``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pyproj import Geod, Transformer

from layers.load.catalog import Catalog
from layers.load.placement import COUNTRY_TOLERANCE_KM
from tests.bad_inputs.case import ALL_PLACES, Case, Expect, Loads, compose, edit_json, set_coordinates, set_property
from tests.bad_inputs.geojson_cases import NO_PLACES, WHOLE_EVENTS_UNREAD, to_web_mercator
from tests.factory import PLACES, box, feature_collection

PLACES_FILE = "places.geojson"
COUNTRIES_FILE = "countries.geojson"
GEOD = Geod(ellps="WGS84")
KYIV_LAT = 50.45


def lost(row: int, column: str, place: str) -> Expect:
    return Expect("events.csv", f"row {row}", column, "of a place that loaded", place)


def without(*places: str) -> tuple[str, ...]:
    return tuple(p for p in ALL_PLACES if p not in places)


def west_of_ukraine(km: float) -> list[float]:
    """A point ``km`` due west of the tiny Ukraine's western edge (lon 22) at Kyiv's latitude: the geodesic that
    leaves a meridian at a right angle is the shortest way back to it, so the distance is exactly ``km``."""
    lon, lat, _ = GEOD.fwd(22.0, KYIV_LAT, 270, km * 1000)
    return [lon, lat]


def east_of_north_korea(km: float) -> list[float]:
    """A point ``km`` off the tiny North Korea's east coast (lon 130.7), south of Russia's box."""
    lon, lat, _ = GEOD.fwd(130.7, 41.0, 90, km * 1000)
    return [lon, lat]


def with_crs(name: str):
    return edit_json(PLACES_FILE, lambda obj: obj.__setitem__("crs", {"type": "name", "properties": {"name": name}}))


def metres_declared(name: str):
    """Every place in EPSG:3857 metres, but the crs member says ``name`` (a geographic CRS)."""
    def edit(obj: dict) -> None:
        to_web_mercator(obj)
        obj["crs"]["properties"]["name"] = name

    return edit_json(PLACES_FILE, edit)


def to_utm52(obj: dict) -> None:
    """Every place in UTM zone 52N metres (EPSG:32652), declared so: right for Korea, not for Moscow or Kyiv."""
    forward = Transformer.from_crs("EPSG:4326", "EPSG:32652", always_xy=True)
    obj["crs"] = {"type": "name", "properties": {"name": "EPSG:32652"}}
    for feature in obj["features"]:
        feature["geometry"]["coordinates"] = list(forward.transform(*feature["geometry"]["coordinates"]))


def crimea_folder(declared: str, lon: float, lat: float):
    """Ukraine drawn to lon 36.6 (with Crimea), Russia from lon 36.7; KYIV moved to (lon, lat) and declared."""
    return compose(
        set_coordinates(COUNTRIES_FILE, 0, box(36.7, 42.43, 140, 70), "Polygon"),
        set_coordinates(COUNTRIES_FILE, 2, box(22, 44, 36.6, 52), "Polygon"),
        set_coordinates(PLACES_FILE, 4, [lon, lat]),
        set_property(PLACES_FILE, 4, "country", declared),
    )


def korean_places_back_in_place(cat: Catalog) -> None:
    for place in PLACES[:3]:
        point = cat.places.loc[place["id"]].geometry
        assert (point.x, point.y) == pytest.approx((place["lon"], place["lat"]), abs=1e-6)


def kyiv_at(lon: float, lat: float):
    def check(cat: Catalog) -> None:
        point = cat.places.loc["KYIV"].geometry
        assert (point.x, point.y) == (lon, lat)

    return check


def nothing_moved_to_null_island(cat: Catalog) -> None:
    assert all(abs(p.x) > 1 or abs(p.y) > 1 for p in cat.places.geometry)


def routes(*lines: tuple[str, str, list[list[float]]]):
    """Write routes.geojson with these (from, to, coordinates) sea lanes, ids R0, R1..."""
    def run(folder: Path) -> None:
        features = [{"type": "Feature", "properties": {"id": f"R{i}", "mode": "sea", "from": a, "to": b,
                                                      "schematic": True, "source": "test"},
                     "geometry": {"type": "LineString", "coordinates": coords}}
                    for i, (a, b, coords) in enumerate(lines)]
        (folder / "routes.geojson").write_text(json.dumps(feature_collection(features)))

    return run


def route_ids(*ids: str):
    def check(cat: Catalog) -> None:
        assert list(cat.routes["id"]) == list(ids)

    return check


RAJIN_XY, DUNAI_XY, MID_SEA = [130.3, 42.25], [132.3375, 42.88028], [131.5, 42.3]
KERCH = (36.47, 45.36)  # 18 km from the tiny Russia (lon 36.7): RUS would pass on distance alone
SIMFEROPOL = (34.1, 44.95)

CASES = [
    Case("places_degrees_under_epsg_3857_refused",
         with_crs("EPSG:3857"),
         (Expect(PLACES_FILE, "", "crs", "5 of 5 features have only values within ±180/±90, which are "
                 "longitude/latitude degrees", "EPSG:3857"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_one_degree_point_in_a_web_mercator_file_set_aside",
         compose(edit_json(PLACES_FILE, to_web_mercator), set_coordinates(PLACES_FILE, 0, [125.7625, 39.0392])),
         (Expect(PLACES_FILE, "", "crs", "reprojected from that CRS to WGS84", "EPSG::3857", "warning"),
          Expect(PLACES_FILE, "feature 0", "geometry.coordinates", "(125.7625, 39.0392) is within ±180/±90, i.e. "
                 "longitude/latitude degrees; read as urn:ogc:def:crs:EPSG::3857 it would land at longitude 0.00113, "
                 "latitude 0.00035",
                 "125.7625, 39.0392"),
          lost(3, "origin", "PYG")),
         Loads(events=("E001", "E003"), places=without("PYG")), check=nothing_moved_to_null_island),
    Case("places_metres_under_epsg_4326_refused",
         metres_declared("EPSG:4326"),
         (Expect(PLACES_FILE, "", "crs", "5 of 5 features have values beyond ±180/±90", "EPSG:4326"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_metres_under_crs84_refused",
         metres_declared("urn:ogc:def:crs:OGC:1.3:CRS84"),
         (Expect(PLACES_FILE, "", "crs", "look like projected metres; nothing in the file was loaded", "CRS84"),
          WHOLE_EVENTS_UNREAD),
         NO_PLACES),
    Case("places_utm_file_loads_only_what_lies_near_its_zone",
         edit_json(PLACES_FILE, to_utm52),
         (Expect(PLACES_FILE, "", "crs", "reprojected from that CRS to WGS84", "EPSG:32652", "warning"),
          Expect(PLACES_FILE, "feature 3", "geometry.coordinates", "inside the area where EPSG:32652 is defined", ""),
          Expect(PLACES_FILE, "feature 4", "geometry.coordinates", "inside the area where EPSG:32652 is defined", ""),
          lost(3, "destination", "MOW"), lost(4, "destination", "KYIV")),
         Loads(events=("E001",), places=("PYG", "RAJIN", "DUNAI")), check=korean_places_back_in_place),
    Case("places_300_km_outside_the_declared_country_set_aside",
         set_coordinates(PLACES_FILE, 4, west_of_ukraine(300)),
         (Expect(PLACES_FILE, "feature 4", "geometry.coordinates", f"within {COUNTRY_TOLERANCE_KM:g} km of its "
                 "declared country UKR (countries.geojson); it is 300 km from UKR", "17.7"),
          lost(4, "destination", "KYIV")),
         Loads(events=("E001", "E002"), places=without("KYIV"))),
    Case("places_country_code_not_in_countries_geojson",
         set_property(PLACES_FILE, 4, "country", "UKX"),
         (Expect(PLACES_FILE, "feature 4", "country", "a country code of countries.geojson (its iso_a3); UKX is not "
                 "one", "UKX"),
          lost(4, "destination", "KYIV")),
         Loads(events=("E001", "E002"), places=without("KYIV"))),
    Case("places_exactly_on_the_coast_pass",
         set_coordinates(PLACES_FILE, 1, [130.7, 41.0]),
         (), check=lambda cat: cat.places.loc["RAJIN"].geometry.coords[0] == (130.7, 41.0)),
    Case("places_24_km_off_the_coast_pass",
         set_coordinates(PLACES_FILE, 1, east_of_north_korea(24)),
         ()),
    Case("places_26_km_off_the_coast_set_aside",
         set_coordinates(PLACES_FILE, 1, east_of_north_korea(26)),
         (Expect(PLACES_FILE, "feature 1", "geometry.coordinates", "it is 26 km from PRK", "131.0"),
          lost(2, "origin", "RAJIN")),
         Loads(events=("E002", "E003"), places=without("RAJIN"))),
    Case("places_border_point_must_be_near_both_countries",
         compose(set_property(PLACES_FILE, 1, "country", "RUS/PRK"), set_coordinates(PLACES_FILE, 1, [128.0, 40.0])),
         (Expect(PLACES_FILE, "feature 1", "geometry.coordinates", "within 25 km of each country of the border "
                 "point RUS/PRK (countries.geojson); it is 270 km from RUS", "128.0, 40.0"),
          lost(2, "origin", "RAJIN")),
         Loads(events=("E002", "E003"), places=without("RAJIN"))),
    Case("places_in_crimea_declared_ukr_pass",
         crimea_folder("UKR", *SIMFEROPOL),
         (), check=kyiv_at(*SIMFEROPOL)),
    Case("places_in_crimea_declared_rus_refused_even_within_the_tolerance",
         crimea_folder("RUS", *KERCH),
         (Expect(PLACES_FILE, "feature 4", "country", "UKR for a place in Crimea and Sevastopol: occupied territory "
                 "is declared in the country whose internationally recognised borders hold it", "RUS"),
          lost(4, "destination", "KYIV")),
         Loads(events=("E001", "E002"), places=without("KYIV"))),
    Case("routes_ends_on_their_places_load_whatever_lies_between",  # the sea vertex is in no country
         routes(("RAJIN", "DUNAI", [RAJIN_XY, MID_SEA, DUNAI_XY]), ("RAJIN", "DUNAI", [[130.3005, 42.2505], DUNAI_XY])),
         (), check=route_ids("R0", "R1")),
    Case("routes_end_off_its_place_set_aside",
         routes(("RAJIN", "DUNAI", [RAJIN_XY, MID_SEA, [132.0, 42.88028]]), ("RAJIN", "DUNAI", [RAJIN_XY, DUNAI_XY])),
         (Expect("routes.geojson", "feature 0", "geometry.coordinates", "the last vertex on the 'to' place DUNAI "
                 "(within 200 m of its coordinate [132.3375, 42.88028]); it is 27.6 km away; route R0 was set aside",
                 "132.0, 42.88028"),),
         check=route_ids("R1")),
    Case("routes_drawn_backwards_set_aside",
         routes(("RAJIN", "DUNAI", [DUNAI_XY, MID_SEA, RAJIN_XY])),
         (Expect("routes.geojson", "feature 0", "geometry.coordinates", "the first vertex on the 'from' place RAJIN",
                 "132.3375, 42.88028"),
          Expect("routes.geojson", "feature 0", "geometry.coordinates", "the line runs from 'to' to 'from': reverse "
                 "it", "130.3, 42.25")),
         check=route_ids()),
    Case("places_in_crimea_declared_as_a_border_point_with_ukr_pass",
         crimea_folder("RUS/UKR", *KERCH),
         ()),
]
