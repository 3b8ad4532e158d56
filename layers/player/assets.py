"""The player's static files, and the deck.gl bundle copied in from the installed pydeck package.

deck.gl is not committed: pydeck ships a prebuilt bundle (``pydeck/nbextension/static/index.js``, exposing
``createDeck``) and :func:`ensure_deck_bundle` copies it next to the player as ``deck.min.js`` (a copy, not a
link: Streamlit refuses to serve a component file whose real path leaves the component folder).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pydeck

PLAYER_DIR = Path(__file__).resolve().parent
DECK_BUNDLE = PLAYER_DIR / "deck.min.js"
PLAYER_FILES = ("index.html", "player.js", "player.css")


def installed_deck_bundle() -> Path:
    """The deck.gl bundle inside the installed pydeck package."""
    path = Path(pydeck.__file__).resolve().parent / "nbextension" / "static" / "index.js"
    if not path.is_file():
        raise FileNotFoundError(f"pydeck {pydeck.__version__} has no prebuilt deck.gl bundle at {path}; "
                                "reinstall pydeck (pip install --force-reinstall pydeck)")
    return path


def _same(a: Path, b: Path) -> bool:
    sa, sb = a.stat(), b.stat()
    return sa.st_size == sb.st_size and int(sa.st_mtime) == int(sb.st_mtime)


def ensure_deck_bundle(target: Path = DECK_BUNDLE) -> Path:
    """Copy pydeck's bundle to ``target`` when it is missing or differs (size or time); return ``target``.

    The copy is written to a temporary file and renamed, so a server reading it never sees half a file.
    """
    source = installed_deck_bundle()
    if target.is_file() and not target.is_symlink() and _same(source, target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".deck-", suffix=".js", dir=target.parent)
    os.close(fd)
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def player_file(name: str) -> str:
    """The text of one of the player's own files (``index.html``, ``player.js``, ``player.css``)."""
    if name not in PLAYER_FILES:
        raise ValueError(f"not a player file: {name!r}")
    return (PLAYER_DIR / name).read_text(encoding="utf-8")
