"""The first-map benchmark's rule of a drawn map (layers.bench.first_map), on pictures made here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from layers.bench.first_map import MIN_PIXELS, coloured, expected_colours, settled
from layers.model.style import BASEMAP, CATEGORY_COLORS
from layers.model.view import View


def rgb(colour: str) -> list[int]:
    return [int(colour[i:i + 2], 16) for i in (1, 3, 5)]


def land(height: int = 60, width: int = 80) -> np.ndarray:
    return np.tile(np.array(rgb(BASEMAP["land"]), dtype=np.uint8), (height, width, 1))


def test_the_colours_looked_for_are_those_of_the_flows_the_view_shows(tiny_folder: Path):
    colours = expected_colours(tiny_folder, View(date=dt.date(2023, 12, 31)))
    assert sorted(colours) == ["diplomacy", "munitions"]  # the tiny data's two flows (E001, E002)
    assert colours["munitions"].shape == (8, 3)  # four opacities over land and over water
    assert any(np.allclose(v, rgb(CATEGORY_COLORS["munitions"])) for v in colours["munitions"])


def test_a_basemap_alone_is_not_a_drawn_map_and_drawn_flows_are():
    colours = {c: np.array([rgb(CATEGORY_COLORS[c])], dtype=np.float32) for c in ("munitions", "missiles")}
    image = land()
    assert not coloured(image, colours)
    image[10, :MIN_PIXELS] = rgb(CATEGORY_COLORS["munitions"])
    assert not coloured(image, colours)  # one of two categories: under the share that must show
    image[20, :MIN_PIXELS - 1] = rgb(CATEGORY_COLORS["missiles"])
    assert not coloured(image, colours)  # too few pixels of it
    image[20, MIN_PIXELS - 1] = rgb(CATEGORY_COLORS["missiles"])
    assert coloured(image, colours)


def test_a_map_still_changing_is_not_settled():
    a = land()
    b = a.copy()
    assert settled(a, b)
    b[:10, :10] = 0  # a flow still being drawn: 100 of 4,800 pixels
    assert not settled(a, b)
    assert not settled(a, land(50, 80))
