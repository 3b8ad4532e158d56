"""The benchmark's synthetic data and its command line (numbers are printed, never asserted as timings)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from layers.bench.suite import PER_SIZE, SINGLE, table
from layers.bench.synthetic import FIRST_DAY, LAST_DAY, write_synthetic
from layers.load.catalog import Catalog, load_catalog
from layers.model import schema
from layers.model.dates import APPROX_DAYS
from layers.query.flows import flow_table, point_table

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "geodata"


@pytest.fixture(scope="module")
def real() -> Catalog:
    return load_catalog(REAL)


def test_same_seed_same_bytes_other_seed_other_bytes(real: Catalog, tmp_path: Path) -> None:
    a = write_synthetic(REAL, tmp_path / "a", 400, seed=11, catalog=real)
    b = write_synthetic(REAL, tmp_path / "b", 400, seed=11, catalog=real)
    c = write_synthetic(REAL, tmp_path / "c", 400, seed=12, catalog=real)
    for name in ("events.csv", "places.geojson", "routes.geojson", "sources.csv", "countries.geojson"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    assert (a / "events.csv").read_bytes() != (c / "events.csv").read_bytes()


def test_synthetic_folder_loads_clean_with_every_category_and_grade(real: Catalog, tmp_path: Path) -> None:
    folder = write_synthetic(REAL, tmp_path / "syn", 600, catalog=real)
    catalog = load_catalog(folder)
    assert catalog.report.errors == []
    assert len(catalog.events) == 600
    assert set(catalog.events["category"]) == set(schema.CATEGORIES)
    assert set(catalog.events["confidence"]) == set(schema.CONFIDENCE)
    assert {"day", "month", "year", "approx"} <= set(catalog.events["precision"])
    ev = catalog.events
    slack = dt.timedelta(days=APPROX_DAYS)
    assert ev["start"].min() >= FIRST_DAY - slack and ev["end"].max() <= LAST_DAY + slack
    assert set(ev["origin"]) | set(ev["destination"]) <= set(real.places["id"]) | {""}
    assert {s for ids in ev["sources"] for s in ids} <= set(real.sources["id"])
    assert {a for actors in ev["actors"] for a in actors} <= set(real.actors)
    flows = flow_table(ev)
    assert 0.5 * len(ev) < len(flows) < 0.9 * len(ev)
    assert len(point_table(catalog, ev)) > 0
    routed = {f"{a}>{b}" for a, b in zip(real.routes["from"], real.routes["to"], strict=True)}
    routed |= {f"{b}>{a}" for a, b in zip(real.routes["from"], real.routes["to"], strict=True)}
    assert set(flows["path"]) & routed, "some flows follow a real route"


def test_bench_json_has_every_key_as_a_number_or_null() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "layers", "bench", "--json", "--sizes", "1000", "--runs", "1",
         "--skip", "browser", "pptx", "video"],
        cwd=ROOT, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)  # exactly one JSON object: anything else on stdout fails to parse
    assert isinstance(results, dict)
    assert set(results) == set(PER_SIZE) | set(SINGLE)
    for key in PER_SIZE:
        assert set(results[key]) == {"1000"}, key
        value = results[key]["1000"]
        assert value is None or isinstance(value, int | float), key
    for key in SINGLE:
        assert results[key] is None or isinstance(results[key], int | float), key
    assert results["frame_ms"]["1000"] is None and results["pptx_s"] is None
    for key in (*PER_SIZE, *SINGLE):
        value = results[key].get("1000") if key in PER_SIZE else results[key]
        if value is None:
            assert key in done.stderr, f"{key} is null and stderr does not say why"
    assert results["select_s"]["1000"] > 0 and results["select_naive_s"]["1000"] > 0
    assert results["bytes_per_move_naive"]["1000"] > results["bytes_per_move"]["1000"]
    assert results["load_s"]["1000"] > 0 and results["peak_mib"] > 0


def test_table_puts_each_figure_beside_its_naive_baseline() -> None:
    results = {key: {"real": None, "100000": None} for key in PER_SIZE} | {key: None for key in SINGLE}
    results["select_s"] = {"real": 0.01, "100000": 0.2}
    results["select_naive_s"] = {"real": 0.1, "100000": 8.0}
    results["bytes_per_move"] = {"real": 0, "100000": 1000}
    results["bytes_per_move_naive"] = {"real": 10_000, "100000": 100_000}
    text = table(results, runs=3)
    lines = text.splitlines()
    speed = next(line for line in lines if "speed-up" in line)
    share = next(line for line in lines if "share of naive" in line)
    assert "10x" in speed and "40x" in speed
    assert "0.00%" in share and "1.00%" in share
    assert "100,000 events" in text and "real data" in text


def test_explore_lists_the_most_recent_events_only_so_a_move_stays_small(real: Catalog, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from ui.explore import LIST_LIMIT

    folder = write_synthetic(REAL, tmp_path / "syn", LIST_LIMIT + 150, catalog=real)
    monkeypatch.setenv("CORRIDOR_DATA", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert len(table) == LIST_LIMIT
    newest = load_catalog(folder).events.iloc[::-1].head(LIST_LIMIT)
    assert list(table["Event"]) == list(newest["title"])
    assert f"{LIST_LIMIT + 150:,} events; the list shows the {LIST_LIMIT} most recent" in at.caption[0].value
