"""The architecture as contracts that fail the build (import-linter, configured in pyproject.toml): the engine's
sub-packages import one way, and nothing under ``layers`` imports Streamlit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LINT = Path(sys.executable).with_name("lint-imports")


def lint(package_parent: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    return subprocess.run([str(LINT), "--config", str(ROOT / "pyproject.toml"), "--no-cache"], cwd=package_parent,
                          env=env, capture_output=True, text=True, timeout=300)


def test_the_shipped_engine_keeps_every_contract() -> None:
    done = lint(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "2 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("model/dates.py", "import layers.load.catalog", "flows one way"),
    ("load/catalog.py", "import layers.render.payload", "flows one way"),
    ("query/flows.py", "import streamlit", "imports Streamlit"),
])
def test_an_arrow_the_wrong_way_breaks_the_build(tmp_path: Path, module: str, line: str, contract: str) -> None:
    shutil.copytree(ROOT / "layers", tmp_path / "layers", ignore=shutil.ignore_patterns("__pycache__"))
    path = tmp_path / "layers" / module
    path.write_text(path.read_text() + f"\n{line}  # added by the test\n")
    done = lint(tmp_path)
    assert done.returncode != 0, done.stdout[-3000:]
    assert f"{contract}" in done.stdout and "BROKEN" in done.stdout
