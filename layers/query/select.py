"""Which events a View shows: the filters, the time window and the focus, as boolean masks over the catalog."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from layers.load.catalog import Catalog
from layers.model import schema
from layers.model.dates import day_number
from layers.model.view import View
from layers.query.trips import shown


def _allowed(codes: np.ndarray, vocabulary: Mapping[str, str], wanted: tuple[str, ...]) -> np.ndarray:
    """Which ``codes`` (positions in ``vocabulary``, -1 for none) name a wanted value: one table lookup."""
    table = np.array([name in wanted for name in vocabulary] + [False])
    return table[codes]


def filter_mask(catalog: Catalog, view: View) -> np.ndarray:
    """Which events pass the category, actor and confidence filters (time aside)."""
    arrays = catalog.arrays
    mask = np.ones(len(arrays.start), dtype=bool)
    if view.categories:
        mask &= _allowed(arrays.category, schema.CATEGORIES, view.categories)
    if view.confidence:
        mask &= _allowed(arrays.confidence, schema.CONFIDENCE, view.confidence)
    if view.actors:
        hit = np.zeros_like(mask)
        for actor in view.actors:
            rows = arrays.actor_rows.get(actor)
            if rows is not None:
                hit[rows] = True
        mask &= hit
    return mask


def time_mask(catalog: Catalog, view: View) -> np.ndarray:
    """Which events have begun by the view's date and, with a window, have not ended before it."""
    arrays = catalog.arrays
    if view.date is None:
        return np.ones(len(arrays.start), dtype=bool)
    return shown(arrays.start, arrays.end, day_number(view.date), view.window_days)


def select(catalog: Catalog, view: View) -> pd.DataFrame:
    """The events the view shows, in date order."""
    return catalog.events[filter_mask(catalog, view) & time_mask(catalog, view)]


def focus_mask(events: pd.DataFrame, view: View) -> np.ndarray:
    """Which of ``events`` a chapter highlights: all when the view has no focus."""
    if not view.focus:
        return np.ones(len(events), dtype=bool)
    wanted = set(view.focus)
    return (events["id"].isin(wanted) | events["category"].isin(wanted)).to_numpy()
