"""The Explore page as the benchmark sees it, through Streamlit's AppTest: bytes sent to the browser and open time.

Bytes are counted as Streamlit sends them: every ForwardMsg the page's runs enqueue, serialised, with Streamlit's
message cache applied as the browser would use it (a cacheable element the browser already holds is sent as a
reference to its hash), plus the player's data file, which the browser fetches from the component's folder once
per data key. The player's own code (its JS and CSS, and pydeck's deck.gl bundle) is static and cached by
the browser; it is not counted (see :func:`static_bytes`).

It lives outside ``layers`` because it drives the Streamlit app: ``python -m layers bench`` runs it as a
separate process (``python benchmarks/page.py bytes|open|static ...``, one JSON value on stdout), so the engine
never imports Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layers.model.dates import day_number
from layers.model.view import View
from layers.player.assets import PLAYER_DIR, installed_deck_bundle, state_dir

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: the project's packages come first
    sys.path.insert(0, str(ROOT))
APP = ROOT / "app.py"
PLAYER_KEY = "explore-player"
"""The Explore page's player widget key (``ui.explore.PLAYER_KEY``; read from there when it can be imported)."""
MOVE_DAYS = 7
"""A slider move: the user drags the paused player's time slider a week on and lets go (a 'seek')."""
TIMEOUT_S = 600


@contextlib.contextmanager
def data_folder(folder: Path) -> Iterator[None]:
    """Point the app at ``folder`` (``CORRIDOR_DATA``) for the block."""
    previous = os.environ.get("CORRIDOR_DATA")
    os.environ["CORRIDOR_DATA"] = str(Path(folder).resolve())
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("CORRIDOR_DATA", None)
        else:
            os.environ["CORRIDOR_DATA"] = previous


@contextlib.contextmanager
def recorded_messages() -> Iterator[list[Any]]:
    """Every ForwardMsg that AppTest runs enqueue inside the block, in order (a list that fills as they run)."""
    from streamlit.runtime.scriptrunner import ScriptRunnerEvent
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    sent: list[Any] = []
    original = LocalScriptRunner.run

    def listen(sender: Any, event: Any, **kwargs: Any) -> None:
        if event == ScriptRunnerEvent.ENQUEUE_FORWARD_MSG:
            sent.append(kwargs["forward_msg"])

    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        self.on_event.connect(listen, weak=False)
        return original(self, *args, **kwargs)

    LocalScriptRunner.run = run  # type: ignore[method-assign]
    try:
        yield sent
    finally:
        LocalScriptRunner.run = original  # type: ignore[method-assign]


def wire_bytes(messages: list[Any], browser_cache: set[str]) -> int:
    """Bytes of ``messages`` on the websocket; cacheable ones the browser holds go as hash references.

    ``browser_cache`` (hashes the browser has) is updated with what these messages add to it.
    """
    from streamlit.runtime.forward_msg_cache import create_reference_msg

    total = 0
    for msg in messages:
        if msg.metadata.cacheable and msg.hash in browser_cache:
            total += create_reference_msg(msg).ByteSize()
        else:
            total += msg.ByteSize()
            if msg.metadata.cacheable:
                browser_cache.add(msg.hash)
    return total


def _player_key() -> str:
    try:
        from ui.explore import PLAYER_KEY as key
    except ImportError:
        return PLAYER_KEY
    return key


def _fetched_data(app: Any, held: set[str]) -> int:
    """Bytes of the player's data file the browser fetches after this run (0 when it holds that key already)."""
    total = 0
    for instance in app.get("component_instance"):
        if not instance.proto.component_name.endswith("corridor_player"):
            continue
        ref = json.loads(instance.proto.json_args).get("data") or {}
        key, url = ref.get("key"), ref.get("url")
        if key and url and key not in held:
            held.add(key)
            total += (state_dir() / "player" / url).stat().st_size
    return total


@dataclass(frozen=True)
class PageBytes:
    """Bytes to the browser when the Explore page opens on a view, and when the paused slider is moved once."""

    open: int
    move: int
    open_messages: int
    move_messages: int


def page_bytes(folder: Path, view: View, move_days: int = MOVE_DAYS) -> PageBytes:
    """Open Explore on ``view`` over the data in ``folder``, then move the player's time as a user drags it."""
    from streamlit.testing.v1 import AppTest

    if view.date is None:
        raise ValueError("the view needs a date to move from")
    cache: set[str] = set()
    held: set[str] = set()
    with data_folder(folder), recorded_messages() as sent:
        app = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        for name, value in view.to_params().items():
            app.query_params[name] = value
        app.run()
        if app.exception:
            raise RuntimeError(f"the page raised: {app.exception[0].message}")
        opened = wire_bytes(sent, cache) + _fetched_data(app, held)
        n_open = len(sent)
        sent.clear()
        # What the player sends when the paused slider is let go (ui/player.py, kind 'seek'): a rerun.
        app.session_state[_player_key()] = {
            "id": "bench:seek", "kind": "seek", "date": day_number(view.date + dt.timedelta(days=move_days)),
            "window": view.window_days, "camera": None, "key": None,
        }
        app.run()
        if app.exception:
            raise RuntimeError(f"the page raised after a move: {app.exception[0].message}")
        moved = wire_bytes(sent, cache) + _fetched_data(app, held)
        return PageBytes(opened, moved, n_open, len(sent))


def open_seconds(folder: Path, runs: int) -> float:
    """Median seconds to open the app's default page (Explore) in AppTest once its caches are warm."""
    from streamlit.testing.v1 import AppTest

    def open_page() -> float:
        start = time.perf_counter()
        app = AppTest.from_file(str(APP), default_timeout=TIMEOUT_S)
        app.run()
        seconds = time.perf_counter() - start
        if app.exception:
            raise RuntimeError(f"the page raised: {app.exception[0].message}")
        return seconds

    with data_folder(folder):
        open_page()  # cold: fills st.cache_resource / st.cache_data and writes the player's data file
        return statistics.median(open_page() for _ in range(max(1, runs)))


def static_bytes() -> int:
    """Bytes of the player's static files (HTML, JS, CSS, deck.gl), fetched once and then cached by the browser."""
    own = sum(p.stat().st_size for p in PLAYER_DIR.iterdir() if p.is_file() and p.suffix in (".html", ".js", ".css"))
    return own + installed_deck_bundle().stat().st_size


def main(argv: list[str] | None = None) -> int:
    """``bytes FOLDER PARAMS_JSON``, ``open FOLDER RUNS`` or ``static``: print one JSON value."""
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["bytes"] and len(args) == 3:
        sent = page_bytes(Path(args[1]), View.from_params(json.loads(args[2])))
        print(json.dumps(sent.__dict__))
    elif args[:1] == ["open"] and len(args) == 3:
        print(json.dumps(open_seconds(Path(args[1]), int(args[2]))))
    elif args == ["static"]:
        print(json.dumps(static_bytes()))
    else:
        print("usage: page.py bytes FOLDER PARAMS_JSON | open FOLDER RUNS | static", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
