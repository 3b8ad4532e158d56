"""Explore: the map of the theatre with places and event flows."""

import streamlit as st

from layers.mapspec import deck
from layers.view import View
from ui.data import catalog, problems_banner

cat = catalog()
problems_banner(cat)
st.title("Russia–DPRK military cooperation since 2022")
view = View.from_params(st.query_params.to_dict(), cat)
st.pydeck_chart(deck(cat, view), height=640)
st.caption(f"{len(cat.events)} events, {len(cat.places)} places. Boundaries: Made with Natural Earth.")
