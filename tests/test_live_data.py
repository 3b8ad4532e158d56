"""Data that changes under running sessions (issue 15 item 5), without Streamlit: the folder's fingerprint
(one stat per file, hashing only what changed) and the rule that keeps the last good catalog."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from layers.load import live
from layers.load.catalog import Catalog, load_catalog
from layers.load.live import LastGood, fingerprint, new_errors
from layers.model.report import Report
from tests.bad_inputs.live_cases import truncate_events_mid_row
from tests.factory import EVENTS, write_folder

NEW_EVENT = {"id": "E004", "date": "2024-06-19", "precision": "day", "category": "diplomacy", "title": "Treaty",
             "summary": "A treaty is signed.", "origin": "PYG", "destination": "MOW", "actors": "Putin;Kim",
             "confidence": "confirmed-official", "sources": "S02"}


def age(folder: Path, seconds: float = 3600) -> None:
    """Make every file look written ``seconds`` ago (older than the racy window)."""
    then = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = write_folder(tmp_path / "data")
    age(folder)
    return folder


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files whose bytes the fingerprint reads."""
    seen: list[str] = []
    real = live._content_hash

    def spy(path: Path) -> str | None:
        seen.append(path.name)
        return real(path)

    monkeypatch.setattr(live, "_content_hash", spy)
    return seen


# ---------- the fingerprint ----------

def test_an_unchanged_folder_is_fingerprinted_without_reading_a_byte(folder: Path, hashed: list[str]) -> None:
    first = fingerprint(folder)
    assert sorted(hashed) == sorted(p.name for p in folder.rglob("*") if p.is_file())
    hashed.clear()
    assert fingerprint(folder) == first
    assert hashed == []


def test_a_touched_but_identical_file_keeps_the_fingerprint(folder: Path, hashed: list[str]) -> None:
    first = fingerprint(folder)
    hashed.clear()
    os.utime(folder / "events.csv")
    assert fingerprint(folder) == first
    assert hashed == ["events.csv"]  # only the touched file was read again


def test_the_same_bytes_written_again_keep_the_fingerprint(folder: Path) -> None:
    first = fingerprint(folder)
    path = folder / "places.geojson"
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data)  # a new inode and mtime, the same content
    assert fingerprint(folder) == first


def test_a_replaced_a_deleted_and_a_new_file_each_change_it(folder: Path) -> None:
    seen = {fingerprint(folder)}
    replaced = folder / "events.csv"
    replaced.write_text(replaced.read_text().replace("Leaders meet.", "Leaders meet again."))
    seen.add(fingerprint(folder))
    (folder / "sources.csv").unlink()
    seen.add(fingerprint(folder))
    (folder / "stories").mkdir(exist_ok=True)
    (folder / "stories" / "new.yaml").write_text("title: x\n")
    seen.add(fingerprint(folder))
    assert len(seen) == 4


def test_a_same_size_edit_in_the_same_clock_tick_is_seen(tmp_path: Path) -> None:
    folder = write_folder(tmp_path / "data")  # written just now: racy
    path = folder / "events.csv"
    first = fingerprint(folder)
    before = path.stat()
    path.write_text(path.read_text().replace("Summit", "Sammit"))  # same size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime
    assert path.stat().st_size == before.st_size
    assert fingerprint(folder) != first


def test_files_that_are_not_data_are_ignored(folder: Path) -> None:
    first = fingerprint(folder)
    (folder / "notes.txt").write_text("scratch")
    (folder / ".events.csv.123.part").write_text("half")  # another writer's temporary file
    assert fingerprint(folder) == first


def test_a_missing_folder_has_a_fingerprint(tmp_path: Path) -> None:
    assert fingerprint(tmp_path / "nowhere") == fingerprint(tmp_path / "nowhere either")


# ---------- the last good catalog ----------

class Loads:
    """A loader that counts its calls."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.calls = folder, 0

    def __call__(self) -> Catalog:
        self.calls += 1
        return load_catalog(self.folder)


def ids(catalog: Catalog) -> list[str]:
    return sorted(catalog.events["id"])


def test_a_good_new_version_replaces_and_a_broken_one_is_refused_then_recovered(folder: Path) -> None:
    from tests.factory import EVENTS as GOOD

    last, load = LastGood(), Loads(folder)
    first = last.offer(fingerprint(folder), load)
    assert ids(first.catalog) == ["E001", "E002", "E003"] and first.refused is None and load.calls == 1
    assert last.offer(fingerprint(folder), load) is first and load.calls == 1  # no change: nothing loaded

    write_folder(folder, events=[*GOOD, NEW_EVENT])
    second = last.offer(fingerprint(folder), load)
    assert ids(second.catalog) == ["E001", "E002", "E003", "E004"] and second.refused is None
    good_text = (folder / "events.csv").read_text()

    truncate_events_mid_row(folder)
    broken = fingerprint(folder)
    third = last.offer(broken, load)
    assert third.catalog is second.catalog  # sessions keep the last good catalog
    assert third.refused is not None and third.refused.key == broken
    assert [str(p) for p in third.refused.errors] == [
        "ERROR: events.csv, row 4, field 'origin, destination, quantity, unit, actors, confidence, sources, "
        "disputed': value '7 cells': 15 cells, one per header column: the row ends early"]
    assert third.refused.files() == ["events.csv"]
    calls = load.calls
    assert last.offer(broken, load) is third and load.calls == calls  # the refused version is not loaded again

    (folder / "events.csv").write_text(good_text)  # the writer finished: the folder is back to the good version
    back = last.offer(fingerprint(folder), load)
    assert back.catalog is second.catalog and back.refused is None and load.calls == calls


def test_a_deleted_file_is_refused_and_a_new_broken_geojson_too(folder: Path) -> None:
    last, load = LastGood(), Loads(folder)
    good = last.offer(fingerprint(folder), load)
    (folder / "events.csv").unlink()
    gone = last.offer(fingerprint(folder), load)
    assert gone.catalog is good.catalog
    assert [(p.file, p.expected.split(" (")[0]) for p in gone.refused.errors] == [("events.csv", "the file to exist")]
    write_folder(folder)  # put it back, then break places.geojson
    (folder / "places.geojson").write_text("this is not JSON")
    bad = last.offer(fingerprint(folder), load)
    assert bad.catalog is good.catalog
    assert [(p.file, p.where, p.expected) for p in bad.refused.errors] == [
        ("places.geojson", "line 1 column 1", "complete, valid JSON (the file may be truncated)")]


def test_the_first_version_is_used_whatever_its_errors(folder: Path) -> None:
    (folder / "events.csv").unlink()
    served = LastGood().offer(fingerprint(folder), Loads(folder))
    assert served.refused is None and served.catalog.events.empty
    assert "events.csv" in served.catalog.report.rejected_files


def test_a_version_that_fixes_errors_replaces_one_that_had_them(folder: Path) -> None:
    (folder / "events.csv").unlink()
    last = LastGood()
    last.offer(fingerprint(folder), Loads(folder))
    write_folder(folder)
    fixed = last.offer(fingerprint(folder), Loads(folder))
    assert fixed.refused is None and ids(fixed.catalog) == ["E001", "E002", "E003"]


def test_many_sessions_offering_a_new_version_load_it_once(folder: Path) -> None:
    last, load = LastGood(), Loads(folder)
    last.offer(fingerprint(folder), load)
    write_folder(folder, events=[*EVENTS, NEW_EVENT])
    key = fingerprint(folder)
    start = threading.Barrier(8)
    results = []

    def session() -> None:
        start.wait()
        results.append(last.offer(key, load))

    threads = [threading.Thread(target=session) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert load.calls == 2 and len({id(r.catalog) for r in results}) == 1 and ids(results[0].catalog)[-1] == "E004"


# ---------- what "new errors" means ----------

def test_an_old_error_on_another_row_is_not_new_but_a_second_one_is() -> None:
    old, moved, doubled = Report(), Report(), Report()
    old.add("events.csv", "row 3", "date", "2023-13-01", "a date")
    moved.add("events.csv", "row 4", "date", "2023-13-01", "a date")  # a row added above it
    doubled.add("events.csv", "row 3", "date", "2023-13-01", "a date")
    doubled.add("events.csv", "row 9", "date", "2023-13-01", "a date")
    assert new_errors(old, moved) == []
    assert [p.where for p in new_errors(old, doubled)] == ["row 9"]  # the second alike is beyond the old count


def test_warnings_never_count_and_errors_beyond_the_listing_limit_do() -> None:
    old, new = Report(), Report()
    new.add("events.csv", "row 2", "title", "x", "a title", "warning")
    assert new_errors(old, new) == []
    new.unlisted[("events.csv", "error")] = 3
    [beyond] = new_errors(old, new)
    assert beyond.file == "events.csv" and beyond.value == "3 more"


def test_the_fingerprint_benchmark_runs() -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    out = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "fingerprint.py"), "--events", "200",
                          "--runs", "2"], capture_output=True, text=True, timeout=300, check=True).stdout
    assert "| geodata |" in out and "| synthetic 200 |" in out
