import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT
from tests.factory import EVENTS, write_folder


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layers", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_validate_clean_folder_exits_0(tmp_path: Path):
    result = run("validate", str(write_folder(tmp_path)))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Loaded 3 events, 5 places" in result.stdout


def test_validate_broken_folder_exits_1_and_names_each_problem(tmp_path: Path):
    folder = write_folder(tmp_path, events=[*EVENTS, {**EVENTS[0], "id": "E009", "date": "Q3 2023"}])
    (folder / "places.geojson").write_text('{"type": "FeatureCollection", "features": [')
    result = run("validate", str(folder))
    assert result.returncode == 1
    assert "places.geojson, line 1 column" in result.stdout
    assert "events.csv, row 5, field 'date': value 'Q3 2023': a quarter" in result.stdout


def test_bad_usage_exits_2(tmp_path: Path):
    assert run("validate", str(tmp_path / "missing")).returncode == 2
    assert run("no-such-command").returncode == 2


def test_shipped_geodata_is_clean():
    result = run("validate", "geodata")
    assert result.returncode == 0, result.stdout[-3000:]
