"""``python -m layers export``: writes exactly what is asked, where it is asked; exit 2 on bad usage."""

import csv
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader

from layers.cli import main
from layers.render import static_map as export_static
from tests.conftest import ROOT
from tests.factory import EVENTS, write_folder
from tests.test_exports_pptx import write_story


def export(folder: Path, *args: str) -> int:
    return main(["export", *args, "--data", str(folder)])


def check_file(fmt: str, path: Path) -> None:
    """Open the file as its format and check it holds the view."""
    data = path.read_bytes()
    if fmt == "png":
        assert Image.open(path).size == (800, 450)
    elif fmt == "svg":
        assert data.startswith(b"<?xml") and b"Tiny" in data
    elif fmt == "pdf":
        assert len(PdfReader(io.BytesIO(data)).pages) == 1
    elif fmt == "geojson":
        assert [f["id"] for f in json.loads(data)["features"]] == ["E002"]
    elif fmt == "csv":
        assert [r["id"] for r in csv.DictReader(io.StringIO(data.decode()))] == ["E002"]
    elif fmt == "html":
        assert b"<html" in data.lower()


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "geojson", "csv", "html"])
def test_export_writes_the_file_asked_for(tiny_folder: Path, tmp_path: Path, fmt: str, capsys):
    out = tmp_path / "out" / f"view.{fmt}"
    out.parent.mkdir()
    code = export(tiny_folder, fmt, "--out", str(out), "--date", "2023-12-31", "--category", "diplomacy",
                  "--title", "Tiny", "--width", "800", "--height", "450")
    assert code == 0, capsys.readouterr().err
    assert os.listdir(out.parent) == [out.name]
    check_file(fmt, out)
    assert f"Wrote {out}" in capsys.readouterr().out


def test_export_into_a_folder_picks_a_safe_name(tiny_folder: Path, tmp_path: Path, capsys):
    out = tmp_path / "exports"
    out.mkdir()
    assert export(tiny_folder, "csv", "--out", str(out), "--title", "../../app") == 0
    assert os.listdir(out) == ["app.csv"]


def test_export_a_story_chapter_and_the_deck(tiny_folder: Path, tmp_path: Path, capsys):
    write_story(tiny_folder)
    assert export(tiny_folder, "geojson", "--story", "corridor", "--chapter", "summit", "--out", str(tmp_path)) == 0
    chapter = json.loads((tmp_path / "corridor-summit.geojson").read_text())
    # the summit chapter shows 1-30 Sep 2023 with diplomacy in focus
    assert {f["id"]: f["properties"]["focused"] for f in chapter["features"]} == {"E001": False, "E002": True}
    assert export(tiny_folder, "pptx", "--story", "corridor", "--out", str(tmp_path / "deck.pptx")) == 0
    assert len(Presentation(tmp_path / "deck.pptx").slides) == 4


@pytest.mark.parametrize("args", [
    ["avi"],  # an unknown format (gif is a video format now)
    ["png", "--date", "13/09/2023"],
    ["png", "--date", "2023-02-30"],
    ["png", "--category", "rumours"],
    ["png", "--window", "30"],
    ["png", "--date", "2023-09-13", "--window", "0"],
    ["png", "--width", "100000"],
    ["pptx"],
    ["png", "--story", "nope", "--chapter", "x"],
    ["png", "--story", "corridor"],
    ["png", "--story", "corridor", "--chapter", "missing"],
    ["png", "--chapter", "ships"],
])
def test_bad_usage_exits_2_and_writes_nothing(tiny_folder: Path, tmp_path: Path, args: list, capsys):
    write_story(tiny_folder)
    out = tmp_path / "out"
    out.mkdir()
    assert export(tiny_folder, *args, "--out", str(out / "file")) == 2
    assert os.listdir(out) == []
    assert capsys.readouterr().err.strip()


def test_missing_output_folder_or_data_folder_exits_2(tiny_folder: Path, tmp_path: Path, capsys):
    assert export(tiny_folder, "csv", "--out", str(tmp_path / "no" / "such" / "x.csv")) == 2
    assert main(["export", "csv", "--out", str(tmp_path / "x.csv"), "--data", str(tmp_path / "nodata")]) == 2
    assert not (tmp_path / "no").exists() and not (tmp_path / "x.csv").exists()


def test_data_problems_are_reported_but_the_good_rows_export(tmp_path: Path, capsys):
    folder = write_folder(tmp_path / "data", events=[*EVENTS, {**EVENTS[0], "id": "E009", "date": "Q3 2023"}])
    assert export(folder, "csv", "--out", str(tmp_path / "x.csv")) == 0
    assert "events.csv, row 5, field 'date'" in capsys.readouterr().err
    assert [r["id"] for r in csv.DictReader(io.StringIO((tmp_path / "x.csv").read_text()))] == \
        ["E001", "E002", "E003"]


def test_no_event_loaded_exits_1(tmp_path: Path, capsys):
    folder = write_folder(tmp_path / "data")
    (folder / "events.csv").write_text("not,a,valid\nheader,at,all\n")
    assert export(folder, "csv", "--out", str(tmp_path / "x.csv")) == 1
    assert not (tmp_path / "x.csv").exists()


def test_a_failing_export_leaves_no_file(tiny_folder: Path, tmp_path: Path, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(export_static, "render_map", broken)
    out = tmp_path / "exports"
    out.mkdir()
    assert export(tiny_folder, "png", "--out", str(out / "map.png")) == 1
    assert "renderer crashed" in capsys.readouterr().err
    assert os.listdir(out) == []


def test_python_dash_m_layers_export_runs(tiny_folder: Path, tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "layers", "export", "geojson", "--data", str(tiny_folder),
                             "--out", str(tmp_path / "v.geojson")], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Wrote" in result.stdout and (tmp_path / "v.geojson").exists()
    bad = subprocess.run([sys.executable, "-m", "layers", "export", "docx", "--out", str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "invalid choice" in bad.stderr


SHIPPED = ROOT / "geodata"


@pytest.mark.skipif(not (SHIPPED / "events.csv").exists(), reason="the real events have not landed yet")
def test_every_format_on_the_shipped_data(tmp_path: Path, capsys):
    """One run on the real data; prints each format's time (a measurement, not a limit)."""
    from layers.load.catalog import load_catalog

    cat = load_catalog(SHIPPED)
    formats = ["png", "svg", "pdf", "geojson", "csv", "html"]
    timings = {}
    for fmt in formats:
        out = tmp_path / f"real.{fmt}"
        started = time.perf_counter()
        assert export(SHIPPED, fmt, "--out", str(out)) == 0, capsys.readouterr().err
        timings[fmt] = time.perf_counter() - started
        assert out.stat().st_size > 1000
    if cat.stories:
        name = sorted(cat.stories)[0]
        started = time.perf_counter()
        assert export(SHIPPED, "pptx", "--story", name, "--out", str(tmp_path / "deck.pptx")) == 0
        timings["pptx"] = time.perf_counter() - started
        assert len(Presentation(tmp_path / "deck.pptx").slides) == len(cat.stories[name].chapters) + 2
    with capsys.disabled():
        print("\nexport times on geodata (load + make + write):",
              ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))


def test_the_commands_of_the_readme_work_from_the_repository_root(tmp_path: Path):
    """The two commands a user types in a fresh clone (issue 5), in a process of their own."""
    for args, out in ((["pptx", "--story", "russia-dprk"], tmp_path / "brief.pptx"),
                      (["png", "--date", "2024-06-19"], tmp_path / "map.png")):
        result = subprocess.run([sys.executable, "-m", "layers", "export", *args, "--out", str(out)], cwd=ROOT,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
    assert len(Presentation(tmp_path / "brief.pptx").slides) == 17  # title, 15 chapters, sources
    assert Image.open(tmp_path / "map.png").size == (1920, 1080)
