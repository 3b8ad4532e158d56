"""Figures in prose: every number a sentence states, as a value, so that a chapter's numbers can be checked
against its events.

``figures(text)`` finds numbers written in digits (``12,000``, ``4.8 million``, ``~73``) and in words
(``twelve thousand``, ``a million``, ``twenty-five``) and returns each with its value and where it stands.
Values are compared, never substrings, so ``1,200`` does not match ``12,000``. Not figures, and left out:

- years (``2024``, and the ``24`` of ``2023–24``), days of a month (``18 June``, ``4–5 November``,
  ``June 18``) and times of day (``2 a.m.``, ``22:42``);
- designations and names (``KN-23``, ``Su-35``, ``Hwasong-11``, ``Malligyong-1-1``, ``G7``);
- ordinals (``10th``, ``75th``) and story cross-references (``chapter 13``);
- the counting words one to ten standing alone (``two reports``): prose, not data. With a scale word they
  count (``one million``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
          "dec")
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
SMALL = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10}
TEENS = {"eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
         "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
_MONTH = r"(?:" + "|".join(MONTHS) + r")\.?"
_DASH = r"\s*[–—-]\s*"
_DAY_MONTH = re.compile(rf"\b\d{{1,2}}(?:{_DASH}\d{{1,2}})?\s+{_MONTH}\b", re.I)
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+\d{{1,2}}(?:{_DASH}\d{{1,2}})?\b(?![,.]?\d)", re.I)
_YEAR_RANGE = re.compile(r"\b(?:19|20)\d\d[–—-]\d\d\b")
_CROSS_REF = re.compile(r"\bchapters?\s+\d+(?:\s*(?:and|,|–|-)\s*\d+)*", re.I)
_TIME = re.compile(r"\b\d{1,2}(?::\d\d){1,2}(?:\s*[ap]\.?m\.?)?|\b\d{1,2}\s*[ap]\.m\.", re.I)
_DIGITS = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s+(hundred|thousand|million|billion)\b|(?=[\w-]))?",
    re.I)
_WORD = "|".join([*SMALL, *TEENS, *TENS, "a"])
_WORDS = re.compile(
    rf"\b((?:{_WORD})(?:[\s-]+(?:{_WORD}|and))*?)(?:\s+(hundred|thousand|million|billion))?\b(?!\s*-)", re.I)


@dataclass(frozen=True)
class Figure:
    """A number found in text: its value, the text that states it, and where (``start``, ``end``)."""

    value: float
    text: str
    start: int
    end: int


def _masked(text: str) -> str:
    """``text`` with dates, year ranges and chapter references blanked out (same length, same positions)."""
    for pattern in (_DAY_MONTH, _MONTH_DAY, _YEAR_RANGE, _CROSS_REF, _TIME):
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _digit_figures(text: str) -> list[Figure]:
    found = []
    for m in _DIGITS.finditer(text):
        whole, fraction, scale = m.group(1), m.group(2) or "", m.group(3)
        before = text[max(0, m.start() - 12):m.start()]
        if re.search(r"[A-Za-z][\w-]*-$|[A-Za-z]$", before):
            continue  # a designation: KN-23, Su-35, Malligyong-1-1, G7
        if scale is None and m.end() < len(text) and re.match(r"(?:st|nd|rd|th)\b|[A-Za-z]*-?\d",
                                                               text[m.end():m.end() + 4]):
            continue  # an ordinal (10th) or the start of a designation (1-1, 9M723)
        if scale is None and not fraction and "," not in whole and len(whole) == 4 and 1900 <= int(whole) <= 2099:
            continue  # a year
        value = float(whole.replace(",", "") + fraction) * (SCALES[scale.lower()] if scale else 1)
        found.append(Figure(value, m.group(0).strip(), m.start(), m.start() + len(m.group(0).rstrip())))
    return found


def _word_value(words: list[str]) -> int | None:
    """'twenty five' -> 25, 'a' -> 1; None when the words do not make one number below a thousand."""
    total = 0
    for word in words:
        if word == "and":
            continue
        if word == "a":
            if total:
                return None
            total = 1
        elif word in SMALL or word in TEENS:
            if total % 10 or (total >= 10 and word in TEENS):
                return None
            total += SMALL.get(word) or TEENS[word]
        elif word in TENS:
            if total:
                return None
            total = TENS[word]
    return total or None


def _word_figures(text: str) -> list[Figure]:
    found = []
    for m in _WORDS.finditer(text):
        words = [w.lower() for w in re.split(r"[\s-]+", m.group(1)) if w]
        scale = m.group(2)
        value = _word_value(words)
        if value is None:
            continue
        if scale is None and (value <= 10 or words == ["a"]):
            continue  # counting words and the article 'a' on their own are prose
        found.append(Figure(float(value * (SCALES[scale.lower()] if scale else 1)), m.group(0), m.start(), m.end()))
    return found


def figures(text: str) -> list[Figure]:
    """Every figure stated in ``text``, in order (see the module docstring for what is not a figure)."""
    masked = _masked(text)
    found = _digit_figures(masked) + _word_figures(masked)
    return sorted((Figure(f.value, text[f.start:f.end], f.start, f.end) for f in found), key=lambda f: f.start)


def values(text: str) -> set[float]:
    """The values of every figure in ``text``."""
    return {f.value for f in figures(text)}


def sentence_at(text: str, start: int, end: int, limit: int = 160) -> str:
    """The sentence (or clause of a list item) around ``text[start:end]``, on one line, for an error message."""
    left = max(text.rfind(stop, 0, start) for stop in (". ", "\n- ", "\n\n", ": ")) + 1
    right_candidates = [i for i in (text.find(stop, end) for stop in (". ", "\n- ", "\n\n")) if i != -1]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    sentence = " ".join(text[left:right].split()).lstrip("- ").strip()
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"
