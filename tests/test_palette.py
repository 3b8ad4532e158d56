"""The palette holds up: every category at 3:1 as drawn, every text at 4.5:1, colour-blind pairs told apart
by a glyph, in every theme; and the README shows the current table."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.model import legibility, schema
from layers.model.style import GLYPHS, THEMES, Theme

README = Path(__file__).resolve().parents[1] / "README.md"
OLD = ("#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300", "#b9ac70", "#717581")
"""The palette before issue 14 (matplotlib's petroff10), drawn without a casing."""


def test_contrast_matches_wcag_examples() -> None:
    assert legibility.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert legibility.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert legibility.over("#000000", 0.5, "#ffffff") in ("#7f7f7f", "#808080")


@pytest.mark.parametrize("name", sorted(THEMES))
def test_every_theme_holds_up(name: str) -> None:
    theme = THEMES[name]
    assert set(theme.colors) == set(schema.CATEGORIES)
    assert legibility.problems(theme) == []
    for row in legibility.category_rows(theme):
        assert row.drawn >= legibility.GRAPHIC_MIN, row
    assert min(legibility.text_contrasts(theme).values()) >= legibility.TEXT_MIN


def test_close_pairs_have_distinct_glyphs() -> None:
    assert len(set(GLYPHS.values())) == len(GLYPHS)
    assert all(g.isascii() and g.isalpha() and len(g) == 1 for g in GLYPHS.values())
    close = [(pair, d) for pairs in legibility.cvd_distances(THEMES["standard"].colors).values()
             for pair, d in pairs.items() if d < legibility.CVD_MIN]
    assert close, "no close pair at all: the threshold would test nothing"
    assert all(GLYPHS[a] != GLYPHS[b] for (a, b), _ in close)


def test_the_old_palette_fails() -> None:
    old = Theme("old", "Old", land="#eceae4", water="#d6e4ee", border="#b9b6ad", label="#33332f", halo="#ffffff",
                casing=None, colors=dict(zip(schema.CATEGORIES, OLD, strict=True)))
    found = legibility.problems(old)
    assert any("missiles #ffa90e drawn at 1.48:1" in p for p in found), found
    assert sum("drawn at" in p for p in found) == 5  # the five the issue measured


def test_readme_shows_the_current_table() -> None:
    assert legibility.report() in README.read_text(encoding="utf-8"), "run: python -m layers palette"
