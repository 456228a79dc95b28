"""One convolution cell spelled out, with numbers a viewer can read.

- ``OpenChannel``: one input channel in full: the receptive field × the weights = the products, three
  grids with readable numbers (padding cells of the field marked with tape);
- ``CellSum``: every channel by its sum (a row per channel: its field and weights as small colour
  grids, then the sum), the sums added up, then + bias = the cell's value.

Both keep what they draw (grids with ``values``, texts) so tests compare them with the terms.
Built for one position; for the next one build another and swap its ``changing`` parts in.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, DashedVMobject, Square, Transform, VGroup

from scenes import style
from scenes.parts.frames import frame_of
from scenes.parts.grid import Grid, NumberCells
from scenes.parts.text import label
from scenes.plans.colour import Scale
from scenes.plans.numbers import fmt, signed

SIZE = 24  # numbers in the grids and sums: a little above READABLE, so 4:3 frames may shrink them


def morph(a, b) -> Transform:
    """A frame flying from ``a``'s box to ``b``'s: the eye follows a number to where it goes (cheap: the
    mobjects themselves are not morphed)."""
    return Transform(frame_of(a), frame_of(b), remover=True)


class OpenChannel(VGroup):
    """``patch`` × ``weights`` = ``products`` (k x k each) as three grids of ``cell`` units, numbers at
    ``size``; ``padded`` (k x k bool) marks the field's cells that lie in the padding."""

    def __init__(
        self,
        patch: np.ndarray,
        weights: np.ndarray,
        products: np.ndarray,
        patch_scale: Scale,
        value_scale: Scale,
        headers: Sequence[str],
        padded: np.ndarray | None = None,
        cell: float = 0.95,
        size: float = SIZE,
    ) -> None:
        super().__init__()
        numbers = NumberCells(size=size)
        self.patch = Grid(patch, patch_scale, cell=cell, element=numbers)
        self.weights = Grid(weights, value_scale, cell=cell, element=numbers)
        self.products = Grid(products, value_scale, cell=cell, element=numbers)
        self.times, self.equals = label("×", size=style.BIG), label("=", size=style.BIG)
        row = VGroup(self.patch, self.times, self.weights, self.equals, self.products).arrange(RIGHT, buff=0.22)
        self.headers = VGroup(
            *[label(h, size=size, colour=style.MUTED).next_to(g, UP, buff=0.15)
              for h, g in zip(headers, (self.patch, self.weights, self.products))]
        )  # fmt: skip
        self.pad_marks = VGroup()
        if padded is not None:
            for (r, c), on in np.ndenumerate(np.asarray(padded, dtype=bool)):
                if on:
                    mark = DashedVMobject(Square(cell * 0.84), num_dashes=8).set_stroke(style.HIGHLIGHT, width=3)
                    self.pad_marks.add(mark.move_to(self.patch.cell(r, c)))
        self.signs = VGroup(self.times, self.equals)
        self.fixed = VGroup(self.weights, self.signs, self.headers)
        self.changing = VGroup(self.patch, self.products, self.pad_marks)
        self.add(row, self.headers, self.pad_marks)


def sum_line(values: Sequence[float], colours: Sequence[str], total: float, size: float = SIZE) -> VGroup:
    """ "a + (b) + c = total": terms in their colours, negative ones in brackets, the total
    highlighted. ``.terms`` and ``.total`` hold the number texts."""
    line = VGroup()
    terms = []
    for i, (v, colour) in enumerate(zip(values, colours)):
        if i:
            line.add(label("+", size=size))
        t = label(signed(v), size=size, colour=colour)
        terms.append(t)
        line.add(t)
    total_text = label(fmt(total), size=size, colour=style.HIGHLIGHT)
    line.add(label("=", size=size), total_text).arrange(RIGHT, buff=0.15)
    line.terms, line.total = terms, total_text
    return line


class CellSum(VGroup):
    """The cell's value from its channels' sums.

    With several channels: a row per channel ``names[i]`` [field] × [weights] → sum (the grids small,
    colour only: the pattern, not the values), then the sums added up (``sum_line``). With one
    channel: ``single`` (e.g. "sum of the 9 products =") and the total. Then "total + bias = [value]".
    """

    def __init__(
        self,
        patches: np.ndarray,
        weights: np.ndarray,
        sums: np.ndarray,
        bias: float,
        output: float,
        names: Sequence[str],
        colours: Sequence[str],
        patch_scales: Sequence[Scale],
        weight_scale: Scale,
        out_scale: Scale,
        bias_text: str,
        single: str = "",
        small_cell: float = 0.2,
        size: float = SIZE,
    ) -> None:
        super().__init__()
        total = float(np.sum(sums))
        self.rows = VGroup()
        self.sums: list = []
        if len(sums) > 1:
            for name, colour, p, w, s, ps in zip(names, colours, patches, weights, sums, patch_scales):
                row = VGroup(
                    label(name, size=size, colour=colour),
                    Grid(p, ps, cell=small_cell, element=None),
                    label("×", size=size),
                    Grid(w, weight_scale, cell=small_cell, element=None),
                    label("→", size=size, colour=style.MUTED),
                    label(fmt(s), size=size, colour=colour),
                ).arrange(RIGHT, buff=0.15)
                row.name, row.patch, row.weights, row.sum = row[0], row[1], row[3], row[5]
                self.sums.append(row.sum)
                self.rows.add(row)
            names_w = max(r.name.width for r in self.rows)
            for r in self.rows:  # the grids line up whatever the names' widths
                r[1:].shift(RIGHT * (names_w - r.name.width))
            self.rows.arrange(DOWN, buff=0.12, aligned_edge=LEFT)
            self.sum_line = sum_line(sums, colours, total, size)
        else:
            self.sum_line = VGroup(label(single, size=size, colour=style.MUTED), label(fmt(total), size=size,
                                   colour=style.HIGHLIGHT)).arrange(RIGHT, buff=0.15)  # fmt: skip
            self.sum_line.terms, self.sum_line.total = [], self.sum_line[1]
        self.total = self.sum_line.total
        self.total_again = label(fmt(total), size=size, colour=style.HIGHLIGHT)
        self.bias = label(signed(bias), size=size)
        self.out = Grid(np.array([[output]]), out_scale, cell=0.042 * size, element=NumberCells(size=size))
        self.bias_line = VGroup(
            self.total_again,
            label(bias_text, size=size, colour=style.MUTED),
            self.bias,
            label("=", size=size),
            self.out,
        ).arrange(RIGHT, buff=0.15)
        parts = [*([self.rows] if len(self.rows) else []), self.sum_line, self.bias_line]
        VGroup(*parts).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        self.add(*parts)
        # What differs from one position to the next; the rest stays put when a position follows.
        self.changing = VGroup(
            *[r.patch for r in self.rows], *self.sums, self.sum_line, self.total_again, self.bias, self.out
        )
        moving = {id(m) for m in self.changing}
        pieces = [m for part in (*self.rows, self.bias_line) for m in part.submobjects]
        self.fixed = VGroup(*[m for m in pieces if id(m) not in moving])
