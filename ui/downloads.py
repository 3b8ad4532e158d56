"""Download buttons for the view on screen (maps, offline player, data, video) and for a whole story (PPTX,
briefing, film).

Files are made on demand, never on a rerun: the user picks a format and presses "Prepare"; the request goes to the
server's render queue (``layers.export.queue``), which renders it in a worker process, off the interactive path,
and serves identical requests once. While it waits the panel shows the place in the queue, then a progress bar,
and a Cancel button; a quick file usually arrives within the same run. A prepared file is kept for that exact
view only; change the view and it must be prepared again. A failure is shown with its reason. Videos go to the
queue's low-priority ``video`` lane, so a film never holds up another session's PNG.
"""

from __future__ import annotations

import logging
import pickle
import time
import uuid
from dataclasses import dataclass

import streamlit as st

from layers.export.formats import PPTX_MIME, VIDEO_FORMATS, VIEW_FORMATS, Format, VideoFormat
from layers.export.names import safe_filename, view_stem
from layers.export.queue import Busy, RenderQueue, Request
from layers.load.catalog import Catalog
from layers.model.story import Story
from layers.model.view import View
from layers.player.assets import state_dir
from ui.data import fingerprint

LOG = logging.getLogger(__name__)
INLINE_WAIT_S = 1.5
"""How long a run waits for a file it just asked for before showing the queue (quick files arrive in it)."""
POLL_S = 0.5
"""How often a waiting panel asks the queue again."""


CAPTION_MIME = {"vtt": "text/vtt", "srt": "application/x-subrip"}
"""How a film's caption files are offered for download."""
QUEUE_STATS = "render-queue.json"
"""The render queue's counters, in the state folder (the load test reads its cache hit rate there)."""


@st.cache_resource
def render_queue() -> RenderQueue:
    """The one render queue of this server."""
    return RenderQueue(stats_file=str(state_dir() / QUEUE_STATS))


def _session() -> str:
    return st.session_state.setdefault("_render_session", uuid.uuid4().hex)


@dataclass(frozen=True)
class Prepared:
    """A file made for one view (``signature``) in one format, held in the session until replaced."""

    signature: tuple
    name: str
    mime: str
    data: bytes
    extras: tuple[tuple[str, str, bytes], ...] = ()
    """Files that go with it (a film's captions): name, MIME type, bytes."""


def _signature(kind: str, view: View, story: Story | None = None) -> tuple:
    return (kind, tuple(sorted(view.to_params().items())), view.title, story.name if story is not None else None)


def _file_name(fmt: Format | VideoFormat, view: View) -> str:
    stem = view_stem(view) + ("-4k" if fmt.key == "png4k" else "")
    return safe_filename(stem, fmt.ext)


@dataclass(frozen=True)
class _Waiting:
    """A file asked of the queue: its ticket, and what it will be kept as when it arrives."""

    ticket: int
    signature: tuple
    name: str
    mime: str
    label: str
    film: bool = False
    """The worker sends a pickled ``layers.export.video.Film`` (the video and its captions)."""


def _ask(catalog: Catalog, view: View, fmt: str, state: str, signature: tuple, name: str, mime: str,
         label: str, *, lane: str = "maps", film: bool = False) -> None:
    """Send a request to the render queue for this session (replacing its previous one)."""
    overlays = pickle.dumps(catalog.overlays) if catalog.overlays else b""
    request = Request(str(catalog.folder), fingerprint(catalog.folder), view, fmt, lane=lane, overlays=overlays)
    try:
        ticket = render_queue().submit(_session(), request)
    except Busy as exc:
        st.error(f"The server is busy making other files ({exc}); try again in a minute.")
        return
    st.session_state[f"{state}-waiting"] = _Waiting(ticket, signature, name, mime, label, film)
    deadline = time.monotonic() + INLINE_WAIT_S
    while time.monotonic() < deadline and render_queue().status(ticket).state in ("queued", "running"):
        time.sleep(0.05)


def _follow(state: str) -> None:
    """Show where this panel's request stands; keep the file when it arrives."""
    waiting = st.session_state.get(f"{state}-waiting")
    if not isinstance(waiting, _Waiting):
        return
    status = render_queue().status(waiting.ticket)
    if status.state == "done":
        st.session_state[state] = _prepared(waiting, status.data or b"")
        del st.session_state[f"{state}-waiting"]
    elif status.state == "failed":
        LOG.error("export %s failed: %s", waiting.name, status.error)
        st.error(f"Could not make the {waiting.label}: {status.error}")
        del st.session_state[f"{state}-waiting"]
    elif status.state in ("cancelled", "unknown"):
        del st.session_state[f"{state}-waiting"]
    else:
        _waiting_panel(state, waiting)


def _prepared(waiting: _Waiting, data: bytes) -> Prepared:
    """What a finished request is kept as: a film brings its captions (WebVTT, SRT) along."""
    if not waiting.film:
        return Prepared(waiting.signature, waiting.name, waiting.mime, data)
    film = pickle.loads(data)  # from our own worker process (layers.export.queue.render), never from a user
    stem = waiting.name.rsplit(".", 1)[0]
    extras = tuple((f"{stem}.{ext}", CAPTION_MIME[ext], text.encode("utf-8"))
                   for ext, text in sorted(film.captions.items()))
    return Prepared(waiting.signature, waiting.name, waiting.mime, film.data, extras)


def _waiting_panel(state: str, waiting: _Waiting) -> None:
    """The place in the queue or the progress, with Cancel; asks the queue again every POLL_S."""

    @st.fragment(run_every=POLL_S)
    def panel() -> None:
        status = render_queue().status(waiting.ticket)
        if status.state not in ("queued", "running"):
            st.rerun(scope="app")
        text = (f"Waiting for the renderer: {status.position} file(s) ahead" if status.state == "queued"
                else f"Making the {waiting.label}…")
        st.progress(status.progress, text=text)
        if st.button("Cancel", key=f"{state}-cancel", icon=":material/cancel:"):
            render_queue().cancel(_session())
            st.session_state.pop(f"{state}-waiting", None)
            st.rerun(scope="app")

    panel()


def _view_exports(catalog: Catalog, view: View, key: str) -> None:
    state = f"{key}-prepared"
    choice = st.selectbox("Format", list(VIEW_FORMATS), format_func=lambda k: VIEW_FORMATS[k].label,
                          key=f"{key}-format")
    fmt = VIEW_FORMATS[choice]
    signature = _signature(fmt.key, view)
    if st.button("Prepare", key=f"{key}-prepare", help="Make the file for the view as it is now"):
        _ask(catalog, view, fmt.key, state, signature, _file_name(fmt, view), fmt.mime, fmt.label)
    _follow(state)
    _download(state, signature, f"{key}-download")


def _video_exports(catalog: Catalog, view: View, key: str, story: Story | None) -> None:
    """A video of the view's time range and, given a story, the whole story as one film (with captions)."""
    st.markdown("**Video** (1280×720, the player's timing, offline)")
    choice = st.selectbox("Video format", list(VIDEO_FORMATS), format_func=lambda k: VIDEO_FORMATS[k].label,
                          key=f"{key}-video-format")
    fmt = VIDEO_FORMATS[choice]
    signature = _signature(f"video:{fmt.key}", view)
    if st.button("Prepare a video of this view", key=f"{key}-prepare-video",
                 help="The view's time range played as the player plays it, with its legend and sources"):
        _ask(catalog, view, f"video:{fmt.key}", f"{key}-video", signature, _file_name(fmt, view), fmt.mime,
             "video", lane="video")
    _follow(f"{key}-video")
    _download(f"{key}-video", signature, f"{key}-download-video")
    if story is None:
        return
    film_signature = _signature(f"film:{fmt.key}", View(), story)
    if st.button(f"Prepare the story film ({fmt.key.upper()}, {len(story.chapters)} chapters, with captions)",
                 key=f"{key}-prepare-film"):
        _ask(catalog, View(), f"film:{fmt.key}:{story.name}", f"{key}-film", film_signature,
             safe_filename(story.name or story.title, fmt.ext), fmt.mime, "story film", lane="video", film=True)
    _follow(f"{key}-film")
    _download(f"{key}-film", film_signature, f"{key}-download-film")


def _story_export(catalog: Catalog, story: Story, key: str) -> None:
    """The story as a slide deck (PPTX) and as the one-file offline briefing (HTML)."""
    deck_signature = _signature("pptx", View(), story)
    if st.button(f"Prepare the story deck (PPTX, {len(story.chapters)} chapters)", key=f"{key}-prepare-deck"):
        _ask(catalog, View(), f"pptx:{story.name}", f"{key}-deck", deck_signature,
             safe_filename(story.name or story.title, "pptx"), PPTX_MIME, "story deck")
    _follow(f"{key}-deck")
    _download(f"{key}-deck", deck_signature, f"{key}-download-deck")
    brief_signature = _signature("briefing", View(), story)
    if st.button("Prepare the briefing (one offline HTML file: clicker keys, notes, search)",
                 key=f"{key}-prepare-briefing"):
        _ask(catalog, View(), f"briefing:{story.name}", f"{key}-briefing", brief_signature,
             safe_filename(f"{story.name or story.title}-briefing", "html"), "text/html", "briefing")
    _follow(f"{key}-briefing")
    _download(f"{key}-briefing", brief_signature, f"{key}-download-briefing")


def _download(state: str, signature: tuple, key: str) -> None:
    """The download button of a file prepared for ``signature`` (none when it was made for another view)."""
    prepared = st.session_state.get(state)
    if isinstance(prepared, Prepared) and prepared.signature == signature:
        st.download_button(f"Download {prepared.name}", prepared.data, file_name=prepared.name, mime=prepared.mime,
                           key=key, icon=":material/download:", type="primary", on_click="ignore")
        for name, mime, data in prepared.extras:
            st.download_button(f"Download {name}", data, file_name=name, mime=mime, key=f"{key}-{name}",
                               icon=":material/subtitles:", on_click="ignore")


def export_buttons(catalog: Catalog, view: View, *, story: Story | None = None, key: str = "export") -> None:
    """Export controls for ``view`` (PNG 1080p and 4K, SVG, PDF, HTML, GeoJSON, CSV, video) and, given a story
    (a ``layers.model.story.Story``), its PPTX deck, briefing and film; ``key`` keeps two sets on one page apart."""
    with st.expander("Export: maps, offline player, data, video" + (", slides" if story is not None else ""),
                     icon=":material/download:"):
        st.caption("Every file shows the view on screen: its date, window, filters, camera and focus.")
        _view_exports(catalog, view, key)
        if story is not None:
            _story_export(catalog, story, key)
        _video_exports(catalog, view, key, story)
