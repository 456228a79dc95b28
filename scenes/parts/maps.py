"""Feature maps as the chapters draw them: one map as outlined cells (small maps) or as one image
(large ones), and several maps as named tiles."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, ORIGIN, Group

from scenes import style
from scenes.layout import Zone
from scenes.parts.grid import Grid, PixelImage
from scenes.parts.text import label
from scenes.plans.colour import Scale


def map_view(values: np.ndarray, scale: Scale, side: float, cells: bool) -> Grid | PixelImage:
    """A 2-D map whose longer side is ``side`` units: colour cells without numbers, or one image.
    Both answer ``point``, ``window`` and ``reveal`` the same way."""
    h, w = np.shape(values)
    if cells:
        return Grid(values, scale, cell=side / max(h, w), element=None)
    return PixelImage(values, scale, height=side * h / max(h, w))


class MapTiles(Group):
    """Maps in a grid of ``cols`` columns, each ``side`` units with its name above it.

    ``views[k]`` is map k's view and ``names[k]`` its name.
    """

    def __init__(
        self,
        maps: np.ndarray,
        scale: Scale,
        names: Sequence[str],
        side: float,
        cells: bool,
        cols: int | None = None,
        size: float = style.LABEL,
        buff: float = 0.35,
    ) -> None:
        super().__init__()
        self.views = [map_view(m, scale, side, cells) for m in maps]
        self.names = [label(n, size=size, colour=style.MUTED) for n in names]
        tiles = [Group(n, v).arrange(DOWN, buff=0.1) for n, v in zip(self.names, self.views)]
        self.add(*tiles)
        cols = cols or len(tiles)
        self.arrange_in_grid(cols=cols, buff=buff)


def tiles_in(
    zone: Zone,
    maps: np.ndarray,
    scale: Scale,
    names: Sequence[str],
    cells: bool,
    cols: int | None = None,
    largest: float = 3.0,
    buff: float = 0.35,
    at=ORIGIN,
) -> MapTiles:
    """``MapTiles`` as large as ``zone`` allows with their names at full size (at most ``largest``
    units a map), in ``cols`` columns (default: whichever count gives the largest maps), placed in it."""
    n = len(maps)
    name_h = label(names[0]).height + 0.1

    def side(k: int) -> float:
        rows = -(-n // k)
        return min((zone.width - (k - 1) * buff) / k, (zone.height - rows * (name_h + buff) + buff) / rows)

    cols = cols or max(range(1, n + 1), key=side)
    tiles = MapTiles(maps, scale, names, min(largest, side(cols)), cells, cols, buff=buff)
    return zone.place(tiles, at)
