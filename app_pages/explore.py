"""Explore: filters, the animated map player with the clicked event's details beside it, the events on the map now.

The URL is the state: every run reads a View from ``st.query_params`` and writes it back, so a link reopens
the exact view. Widgets and the player only change the URL (the player's messages are applied first thing).
"""

import streamlit as st

from layers.model import schema
from layers.model.view import View
from ui.data import catalog, problems_banner
from ui.downloads import export_buttons
from ui.explore import (
    MAP_COLUMNS,
    MAP_VIEWPORT,
    PLAYER_KEY,
    apply_player_message,
    event_details,
    event_list,
    filter_controls,
    sync_url,
)
from ui.player import player, player_data, view_args
from ui.uploads import session_catalog, upload_panel

shipped = catalog()
cat = session_catalog(shipped)  # the shipped data plus this session's uploads, if any
problems_banner(cat)
apply_player_message(cat, st.session_state.get(PLAYER_KEY))
view = View.from_params(st.query_params.to_dict(), cat.actors, cat.event_ids)

st.title("Russia–DPRK military cooperation since 2022")
view = filter_controls(cat, view)
sync_url(view)

# The clicked event's details and sources beside the map (the page is wide; narrow screens stack the columns).
# The columns are there whether or not an event is selected, so a click never moves (and reloads) the player.
map_column, details_column = st.columns(MAP_COLUMNS, gap="medium")
with map_column:
    player(player_data(cat, view), key=PLAYER_KEY, height=560, **view_args(view, cat, MAP_VIEWPORT))
with details_column:
    event_details(cat, view)

event_list(cat, view)

st.caption(f"{len(cat.events)} events, {len(cat.places)} places. Confidence grades: "
           + "; ".join(f"{k}: {v}" for k, v in schema.CONFIDENCE.items()) + ".")

with st.sidebar:
    export_buttons(cat, view)  # exports of this view (issue 5)
    upload_panel(shipped)  # bring your own data, this session only (issue 6)
