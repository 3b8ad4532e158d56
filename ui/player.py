"""The map player as a Streamlit component (components.v1), served from ``<state>/player``
(``layers.player.assets``: the package's player files and pydeck's deck.gl bundle, copied there at start).

How the data travels: the payload (basemap, places, paths, flows, event details: ~300 KB on the real data)
is written once per content key to ``<state>/player/data/<key>.json`` and the browser fetches it from the
component's own folder. The component's args carry only ``{"key", "url"}`` and the small view state, so a
rerun that moves the date or the camera sends a few hundred bytes, never the data again. (Inlining the payload
in the args re-sends all of it whenever any arg changes: Streamlit's message cache only spares an element that
is identical to the last run's. Measured on the real data with ``benchmarks/player_transport.py``: a rerun that
moves the date or camera sends 478 bytes of args by reference against 307,850 inlined; the file is 275 KB,
93 KB gzipped, fetched once per key and cached by the browser. Static files also keep working when a second
browser window, or the Story page, shows the same data: each fetches it by key.)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import streamlit.components.v1 as components

from layers.load.catalog import Catalog
from layers.model.dates import day_number
from layers.model.view import Camera, View
from layers.player import store
from layers.player.assets import install_player
from layers.render import published
from layers.render.framing import PLAYER_VIEWPORT, fit_arg, view_camera

SERVED_DIR = install_player()
"""The folder Streamlit serves the player from: ``<state>/player`` (``layers.player.assets``), never the package."""
DATA_DIR = published.data_folder(SERVED_DIR)
KEEP_FILES = store.KEEP
"""Payload files always kept in ``DATA_DIR``; older ones go once unused for ``store.GRACE_SECONDS``."""

_component = components.declare_component("corridor_player", path=str(SERVED_DIR))


def player_data(catalog: Catalog, view: View, *, closeup: bool | None = None) -> dict[str, str]:
    """The published reference of ``view``'s data (``layers.render.published.player_data``, in ``DATA_DIR``)."""
    return published.player_data(catalog, view, DATA_DIR, closeup=closeup)


def camera_arg(camera: Camera) -> dict[str, float]:
    """A camera as the player's ``camera`` arg."""
    return {"longitude": camera.longitude, "latitude": camera.latitude, "zoom": camera.zoom,
            "pitch": camera.pitch, "bearing": camera.bearing}


def player(data: dict[str, str], *, key: str, height: int = 560, camera: Camera | None = None,
           date: Any = None, window: int | None = None, focus: Iterable[str] = (), selected: str | None = None,
           presenter: bool = False, show_controls: bool = True, show_legend: bool = True,
           show_details: bool = False, show_list: bool = False, report_keys: Sequence[str] = (),
           transition_ms: int = 1200, speed: float | None = None, rev: int = 0, title: str = "",
           theme: str = "standard", reduced_motion: bool = False, description: Sequence[str] = (),
           fit: dict[str, Any] | None = None) -> dict | None:
    """Draw the player and return the last thing the user did in it (or None).

    Args (each becomes a component arg; the browser acts on an arg only when it differs from the last render):
      data: ``{"key", "url"}`` from :func:`player_data` (``layers.render.published``). The browser fetches the
        data only when the key differs from the one it holds; every other arg is applied to the data it has.
      key: the Streamlit widget key (keeps one iframe alive across reruns).
      height: map height in pixels (the controls add about 110 px below it).
      camera: where to look; a changed camera flies there over ``transition_ms`` (0 = jump). None = the default.
      fit: ``{"bounds": [w, s, e, n], "padding": px}`` (``layers.render.framing.fit_arg``): the browser frames
        these bounds for the map's real size, instead of ``camera`` (which is then only a first guess).
      date: the date to show (``datetime.date`` or a day number since 2022-01-01); a changed date jumps there and
        pauses. None shows every event (the end of the timeline).
      window: moving-window length in days; None = cumulative.
      focus: event ids and/or category ids to highlight (the rest is dimmed); empty = no focus.
      selected: the event id to emphasise.
      presenter: large type for a projector.
      show_controls / show_legend / show_details / show_list: show the time controls, the legend, the player's
        own details panel (the Explore page shows details itself), the player's own list of visible events.
      report_keys: keys (e.g. ``["PageDown", "PageUp", "ArrowRight", "ArrowLeft"]``) the player reports instead
        of handling, for a presenter clicker while the map has focus.
      speed: initial playback speed (0.5, 1, 2, 4, 8).
      rev: change it to re-apply ``camera`` and ``date`` even when they equal the last ones (e.g. "replay").
      title: a title drawn over the map.
      theme: ``standard``, or a room theme of presenter mode (``bright``, ``dark``): layers.model.style.THEMES.
      reduced_motion: the camera jumps and flows appear whole (the player also follows the browser's setting).
      description: sentences the map's text alternative adds to its counts and latest events (a chapter's
        title and key points); announced when they change.

    Returns the browser's last message, a dict: ``id`` (unique per message: compare it with the last one you
    handled), ``kind`` (``click``, ``pause``, ``step``, ``seek``, ``mode``, ``camera`` or ``key``), ``date`` (day
    number shown), ``window`` (days or None), ``camera`` (dict), ``key`` (the data key), plus ``event`` (the event
    id) for a click and ``pressed`` for a key. Nothing is sent while the animation plays.
    """
    if date is not None and not isinstance(date, int | float):
        date = day_number(date)
    return _component(
        data=data, height=int(height), camera=camera_arg(camera) if camera else None, date=date,
        window=int(window) if window else None, focus=list(focus), selected=selected, presenter=bool(presenter),
        show_controls=bool(show_controls), show_legend=bool(show_legend), show_details=bool(show_details),
        show_list=bool(show_list), report_keys=list(report_keys), transition_ms=int(transition_ms), speed=speed,
        rev=int(rev), title=title, theme=theme, reduced_motion=bool(reduced_motion),
        description=[str(x) for x in description], fit=fit, key=key, default=None,
    )


def view_args(view: View, catalog: Catalog | None = None,
              viewport: tuple[int, int] = PLAYER_VIEWPORT) -> dict[str, Any]:
    """The player args that come from a View (camera, date, window, focus, selected, title). A view without a
    camera is framed on what it shows, for a map of ``viewport`` px, when ``catalog`` is given
    (``layers.render.framing``)."""
    camera = view_camera(catalog, view, *viewport) if catalog is not None else view.camera
    return {"camera": camera, "date": view.date, "window": view.window_days, "focus": view.focus,
            "selected": view.selected, "title": view.title,
            "fit": fit_arg(catalog, view) if catalog is not None else None}

