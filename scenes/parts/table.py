"""A small table of texts: a header row over a rule, then one row per item, columns side by side.

The table only knows where its cells are; the chapter puts any mobject in any cell (several texts
may share a cell over time, e.g. a value and the value that replaces it). Build the cells first,
then fit the whole group into its zone: everything scales together.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import LEFT, ORIGIN, RIGHT, Line, Mobject, VGroup

from scenes import style


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
