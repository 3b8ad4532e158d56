"""How legible the palette is, measured: WCAG 2.x contrast of every category colour as drawn and of every text,
and how far apart the categories stay for colour-blind readers (CIEDE2000 after Machado et al.'s 2009
simulation of deuteranopia, protanopia and tritanopia, from the ``colour-science`` package).

``python -m layers palette`` prints the tables (the README shows them); ``tests/test_palette.py`` fails when a
theme falls below :data:`GRAPHIC_MIN`, :data:`TEXT_MIN` or :data:`CVD_MIN` without a second channel."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np

from layers.model import schema
from layers.model.style import GLYPHS, LABEL_HALO_ALPHA, THEMES, Theme

GRAPHIC_MIN = 3.0
"""WCAG 1.4.11 (non-text contrast): a line or marker against what is next to it."""
TEXT_MIN = 4.5
"""WCAG 1.4.3 (contrast, minimum): place names, glyphs and every text on the map."""
CVD_MIN = 15.0
"""CIEDE2000 distance under which two categories count as close for a colour-blind reader; a close pair must
differ in glyph (GLYPHS), the second channel. Normal vision must keep every pair at least this far apart."""
SIMULATIONS = {"deuteranopia": "Deuteranomaly", "protanopia": "Protanomaly", "tritanopia": "Tritanomaly"}
"""Simulated vision -> colour-science's name of the deficiency, simulated at severity 1 (a dichromat)."""


def _linear(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    c = np.array([int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)])
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _hex(linear: np.ndarray) -> str:
    c = np.clip(linear, 0, 1)
    srgb = np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)
    return "#" + "".join(f"{round(v * 255):02x}" for v in srgb)


def luminance(hex_color: str) -> float:
    """WCAG relative luminance of an sRGB colour."""
    return float(_linear(hex_color) @ np.array([0.2126, 0.7152, 0.0722]))


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)))
    return (lb + 0.05) / (la + 0.05)


def over(top: str, alpha: float, bottom: str) -> str:
    """``top`` drawn at ``alpha`` over ``bottom``: the colour that reaches the screen (blended in sRGB, as
    browsers and matplotlib blend)."""
    t = np.array([int(top.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)
    b = np.array([int(bottom.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)], dtype=float)
    return "#" + "".join(f"{round(v):02x}" for v in alpha * t + (1 - alpha) * b)


@dataclass(frozen=True)
class CategoryRow:
    """One category of a theme, measured."""

    category: str
    color: str
    glyph: str
    on_land: float
    on_water: float
    drawn: float
    """The contrast as drawn: with a casing, the least of colour:casing, casing:land and casing:water; without,
    the least of colour:land and colour:water."""
    nearest: dict[str, tuple[str, float]]
    """For normal vision and each simulation: the nearest other category and its CIEDE2000 distance."""


def drawn_contrast(theme: Theme, color: str) -> float:
    """The contrast a category colour reaches on ``theme``'s map as the player and the exports draw it."""
    if theme.casing:
        return min(contrast(color, theme.casing), contrast(theme.casing, theme.land),
                   contrast(theme.casing, theme.water))
    return min(contrast(color, theme.land), contrast(color, theme.water))


def text_contrasts(theme: Theme) -> dict[str, float]:
    """The contrast of each kind of text on the map: place names and glyphs on their halo, over land and water."""
    return {f"label on {ground}": contrast(theme.label, over(theme.halo, LABEL_HALO_ALPHA, bg))
            for ground, bg in (("land", theme.land), ("water", theme.water))}


def _lab(linear: np.ndarray) -> np.ndarray:
    import colour

    xyz = colour.RGB_to_XYZ(linear, colour.RGB_COLOURSPACES["sRGB"], apply_cctf_decoding=False)
    return colour.XYZ_to_Lab(xyz)


def cvd_distances(colors: dict[str, str]) -> dict[str, dict[tuple[str, str], float]]:
    """CIEDE2000 distance of every pair of categories, for normal vision and each simulated deficiency."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # colour-science warns that SciPy is absent; nothing used here needs it
        import colour

        out: dict[str, dict[tuple[str, str], float]] = {}
        for vision, kind in {"normal": None, **SIMULATIONS}.items():
            matrix = np.eye(3) if kind is None else colour.blindness.matrix_cvd_Machado2009(kind, 1.0)
            lab = {c: _lab(np.clip(matrix @ _linear(h), 0, 1)) for c, h in colors.items()}
            out[vision] = {(a, b): float(colour.delta_E(lab[a], lab[b], method="CIE 2000"))
                           for a, b in itertools.combinations(colors, 2)}
        return out


def category_rows(theme: Theme) -> list[CategoryRow]:
    """Every category of ``theme``, measured."""
    distances = cvd_distances(theme.colors)
    rows = []
    for c in schema.CATEGORIES:
        color = theme.colors[c]
        nearest = {}
        for vision, pairs in distances.items():
            other, d = min(((b if a == c else a, d) for (a, b), d in pairs.items() if c in (a, b)),
                           key=lambda x: x[1])
            nearest[vision] = (other, d)
        rows.append(CategoryRow(c, color, GLYPHS[c], contrast(color, theme.land), contrast(color, theme.water),
                                drawn_contrast(theme, color), nearest))
    return rows


def problems(theme: Theme) -> list[str]:
    """Everything in ``theme`` below the thresholds, in words (empty when the theme holds up)."""
    out = [f"{theme.name}: {r.category} {r.color} drawn at {r.drawn:.2f}:1 < {GRAPHIC_MIN}"
           for r in category_rows(theme) if r.drawn < GRAPHIC_MIN]
    out += [f"{theme.name}: {what} {ratio:.2f}:1 < {TEXT_MIN}" for what, ratio in text_contrasts(theme).items()
            if ratio < TEXT_MIN]
    for vision, pairs in cvd_distances(theme.colors).items():
        for (a, b), d in pairs.items():
            if d < CVD_MIN and (vision == "normal" or GLYPHS[a] == GLYPHS[b]):
                out.append(f"{theme.name}: {a} and {b} are {d:.1f} apart under {vision} vision"
                           + ("" if vision == "normal" else " and share a glyph"))
    return out


def markdown_table(theme: Theme) -> str:
    """``theme``'s measurements as a Markdown table (for the README)."""
    head = ["category", "colour", "glyph", "on land", "on water", "as drawn", "nearest (normal)",
            "nearest (deutan)", "nearest (protan)", "nearest (tritan)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in category_rows(theme):
        near = [f"{other} {d:.0f}" for other, d in r.nearest.values()]
        lines.append(f"| {r.category} | `{r.color}` | {r.glyph} | {r.on_land:.2f} | {r.on_water:.2f} | "
                     f"**{r.drawn:.2f}** | " + " | ".join(near) + " |")
    texts = ", ".join(f"{what} {ratio:.1f}:1" for what, ratio in text_contrasts(theme).items())
    casing = f"casing `{theme.casing}`" if theme.casing else "no casing"
    return (f"**{theme.title}** (`{theme.name}`): land `{theme.land}`, water `{theme.water}`, {casing}; "
            f"text: {texts}.\n\n" + "\n".join(lines))


def report() -> str:
    """Every theme's table, with the thresholds."""
    intro = (f"Contrast is the WCAG 2.x ratio (graphics need {GRAPHIC_MIN}:1, text {TEXT_MIN}:1); 'as drawn' is "
             f"what reaches the screen (with a casing: the least of colour:casing and casing:land/water). "
             f"'nearest' is the closest other category and its CIEDE2000 distance; below {CVD_MIN:.0f} the two "
             f"differ by their glyph.")
    return "\n\n".join([intro] + [markdown_table(t) for t in THEMES.values()])
