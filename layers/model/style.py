"""Colours, glyphs and line styles shared by the player, the static maps and the legend.

Three themes: ``standard`` (the app, the exports), and the two room themes of presenter mode, ``bright`` (a lit
room: a whiter map, darker lines) and ``dark`` (a dark room: a dark map, no casing). Each is checked against its
own background by ``layers.model.legibility`` (``python -m layers palette`` prints the table)."""

from __future__ import annotations

from dataclasses import dataclass, field

from layers.model import schema

PALETTE = ("#f5a623", "#ff3b30", "#e040a0", "#80deea", "#b388ff", "#8d6e63", "#43a047", "#3b7dd8", "#b0b0b0")
"""One colour per category, in ``schema.CATEGORIES`` order. Drawn inside a dark casing on the light themes, so a
colour needs 3:1 against the casing (not against the pale land); chosen by searching for the largest smallest
CIEDE2000 distance under simulated deuteranopia, protanopia and tritanopia, with red kept for the missiles."""
GLYPHS: dict[str, str] = {"munitions": "M", "missiles": "B", "strike": "S", "launch": "L", "technology": "T",
                          "energy_food": "O", "troops": "P", "diplomacy": "D", "sanctions": "U"}
"""A letter per category (ballistic, personnel, oil, UN): the second channel for colours that colour-blind
readers may confuse. Drawn on every event marker and along every flow, and in the legend. Plain ASCII letters,
so every font has them."""


@dataclass(frozen=True)
class Theme:
    """A map's colours: basemap, text, the casing around flows and markers (None: no casing), categories."""

    name: str
    title: str
    land: str
    water: str
    border: str
    label: str
    halo: str
    casing: str | None
    colors: dict[str, str] = field(default_factory=dict)

    def basemap(self) -> dict[str, str]:
        """The basemap colours as the payload and the static map read them."""
        return {"land": self.land, "border": self.border, "water": self.water, "label": self.label,
                "halo": self.halo, "casing": self.casing or ""}


def _colors(**changes: str) -> dict[str, str]:
    colors = dict(zip(schema.CATEGORIES, PALETTE, strict=True))
    colors.update(changes)
    return colors


THEMES: dict[str, Theme] = {
    "standard": Theme("standard", "Standard", land="#eceae4", water="#d6e4ee", border="#a7a49b", label="#2b2b28",
                      halo="#ffffff", casing="#1d1d1b", colors=_colors()),
    "bright": Theme("bright", "Bright room", land="#f7f6f2", water="#c9dcec", border="#77736a", label="#111111",
                    halo="#ffffff", casing="#111111", colors=_colors()),
    "dark": Theme("dark", "Dark room", land="#2b2e33", water="#131c26", border="#6e737b", label="#f4f4f2",
                  halo="#000000", casing=None, colors=_colors(energy_food="#b08f82")),
}
"""The themes by name. ``standard`` is what the app and every export draw; presenter mode offers the others."""
STANDARD = THEMES["standard"]
CATEGORY_COLORS: dict[str, str] = STANDARD.colors
BASEMAP = STANDARD.basemap()
LABEL_HALO_ALPHA = 0.85
"""Opacity of the halo behind place names and glyphs (live map and exports)."""
CASING_PX = 1.5
"""Width of the dark casing on each side of a flow or around a marker, in pixels (at 1080p in the exports)."""
DIMMED_ALPHA = 0.22
"""Opacity factor of what a chapter's focus leaves out, on the live map and in every static export. Dimmed lines
are context on purpose and are not held to the 3:1 contrast of what is in focus."""
LABEL_KIND_ORDER = ("capital", "port", "rail_crossing", "cosmodrome", "launch_site", "airfield", "airport", "depot",
                    "industrial", "strike_target", "city", "region", "venue")
"""Which place names win when labels would overlap: the places of a focus first, then by this order of kind,
then in file order. The live map (through the payload) and the static map use it alike."""
ATTRIBUTION = "Boundaries: Made with Natural Earth (public domain). Events: Corridor compilation, see sources."


def rgb(hex_color: str, alpha: int = 255) -> list[int]:
    """'#rrggbb' as [r, g, b, a] for deck.gl."""
    h = hex_color.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def legend(theme: Theme = STANDARD) -> list[dict[str, str]]:
    """The legend entries: one per category, with its colour, glyph and label."""
    return [{"id": c, "label": label, "color": theme.colors[c], "glyph": GLYPHS[c]}
            for c, label in schema.CATEGORIES.items()]


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
