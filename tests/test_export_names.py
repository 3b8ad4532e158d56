"""Export names that stay where they are put, and writes that leave no half-written file."""

import os
from pathlib import Path

import pytest

from layers.export import names as export_names
from layers.export.names import safe_filename, view_stem, write_atomically
from layers.model.view import View


@pytest.mark.parametrize("name", ["../../app.py", "/etc/passwd", "..\\..\\windows\\system32", "a/../../b",
                                  "....//....//x", "~/.bashrc", "\x00\x1b[31mred\x7f", ".hidden", "-rf"])
def test_safe_filename_stays_inside_the_folder(tmp_path: Path, name: str):
    safe = safe_filename(name, "png")
    assert "/" not in safe and "\\" not in safe and ".." not in safe
    assert not safe.startswith((".", "-")) and safe.endswith(".png")
    assert all(ch.isprintable() for ch in safe)
    assert (tmp_path / safe).resolve().parent == tmp_path.resolve()


def test_safe_filename_keeps_names_readable():
    assert safe_filename("../../app.py", "py") == "app.py"
    assert safe_filename("Summit at Vostochny, 13 Sep 2023", "pdf") == "Summit-at-Vostochny-13-Sep-2023.pdf"
    assert safe_filename("Шойгу в Пхеньяне", "png") == "Шойгу-в-Пхеньяне.png"
    assert safe_filename("report.CSV", "csv") == "report.csv"
    assert safe_filename("", "csv") == "corridor.csv"
    assert safe_filename("<>:|?*", "csv") == "corridor.csv"
    assert len(safe_filename("x" * 500, "geojson")) <= export_names.MAX_STEM + len(".geojson")


@pytest.mark.parametrize("reserved", ["CON", "nul", "com1", "LPT9", "aux.txt"])
def test_safe_filename_avoids_windows_device_names(reserved: str):
    stem = safe_filename(reserved, "txt").split(".")[0]
    assert stem.lower() not in {"con", "nul", "com1", "lpt9", "aux"}


def test_safe_filename_refuses_a_strange_extension():
    with pytest.raises(ValueError):
        safe_filename("x", "../py")


def test_view_stem_names_the_title_and_date():
    import datetime as dt

    assert view_stem(View()) == "corridor"
    assert view_stem(View(title="Shells", date=dt.date(2023, 9, 13), window_days=30)) == "Shells 2023-09-13 30d"


def test_write_atomically_writes_the_whole_file(tmp_path: Path):
    target = write_atomically(tmp_path / "out.csv", "a,b\r\n")
    assert target.read_bytes() == b"a,b\r\n"
    assert os.listdir(tmp_path) == ["out.csv"]
    assert (target.stat().st_mode & 0o777) == 0o644


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(tmp_path: Path, monkeypatch):
    old = tmp_path / "map.png"
    old.write_bytes(b"old picture")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)  # the os module write_atomically (layers.model.files) uses
    with pytest.raises(OSError, match="disk full"):
        write_atomically(old, b"new picture")
    with pytest.raises(OSError):
        write_atomically(tmp_path / "new.png", b"new picture")
    assert sorted(os.listdir(tmp_path)) == ["map.png"]
    assert old.read_bytes() == b"old picture"
