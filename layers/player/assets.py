"""The player's static files, served from a state folder outside the package.

The package holds the player's own files (``index.html``, its scripts and stylesheet) and never changes at run
time: an ordinary, read-only install can serve the app. At start the app copies them, with the deck.gl bundle
of the installed pydeck package (``pydeck/nbextension/static/index.js``, exposing ``createDeck``), into
``<state>/player``, and writes the player's data files under ``<state>/player/data``. ``<state>`` is
``$CORRIDOR_STATE``, else ``$XDG_STATE_HOME/corridor``, else ``~/.local/state/corridor``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pydeck

from layers.model.files import write_atomically

PLAYER_DIR = Path(__file__).resolve().parent
"""The player's files inside the package (read only)."""
PLAYER_SCRIPTS = ("time.js", "labels.js", "bridge.js", "state.js", "data.js", "layers.js", "preview.js", "controls.js",
                  "main.js")
"""The player's modules, in load order: time and visibility, place names, the Streamlit bridge (pure, also
loaded by Node's tests in ``tests/js``), then shared state, data decoding, the map's layers and camera, the first
picture (drawn while deck.gl loads), controls and panels, and the start-up. No bundler: classic scripts sharing one
global scope (``state.js`` says how)."""
BRIEFING_FILES = ("briefing.js", "briefing.css")
"""Used only by the story's one-file briefing (``layers.export.briefing``), after the player's own modules."""
PLAYER_FILES = ("index.html", "player.css", *PLAYER_SCRIPTS)
DECK_FILE = "deck.min.js"
BUNDLE_FILE = "player.js"
"""The modules of ``PLAYER_SCRIPTS`` joined, as the app's page loads them (``served_page``)."""
STATE_ENV = "CORRIDOR_STATE"


def state_dir() -> Path:
    """Where the app keeps what it writes while serving (read at each call, so a test can switch it)."""
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV])
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "corridor"


def served_dir() -> Path:
    """Where the app serves the player from: ``<state>/player`` (``install_player`` fills it; data in ``data/``)."""
    return state_dir() / "player"


def installed_deck_bundle() -> Path:
    """The deck.gl bundle inside the installed pydeck package."""
    path = Path(pydeck.__file__).resolve().parent / "nbextension" / "static" / "index.js"
    if not path.is_file():
        raise FileNotFoundError(f"pydeck {pydeck.__version__} has no prebuilt deck.gl bundle at {path}; "
                                "reinstall pydeck (pip install --force-reinstall pydeck)")
    return path


def player_file(name: str) -> str:
    """The text of one of the player's own files (``PLAYER_FILES``)."""
    if name not in (*PLAYER_FILES, *BRIEFING_FILES):
        raise ValueError(f"not a player file: {name!r}")
    return (PLAYER_DIR / name).read_text(encoding="utf-8")


def deck_bundle_text() -> str:
    """The deck.gl bundle's JavaScript, read from the installed pydeck."""
    return installed_deck_bundle().read_text(encoding="utf-8")


def _same(a: Path, b: Path) -> bool:
    if not b.is_file() or b.is_symlink():
        return False
    sa, sb = a.stat(), b.stat()
    return sa.st_size == sb.st_size and int(sa.st_mtime) == int(sb.st_mtime)


def _copy(source: Path, target: Path) -> None:
    """Copy ``source`` (with its mtime) to ``target`` unless an identical copy is there, atomically
    (``layers.model.files.write_atomically``), so a server reading it never sees half a file."""
    if _same(source, target):
        return
    write_atomically(target, source.read_bytes(), mtime=source.stat().st_mtime)


def served_page() -> str:
    """The player's page as the app serves it: its modules in one script, ``BUNDLE_FILE`` (one request instead of
    one per module: each costs the frame a round trip before the first picture)."""
    page = player_file("index.html")
    tags = [f'<script src="{name}"></script>\n' for name in PLAYER_SCRIPTS]
    for tag in tags[1:]:
        page = page.replace(tag, "", 1)
    return page.replace(tags[0], f'<script src="{BUNDLE_FILE}"></script>\n', 1)


def player_bundle() -> str:
    """The player's modules joined in load order: classic scripts sharing one scope run the same joined, and the
    leading directive keeps every module strict, as each is on its own."""
    return "'use strict';\n" + "\n".join(player_file(name) for name in PLAYER_SCRIPTS)


def _write(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically unless it already holds exactly that."""
    data = text.encode("utf-8")
    if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
        return
    write_atomically(target, data)


def install_player(target: Path | None = None) -> Path:
    """Put the player's page (``served_page``), its style, its modules joined (``BUNDLE_FILE``) and the deck.gl
    bundle in ``target`` (default ``<state>/player``); return it."""
    target = served_dir() if target is None else target
    target.mkdir(parents=True, exist_ok=True)
    _copy(PLAYER_DIR / "player.css", target / "player.css")
    _write(target / BUNDLE_FILE, player_bundle())
    _write(target / "index.html", served_page())
    _copy(installed_deck_bundle(), target / DECK_FILE)
    return target
