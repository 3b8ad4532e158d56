"""Hostile text (tests/xss_corpus.py) in every field: the files Corridor writes keep it as inert text.

The browser side (pages, tooltips, the exported HTML opened in chromium) is tests/browser/test_xss.py.
"""

from __future__ import annotations

import csv
import html
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from layers.export.data import FORMULA_STARTS, events_csv, events_geojson
from layers.export.html import standalone_html
from layers.load.catalog import Catalog, load_catalog
from layers.model.view import View
from layers.player.assets import PLAYER_SCRIPTS
from layers.render.payload import payload
from layers.render.static_map import render_map
from tests.xss_corpus import ALL, FORMULAS, IMG, SCRIPT, SHORT, SVG, URL_TEMPLATE, write_xss_folder

VIEW = View(title=f"View {SHORT} {SCRIPT}")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    return load_catalog(write_xss_folder(tmp_path_factory.mktemp("xss") / "data"))


def test_the_corpus_loads_with_only_the_javascript_url_refused(hostile: Catalog) -> None:
    assert [(p.file, p.field, p.value) for p in hostile.report.errors] == [
        ("sources.csv", "url", "'javascript:window.__xss=1'")]
    assert len(hostile.events) == 3 and len(hostile.routes) == 1 and list(hostile.stories) == ["xss"]
    assert hostile.events["summary"].str.contains(ALL, regex=False).all()


class _Elements(HTMLParser):
    """The start tags of an HTML page, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def test_the_standalone_html_holds_data_only_as_inert_json(hostile: Catalog) -> None:
    page = standalone_html(hostile, VIEW)
    parsed = _Elements()
    parsed.feed(page)
    tags = [tag for tag, _ in parsed.tags]
    assert "img" not in tags and "svg" not in tags
    assert tags.count("script") == 2 + len(PLAYER_SCRIPTS)  # data, deck.gl, the modules: none came from the data
    assert page.lower().count("</script>") == 2 + len(PLAYER_SCRIPTS)
    handlers = [name for _, attrs in parsed.tags for name in attrs if name.startswith("on")]
    assert handlers == []
    data_tag = next(attrs for tag, attrs in parsed.tags if tag == "script")
    assert data_tag == {"type": "application/json", "id": "corridor-data"}
    inlined = json.loads(parsed.scripts[0])
    expected = payload(hostile, VIEW)
    assert inlined["events"]["summary"] == expected["events"]["summary"]  # the text survives, exactly
    assert inlined["events"]["title"][0] == SHORT and inlined["view"]["title"] == VIEW.title
    assert f"<title>{html.escape(VIEW.title)}</title>" in page


def test_geojson_export_keeps_every_string_exact(hostile: Catalog) -> None:
    text = events_geojson(hostile, VIEW)
    data = json.loads(text)
    by_id = {f["id"]: f["properties"] for f in data["features"]}
    events = hostile.events.set_index("id")
    for eid, props in by_id.items():
        for field in ("title", "summary", "quantity", "unit", "disputed"):
            assert props[field] == events.at[eid, field]
        assert props["actors"] == list(events.at[eid, "actors"])
    assert by_id["E001"]["origin_name"] == hostile.places.at["RAJIN", "name"]
    urls = {s["url"] for p in by_id.values() for s in p["sources"]}
    assert URL_TEMPLATE in urls
    assert "</script>" in text  # JSON escapes only what JSON must; a GeoJSON file is data, not a page


def test_csv_export_neutralises_formulas_and_keeps_the_text(hostile: Catalog) -> None:
    rows = list(csv.DictReader(io.StringIO(events_csv(hostile, VIEW))))
    cells = [cell for row in rows for cell in row.values()]
    assert not [c for c in cells if c.startswith(FORMULA_STARTS)]
    last = next(r for r in rows if r["id"] == "E003")
    assert last["quantity"] == "'" + FORMULAS[0]
    assert last["unit"] == "'" + FORMULAS[1]
    assert last["summary"] == f"'{FORMULAS[2]} {ALL}"
    assert last["actors"] == f"'{FORMULAS[3]}; {IMG}"
    assert next(r for r in rows if r["id"] == "E001")["summary"] == f"Summary {ALL}"


def test_svg_export_has_no_markup_from_the_data(hostile: Catalog) -> None:
    svg = render_map(hostile, VIEW.with_(selected="E002"), width=960, height=540, fmt="svg").decode("utf-8")
    root = ET.fromstring(svg)
    names = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not names & {"script", "img", "foreignObject", "iframe"}
    handlers = [k for el in root.iter() for k in el.attrib if k.lower().startswith("on")]
    assert handlers == []


def test_the_story_deck_keeps_the_text_literal(hostile: Catalog) -> None:
    from pptx import Presentation

    from layers.export.pptx import story_deck

    deck = Presentation(io.BytesIO(story_deck(hostile, hostile.stories["xss"])))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides if slide.has_notes_slide]
    joined = "\n".join(texts + notes)
    assert IMG in joined and SVG in joined and SCRIPT in joined
