"""YAML data files (stories, the record's metadata) read safely: size and nesting limits, no anchors or
aliases, one document, no repeated keys, then ``yaml.safe_load``."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import yaml

from layers.load.readers import Limits, read_text
from layers.model.report import Report


def scan(text: str, file: str, report: Report, limits: Limits) -> bool:
    """Walk the YAML event stream once, before anything is built: refuse anchors and aliases (alias bombs),
    nesting deeper than the limit, several documents and a key repeated in one mapping."""
    stack: list[dict[str, Any]] = []
    documents = 0
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            where = f"line {event.start_mark.line + 1} column {event.start_mark.column + 1}"
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                report.reject(file, where, "", f"&{event.anchor}" if not isinstance(event, yaml.AliasEvent)
                              else f"*{event.anchor}",
                              "no YAML anchors or aliases (&name / *name): write each value out")
                return False
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    report.reject(file, where, "", "a second document (---)", "one YAML document per story file")
                    return False
            if isinstance(event, (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)) and \
                    stack and stack[-1]["mapping"]:
                frame = stack[-1]
                if frame["key_next"] and isinstance(event, yaml.ScalarEvent):
                    if event.value in frame["keys"]:
                        report.reject(file, where, event.value, event.value,
                                      "each key once in a mapping (this one is repeated)")
                        return False
                    frame["keys"].add(event.value)
                frame["key_next"] = not frame["key_next"]
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append({"mapping": isinstance(event, yaml.MappingStartEvent), "key_next": True,
                              "keys": set()})
                if len(stack) > limits.max_depth:
                    report.reject(file, where, "", f"more than {limits.max_depth} levels",
                                  f"YAML nested at most {limits.max_depth} levels deep (the nesting limit)")
                    return False
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                stack.pop()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1} column {mark.column + 1}" if mark else ""
        report.reject(file, where, "", getattr(exc, "problem", None) or str(exc).splitlines()[0],
                      "valid YAML (check the indentation and quote text that contains ': ' or starts with a symbol)")
        return False
    return True


def read_yaml(path: Path, file: str, report: Report, limits: Limits) -> object | None:
    """A story file's content, or None (with an error) when it cannot be read safely."""
    own = Report()
    text = read_text(path, own, limits)
    report.extend(dataclasses.replace(problem, file=file) for problem in own.problems)
    if text is None:
        report.rejected_files.add(file)
        return None
    if not scan(text, file, report, limits):
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:  # pragma: no cover - the scan has parsed the same text already
        report.reject(file, "", "", str(exc).splitlines()[0], "valid YAML")
        return None
