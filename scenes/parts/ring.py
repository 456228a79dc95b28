"""Padding: rings of zeros around a grid, with crime-scene tape along them."""

from __future__ import annotations

import numpy as np
from manim import DashedVMobject, Rectangle, Square, VGroup

from scenes import style
from scenes.parts.grid import GridGeometry
from scenes.parts.text import cached_label, fitted_size
from scenes.plans.colour import rgb_hex


class PaddingRing(VGroup):
    """``pad`` rings of zero cells around ``grid`` (coloured ``zero_rgb``), with a dashed tape along
    the middle of the band. ``numbers=True`` draws each zero cell with its "0" (small grids);
    otherwise the band is one rectangle (cheap for big ones). Add it to the scene before the grid:
    the band lies under the grid."""

    def __init__(self, grid: GridGeometry, pad: int, zero_rgb, numbers: bool = False) -> None:
        super().__init__()
        h, w = grid.shape
        step = grid.cell_size
        self.pad = pad
        self.positions: list[tuple[int, int]] = []
        self.cells, self.numbers = VGroup(), VGroup()
        centre = grid.block_centre(0, 0, h, w)
        colour = rgb_hex(zero_rgb)
        if numbers:
            size = fitted_size(step, ["0"], fill=0.6)
            for r in range(-pad, h + pad):
                for c in range(-pad, w + pad):
                    if 0 <= r < h and 0 <= c < w:
                        continue
                    sq = Square(step, stroke_color=style.GRID_LINE, stroke_width=1.5).set_fill(colour, opacity=1)
                    sq.move_to(grid.point(r, c))
                    self.cells.add(sq)
                    self.numbers.add(cached_label("0", size, style.MUTED).move_to(sq))
                    self.positions.append((r, c))
        else:
            outer = Rectangle(width=(w + 2 * pad) * step, height=(h + 2 * pad) * step, stroke_width=0)
            self.cells.add(outer.set_fill(colour, opacity=1).move_to(centre))
            self.positions = [(r, c) for r in range(-pad, h + pad) for c in range(-pad, w + pad)
                              if not (0 <= r < h and 0 <= c < w)]  # fmt: skip
        self.values = np.zeros(len(self.positions))
        # Along the middle of the band; with numbers, around its outside and thin, so the zeros show.
        side = pad * 2 if numbers else pad
        mid = Rectangle(width=(w + side) * step, height=(h + side) * step).move_to(centre)
        self.tape = DashedVMobject(mid, num_dashes=2 * (w + h + 2 * pad), dashed_ratio=0.55)
        self.tape.set_stroke(style.HIGHLIGHT, width=5 if numbers else max(2.0, 40 * pad * step))
        self.add(self.cells, self.numbers, self.tape)
