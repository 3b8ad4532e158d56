"""A pydeck Deck of a View: basemap, places, flows and point events (the plain, server-side map).

The browser-side player (``layers/player``) draws the same layers from a compact payload; this spec is
what a plain ``st.pydeck_chart`` page sends, and the naive baseline of the benchmark.
"""

from __future__ import annotations

import json

import geopandas as gpd
import pydeck as pdk

from layers.load.catalog import Catalog
from layers.load.derived import Key
from layers.model.style import BASEMAP, CATEGORY_COLORS, rgb
from layers.model.view import View
from layers.query.flows import flow_table as flows_of
from layers.query.flows import paths, point_table
from layers.query.select import focus_mask, select
from layers.render.framing import view_camera

DISPLAY_TOLERANCE_DEG = 0.05
"""Basemap simplification for display (~5 km): outlines dominate draw time on software WebGL."""


DISPLAY_COUNTRIES: Key[dict] = Key("display_countries")


def display_countries(catalog: Catalog, tolerance: float = DISPLAY_TOLERANCE_DEG) -> dict:
    """The basemap as GeoJSON, simplified for drawing, computed once per catalog and tolerance."""
    def build() -> dict:
        frame = gpd.GeoDataFrame({"name": catalog.countries["name"]},
                                 geometry=catalog.countries.geometry.simplify(tolerance), crs=4326)
        return json.loads(frame.to_json(drop_id=True))

    return catalog.derived.get(DISPLAY_COUNTRIES(tolerance), build)


def deck(catalog: Catalog, view: View) -> pdk.Deck:
    """A pydeck Deck showing the view; every tooltip is plain text, never HTML."""
    events = select(catalog, view)
    focused = set(events["id"][focus_mask(events, view)])
    flows = flows_of(events)
    known = paths(catalog)
    flow_rows = [{
        "path": known[f.path].coords.round(4).tolist(),
        "color": rgb(CATEGORY_COLORS[f.category], 230 if f.id in focused else 60),
        "title": events.at[i, "title"], "date": events.at[i, "date_label"], "id": f.id,
    } for i, f in flows.iterrows()]
    points = point_table(catalog, events)
    point_rows = [{
        "position": [p.lon, p.lat], "color": rgb(CATEGORY_COLORS[p.category], 230 if p.id in focused else 60),
        "title": events.at[i, "title"], "date": events.at[i, "date_label"], "id": p.id,
    } for i, p in points.iterrows()]
    places = [{"position": [g.x, g.y], "name": n, "title": n, "date": ""}
              for n, g in zip(catalog.places["name"], catalog.places.geometry, strict=True)]
    layers = [
        pdk.Layer("GeoJsonLayer", display_countries(catalog), id="countries", stroked=True, filled=True,
                  get_fill_color=rgb(BASEMAP["land"]), get_line_color=rgb(BASEMAP["border"]),
                  line_width_min_pixels=0.5, pickable=False),
        pdk.Layer("PathLayer", flow_rows, id="flows", get_path="path", get_color="color", get_width=3,
                  width_min_pixels=2, pickable=True),
        pdk.Layer("ScatterplotLayer", point_rows, id="points", get_position="position", get_fill_color="color",
                  get_radius=30000, radius_min_pixels=4, pickable=True),
        pdk.Layer("ScatterplotLayer", places, id="places", get_position="position",
                  get_fill_color=rgb(BASEMAP["label"]), get_radius=8000, radius_min_pixels=2, pickable=True),
        pdk.Layer("TextLayer", places, id="labels", get_position="position", get_text="name", get_size=12,
                  get_color=rgb(BASEMAP["label"]), get_pixel_offset=[0, -12], pickable=False),
    ]
    c = view_camera(catalog, view)
    return pdk.Deck(
        layers=layers,
        initial_view_state=pdk.ViewState(longitude=c.longitude, latitude=c.latitude, zoom=c.zoom,
                                         pitch=c.pitch, bearing=c.bearing),
        map_provider=None,
        tooltip={"text": "{title}\n{date}"},
    )
