"""One render queue for every session of a server: exports render in worker processes, off the interactive path.

Rendering a map or a deck takes a CPU core for a second or more, and matplotlib's state is global. Done on the
server's own threads, one session's export made every other session wait. Here a request goes into a bounded
queue and a worker *process* renders it:

- **Lanes.** Each lane has its own queue and workers: ``maps`` (PNG, SVG, PDF, HTML, data, PPTX) and ``video``,
  a lane of one at low priority (its workers run with a higher ``nice``), so a long film never holds up a PNG.
- **One render per session.** A session's new request replaces its previous one: the previous one is cancelled
  unless another session is waiting for the same file.
- **Identical requests are rendered once.** The key is the data's fingerprint, the view, the format and the
  session's uploaded layers: a request equal to one queued or running joins it, one equal to a finished one is
  served from a bounded cache (entries and bytes).
- **Place, progress, cancel.** :meth:`RenderQueue.status` tells a ticket's place in its lane's queue, the
  worker's progress (0..1) and, when done, the file; :meth:`RenderQueue.cancel` drops a queued job, or stops the
  worker running it (a new worker process takes its place).

A worker loads the catalog itself from the data folder (once per fingerprint) and keeps it, so a request carries
only the folder, the fingerprint, the view and the format (plus a session's uploads, when it has any).
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import itertools
import json
import os
import pickle
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from layers.model.view import View

LANES = {"maps": 1, "video": 1}
"""Worker processes per lane (2 cores: one renders maps while the server answers sessions)."""
WARM_LANES = ("maps",)
"""Lanes whose workers start with the queue (the others start on their first job: a film is rare)."""
NICE = {"maps": 0, "video": 10}
"""How much lower a lane's workers run than the server (os.nice)."""
MAX_WAITING = 64
"""Jobs a lane holds before it refuses new ones (a session is then told the server is busy)."""
CACHE_ENTRIES = 48
CACHE_BYTES = 256 * 1024 * 1024
"""Finished files kept for identical requests: at most this many, and this many bytes in all."""
FORGET_AFTER_S = 600.0
"""A finished ticket nobody asked about for this long is forgotten (its file stays in the cache)."""

Progress = Callable[[float], None]


@dataclass(frozen=True)
class Request:
    """What to render: a format of a view of a data folder (as it was when ``fingerprint`` was taken)."""

    folder: str
    fingerprint: str
    view: View
    fmt: str
    """A key of ``layers.export.formats.VIEW_FORMATS``, or ``pptx:<story>`` / ``briefing:<story>``, or (in the
    video lane) ``video:<fmt>`` for the view's clip / ``film:<fmt>:<story>`` for the story's film."""
    lane: str = "maps"
    overlays: bytes = b""
    """The session's uploaded layers, pickled (empty when it has none)."""

    def key(self) -> tuple:
        """Requests with equal keys make the same file."""
        return (self.fingerprint, self.view, self.fmt, hashlib.sha256(self.overlays).hexdigest())


@dataclass
class _Job:
    id: int
    request: Request
    sessions: set[str]
    state: str = "queued"
    progress: float = 0.0
    data: bytes | None = None
    error: str = ""
    done_at: float = 0.0
    cached: bool = False
    cancel: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Status:
    """Where a ticket stands: ``queued`` (``position`` jobs ahead in its lane), ``running`` (``progress``),
    ``done`` (``data``), ``failed`` (``error``), ``cancelled``, or ``unknown`` (forgotten or never given)."""

    state: str
    position: int = 0
    progress: float = 0.0
    data: bytes | None = None
    error: str = ""
    cached: bool = False


class Busy(RuntimeError):
    """The lane's queue is full."""


def render(request: Request, progress: Progress, catalogs: dict[str, Any]) -> bytes:
    """Make the file of ``request`` (in a worker process); ``catalogs`` caches loaded catalogs by fingerprint."""
    from layers.load.prepared import prepared_catalog
    from layers.player.assets import state_dir

    catalog = catalogs.get(request.fingerprint)
    if catalog is None:
        catalogs.clear()  # one data version at a time
        catalog = catalogs[request.fingerprint] = prepared_catalog(request.folder, state_dir())
    if request.overlays:
        from dataclasses import replace

        catalog = replace(catalog, overlays=pickle.loads(request.overlays))
    kind, _, rest = request.fmt.partition(":")
    if kind == "video":  # "video:<fmt>": the view's time range
        from layers.export.video import view_clip

        return view_clip(catalog, request.view, rest, progress=progress).data
    if kind == "film":  # "film:<fmt>:<story>": the whole story, with its captions (pickled Film)
        from layers.export.video import story_film

        fmt, _, name = rest.partition(":")
        return pickle.dumps(story_film(catalog, catalog.stories[name], fmt, progress=progress))
    if kind == "pptx":  # "pptx:<story>"
        from layers.export.pptx import story_deck

        return story_deck(catalog, catalog.stories[rest], progress=lambda d, t: progress(d / t))
    if kind == "briefing":  # "briefing:<story>"
        from layers.export.briefing import story_html

        return story_html(catalog, catalog.stories[rest]).encode("utf-8")
    from layers.export.formats import VIEW_FORMATS

    return VIEW_FORMATS[request.fmt].make(catalog, request.view)


def _worker_main(fd: int, renderer_path: str, nice: int) -> None:
    """A worker process (``python -m layers.export.queue FD RENDERER NICE``): render each request received on
    the socket ``fd``; send progress, then the file or the error."""
    from importlib import import_module
    from multiprocessing.connection import Connection

    if nice:
        os.nice(nice)
    module, _, name = renderer_path.partition(":")
    renderer = getattr(import_module(module), name)
    import layers.render.static_map  # noqa: F401  (warm: the first request should not pay for matplotlib)

    conn = Connection(fd)
    catalogs: dict[str, Any] = {}
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            data = renderer(request, lambda x: conn.send(("progress", float(x))), catalogs)
            conn.send(("done", data))
        except Exception as exc:  # reported to the session with its reason
            conn.send(("error", f"{type(exc).__name__}: {exc}"))
        finally:
            # A matplotlib figure and its canvas refer to each other, so a drawn map (its 8 MB pixel buffer at
            # 1080p) outlives the render until the cycle collector's rare full pass: without this, a worker
            # grew by one buffer per new view (the soak's 1.6 MB a minute).
            gc.collect()


class _Worker:
    """One worker process and the socket to it; restarted after a cancel or a crash.

    A plain ``python -m layers.export.queue`` subprocess, not ``multiprocessing.Process``: multiprocessing's spawn
    re-imports the parent's ``__main__``, which inside Streamlit is the page script being run."""

    def __init__(self, lane: str, renderer: str) -> None:
        self.lane, self.renderer = lane, renderer
        self.process: subprocess.Popen | None = None
        self.conn: Any = None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _start(self) -> None:
        from multiprocessing.connection import Connection

        parent, child = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "layers.export.queue", str(child.fileno()), self.renderer,
             str(NICE.get(self.lane, 0))], pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL)
        child.close()
        self.conn = Connection(parent.detach())

    def warm(self) -> None:
        """Start the process now, so the first request does not wait for it."""
        if not self.alive():
            self._start()

    def run(self, job: _Job) -> None:
        """Render ``job`` here, updating it; stop the process if the job is cancelled meanwhile."""
        self.warm()
        try:
            self.conn.send(job.request)
        except OSError:
            self.stop()
            self._start()
            self.conn.send(job.request)
        while True:
            if job.cancel.is_set():
                self.stop()
                return
            try:
                ready = self.conn.poll(0.05)
                message = self.conn.recv() if ready else None
            except (EOFError, OSError):
                message, ready = None, False
                if self.alive():
                    continue
            if not ready:
                if not self.alive():
                    job.state, job.error = "failed", "the render worker stopped unexpectedly"
                    self.stop()
                    return
                continue
            kind, value = message
            if kind == "progress":
                job.progress = max(0.0, min(1.0, value))
            elif kind == "done":
                job.state, job.data, job.progress = "done", value, 1.0
                return
            else:
                job.state, job.error = "failed", value
                return

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(5)
        if self.conn is not None:
            self.conn.close()
        self.process = self.conn = None

    def close(self) -> None:
        if self.alive():
            try:
                self.conn.send(None)
                self.process.wait(2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self.stop()


class RenderQueue:
    """The render queue of one server (see the module's docstring). Thread-safe."""

    def __init__(self, lanes: dict[str, int] | None = None, *, max_waiting: int = MAX_WAITING,
                 cache_entries: int = CACHE_ENTRIES, cache_bytes: int = CACHE_BYTES,
                 renderer: str = "layers.export.queue:render", stats_file: str | None = None) -> None:
        self._lock = threading.Condition()
        self._lanes = dict(lanes or LANES)
        self._waiting: dict[str, deque[_Job]] = {lane: deque() for lane in self._lanes}
        self._jobs: dict[int, _Job] = {}
        self._by_key: dict[tuple, _Job] = {}
        self._by_session: dict[str, int] = {}
        self._cache: OrderedDict[tuple, bytes] = OrderedDict()
        self._cache_entries, self._cache_bytes = cache_entries, cache_bytes
        self._max_waiting = max_waiting
        self._ids = itertools.count(1)
        self._closed = False
        self.stats = {"requests": 0, "cache_hits": 0, "joined": 0, "rendered": 0, "cancelled": 0, "failed": 0}
        self._stats_file = stats_file
        self._workers = [_Worker(lane, renderer) for lane, n in self._lanes.items() for _ in range(n)]
        self._threads = [threading.Thread(target=self._serve, args=(w,), daemon=True,
                                          name=f"corridor-render-{w.lane}") for w in self._workers]
        for t in self._threads:
            t.start()

    # ---- sessions ----
    def submit(self, session: str, request: Request) -> int:
        """Queue ``request`` for ``session`` and return its ticket; the session's previous ticket is let go
        (cancelled when no other session waits for it). Raises :class:`Busy` when the lane is full."""
        if request.lane not in self._lanes:
            raise ValueError(f"lane {request.lane!r}: expected one of {', '.join(self._lanes)}")
        key = request.key()
        with self._lock:
            self.stats["requests"] += 1
            self._release(session)
            if key in self._cache:
                self._cache.move_to_end(key)
                self.stats["cache_hits"] += 1
                self._publish_stats()
                job = _Job(next(self._ids), request, {session}, state="done", data=self._cache[key],
                           progress=1.0, done_at=time.monotonic(), cached=True)
            elif key in self._by_key:
                job = self._by_key[key]
                job.sessions.add(session)
                self.stats["joined"] += 1
            else:
                if len(self._waiting[request.lane]) >= self._max_waiting:
                    raise Busy(f"the {request.lane} queue is full ({self._max_waiting} waiting)")
                job = _Job(next(self._ids), request, {session})
                self._by_key[key] = job
                self._waiting[request.lane].append(job)
                self._lock.notify_all()
            self._jobs[job.id] = job
            self._by_session[session] = job.id
            self._forget_old()
            return job.id

    def status(self, ticket: int) -> Status:
        """Where ``ticket`` stands now."""
        with self._lock:
            job = self._jobs.get(ticket)
            if job is None:
                return Status("unknown")
            if job.state == "queued":
                lane = self._waiting[job.request.lane]
                return Status("queued", position=next((i for i, j in enumerate(lane) if j is job), 0))
            if job.state == "done":
                job.done_at = time.monotonic()
                return Status("done", progress=1.0, data=job.data, cached=job.cached)
            return Status(job.state, progress=job.progress, error=job.error)

    def cancel(self, session: str) -> None:
        """Let go of ``session``'s ticket: its job is dropped or stopped unless another session waits for it."""
        with self._lock:
            self._release(session)

    def close(self) -> None:
        """Stop every worker (queued jobs are cancelled)."""
        with self._lock:
            self._closed = True
            for lane in self._waiting.values():
                for job in lane:
                    job.state = "cancelled"
                lane.clear()
            for job in self._jobs.values():
                job.cancel.set()
            self._lock.notify_all()
        for t in self._threads:
            t.join(5)
        for w in self._workers:
            w.close()

    # ---- inside ----
    def _release(self, session: str) -> None:
        ticket = self._by_session.pop(session, None)
        job = self._jobs.get(ticket) if ticket is not None else None
        if job is None:
            return
        job.sessions.discard(session)
        if job.sessions or job.state not in ("queued", "running"):
            return
        self.stats["cancelled"] += 1
        if job.state == "queued":
            self._waiting[job.request.lane].remove(job)
        job.state = "cancelled"
        job.cancel.set()
        self._by_key.pop(job.request.key(), None)
        self._jobs.pop(job.id, None)

    def _forget_old(self) -> None:
        now = time.monotonic()
        stale = [t for t, j in self._jobs.items() if j.state in ("done", "failed", "cancelled")
                 and now - j.done_at > FORGET_AFTER_S and t not in self._by_session.values()]
        for t in stale:
            del self._jobs[t]

    def _publish_stats(self) -> None:
        """Write the counters to ``stats_file`` (for the load test), atomically; never fails a render."""
        if not self._stats_file:
            return
        from layers.model.files import write_atomically

        with contextlib.suppress(OSError):
            write_atomically(self._stats_file, json.dumps(self.stats))

    def _store(self, key: tuple, data: bytes) -> None:
        if len(data) > self._cache_bytes:
            return
        self._cache[key] = data
        self._cache.move_to_end(key)
        while len(self._cache) > self._cache_entries or sum(map(len, self._cache.values())) > self._cache_bytes:
            self._cache.popitem(last=False)

    def _serve(self, worker: _Worker) -> None:
        lane = self._waiting[worker.lane]
        if worker.lane in WARM_LANES:
            worker.warm()
        while True:
            with self._lock:
                while not lane and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                job = lane.popleft()
                job.state = "running"
            worker.run(job)
            with self._lock:
                job.done_at = time.monotonic()
                self._by_key.pop(job.request.key(), None)
                if job.state == "done" and job.data is not None:
                    self.stats["rendered"] += 1
                    self._store(job.request.key(), job.data)
                elif job.state == "failed":
                    self.stats["failed"] += 1
                elif job.cancel.is_set():
                    job.state = "cancelled"
                self._publish_stats()


if __name__ == "__main__":
    _worker_main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]))
