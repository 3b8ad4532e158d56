"""A clip of one view: its time range played under a fixed camera, as the player plays it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Generator, Iterable
from dataclasses import dataclass, field

import numpy as np

from layers.export.video import pool
from layers.export.video.encode import Chapter, Encoder, check
from layers.export.video.frames import MapFrames
from layers.export.video.timeline import clip_range, frame_times
from layers.load.catalog import Catalog
from layers.model.view import View
from layers.render.static_map import map_camera

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Film:
    """An encoded film: its bytes, format, frame count, running time (s) and caption files (``vtt``, ``srt``;
    empty when the film has no captions)."""

    data: bytes
    fmt: str
    frames: int
    seconds: float
    captions: dict[str, str] = field(default_factory=dict)
    chapters: tuple[Chapter, ...] = ()


def encode(frames: Iterable[np.ndarray], total: int, fmt: str, width: int, height: int, fps: int, *,
           samples: list[np.ndarray] | None = None, progress: Progress | None = None,
           chapters: tuple[Chapter, ...] = (), captions: dict[str, str] | None = None) -> Film:
    """Encode ``total`` frames into a :class:`Film`, reporting progress (0..1) after every frame. A generator of
    frames is closed however this ends (its worker processes stop on a cancel or a failure)."""
    encoder = Encoder(fmt, width, height, fps, palette_samples=samples)
    try:
        for frame in frames:
            encoder.add(frame)
            if progress is not None:
                progress(min(1.0, encoder.frames / max(1, total)))
        data = encoder.close(chapters)
    except BaseException:
        encoder.abort()
        raise
    finally:
        if isinstance(frames, Generator):
            frames.close()
    return Film(data, fmt, encoder.frames, encoder.frames / fps, captions or {}, chapters)


def clip_view(catalog: Catalog, view: View, start: dt.date, end: dt.date, width: int, height: int) -> View:
    """The view with the camera its clip keeps: its own, or the one framing everything the clip shows (the
    events touching ``start``..``end``)."""
    if view.camera is not None:
        return view
    span = (end - start).days
    framed = view.with_(date=end, window_days=span if span and start > catalog.time_range[0] else view.window_days)
    return view.with_(camera=map_camera(catalog, framed, width=width, height=height))


def view_clip(catalog: Catalog, view: View, fmt: str, *, width: int = 1280, height: int = 720, fps: int = 30,
              seconds: float | None = None, date_from: dt.date | None = None, date_to: dt.date | None = None,
              progress: Progress | None = None) -> Film:
    """The view's time range (:func:`timeline.clip_range`) as a film: each frame the static map of its day with
    the flows travelling then; ``seconds`` long, or at the player's 30 days a second (at least 2 s)."""
    check(fmt, width, height, fps)
    start, end = clip_range(catalog, view, date_from, date_to)
    times = frame_times(start, end, fps, seconds)
    drawn = MapFrames(catalog, clip_view(catalog, view, start, end, width, height), width, height)
    samples = [drawn.still(times[k]).copy() for k in sorted({0, len(times) // 2, len(times) - 1})] \
        if fmt == "gif" else None

    return encode(pool.frames(drawn, times), len(times), fmt, width, height, fps, samples=samples,
                  progress=progress)
