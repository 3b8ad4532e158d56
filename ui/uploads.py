"""Bring your own data: an uploader whose files join this session's catalog only (engine: ``layers/uploads.py``).

The shipped catalog is shared by every session and never changed. The uploader's callback merges the files
into a new Catalog kept in ``st.session_state`` (so another session never sees them); a page asks for
:func:`session_catalog` instead of the shipped one and shows :func:`upload_panel` where the user adds files.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from layers.load.catalog import Catalog
from layers.load.uploads import MAX_UPLOADS, UPLOAD_LIMITS, SessionData, Upload, merge_uploads

UPLOADER_KEY = "uploads-files"
STATE_KEY = "uploads-session"
FILE_TYPES = ["csv", "geojson", "json", "parquet", "geoparquet"]
KIND_LABELS = {"events": "events", "sources": "sources", "places": "places", "routes": "routes",
               "overlay": "overlay layer", "not loaded": "not loaded"}


@dataclass
class _Held:
    """This session's uploads: the files, the catalog they were merged into and what came of them."""

    base: Catalog
    uploads: list[Upload]
    data: SessionData


def _uploads_from_widget() -> list[Upload]:
    files = st.session_state.get(UPLOADER_KEY) or []
    files = files if isinstance(files, list) else [files]
    return [Upload(f.name, f.getvalue()) for f in files]


def use_uploads(shipped: Catalog, uploads: list[Upload]) -> SessionData | None:
    """Merge ``uploads`` into a copy of ``shipped`` for this session (none: back to the shipped data)."""
    if not uploads:
        st.session_state.pop(STATE_KEY, None)
        return None
    data = merge_uploads(shipped, uploads)
    st.session_state[STATE_KEY] = _Held(shipped, uploads, data)
    return data


def _changed(shipped: Catalog) -> None:
    use_uploads(shipped, _uploads_from_widget())


def session_catalog(shipped: Catalog) -> Catalog:
    """The catalog this session shows: ``shipped``, or ``shipped`` plus the session's uploads.

    When the shipped data was reloaded (a data file changed), the uploads are merged again into the new one.
    """
    held = st.session_state.get(STATE_KEY)
    if not isinstance(held, _Held):
        return shipped
    if held.base is not shipped:
        use_uploads(shipped, held.uploads)
        held = st.session_state[STATE_KEY]
    return held.data.catalog


def upload_panel(shipped: Catalog) -> None:
    """The uploader and, once files are in, what each one added and every problem found in them."""
    with st.expander("Add your own data", icon=":material/upload_file:",
                     expanded=isinstance(st.session_state.get(STATE_KEY), _Held)):
        st.caption(
            "Events or sources as CSV (the same columns as geodata/events.csv or sources.csv), places or routes "
            "as GeoJSON, or any other GeoJSON or GeoParquet layer to draw over the map. They are checked like "
            "the project's data and shown in this browser session only; nothing is saved. "
            f"At most {MAX_UPLOADS} files of {UPLOAD_LIMITS.max_bytes // (1024 * 1024)} MB, "
            f"{UPLOAD_LIMITS.max_features:,} features or {UPLOAD_LIMITS.max_rows:,} rows each.")
        st.file_uploader("Files", type=FILE_TYPES, accept_multiple_files=True, key=UPLOADER_KEY,
                         on_change=_changed, args=(shipped,), max_upload_size=UPLOAD_LIMITS.max_bytes // (1024 * 1024))
        held = st.session_state.get(STATE_KEY)
        if not isinstance(held, _Held):
            return
        data = held.data
        files = pd.DataFrame([{"File": f.name, "Read as": KIND_LABELS.get(f.kind, f.kind), "Added": f.loaded,
                               "Errors": f.errors, "Warnings": f.warnings} for f in data.files])
        st.dataframe(files, hide_index=True, width="stretch", key="uploads-files-table")
        if data.report.errors:
            st.warning(f"{len(data.report.errors)} problem(s): those rows or features were set aside.",
                       icon=":material/report:")
        elif data.catalog is not shipped:
            st.success("Everything in your files was added to the map.", icon=":material/check_circle:")
        rows = data.table()
        if rows:
            st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="uploads-report",
                         column_config={"expected": st.column_config.TextColumn("expected", width="large")})
