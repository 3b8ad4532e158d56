"""Captions: timed texts drawn on the frames, and the same texts as WebVTT and SRT files.

Texts come from the data (story titles, key points, source names) and are only ever drawn as text (PIL) or
written as caption text with the few characters those formats reserve escaped; nothing in them is interpreted.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

import numpy as np
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

WORDS_PER_SECOND = 3.0
"""A reading pace (180 words a minute) subtitle guidelines allow for adults."""
MIN_CUE_SECONDS = 2.5
MAX_CUE_SECONDS = 10.0


@dataclass(frozen=True)
class Cue:
    """A caption shown from ``start`` to ``end`` seconds; ``note`` is a smaller second line (sources)."""

    start: float
    end: float
    text: str
    note: str = ""


def reading_seconds(text: str) -> float:
    """How long a caption stays up: most of a second to find it, then its words at :data:`WORDS_PER_SECOND`."""
    return min(MAX_CUE_SECONDS, max(MIN_CUE_SECONDS, 0.8 + len(text.split()) / WORDS_PER_SECOND))


def _stamp(seconds: float, sep: str) -> str:
    ms = round(seconds * 1000)
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _lines(cue: Cue) -> str:
    text = "\n".join(part for part in (cue.text, cue.note) if part)
    return re.sub(r"\n{2,}", "\n", text).strip()


def to_vtt(cues: list[Cue]) -> str:
    """WebVTT: ``&``, ``<`` and ``>`` escaped, so that no cue text is read as markup."""
    out = ["WEBVTT", ""]
    for i, cue in enumerate(cues, 1):
        text = _lines(cue).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("-->", "--&gt;")
        out += [str(i), f"{_stamp(cue.start, '.')} --> {_stamp(cue.end, '.')}", text, ""]
    return "\n".join(out)


def to_srt(cues: list[Cue]) -> str:
    """SubRip: numbered cues, comma before the milliseconds; a blank line inside a text would end its cue and is
    removed."""
    out = []
    for i, cue in enumerate(cues, 1):
        text = _lines(cue).replace("-->", "->")
        out += [str(i), f"{_stamp(cue.start, ',')} --> {_stamp(cue.end, ',')}", text, ""]
    return "\n".join(out)


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans (matplotlib's own copy, the static map's font) at ``size`` px."""
    props = font_manager.FontProperties(family="DejaVu Sans", weight="bold" if bold else "normal")
    return ImageFont.truetype(font_manager.findfont(props, fallback_to_default=True), size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` px (a word longer than that gets a line of its own)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and face.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


class Overlay:
    """An RGBA picture placed on frames at a fixed position, blended in place over just its own pixels."""

    def __init__(self, image: Image.Image, x: int, y: int) -> None:
        rgba = np.asarray(image.convert("RGBA")).astype(np.uint16)
        self.x, self.y = x, y
        self.alpha = rgba[..., 3:4]
        self.colour = rgba[..., :3] * self.alpha
        self.keep = 255 - self.alpha

    def blend(self, frame: np.ndarray) -> None:
        """Draw onto ``frame`` (H x W x 3 or 4, uint8) in place."""
        h, w = self.alpha.shape[:2]
        region = frame[self.y:self.y + h, self.x:self.x + w, :3]
        hh, ww = region.shape[:2]
        region[:] = ((region * self.keep[:hh, :ww] + self.colour[:hh, :ww] + 127) // 255).astype(np.uint8)


PANEL_FILL = (20, 22, 26, 205)
TEXT = (255, 255, 255, 255)
NOTE = (215, 218, 222, 255)


def panel(lines: list[tuple[str, ImageFont.FreeTypeFont, tuple[int, int, int, int]]], width: int,
          pad: int) -> Image.Image:
    """A dark, rounded panel ``width`` px wide holding ``lines`` (text, font, colour), each already wrapped."""
    heights = [math.ceil(face.size * 1.3) for _, face, _ in lines]
    image = Image.new("RGBA", (width, sum(heights) + 2 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, width - 1, image.height - 1), radius=pad // 2, fill=PANEL_FILL)
    y = pad
    for (text, face, colour), h in zip(lines, heights, strict=True):
        draw.text((pad, y), text, font=face, fill=colour)
        y += h
    return image


def caption_overlay(cue: Cue, width: int, height: int, scale: float, bottom_px: float) -> Overlay:
    """The cue as a panel at the bottom centre of a ``width`` x ``height`` frame, ``bottom_px`` above its
    bottom edge (clear of the static map's footer); sizes in base px times ``scale``."""
    pad = round(14 * scale)
    box_w = round(min(width - 2 * pad, 1300 * scale))
    big, small = font(round(26 * scale)), font(round(16 * scale))
    lines = [(line, big, TEXT) for line in wrap(cue.text, big, box_w - 2 * pad)]
    if cue.note:
        lines += [(line, small, NOTE) for line in wrap(cue.note, small, box_w - 2 * pad)[:3]]
    image = panel(lines, box_w, pad)
    y = max(0, round(height - bottom_px * scale - image.height))
    return Overlay(image, (width - box_w) // 2, y)
