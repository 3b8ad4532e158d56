"""An ordinary, non-editable install serves the app without writing into itself: the project is installed into
a folder of its own, every installed file is hashed, the app (run from a copy of ``app.py``, ``ui/`` and
``app_pages/`` that imports that install) is opened in the browser and exports a file, and every hash is checked
again. Hashes, not file modes: as root (CI) a read-only mode would not stop a write."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.browser.harness import player_frame, start_app
from tests.conftest import ROOT

pytestmark = pytest.mark.browser


def hashes(folder: Path) -> dict[str, str]:
    """sha256 of every file below ``folder``, by relative path."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def install(tmp_path: Path) -> Path:
    """``pip install --target`` of the project (no editable link, no dependencies: those come from this venv)."""
    source = tmp_path / "source"  # a copy, so the build leaves nothing in the working tree
    shutil.copytree(ROOT / "layers", source / "layers", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                           "--target", str(site), str(source)], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        message = f"could not install the project: {done.stderr[-2000:]}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return site


def test_serving_and_exporting_write_nothing_into_the_installed_package(chromium: Path, page_offline: Page,
                                                                        tmp_path: Path) -> None:
    site = install(tmp_path)
    package = site / "layers"
    assert (package / "player" / "main.js").is_file(), "the player's files are part of the package"
    before = hashes(package)
    app = tmp_path / "app"
    for part in ("ui", "app_pages", ".streamlit"):
        shutil.copytree(ROOT / part, app / part)
    for name in ("app.py", "serve.py"):
        shutil.copy(ROOT / name, app / name)
    state = tmp_path / "state"
    env = {"PYTHONPATH": str(site), "CORRIDOR_STATE": str(state)}
    with start_app(ROOT / "geodata", tmp_path, extra_env=env, app_dir=app) as server:
        page_offline.goto(f"{server.url}/?t=2024-06-19")
        player_frame(page_offline)
        page_offline.get_by_text("Export: maps, offline player, data").click()
        page_offline.get_by_role("button", name="Prepare", exact=True).click()
        with page_offline.expect_download(timeout=120_000) as download:
            page_offline.get_by_role("button", name=re.compile(r"^Download .+\.png$")).click()
        assert download.value.suggested_filename.endswith(".png")
    imported = subprocess.run([sys.executable, "-c", "import layers; print(layers.__file__)"], cwd=app,
                              env={**os.environ, **env}, capture_output=True, text=True, check=True).stdout.strip()
    assert imported.startswith(str(site)), f"the app imported {imported}, not the install"
    assert (state / "player" / "deck.min.js").is_file() and any((state / "player" / "data").glob("*.json"))
    assert hashes(package) == before, "serving or exporting changed a file of the installed package"
