"""The player's payload (layers/payload.py), the deck.gl bundle copy and the standalone HTML export."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from layers.export.html import inline_json, standalone_html
from layers.load.catalog import Catalog, load_catalog
from layers.model.dates import day_number
from layers.model.style import CATEGORY_COLORS
from layers.model.view import Camera, View
from layers.player.assets import (
    BUNDLE_FILE,
    PLAYER_SCRIPTS,
    install_player,
    installed_deck_bundle,
    player_file,
)
from layers.render.mapspec import deck
from layers.render.payload import payload, payload_key, to_json
from tests.factory import EVENTS, PLACES, write_folder

ROUTES = [{"type": "Feature",
           "properties": {"id": "sea-rajin-dunai", "mode": "sea", "from": "RAJIN", "to": "DUNAI", "schematic": False,
                          "source": "test track"},
           "geometry": {"type": "LineString",
                        "coordinates": [[130.3, 42.25], [131.1234567, 42.05], [132.3375, 42.88028]]}}]
MORE_EVENTS = [*EVENTS, {
    "id": "E004", "date": "2023-11-02", "precision": "day", "category": "missiles", "title": "Second shipment",
    "summary": "More containers.", "origin": "RAJIN", "destination": "DUNAI", "actors": "Russia",
    "confidence": "reported-single", "sources": "S02"}]


@pytest.fixture
def routed(tmp_path: Path) -> Catalog:
    """The tiny data plus a sourced sea route and a second flow on the same pair of places."""
    return load_catalog(write_folder(tmp_path / "routed", routes=ROUTES, events=MORE_EVENTS))


def columns_agree(table: dict[str, list]) -> int:
    lengths = {len(v) for v in table.values()}
    assert len(lengths) == 1, {k: len(v) for k, v in table.items()}
    return lengths.pop()


def test_shape_of_the_tiny_payload(tiny: Catalog) -> None:
    data = payload(tiny, View())
    events = data["events"]
    assert columns_agree(events) == 3
    assert events["id"] == ["E001", "E002", "E003"]
    assert columns_agree(data["places"]) == len(PLACES)
    assert columns_agree(data["flows"]) == 2 and columns_agree(data["points"]) == 1
    # every index points at a real row
    assert all(0 <= e < 3 for e in data["flows"]["ev"] + data["points"]["ev"])
    assert all(0 <= p < len(data["paths"]["key"]) for p in data["flows"]["path"])
    assert data["places"]["id"][data["points"]["place"][0]] == "KYIV"
    # the time axis is in day numbers since the epoch
    assert data["epoch"] == "2022-01-01"
    first, last = tiny.time_range
    assert data["range"] == [day_number(first), day_number(last) + 1]
    assert events["t0"][1] == day_number(dt.date(2023, 9, 13))
    # details for the tooltip and the details panel, sources by index
    e3 = events["id"].index("E003")
    assert events["disputed"][e3] == "Casualty counts differ."
    assert events["date"][e3] == "Jan 2024"
    assert [data["sources"]["id"][i] for i in events["src"][1]] == ["S01", "S02"]
    assert data["sources"]["url"][0].startswith("https://")
    # categories carry the shared palette
    colours = {c["id"]: c["color"] for c in data["categories"]}
    assert colours == CATEGORY_COLORS
    assert data["confidence"][events["conf"][e3]]["id"] == "claimed-by-party"


def test_paths_are_shared_and_follow_routes(routed: Catalog) -> None:
    data = payload(routed, View())
    flows, paths = data["flows"], data["paths"]
    on_route = [p for e, p in zip(flows["ev"], flows["path"], strict=True)
                if data["events"]["id"][e] in ("E001", "E004")]
    assert len(on_route) == 2 and on_route[0] == on_route[1], "two flows on one pair share one path"
    i = on_route[0]
    assert paths["key"][i] == "RAJIN>DUNAI" and paths["route"][i] == "sea-rajin-dunai"
    assert paths["schematic"][i] == 0
    assert paths["xy"][i] == [130.3, 42.25, 131.123, 42.05, 132.338, 42.88], "route vertices, flat and rounded"
    assert paths["frac"][i][0] == 0 and paths["frac"][i][-1] == 1
    arc = paths["key"].index("PYG>MOW")
    assert paths["schematic"][arc] == 1 and paths["mode"][arc] == "arc"
    assert len(paths["xy"][arc]) == 2 * len(paths["frac"][arc])


def test_payload_is_compact(routed: Catalog) -> None:
    view = View()
    text = to_json(payload(routed, view))
    assert text == json.dumps(json.loads(text), separators=(",", ":"), ensure_ascii=False), "no pretty-printing"
    numbers = re.findall(r"-?\d+\.(\d+)", re.sub(r'"[^"]*"', "", text))
    assert max(len(n) for n in numbers) <= 4, "coordinates and fractions are rounded"
    assert len(text) < len(deck(routed, view).to_json()), "smaller than the pydeck spec of the same view"


def test_filters_are_respected_but_time_is_not(tiny: Catalog) -> None:
    only = payload(tiny, View(categories=("diplomacy",)))
    assert only["events"]["id"] == ["E002"]
    assert [only["events"]["id"][e] for e in only["flows"]["ev"]] == ["E002"]
    assert only["points"]["ev"] == [] and only["paths"]["key"] == ["PYG>MOW"]
    by_actor = payload(tiny, View(actors=("Russia",)))
    assert by_actor["events"]["id"] == ["E003"] and by_actor["flows"]["ev"] == []
    by_grade = payload(tiny, View(confidence=("reported-single", "confirmed-official")))
    assert by_grade["events"]["id"] == ["E001", "E002"]
    assert by_grade["sources"]["id"] == ["S01", "S02"]
    early = payload(tiny, View(date=dt.date(2022, 3, 1), window_days=30))
    assert early["events"]["id"] == ["E001", "E002", "E003"], "the browser filters by time"
    assert early["view"]["date"] == day_number(dt.date(2022, 3, 1)) and early["view"]["window"] == 30


def test_key_is_stable_and_ignores_the_view_state(tiny: Catalog, tiny_folder: Path) -> None:
    base = payload_key(payload(tiny, View()))
    assert base == payload_key(payload(tiny, View()))
    assert base == payload_key(payload(load_catalog(tiny_folder), View())), "same files, same key"
    moved = View(date=dt.date(2023, 10, 1), window_days=60, camera=Camera(longitude=120, zoom=4),
                 focus=("E001",), selected="E002", title="A chapter")
    assert base == payload_key(payload(tiny, moved)), "time, camera, focus and selection are not data"
    assert base != payload_key(payload(tiny, View(categories=("strike",))))
    edited = [dict(e) for e in EVENTS]
    edited[0]["title"] = "Ships shuttle more containers"
    other = load_catalog(write_folder(tiny_folder.parent / "edited", events=edited))
    assert base != payload_key(payload(other, View()))


def test_the_player_is_installed_in_the_state_folder_once_and_refreshed(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CORRIDOR_STATE", str(tmp_path / "state"))
    target = install_player()
    assert target == tmp_path / "state" / "player"
    deck = target / "deck.min.js"
    assert deck.read_bytes() == installed_deck_bundle().read_bytes()
    assert {p.name for p in target.iterdir()} == {"index.html", "player.css", "deck.min.js", BUNDLE_FILE}, \
        "the served page's files only (its modules travel joined)"
    page = (target / "index.html").read_text()
    assert page.count("<script src=") == 1 and f'<script src="{BUNDLE_FILE}"></script>' in page, \
        "the served page loads the player's modules in one request"
    assert '<link rel="preload" href="deck.min.js" as="script"' in page, "deck.gl is fetched early, run later"
    bundle = (target / BUNDLE_FILE).read_text()
    offsets = [bundle.index(player_file(name)) for name in PLAYER_SCRIPTS]
    assert bundle.startswith("'use strict';") and offsets == sorted(offsets), "every module, in load order"
    stamp = deck.stat().st_mtime_ns
    install_player()
    assert deck.stat().st_mtime_ns == stamp, "an up-to-date copy is left alone"
    deck.write_text("stale")
    (target / BUNDLE_FILE).write_text("stale")
    install_player()
    assert deck.stat().st_size == installed_deck_bundle().stat().st_size
    assert (target / BUNDLE_FILE).read_text() == bundle


HOSTILE = '</script><script>alert(1)</script><img src=x onerror=alert(2)> <!-- \u2028 & "quoted"'


def test_inline_json_cannot_close_its_element() -> None:
    text = inline_json(json.dumps({"title": HOSTILE}))
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == {"title": HOSTILE}


def test_standalone_html_is_self_contained_and_escapes_data(tmp_path: Path) -> None:
    events = [dict(e) for e in EVENTS]
    events[1]["title"] = HOSTILE[:90]
    events[2]["disputed"] = HOSTILE
    catalog = load_catalog(write_folder(tmp_path / "hostile", events=events))
    view = View(date=dt.date(2023, 12, 1), title="Exported <view>")
    page = standalone_html(catalog, view)
    assert page.count("</script>") == 2 + len(PLAYER_SCRIPTS), "data, deck.gl and each module: none closed early"
    assert "<title>Exported &lt;view&gt;</title>" in page
    assert not re.search(r"""<(script|link|img|iframe)[^>]*\b(src|href)=""", page, re.I), "no external resource"
    assert "connect-src 'none'" in page
    body = re.search(r'<script type="application/json" id="corridor-data">(.*?)</script>', page, re.S)
    assert body is not None
    data = json.loads(body.group(1))
    assert data["events"]["title"][1] == HOSTILE[:90] and data["events"]["disputed"][2] == HOSTILE
    assert data["view"]["date"] == day_number(dt.date(2023, 12, 1))
    assert data["key"] == payload_key(payload(catalog, view))


def test_the_player_and_the_standalone_export_say_how_current_the_record_is(tiny: Catalog) -> None:
    from layers.export.html import standalone_html

    assert payload(tiny, View())["style"]["attribution"].startswith("Record through 31 Dec 2025. Boundaries:")
    assert "Record through 31 Dec 2025" in standalone_html(tiny, View())
