"""Presenter mode for the Story page: a full-screen map with large type, and speaker notes that follow it.

The look is one fixed stylesheet (no data in it). Chapters change with buttons that carry keyboard shortcuts
(the arrow keys, and PageDown/PageUp, which is what a presentation clicker sends), so no script of ours runs in
the page. The audience window and the speaker-notes window are two sessions of the same app: they share a
*deck* token in their URLs, and whichever window moves publishes its chapter here; the other picks it up
within a second (a small fragment polls). A token is random and unguessable, so two presenters on one server
never drive each other.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import streamlit as st

DECK_PARAM = "deck"
_TOKEN = re.compile(r"^[a-f0-9]{16}$")
MAX_DECKS = 200
POLL_SECONDS = 1.0

PRESENTER_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"],
footer { display: none !important; }
[data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
[data-testid="stAppViewContainer"] { overflow: hidden; }
.st-key-story-map { position: fixed; top: 0; bottom: 0; left: 36vw; right: 0; z-index: 0; }
.st-key-story-map [data-testid="stElementContainer"], .st-key-story-map [data-testid="stDeckGlJsonChart"],
.st-key-story-map iframe { width: 64vw !important; height: 100vh !important; }
.st-key-story-overlay {
  position: fixed; top: 0; bottom: 0; left: 0; z-index: 10; width: 36vw; overflow: auto;
  padding: 3vh 2.2vw 12vh 2.2vw; background: rgba(255, 255, 255, 0.97);
  box-shadow: 0.2rem 0 1rem rgba(0, 0, 0, 0.18);
}
.st-key-story-overlay h1 { font-size: clamp(1.8rem, 3vw, 3.4rem); line-height: 1.12; padding: 0 0 0.4rem 0; }
.st-key-story-overlay p, .st-key-story-overlay li { font-size: clamp(1.05rem, 1.5vw, 1.7rem); line-height: 1.35; }
.st-key-story-overlay [data-testid="stCaptionContainer"] p { font-size: clamp(1rem, 1.1vw, 1.3rem); }
.st-key-story-overlay .legend-item { display: flex; align-items: center; gap: 0.5rem; margin: 0.2rem 0;
  font-size: clamp(1rem, 1.1vw, 1.3rem); }
.st-key-story-overlay .legend-swatch { width: 1.6rem; height: 0.7rem; border: 0.2rem solid; flex: none; }
.st-key-story-overlay .legend-glyph { min-width: 1.6rem; text-align: center; font-weight: 700; border: 0.15rem solid;
  border-radius: 0.25rem; background: #ffffff; color: #111111; flex: none; }
.st-key-story-controls {
  position: fixed; left: 2.2vw; bottom: 2.5vh; z-index: 11; width: auto; padding: 0.4rem 0.6rem;
  border-radius: 0.6rem; background: rgba(255, 255, 255, 0.97);
}
.st-key-story-exit { position: fixed; top: 1.5vh; right: 1.2vw; z-index: 11; width: auto; opacity: 0.75; }
.st-key-story-exit:hover { opacity: 1; }
.st-key-story-keys { display: none !important; }
</style>
"""
"""Presenter mode's stylesheet: hides Streamlit's header, toolbar and sidebar; the chapter in a panel on the left,
the map filling the rest of the window (so the camera's centre is the centre of what the audience sees)."""

READING_CSS = """
<style>
.st-key-story-keys { display: none !important; }
</style>
"""
"""Reading mode only hides the extra buttons that carry the PageDown/PageUp shortcuts."""

NOTES_CSS = """
<style>
header[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stSidebar"],
[data-testid="stSidebarCollapsedControl"] { display: none !important; }
.st-key-story-notes p, .st-key-story-notes li { font-size: 1.5rem; line-height: 1.45; }
.st-key-story-keys { display: none !important; }
</style>
"""


ROOM_PARAM = "room"
ROOMS = {"standard": "Standard", "bright": "Bright room", "dark": "Dark room"}
"""Presenter mode's themes (layers.model.style.THEMES): the map and the chapter panel change together."""
STILL_PARAM = "still"
"""``still=1`` in a presenter URL: reduced motion (the camera jumps, flows appear whole)."""

ROOM_CSS = {
    "bright": """<style>
.st-key-story-overlay, .st-key-story-controls { background: #ffffff !important; color: #000000; }
.st-key-story-overlay h1, .st-key-story-overlay p, .st-key-story-overlay li { color: #000000 !important; }
.st-key-story-overlay a { color: #0b3d91 !important; }
</style>""",
    "dark": """<style>
[data-testid="stApp"], [data-testid="stAppViewContainer"] { background: #131c26 !important; }
.st-key-story-overlay, .st-key-story-controls, .st-key-story-exit { background: #121417 !important;
  color: #f4f4f2; }
.st-key-story-overlay h1, .st-key-story-overlay p, .st-key-story-overlay li, .st-key-story-overlay span,
.st-key-story-overlay [data-testid="stCaptionContainer"] p, .st-key-story-controls [data-testid="stMarkdownContainer"] p
{ color: #f4f4f2 !important; }
.st-key-story-controls button, .st-key-story-exit a {
  background: #2b2e33 !important; color: #f4f4f2 !important; border-color: #8a8f96 !important; }
.st-key-story-controls button *, .st-key-story-exit a * { color: #f4f4f2 !important; }
.st-key-story-exit { opacity: 1; }
.st-key-story-overlay a { color: #9cc7ff !important; }
.st-key-story-overlay .legend-glyph { background: #000000; color: #f4f4f2; }
</style>""",
}
"""The room themes' colours for the chapter panel (the map takes its own from the theme)."""


def room() -> str:
    """The room theme the URL asks for (``standard`` when none or an unknown one)."""
    value = st.query_params.get(ROOM_PARAM, "standard")
    return value if value in ROOMS else "standard"


def still() -> bool:
    """True when the URL asks for reduced motion."""
    return st.query_params.get(STILL_PARAM) == "1"


def style(mode: str) -> None:
    """Inject the fixed stylesheet of a mode: 'present', 'notes' or 'read' (and, presenting, the room's)."""
    css = {"present": PRESENTER_CSS, "notes": NOTES_CSS}.get(mode, READING_CSS)
    st.html(css + (ROOM_CSS.get(room(), "") if mode == "present" else ""))


@dataclass(frozen=True)
class Position:
    """Where a deck is: which story and chapter, and when it got there (``time.monotonic``)."""

    story: str
    chapter: str
    at: float


class _Decks:
    """Positions of the open decks, shared by every session of this server (bounded, thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._positions: OrderedDict[str, Position] = OrderedDict()

    def publish(self, token: str, story: str, chapter: str) -> Position:
        with self._lock:
            position = Position(story, chapter, time.monotonic())
            self._positions[token] = position
            self._positions.move_to_end(token)
            while len(self._positions) > MAX_DECKS:
                self._positions.popitem(last=False)
            return position

    def get(self, token: str) -> Position | None:
        with self._lock:
            return self._positions.get(token)


@st.cache_resource
def decks() -> _Decks:
    """The one registry of deck positions for this server."""
    return _Decks()


def deck_token(create: bool) -> str | None:
    """This window's deck token from the URL; a new one (put into the URL) when ``create`` and there is none."""
    token = st.query_params.get(DECK_PARAM, "")
    if _TOKEN.match(token):
        return token
    if not create:
        return None
    token = secrets.token_hex(8)
    st.query_params[DECK_PARAM] = token
    return token


def moved(token: str, story: str, chapter: str) -> None:
    """Tell the deck's other windows that this one moved to ``chapter``."""
    position = decks().publish(token, story, chapter)
    st.session_state[f"deck-seen-{token}"] = position.at


def follow(token: str, story: str, chapter: str) -> str | None:
    """The chapter another window of the deck moved to since this session last looked, if any."""
    position = decks().get(token)
    key = f"deck-seen-{token}"
    if position is None or position.story != story or position.at <= st.session_state.get(key, -1.0):
        return None
    st.session_state[key] = position.at
    return position.chapter if position.chapter != chapter else None


def keep_following(token: str, story: str, chapter: str) -> None:
    """Poll the deck every second; rerun the page when another window has moved it."""

    @st.fragment(run_every=POLL_SECONDS)
    def poll() -> None:
        position = decks().get(token)
        seen = st.session_state.get(f"deck-seen-{token}", -1.0)
        if position is not None and position.story == story and position.at > seen and position.chapter != chapter:
            st.rerun(scope="app")

    poll()
