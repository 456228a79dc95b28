"""Bars and curves: probabilities as bars, histories as plotted lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import DOWN, LEFT, UP, Axes, Dot, Line, Rectangle, VGroup, VMobject

from scenes import style
from scenes.parts.text import label
from scenes.plans.numbers import fmt, prob


class ProbabilityBars(VGroup):
    """Probabilities (0-1) as bars on a baseline, class names under them and values above them.

    Bar ``k`` is ``max_height * values[k]`` tall; the ``winner`` bar is filled with ``winner_colour``
    and the others with ``colour``.
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
        size: float = style.SMALL,
        value_text: Callable[[float], str] = prob,
        winner_colour: str = style.WINNER,
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64).ravel()
        self.winner, self.max_height = winner, max_height
        self.names = VGroup(*[label(n, size=size) for n in names])
        self.texts = [value_text(v) for v in self.values]
        widest = max(label(t, size=size).width for t in self.texts)
        if spacing is None:
            spacing = max(bar_width + 0.4, max(n.width for n in self.names) + 0.25, widest + 0.25)
        n = len(self.values)
        name_h = max(m.height for m in self.names)
        self.bars, self.numbers = VGroup(), VGroup()
        xs = [(k - (n - 1) / 2) * spacing for k in range(n)]
        for k, (x, v) in enumerate(zip(xs, self.values)):
            fill = winner_colour if k == winner else colour
            bar = Rectangle(width=bar_width, height=max(max_height * v, 1e-4), stroke_width=0)
            bar.set_fill(fill, opacity=1).move_to([x, 0, 0], aligned_edge=DOWN)
            self.bars.add(bar)
            self.numbers.add(label(self.texts[k], size=size, colour=fill).next_to(bar, UP, buff=0.1))
            self.names[k].move_to([x, -0.1 - name_h / 2, 0])  # centred on one line
            if k == winner:
                self.names[k].set_color(winner_colour)
        left, right = xs[0] - spacing / 2, xs[-1] + spacing / 2
        self.baseline = Line([left, 0, 0], [right, 0, 0], color=style.GRID_LINE, stroke_width=2)
        self.add(self.baseline, self.bars, self.numbers, self.names)

    def bar_height(self, k: int) -> float:
        return self.bars[k].height if self.values[k] > 0 else 0.0


class PlotLine(VMobject):
    """Data points joined by straight lines on ``axes``; ``xs``/``ys`` are the plotted coordinates
    (``values`` the numbers they stand for, when the axis is not linear, e.g. log scale)."""

    def __init__(self, axes: Axes, xs, ys, colour: str, width: float = 4, values=None) -> None:
        super().__init__()
        self.xs, self.ys = np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)
        self.values = self.ys if values is None else np.array(values, dtype=np.float64)
        pts = [axes.c2p(x, y) for x, y in zip(self.xs, self.ys)]
        if len(pts) >= 2:
            self.set_points_as_corners(pts)
        self.set_stroke(colour, width=width)


def grown(axes: Axes, xs: np.ndarray, ys: np.ndarray, t: float, colour: str, width: float = 4) -> VGroup:
    """The part of a curve with x <= t (the last segment cut at t) and a dot at its head: a curve
    drawn by a tracker (``always_redraw(lambda: grown(..., tracker.get_value(), ...))``)."""
    k = int(np.searchsorted(xs, t, side="right"))
    px, py = list(xs[:k]), list(ys[:k])
    if 0 < k < len(xs) and t > xs[k - 1]:
        a = (t - xs[k - 1]) / (xs[k] - xs[k - 1])
        px.append(t)
        py.append(ys[k - 1] + a * (ys[k] - ys[k - 1]))
    out = VGroup()
    if len(px) >= 2:
        out.add(PlotLine(axes, px, py, colour, width))
    if px:
        out.add(Dot(axes.c2p(px[-1], py[-1]), radius=0.06, color=colour))
    return out


def plain_axes(x_max: float, y_range: tuple[float, float], width: float, height: float, x_min: float = 0) -> Axes:
    """Axes without Manim's ticks and numbers (``axis_ticks`` adds readable ones)."""
    return Axes(
        x_range=[x_min, x_max, 1],
        y_range=[y_range[0], y_range[1], 1],
        x_length=width,
        y_length=height,
        tips=False,
        axis_config={"include_ticks": False, "color": style.MUTED, "stroke_width": 2},
    )


def axis_ticks(
    axes: Axes,
    xs: Sequence[float],
    ys: Sequence[float],
    xtext: Callable[[float], str] = fmt,
    ytext: Callable[[float], str] = fmt,
    size: float = style.SMALL,
) -> VGroup:
    """Tick marks with their numbers along the x axis (at ``xs``) and the y axis (at ``ys``)."""
    out = VGroup()
    y0, x0 = axes.y_range[0], axes.x_range[0]
    for v in xs:
        p = axes.c2p(v, y0)
        out.add(Line(p + 0.06 * UP, p + 0.06 * DOWN, color=style.MUTED, stroke_width=2))
        out.add(label(xtext(v), size=size, colour=style.MUTED).next_to(p, DOWN, buff=0.1))
    for v in ys:
        p = axes.c2p(x0, v)
        out.add(Line(p + 0.06 * LEFT, p + 0.06 * -LEFT, color=style.MUTED, stroke_width=2))
        out.add(label(ytext(v), size=size, colour=style.MUTED).next_to(p, LEFT, buff=0.1))
    return out
