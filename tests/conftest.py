from pathlib import Path

import pytest

from layers.catalog import Catalog, load_catalog
from tests.factory import write_folder

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def tiny_folder(tmp_path: Path) -> Path:
    return write_folder(tmp_path / "data")


@pytest.fixture
def tiny(tiny_folder: Path) -> Catalog:
    return load_catalog(tiny_folder)
