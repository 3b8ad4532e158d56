"""A prepared catalog: a data folder read and checked once, then kept on disk, so that an unchanged folder is not
parsed and validated again by every server start and every render worker.

The checked catalog is pickled into ``<state>/catalogs/``. The file name hashes the folder's resolved path, its
content fingerprint (``layers.load.live.fingerprint``) and the loader's own code (``code_version``), so any change
to a data file, or to the code that reads and checks it, misses and loads afresh. A file is written atomically
(``write_atomically``) and only when the fingerprint did not change while loading; the newest ``KEEP`` are kept.

Unpickling runs code named in the file, so a prepared file is read only when this user wrote it: it must be owned
by the process's user and writable by no one else, in a folder no one else can write to. The state folder is the
app's own; a file that fails these checks, or does not unpickle to a catalog of this folder, is ignored and
replaced (the data is loaded and checked as if there were none).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import pickle
import stat
import threading
from dataclasses import replace
from pathlib import Path

from layers.load.catalog import Catalog, load_catalog
from layers.load.derived import Derived
from layers.load.live import fingerprint
from layers.model.files import is_temporary, write_atomically

LOG = logging.getLogger(__name__)
FOLDER = "catalogs"
"""Where prepared catalogs live inside the state folder."""
KEEP = 4
"""Prepared catalogs kept (the newest): a few data versions and folders."""
SUFFIX = ".catalog.pickle"
_CODE = ("layers/load", "layers/model")
"""Packages whose code decides what a catalog holds: a change to any of their files is a new code version."""


@functools.cache
def code_version() -> str:
    """A hash of the loader's source files (``_CODE``): prepared catalogs of other code are never read."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for package in _CODE:
        for path in sorted((root / package).glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def prepared_path(folder: Path | str, key: str, state: Path) -> Path:
    """The prepared file of ``folder`` at fingerprint ``key`` under the state folder ``state``."""
    name = hashlib.sha256(f"{Path(folder).resolve()}\0{key}\0{code_version()}".encode()).hexdigest()[:40]
    return state / FOLDER / f"{name}{SUFFIX}"


def _trusted(path: Path) -> bool:
    """Owned by this user and writable by no one else, in a folder no one else can write to."""
    uid = os.getuid()
    for item in (path.parent, path):
        info = item.stat()
        if info.st_uid != uid or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            LOG.warning("not reading the prepared catalog %s: %s is writable by others", path, item)
            return False
    return True


def _read(path: Path, folder: Path) -> Catalog | None:
    """The catalog prepared in ``path``, or None when there is none usable (missing, untrusted, broken)."""
    try:
        if not _trusted(path):
            return None
        with path.open("rb") as handle:
            catalog = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file: load afresh and replace it
        LOG.warning("ignoring the prepared catalog %s: %s: %s", path, type(exc).__name__, exc)
        return None
    if not isinstance(catalog, Catalog) or Path(catalog.folder).resolve() != folder.resolve():
        LOG.warning("ignoring the prepared catalog %s: not a catalog of %s", path, folder)
        return None
    return replace(catalog, derived=Derived())


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o755)
    write_atomically(path, pickle.dumps(replace(catalog, derived=None), protocol=pickle.HIGHEST_PROTOCOL))
    kept = sorted((p for p in path.parent.glob(f"*{SUFFIX}") if not is_temporary(p.name)),
                  key=lambda p: p.stat().st_mtime_ns if p.exists() else 0, reverse=True)
    for old in kept[KEEP:]:
        with contextlib.suppress(FileNotFoundError):
            old.unlink()


def prepared_catalog(folder: Path | str, state: Path) -> Catalog:
    """The checked catalog of ``folder``: from its prepared file in ``state`` when the folder and the loader are
    unchanged, else loaded and checked (``load_catalog``) and prepared for next time."""
    folder = Path(folder)
    key = fingerprint(folder)
    path = prepared_path(folder, key, state)
    catalog = _read(path, folder)
    if catalog is not None:
        return catalog
    catalog = load_catalog(folder)
    if fingerprint(folder) == key:  # not changed while it was read: the file describes ``key``
        try:
            _write(path, catalog)
        except OSError as exc:  # a read-only or full state folder: serve the catalog, prepare it next time
            LOG.warning("could not prepare the catalog in %s: %s", path.parent, exc)
    return catalog


_shared: dict[str, tuple[str, Catalog]] = {}
"""Resolved folder -> (fingerprint, catalog): the one catalog of each folder this process serves."""
_sharing = threading.Lock()


def shared_catalog(folder: Path | str, state: Path) -> Catalog:
    """``prepared_catalog``, one object per folder and fingerprint in this process: the server's warm-up
    (``serve.py``) and the sessions share the catalog and what is derived from it (the default view's map data).
    A session that asks while the warm-up loads waits for that load instead of doing it again."""
    folder = Path(folder)
    name = str(folder.resolve())
    with _sharing:
        key = fingerprint(folder)
        held = _shared.get(name)
        if held is None or held[0] != key:
            held = _shared[name] = (key, prepared_catalog(folder, state))
        return held[1]
