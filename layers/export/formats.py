"""Every export of a View by name: what it is called, its file extension and MIME type, and how it is made.

The command line and the download buttons both use this table, so they offer the same files.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from layers.load.catalog import Catalog
from layers.model.view import View


@dataclass(frozen=True)
class Format:
    """One kind of file a View can be exported as."""

    key: str
    label: str
    ext: str
    mime: str
    make: Callable[[Catalog, View], bytes]


def _map(fmt: str, width: int, height: int) -> Callable[[Catalog, View], bytes]:
    def make(catalog: Catalog, view: View) -> bytes:
        from layers.render.static_map import render_map

        return render_map(catalog, view, width=width, height=height, fmt=fmt)

    return make


def _html(catalog: Catalog, view: View) -> bytes:
    from layers.export.html import standalone_html

    return standalone_html(catalog, view).encode("utf-8")


def _geojson(catalog: Catalog, view: View) -> bytes:
    from layers.export.data import events_geojson

    return events_geojson(catalog, view).encode("utf-8")


def _csv(catalog: Catalog, view: View) -> bytes:
    from layers.export.data import events_csv

    return events_csv(catalog, view).encode("utf-8")


VIEW_FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("png", "PNG 1920×1080", "png", "image/png", _map("png", 1920, 1080)),
    Format("png4k", "PNG 3840×2160", "png", "image/png", _map("png", 3840, 2160)),
    Format("svg", "SVG", "svg", "image/svg+xml", _map("svg", 1920, 1080)),
    Format("pdf", "PDF", "pdf", "application/pdf", _map("pdf", 1920, 1080)),
    Format("html", "HTML (offline player)", "html", "text/html", _html),
    Format("geojson", "GeoJSON", "geojson", "application/geo+json", _geojson),
    Format("csv", "CSV", "csv", "text/csv", _csv),
)}
"""The exports of one View, in the order the download buttons show them."""

PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@dataclass(frozen=True)
class VideoFormat:
    """One kind of video file (``layers.export.video``)."""

    key: str
    label: str
    ext: str
    mime: str


VIDEO_FORMATS: dict[str, VideoFormat] = {f.key: f for f in (
    VideoFormat("mp4", "MP4 (H.264)", "mp4", "video/mp4"),
    VideoFormat("webm", "WebM (VP9)", "webm", "video/webm"),
    VideoFormat("gif", "GIF (animated)", "gif", "image/gif"),
)}
"""The video exports, in the order the download panel offers them."""
