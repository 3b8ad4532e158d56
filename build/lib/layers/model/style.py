"""Colours and line styles shared by the player, the static maps and the legend."""

from __future__ import annotations

from layers.model import schema

PALETTE = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300", "#b9ac70",
           "#717581", "#92dadd")
"""matplotlib's ``petroff10`` cycle: ten colours chosen to stay distinct for colour-blind readers."""

CATEGORY_COLORS: dict[str, str] = dict(zip(schema.CATEGORIES, PALETTE, strict=False))
BASEMAP = {"land": "#eceae4", "border": "#b9b6ad", "water": "#d6e4ee", "label": "#33332f"}
ATTRIBUTION = "Boundaries: Made with Natural Earth (public domain). Events: Corridor compilation, see sources."


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """'#rrggbb' as [r, g, b, a] for deck.gl."""
    h = hex_color.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def legend() -> list[dict[str, str]]:
    """The legend entries: one per category, with its colour and label."""
    return [{"id": c, "label": label, "color": CATEGORY_COLORS[c]} for c, label in schema.CATEGORIES.items()]
