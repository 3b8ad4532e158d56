"""Maps that frame what they show: the fitted camera, the inset for the crowded corner, names kept inside the
frame and the 1:10m close-ups at chapter zoom."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from PIL import Image
from shapely.geometry import Point

from layers.load.catalog import load_catalog
from layers.model.basemap import CLOSEUP_BOXES
from layers.model.story import chapter_view
from layers.model.style import CATEGORY_COLORS, rgb
from layers.model.view import CAMERA_RANGES, FIT_MAX_ZOOM, Camera, View, fit_camera, project
from layers.query.flows import flow_table, paths
from layers.query.select import select
from layers.render.framing import PLAYER_VIEWPORT, view_bounds, view_camera
from layers.render.payload import payload, payload_key
from layers.render.static_map import (
    CHROME_PADDING,
    CROWD_PX,
    EDGE_PX,
    closeup_boxes_in,
    crowded_corner,
    map_layout,
    mercator_frame,
    render_map,
)
from tests.conftest import ROOT
from tests.factory import PLACES, write_folder


def shown_lonlat(catalog, view: View) -> np.ndarray:
    """Every vertex of the view's flow paths and every place its events use."""
    events = select(catalog, view)
    known = paths(catalog)
    parts = [known[k].coords[:, :2] for k in set(flow_table(events)["path"])]
    used = {p for p in np.r_[events["origin"], events["destination"]] if p}
    places = catalog.places.loc[sorted(used)]
    parts.append(np.column_stack([places.geometry.x, places.geometry.y]))
    return np.concatenate(parts)


def test_a_fitted_camera_shows_the_box_with_its_margins() -> None:
    bounds = (30.5, 39.0, 132.3, 55.8)
    for width, height, pad in ((1920, 1080, (150, 90, 120, 90)), (1200, 560, (40, 40, 40, 40)), (600, 900, 20)):
        camera = fit_camera(bounds, width, height, pad)
        top, right, bottom, left = (pad,) * 4 if isinstance(pad, int) else pad
        corners = [project(camera, lon, lat, width, height) for lon in bounds[::2] for lat in bounds[1::2]]
        xs, ys = [c[0] for c in corners], [c[1] for c in corners]
        assert min(xs) >= left - 0.5 and max(xs) <= width - right + 0.5
        assert min(ys) >= top - 0.5 and max(ys) <= height - bottom + 0.5
        # tight: the box touches the margins on at least one axis (it is not simply zoomed far out)
        assert min(xs) - left < 1 or min(ys) - top < 1


def test_a_single_place_is_not_fitted_to_street_level() -> None:
    camera = fit_camera((130.3, 42.25, 130.3, 42.25), 1920, 1080)
    assert camera.zoom == FIT_MAX_ZOOM
    assert project(camera, 130.3, 42.25, 1920, 1080) == pytest.approx((960, 540), abs=0.5)
    world = fit_camera((-180, -85, 180, 85), 400, 300)
    assert world.zoom == CAMERA_RANGES["zoom"][0]


def test_the_framed_map_keeps_every_place_and_flow_of_the_view_inside_its_margins(tiny) -> None:
    for view in (View(), View(date=dt.date(2023, 9, 30)), View(categories=("strike",)),
                 View(categories=("munitions", "diplomacy"))):
        camera = map_layout(tiny, view).camera
        top, right, bottom, left = CHROME_PADDING
        xy = np.array([project(camera, lon, lat, 1920, 1080) for lon, lat in shown_lonlat(tiny, view)])
        assert xy[:, 0].min() >= left - 1 and xy[:, 0].max() <= 1920 - right + 1, view
        assert xy[:, 1].min() >= top - 1 and xy[:, 1].max() <= 1080 - bottom + 1, view
    # filters change the frame: Moscow -> Pyongyang diplomacy alone is framed differently from every event
    assert map_layout(tiny, View(categories=("diplomacy",))).camera != map_layout(tiny, View()).camera


def test_a_view_with_a_camera_keeps_it_and_one_without_shows_every_place(tiny) -> None:
    chosen = Camera(131.0, 42.5, 5.5, 30.0, 10.0)
    assert map_layout(tiny, View(camera=chosen)).camera == chosen
    assert view_camera(tiny, View(camera=chosen)) == chosen
    nothing = View(date=dt.date(2020, 1, 1))  # before every event
    assert select(tiny, nothing).empty
    places = tiny.places.geometry
    assert view_bounds(tiny, nothing) == (places.x.min(), places.y.min(), places.x.max(), places.y.max())


def test_a_permalink_without_a_camera_stays_without_one(tiny) -> None:
    view = View(date=dt.date(2024, 2, 1))
    assert "cam" not in view.to_params()
    assert View.from_params(view.to_params(), tiny.actors, tiny.event_ids).camera is None
    # an explicit camera equal to the old default is still explicit
    old_default = View(camera=Camera(95.0, 50.0, 2.3, 0.0, 0.0))
    assert View.from_params(old_default.to_params()).camera == old_default.camera


def flow_pixel_box(png: bytes, legend: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
    """The bounding box (x0, y0, x1, y1, from the top left) of pixels in the flows' colours, the legend left out
    (``legend``: its texts' box from the bottom left, widened to take in the swatches)."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    mask = np.zeros(image.shape[:2], bool)
    for colour in ("diplomacy", "strike"):
        mask |= np.abs(image - np.array(rgb(CATEGORY_COLORS[colour])[:3])).max(axis=2) <= 10
    height = image.shape[0]
    mask[max(0, int(height - legend[3]) - 20):int(height - legend[1]) + 20, int(legend[0]) - 120:] = False
    ys, xs = np.nonzero(mask)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_the_default_png_spreads_the_flows_over_the_picture(tiny) -> None:
    view = View(categories=("diplomacy", "strike"))  # Pyongyang -> Moscow and Kyiv: no crowded corner, no inset
    layout = map_layout(tiny, view)
    assert layout.inset is None
    boxes = np.array([t.box for t in layout.texts if t.kind == "legend"])
    legend = (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())
    before = flow_pixel_box(render_map(tiny, view.with_(camera=Camera(95.0, 50.0, 2.3))), legend)
    after = flow_pixel_box(render_map(tiny, view), legend)

    def area(box: tuple[int, int, int, int]) -> int:
        return (box[2] - box[0]) * (box[3] - box[1])

    assert area(after) > 3 * area(before), (before, after)
    assert after[2] - after[0] > 0.75 * 1920, after


def test_the_crowded_corner_gets_an_inset_at_theatre_zoom_and_not_at_chapter_zoom(tiny) -> None:
    events = select(tiny, View())  # E001 ships Rajin -> Dunai, 190 km apart
    wide = Camera(82.0, 48.0, 3.0)
    close = Camera(131.3, 42.6, 6.0)
    bounds = crowded_corner(tiny, events, mercator_frame(wide, 1920, 1080))
    assert bounds == pytest.approx((130.3, 42.25, 132.3375, 42.88028))
    assert crowded_corner(tiny, events, mercator_frame(close, 1920, 1080)) is None
    # the rule is the projected distance: just under and just over CROWD_PX
    a, b = project(Camera(131.3, 42.6, 4.0), 130.3, 42.25, 1, 1), project(Camera(131.3, 42.6, 4.0), 132.3375,
                                                                            42.88028, 1, 1)
    at_zoom_4 = float(np.hypot(a[0] - b[0], a[1] - b[1]))
    limit_zoom = 4.0 + np.log2(CROWD_PX / at_zoom_4)
    for zoom, expected in ((limit_zoom - 0.05, True), (limit_zoom + 0.05, False)):
        frame = mercator_frame(Camera(131.3, 42.6, zoom), 1920, 1080)
        assert (crowded_corner(tiny, events, frame) is not None) is expected, zoom
    # a view without the corner's flows gets none
    assert crowded_corner(tiny, select(tiny, View(categories=("strike",))), mercator_frame(wide, 1920, 1080)) is None
    # drawn: the inset names the corner's places, the main map alone does not have room for both
    layout = map_layout(tiny, View(camera=wide, date=dt.date(2024, 2, 1)))
    assert layout.inset is not None
    inset_names = {t.text for t in layout.texts if t.kind == "inset-place"}
    assert {"Rajin port", "Dunai"} <= inset_names
    assert map_layout(tiny, View(camera=close)).inset is None


def test_a_name_near_the_right_edge_is_set_on_the_left_of_its_place(tiny) -> None:
    # Aim so that Dunai sits 40 px from the right edge of a 1920 px frame at zoom 6.
    base = Camera(130.0, 42.88, 6.0)
    x, _ = project(base, 132.3375, 42.88028, 1920, 1080)
    shift = (x - (1920 - 40)) / (512 * 2**6) * 360
    camera = Camera(130.0 + shift, 42.88, 6.0)
    assert project(camera, 132.3375, 42.88028, 1920, 1080)[0] == pytest.approx(1880, abs=1)
    layout = map_layout(tiny, View(camera=camera))
    (dunai,) = [t for t in layout.texts if t.kind == "place" and t.text == "Dunai"]
    assert dunai.box[2] <= 1920 - EDGE_PX / 2, "the name runs past the frame's edge"
    assert dunai.box[2] < 1880, "the name is not on the place's left"
    # the same place in the middle keeps its name on the right
    middle = map_layout(tiny, View(camera=Camera(132.3375, 42.88028, 6.0)))
    (centred,) = [t for t in middle.texts if t.kind == "place" and t.text == "Dunai"]
    assert centred.box[0] > 960


def test_a_name_that_fits_neither_side_is_dropped(tiny) -> None:
    long_name = [{"id": "PYG", "name": "P" * 200, "kind": "capital", "country": "PRK", "lon": 125.7625,
                  "lat": 39.0392}]
    folder = write_folder(Path(tiny.folder).parent / "long", places=[*long_name, *PLACES[1:]])
    cat = load_catalog(folder)
    layout = map_layout(cat, View(camera=Camera(125.7625, 39.0392, 5.0)), width=800, height=600)
    assert "P" * 200 not in {t.text for t in layout.texts}
    for t in layout.texts:
        if t.kind == "place":
            assert t.box[0] >= 0 and t.box[2] <= 800


def test_the_shipped_close_ups_are_small_and_drawn_from_zoom_5_inside_their_boxes() -> None:
    path = ROOT / "geodata" / "countries_10m.geojson"
    assert path.stat().st_size < 1_500_000
    cat = load_catalog(ROOT / "geodata")
    assert cat.report.ok, cat.report.format()
    assert set(cat.closeup["box"]) == set(CLOSEUP_BOXES)
    assert {"PRK", "KOR", "RUS", "CHN", "JPN"} <= set(cat.closeup[cat.closeup["box"] == "far-east"]["iso_a3"])
    assert {"UKR", "RUS", "BLR"} <= set(cat.closeup[cat.closeup["box"] == "west"]["iso_a3"])
    # Crimea is inside Ukraine in the close-up too
    ukr = cat.closeup[(cat.closeup["box"] == "west") & (cat.closeup["iso_a3"] == "UKR")].geometry.iloc[0]
    assert ukr.contains(Point(34.1, 44.95))  # Simferopol
    # a close-up has more detail than the 1:50m outline of the same coast
    prk50 = cat.countries[cat.countries["iso_a3"] == "PRK"].geometry.iloc[0]
    prk10 = cat.closeup[cat.closeup["iso_a3"] == "PRK"].geometry.iloc[0]
    assert shapely.get_num_coordinates(prk10) > 2 * shapely.get_num_coordinates(prk50)
    rajin = mercator_frame(Camera(130.3, 42.25, 6.0), 1920, 1080)
    assert closeup_boxes_in(cat, rajin) == ["far-east"]
    assert closeup_boxes_in(cat, mercator_frame(Camera(34.8, 51.2, 6.0), 1920, 1080)) == ["west"]
    assert closeup_boxes_in(cat, mercator_frame(Camera(130.3, 42.25, 4.9), 1920, 1080)) == []
    assert closeup_boxes_in(cat, mercator_frame(Camera(-5.0, 40.0, 6.0), 1920, 1080)) == []


def test_a_close_up_changes_the_coast_drawn_at_chapter_zoom(tiny_folder: Path) -> None:
    # The tiny countries are rectangles; a close-up with a notched coast inside the far-east box must show.
    notch = [[[129.0, 41.0], [131.0, 41.0], [131.0, 42.0], [130.0, 42.0], [130.0, 43.0], [129.0, 43.0],
              [129.0, 41.0]]]
    feature = {"type": "Feature", "properties": {"iso_a3": "PRK", "name": "North Korea", "box": "far-east"},
               "geometry": {"type": "Polygon", "coordinates": notch}}
    view = View(camera=Camera(130.0, 42.0, 6.0))
    plain = np.asarray(Image.open(io.BytesIO(render_map(load_catalog(tiny_folder), view))).convert("RGB"))
    (tiny_folder / "countries_10m.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                                    "features": [feature]}))
    cat = load_catalog(tiny_folder)
    assert cat.report.ok and len(cat.closeup) == 1
    detailed = np.asarray(Image.open(io.BytesIO(render_map(cat, view))).convert("RGB"))
    assert np.abs(detailed.astype(int) - plain.astype(int)).max(axis=2).astype(bool).mean() > 0.05
    # below zoom 5 the close-up is not drawn
    far = View(camera=Camera(130.0, 42.0, 4.5))
    assert render_map(cat, far) == render_map(load_catalog(tiny_folder.parent / tiny_folder.name), far)


def test_the_players_view_is_framed_and_gets_close_ups_only_when_it_may_zoom_in(tiny_folder: Path) -> None:
    feature = {"type": "Feature", "properties": {"iso_a3": "PRK", "name": "North Korea", "box": "far-east"},
               "geometry": {"type": "Polygon", "coordinates": [[[129, 41], [131, 41], [131, 42], [129, 41]]]}}
    (tiny_folder / "countries_10m.geojson").write_text(json.dumps({"type": "FeatureCollection",
                                                                    "features": [feature]}))
    cat = load_catalog(tiny_folder)
    framed = payload(cat, View())["view"]["camera"]
    width, height = PLAYER_VIEWPORT
    for lon, lat in shown_lonlat(cat, View()):  # the standalone HTML export opens on every flow and place
        x, y = project(Camera(**framed), lon, lat, width, height)
        assert 39 <= x <= width - 39 and 39 <= y <= height - 39
    assert "closeup" not in payload(cat, View())
    assert "closeup" not in payload(cat, View(camera=Camera(130, 42, 4.9)))
    close = payload(cat, View(camera=Camera(130, 42, 5.0)))
    assert close["closeup"]["min_zoom"] == 5.0
    assert [f["properties"]["box"] for f in close["closeup"]["boxes"]["features"]] == ["far-east"]
    assert close["closeup"]["land"]["features"][0]["properties"]["name"] == "North Korea"
    assert "closeup" in payload(cat, View(), closeup=True) and "closeup" not in payload(cat, View(), closeup=False)
    assert payload_key(payload(cat, View(), closeup=True)) != payload_key(payload(cat, View()))


def test_no_name_is_cut_at_the_edge_of_any_slide_map_of_the_shipped_story() -> None:
    cat = load_catalog(ROOT / "geodata")
    story = cat.stories["russia-dprk"]
    for chapter in story.chapters:
        layout = map_layout(cat, chapter_view(story, chapter), for_slide=True)
        for t in layout.texts:
            if t.kind == "place":
                assert t.box[0] >= 0 and t.box[2] <= 1920 and t.box[1] >= 0 and t.box[3] <= 1080, (chapter.id, t)
