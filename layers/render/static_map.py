"""Static map snapshots of a View (PNG, SVG, PDF) drawn with matplotlib, no browser.

The picture is in Web Mercator (EPSG:3857) with the extent deck.gl shows for the view's camera in a
1920x1080 viewport, so it matches the screen. Larger outputs are the same picture at a higher pixel
density: 3840x2160 is 1920x1080 at 2x. Pitch and bearing are not drawn: the snapshot is top-down, north up.
A view without a camera is framed on what it shows (``layers.render.framing``), clear of the title, legend and
footer. From zoom 5 the 1:10m close-up coastlines and borders replace the 1:50m ones inside their boxes
(``layers.model.basemap``). Where the Tumen River corner's flows crowd, an inset enlarges it (:func:`crowded_corner`).
``for_slide`` draws the map for a slide: no title or sources (the slide carries them), larger names and legend.
"""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.offsetbox import AnchoredOffsetbox, TextArea, VPacker
from matplotlib.patches import PathPatch, Rectangle
from matplotlib.path import Path as MplPath
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from pyproj import Transformer

from layers.load.catalog import Catalog
from layers.load.derived import Key
from layers.model import schema
from layers.model.basemap import CLOSEUP_BOXES, CLOSEUP_MIN_ZOOM
from layers.model.record import credit_line
from layers.model.style import (
    BASEMAP,
    CASING_PX,
    CATEGORY_COLORS,
    DIMMED_ALPHA,
    GLYPHS,
    LABEL_HALO_ALPHA,
    label_order,
    place_label,
)
from layers.model.view import Camera, View, fit_camera
from layers.query.flows import flow_table, paths, point_table
from layers.query.select import focus_mask, select
from layers.render.framing import Padding, view_camera
from layers.render.text import cited_sources, date_stamp, one_line, shortened_list, source_labels, title_of

FORMATS = ("png", "svg", "pdf")
BASE_SIZE = (1920, 1080)
"""The viewport (CSS pixels) the camera is matched in; other sizes scale this picture."""
BASE_DPI = 100.0
MAX_PIXELS = 7680 * 4320
EARTH_CIRCUMFERENCE = 2 * math.pi * 6378137.0
MAX_LAT = 85.0511287798
TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
_LOCK = threading.Lock()
"""matplotlib's rcParams are global: one render at a time keeps font settings from leaking between threads."""


CHROME_PADDING: Padding = (150.0, 90.0, 120.0, 90.0)
"""Margins (top, right, bottom, left; base px) a framed view keeps clear: the title box, the footer band."""
SLIDE_PADDING: Padding = (70.0, 90.0, 70.0, 90.0)
"""The same on a slide's map, which has no title or footer."""
LABEL_PX = 15.0
"""Place names' font size (base px) on a plain map."""
SLIDE_LABEL_PX = 36.0
"""... and on a slide's map: a slide shows the 1920 px picture about 1210 px wide (``layers.export.pptx``), so
36 px names are 22 px on a 1920x1080 screen, legible from the back of a room."""
LEGEND_PX = 16.0
SLIDE_LEGEND_PX = 33.0
"""Legend font sizes (base px): 33 px on a slide's map shows at about 20 px."""
EDGE_PX = 8.0
"""A place name keeps this far (base px) from the frame's edge: it is set on the place's left side, or dropped."""
CORNER_BOX = (129.5, 41.6, 133.5, 43.9)
"""The Tumen River corner (west, south, east, north): Chongjin, Rajin, Tumangang, the Friendship Bridge, Khasan,
Ussuriysk, Vladivostok, Dunai and Vostochny Port, where ships and trains start and end within 200 km."""
CROWD_PX = 80.0
"""The corner gets an inset when the corner places the view uses lie within this many base px of each other."""
INSET_SIZE = (560.0, 400.0)
"""The inset's size in base px; it sits in the lower left corner, above the footer."""


def pt(pixels: float) -> float:
    """Points for a length in 1920x1080 pixels (the figure is BASE_DPI per inch at scale 1)."""
    return pixels * 72.0 / BASE_DPI


@dataclass(frozen=True)
class Frame:
    """The map's extent in EPSG:3857 metres and how many metres one base pixel covers."""

    x0: float
    x1: float
    y0: float
    y1: float
    metres_per_px: float


def mercator_frame(camera: Camera, width_px: float, height_px: float) -> Frame:
    """The extent deck.gl shows for ``camera`` in a viewport of this size (world = 512 * 2**zoom px)."""
    c = camera.clamp()
    metres_per_px = EARTH_CIRCUMFERENCE / (512.0 * 2.0**c.zoom)
    cx, cy = TO_MERCATOR.transform(c.longitude, c.latitude)
    half_w, half_h = width_px / 2 * metres_per_px, height_px / 2 * metres_per_px
    return Frame(cx - half_w, cx + half_w, cy - half_h, cy + half_h, metres_per_px)


def frame_zoom(frame: Frame) -> float:
    """deck.gl's zoom of a frame (from how many metres a base pixel covers)."""
    return math.log2(EARTH_CIRCUMFERENCE / (512.0 * frame.metres_per_px))


def _projected_countries(catalog: Catalog) -> np.ndarray:
    """The country shapes in EPSG:3857 (cut to Mercator's latitude range), projected once per catalog."""

    def build() -> np.ndarray:
        world = shapely.box(-180.0, -MAX_LAT, 180.0, MAX_LAT)
        geoms = shapely.intersection(catalog.countries.geometry.to_numpy(), world)
        geoms = geoms[~shapely.is_empty(geoms)]
        return shapely.transform(geoms, lambda xy: np.column_stack(TO_MERCATOR.transform(xy[:, 0], xy[:, 1])))

    return catalog.derived.get(Key("export_countries"), build)


def _projected_closeups(catalog: Catalog) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """For each close-up box: its corners, its 1:10m land and its coast and border lines (the box's own edges,
    where the shapes were cut, left out) in EPSG:3857, once per catalog."""

    def to_3857(geoms: np.ndarray) -> np.ndarray:
        return shapely.transform(geoms, lambda xy: np.column_stack(TO_MERCATOR.transform(xy[:, 0], xy[:, 1])))

    def build() -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        out = {}
        frame = catalog.closeup
        for box_id, box in CLOSEUP_BOXES.items():
            geoms = frame.geometry[frame["box"] == box_id].to_numpy()
            if not len(geoms):
                continue
            edge = shapely.boundary(shapely.box(*box)).buffer(1e-6)
            lines = shapely.difference(shapely.boundary(geoms), edge)
            x, y = TO_MERCATOR.transform([box[0], box[2]], [box[1], box[3]])
            out[box_id] = (np.array([x[0], y[0], x[1], y[1]]), to_3857(geoms), to_3857(lines))
        return out

    return catalog.derived.get(Key("export_closeups"), build)


def _compound(geoms: np.ndarray, closed: bool = True) -> MplPath:
    """Polygons' rings (``closed``) or lines as one matplotlib path."""
    parts = shapely.get_parts(geoms[~shapely.is_empty(geoms)])
    if closed:
        parts = shapely.get_rings(parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON])
    coords, index = shapely.get_coordinates(parts, return_index=True)
    if not len(coords):
        return MplPath(np.zeros((0, 2)))
    starts = np.r_[True, index[1:] != index[:-1]]
    codes = np.full(len(coords), MplPath.LINETO, dtype=np.uint8)
    codes[starts] = MplPath.MOVETO
    if closed:
        codes[np.r_[index[1:] != index[:-1], True]] = MplPath.CLOSEPOLY
    return MplPath(coords, codes)


BASEMAPS_KEPT = 32
"""Clipped basemaps kept per catalog, by frame: a story's chapters and the common views are prepared once."""


class _BasemapCache:
    """The clipped basemap of the last frames drawn (thread-safe, least recently used out first)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: OrderedDict[Frame, MplPath] = OrderedDict()
        self.hits = 0

    def get(self, frame: Frame, build: Callable[[], MplPath]) -> MplPath:
        with self._lock:
            if frame in self._paths:
                self._paths.move_to_end(frame)
                self.hits += 1
                return self._paths[frame]
        path = build()
        with self._lock:
            self._paths[frame] = path
            while len(self._paths) > BASEMAPS_KEPT:
                self._paths.popitem(last=False)
        return path


BASEMAPS = Key[_BasemapCache]("static_map.basemaps")


def _basemap(catalog: Catalog, frame: Frame) -> MplPath:
    """The countries within the frame (and a margin, so the cut edges stay out of sight) as one compound path:
    vector files then hold only what is seen. Prepared once per frame (camera and size) and reused."""

    def build() -> MplPath:
        margin = 0.05 * (frame.x1 - frame.x0)
        geoms = shapely.clip_by_rect(_projected_countries(catalog), frame.x0 - margin, frame.y0 - margin,
                                     frame.x1 + margin, frame.y1 + margin)
        return _compound(geoms)

    return catalog.derived.get(BASEMAPS, _BasemapCache).get(frame, build)


def closeup_boxes_in(catalog: Catalog, frame: Frame) -> list[str]:
    """The close-up boxes a frame draws at 1:10m: none below ``CLOSEUP_MIN_ZOOM``, else those it overlaps."""
    if frame_zoom(frame) < CLOSEUP_MIN_ZOOM - 1e-9:
        return []
    return [box_id for box_id, (corners, _, _) in _projected_closeups(catalog).items()
            if corners[0] < frame.x1 and frame.x0 < corners[2] and corners[1] < frame.y1 and frame.y0 < corners[3]]


def projected_paths(catalog: Catalog) -> dict[str, np.ndarray]:
    """Each flow path's vertices in EPSG:3857, built once per catalog."""

    def build() -> dict[str, np.ndarray]:
        out = {}
        for key, path in paths(catalog).items():
            lat = np.clip(path.coords[:, 1], -MAX_LAT, MAX_LAT)
            x, y = TO_MERCATOR.transform(path.coords[:, 0], lat)
            out[key] = np.column_stack([x, y])
        return out

    return catalog.derived.get(Key("export_paths"), build)


def _projected_places(catalog: Catalog) -> pd.DataFrame:
    """Places in EPSG:3857 with their map labels (a name without its parenthesis), once per catalog."""

    def build() -> pd.DataFrame:
        places = catalog.places
        x, y = TO_MERCATOR.transform(places.geometry.x.to_numpy(), np.clip(places.geometry.y, -MAX_LAT, MAX_LAT))
        names = places["name"].map(lambda n: one_line(n).split(" (")[0] or one_line(n))
        return pd.DataFrame({"name": names, "kind": places["kind"], "x": x, "y": y},
                            index=places.index)

    return catalog.derived.get(Key("export_places"), build)


def _arrowhead(line: np.ndarray, length: float, width: float, gap: float) -> np.ndarray | None:
    """A triangle (3x2, metres) whose tip sits ``gap`` before the end of ``line``, along its direction there.

    On a line shorter than twice the head, the head shrinks to half the line.
    """
    cumulative = np.r_[0.0, np.cumsum(np.hypot(*np.diff(line, axis=0).T))]
    total = float(cumulative[-1])
    if total == 0:
        return None
    shrink = min(1.0, total / (2 * (length + gap)))
    length, width, gap = length * shrink, width * shrink, gap * shrink

    def at(distance: float) -> np.ndarray:
        return np.array([np.interp(distance, cumulative, line[:, 0]), np.interp(distance, cumulative, line[:, 1])])

    tip, root = at(total - gap), at(total - gap - length)
    direction = tip - root
    u = direction / float(np.hypot(*direction))
    n = np.array([-u[1], u[0]])
    return np.array([tip, root + n * width / 2, root - n * width / 2])


def crowded_corner(catalog: Catalog, events: pd.DataFrame, frame: Frame) -> tuple[float, float, float, float] | None:
    """The lon/lat bounds an inset should enlarge, or None.

    The rule: take the places inside :data:`CORNER_BOX` (the Tumen River corner) that the shown events start, end
    or happen at and that lie inside the frame. When there are at least two and every two of them are within
    :data:`CROWD_PX` base pixels of each other, their flows and names cannot be told apart on the map (the
    Friendship Bridge, Tumangang and Khasan are within 5 km, and the names of four or five places would have to fit
    in less than the length of one), and the inset shows their bounds. Rajin and Vladivostok (165 km apart) meet
    the rule below zoom ~4.8, Chongjin and Vostochny Port (290 km) below ~4.1: the theatre scale (2-4). At chapter
    zoom (5 and more) the corner is drawn large enough on the map itself, and no inset is drawn.
    """
    used = {p for p in pd.concat([events["origin"], events["destination"]]) if p}
    places = catalog.places
    west, south, east, north = CORNER_BOX
    lon, lat = places.geometry.x, places.geometry.y
    corner = places[places["id"].isin(used) & lon.between(west, east) & lat.between(south, north)]
    if len(corner) < 2:
        return None
    x, y = TO_MERCATOR.transform(corner.geometry.x.to_numpy(), corner.geometry.y.to_numpy())
    if not ((x > frame.x0) & (x < frame.x1) & (y > frame.y0) & (y < frame.y1)).all():
        return None
    xy = np.column_stack([x, y]) / frame.metres_per_px
    spread = float(np.max(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))))
    if spread >= CROWD_PX:
        return None
    g = corner.geometry
    return float(g.x.min()), float(g.y.min()), float(g.x.max()), float(g.y.max())


@dataclass(frozen=True)
class DrawnText:
    """A text the map drew: what kind (``place``, ``inset-place``, ``legend``, ``title``, ``footer``), the text,
    its font size in output pixels and its box in output pixels (x0, y0, x1, y1 from the bottom left)."""

    kind: str
    text: str
    size_px: float
    box: tuple[float, float, float, float]


def base_viewport(width: int, height: int, scale: float | None = None) -> tuple[float, float, float]:
    """The base-pixel viewport a ``width`` x ``height`` map is drawn in, and its scale (output px per base px):
    the one of a 1920x1080 picture at a higher or lower density unless ``scale`` is given."""
    scale = scale or math.sqrt(width * height / (BASE_SIZE[0] * BASE_SIZE[1]))
    return width / scale, height / scale, scale


class _Painter:
    """Draws one view on one figure; sizes are given in base pixels and scale with the output."""

    def __init__(self, catalog: Catalog, view: View, width: int, height: int, for_slide: bool = False,
                 scale: float | None = None) -> None:
        self.named: list[str] = []
        """The place names drawn, in the order they were placed."""
        self.catalog, self.view, self.for_slide = catalog, view, for_slide
        self.base_w, self.base_h, self.scale = base_viewport(width, height, scale)
        padding = SLIDE_PADDING if for_slide else CHROME_PADDING
        self.camera = view_camera(catalog, view, self.base_w, self.base_h, padding)
        self.frame = mercator_frame(self.camera, self.base_w, self.base_h)
        self.fig = Figure(figsize=(width / (BASE_DPI * self.scale), height / (BASE_DPI * self.scale)),
                          dpi=BASE_DPI * self.scale)
        self.ax = self.fig.add_axes((0, 0, 1, 1))
        self.events = select(catalog, view)
        self.focused = set(self.events["id"][focus_mask(self.events, view)])
        self.label_px = SLIDE_LABEL_PX if for_slide else LABEL_PX
        self.texts: list[tuple[str, float, object]] = []
        """(kind, font size in base px, artist) of every text drawn, for :func:`map_texts`."""
        self.inset: tuple[float, float, float, float] | None = None
        """The lon/lat bounds the inset enlarges, when there is one."""
        self._place_kind = "place"
        self._renderer: RendererAgg | None = None
        self.main_ax = self.ax
        self.basemap: list[Artist] = []
        """The main map's water, land and close-ups: the same for every date of one camera."""
        self.chrome: list[Artist] = []
        """What is drawn over the map: the legend, the footer, the inset (the header aside)."""
        self.header: Artist | None = None
        self.date_line: TextArea | None = None

    def draw(self) -> Figure:
        self._map(self.ax, self.frame)
        self.inset = crowded_corner(self.catalog, self.events, self.frame)
        if self.inset is not None:
            self._inset(self.inset)
        if not self.for_slide:
            self._header()
        self._legend()
        if not self.for_slide:
            self._footer()
        return self.fig

    def _map(self, ax: Axes, frame: Frame) -> None:
        """Water, land, flows, points and place names of ``frame`` on ``ax``."""
        self._ground(ax, frame)
        self._flows()
        self._points()
        self._places()

    def _ground(self, ax: Axes, frame: Frame) -> None:
        """Water, land, borders and the close-ups of ``frame`` on ``ax``."""
        self.ax, self.frame = ax, frame
        f = frame
        ax.set_xlim(f.x0, f.x1)
        ax.set_ylim(f.y0, f.y1)
        ax.set_aspect("equal", adjustable="datalim")
        ax.set_axis_off()
        ax.set_autoscale_on(False)
        # add_artist, not add_patch: the limits are fixed, and updating them walks every basemap vertex (2 s)
        self._base(ax.add_artist(Rectangle((0, 0), 1, 1, transform=ax.transAxes, facecolor=BASEMAP["water"],
                                           zorder=0)))
        self._base(ax.add_artist(PathPatch(_basemap(self.catalog, f), facecolor=BASEMAP["land"],
                                           edgecolor=BASEMAP["border"], linewidth=pt(0.8), zorder=1,
                                           transform=ax.transData)))
        self._closeups()

    def _closeups(self) -> None:
        """From zoom 5, each close-up box the frame overlaps is drawn again at 1:10m: water, land, then the coast
        and border lines (not the box's edges, where the shapes were cut)."""
        ax, f = self.ax, self.frame
        closeups = _projected_closeups(self.catalog)
        for box_id in closeup_boxes_in(self.catalog, f):
            corners, land, lines = closeups[box_id]
            x0, y0 = max(corners[0], f.x0 - 1), max(corners[1], f.y0 - 1)
            x1, y1 = min(corners[2], f.x1 + 1), min(corners[3], f.y1 + 1)
            self._base(ax.add_artist(Rectangle((x0, y0), x1 - x0, y1 - y0, facecolor=BASEMAP["water"],
                                               linewidth=0, zorder=1.1, transform=ax.transData)))
            margin = 0.05 * (f.x1 - f.x0)
            box = (f.x0 - margin, f.y0 - margin, f.x1 + margin, f.y1 + margin)
            self._base(ax.add_artist(PathPatch(_compound(shapely.clip_by_rect(land, *box)),
                                               facecolor=BASEMAP["land"], linewidth=0, zorder=1.2,
                                               transform=ax.transData)))
            self._base(ax.add_artist(PathPatch(_compound(shapely.clip_by_rect(lines, *box), closed=False),
                                               fill=False, edgecolor=BASEMAP["border"], linewidth=pt(0.8),
                                               zorder=1.3, transform=ax.transData)))

    def _base(self, artist: Artist) -> None:
        """Note a basemap artist of the main map (the inset's are part of the inset)."""
        if artist.axes is self.main_ax:
            self.basemap.append(artist)

    def _inset(self, bounds: tuple[float, float, float, float]) -> None:
        """The crowded corner enlarged in the lower left, drawn by the same steps as the map; a box on the map
        marks what it enlarges."""
        main_ax, main_frame, named = self.ax, self.frame, self.named
        w, h = INSET_SIZE
        camera = fit_camera(bounds, w, h, (40.0, 110.0, 40.0, 70.0))
        frame = mercator_frame(camera, w, h)
        left, bottom = self._inset_place(frame)
        main_ax.add_artist(Rectangle((frame.x0, frame.y0), frame.x1 - frame.x0, frame.y1 - frame.y0, fill=False,
                                     edgecolor="#1d1d1b", linewidth=pt(2.0), zorder=8, transform=main_ax.transData))
        ax = self.fig.add_axes((left / self.base_w, bottom / self.base_h, w / self.base_w, h / self.base_h))
        ax.set_zorder(5)
        self.chrome.append(ax)
        self.named, self._place_kind = [], "inset-place"
        self._map(ax, frame)
        ax.add_artist(Rectangle((0, 0), 1, 1, transform=ax.transAxes, fill=False, edgecolor="#1d1d1b",
                                linewidth=pt(3.0), zorder=20, clip_on=False))
        self.ax, self.frame, self.named, self._place_kind = main_ax, main_frame, named, "place"

    def _inset_place(self, inset: Frame) -> tuple[float, float]:
        """Where the inset goes (its lower left corner, base px): along the bottom of the map (left, middle or
        right), where it hides the fewest flow vertices and places shown, never over the corner it enlarges."""
        f, w, h = self.frame, *INSET_SIZE
        bottom = 24.0 if self.for_slide else 66.0 + 24.0
        lines = projected_paths(self.catalog)
        shown = [lines[key] for key in set(flow_table(self.events)["path"]) if key in lines]
        places = _projected_places(self.catalog)
        used = {p for p in pd.concat([self.events["origin"], self.events["destination"]]) if p}
        shown.append(places.loc[places.index.isin(used), ["x", "y"]].to_numpy(float))
        xy = (np.concatenate(shown) - [f.x0, f.y0]) / f.metres_per_px if shown else np.zeros((0, 2))
        marked = ((inset.x0 - f.x0) / f.metres_per_px, (inset.y0 - f.y0) / f.metres_per_px,
                  (inset.x1 - f.x0) / f.metres_per_px, (inset.y1 - f.y0) / f.metres_per_px)
        best: tuple[int, float] | None = None
        for left in (24.0, (self.base_w - w) / 2, self.base_w - w - 24.0):
            if marked[0] < left + w and left < marked[2] and marked[1] < bottom + h and bottom < marked[3]:
                continue
            hidden = int(((xy[:, 0] > left) & (xy[:, 0] < left + w) & (xy[:, 1] > bottom)
                          & (xy[:, 1] < bottom + h)).sum())
            if best is None or hidden < best[0]:
                best = (hidden, left)
        return (best[1] if best else 24.0), bottom

    def _layer(self, focused: bool, chosen: bool) -> tuple[int, float]:
        """Drawing order and opacity: dimmed under focused under the selected event."""
        return (4, 1.0) if chosen else (3, 1.0) if focused else (2, DIMMED_ALPHA)

    def _flows(self) -> None:
        """Flows as their paths with an arrowhead at the destination; one line per path and category, wider
        for more events; schematic routes and arcs dashed. Drawn as a few collections, one per layer."""
        flows = flow_table(self.events)
        if flows.empty:
            return
        known = paths(self.catalog)
        lines = projected_paths(self.catalog)
        flows = flows.assign(focused=flows["id"].isin(self.focused), chosen=flows["id"] == self.view.selected)
        groups = flows.groupby(["path", "category", "focused", "chosen"], sort=False).size().reset_index(name="n")
        mpp = self.frame.metres_per_px
        for (focused, chosen), layer in groups.groupby(["focused", "chosen"], sort=False):
            z, alpha = self._layer(focused, chosen)
            widths = [2.6 + 1.2 * math.log2(n) + (2.0 if chosen else 0.0) for n in layer["n"]]
            shapes = [lines[key] for key in layer["path"]]
            colors = [to_rgba(CATEGORY_COLORS.get(c, BASEMAP["label"]), alpha) for c in layer["category"]]
            styles = [(0, (4, 2.5)) if known[key].schematic else "solid" for key in layer["path"]]
            casing = to_rgba(BASEMAP["casing"], alpha)
            if chosen:
                self.ax.add_collection(LineCollection(shapes, colors="white",
                                                      linewidths=[pt(w + 2 * CASING_PX + 4) for w in widths],
                                                      capstyle="round", zorder=z), autolim=False)
            # the dark casing under every line: what holds 3:1 against the pale land and sea (style.PALETTE)
            self.ax.add_collection(LineCollection(shapes, colors=casing, linewidths=[pt(w + 2 * CASING_PX)
                                                                                      for w in widths],
                                                  capstyle="butt", zorder=z), autolim=False)
            self.ax.add_collection(LineCollection(shapes, colors=colors, linewidths=[pt(w) for w in widths],
                                                  linestyles=styles, capstyle="butt", zorder=z), autolim=False)
            heads = [(_arrowhead(line, (16 + 2.5 * w) * mpp, (12 + 2.0 * w) * mpp, 4 * mpp), color)
                     for line, w, color in zip(shapes, widths, colors, strict=True)]
            heads = [(h, c) for h, c in heads if h is not None]
            if heads:
                self.ax.add_collection(PolyCollection([h for h, _ in heads], facecolors=[c for _, c in heads],
                                                      edgecolors=casing, linewidths=pt(CASING_PX),
                                                      zorder=z), autolim=False)
            if alpha == 1.0 or focused or chosen:
                self._flow_glyphs(layer, lines, z)

    def _points(self) -> None:
        """Events at one place as discs, larger for more events; the selected one ringed in black."""
        points = point_table(self.catalog, self.events)
        if points.empty:
            return
        places = _projected_places(self.catalog)
        points = points.assign(focused=points["id"].isin(self.focused), chosen=points["id"] == self.view.selected)
        groups = points.groupby(["place", "category", "focused", "chosen"], sort=False).size().reset_index(name="n")
        for (focused, chosen), layer in groups.groupby(["focused", "chosen"], sort=False):
            z, alpha = self._layer(focused, chosen)
            radius = 7 + 2 * np.log2(layer["n"].to_numpy(float)) + (4 if chosen else 0)
            order = np.argsort(-radius, kind="stable")
            layer = layer.iloc[order]
            self.ax.scatter(places.loc[layer["place"], "x"], places.loc[layer["place"], "y"],
                            s=(pt(1) * 2 * radius[order]) ** 2,
                            c=[to_rgba(CATEGORY_COLORS.get(c, "black"), alpha) for c in layer["category"]],
                            edgecolors=to_rgba(BASEMAP["casing"], alpha), linewidths=pt(2.5 if chosen else CASING_PX),
                            zorder=z + 1)
            if focused or chosen:
                for (_, row), r in zip(layer.iterrows(), radius[order], strict=True):
                    self._glyph(row["category"], places.at[row["place"], "x"], places.at[row["place"], "y"],
                                (-(r + 5), r + 5), z + 2)

    def _glyph(self, category: str, x: float, y: float, offset_px: tuple[float, float], z: int) -> None:
        """A category's letter (style.GLYPHS) on a halo: the second channel beside the colour."""
        self.ax.annotate(GLYPHS[category], (x, y), xytext=(pt(offset_px[0]), pt(offset_px[1])),
                         textcoords="offset points", fontsize=pt(13), fontweight="bold", color=BASEMAP["label"],
                         ha="center", va="center", zorder=z, parse_math=False, annotation_clip=True,
                         bbox={"boxstyle": "round,pad=0.18", "facecolor": BASEMAP["halo"],
                               "alpha": LABEL_HALO_ALPHA, "edgecolor": CATEGORY_COLORS.get(category, "black"),
                               "linewidth": pt(2)})

    def _flow_glyphs(self, layer: pd.DataFrame, lines: dict[str, np.ndarray], z: int) -> None:
        """The letters of a layer's flows near the middle of their paths; categories sharing a path are spread
        along it so their letters do not sit on one another."""
        for key, group in layer.groupby("path", sort=False):
            line = lines[key]
            seg = np.hypot(*np.diff(line, axis=0).T)
            if seg.sum() <= 0:
                continue
            along = np.concatenate([[0.0], np.cumsum(seg)]) / seg.sum()
            cats = sorted(set(group["category"]), key=list(schema.CATEGORIES).index)
            for k, category in enumerate(cats):
                f = 0.5 + (k - (len(cats) - 1) / 2) * 0.12
                x, y = np.interp(f, along, line[:, 0]), np.interp(f, along, line[:, 1])
                self._glyph(category, x, y, (0, 0), z + 1)

    def _places(self) -> None:
        """A dot for every place in the frame; names, no two overlapping, for the same places as the live map
        (capitals and the places of the events shown), tried in the same order (``style.label_order``). A name
        that would run past the frame's right edge is set on the place's left; one that fits neither way, or
        would be cut at the top or bottom, is dropped."""
        places = _projected_places(self.catalog)
        f = self.frame
        inside = places[(places["x"] > f.x0) & (places["x"] < f.x1) & (places["y"] > f.y0) & (places["y"] < f.y1)]
        if inside.empty:
            return
        self.ax.scatter(inside["x"], inside["y"], s=pt(4.5) ** 2, color=BASEMAP["label"], zorder=6,
                        linewidths=0)
        wanted = labelled_places(self.catalog, self.events, self.focused if self.view.focus else set())
        wanted = [pid for pid in wanted if pid in inside.index]
        size = self.label_px
        frame_w, frame_h = (f.x1 - f.x0) / f.metres_per_px, (f.y1 - f.y0) / f.metres_per_px
        taken: list[tuple[float, float, float, float]] = []
        for pid in wanted:
            name = place_label(inside.at[pid, "name"])
            px = (inside.at[pid, "x"] - f.x0) / f.metres_per_px
            py = (inside.at[pid, "y"] - f.y0) / f.metres_per_px
            width = 0.58 * size * len(name)  # the overlap rule's estimate, as before (close to the live map's)
            gap = 6 * size / LABEL_PX
            right = (px + gap, py - size * 0.6, px + gap + width, py + size * 0.6)
            if right[1] < EDGE_PX or right[3] > frame_h - EDGE_PX:
                continue
            drawn = self._text_width(name, size) + gap + 2 * size / LABEL_PX  # the font's own width and halo
            if px + drawn <= frame_w - EDGE_PX:
                box = right
            elif px - drawn >= EDGE_PX:
                box = (px - gap - max(width, drawn - gap), right[1], px - gap, right[3])
            else:
                continue
            if any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in taken):
                continue
            taken.append(box)
            self.named.append(name)
            on_left = box is not right
            text = self.ax.annotate(name, (inside.at[pid, "x"], inside.at[pid, "y"]),
                                    xytext=(pt(-(gap + 1) if on_left else gap + 1), 0), textcoords="offset points",
                                    fontsize=pt(size), color=BASEMAP["label"], va="center",
                                    ha="right" if on_left else "left", zorder=7, parse_math=False,
                                    annotation_clip=True, path_effects=[_halo(3.0 * size / LABEL_PX)])
            self.texts.append((self._place_kind, size, text))

    def _text_width(self, text: str, size: float) -> float:
        """The width (base px) of ``text`` at ``size`` base px, as the renderer lays it out."""
        if self._renderer is None:
            self._renderer = FigureCanvasAgg(self.fig).get_renderer()
        width, _, _ = self._renderer.get_text_width_height_descent(
            text, FontProperties(family="DejaVu Sans", size=pt(size)), ismath=False)
        return width / self.scale

    def _header(self) -> None:
        """Title and date stamp, stacked in one box at the top left."""
        lines = [TextArea(title_of(self.view), textprops={"fontsize": pt(34), "fontweight": "bold",
                                                         "color": "#1d1d1b", "parse_math": False}),
                 TextArea(date_stamp(self.catalog, self.view), textprops={"fontsize": pt(24), "color": "#1d1d1b",
                                                                          "parse_math": False})]
        self.texts += [("title", 34.0, lines[0]), ("title", 24.0, lines[1])]
        box = AnchoredOffsetbox("upper left", child=VPacker(children=lines, align="left", pad=0, sep=pt(8)),
                                pad=0.5, borderpad=0.6, frameon=True)
        box.patch.set(facecolor="white", alpha=0.85, linewidth=0)
        box.set_zorder(10)
        self.ax.add_artist(box)
        self.header, self.date_line = box, lines[1]

    def _legend(self) -> None:
        """The categories on the map, then only the line and marker kinds it uses."""
        shown = [c for c in schema.CATEGORIES if c in set(self.events["category"])]
        cased = [patheffects.withStroke(linewidth=pt(5 + 2 * CASING_PX), foreground=BASEMAP["casing"])]
        handles = [Line2D([], [], color=CATEGORY_COLORS[c], linewidth=pt(5), path_effects=cased,
                          label=f"{GLYPHS[c]}  {schema.CATEGORIES[c]}") for c in shown]
        grey = BASEMAP["label"]
        flows = flow_table(self.events)
        schematic = {key: path.schematic for key, path in paths(self.catalog).items()}
        kinds = {schematic[key] for key in flows["path"]}
        if False in kinds:
            handles.append(Line2D([], [], color=grey, linewidth=pt(3), label="Route as sourced"))
        if True in kinds:
            handles.append(Line2D([], [], color=grey, linewidth=pt(3), linestyle=(0, (4, 2.5)),
                                  label="Schematic route or arc"))
        if len(flows) < len(self.events):
            handles.append(Line2D([], [], color=grey, linestyle="none", marker="o", markersize=pt(12),
                                  markeredgecolor=BASEMAP["casing"], label="Event at a place"))
        if self.view.focus and len(self.focused) < len(self.events):
            handles.append(Line2D([], [], color=grey, alpha=DIMMED_ALPHA, linewidth=pt(5),
                                  label="Not in focus (dimmed)"))
        size = SLIDE_LEGEND_PX if self.for_slide else LEGEND_PX
        legend = self.ax.legend(handles=handles, loc="upper right", fontsize=pt(size), framealpha=0.88,
                                borderpad=0.6, handlelength=2.6, title=None if shown else "No events in this view",
                                title_fontsize=pt(size), edgecolor="none")
        legend.set_zorder(10)
        self.chrome.append(legend)
        self.texts += [("legend", size, t) for t in legend.get_texts()]

    def _footer(self) -> None:
        band = 66 / self.base_h
        self.chrome.append(self.fig.add_artist(Rectangle((0, 0), 1, band, transform=self.fig.transFigure,
                                                         facecolor="white", alpha=0.85, linewidth=0, zorder=9)))
        size = 15.0
        max_chars = int(self.base_w * 0.97 / (0.52 * size))
        labels = source_labels(cited_sources(self.catalog, self._events_by_weight()))
        text = shortened_list(labels, max_chars) if labels else "Sources: none (no events in this view)"
        left = 12 / self.base_w
        sources = self.fig.text(left, band - 10 / self.base_h, text, fontsize=pt(size), color="#1d1d1b", va="top",
                                ha="left", parse_math=False, zorder=10)
        credit = self.fig.text(left, 10 / self.base_h, credit_line(self.catalog.record_through), fontsize=pt(13),
                               color="#55554f", va="bottom", ha="left", parse_math=False, zorder=10)
        self.texts += [("footer", size, sources), ("footer", 13.0, credit)]
        self.chrome += [sources, credit]

    def _events_by_weight(self) -> pd.DataFrame:
        """The shown events, the selected one first, then those in focus, then the rest."""
        ev = self.events
        rank = np.where(ev["id"] == self.view.selected, 0, np.where(ev["id"].isin(self.focused), 1, 2))
        return ev.iloc[np.argsort(rank, kind="stable")]


def labelled_places(catalog: Catalog, events: pd.DataFrame, focused: set[str]) -> list[str]:
    """The places whose names a map of ``events`` tries to show, in the order they are tried: capitals and the
    places the events start, end or happen at; the places of ``focused`` events first (``style.label_order``)."""
    used = {p for p in pd.concat([events["origin"], events["destination"]]) if p}
    places = catalog.places
    candidates = [(pid, kind) for pid, kind in zip(places["id"], places["kind"], strict=True)
                  if kind == "capital" or pid in used]
    ev = events[events["id"].isin(focused)]
    focus_places = {p for p in pd.concat([ev["origin"], ev["destination"]]) if p}
    return label_order(candidates, focus_places)


def _halo(width: float) -> patheffects.withStroke:
    """A white outline that keeps text readable over lines and land."""
    return patheffects.withStroke(linewidth=pt(width), foreground="white")


def _png(canvas: FigureCanvasAgg, title: str) -> bytes:
    """The drawn canvas as an RGB PNG (no alpha channel, moderate compression: half the time of RGBA at level 6)."""
    canvas.draw()
    info = PngInfo()
    info.add_text("Title", title)
    info.add_text("Software", "Corridor (matplotlib)")
    out = io.BytesIO()
    Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3]).save(out, "png", compress_level=3, pnginfo=info)
    return out.getvalue()


def place_names(catalog: Catalog, view: View, *, width: int = 1920, height: int = 1080,
                for_slide: bool = False) -> list[str]:
    """The place names a static map of ``view`` shows (for tests that compare it with the live map)."""
    with _LOCK, matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        painter = _Painter(catalog, view, width, height, for_slide)
        painter.draw()
    return painter.named


@dataclass(frozen=True)
class MapLayout:
    """What a static map drew: its camera, the inset's lon/lat bounds (None without one), and every text."""

    camera: Camera
    inset: tuple[float, float, float, float] | None
    texts: list[DrawnText]


def map_layout(catalog: Catalog, view: View, *, width: int = 1920, height: int = 1080,
               for_slide: bool = False) -> MapLayout:
    """Draw the map of ``view`` as :func:`render_map` does and report its camera, inset and texts, each text
    measured by the renderer itself (font size and box in output pixels)."""
    with _LOCK, matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        painter = _Painter(catalog, view, width, height, for_slide)
        fig = painter.draw()
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # lays out the legend and header boxes, so their texts' places are final
        renderer = canvas.get_renderer()
        texts = []
        for kind, size, artist in painter.texts:
            if isinstance(artist, TextArea):
                artist = artist._text
            extent = artist.get_window_extent(renderer)
            texts.append(DrawnText(kind, artist.get_text(), size * painter.scale,
                                   (extent.x0, extent.y0, extent.x1, extent.y1)))
    return MapLayout(painter.camera, painter.inset, texts)


def map_camera(catalog: Catalog, view: View, *, width: int = 1920, height: int = 1080) -> Camera:
    """The camera a (non-slide) static map of ``view`` at this size looks through: the view's own, or the one
    that frames what it shows clear of the title and footer."""
    base_w, base_h, _ = base_viewport(width, height)
    return view_camera(catalog, view, base_w, base_h, CHROME_PADDING)


def basemap_pixels(catalog: Catalog, camera: Camera, *, width: int, height: int,
                   scale: float | None = None) -> np.ndarray:
    """The basemap alone (water, land, borders, close-ups) a static map of ``camera`` at this size draws (with
    lines as wide as at ``scale``), as RGB pixels: what a film zooms and pans instead of drawing each frame."""
    with _LOCK, matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        painter = _Painter(catalog, View(camera=camera), width, height, scale=scale)
        painter._ground(painter.ax, painter.frame)
        canvas = FigureCanvasAgg(painter.fig)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()


@dataclass(frozen=True)
class MapLayers:
    """A static map of a view, built but not drawn, with its artists sorted by how often they change: for the
    video export (``layers.export.video.frames``), which draws the ``basemap`` once per camera, the rest once per
    set of events shown, and the ``header`` (whose ``date_line`` it rewrites) every frame, over the moving flows.

    The figure is the one :func:`render_map` draws, so a frame drawn from these parts is that picture."""

    figure: Figure
    axes: Axes
    frame: Frame
    camera: Camera
    scale: float
    basemap: tuple[Artist, ...]
    """The main map's water, land and close-ups."""
    chrome: tuple[Artist, ...]
    """The legend, the footer and the inset, over everything else."""
    header: Artist
    date_line: TextArea
    focused: frozenset[str]
    """The ids of the events in focus (all shown events when the view has no focus)."""


def map_layers(catalog: Catalog, view: View, *, width: int = 1920, height: int = 1080) -> MapLayers:
    """The static map of ``view`` as :class:`MapLayers` (title, legend and footer as :func:`render_map` has them)."""
    with _LOCK, matplotlib.rc_context({"font.family": "DejaVu Sans"}):
        painter = _Painter(catalog, view, width, height)
        fig = painter.draw()
    assert painter.header is not None and painter.date_line is not None
    return MapLayers(fig, painter.main_ax, painter.frame, painter.camera, painter.scale, tuple(painter.basemap),
                     tuple(painter.chrome), painter.header, painter.date_line, frozenset(painter.focused))


def render_map(catalog: Catalog, view: View, *, width: int = 1920, height: int = 1080, fmt: str = "png",
               for_slide: bool = False) -> bytes:
    """The view as a PNG of ``width`` x ``height`` pixels, or as an SVG or PDF page of the same picture.

    ``for_slide``: the map for a slide that carries the title and sources itself: neither is drawn, and place names
    and the legend are large enough to read when the slide is projected (:data:`SLIDE_LABEL_PX`)."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    if not (16 <= width <= 7680 and 16 <= height <= 4320 and width * height <= MAX_PIXELS):
        raise ValueError(f"size {width}x{height}: expected at least 16x16 and at most 7680x4320 pixels")
    title = title_of(view)
    with _LOCK, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "corridor",
                                       "font.family": "DejaVu Sans"}):
        fig = _Painter(catalog, view, width, height, for_slide).draw()
        canvas = FigureCanvasAgg(fig)
        if fmt == "png":
            return _png(canvas, title)
        out = io.BytesIO()
        metadata = {"Title": title, "Date": None} if fmt == "svg" else {"Title": title, "CreationDate": None}
        fig.savefig(out, format=fmt, metadata=metadata)
    return out.getvalue()
