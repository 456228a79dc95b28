"""A long vector written as the lines of a page: line m holds entries m*L .. m*L + L - 1, so a
flattened stack of maps reads one map per line. Every entry is drawn (one crisp image per line):
a texture whose pattern is the point; ``window`` frames one entry."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, Group, Rectangle

from scenes import style
from scenes.parts.grid import PixelImage
from scenes.plans.colour import Scale


class VectorPage(Group):
    """``values`` (n,) as ``lines`` lines, ``width`` units wide and ``gap`` apart. Cells are square
    unless ``line_height`` stretches every line to that height (a short page drawn taller)."""

    def __init__(
        self,
        values: np.ndarray,
        lines: int,
        scale: Scale,
        width: float,
        gap: float = 0.0,
        line_height: float | None = None,
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64).ravel()
        n = len(self.values)
        if lines < 1 or n % lines:
            raise ValueError(f"{n} entries do not fill {lines} lines")
        self.per_line = n // lines
        self.rgb = scale.rgb(self.values)
        rows = self.values.reshape(lines, self.per_line)
        self.lines = [PixelImage(row[None, :], scale, height=width / self.per_line) for row in rows]
        if line_height is not None:
            for line in self.lines:
                line.stretch_to_fit_height(line_height)
        self.add(*self.lines)
        self.arrange(DOWN, buff=gap, aligned_edge=LEFT)
        self.revealed = n

    def locate(self, k: int) -> tuple[int, int]:
        """(line, position in the line) of entry ``k``."""
        return divmod(int(k), self.per_line)

    @property
    def cell_size(self) -> float:
        """The width of one entry."""
        return self.lines[0].width / self.per_line

    def point(self, k: int) -> np.ndarray:
        """The centre of entry ``k``."""
        m, j = self.locate(k)
        line = self.lines[m]
        return np.array([line.get_left()[0] + (j + 0.5) * self.cell_size, line.get_center()[1], 0.0])

    def window(self, k: int, count: int = 1, colour: str = style.HIGHLIGHT, width: float = 4) -> Rectangle:
        """A frame around ``count`` entries from ``k`` (on one line)."""
        m, _j = self.locate(k)
        step = self.cell_size
        rect = Rectangle(width=count * step, height=self.lines[m].height, stroke_color=colour, stroke_width=width)
        return rect.move_to(self.point(k) + RIGHT * (count - 1) * step / 2)

    def reveal(self, shown: int | np.ndarray) -> None:
        """Show the first ``shown`` entries (or those of a boolean mask over the n entries)."""
        n = len(self.values)
        mask = shown.astype(bool).ravel() if isinstance(shown, np.ndarray) else np.arange(n) < shown
        for m, line in enumerate(self.lines):
            line.reveal(mask[m * self.per_line : (m + 1) * self.per_line].reshape(1, -1))
        self.revealed = int(mask.sum())
