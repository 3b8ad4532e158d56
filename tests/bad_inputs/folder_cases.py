"""Whole-folder faults: a file missing, a folder where a file should be, a file nobody may read.

A file that cannot be read at all is one error; what needs it (events need places and sources) is set
aside with one warning, and everything else loads.
"""

from __future__ import annotations

import json

from layers.load.catalog import Catalog
from tests.bad_inputs.case import Case, Expect, Loads, compose, folder_instead, remove, unreadable, write_text
from tests.factory import feature_collection

EVENTS_NEED = "references that can be checked; set aside because"


SEA_ROUTE = {"type": "Feature", "properties": {"id": "sea", "mode": "sea", "from": "RAJIN", "to": "DUNAI",
                                              "schematic": True, "source": "test"},
             "geometry": {"type": "LineString", "coordinates": [[130.3, 42.25], [132.3375, 42.88028]]}}


def no_routes(cat: Catalog) -> None:
    assert cat.routes.empty


def events_set_aside(unread: str) -> Expect:
    return Expect("events.csv", "rows 2, 3, 4", "", f"{EVENTS_NEED} {unread} could not be read", "3 event(s)",
                  "warning")


CASES = [
    Case("missing_events_csv",
         remove("events.csv"),
         (Expect("events.csv", "", "", "the file to exist (looked for /", "(missing)"),),
         Loads(events=())),
    Case("missing_places_geojson",
         remove("places.geojson"),
         (Expect("places.geojson", "", "", "the file to exist (looked for /", "(missing)"),
          events_set_aside("places.geojson")),
         Loads(events=(), places=())),
    Case("missing_places_geojson_with_a_route",
         compose(remove("places.geojson"), write_text("routes.geojson", json.dumps(feature_collection([SEA_ROUTE])))),
         (Expect("places.geojson", "", "", "the file to exist (looked for /", "(missing)"),
          events_set_aside("places.geojson"),
          Expect("routes.geojson", "features 0", "", "places.geojson could not be read", "1 route(s)", "warning")),
         Loads(events=(), places=()), check=no_routes),
    Case("missing_countries_geojson",
         remove("countries.geojson"),
         (Expect("countries.geojson", "", "", "the file to exist (looked for /", "(missing)"),),
         Loads(countries=())),
    Case("missing_sources_csv",
         remove("sources.csv"),
         (Expect("sources.csv", "", "", "the file to exist (looked for /", "(missing)"),
          events_set_aside("sources.csv")),
         Loads(events=(), sources=())),
    Case("events_csv_is_a_folder",
         folder_instead("events.csv"),
         (Expect("events.csv", "", "", "a regular file (/", "a folder"),),
         Loads(events=())),
    Case("places_geojson_is_a_folder",
         folder_instead("places.geojson"),
         (Expect("places.geojson", "", "", "a regular file (/", "a folder"),
          events_set_aside("places.geojson")),
         Loads(events=(), places=())),
    Case("events_csv_unreadable",
         unreadable("events.csv"),
         (Expect("events.csv", "", "", "a readable file (/", "Permission denied"),),
         Loads(events=()), needs_permissions=True),
    Case("countries_geojson_unreadable",
         unreadable("countries.geojson"),
         (Expect("countries.geojson", "", "", "a readable file (/", "Permission denied"),),
         Loads(countries=()), needs_permissions=True),
]
