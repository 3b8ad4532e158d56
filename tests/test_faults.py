"""Faults: a broken or missing data file does not stop the app, and a failed export leaves nothing behind.

Each page is opened (AppTest) on a copy of geodata/ with one file broken: it renders, the banner names the
file and why, and the rest of the data is served. Exports that fail mid-way say why and write no file.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.cli import main
from layers.export import pptx as export_pptx
from layers.export.names import write_atomically
from layers.load.catalog import load_catalog
from tests.conftest import ROOT

GEODATA = ROOT / "geodata"


def truncate_places(folder: Path) -> None:
    path = folder / "places.geojson"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def delete_events(folder: Path) -> None:
    (folder / "events.csv").unlink()


def latin1_sources(folder: Path) -> None:
    path = folder / "sources.csv"
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.replace("Axios", "Axiós", 1).encode("latin-1", errors="replace"))


FAULTS: dict[str, tuple[Callable[[Path], None], str, str]] = {
    "truncated places": (truncate_places, "places.geojson", "complete, valid JSON (the file may be truncated)"),
    "missing events": (delete_events, "events.csv", "the file to exist"),
    "non-UTF-8 sources": (latin1_sources, "sources.csv", "UTF-8 text"),
}
PAGES = {"explore": {}, "story": {"story": "russia-dprk"}, "evidence": {}}


@pytest.fixture(scope="module", params=list(FAULTS))
def broken(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A copy of geodata/ with one fault, its file name and what the report expects of it."""
    breaker, file, expected = FAULTS[request.param]
    folder = tmp_path_factory.mktemp(request.param.replace(" ", "-")) / "geodata"
    shutil.copytree(GEODATA, folder)
    breaker(folder)
    return folder, file, expected


def open_page(folder: Path, page: str, params: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    if page != "explore":
        at.switch_page(f"app_pages/{page}.py")
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
    return at


def test_the_loader_names_the_file_and_serves_the_rest(broken: tuple[Path, str, str]) -> None:
    folder, file, expected = broken
    catalog = load_catalog(folder)
    assert file in catalog.report.rejected_files
    assert any(p.file == file and expected in p.expected for p in catalog.report.errors)
    assert len(catalog.countries) > 50  # the untouched files loaded
    assert len(catalog.places) > 20 or file == "places.geojson"
    assert len(catalog.sources) > 100 or file == "sources.csv"
    if file != "events.csv":  # events that cite the unreadable file are set aside with one warning saying why
        [aside] = [p for p in catalog.report.warnings if p.file == "events.csv"]
        assert f"set aside because {file} could not be read" in aside.expected


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_and_its_banner_names_the_broken_file(broken: tuple[Path, str, str], page: str,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    folder, file, expected = broken
    at = open_page(folder, page, PAGES[page], monkeypatch)
    assert not at.exception, [e.value for e in at.exception]
    banners = [w.value for w in at.warning if "Some data could not be loaded" in w.value]
    assert len(banners) == 1 and file in banners[0], [w.value for w in at.warning]
    details = "\n".join(t.value for t in at.text)
    assert file in details and expected in details
    says_why = any("No story could be loaded" in e.value for e in at.error)  # the story needs the lost rows
    assert at.title or at.header or at.info or says_why, "the page drew its content (or says why not) below the banner"


def test_the_shipped_data_shows_no_banner(monkeypatch: pytest.MonkeyPatch) -> None:
    for page, params in PAGES.items():
        at = open_page(GEODATA, page, params, monkeypatch)
        assert not at.exception
        assert not [w for w in at.warning if "Some data could not be loaded" in w.value], page


# ---------- exports that fail ----------

def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_story_that_fails_mid_deck_writes_nothing(tiny_folder: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    from tests.test_exports_pptx import write_story

    write_story(tiny_folder)
    real = export_pptx._chapter_slide
    slides: list[str] = []

    def fails_on_the_second(deck, catalog, chapter, view):
        slides.append(chapter.id)
        if len(slides) == 2:
            raise RuntimeError("the renderer ran out of memory")
        return real(deck, catalog, chapter, view)

    monkeypatch.setattr(export_pptx, "_chapter_slide", fails_on_the_second)
    out = tmp_path / "out"
    out.mkdir()
    code = main(["export", "pptx", "--data", str(tiny_folder), "--story", "corridor", "--out", str(out / "deck.pptx")])
    err = capsys.readouterr().err
    assert code == 1 and len(slides) == 2
    assert "RuntimeError: the renderer ran out of memory" in err and "nothing was written" in err
    assert leftovers(out) == []


def test_the_deck_button_says_why_it_failed(tiny_folder: Path, monkeypatch) -> None:
    from layers.export.queue import RenderQueue
    from tests.test_exports_pptx import write_story
    from tests.test_exports_ui import app, until

    write_story(tiny_folder)
    broken = RenderQueue({"maps": 1}, renderer="tests.render_fakes:out_of_memory")  # fails in the worker
    monkeypatch.setattr("ui.downloads.render_queue", lambda: broken)
    try:
        at = until(app(tiny_folder, with_story=True).button(key="export-prepare-deck").click().run(), "export-deck")
    finally:
        broken.close()
    assert not at.exception
    reason = "Could not make the story deck: RuntimeError: the renderer ran out of memory"
    assert [e.value for e in at.error] == [reason]
    assert "export-deck" not in at.session_state
    assert not [b for b in at.get("download_button")]


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's read-only /proc")
def test_an_export_to_a_read_only_folder_says_why(tiny_folder: Path, capsys) -> None:
    target = Path("/proc/corridor-export.csv")  # read-only even for root
    code = main(["export", "csv", "--data", str(tiny_folder), "--out", str(target)])
    err = capsys.readouterr().err
    assert code == 1 and f"could not export csv to {target}" in err
    assert not target.exists()


def test_an_export_to_a_missing_folder_says_which(tiny_folder: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "no such folder" / "map.png"
    code = main(["export", "png", "--data", str(tiny_folder), "--out", str(target)])
    assert code == 2 and f"its folder {target.parent} does not exist" in capsys.readouterr().err
    assert not target.parent.exists()


def test_a_write_that_fails_half_way_keeps_the_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "view.geojson"
    target.write_text("the old export")

    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(target, b"x" * 1_000_000)
    assert target.read_text() == "the old export"
    assert leftovers(tmp_path) == ["view.geojson"]
