"""The briefing in one file: a whole story as a single offline HTML page (``python -m layers export html --story``).

The page is the player's standalone export (all the record's events, inlined) with the story beside it as inert
JSON and ``briefing.js`` driving it: a title screen, each chapter's camera, date and focus, its title, key points
and sources, "Record through", the attribution; clicker keys; presenter and reading layouts (R); speaker notes in a
second window of the same file; a search over the record. Every text goes in as JSON and is shown with ``textContent``.
"""

from __future__ import annotations

import re

from layers.export.html import inline_code, inline_json, player_page
from layers.load.catalog import Catalog
from layers.model.basemap import CLOSEUP_MIN_ZOOM
from layers.model.record import credit_line, record_line
from layers.model.story import Story, chapter_sources, chapter_view, key_points
from layers.model.view import View
from layers.player.assets import player_file
from layers.render.framing import view_camera
from layers.render.payload import payload, payload_key, player_view, to_json
from layers.render.text import markdown_inline, paragraphs, source_name

PANEL = ('<section id="brief" class="brief" aria-live="polite"></section>'
         '<section id="brief-search" class="brief-search" hidden aria-label="Search the record">'
         '<label>Search the record <input id="brief-query" type="search" autocomplete="off"></label>'
         '<p id="brief-count" role="status"></p><ol id="brief-results" class="brief-results"></ol></section>')


def _chapter(catalog: Catalog, story: Story, index: int) -> dict:
    chapter = story.chapters[index]
    view = chapter_view(story, chapter)
    data = player_view(view.with_(camera=view_camera(catalog, view)))  # a chapter without a view is framed
    sources = catalog.sources
    cited = [sid for sid in chapter_sources(chapter, catalog.events) if sid in sources.index]
    return {
        "id": chapter.id, "number": chapter.number, "title": chapter.title, "date": chapter.date_label,
        "points": [markdown_inline(p) for p in key_points(chapter)],
        "lead": [markdown_inline(block) for block in re.split(r"\n\s*\n", chapter.body)
                 if block.strip() and not block.lstrip().startswith(("- ", "* "))],
        "notes": paragraphs(chapter.notes).replace("\n", "\n\n"),
        "sources": [{"label": f"{source_name(sources.loc[s])}, {sources.at[s, 'published']}",
                     "url": sources.at[s, "url"]} for s in cited],
        "view": {"date": data["date"], "window": data["window"], "camera": data["camera"], "focus": data["focus"]},
    }


def story_html(catalog: Catalog, story: Story) -> str:
    """The whole of ``story`` as one self-contained HTML page (see the module docstring)."""
    zooms_in = any(view_camera(catalog, chapter_view(story, chapter)).zoom >= CLOSEUP_MIN_ZOOM
                   for chapter in story.chapters)
    data = payload(catalog, View(), closeup=zooms_in)
    data["key"] = payload_key(data)
    brief = {"title": story.title, "summary": paragraphs(story.summary), "record": record_line(catalog.record_through),
             "attribution": credit_line(None), "chapters": [_chapter(catalog, story, i) for i in
                                                            range(len(story.chapters))]}
    head = f"<style>\n{inline_code(player_file('briefing.css'), 'style')}\n</style>"
    body = (f'{PANEL}\n<script type="application/json" id="corridor-story">{inline_json(to_json(brief))}</script>\n')
    return player_page(data, story.title, extra_head=head, extra_body=body, extra_scripts=("briefing.js",))
