"""Reading untrusted files safely: size limits, encodings, JSON depth and non-finite numbers."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .report import Report

MAX_FILE_BYTES = 25 * 1024 * 1024
MAX_JSON_DEPTH = 32
MAX_FEATURES = 200_000
MAX_CSV_ROWS = 250_000
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Limits:
    """What one file may hold; each limit is named in the error when it is hit."""

    max_bytes: int = MAX_FILE_BYTES
    max_depth: int = MAX_JSON_DEPTH
    max_features: int = MAX_FEATURES
    max_rows: int = MAX_CSV_ROWS


DEFAULT_LIMITS = Limits()


def decode(data: bytes, name: str, report: Report, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Bytes to text: UTF-8 only, a BOM removed with a warning; None (and an error) otherwise."""
    if len(data) > limits.max_bytes:
        report.add(name, "", "", f"{len(data):,} bytes",
                   f"a file of at most {limits.max_bytes:,} bytes (the size limit)")
        return None
    if data.startswith(_BOM):
        report.add(name, "", "", "UTF-8 byte-order mark", "no BOM; it was removed", "warning")
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        bad = data[exc.start : exc.start + 4]
        report.add(name, f"line {line}", "", f"byte 0x{bad[0]:02x} at offset {exc.start}",
                   "UTF-8 text (save the file as UTF-8; mixed or legacy encodings are not read)")
        return None


def read_text(path: Path, report: Report, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """A file's text, checked for size before it is read and for encoding after."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        report.add(name, "", "", str(path), f"a readable file ({exc.strerror})")
        return None
    if size > limits.max_bytes:
        report.add(name, "", "", f"{size:,} bytes",
                   f"a file of at most {limits.max_bytes:,} bytes (the size limit)")
        return None
    return decode(path.read_bytes(), name, report, limits)


def _depth(obj: object) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, stack = 0, [(obj, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node)
    return deepest


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _shallow_enough(text: str, limit: int) -> bool:
    """True when brackets never nest deeper than ``limit`` (strings skipped); runs before parsing."""
    raw = np.frombuffer(_STRING.sub("", text).encode("utf-8", "replace"), dtype=np.uint8)
    steps = (raw == ord("[")).astype(np.int32) + (raw == ord("{")) - (raw == ord("]")) - (raw == ord("}"))
    return raw.size == 0 or int(np.cumsum(steps).max()) <= limit


def parse_json(text: str, name: str, report: Report, limits: Limits = DEFAULT_LIMITS) -> object | None:
    """Parse JSON text; NaN/Infinity become float('nan') so that geometry checks name the feature."""
    if not _shallow_enough(text, limits.max_depth):
        report.add(name, "", "", "nesting", f"JSON nested at most {limits.max_depth} levels deep")
        return None
    try:
        obj = json.loads(text, parse_constant=lambda _c: math.nan)
    except json.JSONDecodeError as exc:
        report.add(name, f"line {exc.lineno} column {exc.colno}", "", exc.msg,
                   "complete, valid JSON (the file may be truncated)")
        return None
    except RecursionError:
        report.add(name, "", "", "nesting", f"JSON nested at most {limits.max_depth} levels deep")
        return None
    if _depth(obj) > limits.max_depth:
        report.add(name, "", "", "nesting", f"JSON nested at most {limits.max_depth} levels deep")
        return None
    return obj


def read_json(path: Path, report: Report, limits: Limits = DEFAULT_LIMITS) -> object | None:
    """Read and parse a JSON (GeoJSON) file under the limits."""
    text = read_text(path, report, limits)
    return None if text is None else parse_json(text, path.name, report, limits)


def csv_rows(text: str, name: str, report: Report, required: tuple[str, ...],
             limits: Limits = DEFAULT_LIMITS) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV as (row number, {column: text}); row 2 is the first data row.

    Missing required columns are one error for the file; rows with too many or too few cells are
    reported and set aside; the rest are returned.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        report.add(name, "", "", "", f"a header row with the columns {', '.join(required)}")
        return []
    except csv.Error as exc:
        report.add(name, "row 1", "", str(exc), "a readable CSV header")
        return []
    missing = [c for c in required if c not in header]
    if missing:
        report.add(name, "row 1", ", ".join(missing), "(missing)",
                   f"the header to include {', '.join(required)}")
        return []
    rows: list[tuple[int, dict[str, str]]] = []
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.add(name, f"row {number}", "", str(exc), "a well-formed CSV row")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= limits.max_rows:
            report.add(name, f"row {number}", "", f"more than {limits.max_rows:,} rows",
                       f"at most {limits.max_rows:,} rows (the row limit); the rest were not read")
            break
        if len(cells) != len(header):
            report.add(name, f"row {number}", "", f"{len(cells)} cells",
                       f"{len(header)} cells, one per header column (check quoting)")
            continue
        rows.append((number, {h: c.strip() for h, c in zip(header, cells, strict=True)}))
    return rows
