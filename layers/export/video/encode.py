"""Encoding frames into MP4 (H.264), WebM (VP9) or GIF with PyAV, whose wheels bring FFmpeg and its codec
libraries (libx264, libvpx): nothing is downloaded or run outside this process.

MP4 and WebM are written through a temporary file (the MP4's index goes to the front, ``+faststart``, so a browser
plays it before it has all of it) and carry the chapters given to :meth:`Encoder.close` as container chapters.
GIFs use one palette of 256 colours chosen from sample frames (median cut over the samples, then the nearest
palette colour of every 15-bit colour in a lookup table) and FFmpeg's GIF encoder, which stores only what changed
from the previous frame.
"""

from __future__ import annotations

import contextlib
import tempfile
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from layers.export.formats import VIDEO_FORMATS

MAX_PIXELS = 3840 * 2160
X264_OPTIONS = {"preset": "veryfast", "crf": "23", "tune": "animation"}
"""libx264: fast enough for real time at 720p on two cores; a flat map compresses well at CRF 23."""
VP9_OPTIONS = {"deadline": "realtime", "cpu-used": "8", "row-mt": "1", "crf": "33", "b": "0"}
"""libvpx-vp9 in its real-time mode (its good-quality modes take seconds per frame at 1080p)."""
GIF_CENTISECONDS = Fraction(1, 100)
"""A GIF's frame delays are whole hundredths of a second: frames get the delays that keep the clock right."""


@dataclass(frozen=True)
class Chapter:
    """A titled stretch of the film, in seconds."""

    title: str
    start: float
    end: float


class Palette:
    """256 colours for a GIF, chosen from sample frames, with a lookup table from 15-bit colour to index."""

    def __init__(self, samples: list[np.ndarray]) -> None:
        mosaic = np.concatenate([np.asarray(s)[::2, ::2, :3] for s in samples], axis=0)
        chosen = Image.fromarray(np.ascontiguousarray(mosaic)).quantize(256, method=Image.Quantize.MEDIANCUT)
        rgb = np.array(chosen.getpalette()[: 256 * 3], dtype=np.int32).reshape(-1, 3)
        rgb = np.vstack([rgb, np.zeros((256 - len(rgb), 3), np.int32)])
        levels = (np.arange(32) << 3) + 4
        cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(-1, 1, 3)
        self.lookup = np.empty(32 * 32 * 32, dtype=np.uint8)
        for lo in range(0, len(cube), 4096):  # nearest palette colour of each 15-bit colour, 4096 at a time
            d = ((cube[lo:lo + 4096] - rgb[None, :, :]) ** 2).sum(axis=2)
            self.lookup[lo:lo + 4096] = d.argmin(axis=1)
        self.argb = np.column_stack([np.full(256, 255), rgb]).astype(np.uint8)

    def indices(self, frame: np.ndarray) -> np.ndarray:
        """Each pixel's palette index."""
        r, g, b = (frame[..., k].astype(np.uint16) >> 3 for k in range(3))
        return self.lookup[(r << 10) | (g << 5) | b]


def check(fmt: str, width: int, height: int, fps: int) -> None:
    """Refuse a format, size or frame rate no film is made at (ValueError saying what was expected)."""
    if fmt not in VIDEO_FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(VIDEO_FORMATS)}")
    if not (width >= 16 and height >= 16 and width * height <= MAX_PIXELS) or width % 2 or height % 2:
        raise ValueError(f"size {width}x{height}: expected even numbers from 16x16 to 3840x2160 pixels")
    if not 1 <= fps <= 60:
        raise ValueError(f"{fps} frames per second: expected 1 to 60")


class Encoder:
    """Frames in (RGB or RGBA arrays of the film's size, one per 1/fps s), the encoded file out."""

    def __init__(self, fmt: str, width: int, height: int, fps: int, *,
                 palette_samples: list[np.ndarray] | None = None) -> None:
        check(fmt, width, height, fps)
        self.fmt, self.width, self.height, self.fps = fmt, width, height, fps
        self.frames = 0
        self._dir = tempfile.TemporaryDirectory(prefix="corridor-video-")
        self.path = Path(self._dir.name) / f"film.{fmt}"
        options = {"movflags": "+faststart"} if fmt == "mp4" else {"loop": "0"} if fmt == "gif" else {}
        self._out = av.open(str(self.path), mode="w", format=fmt, options=options)
        if fmt == "gif":
            self._palette = Palette(palette_samples or [])
            stream = self._out.add_stream("gif", rate=fps)
            stream.pix_fmt = "pal8"
            stream.time_base = GIF_CENTISECONDS
        else:
            codec = "libx264" if fmt == "mp4" else "libvpx-vp9"
            stream = self._out.add_stream(codec, rate=fps, options=X264_OPTIONS if fmt == "mp4" else VP9_OPTIONS)
            stream.pix_fmt = "yuv420p"
            stream.codec_context.colorspace = 1  # BT.709, as tagged: how browsers read HD video
            stream.codec_context.color_primaries = 1
            stream.codec_context.color_trc = 1
        stream.width, stream.height = width, height
        self._stream = stream

    def add(self, frame: np.ndarray) -> None:
        """Encode the next frame."""
        if self.fmt == "gif":
            indices = self._palette.indices(frame)
            video = av.VideoFrame.from_ndarray((indices, self._palette.argb), format="pal8")
            video.pts = round(self.frames * 100 / self.fps)
            video.time_base = GIF_CENTISECONDS
        else:
            fmt = "rgba" if frame.shape[2] == 4 else "rgb24"
            video = av.VideoFrame.from_ndarray(frame, format=fmt).reformat(
                format="yuv420p", dst_colorspace="ITU709")
            video.pts = self.frames
        for packet in self._stream.encode(video):
            self._out.mux(packet)
        self.frames += 1

    def close(self, chapters: list[Chapter] | tuple[Chapter, ...] = ()) -> bytes:
        """Finish the file (with ``chapters`` as container chapters, MP4 and WebM) and return its bytes."""
        try:
            for packet in self._stream.encode(None):
                self._out.mux(packet)
            if chapters and self.fmt != "gif":
                self._out.set_chapters([{"id": i + 1, "start": round(c.start * 1000), "end": round(c.end * 1000),
                                         "time_base": Fraction(1, 1000), "metadata": {"title": c.title}}
                                        for i, c in enumerate(chapters)])
            self._out.close()
            return self.path.read_bytes()
        finally:
            self.abort()

    def abort(self) -> None:
        """Drop the temporary file (a cancelled or failed film)."""
        with contextlib.suppress(Exception):  # already closed, or broken by the failure being cleaned up
            self._out.close()
        self._dir.cleanup()
