"""A table of texts: a row of column heads, a rule under it, and rows of cells, each column centred
on its widest entry. Cells are ``Text`` mobjects (``cells[r][c]``), so tests read what is written."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from manim import RIGHT, Line, VGroup

from scenes import style
from scenes.parts.text import label


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
