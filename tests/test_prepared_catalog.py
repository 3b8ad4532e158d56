"""The prepared catalog (layers.load.prepared): an unchanged folder is not read and checked again; any change to
its files, a broken or foreign prepared file, or one others could have written, loads afresh."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from layers.load import prepared
from layers.load.catalog import load_catalog
from layers.load.live import fingerprint
from layers.load.prepared import prepared_catalog, prepared_path


@pytest.fixture
def loads(monkeypatch) -> list[str]:
    """Every real load of a folder, in order (the loader itself still runs)."""
    seen: list[str] = []

    def counting(folder, *args, **kwargs):
        seen.append(str(folder))
        return load_catalog(folder, *args, **kwargs)

    monkeypatch.setattr(prepared, "load_catalog", counting)
    return seen


def test_an_unchanged_folder_is_read_once_and_then_comes_prepared(tiny_folder: Path, tmp_path: Path, loads):
    state = tmp_path / "state"
    first = prepared_catalog(tiny_folder, state)
    again = prepared_catalog(tiny_folder, state)
    assert loads == [str(tiny_folder)]
    assert again is not first and again.folder == first.folder
    assert again.events.equals(first.events) and again.places.equals(first.places)
    assert list(again.stories) == list(first.stories) and again.report.errors == first.report.errors
    assert again.actors == first.actors  # its derived values are built afresh
    assert prepared_path(tiny_folder, fingerprint(tiny_folder), state).is_file()


def test_a_changed_file_loads_afresh(tiny_folder: Path, tmp_path: Path, loads):
    state = tmp_path / "state"
    before = prepared_catalog(tiny_folder, state)
    events = tiny_folder / "events.csv"
    events.write_text(events.read_text().replace("E002", "E009"))
    after = prepared_catalog(tiny_folder, state)
    assert len(loads) == 2
    assert "E002" in set(before.events["id"]) and "E009" in set(after.events["id"])
    assert "E002" not in set(after.events["id"])


def test_a_copy_of_the_folder_is_its_own_catalog(tiny_folder: Path, tmp_path: Path, loads):
    state = tmp_path / "state"
    copy = Path(shutil.copytree(tiny_folder, tmp_path / "copy"))
    assert prepared_catalog(tiny_folder, state).folder == tiny_folder
    assert prepared_catalog(copy, state).folder == copy  # same bytes, another folder: not the first one's catalog
    assert len(loads) == 2


def test_other_loader_code_does_not_read_the_file(tiny_folder: Path, tmp_path: Path, loads, monkeypatch):
    state = tmp_path / "state"
    prepared_catalog(tiny_folder, state)
    monkeypatch.setattr(prepared, "code_version", lambda: "another version of the loader")
    prepared_catalog(tiny_folder, state)
    assert len(loads) == 2


@pytest.mark.parametrize("damage", ["truncated", "not a catalog", "empty"])
def test_a_broken_prepared_file_is_ignored_and_replaced(tiny_folder: Path, tmp_path: Path, loads, damage: str):
    import pickle

    state = tmp_path / "state"
    good = prepared_catalog(tiny_folder, state)
    path = prepared_path(tiny_folder, fingerprint(tiny_folder), state)
    data = path.read_bytes()
    path.write_bytes({"truncated": data[: len(data) // 2], "not a catalog": pickle.dumps({"events": []}),
                      "empty": b""}[damage])
    again = prepared_catalog(tiny_folder, state)
    assert again.events.equals(good.events) and len(loads) == 2
    assert path.read_bytes() != b"" and prepared_catalog(tiny_folder, state) is not None and len(loads) == 2


def test_a_file_others_can_write_is_never_unpickled(tiny_folder: Path, tmp_path: Path, loads, monkeypatch):
    state = tmp_path / "state"
    prepared_catalog(tiny_folder, state)
    path = prepared_path(tiny_folder, fingerprint(tiny_folder), state)
    os.chmod(path, 0o666)
    monkeypatch.setattr(prepared.pickle, "load", lambda handle: pytest.fail("unpickled a file others could write"))
    assert not prepared_catalog(tiny_folder, state).events.empty
    assert len(loads) == 2
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o777)  # nor one in a folder others can write to
    assert not prepared_catalog(tiny_folder, state).events.empty
    assert len(loads) == 3


def test_only_the_newest_prepared_files_are_kept(tmp_path: Path, tiny_folder: Path, loads):
    state = tmp_path / "state"
    for n in range(prepared.KEEP + 2):
        prepared_catalog(Path(shutil.copytree(tiny_folder, tmp_path / f"copy{n}")), state)
    assert len(list((state / prepared.FOLDER).glob(f"*{prepared.SUFFIX}"))) == prepared.KEEP


def test_a_folder_with_errors_keeps_its_report(tmp_path: Path, loads):
    from tests.factory import write_folder

    folder = write_folder(tmp_path / "data")
    (folder / "sources.csv").write_text((folder / "sources.csv").read_text() + "S99,,,not a date,,\n")
    state = tmp_path / "state"
    first = prepared_catalog(folder, state)
    again = prepared_catalog(folder, state)
    assert first.report.errors and [str(p) for p in again.report.errors] == [str(p) for p in first.report.errors]
    assert len(loads) == 1


def test_a_folder_changed_while_it_loads_is_not_prepared(tiny_folder: Path, tmp_path: Path, monkeypatch):
    state = tmp_path / "state"
    events = tiny_folder / "events.csv"

    def edited_meanwhile(folder, *args, **kwargs):
        catalog = load_catalog(folder, *args, **kwargs)
        events.write_text(events.read_text().replace("E002", "E009"))  # an author saves while the server reads
        return catalog

    monkeypatch.setattr(prepared, "load_catalog", edited_meanwhile)
    key = fingerprint(tiny_folder)
    prepared_catalog(tiny_folder, state)
    assert not prepared_path(tiny_folder, key, state).exists()  # it would describe the old bytes under their key
    monkeypatch.setattr(prepared, "load_catalog", load_catalog)
    assert "E009" in set(prepared_catalog(tiny_folder, state).events["id"])
