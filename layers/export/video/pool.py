"""Frames drawn in worker processes while this process encodes them: both cores of a small machine busy.

The frames are cut into runs of about :data:`CHUNK` frames, each run starting where the set of events shown changes
(:meth:`MapFrames.changes`), so that a worker's first frame of a run costs no redraw the run would not have had
anyway. Runs go to the workers in turn (forked copies of the parent's :class:`MapFrames`); each worker writes its
frames as RGB into its own ring of shared memory (:data:`AHEAD_BYTES` at most, so memory stays bounded however
long the film) and tells the parent which frame is ready; the parent takes them in order.

Workers die with the process that forked them: they ask the kernel for SIGKILL when it ends (``PR_SET_PDEATHSIG``,
so a render-queue worker killed on cancel takes them along), are daemons, and are killed and joined when the
frames stop being read, whether the film is finished, cancelled or failed.
"""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import multiprocessing as mp
import os
import signal
import traceback
from collections.abc import Iterator
from multiprocessing.connection import Connection
from multiprocessing.synchronize import Semaphore

import numpy as np

from layers.export.video.frames import MapFrames

CHUNK = 24
"""Frames in a run (about: runs start where the map is redrawn anyway)."""
WORKERS = 2
"""Drawing processes; the parent encodes meanwhile (FFmpeg's encoders run their own threads too)."""
AHEAD_BYTES = 160 * 2**20
"""How many bytes of frames each worker may draw ahead of the encoder (about a run of 1080p frames)."""
MIN_FRAMES = 2 * CHUNK
"""Shorter films are drawn in this process: starting the workers would cost more than it saves."""
_PR_SET_PDEATHSIG = 1


def cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def runs(changes: np.ndarray, total: int, chunk: int = CHUNK) -> list[tuple[int, int]]:
    """``total`` frames cut into runs of about ``chunk`` frames, each starting at one of the frames in ``changes``
    (where the map is redrawn) when one lies within half a run of where it would start."""
    starts, at = [0], chunk
    while at < total:
        later = changes[(changes >= at) & (changes < at + chunk // 2)]
        start = int(later[0]) if len(later) else at
        if start >= total:
            break
        starts.append(start)
        at = start + chunk
    return list(zip(starts, [*starts[1:], total], strict=True))


def frames(drawn: MapFrames, times: np.ndarray, *, workers: int | None = None) -> Iterator[np.ndarray]:
    """``drawn.frame(t)`` for every time in ``times``, in order, as RGB arrays (valid until the next one is
    asked for), drawn by ``workers`` processes (default: :data:`WORKERS` when the machine has two cores or more
    and the film is long enough, else this process)."""
    if workers is None:
        workers = WORKERS if cores() > 1 and len(times) >= MIN_FRAMES else 1
    if workers < 2 or "fork" not in mp.get_all_start_methods():
        for t in times:
            yield drawn.frame(float(t))[..., :3]
        return
    shape = (drawn.height, drawn.width, 3)
    slots = max(2, min(CHUNK, AHEAD_BYTES // int(np.prod(shape))))
    all_runs = runs(drawn.changes(times), len(times))
    ctx = mp.get_context("fork")
    crew = [_Worker(ctx, drawn, times, all_runs[w::workers], shape, slots) for w in range(workers)]
    try:
        for n, (first, last) in enumerate(all_runs):
            worker = crew[n % workers]
            for _ in range(first, last):
                yield worker.next_frame()
                worker.done_with_frame()
    finally:
        for worker in crew:
            worker.stop()


class _Worker:
    """One drawing process, its ring of frames in shared memory and the pipe it reports on."""

    def __init__(self, ctx: mp.context.BaseContext, drawn: MapFrames, times: np.ndarray,
                 my_runs: list[tuple[int, int]], shape: tuple[int, int, int], slots: int) -> None:
        self.memory = mmap.mmap(-1, slots * int(np.prod(shape)))  # anonymous and shared: the fork sees it
        self.ring = np.frombuffer(self.memory, dtype=np.uint8).reshape(slots, *shape)
        self.free: Semaphore = ctx.Semaphore(slots)
        self.slot = 0
        self.reader, writer = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_draw, args=(drawn, times, my_runs, self.ring, self.free, writer,
                                                       os.getpid()), daemon=True, name="corridor-frames")
        self.process.start()
        writer.close()  # the parent's copy: the pipe ends (EOFError) when the worker does

    def next_frame(self) -> np.ndarray:
        try:
            message = self.reader.recv()
        except EOFError:
            raise RuntimeError(f"a frame worker stopped unexpectedly (exit code {self.process.exitcode})") from None
        if isinstance(message, str):
            raise RuntimeError(f"a frame worker failed: {message}")
        return self.ring[self.slot]

    def done_with_frame(self) -> None:
        self.slot = (self.slot + 1) % len(self.ring)
        self.free.release()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.reader.close()
        self.process.close()
        del self.ring
        with contextlib.suppress(BufferError):  # a frame still held by the caller keeps the memory alive
            self.memory.close()


def _draw(drawn: MapFrames, times: np.ndarray, my_runs: list[tuple[int, int]], ring: np.ndarray,
          free: Semaphore, out: Connection, parent: int) -> None:
    """A worker: draw its runs' frames into the ring, in order, saying which is ready (or why it failed)."""
    with contextlib.suppress(OSError, AttributeError):  # Linux only; elsewhere the daemon flag and stop() remain
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    slot = 0
    try:
        for first, last in my_runs:
            for k in range(first, last):
                free.acquire()
                ring[slot] = drawn.frame(float(times[k]))[..., :3]
                out.send(k)
                slot = (slot + 1) % len(ring)
    except Exception:
        out.send(traceback.format_exc(limit=8))
    finally:
        out.close()
