"""Sherlock's magnifying glass: the filter's window on a grid, with a handle."""

from __future__ import annotations

import numpy as np
from manim import DOWN, RIGHT, Line, Rectangle, VGroup

from scenes import style
from scenes.parts.grid import GridGeometry


class MagnifyingGlass(VGroup):
    """A ``rows`` x ``cols`` window of ``grid``'s cells, drawn as a lens with a handle at its
    bottom-right corner. ``over`` moves it onto another window (top-left cell; outside indices are
    padding cells)."""

    def __init__(self, grid: GridGeometry, rows: int, cols: int | None = None, colour: str = style.HIGHLIGHT) -> None:
        super().__init__()
        cols = rows if cols is None else cols
        self.grid, self.rows, self.cols = grid, rows, cols
        step = grid.cell_size
        self.lens = Rectangle(width=cols * step, height=rows * step, stroke_color=colour, stroke_width=5)
        corner = self.lens.get_corner(DOWN + RIGHT)
        handle_len = max(0.22, 0.45 * min(rows, cols) * step)
        self.handle = Line(corner, corner + handle_len * np.array([1.0, -1.0, 0.0]), color=colour, stroke_width=9)
        self.add(self.lens, self.handle)
        self.at = (0, 0)
        self.over(0, 0)

    def centre_at(self, top: int, left: int) -> np.ndarray:
        return self.grid.block_centre(top, left, self.rows, self.cols)

    def over(self, top: int, left: int) -> MagnifyingGlass:
        """Put the lens over the window whose top-left cell is (top, left)."""
        self.shift(self.centre_at(top, left) - self.lens.get_center())
        self.at = (top, left)
        return self
