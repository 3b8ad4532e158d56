"""The player's data files under concurrent sessions (issue 15 item 6): many threads and processes publishing
and pruning at once never break one another, a returned key is readable, and no temporary file is left."""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from layers.model.files import is_temporary, write_atomically
from layers.player import store


def body(n: int) -> tuple[str, str]:
    """A distinct payload (key, JSON text) of some size, so writes take a little time."""
    text = json.dumps({"n": n, "pad": "x" * (2000 + 37 * (n % 50))})
    return hashlib.sha256(text.encode()).hexdigest()[:20], text


def session(folder: Path, numbers: list[int], keep: int, grace: float) -> tuple[int, int, list[str]]:
    """Publish each payload, read it right after, prune now and then: (reads, reads within grace, failures).

    A payload is promised for ``grace`` seconds after ``publish`` returns: a read that fails, or finds other
    bytes, within that time is a failure; a read delayed past it (a descheduled thread on a busy machine) is
    outside the promise and not counted. Any exception from publish, refresh or prune is a failure."""
    reads = timely = 0
    failures: list[str] = []
    for n in numbers:
        key, text = body(n)
        try:
            path = store.publish(folder, key, text, keep=keep, grace=grace)
            returned = time.monotonic()
            try:
                got: str | None = path.read_text(encoding="utf-8")
            except FileNotFoundError:
                got = None
            if time.monotonic() - returned < grace:
                timely += 1
                if got != text:
                    failures.append(f"{key}: {'gone' if got is None else 'other content'} right after publish")
            reads += 1
            if n % 7 == 0:
                store.prune(folder, keep=keep, grace=grace)
            if n % 5 == 0:  # a session re-using an earlier key (it may have been pruned: then it is re-published)
                old_key, old_text = body(n // 2)
                if not store.refresh(folder, old_key):
                    store.publish(folder, old_key, old_text, keep=keep, grace=grace)
        except Exception as error:  # any exception is the failure this test looks for
            failures.append(f"{key}: {type(error).__name__}: {error}")
    return reads, timely, failures


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if is_temporary(p.name)]


def test_threads_publishing_and_pruning_at_once_never_break_each_other(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    keep, grace, threads, per_thread = 2, 1.0, 16, 40  # 640 payloads, two always kept
    jobs = [list(range(t * per_thread, (t + 1) * per_thread)) for t in range(threads)]
    start = threading.Barrier(threads)

    def run(numbers: list[int]) -> tuple[int, int, list[str]]:
        start.wait()
        return session(folder, numbers, keep, grace)

    with ThreadPoolExecutor(threads) as pool:
        results = list(pool.map(run, jobs))
    failures = [f for _, _, fs in results for f in fs]
    assert not failures, failures[:10]
    reads = sum(r for r, _, _ in results)
    timely = sum(t for _, t, _ in results)
    assert reads == threads * per_thread
    assert timely >= 0.5 * reads, f"only {timely} of {reads} reads came within the grace period: the test is moot"
    assert leftovers(folder) == []
    published = {body(n)[0] for job in jobs for n in job}
    on_disk = {p.stem for p in folder.iterdir() if store.PAYLOAD_NAME.match(p.name)}
    assert on_disk < published and len(on_disk) < len(published) / 2  # pruning ran while the sessions published
    store.prune(folder, keep=keep, grace=grace, now=time.time() + grace + 1)  # once all are past the grace period

    assert len([p for p in folder.iterdir() if store.PAYLOAD_NAME.match(p.name)]) == keep


def test_processes_publishing_and_pruning_at_once_never_break_each_other(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    keep, grace, processes, per_process = 2, 0.5, 3, 60
    jobs = [list(range(p * per_process, (p + 1) * per_process)) for p in range(processes)]
    with ProcessPoolExecutor(processes) as pool:
        results = list(pool.map(session, [folder] * processes, jobs, [keep] * processes, [grace] * processes))
    failures = [f for _, _, fs in results for f in fs]
    assert not failures, failures[:10]
    assert sum(r for r, _, _ in results) == processes * per_process
    assert leftovers(folder) == []


def test_pruning_keeps_the_recent_and_the_recently_used(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    now = time.time()
    keys = [body(n)[0] for n in range(6)]
    for age, (n, key) in enumerate(zip(range(6), keys, strict=True)):
        path = store.publish(folder, key, body(n)[1], keep=100)
        os.utime(path, (now - 1000 * (age + 1), now - 1000 * (age + 1)))  # key 0 used 1000 s ago, key 5 6000 s ago
    os.utime(store.payload_path(folder, keys[4]), (now - 10, now - 10))  # a session used key 4 ten seconds ago
    removed = store.prune(folder, keep=2, grace=600, now=now)
    # kept: the two most recently used (4, then 0) and nothing else is within 600 s
    assert sorted(removed) == sorted(f"{k}.json" for k in (keys[1], keys[2], keys[3], keys[5]))
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".json") == sorted(f"{k}.json" for k in
                                                                                     (keys[0], keys[4]))


def test_a_refreshed_key_survives_pruning_and_a_pruned_key_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    key, text = body(1)
    path = store.publish(folder, key, text)
    os.utime(path, (1, 1))
    assert store.refresh(folder, key)  # a session's rerun marks it used
    assert store.prune(folder, keep=0, grace=60) == []
    os.utime(path, (1, 1))
    assert store.prune(folder, keep=0, grace=60) == [f"{key}.json"]
    assert not store.refresh(folder, key)  # the caller then publishes it again


def test_pruning_ignores_other_files_and_removes_only_stale_temporary_files(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "notes.json").write_text("{}")  # not a payload name: never pruned
    (folder / ".payload-abc.json").write_text("{}")  # the old temporary naming, fresh: a writer may be at it
    legacy = folder / ".payload-def.json"
    legacy.write_text("{")
    os.utime(legacy, (1, 1))
    stale = folder / f".{'a' * 20}.json.x1.part"
    fresh = folder / f".{'b' * 20}.json.x2.part"
    stale.write_text("half")
    fresh.write_text("half")
    os.utime(stale, (1, 1))
    removed = store.prune(folder, keep=0, grace=60)
    assert sorted(removed) == sorted([stale.name, legacy.name])
    assert sorted(p.name for p in folder.iterdir()) == sorted([".lock", "notes.json", ".payload-abc.json",
                                                               fresh.name])


def test_publish_refuses_a_key_that_is_not_a_content_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a payload key"):
        store.publish(tmp_path, "../escape", "{}")


def test_write_atomically_names_its_temporary_file_so_no_pattern_matches(tmp_path: Path, monkeypatch) -> None:
    seen: list[str] = []
    real = os.replace

    def spy(src: str, dst: object) -> None:
        seen.append(Path(src).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_atomically(tmp_path / "0123456789abcdef0123.json", "{}")
    [tmp] = seen
    assert is_temporary(tmp) and not store.PAYLOAD_NAME.match(tmp) and not tmp.endswith(".json")
    assert leftovers(tmp_path) == []
