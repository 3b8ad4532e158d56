"""geodata/SCHEMA.md, the data model an author reads, says what the engine checks: every vocabulary in it is the
model's (``layers.model.schema``, ``layers.model.dates``), word for word and in the same order, and every column
the loader reads is documented."""

from __future__ import annotations

import re

import pytest

from layers.load.catalog import EVENT_COLUMNS, PLACE_COLUMNS, ROUTE_COLUMNS, SOURCE_COLUMNS
from layers.load.estimates import ESTIMATE_COLUMNS, SERIES_COLUMNS
from layers.model import schema
from layers.model.dates import PRECISIONS
from tests.conftest import ROOT

DOC = (ROOT / "geodata" / "SCHEMA.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    start = DOC.index(f"## `{title}`")
    end = DOC.find("\n## ", start + 1)
    return DOC[start:end if end != -1 else None]


def vocabulary(title: str, column: str) -> list[str]:
    """The backticked words of a column's row in a section's table (after the column name)."""
    row = next(line for line in section(title).splitlines() if line.startswith(f"| `{column}` |"))
    cell = row.split("|")[2]
    return [w for chunk in re.findall(r"`([^`]+)`", cell) for w in chunk.replace(",", " ").split()]


@pytest.mark.parametrize(("title", "column", "expected"), [
    ("places.geojson", "kind", list(schema.PLACE_KINDS)),
    ("routes.geojson", "mode", list(schema.ROUTE_MODES)),
    ("events.csv", "category", list(schema.CATEGORIES)),
    ("events.csv", "confidence", list(schema.CONFIDENCE)),
    ("events.csv", "precision", list(PRECISIONS)),
    ("sources.csv", "kind", list(schema.SOURCE_KINDS)),
])
def test_every_vocabulary_in_the_doc_is_the_models(title: str, column: str, expected: list[str]) -> None:
    assert vocabulary(title, column) == expected


def test_claim_statuses_are_the_models() -> None:
    found = re.search(r"`status` \(([^)]*)\)", section("oped_claims.csv")).group(1)
    assert re.findall(r"`([^`]+)`", found) == list(schema.CLAIM_STATUSES)


@pytest.mark.parametrize(("title", "columns"), [
    ("places.geojson", PLACE_COLUMNS), ("routes.geojson", ROUTE_COLUMNS), ("events.csv", EVENT_COLUMNS),
    ("sources.csv", SOURCE_COLUMNS), ("series.csv` and `estimates.csv", (*SERIES_COLUMNS, *ESTIMATE_COLUMNS)),
])
def test_every_column_the_loader_reads_is_documented(title: str, columns: tuple) -> None:
    text = section(title)
    missing = [c.name for c in columns if f"`{c.name}`" not in text]
    assert not missing, f"{title}: undocumented columns {missing}"


def test_the_coordinate_rules_in_the_doc_are_the_codes() -> None:
    from layers.load.features import AREA_MARGIN_DEG
    from layers.load.placement import COUNTRY_TOLERANCE_KM, OCCUPIED_AREAS, ROUTE_END_TOLERANCE_M

    places = section("places.geojson")
    assert f"within **{COUNTRY_TOLERANCE_KM:g} km**" in places
    assert "`OCCUPIED_AREAS`" in places and "Crimea with Sevastopol" in places
    assert [a.name.split()[0] for a in OCCUPIED_AREAS] == ["Crimea", "Luhansk", "Donetsk", "Zaporizhzhia", "Kherson"]
    assert all(name in places for name in ("Donetsk", "Luhansk", "Zaporizhzhia", "Kherson"))
    assert f"within {ROUTE_END_TOLERANCE_M:g} m of its `from` place" in section("routes.geojson")
    assert f"widened by {AREA_MARGIN_DEG:g}°" in DOC
