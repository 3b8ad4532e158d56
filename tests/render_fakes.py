"""Renderers for the render-queue tests: module-level, so a spawned worker process can import them."""

from __future__ import annotations

import os
import time
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
