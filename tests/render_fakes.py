"""Renderers for the render-queue tests: module-level, so a spawned worker process can import them."""

from __future__ import annotations

import os
import pickle
import time
from dataclasses import dataclass
from typing import Any

from layers.export.queue import Progress, Request


def slow(request: Request, progress: Progress, catalogs: dict[str, Any]) -> bytes:
    """Sleeps for the seconds the format names ('sleep:1.5'), reporting progress; returns who rendered it."""
    seconds = float(request.fmt.split(":")[1])
    steps = 10
    for k in range(steps):
        time.sleep(seconds / steps)
        progress((k + 1) / steps)
    return f"{request.fmt}|{request.view.title}|pid {os.getpid()}".encode()


def failing(request: Request, progress: Progress, catalogs: dict[str, Any]) -> bytes:
    raise RuntimeError("disk on fire")


def out_of_memory(request: Request, progress: Progress, catalogs: dict[str, Any]) -> bytes:
    progress(0.5)
    raise RuntimeError("the renderer ran out of memory")


def figures_left(request: Request, progress: Progress, catalogs: dict[str, Any]) -> bytes:
    """Draws a matplotlib figure (a canvas and its figure refer to each other, as in every map export) and
    returns how many figures of earlier jobs were still alive in this worker when it started."""
    import gc

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    alive = sum(isinstance(o, Figure) for o in gc.get_objects())
    figure = Figure(figsize=(4, 3))
    FigureCanvasAgg(figure).draw()
    return str(alive).encode()


@dataclass(frozen=True)
class FakeFilm:
    """Stands in for layers.export.video.Film: the panel uses only its data and captions."""

    data: bytes
    captions: dict[str, str]


def videos(request: Request, progress: Progress, catalogs: dict[str, Any]) -> bytes:
    """A clip names its format and the worker's lane (from its nice level); a film comes pickled with captions."""
    kind, _, rest = request.fmt.partition(":")
    lane = f"nice {os.nice(0)}"
    if kind == "film":
        fmt, _, story = rest.partition(":")
        captions = {"vtt": f"WEBVTT\n\n00:00.000 --> 00:02.000\n{story}\n",
                    "srt": f"1\n00:00:00,000 --> 00:00:02,000\n{story}\n"}
        return pickle.dumps(FakeFilm(f"film {fmt} {story} {lane}".encode(), captions))
    return f"clip {rest} {request.view.title} {lane}".encode()
