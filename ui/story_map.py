"""The map of the Story and Evidence pages: the browser player, given a View.

The player's data is published once per catalog (a chapter view has no filters, so every chapter shares it);
moving between chapters sends only the camera, date, window and focus.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layers.load.catalog import Catalog
from layers.model.view import View
from ui.player import player, player_data, view_args

CHAPTER_KEYS = ("PageDown", "PageUp", "ArrowRight", "ArrowLeft")
"""Keys the player hands back to the Story page while the map has the focus (a clicker sends PageDown/PageUp)."""
NEXT_KEYS = {"PageDown", "ArrowRight"}


def show_map(catalog: Catalog, view: View, *, key: str, height: int, presenter: bool = False,
             controls: bool = True, legend: bool = True, chapter_keys: bool = False, theme: str = "standard",
             reduced_motion: bool = False, description: Sequence[str] = ()) -> dict[str, Any] | None:
    """Draw ``view`` (camera, date, window, focus, selection) in the player; return its last message.
    ``description``: the chapter's title and key points, for the map's text alternative."""
    args = {**view_args(view, catalog), "title": ""}
    # Chapters zoom in and out; with the close-ups always in, moving between them never re-sends the data.
    return player(player_data(catalog, view, closeup=True), key=key, height=height, presenter=presenter,
                  show_controls=controls, show_legend=legend, report_keys=CHAPTER_KEYS if chapter_keys else (),
                  theme=theme, reduced_motion=reduced_motion, description=description, **args)


def chapter_step(message: dict[str, Any] | None, handled: set[str]) -> int:
    """+1 or -1 for a chapter key the player reported and nobody handled yet (its id is then added), else 0."""
    if not message or message.get("kind") != "key" or message.get("id") in handled:
        return 0
    handled.add(str(message.get("id")))
    pressed = message.get("pressed")
    return 1 if pressed in NEXT_KEYS else -1 if pressed in CHAPTER_KEYS else 0
