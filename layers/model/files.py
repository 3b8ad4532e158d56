"""Writing files so that no reader, in this process or another, ever sees half of one.

The one way the app and the engine write a file (payloads, the player's copied files, exports, benchmark
output): the bytes go to a temporary file in the target's folder, named ``.<name>.<random>.part`` (a dot file
ending in ``.part``, so no ``*.json``-style pattern of a reader or a pruner ever matches it), are flushed and
fsynced, and the temporary file is renamed over the target with ``os.replace`` (atomic on one file system).
A reader sees the old file or the whole new one; on any failure the temporary file is removed and the old file
is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".part"
"""Every temporary file of :func:`write_atomically` ends in this (and starts with a dot)."""


def is_temporary(name: str) -> bool:
    """True for a name :func:`write_atomically` gives its temporary files."""
    return name.startswith(".") and name.endswith(TEMP_SUFFIX)


def write_atomically(path: Path | str, data: bytes | str, *, mtime: float | None = None) -> Path:
    """Write ``data`` (str as UTF-8) to ``path`` through a temporary file in the same folder, then rename it
    into place; ``mtime`` (seconds) sets the file's modification time before the rename. Returns ``path``."""
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        if mtime is not None:
            os.utime(tmp, (mtime, mtime))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path
