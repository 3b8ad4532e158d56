import os
import tempfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.load.catalog import Catalog, load_catalog
from tests.factory import write_folder

ROOT = Path(__file__).resolve().parent.parent
STATE = Path(tempfile.mkdtemp(prefix="corridor-test-state-"))
os.environ.setdefault("CORRIDOR_STATE", str(STATE))  # before ui.player is imported: what the app writes goes here


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data")


@pytest.fixture
def tiny(tiny_folder: Path) -> Catalog:
    return load_catalog(tiny_folder)


def open_app(page: str = "explore", **params: str) -> AppTest:
    """The app as a visitor opens it: ``app_pages/<page>.py`` with these URL parameters, run without an exception."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if page != "explore":  # the default page; the others are reached from it
        at.run()
        at.switch_page(f"app_pages/{page}.py")
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    assert not at.exception, at.exception
    return at
