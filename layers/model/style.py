"""Colours and line styles shared by the player, the static maps and the legend."""

from __future__ import annotations

from layers.model import schema

PALETTE = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300", "#b9ac70",
           "#717581", "#92dadd")
"""matplotlib's ``petroff10`` cycle: ten colours chosen to stay distinct for colour-blind readers."""

CATEGORY_COLORS: dict[str, str] = dict(zip(schema.CATEGORIES, PALETTE, strict=False))
BASEMAP = {"land": "#eceae4", "border": "#b9b6ad", "water": "#d6e4ee", "label": "#33332f"}
DIMMED_ALPHA = 0.22
"""Opacity factor of what a chapter's focus leaves out, on the live map and in every static export."""
LABEL_KIND_ORDER = ("capital", "port", "rail_crossing", "cosmodrome", "launch_site", "airfield", "airport", "depot",
                    "industrial", "strike_target", "city", "region", "venue")
"""Which place names win when labels would overlap: the places of a focus first, then by this order of kind,
then in file order. The live map (through the payload) and the static map use it alike."""
ATTRIBUTION = "Boundaries: Made with Natural Earth (public domain). Events: Corridor compilation, see sources."


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """'#rrggbb' as [r, g, b, a] for deck.gl."""
    h = hex_color.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def legend() -> list[dict[str, str]]:
    """The legend entries: one per category, with its colour and label."""
    return [{"id": c, "label": label, "color": CATEGORY_COLORS[c]} for c, label in schema.CATEGORIES.items()]


def label_order(places: list[tuple[str, str]], focused: set[str] = frozenset()) -> list[str]:
    """The ids of ``places`` ((id, kind) in file order) in the order their names are tried for a label: the
    focused ones first, then by ``LABEL_KIND_ORDER``, then file order."""
    rank = {kind: i for i, kind in enumerate(LABEL_KIND_ORDER)}
    order = sorted(range(len(places)), key=lambda i: (places[i][0] not in focused,
                                                    rank.get(places[i][1], len(rank)), i))
    return [places[i][0] for i in order]


def place_label(name: str) -> str:
    """A place's name as a map label: without its parenthesised gloss ('Moscow (Kremlin)' -> 'Moscow')."""
    return str(name).split(" (")[0]
