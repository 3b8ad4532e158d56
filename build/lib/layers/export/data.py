"""The data behind a View: its events as GeoJSON (RFC 7946) and as CSV, each with its sources.

GeoJSON: a flow is a LineString along the same path the map draws, an event at one place a Point, and an
event with no place a Feature with ``"geometry": null`` (RFC 7946, section 3.2), so the file lists every
event the view shows. Coordinates are [longitude, latitude] in WGS 84, six decimals, no ``crs`` member.
CSV: one row per event; a cell that a spreadsheet would run as a formula is neutralised (OWASP).
Both say how current the record is: the GeoJSON's ``record_through`` member, the CSV's last column.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pandas as pd

from layers.load.catalog import Catalog
from layers.model import schema
from layers.model.record import credit_line
from layers.model.view import View
from layers.query.flows import paths
from layers.query.select import focus_mask, select
from layers.render.text import one_line, plain

EVENT_FIELDS = ("id", "date", "end_date", "precision", "category", "title", "summary", "origin", "destination",
                "quantity", "unit", "actors", "confidence", "disputed")
SOURCE_FIELDS = ("id", "outlet", "via", "kind", "published", "url", "title")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula (OWASP CSV injection)."""


def _through(catalog: Catalog) -> str:
    """The record's declared cutoff as YYYY-MM-DD ('' when none is declared)."""
    return catalog.record_through.isoformat() if catalog.record_through else ""


def _rows(catalog: Catalog, view: View) -> tuple[pd.DataFrame, list[bool]]:
    events = select(catalog, view)
    return events, list(focus_mask(events, view))


def _place_name(catalog: Catalog, place_id: str) -> str:
    return one_line(catalog.places.at[place_id, "name"]) if place_id in catalog.places.index else ""


def _sources(catalog: Catalog, ids: tuple[str, ...]) -> list[dict[str, str]]:
    known = catalog.sources
    return [{f: plain(known.at[sid, f]) for f in SOURCE_FIELDS} for sid in ids if sid in known.index]


def _properties(catalog: Catalog, event: pd.Series, focused: bool) -> dict[str, Any]:
    props: dict[str, Any] = {f: plain(event[f]) for f in EVENT_FIELDS if f != "actors"}
    props["actors"] = [plain(a) for a in event["actors"]]
    props |= {
        "date_label": event["date_label"],
        "start": event["start"].isoformat(),
        "end": event["end"].isoformat(),
        "category_label": schema.CATEGORIES.get(event["category"], event["category"]),
        "origin_name": _place_name(catalog, event["origin"]),
        "destination_name": _place_name(catalog, event["destination"]),
        "focused": bool(focused),
        "sources": _sources(catalog, event["sources"]),
    }
    return props


def _geometry(catalog: Catalog, event: pd.Series) -> dict[str, Any] | None:
    origin, destination = event["origin"], event["destination"]
    if origin and destination:
        coords = paths(catalog)[f"{origin}>{destination}"].coords.round(6)
        return {"type": "LineString", "coordinates": coords.tolist()}
    place = origin or destination
    if not place:
        return None
    point = catalog.places.at[place, "geometry"]
    return {"type": "Point", "coordinates": [round(point.x, 6), round(point.y, 6)]}


def events_geojson(catalog: Catalog, view: View) -> str:
    """The view's events as an RFC 7946 FeatureCollection (events without a place have null geometry)."""
    events, focus = _rows(catalog, view)
    features = [{"type": "Feature", "id": event["id"], "geometry": _geometry(catalog, event),
                 "properties": _properties(catalog, event, focused)}
                for (_, event), focused in zip(events.iterrows(), focus, strict=True)]
    collection = {"type": "FeatureCollection", "features": features,
                  "view": view.to_params(), "record_through": _through(catalog),
                  "attribution": credit_line(catalog.record_through)}
    return json.dumps(collection, ensure_ascii=False, indent=1, allow_nan=False)


CSV_COLUMNS = ("id", "date_label", "date", "end_date", "precision", "start", "end", "category", "title", "summary",
               "origin", "origin_name", "destination", "destination_name", "quantity", "unit", "actors",
               "confidence", "disputed", "focused", "source_ids", "source_outlets", "source_urls", "record_through")


def neutralise(cell: str) -> str:
    """A cell a spreadsheet will show as text: a leading ' before =, +, -, @, tab or carriage return, also when
    spaces come first (some spreadsheets skip them)."""
    return "'" + cell if cell.lstrip(" ").startswith(FORMULA_STARTS) else cell


def events_csv(catalog: Catalog, view: View) -> str:
    """The view's events, one row each with its sources joined, every cell safe to open in a spreadsheet."""
    events, focus = _rows(catalog, view)
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for (_, event), focused in zip(events.iterrows(), focus, strict=True):
        props = _properties(catalog, event, focused)
        sources = props.pop("sources")
        props |= {
            "actors": "; ".join(props["actors"]),
            "focused": "yes" if focused else "no",
            "source_ids": "; ".join(s["id"] for s in sources),
            "source_outlets": "; ".join(f"{s['outlet']} ({s['published']})" if s["published"] else s["outlet"]
                                        for s in sources),
            "source_urls": " ".join(s["url"] for s in sources),
            "record_through": _through(catalog),
        }
        writer.writerow([neutralise(str(props[c])) for c in CSV_COLUMNS])
    return out.getvalue()
