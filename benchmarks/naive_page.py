"""The naive page of the first-map benchmark (``layers.bench.first_map``): what a plain Streamlit app of the same
data would be. It loads the data folder (``CORRIDOR_DATA``) with the engine's loader, reads the view from the URL
as Explore does, and sends the whole pydeck spec of that view (``layers.render.mapspec.deck``) with
``st.pydeck_chart``. Run: ``streamlit run benchmarks/naive_page.py``.
"""

import os

import streamlit as st

from layers.load.catalog import Catalog, load_catalog
from layers.model.view import View
from layers.render.mapspec import deck

MAP_HEIGHT = 560
"""As Explore's map."""


@st.cache_resource
def catalog(folder: str) -> Catalog:
    return load_catalog(folder)


st.set_page_config(page_title="Naive map", layout="wide")
cat = catalog(os.environ.get("CORRIDOR_DATA", "geodata"))
view = View.from_params(st.query_params.to_dict(), cat.actors, cat.event_ids)
st.title("Russia–DPRK military cooperation since 2022")
st.pydeck_chart(deck(cat, view), height=MAP_HEIGHT)
