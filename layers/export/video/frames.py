"""Frames of a view under one camera, drawn by the static map (``layers.render.static_map``) in layers.

A frame at time ``t`` (days since the epoch) is the static map of the view at day ``floor(t)`` (the events the
player shows then) with the flows travelling at ``t`` drawn over it, as the player draws its trips: a head moving
along the flow's route or arc towards its destination, and a trail fading over ``TRAIL_DAYS`` behind it.

What changes least is drawn least: the basemap once per camera, the rest of the map once per set of events shown,
and only the travelling flows and the header's date line per frame, into the canvas's own buffer. Without moving
flows a frame is the PNG export of that day, pixel for pixel (``tests/test_video.py``).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba_array
from matplotlib.ft2font import RenderMode
from matplotlib.markers import MarkerStyle
from PIL import Image

from layers.export.video.timeline import along, between
from layers.load.catalog import Catalog
from layers.model.dates import EPOCH
from layers.model.style import BASEMAP, CASING_PX, CATEGORY_COLORS, DIMMED_ALPHA
from layers.model.view import Camera, View
from layers.query.flows import paths
from layers.query.select import filter_mask, time_mask
from layers.query.trips import TRAIL_DAYS, Trips, schedule
from layers.render.static_map import (
    MapLayers,
    base_viewport,
    basemap_pixels,
    map_layers,
    mercator_frame,
    projected_paths,
    pt,
)
from layers.render.text import date_stamp

TRAIL_PX = 6.0
"""Width of a travelling flow's trail (base px, as the static map's sizes)."""
HEAD_PX = 13.0
"""Diameter of its head (base px), inside the dark casing."""
FADE_STEPS = 12
"""A trail is cut into at least this many pieces, each as opaque as its age allows."""
_CIRCLE = MarkerStyle("o").get_path().transformed(MarkerStyle("o").get_transform())
"""The disc scatter draws for a marker of size s: s is its diameter squared, in points."""


def day_of(t: float) -> dt.date:
    """The calendar day time ``t`` falls on."""
    return EPOCH + dt.timedelta(days=math.floor(t))


class GlyphCache:
    """The glyph bitmaps and text sizes renderers drew and measured, kept for the next: frames redraw the same texts
    (title, date, legend, footer, names) at the same places many times, on a new renderer after each change of the
    events shown, and measuring, laying out and rasterising their glyphs was a third of the drawing. A glyph at the
    same 1/64 px offset is the same bitmap shifted by whole pixels, so the pixels are those matplotlib's Agg
    renderer draws (``RendererAgg.draw_text`` of matplotlib 3.11, which this replays; with an older matplotlib only
    the sizes are kept)."""

    MAX_GLYPHS = 50_000

    def __init__(self) -> None:
        self._layouts: dict[tuple, list[tuple]] = {}
        self._metrics: dict[tuple, tuple[float, float, float]] = {}
        self._glyphs: dict[tuple, tuple[np.ndarray, int, int]] = {}

    def install(self, renderer: RendererAgg) -> None:
        """Draw ``renderer``'s plain (not math) texts through this cache."""
        if hasattr(renderer, "_draw_text_glyphs_and_boxes"):
            original = renderer.draw_text

            def draw_text(gc, x, y, s, prop, angle, ismath=False, mtext=None):
                if ismath or angle or not gc.get_antialiased():
                    return original(gc, x, y, s, prop, angle, ismath, mtext)
                return self._draw(renderer, gc, x, y, s, prop, mtext)

            renderer.draw_text = draw_text
        measure = renderer.get_text_width_height_descent

        def get_text_width_height_descent(s, prop, ismath):  # matplotlib caches these per renderer only
            key = (s, hash(prop), ismath, renderer.dpi)
            if key not in self._metrics:
                self._metrics[key] = measure(s, prop, ismath)
            return self._metrics[key]

        renderer.get_text_width_height_descent = get_text_width_height_descent

    def _draw(self, renderer: RendererAgg, gc: object, x: float, y: float, s: str, prop: object,
              mtext: Artist | None) -> None:
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, hash(prop), features, language)
        items = self._layouts.get(key)
        size = prop.get_size_in_points()
        if items is None:
            font = renderer._prepare_font(prop)
            items = [(item.ft_object, item.glyph_index, item.x, item.y)
                     for item in font._layout(s, flags=get_hinting_flag(), features=features, language=language)]
            self._layouts[key] = items
        if len(self._glyphs) > self.MAX_GLYPHS:
            self._glyphs.clear()
        height = renderer.height
        for font, glyph, dx, dy in items:
            px, py = round(0x40 * (x + dx)), round(0x40 * (height - y + dy))
            gkey = (font.fname, size, renderer.dpi, glyph, px & 0x3F, py & 0x3F)
            cached = self._glyphs.get(gkey)
            if cached is None:
                font.set_size(size, renderer.dpi)
                font._set_transform([[0x10000, 0], [0, 0x10000]], [px, py])
                bitmap = font._render_glyph(glyph, get_hinting_flag(), RenderMode.NORMAL)
                cached = (np.array(bitmap.buffer), bitmap.left - (px >> 6), bitmap.top - (py >> 6))
                self._glyphs[gkey] = cached
            buffer, left, top = cached
            renderer._renderer.draw_text_image(buffer, left + (px >> 6),
                                               int(height) - (top + (py >> 6)) + buffer.shape[0], 0, gc)


class Canvas:
    """One figure's Agg canvas and its pixel buffer (H x W x 4, top row first), which the frames write directly."""

    def __init__(self, layers: MapLayers, glyphs: GlyphCache | None = None) -> None:
        self.layers = layers
        self.agg = FigureCanvasAgg(layers.figure)
        self.renderer = self.agg.get_renderer()
        if glyphs is not None:
            glyphs.install(self.renderer)
        self.pixels: np.ndarray = np.asarray(self.agg.buffer_rgba())

    def draw(self, artists: list[Artist] | tuple[Artist, ...]) -> None:
        for artist in artists:
            artist.draw(self.renderer)

    def box(self, artist: Artist, pad: float) -> tuple[slice, slice]:
        """The rows and columns an artist covers in the buffer, ``pad`` px wider on each side."""
        extent = artist.get_window_extent(self.renderer)
        h, w = self.pixels.shape[:2]
        x0, x1 = max(0, math.floor(extent.x0 - pad)), min(w, math.ceil(extent.x1 + pad))
        y0, y1 = max(0, math.floor(h - extent.y1 - pad)), min(h, math.ceil(h - extent.y0 + pad))
        return slice(y0, y1), slice(x0, x1)


class MapFrames:
    """Frames of ``view`` (with a camera: ``static_map.map_camera`` gives the one its PNG export uses) at any
    time, ``width`` x ``height`` RGBA. ``moving``: draw the travelling flows (the player's trips)."""

    def __init__(self, catalog: Catalog, view: View, width: int, height: int, *, moving: bool = True) -> None:
        if view.camera is None:
            raise ValueError("MapFrames needs a view with a camera: the camera stays fixed over the frames")
        self.catalog, self.view, self.width, self.height = catalog, view, width, height
        self.filters = filter_mask(catalog, view)
        self.trips: Trips | None = schedule(catalog.events[self.filters]) if moving else None
        self._basemap: np.ndarray | None = None
        self._key: bytes | None = None
        self._canvas: Canvas | None = None
        self._glyphs = GlyphCache()
        self._map: np.ndarray | None = None
        self._chrome: list[tuple[tuple[slice, slice], np.ndarray]] = []
        self._date: dt.date | None = None
        self.redraws = 0
        """How many times the map under the moving flows was drawn (once per set of events shown)."""
        self.heads: dict[int, np.ndarray] = {}
        """The heads of the trips travelling in the last frame: trip index (``trips``) -> EPSG:3857 position."""

    def view_at(self, day: dt.date) -> View:
        """The view as the map shows it on ``day``."""
        return self.view.with_(date=day)

    def still(self, t: float) -> np.ndarray:
        """The map at day ``floor(t)`` without moving flows, as a view of the buffer (copy it to keep it)."""
        self._prepare(day_of(t))
        canvas = self._canvas
        assert canvas is not None and self._map is not None
        canvas.pixels[:] = self._map
        self._header(canvas, day_of(t))
        self._paste_chrome(canvas)
        return canvas.pixels

    def frame(self, t: float) -> np.ndarray:
        """The frame at time ``t``: the map of its day with the flows travelling at ``t`` (a view of the buffer)."""
        day = day_of(t)
        self._prepare(day)
        canvas = self._canvas
        assert canvas is not None and self._map is not None
        canvas.pixels[:] = self._map
        self.heads = {}
        if self.trips is not None:
            self._draw_trips(canvas, t)
        self._header(canvas, day)
        self._paste_chrome(canvas)
        return canvas.pixels

    def _shown(self, day: dt.date) -> bytes:
        """Which events the map shows on ``day``, packed: the map under the moving flows changes with it."""
        return np.packbits(self.filters & time_mask(self.catalog, self.view_at(day))).tobytes()

    def changes(self, times: np.ndarray) -> np.ndarray:
        """The indices of the ``times`` whose frame redraws the map (the first, and each where the set of events
        shown changes), in order."""
        days = [day_of(float(t)) for t in times]
        keys = {day: self._shown(day) for day in set(days)}
        shown = [keys[day] for day in days]
        return np.array([k for k in range(len(shown)) if k == 0 or shown[k] != shown[k - 1]], dtype=int)

    def _prepare(self, day: dt.date) -> None:
        """Draw the map under the moving flows when the set of events shown on ``day`` changed."""
        key = self._shown(day)
        if key == self._key:
            return
        layers = map_layers(self.catalog, self.view_at(day), width=self.width, height=self.height)
        canvas = Canvas(layers, self._glyphs)
        for artist in (*layers.basemap, *layers.chrome, layers.header):
            artist.set_animated(True)  # left out of figure.draw; drawn by hand below
        if self._basemap is None:
            canvas.renderer.clear()
            canvas.draw([layers.figure.patch, *layers.basemap])
            self._basemap = canvas.pixels.copy()
        canvas.pixels[:] = self._basemap
        layers.figure.patch.set_visible(False)  # figure.draw paints it whatever its animated flag says
        layers.figure.draw(canvas.renderer)
        self._map = canvas.pixels.copy()
        canvas.draw(layers.chrome)
        pad = 4 * layers.scale
        self._chrome = [(box, canvas.pixels[box].copy()) for box in (canvas.box(a, pad) for a in layers.chrome)]
        self._canvas, self._key, self._date = canvas, key, None
        self._trail_artists(layers)
        self.redraws += 1

    def _header(self, canvas: Canvas, day: dt.date) -> None:
        if day != self._date:
            canvas.layers.date_line.set_text(date_stamp(self.catalog, self.view_at(day)))
            self._date = day
        canvas.draw([canvas.layers.header])

    def _paste_chrome(self, canvas: Canvas) -> None:
        for box, pixels in self._chrome:
            canvas.pixels[box] = pixels

    def _trail_artists(self, layers: MapLayers) -> None:
        ax = layers.axes
        self._trail = LineCollection([], linewidths=pt(TRAIL_PX), capstyle="round", joinstyle="round",
                                     animated=True, transform=ax.transData)
        self._heads = PathCollection([], offsets=np.zeros((0, 2)), animated=True, transform=ax.transData,
                                     offset_transform=ax.transData)
        ax.add_collection(self._trail, autolim=False)
        ax.add_collection(self._heads, autolim=False)
        self._focused = layers.focused

    def _draw_trips(self, canvas: Canvas, t: float) -> None:
        """The trips travelling at ``t`` (``Trips.at``): trails fading with age, heads where they are now."""
        trips = self.trips
        assert trips is not None
        index = trips.at(t)
        if not len(index):
            return
        lines = projected_paths(self.catalog)
        known = paths(self.catalog)
        segments: list[np.ndarray] = []
        colors: list[np.ndarray] = []
        heads: list[np.ndarray] = []
        head_colors: list[np.ndarray] = []
        self.heads = {}
        for i in index:
            key, start, dur = trips.path[i], trips.start[i], trips.dur[i]
            line, frac = lines[key], known[key].fraction
            head = min(1.0, (t - start) / dur)
            tail = max(0.0, (t - TRAIL_DAYS - start) / dur)
            if head <= tail:
                continue
            # the trail's vertices: its two ends, the path's own vertices between them, and enough steps to fade
            cuts = np.union1d(np.linspace(tail, head, FADE_STEPS + 1), frac[(frac > tail) & (frac < head)])
            xy = np.column_stack([np.interp(cuts, frac, line[:, 0]), np.interp(cuts, frac, line[:, 1])])
            age = t - (start + 0.5 * (cuts[1:] + cuts[:-1]) * dur)  # days since the trip passed each piece
            alpha = np.clip(1.0 - age / TRAIL_DAYS, 0.0, 1.0)
            rgba = to_rgba_array(CATEGORY_COLORS.get(trips.category[i], BASEMAP["label"]))[0]
            dim = 1.0 if trips.id[i] in self._focused else DIMMED_ALPHA
            rgba_pieces = np.repeat(rgba[None, :], len(alpha), axis=0)
            rgba_pieces[:, 3] = alpha * dim
            segments.extend(np.stack([xy[:-1], xy[1:]], axis=1))
            colors.append(rgba_pieces)
            if t <= start + dur:  # still travelling: its head shows where it is
                heads.append(xy[-1])
                self.heads[int(i)] = xy[-1]
                head_colors.append(np.r_[rgba[:3], dim])
        if not segments:
            return
        self._trail.set_segments(segments)
        self._trail.set_color(np.concatenate(colors))
        canvas.draw([self._trail])
        if heads:
            self._heads.set_offsets(np.array(heads))
            self._heads.set_sizes(np.full(len(heads), pt(HEAD_PX) ** 2))
            self._heads.set_paths([_CIRCLE])
            self._heads.set_facecolors(np.array(head_colors))
            self._heads.set_edgecolors(to_rgba_array(BASEMAP["casing"]))
            self._heads.set_linewidths([pt(CASING_PX)])
            canvas.draw([self._heads])



class CameraMove:
    """Frames of a camera move from ``a`` to ``b`` (``timeline.between``) cut and scaled from basemap rasters
    drawn once, instead of drawing the map each frame: one at each end and at waypoints between them (every
    :data:`ZOOM_STEP` of zoom and every frame width of panning), each a little larger than its frame. Each frame
    uses the sharpest raster that covers it."""

    ZOOM_STEP = 1.25
    MARGIN = 0.3
    MAX_WAYPOINTS = 10

    def __init__(self, catalog: Catalog, a: Camera, b: Camera, width: int, height: int) -> None:
        self.a, self.b, self.width, self.height = a, b, width, height
        base_w, base_h, scale = base_viewport(width, height)
        self.base = (base_w, base_h)
        fa, fb = mercator_frame(a, base_w, base_h), mercator_frame(b, base_w, base_h)
        pan = math.hypot((fa.x0 + fa.x1 - fb.x0 - fb.x1) / 2, (fa.y0 + fa.y1 - fb.y0 - fb.y1) / 2)
        wide = max(fa.x1 - fa.x0, fb.x1 - fb.x0)
        steps = min(self.MAX_WAYPOINTS, max(1, math.ceil(abs(b.zoom - a.zoom) / self.ZOOM_STEP),
                                            math.ceil(pan / wide)))
        self.rasters = []
        for k in range(steps + 1):
            camera = along(a, b, k / steps)
            w, h = round(width * (1 + 2 * self.MARGIN)), round(height * (1 + 2 * self.MARGIN))
            pixels = basemap_pixels(catalog, camera, width=w, height=h, scale=scale)
            frame = mercator_frame(camera, w / scale, h / scale)
            self.rasters.append((frame, frame.metres_per_px / scale, Image.fromarray(pixels)))
        self.rasters.sort(key=lambda r: r[1])  # sharpest first

    def camera(self, x: float) -> Camera:
        return between(self.a, self.b, x)

    def frame(self, x: float) -> np.ndarray:
        """The basemap a share ``x`` (0..1) of the way, as RGB pixels."""
        f = mercator_frame(self.camera(x), *self.base)
        covering = [r for r in self.rasters if r[0].x0 <= f.x0 and f.x1 <= r[0].x1 and r[0].y0 <= f.y0
                    and f.y1 <= r[0].y1]
        frame, mpp, image = covering[0] if covering else self.rasters[-1]
        box = ((f.x0 - frame.x0) / mpp, (frame.y1 - f.y1) / mpp, (f.x1 - frame.x0) / mpp, (frame.y1 - f.y0) / mpp)
        if covering:
            return np.asarray(image.resize((self.width, self.height), Image.Resampling.BILINEAR, box=box))
        # no raster holds the whole frame (a long pan past the waypoints' margins): what lies outside is sea
        scale_x, scale_y = (box[2] - box[0]) / self.width, (box[3] - box[1]) / self.height
        water = tuple(round(255 * c) for c in to_rgba_array(BASEMAP["water"])[0][:3])
        return np.asarray(image.transform((self.width, self.height), Image.Transform.AFFINE,
                                          (scale_x, 0, box[0], 0, scale_y, box[1]), Image.Resampling.BILINEAR,
                                          fillcolor=water))
