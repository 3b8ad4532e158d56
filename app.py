"""Corridor: entry point and navigation. Run with ``streamlit run app.py``."""

import streamlit as st

from layers.model.record import record_line
from ui.data import catalog

st.set_page_config(page_title="Corridor: Russia–DPRK military cooperation", page_icon="🗺️", layout="wide")

PAGES = [
    st.Page("app_pages/explore.py", title="Explore", icon="🧭", default=True, url_path="explore"),
    st.Page("app_pages/story.py", title="Story", icon="📖", url_path="story"),
    st.Page("app_pages/evidence.py", title="Evidence", icon="🔎", url_path="evidence"),
]

page = st.navigation(PAGES)
st.sidebar.caption(record_line(catalog().record_through) or "The record declares no cutoff date (record.yaml).")
page.run()
