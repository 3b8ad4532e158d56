"""The player's data files in ``<state>/player/data``: published by content key, pruned without breaking a
session, shared by every session and every server process that uses the same state folder.

Rules (issue 15):

- A payload is written once per key with :func:`layers.model.files.write_atomically`: its temporary file is
  ``.<key>.json.<random>.part``, which the pruner never matches (it only takes ``<hex key>.json``).
- Publishing or re-using a key *touches* the file (its mtime is "last used"), under a shared lock, as the last
  thing it does (pruning, when a new payload is written, comes before the write).
- :func:`prune` removes only payloads that are both outside the ``keep`` most recently used and unused for
  ``grace`` seconds, under an exclusive lock, tolerating files that vanish meanwhile. So a key that
  :func:`publish` or :func:`refresh` returned stays readable for at least ``grace`` seconds (a browser fetches its
  data within a second or two of a run; a session that reruns touches its key again). Temporary files older than
  ``grace`` (left by a writer that died) are removed too.
- The lock is ``flock`` on ``<folder>/.lock``: it works between threads (each call opens its own descriptor)
  and between processes sharing the folder. Where ``fcntl`` is missing the lock is skipped.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from layers.model.files import is_temporary, write_atomically

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

KEEP = 64
"""Payload files always kept: the most recently used."""
GRACE_SECONDS = 600.0
"""A payload used (published or re-used) within this many seconds is never pruned."""
PAYLOAD_NAME = re.compile(r"^[0-9a-f]{8,64}\.json$")
"""What a payload file is called (``<content key>.json``); nothing else in the folder is ever pruned as one."""
LOCK_NAME = ".lock"
LEGACY_TEMPORARY = re.compile(r"^\.payload-.*\.json$")
"""The temporary names of payloads written before issue 15 (``mkstemp(prefix=".payload-", suffix=".json")``):
left behind by a writer that died, they are removed like other stale temporary files."""


@contextlib.contextmanager
def _locked(folder: Path, exclusive: bool) -> Iterator[None]:
    if fcntl is None:
        yield
        return
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


def payload_path(folder: Path, key: str) -> Path:
    """Where the payload of ``key`` lives."""
    name = f"{key}.json"
    if not PAYLOAD_NAME.match(name):
        raise ValueError(f"not a payload key: {key!r}")
    return folder / name


def refresh(folder: Path, key: str) -> bool:
    """Mark ``key``'s payload as used now; False when it is not there (pruned, or never written)."""
    path = payload_path(folder, key)
    if not folder.is_dir():
        return False
    with _locked(folder, exclusive=False):
        try:
            os.utime(path)
        except FileNotFoundError:
            return False
    return True


def publish(folder: Path, key: str, body: str | bytes, *, keep: int = KEEP, grace: float = GRACE_SECONDS) -> Path:
    """Write ``body`` as ``key``'s payload unless it is there (then only mark it used) and return its path,
    readable for at least ``grace`` seconds from now. Before a write, older payloads are pruned: the touch or
    the write is the last thing done, so no wait for the pruning lock eats into the promised time."""
    path = payload_path(folder, key)
    folder.mkdir(parents=True, exist_ok=True)
    if refresh(folder, key):
        return path
    prune(folder, keep=keep, grace=grace)
    with _locked(folder, exclusive=False):
        try:
            os.utime(path)  # another session wrote it meanwhile
        except FileNotFoundError:
            write_atomically(path, body)
    return path


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return None


def prune(folder: Path, *, keep: int = KEEP, grace: float = GRACE_SECONDS, now: float | None = None) -> list[str]:
    """Remove payloads beyond the ``keep`` most recently used that nobody used for ``grace`` seconds, and
    temporary files older than ``grace``; return the names removed. Files that vanish meanwhile are skipped."""
    removed: list[str] = []
    with _locked(folder, exclusive=True):
        now = time.time() if now is None else now
        payloads: list[tuple[float, str]] = []
        for entry in os.scandir(folder):
            mtime = _mtime(Path(entry.path))
            if mtime is None:
                continue
            if PAYLOAD_NAME.match(entry.name):
                payloads.append((mtime, entry.name))
            elif (is_temporary(entry.name) or LEGACY_TEMPORARY.match(entry.name)) and now - mtime > grace:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed.append(entry.name)
        payloads.sort(reverse=True)
        for mtime, name in payloads[keep:]:
            if now - mtime > grace:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(folder / name)
                    removed.append(name)
    return removed
