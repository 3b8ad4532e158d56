"""The catalog, loaded once per version of the data folder and shared read-only by every session.

Every run fingerprints the folder (``layers.load.live.fingerprint``: one stat per file, hashing only what
changed). A new version is loaded once and replaces the catalog in use unless it brings new errors; then
sessions keep the catalog in use and :func:`problems_banner` says which newer file failed and why
(``layers.load.live.LastGood``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import streamlit as st

from layers.load import live
from layers.load.catalog import Catalog
from layers.load.live import LastGood, Served, fingerprint
from layers.load.prepared import shared_catalog
from layers.player.assets import state_dir

ROOT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The data folder: ``$CORRIDOR_DATA`` when set (read at each call, so a test can switch it), else geodata/."""
    return live.data_dir(ROOT / "geodata")


@st.cache_resource(show_spinner="Loading the data…", max_entries=4)
def _load(folder: str, key: str) -> Catalog:
    return shared_catalog(folder, state_dir())


@st.cache_resource(show_spinner=False)
def _last_good(folder: str) -> LastGood:
    return LastGood()


def served(folder: Path | None = None) -> Served:
    """What sessions of ``folder`` (default: :func:`data_dir`) are shown now, and any newer version refused."""
    folder = data_dir() if folder is None else folder
    key = fingerprint(folder)
    return _last_good(str(folder)).offer(key, lambda: _load(str(folder), key))


def catalog(folder: Path | None = None) -> Catalog:
    """The checked catalog of ``folder`` (default: :func:`data_dir`); read-only: never mutate what this returns."""
    return served(folder).catalog


def problems_banner(cat: Catalog) -> None:
    """Say, without stopping the page, which data files have problems and what was set aside, and whether a
    newer version of the data was refused (and why)."""
    last = _last_good(str(cat.folder)).served
    refused = last.refused if last is not None else None
    if refused is not None:
        when = dt.datetime.fromtimestamp(refused.at).strftime("%H:%M:%S")
        st.error(f"A newer version of the data could not be used (found at {when}): {len(refused.errors)} new "
                 f"problem(s) in {', '.join(refused.files())}. The last version that loaded is still shown.",
                 icon="🚫")
        with st.expander("Why the newer version was not used"):
            st.text("\n".join(str(p) for p in refused.errors))
    errors = cat.report.errors
    if not errors:
        return
    files = sorted({p.file for p in errors})
    st.warning(f"Some data could not be loaded: {len(errors)} problem(s) in {', '.join(files)}. "
               "The rest of the data is shown.", icon="⚠️")
    with st.expander("What was set aside, and why"):
        st.text("\n".join(str(p) for p in errors))
