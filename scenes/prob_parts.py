"""Parts shared by the softmax, loss and overview chapters: number formats for very large and very
small values, tensor-shape labels and a labelled probability bar chart."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import DOWN, UP, Line, Rectangle, VGroup

from scenes import legacy_style as style
from scenes.legacy_parts import label

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def num(value: float, digits: int = 2) -> str:
    """A number as shown on screen, readable from 10^-300 to 10^300.

    Between 0.001 and a million: like ``style.fmt`` (whole numbers above 100, three significant
    digits below 0.1); outside: scientific, e.g. ``2.30×10⁻⁹``.
    """
    v = float(value)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "-∞"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1e6 or a < 1e-3:
        mantissa, exponent = f"{v:.{digits}e}".split("e")
        return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"
    if a >= 100:
        return str(int(round(v)))
    if a >= 0.1:
        return style.fmt(v, digits)
    return style.fmt(v, 2 - math.floor(math.log10(a)))


def precise_prob(p: float) -> str:
    """A probability with enough decimals that one just below 1 does not read as exactly 1."""
    p = float(p)
    if 0.995 <= p < 1:
        decimals = min(12, math.ceil(-math.log10(1 - p)) + 1)
        return f"{p:.{decimals}f}"
    return num(p)


def shape_text(shape: Sequence[int]) -> str:
    """A tensor shape as the chapters write it: (C, H, W) -> "H×W×C", (n,) -> "n"."""
    shape = tuple(int(d) for d in shape)
    if len(shape) == 3:
        c, h, w = shape
        return f"{h}×{w}×{c}"
    return "×".join(str(d) for d in shape)


def nice_step(span: float, count: int = 4) -> float:
    """A round tick spacing (1, 2 or 5 times a power of ten) giving about ``count`` ticks."""
    raw = span / count
    base = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 5, 10):
        if m * base >= raw:
            return m * base
    return 10 * base


class ProbabilityBars(VGroup):
    """Probabilities (0-1) as bars on a baseline, class names under them and values above them.

    Bar ``k`` is ``max_height * values[k]`` tall; the ``winner`` bar is filled with ``winner_colour``
    (default ``style.WINNER``) and the others with ``colour``.
    """

    def __init__(
        self,
        values: np.ndarray,
        names: Sequence[str],
        winner: int | None = None,
        max_height: float = 2.5,
        bar_width: float = 0.7,
        spacing: float | None = None,
        colour: str = style.MUTED,
        size: float = style.SMALL_SIZE + 2,
        value_text=num,
        winner_colour: str = style.WINNER,
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64).ravel()
        self.winner, self.max_height = winner, max_height
        self.names = VGroup(*[label(n, size=size) for n in names])
        widest_number = max(label(value_text(v), size=size).width for v in self.values)
        if spacing is None:
            spacing = max(bar_width + 0.4, max(n.width for n in self.names) + 0.25, widest_number + 0.25)
        n = len(self.values)
        name_h = max(m.height for m in self.names)
        self.bars, self.numbers = VGroup(), VGroup()
        xs = [(k - (n - 1) / 2) * spacing for k in range(n)]
        for k, (x, v) in enumerate(zip(xs, self.values)):
            fill = winner_colour if k == winner else colour
            bar = Rectangle(width=bar_width, height=max(max_height * v, 1e-4), stroke_width=0)
            bar.set_fill(fill, opacity=1)
            bar.move_to([x, 0, 0], aligned_edge=DOWN)
            self.bars.add(bar)
            self.numbers.add(label(value_text(v), size=size, colour=fill).next_to(bar, UP, buff=0.1))
            self.names[k].move_to([x, -0.1 - name_h / 2, 0])  # centred on one line
            if k == winner:
                self.names[k].set_color(winner_colour)
        left, right = xs[0] - spacing / 2, xs[-1] + spacing / 2
        self.baseline = Line([left, 0, 0], [right, 0, 0], color=style.GRID_LINE, stroke_width=2)
        self.add(self.baseline, self.bars, self.numbers, self.names)

    def bar_height(self, k: int) -> float:
        return self.bars[k].height if self.values[k] > 0 else 0.0
