"""Safe names for exported files, and writing them so that a failed export leaves nothing behind."""

from __future__ import annotations

import re
import unicodedata

from layers.model.files import write_atomically
from layers.model.view import View

__all__ = ["EXTENSION", "MAX_STEM", "safe_filename", "view_stem", "write_atomically"]

MAX_STEM = 80
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d|conin\$|conout\$|clock\$)$", re.I)
EXTENSION = re.compile(r"^[a-z0-9]{1,8}$")


def safe_filename(name: str, ext: str) -> str:
    """A plain file name from any text: no folders, no '..', no control characters, no reserved device names.

    Letters (any script), digits, '-', '_' and '.' stay; everything else becomes '-'. Never empty.
    """
    ext = ext.lower().lstrip(".")
    if not EXTENSION.match(ext):
        raise ValueError(f"extension {ext!r}: expected 1 to 8 letters or digits")
    text = unicodedata.normalize("NFKC", str(name))
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = text.replace("/", " ").replace("\\", " ")
    stem = _UNSAFE.sub("-", text)
    stem = re.sub(r"\.{2,}", ".", stem)
    stem = re.sub(r"[\s\-]+", "-", stem).strip("-. _")
    if stem.lower().endswith("." + ext):
        stem = stem[: -len(ext) - 1].rstrip("-. _")
    stem = stem[:MAX_STEM].rstrip("-. _")
    if not stem or _RESERVED.match(stem.split(".")[0]):
        stem = f"corridor-{stem}" if stem else "corridor"
    return f"{stem}.{ext}"


def view_stem(view: View) -> str:
    """A readable base name for exports of a view: its title (or 'corridor') and its date."""
    parts = [view.title or "corridor"]
    if view.date:
        parts.append(view.date.isoformat())
    if view.window_days:
        parts.append(f"{view.window_days}d")
    return " ".join(parts)
