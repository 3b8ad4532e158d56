"""Story: a briefing told chapter by chapter; ``?present=1`` for presenter mode, ``&notes=1`` for speaker notes.

URL: ``?story=<file stem>&chapter=<chapter id>`` opens a chapter; ``deck=<token>`` ties a presenter window to
its notes window.
"""

import streamlit as st

from ui.data import catalog, problems_banner
from ui.presenter import deck_token, follow, keep_following, style
from ui.story_view import go, key_step, notes, presenting, reading

cat = catalog()
params = st.query_params
if not cat.stories:
    problems_banner(cat)
    if any(p.file.startswith("stories/") for p in cat.report.errors):
        st.error("No story could be loaded: each was set aside for the problems listed above.")
    else:
        st.info("There is no story yet: add one as geodata/stories/<name>.yaml (see the README).")
    st.stop()

name = params.get("story", "")
story = cat.stories[name] if name in cat.stories else cat.stories.get("russia-dprk") or next(iter(cat.stories.values()))
mode = "notes" if params.get("notes") == "1" else "present" if params.get("present") == "1" else "read"
token = deck_token(create=mode != "read")
chapter_id = params.get("chapter", "")
if token and (followed := follow(token, story.name, chapter_id)):
    chapter_id = followed
index = story.index_of(chapter_id)
if delta := key_step():  # a clicker or arrow key pressed while the map had the focus
    index = min(len(story.chapters) - 1, max(0, index + delta))
    go(story.name, story.chapters[index].id, token)
if params.get("story") != story.name or params.get("chapter") != story.chapters[index].id:
    params["story"], params["chapter"] = story.name, story.chapters[index].id

style(mode)
if mode == "read":
    problems_banner(cat)
    reading(cat, story, index)
elif mode == "present":
    presenting(cat, story, index, token)
else:
    notes(cat, story, index, token)
if token:
    keep_following(token, story.name, story.chapters[index].id)
