"""Static map snapshots: the size asked, not blank, the flow colour drawn, titles as text, one PDF page."""

import datetime as dt
import io
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from layers.model.style import CATEGORY_COLORS, rgb
from layers.model.view import Camera, View
from layers.render.static_map import EARTH_CIRCUMFERENCE, TO_MERCATOR, mercator_frame, render_map

# The tiny fixture's theatre: Pyongyang, Rajin, Dunai, Moscow, Kyiv.
CAMERA = Camera(longitude=82.0, latitude=48.0, zoom=2.7)
VIEW = View(camera=CAMERA, title="Tiny view", date=dt.date(2024, 2, 1))
SVG = "{http://www.w3.org/2000/svg}"


def png_pixels(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    image.load()
    return np.asarray(image.convert("RGB"))


def has_colour(pixels: np.ndarray, hex_color: str, tolerance: int = 12) -> bool:
    target = np.array(rgb(hex_color)[:3])
    return bool((np.abs(pixels.astype(int) - target).max(axis=2) <= tolerance).any())


@pytest.mark.parametrize("size", [(1920, 1080), (3840, 2160)])
def test_png_has_the_size_asked_and_shows_the_flows(tiny, size):
    data = render_map(tiny, VIEW, width=size[0], height=size[1])
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.size == size
    pixels = png_pixels(data)
    distinct = np.unique(pixels.reshape(-1, 3)[:: 97], axis=0)
    assert len(distinct) > 20, "the map looks blank"
    # E002 (diplomacy, Pyongyang -> Moscow) is drawn in its category colour
    assert has_colour(pixels, CATEGORY_COLORS["diplomacy"])
    assert has_colour(pixels, CATEGORY_COLORS["strike"])


def test_4k_is_the_same_picture_at_twice_the_density(tiny):
    small = png_pixels(render_map(tiny, VIEW, width=1920, height=1080)).astype(float)
    large = png_pixels(render_map(tiny, VIEW, width=3840, height=2160)).astype(float)
    halved = large.reshape(1080, 2, 1920, 2, 3).mean(axis=(1, 3))
    assert np.abs(halved - small).mean() < 6, "4K should match 1080p, not show a different extent or layout"


def test_a_category_filtered_out_is_not_drawn(tiny):
    pixels = png_pixels(render_map(tiny, VIEW.with_(categories=("strike",))))
    assert has_colour(pixels, CATEGORY_COLORS["strike"])
    assert not has_colour(pixels, CATEGORY_COLORS["diplomacy"], tolerance=4)


def colour_share(pixels: np.ndarray, hex_color: str, tolerance: int = 12) -> float:
    """The share of the map below the title and legend (top 300 rows) in this colour."""
    target = np.array(rgb(hex_color)[:3])
    return float((np.abs(pixels[300:].astype(int) - target).max(axis=2) <= tolerance).mean())


def test_focus_dims_the_rest_and_the_selected_event_stands_out(tiny):
    plain = colour_share(png_pixels(render_map(tiny, VIEW)), CATEGORY_COLORS["diplomacy"])
    dimmed = colour_share(png_pixels(render_map(tiny, VIEW.with_(focus=("E001",)))), CATEGORY_COLORS["diplomacy"])
    chosen = colour_share(png_pixels(render_map(tiny, VIEW.with_(focus=("E001",), selected="E002"))),
                          CATEGORY_COLORS["diplomacy"])
    assert plain > 0 and dimmed < plain / 10, "an event out of focus keeps its full colour"
    assert chosen > plain, "the selected event is not drawn wider than the others"


def test_the_extent_follows_deck_gl_zoom():
    # At zoom z deck.gl draws the whole world 512 * 2**z px wide.
    frame = mercator_frame(Camera(longitude=0, latitude=0, zoom=1), 1024, 1024)
    assert frame.x1 - frame.x0 == pytest.approx(EARTH_CIRCUMFERENCE)
    # One zoom level more halves the metres a pixel covers; the centre is the camera's.
    one = mercator_frame(Camera(longitude=130, latitude=42, zoom=1), 1920, 1080)
    two = mercator_frame(Camera(longitude=130, latitude=42, zoom=2), 1920, 1080)
    assert one.metres_per_px == pytest.approx(2 * two.metres_per_px)
    cx, cy = TO_MERCATOR.transform(130, 42)
    assert ((two.x0 + two.x1) / 2, (two.y0 + two.y1) / 2) == pytest.approx((cx, cy))
    assert (two.x1 - two.x0) / (two.y1 - two.y0) == pytest.approx(1920 / 1080)
    assert math.isclose(two.metres_per_px * 1920, two.x1 - two.x0)


def test_svg_parses_and_carries_the_title_as_escaped_text(tiny):
    title = 'Ships & trains <script>alert(1)</script> $x$'
    data = render_map(tiny, VIEW.with_(title=title), fmt="svg")
    root = ET.fromstring(data)
    assert root.tag == f"{SVG}svg"
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert title in texts
    assert not list(root.iter(f"{SVG}script"))
    assert "Events up to 1 Feb 2024" in texts


def test_pdf_is_one_page_with_the_title(tiny):
    data = render_map(tiny, VIEW, fmt="pdf")
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Tiny view" in text and "Natural Earth" in text and "Outlet One" in text


def test_footnote_lists_the_sources_of_the_events_shown(tiny):
    # On 1 Sep 2023 only E001 (15 Aug - 1 Oct 2023, citing S01) is under way; E002 (S01, S02) is later.
    early = render_map(tiny, VIEW.with_(date=dt.date(2023, 9, 1), window_days=1), fmt="svg")
    texts = " ".join("".join(t.itertext()) for t in ET.fromstring(early).iter(f"{SVG}text"))
    assert "Sources: Outlet One (2023-10-17)" in texts and "Outlet Two" not in texts
    assert "Record through 31 Dec 2025. Boundaries: Made with Natural Earth" in texts


def test_bad_format_or_size_is_refused(tiny):
    with pytest.raises(ValueError, match="format"):
        render_map(tiny, VIEW, fmt="gif")
    with pytest.raises(ValueError, match="size"):
        render_map(tiny, VIEW, width=100_000, height=10)


def test_the_basemap_is_prepared_once_per_frame(tiny):
    from layers.render.static_map import BASEMAPS

    view = VIEW.with_(title="again")
    first = render_map(tiny, view)
    hits = tiny.derived.get(BASEMAPS, lambda: None).hits
    assert render_map(tiny, view) == first  # the same picture from the kept basemap
    assert tiny.derived.get(BASEMAPS, lambda: None).hits > hits  # every frame of the picture (map, inset) kept
