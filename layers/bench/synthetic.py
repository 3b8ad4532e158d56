"""Synthetic data folders for the benchmark: the real countries, places, routes and sources, with N made-up events.

Events are drawn with a fixed seed, so the same (source folder, n, seed) always gives the same bytes. They are
spread over the real places and 2022-01-01..2025-12-31, use every category, confidence grade and date precision,
and name actors and cite sources taken from the real data. The folder is written as files so that the benchmark
measures loading through :func:`layers.load.catalog.load_catalog`, the way the app loads data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import numpy as np

from layers.load.catalog import EVENT_COLUMNS, Catalog, load_catalog
from layers.model import schema
from layers.model.files import write_atomically

SEED = 20240619
"""The default seed (the date of the Pyongyang summit)."""
FIRST_DAY = dt.date(2022, 1, 1)
LAST_DAY = dt.date(2025, 12, 31)
COPIED_FILES = ("countries.geojson", "places.geojson", "routes.geojson", "sources.csv", "record.yaml")
"""Real files a synthetic folder carries unchanged (stories, disagreements and claims name real events: left out)."""
PRECISION_WEIGHTS = {"day": 0.82, "month": 0.07, "year": 0.02, "approx": 0.09}
SHAPE_WEIGHTS = {"flow": 0.7, "point": 0.2, "none": 0.1}
"""How often an event moves something between two places, happens at one place, or has no place."""
ROUTE_PAIR_SHARE = 0.15
"""Share of flows that run between the two ends of a real route (so routes are exercised, not only arcs)."""
CATEGORY_FLOOR = 0.03
"""Every category gets at least this weight, whatever its share in the real data."""

_VERBS = {
    "munitions": "shells and rockets", "missiles": "ballistic missiles", "strike": "a strike",
    "launch": "a satellite launch", "technology": "know-how", "energy_food": "oil and grain",
    "troops": "troops", "diplomacy": "talks", "sanctions": "sanctions",
}
_UNITS = ("rounds", "containers", "railcars", "missiles", "troops", "barrels", "tonnes", "")
_QUANTITIES = ("~73", ">1,000,000", "6,700", "several", "12", "hundreds", "about 2,000", "")
_CLAUSES = (
    "imagery shows both ends", "officials gave no figure", 'the count is "disputed"', "a second outlet repeats it",
    "the route is inferred", "dated by the report", "ships went dark, AIS off", "cars counted at the crossing",
)


def _weights(values: list[str], choices: tuple[str, ...], floor: float) -> np.ndarray:
    """Each choice's share among ``values``, with a floor so that every choice occurs."""
    counts = np.array([values.count(c) for c in choices], dtype=float)
    share = counts / counts.sum() if counts.sum() else np.full(len(choices), 1 / len(choices))
    share = np.maximum(share, floor)
    return share / share.sum()


def _dates(rng: np.random.Generator, n: int) -> tuple[list[str], list[str], list[str]]:
    """``n`` (date, end_date, precision) triples inside FIRST_DAY..LAST_DAY, every precision represented."""
    precisions = np.array(list(PRECISION_WEIGHTS))[rng.choice(len(PRECISION_WEIGHTS), size=n,
                                                              p=list(PRECISION_WEIGHTS.values()))]
    offsets = rng.integers(0, (LAST_DAY - FIRST_DAY).days + 1, size=n)
    spans = rng.integers(1, 90, size=n)
    has_end = rng.random(n) < 0.25
    end_months = rng.integers(1, 13, size=n)
    dates, ends = [], []
    for precision, offset, span, ended, end_month in zip(precisions, offsets, spans, has_end, end_months,
                                                         strict=True):
        day = FIRST_DAY + dt.timedelta(days=int(offset))
        if precision == "year":
            dates.append(str(day.year))
            ends.append("")
        elif precision == "month":
            dates.append(f"{day.year}-{day.month:02d}")
            ends.append(f"{day.year}-{max(day.month, int(end_month)):02d}" if ended else "")
        else:
            dates.append(day.isoformat())
            ends.append(min(LAST_DAY, day + dt.timedelta(days=int(span))).isoformat() if ended else "")
    return dates, ends, [str(p) for p in precisions]


def _places(rng: np.random.Generator, n: int, places: list[str],
            route_pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """``n`` (origin, destination) pairs: flows between two places (some along real routes), points, none."""
    shapes = rng.choice(len(SHAPE_WEIGHTS), size=n, p=list(SHAPE_WEIGHTS.values()))
    on_route = rng.random(n) < ROUTE_PAIR_SHARE
    reverse = rng.random(n) < 0.5
    first = rng.integers(0, len(places), size=n)
    second = (first + rng.integers(1, max(2, len(places)), size=n)) % len(places)
    route = rng.integers(0, max(1, len(route_pairs)), size=n)
    origins, destinations = [], []
    for shape, routed, flip, a, b, r in zip(shapes, on_route, reverse, first, second, route, strict=True):
        if shape == 0 and routed and route_pairs:
            pair = route_pairs[r][::-1] if flip else route_pairs[r]
        elif shape == 0 and len(places) > 1:
            pair = (places[a], places[b])
        elif shape == 1:
            pair = ("", places[a])
        else:
            pair = ("", "")
        origins.append(pair[0])
        destinations.append(pair[1])
    return origins, destinations


def _subsets(rng: np.random.Generator, n: int, items: list[str], most: int) -> list[str]:
    """``n`` ';'-joined sets of 1..``most`` distinct ``items``."""
    counts = rng.integers(1, most + 1, size=n)
    picks = rng.integers(0, len(items), size=(n, most))
    return [";".join(items[i] for i in sorted(set(row[:k].tolist()))) for row, k in zip(picks, counts, strict=True)]


def _two_outlets(rng: np.random.Generator, source_lists: list[str], confidence: np.ndarray,
                 outlets: dict[str, str]) -> None:
    """Give every ``reported-multiple`` row two sources from distinct outlets, as the validator requires."""
    ids = list(outlets)
    if len({*outlets.values()}) < 2:
        return
    for row in np.flatnonzero(confidence == "reported-multiple"):
        chosen = source_lists[row].split(";")
        if len({outlets.get(s) for s in chosen}) >= 2:
            continue
        first = chosen[0]
        second = ids[int(rng.integers(0, len(ids)))]
        while outlets[second] == outlets.get(first):
            second = ids[(ids.index(second) + 1) % len(ids)]
        source_lists[row] = ";".join(sorted({first, second}))


def synthetic_events(catalog: Catalog, n: int, seed: int = SEED) -> str:
    """events.csv text with ``n`` made-up events over ``catalog``'s places, actors and dated sources.

    Rows are short (about 200 bytes) so that 100,000 of them stay inside the loader's file size limit.
    """
    rng = np.random.default_rng(seed)
    places = list(catalog.places["id"])
    route_pairs = list(zip(catalog.routes["from"], catalog.routes["to"], strict=True))
    actors = [a for a in catalog.actors if len(a) <= 24] or ["Russia", "DPRK"]
    originals = catalog.sources[catalog.sources["kind"] != "repost"]
    sources = list(originals["id"]) or list(catalog.sources["id"])
    categories = np.array(list(schema.CATEGORIES))[
        rng.choice(len(schema.CATEGORIES), size=n,
                   p=_weights(list(catalog.events["category"]), tuple(schema.CATEGORIES), CATEGORY_FLOOR))]
    confidence = np.array(list(schema.CONFIDENCE))[
        rng.choice(len(schema.CONFIDENCE), size=n,
                   p=_weights(list(catalog.events["confidence"]), tuple(schema.CONFIDENCE), CATEGORY_FLOOR))]
    dates, ends, precisions = _dates(rng, n)
    origins, destinations = _places(rng, n, places, route_pairs)
    actor_lists = _subsets(rng, n, actors, 3)
    source_lists = _subsets(rng, n, sources, 3)
    _two_outlets(rng, source_lists, confidence, dict(zip(originals["id"], originals["outlet"], strict=True)))
    clauses = rng.integers(0, len(_CLAUSES), size=n)
    quantities = rng.integers(0, len(_QUANTITIES), size=n)
    units = rng.integers(0, len(_UNITS), size=n)
    disputed = rng.random(n) < 0.1
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in EVENT_COLUMNS])
    for i in range(n):
        category, origin, destination = str(categories[i]), origins[i], destinations[i]
        where = " – ".join(p for p in (origin, destination) if p) or "no fixed place"
        quantity = _QUANTITIES[quantities[i]]
        writer.writerow([
            f"E{i + 1:06d}", dates[i], ends[i], precisions[i], category,
            f"Synthetic {i + 1}: {_VERBS[category]}, {where}", f"Made-up event; {_CLAUSES[clauses[i]]}.",
            origin, destination, quantity, _UNITS[units[i]] if quantity else "", actor_lists[i],
            str(confidence[i]), source_lists[i], "Sources give different dates." if disputed[i] else "",
        ])
    return out.getvalue()


def write_synthetic(real: Path | str, target: Path | str, n: int, seed: int = SEED,
                    catalog: Catalog | None = None) -> Path:
    """A data folder at ``target``: ``real``'s countries, places, routes and sources, and ``n`` synthetic events.

    ``catalog`` is ``real`` already loaded (loaded here when None). Returns ``target``.
    """
    real, target = Path(real), Path(target)
    catalog = catalog if catalog is not None else load_catalog(real)
    target.mkdir(parents=True, exist_ok=True)
    for name in COPIED_FILES:
        if (real / name).is_file():
            write_atomically(target / name, (real / name).read_bytes())
    write_atomically(target / "events.csv", synthetic_events(catalog, n, seed))
    return target
