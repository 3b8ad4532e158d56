"""The map of the Story and Evidence pages: one call, whatever draws it."""

from __future__ import annotations

import streamlit as st

from layers.catalog import Catalog
from layers.mapspec import deck
from layers.view import View


def show_map(catalog: Catalog, view: View, *, key: str, height: int, presenter: bool = False) -> None:
    """Draw ``view``: its camera, its date and its focus (the server-side pydeck map)."""
    st.pydeck_chart(deck(catalog, view), height=height, key=key)
