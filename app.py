"""Corridor: entry point and navigation. Run with ``streamlit run app.py``."""

import streamlit as st

from layers.model.record import record_line
from ui.data import catalog

# (Comments, not docstrings: Streamlit's magic would draw a bare string on every page.)
# Streamlit fades captions to 60 % opacity: grey text at 3.9:1 and links at 3:1 on white, under WCAG's 4.5:1;
# this grey at full opacity reads at 6.4:1 or better on the app's backgrounds, and links keep their own colour.
# Some of Streamlit's controls (the page links) show no focus, or a faint one (a select's box turns light blue):
# every focused control gets an outline (a select's on its box, around the input it holds).
LEGIBLE_CSS = """<style>
[data-testid="stApp"] [data-testid="stCaptionContainer"] { opacity: 1; color: #5b5b57; }
[data-testid="stApp"] :is(a, button, input, select, textarea, summary, [tabindex]):not([role="combobox"]):focus-visible,
[data-testid="stApp"] [role="group"]:has(input[role="combobox"]:focus-visible) {
  outline: 2px solid #1f5fa8; outline-offset: 2px; }
</style>"""

# The browser tab's icon: a folded map, inline (a Material icon as page_icon is fetched from the network).
MAP_ICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><path fill="#1f5fa8" '
            'd="M2 5.5 8.5 3l7 2.5L22 3v15.5L15.5 21l-7-2.5L2 21z"/><path d="M8.5 3v15.5M15.5 5.5V21" stroke="#fff" '
            'stroke-width="1.5"/></svg>')

st.set_page_config(page_title="Corridor: Russia–DPRK military cooperation", page_icon=MAP_ICON, layout="wide")

PAGES = [
    st.Page("app_pages/explore.py", title="Explore", icon=":material/explore:", default=True, url_path="explore"),
    st.Page("app_pages/story.py", title="Story", icon=":material/auto_stories:", url_path="story"),
    st.Page("app_pages/evidence.py", title="Evidence", icon=":material/fact_check:", url_path="evidence"),
]

page = st.navigation(PAGES)
st.html(LEGIBLE_CSS)
st.sidebar.caption(record_line(catalog().record_through) or "The record declares no cutoff date (record.yaml).")
page.run()
