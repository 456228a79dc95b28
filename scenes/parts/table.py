"""Tables of texts.

- ``Table``: a grid of cells that only knows where its cells are (a header row over a rule, then
  one row per item); the chapter puts any mobject in any cell, and several mobjects may share a
  cell over time. Build the cells first, then fit the whole group into its zone.
- ``TextTable``: column heads over rows of ``Text`` cells (``cells[r][c]``), each column as wide as
  its widest entry, so tests read what is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import LEFT, ORIGIN, RIGHT, Line, Mobject, VGroup

from scenes import style
from scenes.parts.text import label


class Table(VGroup):
    """Columns ``widths`` wide (units, ``gap`` apart), ``rows`` rows ``pitch`` apart under a header
    row, with a rule between them. Only the rule is drawn; ``put`` places a mobject in a cell."""

    def __init__(
        self, widths: Sequence[float], rows: int, pitch: float = 0.6, gap: float = 0.45, header: float = 0.75
    ) -> None:
        super().__init__()
        self.widths = np.asarray(widths, dtype=np.float64)
        lefts = np.concatenate([[0.0], np.cumsum(self.widths + gap)[:-1]])
        total = float(self.widths.sum() + gap * (len(self.widths) - 1))
        self._x = lefts + self.widths / 2 - total / 2
        self._header_y = 0.0
        self._rule_y = -header / 2 - 0.05
        self._pitch = pitch
        self._row_y = self._rule_y - 0.1 - pitch / 2 - pitch * np.arange(rows + 1)  # one spare row: sums
        self.rule = Line([-total / 2 - 0.05, self._rule_y, 0], [total / 2 + 0.05, self._rule_y, 0])
        self.rule.set_stroke(style.GRID_LINE, width=2)
        self.add(self.rule)
        self._origin = self.rule.get_center().copy()
        self._length = self.rule.get_length()

    def _point(self, x: float, y: float) -> np.ndarray:
        # The rule scales and moves with the group: cell positions follow it.
        k = self.rule.get_length() / self._length
        return self.rule.get_center() + k * (np.array([x, y, 0.0]) - self._origin)

    def cell(self, row: int, col: int, align=ORIGIN) -> np.ndarray:
        """The centre of cell (row, col) (row -1: the header), or its left/right edge with ``align``."""
        y = self._header_y if row < 0 else self._row_y[row]
        x = self._x[col] + float(np.asarray(align)[0]) * self.widths[col] / 2
        return self._point(x, y)

    def put(self, mob: Mobject, row: int, col: int, align=ORIGIN) -> Mobject:
        """Move ``mob`` into cell (row, col), centred or against the cell's ``align`` edge (LEFT/RIGHT)."""
        edge = LEFT if np.asarray(align)[0] < 0 else RIGHT if np.asarray(align)[0] > 0 else ORIGIN
        mob.move_to(self.cell(row, col, align), aligned_edge=edge)
        return mob

    def scale_factor(self) -> float:
        """How much the table has been scaled since it was built (for mobjects made afterwards)."""
        return self.rule.get_length() / self._length

    def under(self, row: int, col: int, width: float | None = None) -> Line:
        """A short rule under cell (row, col): a sum follows in the next row."""
        k = self.scale_factor()
        w = (self.widths[col] if width is None else width) * k
        y = self._point(0, self._row_y[row] - self._pitch / 2)[1]
        x = self.cell(row, col)[0]
        return Line([x - w / 2, y, 0], [x + w / 2, y, 0]).set_stroke(style.MUTED, width=2)


class TextTable(VGroup):
    """``heads`` over ``rows`` of texts. ``colour(r, c)`` colours cell (r, c) (default: text);
    ``align[c]`` is "left", "right" or "centre" (the default) for column c."""

    def __init__(
        self,
        heads: Sequence[str],
        rows: Sequence[Sequence[str]],
        size: float = style.SMALL,
        head_size: float = style.SMALL,
        colour: Callable[[int, int], str] | None = None,
        head_colour: str = style.MUTED,
        gap: float = 0.45,
        row_height: float | None = None,
        align: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        n = len(heads)
        # An empty head (e.g. over a column of row names) is an empty group: an empty Text has no size.
        self.heads = VGroup(*[label(h, size=head_size, colour=head_colour) if h else VGroup() for h in heads])
        self.cells = [
            VGroup(*[label(t, size=size, colour=colour(r, c) if colour else style.TEXT) for c, t in enumerate(row)])
            for r, row in enumerate(rows)
        ]
        widths = [max([self.heads[c].width] + [row[c].width for row in self.cells]) for c in range(n)]
        pitch = row_height or 1.9 * size * style.DIGIT_HEIGHT
        xs, x = [], 0.0
        for w in widths:
            xs.append(x + w / 2)
            x += w + gap
        total = x - gap
        align = list(align) if align is not None else ["centre"] * n

        def put(mob, c: int, y: float) -> None:
            if not mob.has_points() and not mob.submobjects:
                return
            left = xs[c] - widths[c] / 2 - total / 2
            mob.move_to([xs[c] - total / 2, y, 0])
            if align[c] == "left":
                mob.shift(RIGHT * (left - mob.get_left()[0]))
            elif align[c] == "right":
                mob.shift(RIGHT * (left + widths[c] - mob.get_right()[0]))

        for c, h in enumerate(self.heads):
            put(h, c, 0.0)
        self.rule = Line([-total / 2, 0, 0], [total / 2, 0, 0], color=style.GRID_LINE, stroke_width=2)
        self.rule.set_y(min(h.get_bottom()[1] for h in self.heads if h.submobjects or h.has_points()) - 0.12)
        self.rule.set_x(0)
        top = self.rule.get_y() - 0.12 - pitch / 2
        for r, row in enumerate(self.cells):
            for c, m in enumerate(row):
                put(m, c, top - r * pitch)
        self.columns = [VGroup(*[row[c] for row in self.cells]) for c in range(n)]
        self.add(self.heads, self.rule, *self.cells)

    def texts(self) -> list[list[str]]:
        """What each row says, cell by cell."""
        return [[m.original_text for m in row] for row in self.cells]
