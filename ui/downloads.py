"""Download buttons for the view on screen (maps, offline player, data) and for a whole story (PPTX).

Files are made on demand, never on a rerun: the user picks a format and presses "Prepare", the file is made
in memory (no file is written on the server, so none is ever half-written) and a download button appears
for it. A prepared file is kept for that exact view only; change the view and it must be prepared again.
A failure is shown with its reason. (``st.download_button(data=callable)`` is lazy too, but when the
callable fails Streamlit shows only "Failed to generate file for download", without the reason, and
cannot drive a progress bar.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import streamlit as st

from layers.export.formats import PPTX_MIME, VIEW_FORMATS, Format
from layers.export.names import safe_filename, view_stem
from layers.load.catalog import Catalog
from layers.model.story import Story
from layers.model.view import View

LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """A file made for one view (``signature``) in one format, held in the session until replaced."""

    signature: tuple
    name: str
    mime: str
    data: bytes


def _signature(kind: str, view: View, story: Story | None = None) -> tuple:
    return (kind, tuple(sorted(view.to_params().items())), view.title, story.name if story is not None else None)


def _file_name(fmt: Format, view: View) -> str:
    stem = view_stem(view) + ("-4k" if fmt.key == "png4k" else "")
    return safe_filename(stem, fmt.ext)


def _make(fmt: Format, catalog: Catalog, view: View) -> bytes | None:
    """The file, or None after telling the user why it could not be made."""
    try:
        with st.spinner(f"Making the {fmt.label}…"):
            return fmt.make(catalog, view)
    except Exception as exc:  # shown to the user with its reason, logged with its traceback
        LOG.exception("export %s failed", fmt.key)
        st.error(f"Could not make the {fmt.label}: {type(exc).__name__}: {exc}")
    return None


def _view_exports(catalog: Catalog, view: View, key: str) -> None:
    state = f"{key}-prepared"
    choice = st.selectbox("Format", list(VIEW_FORMATS), format_func=lambda k: VIEW_FORMATS[k].label,
                          key=f"{key}-format")
    fmt = VIEW_FORMATS[choice]
    signature = _signature(fmt.key, view)
    if st.button("Prepare", key=f"{key}-prepare", help="Make the file for the view as it is now"):
        data = _make(fmt, catalog, view)
        if data is not None:
            st.session_state[state] = Prepared(signature, _file_name(fmt, view), fmt.mime, data)
    _download(state, signature, f"{key}-download")


def _story_export(catalog: Catalog, story: Story, key: str) -> None:
    """The story as a slide deck (PPTX) and as the one-file offline briefing (HTML)."""
    from layers.export.briefing import story_html
    from layers.export.pptx import story_deck

    deck_signature = _signature("pptx", View(), story)
    if st.button(f"Prepare the story deck (PPTX, {len(story.chapters)} chapters)", key=f"{key}-prepare-deck"):
        bar = st.progress(0.0, text="Drawing the chapter maps…")
        try:
            data = story_deck(catalog, story, progress=lambda done, total: bar.progress(
                done / total, text=f"Slide {done} of {total}"))
        except Exception as exc:  # shown to the user with its reason, logged with its traceback
            LOG.exception("story deck failed")
            st.error(f"Could not make the story deck: {type(exc).__name__}: {exc}")
        else:
            name = safe_filename(story.name or story.title, "pptx")
            st.session_state[f"{key}-deck"] = Prepared(deck_signature, name, PPTX_MIME, data)
        bar.empty()
    _download(f"{key}-deck", deck_signature, f"{key}-download-deck")
    brief_signature = _signature("briefing", View(), story)
    if st.button("Prepare the briefing (one offline HTML file: clicker keys, notes, search)",
                 key=f"{key}-prepare-briefing"):
        with st.spinner("Making the briefing…"):
            data = story_html(catalog, story).encode("utf-8")
        name = safe_filename(f"{story.name or story.title}-briefing", "html")
        st.session_state[f"{key}-briefing"] = Prepared(brief_signature, name, "text/html", data)
    _download(f"{key}-briefing", brief_signature, f"{key}-download-briefing")


def _download(state: str, signature: tuple, key: str) -> None:
    """The download button of a file prepared for ``signature`` (none when it was made for another view)."""
    prepared = st.session_state.get(state)
    if isinstance(prepared, Prepared) and prepared.signature == signature:
        st.download_button(f"Download {prepared.name}", prepared.data, file_name=prepared.name, mime=prepared.mime,
                           key=key, icon=":material/download:", type="primary", on_click="ignore")


def export_buttons(catalog: Catalog, view: View, *, story: Story | None = None, key: str = "export") -> None:
    """Export controls for ``view`` (PNG 1080p and 4K, SVG, PDF, HTML, GeoJSON, CSV) and, given a story
    (a ``layers.model.story.Story``), its PPTX deck; ``key`` keeps two sets on one page apart."""
    with st.expander("Export: maps, offline player, data" + (", slides" if story is not None else ""),
                     icon=":material/download:"):
        st.caption("Every file shows the view on screen: its date, window, filters, camera and focus.")
        _view_exports(catalog, view, key)
        if story is not None:
            _story_export(catalog, story, key)
