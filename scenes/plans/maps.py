"""What the feature-map chapters (ReLU, max pooling, flatten, dense) share: how maps and positions
are named for the viewer, how many decimals a readable cell gets, and when a map is drawn cell by
cell rather than as one image."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from scenes.i18n import _, listed
from scenes.plans.numbers import fmt

CELLS_UP_TO = 144  # a map of up to this many cells is drawn as outlined cells; a larger one as an image
CELL_CHARS = 4  # characters a readable cell holds at the chapters' cell size ("-6.5", "2.47")


def map_name(k: int) -> str:
    """Map ``k`` (0-based inside) as the viewer counts it: "map 1" for k = 0."""
    return _("map {n}").format(n=k + 1)


def drawn_as_cells(shape: Sequence[int]) -> bool:
    """Whether a map of ``shape`` (..., H, W) is drawn as outlined cells (small) or as an image."""
    return int(shape[-2]) * int(shape[-1]) <= CELLS_UP_TO


def decimals_for(values: np.ndarray, chars: int = CELL_CHARS, most: int = 2) -> int:
    """The most decimals (at most ``most``) at which every value of ``values`` fits in ``chars``
    characters: "2.47" with 2, "-6.5" with 1, "123" with 0."""
    flat = np.ravel(np.asarray(values, dtype=np.float64))
    for d in range(most, 0, -1):
        if max((len(fmt(v, d)) for v in flat), default=0) <= chars:
            return d
    return 0


def joined(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c": a list as a sentence says it."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return _("{first} and {last}").format(first=listed(items[:-1]), last=items[-1])
