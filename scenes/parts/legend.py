"""Colour keys."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import RIGHT, Rectangle, VGroup

from scenes import style
from scenes.parts.text import label
from scenes.plans.colour import Scale, rgb_hex
from scenes.plans.numbers import fmt


def legend(
    scale: Scale, low: float, high: float, width: float = 2.4, ticks: Sequence[float] | None = None, text=fmt
) -> VGroup:
    """A horizontal colour bar from ``low`` to ``high`` with numbers under its ends (and ``ticks``)."""
    steps = 24
    rgb = scale.rgb(np.linspace(low, high, steps))
    bar = VGroup(
        *[Rectangle(width=width / steps, height=0.18, stroke_width=0).set_fill(rgb_hex(c), 1) for c in rgb]
    ).arrange(RIGHT, buff=0)
    marks = VGroup()
    for v in ticks if ticks is not None else (low, high):
        x = bar.get_left()[0] + (v - low) / (high - low) * width
        mark = label(text(v), size=style.SMALL, colour=style.MUTED)
        marks.add(mark.move_to([x, bar.get_bottom()[1] - 0.08 - mark.height / 2, 0]))
    group = VGroup(bar, marks)
    group.bar, group.marks = bar, marks
    return group
