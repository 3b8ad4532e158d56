"""The launcher's warm-up (``serve.py``): it prepares the catalog the sessions are served and publishes the map data
of Explore's default filters, so the first visitor's Explore builds neither."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import serve
from layers.load.prepared import shared_catalog
from layers.player.assets import state_dir
from layers.render import published
from tests.conftest import open_app
from tests.factory import write_folder
from ui.player import DATA_DIR


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = write_folder(tmp_path / "data")
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    return folder


def test_the_warm_up_hands_the_sessions_its_catalog_and_the_default_map_data(data: Path, monkeypatch):
    assert state_dir() / "player" / "data" == DATA_DIR  # where the warm-up publishes (the page's folder)
    serve.warm()
    warmed = shared_catalog(data, state_dir())
    (ref,) = warmed.derived.get(published.PLAYER_REFS, published.Published).refs.values()
    assert json.loads((DATA_DIR / f"{ref['key']}.json").read_text(encoding="utf-8"))["events"]

    def must_not_build(*args, **kwargs):
        raise AssertionError("the default view's data was built again")

    monkeypatch.setattr(published, "payload", must_not_build)
    at = open_app(t="2024-06-30")  # Explore, default filters, a date: the same data file
    (instance,) = at.get("component_instance")
    assert json.loads(instance.proto.json_args)["data"] == ref


def test_a_changed_folder_is_a_new_shared_catalog(data: Path):
    first = shared_catalog(data, state_dir())
    assert shared_catalog(data, state_dir()) is first
    (data / "events.csv").write_text((data / "events.csv").read_text(encoding="utf-8").replace("Summit", "Talks"),
                                     encoding="utf-8")
    again = shared_catalog(data, state_dir())
    assert again is not first and "Talks" in set(again.events["title"])


def test_a_failing_warm_up_is_logged_and_leaves_the_page_to_load(tmp_path: Path, monkeypatch, caplog):
    monkeypatch.setenv("CORRIDOR_DATA", str(tmp_path / "missing"))
    monkeypatch.setattr(serve, "HERE", tmp_path)

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("layers.load.prepared.shared_catalog", broken)
    serve.warm()  # does not raise: the server starts anyway
    assert "warming up failed" in caplog.text and "disk full" in caplog.text


def test_sessions_asking_for_the_same_filters_at_once_build_the_data_once(tiny, tmp_path: Path, monkeypatch):
    import threading
    import time

    from layers.model.view import View

    built: list[int] = []
    real = published.payload

    def slow(*args, **kwargs):
        built.append(1)
        time.sleep(0.3)  # long enough for the other threads to arrive while it builds
        return real(*args, **kwargs)

    monkeypatch.setattr(published, "payload", slow)
    view = View.from_params({}, tiny.actors, tiny.event_ids)
    refs: list[dict] = []
    threads = [threading.Thread(target=lambda: refs.append(published.player_data(tiny, view, tmp_path)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len(refs) == 4 and all(r == refs[0] for r in refs)
    other = View.from_params({"cat": "strike"}, tiny.actors, tiny.event_ids)
    assert published.player_data(tiny, other, tmp_path) != refs[0] and len(built) == 2
