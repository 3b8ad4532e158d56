"""What a chapter may say: the checks that keep a briefer from reading out a figure, a direction or an old
estimate that the chapter's own evidence does not carry.

- *Figures*: every figure in the title, body or notes (``figures.figures``) is a value stated by an event of the
  chapter's focus (or one of its estimates) or by a source the chapter lists.
- *Directions*: where the text says that flows, arrows or a kind of cargo run north, south, east or west, a
  focused flow of that kind runs that way (its bearing from origin to destination within 45 degrees).
- *Superseded estimates*: a chapter quoting an estimate of a series shows the latest estimate of that series
  published by the chapter's end date too (its event in the focus, its figure in the text).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pandas as pd
from pyproj import Geod

from layers.model.figures import figures, sentence_at, values

TEXT_FIELDS = ("title", "body", "notes")
DIRECTIONS = {"north": 0.0, "north-east": 45.0, "east": 90.0, "south-east": 135.0, "south": 180.0,
              "south-west": 225.0, "west": 270.0, "north-west": 315.0}
BEARING_TOLERANCE = 45.0
"""Degrees either side of a named direction that a flow's bearing may be and still run that way."""
SUBJECTS: dict[str, str | None] = {
    "oil": "energy_food", "fuel": "energy_food", "food": "energy_food", "tankers": "energy_food",
    "coal": "energy_food", "grain": "energy_food",
    "containers": "munitions", "shells": "munitions", "munitions": "munitions", "ammunition": "munitions",
    "rounds": "munitions", "rockets": "munitions",
    "missiles": "missiles", "troops": "troops", "soldiers": "troops", "workers": "troops",
    "arrows": None, "flows": None, "ships": None, "trains": None, "cargo": None, "cargoes": None,
    "deliveries": None, "shipments": None,
}
"""Words that make a direction a claim about flows, and the category they stand for (None: any)."""
_DIRECTION = re.compile(r"(?<![\w-])(north|south)?-?(east|west)?(?:wards?|bound)?(?![\w-])")
_CLAUSE_STOP = re.compile(r"[.;:,()!?\n]|\band\b(?=\s+(?:the|a)\b)")
_GEOD = Geod(ellps="WGS84")


@dataclass(eq=False)
class Evidence:
    """What chapters may rest on: each event's and source's figures, each flow's category and bearing, and the
    estimate series. An event's figures and bearing are worked out when a chapter first asks (chapters focus on a
    few events; a record may hold 100,000)."""

    events: pd.DataFrame
    source_values: dict[str, set[float]]
    points: dict[str, tuple[float, float]]
    estimates: pd.DataFrame
    _values: dict[str, set[float]] = field(default_factory=dict, repr=False)

    def event_values(self, eid: str) -> set[float]:
        """The figures event ``eid`` and its estimates state (empty for an unknown id)."""
        if eid not in self._values:
            found: set[float] = set()
            if eid in self.events.index:
                found |= values(event_text(self.events.loc[eid]))
                mine = self.estimates[self.estimates["event"] == eid]
                for quantity, value, high in zip(mine["quantity"], mine["value"], mine["high"], strict=True):
                    found |= {float(value)} | values(str(quantity))
                    if high not in ("", None):
                        found.add(float(high))
            self._values[eid] = found
        return self._values[eid]

    def flow(self, eid: str) -> tuple[str, float] | None:
        """(category, bearing from origin to destination in degrees) of a flow event, else None."""
        if eid not in self.events.index:
            return None
        event = self.events.loc[eid]
        origin, destination = event["origin"], event["destination"]
        if origin not in self.points or destination not in self.points or origin == destination:
            return None
        (x0, y0), (x1, y1) = self.points[origin], self.points[destination]
        return event["category"], _GEOD.inv(x0, y0, x1, y1)[0] % 360.0


def event_text(event: pd.Series | dict) -> str:
    """The words of an event that a chapter may quote from."""
    return " ".join(str(event.get(column) or "") for column in ("title", "summary", "quantity", "disputed"))


def prepare(events: pd.DataFrame, sources: pd.DataFrame, places: pd.DataFrame, estimates: pd.DataFrame,
            findings: list[tuple[str, tuple[str, ...]]] = ()) -> Evidence:
    """The evidence of loaded tables (``places`` with ``id`` and a point geometry). ``findings`` are other texts
    of the record with the sources they rest on (disagreements, the op-ed's claims and what was found of them):
    their figures count as stated by each of those sources."""
    source_values = {row["id"]: values(f"{row.get('title') or ''} {row.get('note') or ''}")
                     for _, row in sources.iterrows()}
    for text, cited in findings:
        found = values(text)
        for sid in cited:
            source_values.setdefault(sid, set()).update(found)
    points = {pid: (geom.x, geom.y) for pid, geom in zip(places["id"], places.geometry, strict=True)}
    return Evidence(events.set_index("id", drop=False), source_values, points, estimates)


@dataclass(frozen=True)
class Finding:
    """One thing a chapter says that its evidence does not carry."""

    field: str
    text: str
    expected: str


def check_chapter(texts: dict[str, str], focus: tuple[str, ...], sources: tuple[str, ...], end: dt.date,
                  evidence: Evidence) -> list[Finding]:
    """Every figure, direction and superseded estimate in a chapter's ``texts`` (title, body, notes) that its
    ``focus`` events and listed ``sources`` do not carry, as of its ``end`` date."""
    allowed = set().union(*(evidence.event_values(ref) for ref in focus),
                          *(evidence.source_values.get(ref, set()) for ref in sources))
    said = {f.value for text in texts.values() for f in figures(text)}
    findings = list(_unsupported_figures(texts, allowed))
    findings += _wrong_directions(texts, focus, evidence)
    findings += _superseded(texts, focus, said, end, evidence)
    return findings


def _unsupported_figures(texts: dict[str, str], allowed: set[float]) -> Iterator[Finding]:
    for part, text in texts.items():
        for figure in figures(text):
            if figure.value not in allowed:
                yield Finding(part, sentence_at(text, figure.start, figure.end),
                              f"figures stated by the chapter's focused events or listed sources: {figure.text} "
                              "is in none of them (add the event that states it to focus, or correct the figure)")


def direction_claims(text: str) -> Iterator[tuple[str, str | None, int, int]]:
    """(direction, category or None, start, end) for each place where ``text`` says flows run a way."""
    for m in _DIRECTION.finditer(text):
        if not (m.group(1) or m.group(2)):
            continue
        direction = "-".join(part for part in (m.group(1), m.group(2)) if part)
        if text[m.end():m.end() + 4].startswith((" of ", " of\n")):
            continue  # "9 km south of Fokino" says where, not which way
        clause = _CLAUSE_STOP.split(text[max(0, m.start() - 80):m.start()])[-1]
        words = re.findall(r"[a-z]+", clause.lower())[-8:]
        subjects = [w for w in words if w in SUBJECTS]
        if not subjects:
            continue
        kinds = [SUBJECTS[w] for w in subjects if SUBJECTS[w]]
        yield direction, (kinds[0] if kinds else None), m.start(), m.end()


def _angle(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _wrong_directions(texts: dict[str, str], focus: tuple[str, ...], evidence: Evidence) -> Iterator[Finding]:
    for part, text in texts.items():
        for direction, kind, start, end in direction_claims(text):
            candidates = [(eid, evidence.flow(eid)) for eid in focus]
            flows = [(eid, flow[1]) for eid, flow in candidates
                     if flow is not None and (kind is None or flow[0] == kind)]
            if any(_angle(bearing, DIRECTIONS[direction]) <= BEARING_TOLERANCE for _, bearing in flows):
                continue
            drawn = ", ".join(f"{eid} runs {_compass(bearing)}" for eid, bearing in flows) or "no focused flow"
            what = f"{kind.replace('_', ' and ')} flow" if kind else "flow"
            yield Finding(part, sentence_at(text, start, end),
                          f"a focused {what} that runs {direction}, as the text says ({drawn})")


def _compass(bearing: float) -> str:
    return min(DIRECTIONS, key=lambda name: _angle(bearing, DIRECTIONS[name]))


def _superseded(texts: dict[str, str], focus: tuple[str, ...], said: set[float], end: dt.date,
                evidence: Evidence) -> Iterator[Finding]:
    table = evidence.estimates
    if table.empty:
        return
    candidates = table[table["event"].isin(focus) & table["value"].isin(said) & (table["as_of_date"] <= end)]
    reported: set[tuple[str, str]] = set()
    for _, estimate in candidates.iterrows():
        twins = candidates[(candidates["event"] == estimate["event"]) & (candidates["value"] == estimate["value"])]
        if len(twins) > 1 and not _unit_near(texts, estimate):
            continue  # the same event gives this figure for several quantities, and the text does not say which
        series = table[(table["series"] == estimate["series"]) & (table["as_of_date"] <= end)]
        latest = series.iloc[-1]
        if latest["as_of_date"] <= estimate["as_of_date"]:
            continue
        if latest["event"] in focus and latest["value"] in said:
            continue
        if (estimate["series"], latest["event"]) in reported:
            continue
        reported.add((estimate["series"], latest["event"]))
        part, sentence = _where_said(texts, estimate["value"])
        yield Finding(part, sentence,
                      f"the latest estimate of {estimate['series']} by the chapter's end ({end.isoformat()}) beside "
                      f"the older one: {latest['quantity']} ({latest['by']}, {latest['as_of_date'].isoformat()}, "
                      f"event {latest['event']}) supersedes {estimate['quantity']} ({estimate['by']}, "
                      f"{estimate['as_of_date'].isoformat()}); put {latest['event']} in focus and its figure in "
                      "the text")


def _unit_near(texts: dict[str, str], estimate: pd.Series, reach: int = 40) -> bool:
    """True when the estimate's unit word follows one of its figures in the text (within ``reach`` characters)."""
    unit = str(estimate["unit"] or "").split()[0].lower() if str(estimate["unit"] or "").strip() else ""
    if not unit:
        return False
    stem = unit[:-1] if unit.endswith("s") else unit
    return any(stem in text[f.end:f.end + reach].lower()
               for text in texts.values() for f in figures(text) if f.value == estimate["value"])


def _where_said(texts: dict[str, str], value: float) -> tuple[str, str]:
    for part, text in texts.items():
        for figure in figures(text):
            if figure.value == value:
                return part, sentence_at(text, figure.start, figure.end)
    return "body", ""  # pragma: no cover - only called for values found in the texts
