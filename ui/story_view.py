"""The Story page's three layouts: reading (map beside the text), presenter (full-screen map, large type) and
speaker notes. Chapter text is the author's Markdown (never HTML); event and source text is escaped."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from layers.load.catalog import Catalog
from layers.model import schema
from layers.model.story import Chapter, Story, chapter_sources, chapter_view, key_points, set_aside
from layers.model.style import GLYPHS, THEMES
from layers.model.view import View
from layers.query.select import focus_mask, select
from ui.citations import CONFIDENCE_LABELS, event_heading, md, source_links
from ui.downloads import export_buttons
from ui.presenter import ROOM_PARAM, ROOMS, moved, room, still
from ui.story_map import chapter_step, show_map

READING_MAP_HEIGHT = 560
PRESENTER_MAP_HEIGHT = 1080
"""The player's map height in presenter mode (a full-HD projector); the stylesheet stretches its frame."""
PLAYER_KEY = "story-player"
MAX_OVERLAY_SOURCES = 6
PAGE = "app_pages/story.py"


def chapter_events(catalog: Catalog, view: View) -> pd.DataFrame:
    """The events a chapter highlights that are on its map, in date order."""
    events = select(catalog, view)
    return events[focus_mask(events, view)] if view.focus else events.iloc[0:0]


def key_step() -> int:
    """+1 / -1 when the player reported a chapter key (the map had the focus) since the last run, else 0."""
    handled = st.session_state.setdefault("story-player-keys", set())
    return chapter_step(st.session_state.get(PLAYER_KEY), handled)


def go(story: str, chapter: str, token: str | None) -> None:
    """Move to a chapter: the URL says where, and the deck's other window follows."""
    st.query_params["story"] = story
    st.query_params["chapter"] = chapter
    if token:
        moved(token, story, chapter)


def navigation(story: Story, index: int, token: str | None, *, key: str = "story-controls") -> None:
    """Previous / Next buttons (arrow keys), and hidden twins for PageUp / PageDown (a presentation clicker).

    Each button carries the chapter it leads to, so handling one press twice moves once (Streamlit can run a
    button's callback again when another rerun interrupts the first). The buttons are never disabled: a
    disabled button drops its shortcut, and a key pressed while the page still redrew would be lost; at
    either end a press leads to the same chapter.
    """
    last = len(story.chapters) - 1
    before = (story.name, story.chapters[max(0, index - 1)].id, token)
    after = (story.name, story.chapters[min(last, index + 1)].id, token)
    row = st.container(horizontal=True, key=key, vertical_alignment="center")
    row.button("Previous", key="story-prev", icon=":material/arrow_back:", shortcut="Left", on_click=go,
               args=before, help="Previous chapter (← or PageUp)")
    row.markdown(f"**{index + 1} / {last + 1}**")
    row.button("Next", key="story-next", icon=":material/arrow_forward:", icon_position="right", shortcut="Right",
               on_click=go, args=after, help="Next chapter (→ or PageDown)")
    keys = st.container(key="story-keys")
    keys.button("Next chapter", key="story-pagedown", shortcut="PageDown", on_click=go, args=after)
    keys.button("Previous chapter", key="story-pageup", shortcut="PageUp", on_click=go, args=before)


def event_list(catalog: Catalog, events: pd.DataFrame) -> None:
    """Each highlighted event with its confidence and its sources as links."""
    for _, event in events.iterrows():
        links = source_links(catalog, event["sources"])
        confidence = CONFIDENCE_LABELS.get(event["confidence"], event["confidence"])
        st.markdown(f"{event_heading(event)}  \n`{event['id']}` · {md(confidence)} · " + " · ".join(links))
        if event["disputed"]:
            st.caption(f"Sources disagree: {md(event['disputed'])}")


def reading(catalog: Catalog, story: Story, index: int) -> None:
    """The self-guided layout: map on the left, chapter text, events and sources on the right."""
    chapter = story.chapters[index]
    view = chapter_view(story, chapter)
    st.title(md(story.title), anchor=False)
    if story.summary:
        st.caption(md(story.summary))
    left, right = st.columns([3, 2], gap="medium")
    with left, st.container(key="story-map"):
        show_map(catalog, view, key=PLAYER_KEY, height=READING_MAP_HEIGHT, chapter_keys=True,
                 description=map_description(chapter, index, len(story.chapters)))
    with right:
        st.progress((index + 1) / len(story.chapters), text=f"Chapter {index + 1} of {len(story.chapters)}")
        st.header(md(chapter.title), anchor=False)
        st.caption(md(chapter.date_label))
        st.markdown(chapter.body)
        navigation(story, index, None)
        events = chapter_events(catalog, view)
        if not events.empty:
            st.subheader("The events on the map", anchor=False)
            event_list(catalog, events)
        if chapter.sources:
            st.markdown("**Further sources:** " + " · ".join(source_links(catalog, chapter.sources)))
        row = st.container(horizontal=True)
        row.page_link(PAGE, label="Present", icon=":material/slideshow:",
                      query_params={"story": story.name, "chapter": chapter.id, "present": "1"})
        row.page_link("app_pages/evidence.py", label="All the evidence", icon=":material/fact_check:")
    with st.expander("All chapters"):
        for i, other in enumerate(story.chapters):
            if i == index:  # plain text: a disabled link is drawn in a grey that reads at 2.3:1
                st.markdown(f"**{i + 1}. {md(other.title)}** (this chapter)")
            else:
                st.page_link(PAGE, label=f"{i + 1}. {other.title}",
                             query_params={"story": story.name, "chapter": other.id})
    export_buttons(catalog, view, story=story, key="story-export")
    refused_list(catalog, story)


def refused_list(catalog: Catalog, story: Story) -> None:
    """What the validator kept out of this story (chapters, and events it might have shown), and why."""
    refused = set_aside(catalog.report, story)
    if not refused:
        return
    chapters = sum(p.file == story.file for p in refused)
    events = len(refused) - chapters
    st.warning(f"Set aside by the validator: {chapters} problem(s) in this story's chapters and {events} in "
               "the events. Those chapters and events are not shown; the list says why.",
               icon=":material/block:")
    with st.expander("Set aside from this story, and why", expanded=True):
        st.markdown("\n".join(f"- {md(str(p))}" for p in refused))


def presenting(catalog: Catalog, story: Story, index: int, token: str) -> None:
    """The full-screen layout: the map behind a panel with the chapter title and its key points."""
    chapter = story.chapters[index]
    view = chapter_view(story, chapter)
    with st.container(key="story-map"):
        show_map(catalog, view, key=PLAYER_KEY, height=PRESENTER_MAP_HEIGHT, presenter=True, controls=False,
                 legend=False, chapter_keys=True, theme=room(), reduced_motion=still(),
                 description=map_description(chapter, index, len(story.chapters)))
    with st.container(key="story-overlay"):
        st.caption(f"{index + 1} / {len(story.chapters)} · {md(chapter.date_label)}")
        st.markdown("# " + md(chapter.title))
        st.markdown("\n".join(f"- {point}" for point in key_points(chapter)))
        panel_legend(chapter_events(catalog, view), room())
        links = source_links(catalog, chapter_sources(chapter, catalog.events))
        more = f" and {len(links) - MAX_OVERLAY_SOURCES} more" if len(links) > MAX_OVERLAY_SOURCES else ""
        st.caption("Sources: " + " · ".join(links[:MAX_OVERLAY_SOURCES]) + more)
    navigation(story, index, token)
    controls = st.container(key="story-exit", horizontal=True)
    controls.segmented_control("Room", list(ROOMS), format_func=ROOMS.get, default=room(), key="story-room",
                               label_visibility="collapsed", on_change=_set_room,
                               help="Bright room: a whiter map and darker lines; dark room: a dark map")
    controls.link_button("Speaker notes", url=_notes_url(story, chapter, token), icon=":material/speaker_notes:",
                         help="Opens the notes in a new window; it follows this one")
    controls.page_link(PAGE, label="Exit", icon=":material/close:",
                       query_params={"story": story.name, "chapter": chapter.id})


def _set_room() -> None:
    st.query_params[ROOM_PARAM] = st.session_state.get("story-room") or "standard"


def map_description(chapter: Chapter, index: int, count: int) -> list[str]:
    """The chapter as the map's text alternative adds it: its number, title and key points."""
    return [f"Chapter {index + 1} of {count}: {chapter.title}.", *key_points(chapter)]


def panel_legend(events: pd.DataFrame, theme: str) -> None:
    """The categories of the chapter's events, in the panel (in presenter mode the legend covers no flow)."""
    shown = [c for c in schema.CATEGORIES if c in set(events["category"])]
    if not shown:
        return
    t = THEMES[theme]
    rows = "".join(
        f'<div class="legend-item"><span class="legend-swatch" style="background:{t.colors[c]};'
        f'border-color:{t.casing or t.colors[c]}"></span><span class="legend-glyph" aria-hidden="true" '
        f'style="border-color:{t.colors[c]}">{GLYPHS[c]}</span><span>{html.escape(schema.CATEGORIES[c])}</span>'
        "</div>" for c in shown)
    st.html(f'<div class="panel-legend">{rows}</div>')


def notes(catalog: Catalog, story: Story, index: int, token: str) -> None:
    """The speaker's window: this chapter's notes, the next chapter's title, and the same controls."""
    chapter = story.chapters[index]
    following = story.chapters[index + 1] if index + 1 < len(story.chapters) else None
    with st.container(key="story-notes"):
        st.caption(f"Speaker notes · {md(story.title)} · chapter {index + 1} of {len(story.chapters)}")
        st.header(md(chapter.title), anchor=False)
        st.caption(md(chapter.date_label))
        st.markdown(chapter.notes or "*No notes for this chapter.*")
        st.divider()
        st.markdown(f"**Next:** {md(following.title)}" if following else "**This is the last chapter.**")
    navigation(story, index, token)
    with st.expander("What the audience sees"):
        st.markdown("\n".join(f"- {point}" for point in key_points(chapter)))


def _notes_url(story: Story, chapter: Chapter, token: str) -> str:
    return f"story?story={story.name}&chapter={chapter.id}&notes=1&deck={token}"
