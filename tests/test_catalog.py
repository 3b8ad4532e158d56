import json
from pathlib import Path

from layers.load.catalog import load_catalog
from tests.factory import EVENTS, PLACES, write_folder


def test_tiny_folder_loads_clean(tiny):
    assert tiny.report.ok, tiny.report.format()
    assert list(tiny.events["id"]) == ["E001", "E002", "E003"]
    assert set(tiny.places["id"]) == {p["id"] for p in PLACES}
    assert tiny.events.set_index("id").loc["E002", "sources"] == ("S01", "S02")
    assert tiny.actors == sorted(["RUSI", "Ship owners", "Putin", "Kim", "Russia"])


def test_unknown_place_and_source_are_reported_and_the_rest_loads(tmp_path: Path):
    events = [*EVENTS,
              {**EVENTS[1], "id": "E010", "destination": "NOWHERE"},
              {**EVENTS[1], "id": "E011", "sources": "S99"}]
    cat = load_catalog(write_folder(tmp_path, events=events))
    messages = [str(p) for p in cat.report.errors]
    assert any("events.csv, row 5, field 'destination': value 'NOWHERE'" in m for m in messages), messages
    assert any("events.csv, row 6, field 'sources': value 'S99'" in m for m in messages), messages
    assert list(cat.events["id"]) == ["E001", "E002", "E003"]


def test_duplicate_ids_keep_the_first(tmp_path: Path):
    events = [*EVENTS, {**EVENTS[0], "title": "again"}]
    cat = load_catalog(write_folder(tmp_path, events=events))
    (problem,) = cat.report.errors
    assert (problem.file, problem.where, problem.field) == ("events.csv", "row 5", "id")
    assert "already used on row 2" in problem.expected
    assert cat.events.set_index("id").loc["E001", "title"] == "Ships shuttle containers"


def test_bad_cells_name_row_field_and_value(tmp_path: Path):
    events = [{**EVENTS[0], "category": "weapons"}, {**EVENTS[1], "confidence": "sure"}, EVENTS[2]]
    cat = load_catalog(write_folder(tmp_path, events=events))
    found = {(p.where, p.field, p.value) for p in cat.report.errors}
    assert found == {("row 2", "category", "'weapons'"), ("row 3", "confidence", "'sure'")}
    assert list(cat.events["id"]) == ["E003"]


def test_swapped_place_is_caught_by_its_country(tmp_path: Path):
    places = [*PLACES, {"id": "SWAP", "name": "Swapped", "kind": "city", "country": "RUS",
                        "lon": 55.75, "lat": 37.61}]
    # (55.75, 37.61) lies outside every fixture country; swapped it is (37.61, 55.75), inside RUS.
    cat = load_catalog(write_folder(tmp_path, places=places))
    (problem,) = cat.report.errors
    assert problem.file == "places.geojson" and problem.where == "feature 5"
    assert "swapped" in problem.expected
    assert "SWAP" not in cat.places.index


def test_missing_file_is_reported_not_raised(tmp_path: Path):
    folder = write_folder(tmp_path)
    (folder / "events.csv").unlink()
    cat = load_catalog(folder)
    assert [p.file for p in cat.report.errors] == ["events.csv"]
    assert cat.events.empty and len(cat.places) == len(PLACES)


def test_routes_join_and_unknown_route_places(tmp_path: Path):
    routes = [
        {"type": "Feature", "properties": {"id": "sea", "mode": "sea", "from": "RAJIN", "to": "DUNAI",
                                           "schematic": True, "source": "test"},
         "geometry": {"type": "LineString", "coordinates": [[130.3, 42.25], [131.5, 42.3], [132.3375, 42.88028]]}},
        {"type": "Feature", "properties": {"id": "bad", "mode": "rail", "from": "XX", "to": "DUNAI",
                                           "schematic": False, "source": "test"},
         "geometry": {"type": "LineString", "coordinates": [[130.0, 42.0], [132.0, 42.0]]}},
    ]
    cat = load_catalog(write_folder(tmp_path, routes=routes))
    assert list(cat.routes["id"]) == ["sea"]
    (problem,) = cat.report.errors
    assert (problem.file, problem.where, problem.field, problem.value) == ("routes.geojson", "feature 1", "from",
                                                                           "'XX'")
    data = json.loads((tmp_path / "routes.geojson").read_text())
    assert len(data["features"]) == 2


def test_a_bad_value_repeated_is_reported_on_every_row_and_good_repeats_parse_alike(tmp_path: Path):
    """Cells are parsed once per distinct text: the memo must not hide a repeated error or share a wrong value."""
    events = [{**EVENTS[1], "id": f"E01{n}", "category": "weapons"} for n in range(3)] + \
        [{**EVENTS[1], "id": f"E02{n}", "date": "2023-09-13", "end_date": "", "precision": "approx"}
         for n in range(2)] + [{**EVENTS[1], "id": "E030"}]
    cat = load_catalog(write_folder(tmp_path, events=events))
    assert {(p.where, p.field) for p in cat.report.errors} == {(f"row {n}", "category") for n in (2, 3, 4)}
    shown = cat.events.set_index("id")
    assert list(shown.index) == ["E020", "E021", "E030"]
    assert shown.loc["E020", "date_label"] == shown.loc["E021", "date_label"] != shown.loc["E030", "date_label"]
    assert shown.loc["E020", "sources"] == shown.loc["E030", "sources"] == ("S01", "S02")


def test_a_load_holds_the_cyclic_collector_and_restores_it(tmp_path: Path, monkeypatch):
    import gc

    import layers.load.catalog as catalog

    seen: list[bool] = []
    real = catalog.events_frame

    def spy(*args, **kwargs):
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(catalog, "events_frame", spy)
    folder = write_folder(tmp_path)
    assert gc.isenabled()
    load_catalog(folder)
    assert seen == [False] and gc.isenabled()
    with catalog._collector_held():  # a load that starts while another is under way
        load_catalog(folder)
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        load_catalog(folder)
        assert not gc.isenabled()  # a collector switched off by the host stays off
    finally:
        gc.enable()
