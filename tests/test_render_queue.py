"""The render queue (layers.export.queue) with real worker processes: one render per session, cancel, identical
requests rendered once and then served from the cache, the video lane not blocking maps, failures reported."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from layers.export.queue import Busy, RenderQueue, Request
from layers.model.view import View


def req(fmt: str, title: str = "a", lane: str = "maps") -> Request:
    return Request("/nowhere", "f1", View(title=title), fmt, lane=lane)


def running(q: RenderQueue, ticket: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while q.status(ticket).state != "running":
        assert time.monotonic() < deadline, q.status(ticket)
        time.sleep(0.02)


def wait(q: RenderQueue, ticket: int, timeout: float = 60.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = q.status(ticket).state
        if state not in ("queued", "running"):
            return state
        time.sleep(0.02)
    raise AssertionError(f"ticket {ticket} still {q.status(ticket)}")


@pytest.fixture
def queue() -> Iterator[RenderQueue]:
    q = RenderQueue({"maps": 1, "video": 1}, renderer="tests.render_fakes:slow", max_waiting=3)
    yield q
    q.close()


def test_a_render_runs_in_another_process_and_reports_progress(queue: RenderQueue) -> None:
    import os

    ticket = queue.submit("s1", req("sleep:1.0"))
    seen = set()
    while (status := queue.status(ticket)).state in ("queued", "running"):
        if status.state == "running":
            seen.add(round(status.progress, 1))
        time.sleep(0.02)
    assert status.state == "done"
    head, _, pid = status.data.partition(b"|pid ")
    assert head == b"sleep:1.0|a" and int(pid) != os.getpid()  # rendered in another process
    assert len(seen - {0.0}) >= 3, seen  # the progress moved while it ran


def test_identical_requests_render_once_then_come_from_the_cache(queue: RenderQueue) -> None:
    first = queue.submit("s1", req("sleep:0.5"))
    second = queue.submit("s2", req("sleep:0.5"))  # joins the running job
    assert wait(queue, first) == "done" and wait(queue, second) == "done"
    assert queue.status(first).data == queue.status(second).data
    third = queue.submit("s3", req("sleep:0.5"))
    status = queue.status(third)
    assert status.state == "done" and status.cached and status.data == queue.status(first).data
    assert queue.stats["rendered"] == 1 and queue.stats["joined"] == 1 and queue.stats["cache_hits"] == 1


def test_one_render_per_session_and_the_place_in_the_queue(queue: RenderQueue) -> None:
    first = queue.submit("other", req("sleep:1.0", "x"))
    running(queue, first)
    mine = queue.submit("me", req("sleep:0.3", "first"))
    assert queue.status(mine).state == "queued" and queue.status(mine).position == 0
    behind = queue.submit("third", req("sleep:0.3", "third"))
    assert queue.status(behind).position == 1
    replaced = queue.submit("me", req("sleep:0.3", "second"))  # my new request replaces my first
    assert queue.status(mine).state == "unknown"
    assert queue.status(behind).position == 0 and queue.status(replaced).position == 1
    assert queue.stats["cancelled"] == 1
    assert wait(queue, first) == "done" and wait(queue, replaced) == "done"
    assert b"second" in queue.status(replaced).data


def test_cancel_stops_a_running_render_and_the_lane_goes_on(queue: RenderQueue) -> None:
    ticket = queue.submit("s1", req("sleep:30"))
    running(queue, ticket)
    started = time.monotonic()
    queue.cancel("s1")
    assert queue.status(ticket).state == "unknown"
    after = queue.submit("s2", req("sleep:0.2", "after"))
    assert wait(queue, after) == "done"
    assert time.monotonic() - started < 20, "the 30 s render was stopped, not waited for"


def test_a_shared_job_is_not_cancelled_by_one_of_its_sessions(queue: RenderQueue) -> None:
    a = queue.submit("s1", req("sleep:0.5"))
    b = queue.submit("s2", req("sleep:0.5"))
    queue.cancel("s1")
    assert wait(queue, b) == "done"
    assert queue.status(a).state == "done"  # the same job: s2 still wanted it


def test_the_video_lane_does_not_block_maps(queue: RenderQueue) -> None:
    film = queue.submit("s1", req("sleep:5", "film", lane="video"))
    running(queue, film)
    started = time.monotonic()
    png = queue.submit("s2", req("sleep:0.2", "png"))
    assert wait(queue, png) == "done"
    assert time.monotonic() - started < 4, "the PNG did not wait for the film"
    assert queue.status(film).state == "running"


def test_a_full_lane_refuses_and_a_failure_is_reported() -> None:
    q = RenderQueue({"maps": 1}, renderer="tests.render_fakes:slow", max_waiting=2)
    try:
        running(q, q.submit("a", req("sleep:2", "a")))
        q.submit("b", req("sleep:1", "b"))
        q.submit("c", req("sleep:1", "c"))
        with pytest.raises(Busy):
            q.submit("d", req("sleep:1", "d"))
    finally:
        q.close()
    broken = RenderQueue({"maps": 1}, renderer="tests.render_fakes:failing")
    try:
        t = broken.submit("a", req("x"))
        assert wait(broken, t) == "failed"
        assert broken.status(t).error == "RuntimeError: disk on fire"
    finally:
        broken.close()


def test_a_worker_keeps_no_figure_of_a_finished_render() -> None:
    """A drawn figure lives in a reference cycle (figure <-> canvas): unless the worker collects after each job,
    its pixel buffer outlives the render (the soak's steady growth, one buffer per new view)."""
    q = RenderQueue({"maps": 1}, renderer="tests.render_fakes:figures_left")
    try:
        answers = []
        for n in range(3):
            ticket = q.submit("s1", req("figure", title=str(n)))
            assert wait(q, ticket) == "done"
            answers.append(q.status(ticket).data)
        assert answers == [b"0", b"0", b"0"]
    finally:
        q.close()


def test_the_video_lane_renders_a_real_clip_and_a_pickled_film(tiny_folder, tiny) -> None:
    """What the app's Video buttons ask of a worker: ``video:<fmt>`` gives the file, ``film:<fmt>:<story>`` the
    pickled Film with its captions (layers.export.queue.render, in this process)."""
    import datetime as dt
    import io
    import pickle

    import av

    from layers.export.queue import render
    from tests.test_exports_pptx import write_story

    view = View(date=dt.date(2023, 12, 31), window_days=30)
    clip = render(Request(str(tiny_folder), "f", view, "video:webm", lane="video"), lambda x: None, {"f": tiny})
    with av.open(io.BytesIO(clip)) as container:
        stream = container.streams.video[0]
        assert (stream.width, stream.height) == (1280, 720)
        assert sum(1 for _ in container.decode(stream)) == 60  # 30 days at the player's 30 days a second, >= 2 s
    write_story(tiny_folder)
    film = pickle.loads(render(Request(str(tiny_folder), "g", View(), "film:mp4:corridor", lane="video"),
                               lambda x: None, {}))
    assert film.fmt == "mp4" and film.data[4:8] == b"ftyp" and film.captions["vtt"].startswith("WEBVTT")
