"""``python -m layers export FORMAT --out PATH``: one export of a View or a story, written atomically.

The data folder is checked first. Its problems are printed to stderr and the export is made from the rows
that loaded, as the app shows them (a briefer exporting before a meeting is not stopped by one bad row
someone else is fixing); only a folder from which no event loads fails, with exit code 1. Bad usage
(unknown format, story, chapter or category; a bad date, window or size; a missing output folder) exits 2.

Videos (mp4, webm, gif; ``layers.export.video``) play a view's time range, ``--from``..``--to`` or as
``timeline.clip_range`` decides, or with ``--story`` and no ``--chapter`` the whole story, whose captions are
written beside the video as ``.vtt`` and ``.srt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from layers.export.formats import VIDEO_FORMATS, VIEW_FORMATS
from layers.export.names import safe_filename, view_stem, write_atomically
from layers.load.catalog import Catalog, load_catalog
from layers.model import schema
from layers.model.story import Story, chapter_view
from layers.model.view import MAX_WINDOW_DAYS, View

CLI_FORMATS = ("png", "svg", "pdf", "html", "geojson", "csv", "pptx", *VIDEO_FORMATS)
MAP_FORMATS = ("png", "svg", "pdf")
MAP_SIZE = (1920, 1080)
VIDEO_SIZE = (1280, 720)


class UsageError(ValueError):
    """A wrong argument: the message says what was expected."""


def configure(parser: argparse.ArgumentParser) -> None:
    """The export subcommand's arguments."""
    parser.add_argument("format", choices=CLI_FORMATS, help="what to write")
    parser.add_argument("--out", required=True, type=Path,
                        help="the file to write, or an existing folder to write a named file into")
    parser.add_argument("--data", default="geodata", type=Path, help="data folder (default: geodata)")
    parser.add_argument("--story", help="story name (file stem in stories/); required for pptx; with html and no "
                        "--chapter, the whole story as one offline briefing")
    parser.add_argument("--chapter", help="chapter id: export the view of this chapter of --story")
    parser.add_argument("--date", help="show events up to this day, YYYY-MM-DD")
    parser.add_argument("--window", type=int, help="only events touching the last DAYS days before --date")
    parser.add_argument("--category", nargs="+", default=[],
                        help=f"only these categories: {', '.join(schema.CATEGORIES)}")
    parser.add_argument("--title", help="title printed on maps (default: the chapter's or Corridor's)")
    parser.add_argument("--width", type=int, help="width in pixels (default: 1920 for maps, 1280 for videos)")
    parser.add_argument("--height", type=int, help="height in pixels (default: 1080 for maps, 720 for videos)")
    video = parser.add_argument_group("videos (mp4, webm, gif)")
    video.add_argument("--from", dest="date_from", help="first day the video plays, YYYY-MM-DD")
    video.add_argument("--to", dest="date_to", help="last day the video plays, YYYY-MM-DD (default: --date, or the "
                       "record's last day)")
    video.add_argument("--fps", type=int, default=30, help="frames per second (default 30)")
    video.add_argument("--seconds", type=float, help="running time (default: 30 days a second, as the player)")


def _story(catalog: Catalog, name: str | None) -> Story | None:
    if name is None:
        return None
    if name not in catalog.stories:
        known = ", ".join(sorted(catalog.stories)) or "none loaded"
        raise UsageError(f"no story {name!r} in {catalog.folder / 'stories'} (stories: {known})")
    return catalog.stories[name]


def _whole_story(args: argparse.Namespace) -> bool:
    """``html``, ``mp4``, ``webm`` or ``gif`` with ``--story NAME`` and no ``--chapter``: the whole story as one
    briefing file or one film."""
    return args.format in ("html", *VIDEO_FORMATS) and bool(args.story) and not args.chapter


def _day(value: str | None, flag: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value!r}: expected a day as YYYY-MM-DD") from None


def build_view(catalog: Catalog, args: argparse.Namespace) -> View:
    """The View the arguments describe: a chapter's, or the default, with --date/--window/--category/--title."""
    story = _story(catalog, args.story)
    view = View()
    if args.chapter and story is None:
        raise UsageError("--chapter needs --story")
    if story is not None and args.format != "pptx" and not _whole_story(args):
        ids = [c.id for c in story.chapters]
        if args.chapter not in ids:
            raise UsageError(f"name a --chapter of story {args.story!r}: one of {', '.join(ids)}")
        view = chapter_view(story, story.chapters[ids.index(args.chapter)])
    day = _day(args.date, "--date") or (_day(args.date_to, "--to") if args.format in VIDEO_FORMATS else None)
    if day is not None:
        view = view.with_(date=day)
    if args.window is not None:
        if not 1 <= args.window <= MAX_WINDOW_DAYS:
            raise UsageError(f"--window {args.window}: expected a number of days from 1 to {MAX_WINDOW_DAYS}")
        if view.date is None:
            raise UsageError("--window needs --date (the window ends on that day; for a video, --to)")
        view = view.with_(window_days=args.window)
    unknown = [c for c in args.category if c not in schema.CATEGORIES]
    if unknown:
        raise UsageError(f"--category {' '.join(unknown)}: expected some of {', '.join(schema.CATEGORIES)}")
    if args.category:
        view = view.with_(categories=tuple(dict.fromkeys(args.category)))
    if args.title:
        view = view.with_(title=args.title)
    return view


def _target(out: Path, stem: str, ext: str) -> Path:
    """Where to write: ``out`` itself, or a safely named file inside it when it is a folder."""
    if out.is_dir():
        return out / safe_filename(stem, ext)
    if not out.parent.is_dir():
        raise UsageError(f"--out {out}: its folder {out.parent} does not exist")
    if out.exists() and not out.is_file():
        raise UsageError(f"--out {out}: not a regular file")
    return out


def _progress() -> Callable[[float], None]:
    """A video's progress on stderr, every tenth."""
    shown = [-1]

    def report(done: float) -> None:
        tenth = int(done * 10)
        if tenth != shown[0]:
            shown[0] = tenth
            print(f"  {tenth * 10}%", file=sys.stderr, flush=True)

    return report


def _film(catalog: Catalog, args: argparse.Namespace, view: View) -> tuple[bytes, dict[str, str]]:
    """The video and its caption files (by extension)."""
    from layers.export.video import story_film, view_clip

    size = {"width": args.width, "height": args.height, "fps": args.fps, "progress": _progress()}
    try:
        if _whole_story(args):
            film = story_film(catalog, _story(catalog, args.story), args.format, **size)
        else:
            film = view_clip(catalog, view, args.format, seconds=args.seconds, date_from=_day(args.date_from, "--from"),
                             date_to=_day(args.date_to, "--to"), **size)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return film.data, film.captions


def _make(catalog: Catalog, args: argparse.Namespace, view: View) -> bytes:
    if _whole_story(args) and args.format == "html":
        from layers.export.briefing import story_html

        return story_html(catalog, _story(catalog, args.story)).encode("utf-8")
    if args.format == "pptx":
        from layers.export.pptx import story_deck

        return story_deck(catalog, _story(catalog, args.story))
    if args.format in MAP_FORMATS:
        from layers.render.static_map import render_map

        return render_map(catalog, view, width=args.width, height=args.height, fmt=args.format)
    return VIEW_FORMATS[args.format].make(catalog, view)


def run(args: argparse.Namespace) -> int:
    """Check the data, build the view, make the file and write it; print where and how long it took."""
    started = time.perf_counter()
    if not args.data.is_dir():
        print(f"error: --data {args.data} is not a folder", file=sys.stderr)
        return 2
    if args.format == "pptx" and not args.story:
        print("error: pptx exports a story: name it with --story", file=sys.stderr)
        return 2
    default = VIDEO_SIZE if args.format in VIDEO_FORMATS else MAP_SIZE
    args.width, args.height = args.width or default[0], args.height or default[1]
    if args.format in MAP_FORMATS and not (16 <= args.width <= 7680 and 16 <= args.height <= 4320):
        print(f"error: --width {args.width} --height {args.height}: expected 16x16 to 7680x4320", file=sys.stderr)
        return 2
    catalog = load_catalog(args.data)
    if not catalog.report.ok:
        print(catalog.report.format(), file=sys.stderr)
        print("Exporting from the rows that loaded; the problems above were set aside.", file=sys.stderr)
    if catalog.events.empty:
        print(f"error: no event loaded from {args.data}: nothing to export", file=sys.stderr)
        return 1
    loaded = time.perf_counter()
    try:
        view = build_view(catalog, args)
        stem = args.story + (f"-{args.chapter}" if args.chapter else "") if args.story else view_stem(view)
        target = _target(args.out, stem, args.format)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    captions: dict[str, str] = {}
    try:
        if args.format in VIDEO_FORMATS:
            data, captions = _film(catalog, args, view)
        else:
            data = _make(catalog, args, view)
        write_atomically(target, data)
        for ext, text in captions.items():
            write_atomically(target.with_suffix(f".{ext}"), text.encode("utf-8"))
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: could not export {args.format} to {target}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so plainly, with the traceback for the report; nothing was written
        traceback.print_exc()
        print(f"error: could not export {args.format} ({type(exc).__name__}: {exc}); nothing was written",
              file=sys.stderr)
        return 1
    done = time.perf_counter()
    beside = "".join(f" and {target.with_suffix('.' + ext).name}" for ext in captions)
    print(f"Wrote {target} ({len(data):,} bytes){beside} in {done - loaded:.2f} s "
          f"(data loaded in {loaded - started:.2f} s).")
    return 0
