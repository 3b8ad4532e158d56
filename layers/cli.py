"""The command line: ``python -m layers validate [FOLDER]``, ``export``, ``bench``, ``palette``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from layers.load.catalog import load_catalog

Command = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[Callable[[argparse.ArgumentParser], None], Command]] = {}


def command(name: str, configure: Callable[[argparse.ArgumentParser], None]) -> Callable[[Command], Command]:
    """Register a subcommand: ``configure`` adds its arguments, the function runs it and returns an exit code."""

    def register(run: Command) -> Command:
        COMMANDS[name] = (configure, run)
        return run

    return register


def _validate_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", nargs="?", default="geodata", help="data folder (default: geodata)")


@command("validate", _validate_args)
def validate(args: argparse.Namespace) -> int:
    """Print the report of a data folder; 0 when it has no errors, 1 otherwise."""
    folder = Path(args.folder)
    if not folder.is_dir():
        print(f"error: {folder} is not a folder", file=sys.stderr)
        return 2
    catalog = load_catalog(folder)
    print(catalog.report.format())
    print(f"Loaded {len(catalog.events)} events, {len(catalog.places)} places, {len(catalog.sources)} sources, "
          f"{len(catalog.routes)} routes, {len(catalog.countries)} countries, {len(catalog.stories)} stories "
          f"from {folder}.")
    return 0 if catalog.report.ok else 1


def _export_args(parser: argparse.ArgumentParser) -> None:
    from layers.export.cli import configure

    configure(parser)


@command("export", _export_args)
def export(args: argparse.Namespace) -> int:
    """Export a view or a story: png, svg, pdf, html, geojson, csv or pptx (see layers/export_cli.py)."""
    from layers.export.cli import run

    return run(args)


def _bench_args(parser: argparse.ArgumentParser) -> None:
    from layers.bench.suite import configure

    configure(parser)


@command("bench", _bench_args)
def bench(args: argparse.Namespace) -> int:
    """Benchmark load, selection, bytes sent, frame time and exports (see layers/bench.py)."""
    from layers.bench.suite import main as run_bench

    return run_bench(args)


def _no_args(parser: argparse.ArgumentParser) -> None:
    del parser


@command("palette", _no_args)
def palette(args: argparse.Namespace) -> int:
    """Print the palette's contrast and colour-blind distance tables (Markdown); 1 if a theme falls short."""
    from layers.model.legibility import problems, report
    from layers.model.style import THEMES

    print(report())
    failures = [p for theme in THEMES.values() for p in problems(theme)]
    for failure in failures:
        print(f"error: {failure}", file=sys.stderr)
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the arguments and run a subcommand; 2 on bad usage."""
    parser = argparse.ArgumentParser(prog="python -m layers", description="Corridor's data tools.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (configure, run) in COMMANDS.items():
        p = sub.add_parser(name, help=(run.__doc__ or "").strip().splitlines()[0])
        configure(p)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    _, run = COMMANDS[args.command]
    return run(args)
