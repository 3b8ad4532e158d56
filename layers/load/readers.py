"""Reading untrusted files safely: size limits, encodings, JSON depth and non-finite numbers."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from layers.model.report import Report

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

_SIGNATURES = (
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"PK\x03\x04", "a zip archive (an Excel .xlsx workbook is one)"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
)
"""Leading bytes of files an author may save under the wrong name; they are named, never unpacked."""


def decode(data: bytes, name: str, report: Report, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Bytes to text: UTF-8 only, a BOM removed with a warning; None (and an error) otherwise."""
    if len(data) > limits.max_bytes:
        report.reject(name, "", "", f"more than {limits.max_bytes:,} bytes",
                      f"a file of at most {limits.max_bytes:,} bytes (the size limit)")
        return None
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            report.reject(name, "", "", f"{kind} (it starts with bytes {data[:4].hex(' ')})",
                          "plain UTF-8 text; compressed and binary files are never unpacked or read")
            return None
    if data.startswith(_BOM):
        report.add(name, "", "", "UTF-8 byte-order mark", "no BOM; it was removed", "warning")
        data = data[len(_BOM):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data[: exc.start].count(b"\n") + 1
        column = len(data[line_start : exc.start].decode("utf-8")) + 1
        report.reject(name, f"line {line} column {column}", "", f"byte 0x{data[exc.start]:02x} at offset {exc.start}",
                      "UTF-8 text (save the file as UTF-8; mixed or legacy encodings are not read)")
        return None


def read_text(path: Path, report: Report, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """A file's text, checked for size before it is read and for encoding after.

    Only regular files are opened (a folder, pipe or device is an error), and never more than the size limit
    is read, whatever the file system claims.
    """
    name = path.name
    try:
        if not path.exists():
            report.reject(name, "", "", None, f"the file to exist (looked for {path})")
            return None
        if not path.is_file():
            kind = "a folder" if path.is_dir() else "a device, pipe or socket"
            report.reject(name, "", "", kind, f"a regular file ({path})")
            return None
        size = path.stat().st_size
        if size > limits.max_bytes:
            report.reject(name, "", "", f"{size:,} bytes",
                          f"a file of at most {limits.max_bytes:,} bytes (the size limit)")
            return None
        with path.open("rb") as handle:
            data = handle.read(limits.max_bytes + 1)
    except OSError as exc:
        report.reject(name, "", "", exc.strerror or str(exc), f"a readable file ({path})")
        return None
    return decode(data, name, report, limits)


_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"?')
"""A JSON string; its closing quote is optional so that the scan stays linear on broken text."""
_TOKENS = re.compile(_STRING.pattern + r"|[\[{]+|[\]}]+")
_OPEN, _CLOSE = np.frombuffer(b"[{", dtype=np.uint8), np.frombuffer(b"]}", dtype=np.uint8)


def _too_deep(text: str, limit: int) -> int | None:
    """Offset of the first bracket nested deeper than ``limit`` (strings skipped), found before parsing.

    A vectorised count answers most files; only a file that is too deep is walked to find where.
    """
    raw = np.frombuffer(_STRING.sub("", text).encode("utf-8", "replace"), dtype=np.uint8)
    opens, closes = np.isin(raw, _OPEN), np.isin(raw, _CLOSE)
    steps = opens[opens | closes].astype(np.int8) * 2 - 1
    if steps.size == 0 or int(np.cumsum(steps, dtype=np.int64).max()) <= limit:
        return None
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match[0]
        if token[0] in "[{":
            if depth + len(token) > limit:
                return match.start() + limit - depth
            depth += len(token)
        elif token[0] in "]}":
            depth = max(0, depth - len(token))
    return None


def _number(digits: str) -> int | float:
    """A JSON integer; a very long one becomes a float (inf when huge) instead of a giant int."""
    return int(digits) if len(digits) <= 18 else float(digits)


def parse_json(text: str, name: str, report: Report, limits: Limits = DEFAULT_LIMITS) -> object | None:
    """Parse JSON text; NaN/Infinity become floats so that geometry checks name the feature."""
    nesting = f"JSON nested at most {limits.max_depth} levels deep (the nesting limit)"
    offset = _too_deep(text, limits.max_depth)
    if offset is not None:
        line = text.count("\n", 0, offset) + 1
        column = offset - text.rfind("\n", 0, offset)
        report.reject(name, f"line {line} column {column}", "", f"more than {limits.max_depth} levels", nesting)
        return None
    try:
        obj = json.loads(text, parse_constant=float, parse_int=_number)
    except json.JSONDecodeError as exc:
        report.reject(name, f"line {exc.lineno} column {exc.colno}", "", exc.msg,
                      "complete, valid JSON (the file may be truncated)")
        return None
    except RecursionError:
        report.reject(name, "", "", f"more than {limits.max_depth} levels", nesting)
        return None
    return obj


def read_json(path: Path, report: Report, limits: Limits = DEFAULT_LIMITS) -> object | None:
    """Read and parse a JSON (GeoJSON) file under the limits."""
    text = read_text(path, report, limits)
    return None if text is None else parse_json(text, path.name, report, limits)


def csv_rows(text: str, name: str, report: Report, required: tuple[str, ...],
             limits: Limits = DEFAULT_LIMITS, known: tuple[str, ...] = ()) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV as (row number, {column: text}); row 2 is the first data row.

    A header without the required columns, or with a column twice, is one error for the file; a column
    not in ``known`` (when given) is a warning and ignored; rows with too many or too few cells are
    reported and set aside; the rest are returned.
    """
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        report.reject(name, "", "", "", f"a header row with the columns {', '.join(required)}")
        return []
    except csv.Error as exc:
        report.reject(name, "row 1", "", str(exc), "a readable CSV header")
        return []
    repeated = sorted(h for h, n in Counter(header).items() if h and n > 1)
    if repeated:
        report.reject(name, "row 1", ", ".join(repeated), "(repeated)", "each column once in the header")
        return []
    missing = [c for c in required if c not in header]
    if missing:
        hint = " (the file looks semicolon-separated: save it comma-separated)" if len(header) == 1 and \
            ";" in header[0] else ""
        report.reject(name, "row 1", ", ".join(missing), "(missing)",
                      f"the header to include {', '.join(required)}{hint}")
        return []
    unnamed = "" in header
    if unnamed:
        report.add(name, "row 1", "", "", "a name in every header cell; columns without one were ignored", "warning")
    for column in header:
        if known and column and column not in known:
            report.add(name, "row 1", column, column, f"a known column ({', '.join(known)}); this one was ignored",
                       "warning")
    rows: list[tuple[int, dict[str, str]]] = []
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.add(name, f"row {number}", "", str(exc),
                       "a well-formed CSV row (a double quote left open makes one huge cell)")
            continue
        if not any(c.strip() for c in cells):
            continue
        if len(rows) >= limits.max_rows:
            report.add(name, f"row {number}", "", f"more than {limits.max_rows:,} rows",
                       f"at most {limits.max_rows:,} rows (the row limit); the rest were not read")
            break
        if len(cells) > len(header):
            report.add(name, f"row {number}", "", f"{len(cells)} cells",
                       f"{len(header)} cells, one per header column (a value with a comma needs double quotes)")
            continue
        if len(cells) < len(header):
            unclosed = " or a double quote never closed (the rows after it ran into this one)" if any(
                "\n" in c for c in cells) else ""
            report.add(name, f"row {number}", ", ".join(header[len(cells):]), f"{len(cells)} cells",
                       f"{len(header)} cells, one per header column: the row ends early{unclosed}")
            continue
        row = dict(zip(header, map(str.strip, cells), strict=True))
        if unnamed:
            del row[""]
        rows.append((number, row))
    return rows
