"""The Explore page's parts: URL sync, filters, the player's messages, the event details and the event list.

The URL (``st.query_params``, through ``View.to_params``/``from_params``) is the one state. Widgets write it in
their callbacks; the player's last message is applied to it first thing in the run; everything drawn reads it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from layers.load.catalog import Catalog
from layers.model import schema
from layers.model.dates import from_day_number
from layers.model.view import MAX_WINDOW_DAYS, Camera, View
from layers.query.select import select
from ui.citations import CONFIDENCE_LABELS, event_places, md, source_link

PLAYER_KEY = "explore-player"
SEEN_KEY = "_explore_seen_message"
URL_KEYS = ("t", "w", "cat", "actor", "conf", "focus", "cam", "ev")
"""The query parameters a View owns (others, e.g. another page's, are left alone)."""
LIST_LIMIT = 300
"""Rows the event list shows (the most recent): the page re-sends the list on every pause, step or seek, so a list
of every event would make each move cost as much as re-sending the map (bench: bytes_per_move at 100,000 events)."""
MAP_COLUMNS = (3.0, 1.3)
"""The map's and the details' shares of the page's width: the details sit beside the map."""
MAP_VIEWPORT = (800, 560)
"""The map's size (px) a view without a camera is framed for: the map column of a laptop's wide layout, less
a little; a wider screen only adds margin at the sides."""
PRECISION_WORDS = {"day": "to the day", "month": "to the month", "year": "to the year",
                   "approx": "approximate: the source is vague"}


def current_view(catalog: Catalog) -> View:
    """The View the URL describes."""
    return View.from_params(st.query_params.to_dict(), catalog.actors, catalog.event_ids)


def sync_url(view: View) -> None:
    """Write ``view`` into the URL, touching only the parameters that differ."""
    wanted = view.to_params()
    for key in URL_KEYS:
        if key in wanted:
            if st.query_params.get(key) != wanted[key]:
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]


def view_from_message(view: View, message: dict[str, Any], catalog: Catalog) -> View:
    """``view`` moved to where the player says the user is: date, window, camera and, for a click, the event."""
    first, last = catalog.time_range
    day = message.get("date")
    if isinstance(day, int | float) and math.isfinite(day):
        date = from_day_number(day)
        view = view.with_(date=min(max(date, first - dt.timedelta(days=400)), last + dt.timedelta(days=400)))
    window = message.get("window")
    valid = isinstance(window, int) and 0 < window <= MAX_WINDOW_DAYS
    view = view.with_(window_days=int(window) if valid else None)
    camera = message.get("camera")
    if isinstance(camera, dict):
        try:
            numbers = [float(camera.get(k, 0.0)) for k in ("longitude", "latitude", "zoom", "pitch", "bearing")]
            if all(math.isfinite(v) for v in numbers):
                view = view.with_(camera=Camera(*numbers).clamp())
        except (TypeError, ValueError):
            pass
    event = message.get("event")
    if message.get("kind") == "click" and isinstance(event, str) and event in set(catalog.events["id"]):
        view = view.with_(selected=event)
    return view


def apply_player_message(catalog: Catalog, message: Any) -> None:
    """Apply the player's last message to the URL, once (each message carries a unique ``id``)."""
    if not isinstance(message, dict) or not message.get("id") or message["id"] == st.session_state.get(SEEN_KEY):
        return
    st.session_state[SEEN_KEY] = message["id"]
    sync_url(view_from_message(current_view(catalog), message, catalog))


def _filters_changed(catalog: Catalog) -> None:
    view = current_view(catalog)
    view = view.with_(categories=tuple(st.session_state.get("explore-cat", ())),
                      actors=tuple(st.session_state.get("explore-actor", ())),
                      confidence=tuple(st.session_state.get("explore-conf", ())))
    if view.selected and view.selected not in set(select(catalog, view.with_(date=None))["id"]):
        view = view.with_(selected=None)
    sync_url(view)


def filter_controls(catalog: Catalog, view: View) -> View:
    """Category, actor and confidence filters, shown with the URL's values. (Time, cumulative or moving window,
    and the window's length are the player's own controls: it reports them when paused.)"""
    st.session_state["explore-cat"] = list(view.categories)
    st.session_state["explore-actor"] = [a for a in view.actors if a in catalog.actors]
    st.session_state["explore-conf"] = list(view.confidence)
    changed = {"on_change": _filters_changed, "args": (catalog,)}
    a, b, c = st.columns(3)
    a.multiselect("Categories", list(schema.CATEGORIES), format_func=schema.CATEGORIES.__getitem__,
                  key="explore-cat", placeholder="All categories", **changed)
    b.multiselect("Actors", catalog.actors, key="explore-actor", placeholder="All actors", **changed)
    c.multiselect("Confidence", list(schema.CONFIDENCE), format_func=CONFIDENCE_LABELS.get, key="explore-conf",
                  placeholder="Every grade", **changed)
    return current_view(catalog)


def _selected_row(catalog: Catalog, view: View) -> pd.Series | None:
    if not view.selected:
        return None
    rows = catalog.events[catalog.events["id"] == view.selected]
    return rows.iloc[0] if len(rows) else None


def event_details(catalog: Catalog, view: View) -> None:
    """The selected event: title, date and its precision, confidence explained, quantity as stated, actors,
    disputes (highlighted) and its sources as links (http(s) only; every text escaped)."""
    st.subheader("Event details")
    event = _selected_row(catalog, view)
    if event is None:
        st.info("Click a flow or a point on the map, or choose an event in the list, to see its details and "
                "sources.", icon=":material/touch_app:")
        return
    with st.container(border=True, key="event-details"):
        st.markdown(f"#### {md(event['title'])}")
        precision = PRECISION_WORDS.get(event["precision"], event["precision"])
        lines = [f"**Date:** {md(event['date_label'])} ({md(precision)})",
                 f"**Category:** {md(schema.CATEGORIES.get(event['category'], event['category']))}",
                 f"**Confidence:** {md(schema.CONFIDENCE.get(event['confidence'], event['confidence']))}"]
        if event["quantity"] or event["unit"]:
            lines.append(f"**Quantity (as the source states it):** {md(event['quantity'])} {md(event['unit'])}")
        places = event_places(catalog, event)
        if places:
            lines.append(f"**Where:** {md(places)}")
        if len(event["actors"]):
            lines.append(f"**Actors:** {md('; '.join(event['actors']))}")
        st.markdown("  \n".join(lines))
        if event["disputed"]:
            st.warning(f"**Disputed:** {md(event['disputed'])}", icon=":material/balance:")
        if event["summary"]:
            st.markdown(md(event["summary"]))
        known = catalog.sources
        links = [source_link(known.loc[s]) for s in dict.fromkeys(event["sources"]) if s in known.index]
        if links:
            st.markdown("**Sources:**  \n" + "  \n".join(f"- {link}" for link in links))


def _list_selected(key: str, ids: list[str], catalog: Catalog) -> None:
    state = st.session_state.get(key)
    rows = list(getattr(getattr(state, "selection", None), "rows", []) or [])
    if rows and 0 <= rows[0] < len(ids):
        sync_url(current_view(catalog).with_(selected=ids[rows[0]]))


def _picked(catalog: Catalog) -> None:
    choice = st.session_state.get("explore-pick")
    sync_url(current_view(catalog).with_(selected=choice or None))


def event_list(catalog: Catalog, view: View) -> None:
    """The events on the map at the view's date (newest first): a table whose row selects an event, and a
    labelled select box doing the same for keyboard and screen-reader users."""
    events = select(catalog, view).iloc[::-1]
    total = len(events)
    events = events.iloc[:LIST_LIMIT]
    day = f"{view.date.day} {view.date:%b %Y}" if view.date else ""
    when = f"up to {day}" if view.date else "over the whole timeline"
    if view.date and view.window_days:
        when = f"in the {view.window_days} days up to {day}"
    st.subheader(f"Events on the map {when}")
    shown = f"{total:,} event(s)" if total <= LIST_LIMIT else (
        f"{total:,} events; the list shows the {LIST_LIMIT} most recent (narrow the filters or use a moving window "
        "to list the others)")
    st.caption(f"{shown}. The list follows the map whenever it is paused or stepped.")
    ids = events["id"].tolist()
    labels = dict(zip(ids, (f"{d}: {t}" for d, t in zip(events["date_label"], events["title"], strict=True)),
                      strict=True))
    st.session_state["explore-pick"] = view.selected if view.selected in labels else None
    st.selectbox("Show the details of", ids, format_func=labels.get, key="explore-pick",
                 placeholder="Choose an event…", on_change=_picked, args=(catalog,))
    table = pd.DataFrame({
        "Selected": ["●" if i == view.selected else "" for i in ids],
        "Date": events["date_label"].to_numpy(),
        "Event": events["title"].to_numpy(),
        "Category": [schema.CATEGORIES.get(c, c) for c in events["category"]],
        "Confidence": [CONFIDENCE_LABELS.get(c, c) for c in events["confidence"]],
        "Where": [event_places(catalog, row) for _, row in events.iterrows()],
    })
    # The key names the rows and the selection: a new list or a selection made elsewhere is a new table whose
    # default selection is the selected event's row.
    key = "explore-list-" + hashlib.sha1("|".join([*ids, "#", view.selected or ""]).encode()).hexdigest()[:12]
    default = {"selection": {"rows": [ids.index(view.selected)]}} if view.selected in labels else None
    st.dataframe(table, key=key, on_select=partial(_list_selected, key, ids, catalog), selection_mode="single-row",
                 selection_default=default, hide_index=True, width="stretch",
                 height=min(420, 38 + 35 * max(1, len(ids))), alt=f"Events on the map {when}")
