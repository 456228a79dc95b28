"""One grid view for every 2-D array a chapter shows, with pluggable cells (like Manim's ``Matrix``
with its ``element_to_mobject``): numbers on coloured squares, colour only, or one image.

``Grid`` draws a cell per value (up to a few hundred cells); ``PixelImage`` draws the same array as
one crisp image (any size). Both keep what they draw (``values``, ``rgb``) so tests can compare it
with the trace, and share one geometry: ``point``, ``window``, ``reveal``.
"""

from __future__ import annotations

import numpy as np
from manim import ImageMobject, Mobject, Rectangle, Square, VGroup
from manim.constants import RESAMPLING_ALGORITHMS

from scenes import style
from scenes.parts.text import as_texture, cached_label, fitted_size
from scenes.plans.colour import Scale, hex_to_rgb, ink_for, rgb_hex
from scenes.plans.numbers import fmt

HIDDEN = hex_to_rgb("#181c24").astype(np.uint8)  # a cell not computed yet (image grids)


class GridGeometry:
    """Cell geometry shared by ``Grid`` and ``PixelImage``. Needs ``shape`` and ``_origin()``: the
    centre of cell (0, 0) and the drawn cell side."""

    shape: tuple[int, int]

    def _origin(self) -> tuple[np.ndarray, float]:
        raise NotImplementedError

    @property
    def cell_size(self) -> float:
        """The drawn side of one cell (follows any scaling)."""
        return self._origin()[1]

    def point(self, r: float, c: float) -> np.ndarray:
        """The centre of cell (r, c); fractional and outside indices (e.g. padding) work too."""
        origin, step = self._origin()
        return origin + np.array([c * step, -r * step, 0.0])

    def block_centre(self, r: float, c: float, h: int = 1, w: int = 1) -> np.ndarray:
        """The centre of the h x w block of cells whose top-left cell is (r, c)."""
        return (self.point(r, c) + self.point(r + h - 1, c + w - 1)) / 2

    def window(
        self, r: int, c: int, h: int = 1, w: int = 1, colour: str = style.HIGHLIGHT, width: float = 5
    ) -> Rectangle:
        """A frame around the h x w block of cells whose top-left cell is (r, c) (may reach outside)."""
        step = self.cell_size
        rect = Rectangle(width=w * step, height=h * step, stroke_color=colour, stroke_width=width)
        return rect.move_to(self.block_centre(r, c, h, w))


class NumberCells:
    """The cell factory for numbers: each value written with ``text`` in the ink that reads on its
    cell, all at one font size (``size``, or the largest at which the widest fits the cell). Numbers
    below ``style.READABLE`` are marked as a texture (a dense grid whose pattern is the point)."""

    def __init__(self, text=fmt, size: float | None = None, fill: float = 0.8) -> None:
        self.text, self.size, self.fill = text, size, fill

    def build(self, values: np.ndarray, rgb: np.ndarray, cell: float) -> list[Mobject]:
        texts = [self.text(v) for v in values.ravel()]
        size = self.size or fitted_size(cell, texts, self.fill)
        out = [cached_label(t, size, ink_for(c)) for t, c in zip(texts, rgb.reshape(-1, 3))]
        if size < style.READABLE:
            for m in out:
                as_texture(m)
        return out


NUMBERS = NumberCells()  # the default: fmt with two decimals, fitted


def decimals(n: int) -> NumberCells:
    """Numbers with ``n`` decimals (``fmt``)."""
    return NumberCells(lambda v: fmt(v, n))


class Grid(VGroup, GridGeometry):
    """A 2-D array as coloured square cells, with ``element`` drawn in each (default: its number;
    ``None``: colour only)."""

    def __init__(
        self,
        values: np.ndarray,
        scale: Scale,
        cell: float = 0.4,
        element: NumberCells | None = NUMBERS,
        stroke: str = style.GRID_LINE,
        stroke_width: float = 1,
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64)
        if self.values.ndim != 2:
            raise ValueError(f"Grid needs a 2-D array, got shape {self.values.shape}")
        self.scale_map = scale
        self.rgb = scale.rgb(self.values)
        self.shape = self.values.shape
        h, w = self.shape
        self.cells = VGroup()
        for r in range(h):
            for c in range(w):
                sq = Square(cell, stroke_color=stroke, stroke_width=stroke_width)
                sq.set_fill(rgb_hex(self.rgb[r, c]), opacity=1)
                sq.move_to(np.array([(c - (w - 1) / 2) * cell, ((h - 1) / 2 - r) * cell, 0]))
                self.cells.add(sq)
        self.numbers = VGroup()
        if element is not None:
            for sq, m in zip(self.cells, element.build(self.values, self.rgb, cell)):
                self.numbers.add(m.move_to(sq))
        self.add(self.cells, self.numbers)
        self.revealed = h * w

    def _origin(self) -> tuple[np.ndarray, float]:
        # Measured on one cell, not the group: the outlines of hundreds of numbers are slow to measure.
        first = self.cells[0]
        return first.get_center(), first.width

    def cell(self, r: int, c: int) -> Square:
        return self.cells[r * self.shape[1] + c]

    def number(self, r: int, c: int) -> Mobject:
        return self.numbers[r * self.shape[1] + c]

    def reveal(self, shown: int | np.ndarray) -> None:
        """Show the first ``shown`` cells in raster order (or the cells of a boolean mask); the others
        are not computed yet."""
        mask = _mask(self.shape, shown)
        for i, on in enumerate(mask.ravel()):
            self.cells[i].set_fill(opacity=1.0 if on else 0.0)
            if len(self.numbers):
                self.numbers[i].set_opacity(1.0 if on else 0.0)
        self.revealed = int(mask.sum())


class PixelImage(ImageMobject, GridGeometry):
    """A 2-D array (or an RGB photo, with ``style.Photo()``) as one crisp image of ``height`` units:
    cell (r, c) is one block of pixels."""

    def __init__(self, values: np.ndarray, scale: Scale, height: float = 4.0) -> None:
        self.values = np.array(values, dtype=np.float64)
        self.scale_map = scale
        self.rgb = scale.rgb(self.values)
        self.shape = self.rgb.shape[:2]
        super().__init__(self.rgb, scale_to_resolution=1080)
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.height = height
        self.revealed = self.shape[0] * self.shape[1]

    def _origin(self) -> tuple[np.ndarray, float]:
        step = self.width / self.shape[1]
        return np.array([self.get_left()[0] + step / 2, self.get_top()[1] - step / 2, 0.0]), step

    def reveal(self, shown: int | np.ndarray) -> None:
        """Like ``Grid.reveal``: hidden cells take a dark placeholder colour."""
        mask = _mask(self.shape, shown)
        self.pixel_array[:, :, :3] = np.where(mask[..., None], self.rgb, HIDDEN)
        self.revealed = int(mask.sum())


def _mask(shape: tuple[int, int], shown: int | np.ndarray) -> np.ndarray:
    if isinstance(shown, np.ndarray):
        return shown.astype(bool).reshape(shape)
    return (np.arange(shape[0] * shape[1]) < shown).reshape(shape)
