"""The catalog, loaded once per content of the data folder and shared read-only by every session."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import streamlit as st

from layers.load.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = ROOT / "geodata"


def data_dir() -> Path:
    """The data folder: ``$CORRIDOR_DATA`` when set (read at each call, so a test can switch it), else geodata/."""
    return Path(os.environ.get("CORRIDOR_DATA", DEFAULT_DATA_DIR))


def fingerprint(folder: Path) -> str:
    """A hash of every data file's name and bytes: the cache key, so an edit reloads the data."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in (".geojson", ".csv", ".yaml", ".yml", ".json"):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@st.cache_resource(show_spinner="Loading the data…", max_entries=4)
def _load(folder: str, key: str) -> Catalog:
    return load_catalog(folder)


def catalog(folder: Path | None = None) -> Catalog:
    """The checked catalog of ``folder`` (default: :func:`data_dir`); read-only: never mutate what this returns."""
    folder = data_dir() if folder is None else folder
    return _load(str(folder), fingerprint(folder))


def problems_banner(cat: Catalog) -> None:
    """Say, without stopping the page, which data files have problems and what was set aside."""
    errors = cat.report.errors
    if not errors:
        return
    files = sorted({p.file for p in errors})
    st.warning(f"Some data could not be loaded: {len(errors)} problem(s) in {', '.join(files)}. "
               "The rest of the data is shown.", icon="⚠️")
    with st.expander("What was set aside, and why"):
        st.text("\n".join(str(p) for p in errors))
