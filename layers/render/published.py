"""The player's data as files the browser fetches: a view's payload (``payload``) written once per content key to
``<folder>/<key>.json`` (``layers.player.store``: atomically, pruned when unused), and the reference the page
passes to the player, ``{"key", "url"}``. A catalog remembers the reference of each set of filters, so a session's
runs, other sessions and the server's warm-up (``serve.py``) build a view's data once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layers.load.catalog import Catalog
from layers.load.derived import Key
from layers.model.view import View
from layers.player import store
from layers.render.payload import VIEW_KEY, payload, payload_key, to_json, wants_closeup

DATA_FOLDER = "data"
"""The data files' folder inside the served player's folder; the references' URLs are relative to the player."""


def data_folder(served: Path) -> Path:
    """Where the data files of the player served from ``served`` are published."""
    return served / DATA_FOLDER


def publish(data: dict[str, Any], folder: Path) -> dict[str, str]:
    """Write the payload's data (its ``view`` aside) as ``<key>.json`` unless it is there; return its reference.
    ``folder`` is a served player's ``data_folder``.

    ``layers.player.store`` writes it atomically and prunes: the file stays for at least ``GRACE_SECONDS``
    after this returns, and is kept while sessions keep using it."""
    key = payload_key(data)
    store.publish(folder, key, to_json({k: v for k, v in data.items() if k != VIEW_KEY}))
    return {"key": key, "url": f"{DATA_FOLDER}/{key}.json"}


@dataclass
class Published:
    """A catalog's published references by filters, each built under its own lock: two sessions (or a session
    and the warm-up) asking for the same filters at once build the data once; other filters are not held up."""

    refs: dict[tuple, dict[str, str]] = field(default_factory=dict)
    locks: dict[tuple, threading.Lock] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)

    def lock(self, filters: tuple) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(filters, threading.Lock())


PLAYER_REFS: Key[Published] = Key("player_refs")
"""Published payload references of a catalog, by filters (a session's filters map to one data file)."""


def player_data(catalog: Catalog, view: View, folder: Path, *, closeup: bool | None = None) -> dict[str, str]:
    """The published reference of ``view``'s data in ``folder``, built once per catalog, set of filters and
    ``closeup`` (the 1:10m close-ups the player draws from zoom 5: None = when the view's camera is that close;
    see ``payload``)."""
    published = catalog.derived.get(PLAYER_REFS, Published)
    closeup = wants_closeup(view) if closeup is None else closeup
    filters = (view.categories, view.actors, view.confidence, closeup)
    with published.lock(filters):
        ref = published.refs.get(filters)
        if ref is None or not store.refresh(folder, ref["key"]):  # a payload in use is marked used at every run
            ref = published.refs[filters] = publish(payload(catalog, view, closeup=closeup), folder)
    return ref
