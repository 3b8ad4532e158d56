import datetime as dt

import numpy as np

from layers.model.view import Camera, View
from layers.query.flows import MIN_TRIP_DAYS, flow_table, paths, point_table
from layers.query.select import focus_mask, select


def ids(frame):
    return list(frame["id"])


def test_cumulative_view_grows_with_time(tiny):
    assert ids(select(tiny, View(date=dt.date(2023, 8, 14)))) == []
    assert ids(select(tiny, View(date=dt.date(2023, 8, 15)))) == ["E001"]
    assert ids(select(tiny, View(date=dt.date(2023, 9, 13)))) == ["E001", "E002"]
    assert ids(select(tiny, View())) == ["E001", "E002", "E003"]


def test_moving_window_drops_what_has_ended(tiny):
    view = View(date=dt.date(2024, 1, 15), window_days=30)
    assert ids(select(tiny, view)) == ["E003"]
    assert ids(select(tiny, view.with_(window_days=130))) == ["E001", "E002", "E003"]


def test_filters_by_category_actor_confidence(tiny):
    assert ids(select(tiny, View(categories=("munitions", "strike")))) == ["E001", "E003"]
    assert ids(select(tiny, View(actors=("Kim",)))) == ["E002"]
    assert ids(select(tiny, View(confidence=("claimed-by-party",)))) == ["E003"]
    assert ids(select(tiny, View(actors=("Nobody",)))) == []


def test_view_round_trips_through_query_params(tiny):
    view = View(date=dt.date(2024, 6, 19), window_days=60, categories=("munitions",), actors=("Kim",),
                confidence=("assessed",), camera=Camera(131.0, 42.5, 5.5, 30.0, 10.0), selected="E002")
    params = view.to_params()
    assert all(isinstance(v, str) for v in params.values())
    assert View.from_params(params, tiny.actors, tiny.event_ids) == view


def test_bad_query_params_are_dropped(tiny):
    view = View.from_params({"t": "yesterday", "w": "-5", "cat": "weapons,munitions", "cam": "1,2,nan,4,5",
                             "ev": "<script>", "actor": "Nobody"}, tiny.actors, tiny.event_ids)
    assert view == View(categories=("munitions",))


def test_flows_have_direction_time_and_a_path(tiny):
    flows = flow_table(select(tiny, View()))
    assert ids(flows) == ["E001", "E002"]
    e2 = flows.set_index("id").loc["E002"]
    assert e2["t1"] - e2["t0"] == MIN_TRIP_DAYS
    path = paths(tiny)["PYG>MOW"]
    assert path.mode == "arc" and path.schematic
    assert np.allclose(path.coords[0], [125.7625, 39.0392]) and np.allclose(path.coords[-1], [37.6175, 55.752])
    assert path.fraction[0] == 0 and path.fraction[-1] == 1 and np.all(np.diff(path.fraction) > 0)
    # a great circle from Pyongyang to Moscow bends north of the straight lon/lat line
    middle = path.coords[len(path.coords) // 2]
    assert middle[1] > (39.0392 + 55.752) / 2 + 5


def test_point_events_sit_on_their_place(tiny):
    points = point_table(tiny, select(tiny, View()))
    assert ids(points) == ["E003"]
    assert (points.iloc[0]["lon"], points.iloc[0]["lat"]) == (28.5, 50.45)


def test_focus_highlights_ids_or_categories(tiny):
    events = select(tiny, View())
    assert list(focus_mask(events, View(focus=("E002", "strike")))) == [False, True, True]
    assert focus_mask(events, View()).all()
