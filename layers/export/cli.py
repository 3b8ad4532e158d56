"""``python -m layers export FORMAT --out PATH``: one export of a View or a story, written atomically.

The data folder is checked first. Its problems are printed to stderr and the export is made from the rows
that loaded, as the app shows them (a briefer exporting before a meeting is not stopped by one bad row
someone else is fixing); only a folder from which no event loads fails, with exit code 1. Bad usage
(unknown format, story, chapter or category; a bad date, window or size; a missing output folder) exits 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
import traceback
from pathlib import Path

from layers.export.formats import VIEW_FORMATS
from layers.export.names import safe_filename, view_stem, write_atomically
from layers.load.catalog import Catalog, load_catalog
from layers.model import schema
from layers.model.story import Story, chapter_view
from layers.model.view import MAX_WINDOW_DAYS, View

CLI_FORMATS = ("png", "svg", "pdf", "html", "geojson", "csv", "pptx")
MAP_FORMATS = ("png", "svg", "pdf")


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
    parser.add_argument("--width", type=int, default=1920, help="map width in pixels (png, svg, pdf)")
    parser.add_argument("--height", type=int, default=1080, help="map height in pixels (png, svg, pdf)")


def _story(catalog: Catalog, name: str | None) -> Story | None:
    if name is None:
        return None
    if name not in catalog.stories:
        known = ", ".join(sorted(catalog.stories)) or "none loaded"
        raise UsageError(f"no story {name!r} in {catalog.folder / 'stories'} (stories: {known})")
    return catalog.stories[name]


def _whole_story_html(args: argparse.Namespace) -> bool:
    """``html --story NAME`` without ``--chapter``: the whole story as one briefing file."""
    return args.format == "html" and bool(args.story) and not args.chapter


def build_view(catalog: Catalog, args: argparse.Namespace) -> View:
    """The View the arguments describe: a chapter's, or the default, with --date/--window/--category/--title."""
    story = _story(catalog, args.story)
    view = View()
    if args.chapter and story is None:
        raise UsageError("--chapter needs --story")
    if story is not None and args.format != "pptx" and not _whole_story_html(args):
        ids = [c.id for c in story.chapters]
        if args.chapter not in ids:
            raise UsageError(f"name a --chapter of story {args.story!r}: one of {', '.join(ids)}")
        view = chapter_view(story, story.chapters[ids.index(args.chapter)])
    if args.date:
        try:
            view = view.with_(date=dt.date.fromisoformat(args.date))
        except ValueError:
            raise UsageError(f"--date {args.date!r}: expected a day as YYYY-MM-DD") from None
    if args.window is not None:
        if not 1 <= args.window <= MAX_WINDOW_DAYS:
            raise UsageError(f"--window {args.window}: expected a number of days from 1 to {MAX_WINDOW_DAYS}")
        if view.date is None:
            raise UsageError("--window needs --date (the window ends on that day)")
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


def _make(catalog: Catalog, args: argparse.Namespace, view: View) -> bytes:
    if _whole_story_html(args):
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
    try:
        data = _make(catalog, args, view)
        write_atomically(target, data)
    except OSError as exc:
        print(f"error: could not export {args.format} to {target}: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: say so plainly, with the traceback for the report; nothing was written
        traceback.print_exc()
        print(f"error: could not export {args.format} ({type(exc).__name__}: {exc}); nothing was written",
              file=sys.stderr)
        return 1
    done = time.perf_counter()
    print(f"Wrote {target} ({len(data):,} bytes) in {done - loaded:.2f} s "
          f"(data loaded in {loaded - started:.2f} s).")
    return 0
