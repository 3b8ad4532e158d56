"""A data folder with script, markup, template and replacement-pattern payloads in every text field.

``write_xss_folder(folder)`` writes a complete data folder in the shape of geodata/ (countries, places, routes,
sources, events, disagreements, op-ed claims, a story) that loads with exactly one error: a source whose URL is
``javascript:...`` (refused by the URL check; its text then shows in the problems banner, another place to be
escaped). ``overlay_geojson()`` is an upload whose feature properties (keys and values) carry the payloads.

Every payload sets ``window.__xss`` if it ever runs. The tests check that it never does, that no dialog
opens, and that the text is shown literally (see :data:`LITERALS`).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.factory import EVENTS, PLACES, SOURCES, csv_text, feature_collection, point, write_folder

IMG = "<img src=x onerror=window.__xss=1>"
SCRIPT = "</script><script>window.__xss=1</script>"
JS_URL = "javascript:window.__xss=1"
TEMPLATES = "{title} ${x} {{x}} %s {0}"
REPLACEMENT = "$& $1 $' $` \\1 \\g<0>"
SVG = '"><svg onload=window.__xss=1>'
PAYLOADS = (IMG, SCRIPT, JS_URL, TEMPLATES, REPLACEMENT, SVG)
"""Each runs script, or expands into something else, if a layer of the app treats data as code or template."""

ALL = " ".join(PAYLOADS)
"""Every payload in one text (for the long fields: summaries, bodies, notes, findings)."""
SHORT = f"{IMG}{SVG}"
"""Two payloads in 62 characters (for titles, at most 90)."""
SHORT_2 = f"{SCRIPT} {JS_URL}"
"""Two more in 66 characters (another event's title)."""
FORMULAS = ('=HYPERLINK("https://example.org","x")', "+1+1", "-2+3", "@SUM(1,1)")
"""Cells a spreadsheet would run as formulas (CSV injection); the last event starts four fields with them."""
LITERALS = (IMG, SCRIPT, SVG, JS_URL)
"""Payloads a page must show as they are (Markdown renders the others' punctuation differently by design)."""
URL_TEMPLATE = "https://example.org/{title}/${x}/{{x}}/$&/a(b)"
"""A valid http(s) URL made of template and replacement characters: it must stay the link's exact target."""
BAD_URL_SOURCE = "S09"
OVERLAY_POINT = (100.0, 44.0)
OVERLAY_ZONE_CENTRE = (110.0, 39.0)


def places() -> list[dict]:
    """The tiny places, each named with payloads (ids stay valid: they are keys, not text)."""
    return [{**p, "name": f"{p['name']} {SHORT if i % 2 else SHORT_2}"} for i, p in enumerate(PLACES)]


def events() -> list[dict]:
    """The tiny events with payloads in title, summary, quantity, unit, actors and disputed (and formulas)."""
    rows = []
    for i, event in enumerate(EVENTS):
        rows.append({**event, "title": SHORT if i % 2 == 0 else SHORT_2, "summary": f"Summary {ALL}",
                     "quantity": f"{IMG} {TEMPLATES}", "unit": SCRIPT, "actors": f"{IMG};{SVG};{TEMPLATES}",
                     "disputed": f"Disputed {ALL}"})
    rows[-1] |= {"quantity": FORMULAS[0], "unit": FORMULAS[1], "summary": f"{FORMULAS[2]} {ALL}",
                 "actors": f"{FORMULAS[3]};{IMG}"}
    return rows


def sources() -> list[dict]:
    """The tiny sources with payloads in outlet, author and title; one odd-but-valid URL and one javascript: URL."""
    rows = [{**s, "outlet": f"Outlet {SHORT}", "author": SHORT_2, "title": f"Title {ALL}"} for s in SOURCES]
    rows[1]["url"] = URL_TEMPLATE
    rows[0]["via"] = f"Copy {SHORT}"
    rows.append({"id": BAD_URL_SOURCE, "outlet": f"Bad link {IMG}", "published": "2024-01", "url": JS_URL,
                 "kind": "original"})
    return rows


def routes() -> list[dict]:
    props = {"id": f"R1 {IMG}", "mode": "sea", "from": "RAJIN", "to": "DUNAI", "schematic": True,
             "source": f"Route source {ALL}"}
    return [{"type": "Feature", "properties": props,
             "geometry": {"type": "LineString", "coordinates": [[130.3, 42.25], [131.5, 42.4], [132.3375, 42.88028]]}}]


def story() -> dict:
    """A two-chapter story whose titles, summary, bodies (Markdown) and notes carry the payloads."""
    body = (f"Body {ALL}\n\n- Point {IMG}\n- Point {SVG} [link]({JS_URL}) [ok](https://example.org/x)\n"
            f"- Point {TEMPLATES} {REPLACEMENT}\n\n<script>window.__xss=1</script>\n")
    return {
        "title": f"Story {SHORT}",
        "summary": f"Summary {ALL}",
        "chapters": [
            {"id": "one", "title": f"Chapter {SHORT}", "date": "2023-09-20",
             "view": {"longitude": 100, "latitude": 48, "zoom": 2.5, "pitch": 0, "bearing": 0},
             "focus": ["E001", "E002"], "body": body, "notes": f"Notes {ALL}", "sources": ["S01"]},
            {"id": "two", "title": f"Chapter {SHORT_2}", "date": "2024-01-31",
             "view": {"longitude": 60, "latitude": 50, "zoom": 3, "pitch": 0, "bearing": 0},
             "focus": ["E003"], "body": f"Second {ALL}", "notes": f"More notes {ALL}"},
        ],
    }


def write_xss_folder(folder: Path) -> Path:
    """Write the hostile data folder and return it."""
    write_folder(folder, places=places(), events=events(), sources=sources(), routes=routes())
    (folder / "disagreements.csv").write_text(csv_text(
        ["id", "topic", "summary", "events", "sources"],
        [{"id": "D01", "topic": f"Topic {SHORT}", "summary": f"Disagreement {ALL}", "events": "E001;E003",
          "sources": "S01;S02"}]), encoding="utf-8")
    (folder / "oped_claims.csv").write_text(csv_text(
        ["id", "claim", "status", "finding", "events", "sources"],
        [{"id": "C01", "claim": f"Claim {ALL}", "status": "partly-confirmed", "finding": f"Finding {ALL}",
          "events": "E002", "sources": "S02"}]), encoding="utf-8")
    (folder / "stories").mkdir(exist_ok=True)
    (folder / "stories" / "xss.yaml").write_text(yaml.safe_dump(story(), allow_unicode=True, sort_keys=False),
                                                encoding="utf-8")
    return folder


def overlay_geojson() -> bytes:
    """An uploadable overlay: payloads as property keys and values, a point at :data:`OVERLAY_POINT` and a zone
    around :data:`OVERLAY_ZONE_CENTRE` (both away from the tiny data's places and flows, so a hover finds them)."""
    features = [
        point({"name": IMG, SVG: SCRIPT, "templates": TEMPLATES, "replacement": REPLACEMENT, "link": JS_URL},
              *OVERLAY_POINT),
        {"type": "Feature", "properties": {"zone": f"Zone {SHORT}"},
         "geometry": {"type": "Polygon", "coordinates": [[[106, 37], [114, 37], [114, 41], [106, 41], [106, 37]]]}},
    ]
    return json.dumps(feature_collection(features)).encode()
