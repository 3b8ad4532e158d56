"""Files replaced under running sessions (issue 15 items 5 and 7): a good folder is served, then one file is
swapped for a broken one. Each case is also a plain ``Case`` (what a cold load of the broken folder reports and
loads, run by ``test_bad_input`` like every other), and states exactly which new errors make sessions refuse the
newer version and keep the last good catalog (``layers.load.live.LastGood``; run by ``test_live_bad_input``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.bad_inputs.case import Case, Expect, Loads, remove, write_text

EVENTS_NEED = "references that can be checked; set aside because"


def truncate_events_mid_row(folder: Path) -> None:
    """events.csv cut inside E003's summary (row 4), as a copy still being written leaves it."""
    path = folder / "events.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("A missile hits.") + len("A miss")], encoding="utf-8")


ENDS_EARLY = Expect("events.csv", "row 4", "origin, destination, quantity, unit, actors, confidence, sources, disputed",
                    "15 cells, one per header column: the row ends early", "7 cells")
NOT_JSON = Expect("places.geojson", "line 1 column 1", "", "complete, valid JSON (the file may be truncated)",
                  "Expecting value")
GONE = Expect("events.csv", "", "", "the file to exist (looked for /", "(missing)")


@dataclass(frozen=True)
class LiveCase:
    """A fault that replaces a file of a served good folder, and exactly the new errors that refuse it."""

    case: Case
    refused: tuple[Expect, ...]


LIVE = [
    LiveCase(Case("live_events_csv_truncated_mid_row", truncate_events_mid_row, (ENDS_EARLY,),
                  Loads(events=("E001", "E002"))),
             (ENDS_EARLY,)),
    LiveCase(Case("live_places_geojson_replaced_by_non_json", write_text("places.geojson", "<html>502 Bad Gateway"),
                  (NOT_JSON, Expect("events.csv", "rows 2, 3, 4", "",
                                    f"{EVENTS_NEED} places.geojson could not be read", "3 event(s)", "warning")),
                  Loads(events=(), places=())),
             (NOT_JSON,)),  # the events set aside are a warning: warnings never refuse a version
    LiveCase(Case("live_events_csv_deleted", remove("events.csv"), (GONE,), Loads(events=())),
             (GONE,)),
]
CASES = [live.case for live in LIVE]
