"""Data that changes under running sessions: a cheap fingerprint of the data folder, and the rule that decides
whether a newer version replaces the catalog sessions are shown.

**Fingerprint.** Every run asks whether the folder changed, so it must be cheap: one ``os.stat`` per data file
(``DATA_SUFFIXES``, in the folder and below). A file's bytes are hashed only when its stat (size, mtime in ns,
inode, device) differs from the one remembered with its hash, or when its mtime is within ``RACY_SECONDS`` of the
clock (a write in the same clock tick could change it without changing its stat: git's "racily clean" rule). The
fingerprint is a hash of every file's relative path and content hash, so a file touched but unchanged, or
written again with the same bytes, keeps the fingerprint (no reload); a replaced, new or deleted file changes it.

**Last good.** A newer version of the folder (another fingerprint) is loaded, and replaces the version in use
unless it brings *new errors*: its report's errors minus those of the version in use, compared as a multiset of
``(file, field, value, expected)``, i.e. ignoring the row or feature number (an edit above an old bad row
moves it without making it new), plus a growth in the count of errors beyond the listing limit of a file.
Warnings never count. A version with new errors is *refused*: sessions keep the version in use and are told
which file and problem stopped the newer one; when the folder changes again it is offered again (a half-written
file completed, or the folder put back). The first version a process loads is always used, errors and all (there
is nothing better to show; its errors are in its own report as before).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from layers.load.catalog import Catalog
from layers.model.report import Problem, Report

DATA_ENV = "CORRIDOR_DATA"
DATA_SUFFIXES = (".geojson", ".csv", ".yaml", ".yml", ".json")
"""Files that make up a data folder (what the loader may read)."""
RACY_SECONDS = 2.0
"""A file modified this recently is hashed again at every fingerprint, whatever its stat says."""

_Stat = tuple[int, int, int, int]
_memo: dict[str, tuple[_Stat, str]] = {}
"""Absolute path -> (stat it was hashed at, content hash), for files that were not racy when hashed."""
_memo_lock = threading.Lock()


def data_dir(default: Path) -> Path:
    """The data folder the app serves: ``$CORRIDOR_DATA`` when set (read at each call, so a test can switch it),
    else ``default`` (the app's geodata/)."""
    return Path(os.environ.get(DATA_ENV, default))


def _data_files(folder: Path) -> Iterator[Path]:
    """Data files under ``folder`` (any depth), in no particular order; a folder that vanishes is skipped."""
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError, PermissionError):
        return
    for entry in entries:
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _data_files(Path(entry.path))
            elif entry.name.endswith(DATA_SUFFIXES):
                yield Path(entry.path)
        except OSError:
            continue


def _content_hash(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except (FileNotFoundError, IsADirectoryError):
        return None
    except OSError as error:  # unreadable: its error code stands for its content (the loader reports it)
        return f"unreadable:{error.errno}"
    return digest.hexdigest()


def file_hash(path: Path, now: float | None = None) -> str | None:
    """The content hash of ``path`` (None if it is gone), from memory when its stat is unchanged and not racy."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    sig: _Stat = (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)
    key = str(path)
    with _memo_lock:
        known = _memo.get(key)
    if known is not None and known[0] == sig:
        return known[1]
    digest = _content_hash(path)
    now = time.time() if now is None else now
    with _memo_lock:
        if digest is None or now - st.st_mtime < RACY_SECONDS:
            _memo.pop(key, None)
        else:
            _memo[key] = (sig, digest)
    return digest


def forget_hashes() -> None:
    """Forget every remembered file hash: the next fingerprint hashes every file, as a new process does."""
    with _memo_lock:
        _memo.clear()


def fingerprint(folder: Path | str) -> str:
    """The content fingerprint of a data folder: one stat per file, hashing only what changed (module doc)."""
    folder = Path(folder).resolve()
    now = time.time()
    digest = hashlib.sha256()
    for path in sorted(_data_files(folder)):
        content = file_hash(path, now)
        if content is not None:
            digest.update(f"{path.relative_to(folder).as_posix()}\0{content}\n".encode())
    return digest.hexdigest()


def _signature(problem: Problem) -> tuple[str, str, str, str]:
    return problem.file, problem.field, problem.value, problem.expected


def new_errors(in_use: Report, candidate: Report) -> list[Problem]:
    """The errors of ``candidate`` that ``in_use`` does not have (module doc: compared without their row or
    feature, as a multiset), plus one per file whose count of unlisted errors grew."""
    have = Counter(_signature(p) for p in in_use.errors)
    found: list[Problem] = []
    for problem in candidate.errors:
        sig = _signature(problem)
        if have[sig] > 0:
            have[sig] -= 1
        else:
            found.append(problem)
    for (file, severity), count in sorted(candidate.unlisted.items()):
        before = in_use.unlisted.get((file, severity), 0)
        if severity == "error" and count > before:
            found.append(Problem(file, "", "", f"{count - before} more", "no more errors than the version in use "
                                 "(these were beyond the listing limit)"))
    return found


@dataclass(frozen=True)
class Refusal:
    """A newer version of the folder that was not used, and the new errors that stopped it."""

    key: str
    errors: tuple[Problem, ...]
    at: float
    """When it was refused (seconds since the epoch)."""

    def files(self) -> list[str]:
        """The files whose errors stopped it, sorted."""
        return sorted({p.file for p in self.errors})


@dataclass(frozen=True)
class Served:
    """What sessions are shown: the catalog in use, its fingerprint, and the newer version refused, if any."""

    catalog: Catalog
    key: str
    refused: Refusal | None = None


class LastGood:
    """The catalog a data folder's sessions share, and the newest version refused (thread-safe).

    :meth:`offer` takes the folder's current fingerprint and a loader; the loader runs only for a fingerprint
    not yet decided (once per version, whoever asks first; other callers wait for the decision).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._served: Served | None = None

    @property
    def served(self) -> Served | None:
        """The last decision (None before the first offer)."""
        return self._served

    def offer(self, key: str, load: Callable[[], Catalog]) -> Served:
        """The catalog to show now that the folder's fingerprint is ``key``."""
        served = self._served
        if served is not None and key in (served.key, served.refused.key if served.refused else None):
            if key == served.key and served.refused is not None:  # the folder went back to the version in use
                return self._decide(key, load)
            return served
        return self._decide(key, load)

    def _decide(self, key: str, load: Callable[[], Catalog]) -> Served:
        with self._lock:
            served = self._served
            if served is None:
                self._served = Served(load(), key)
            elif key == served.key:
                self._served = Served(served.catalog, key)
            elif served.refused is None or served.refused.key != key:
                candidate = load()
                errors = new_errors(served.catalog.report, candidate.report)
                self._served = Served(served.catalog, served.key, Refusal(key, tuple(errors), time.time())) \
                    if errors else Served(candidate, key)
            return self._served
