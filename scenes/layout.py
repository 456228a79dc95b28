"""Layout zones derived from the frame, so every chapter fits at 16:9, 4:3, 1:1 and 9:16.

The frame is ``config.frame_width`` x ``config.frame_height`` units (8 units high; the width follows
the aspect ratio). From the outside in:

- the outer 3.5% of each side is the action-safe margin: nothing is drawn there;
- the bottom 12% of the height is the caption band, where players draw captions: nothing a viewer
  must read goes there (burned-in captions are the exception);
- ``header``: the chapter's heading along the top;
- ``body``: everything else, split into ``left``, ``centre`` and ``right`` side by side, or stacked
  top to bottom on frames narrower than 6:5 (square and portrait);
- ``footer``: the bottom strip of the body, for legends and readouts.

Chapters place mobjects with ``zone.place(mob, ...)`` (fitted, never enlarged) instead of literal
coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import ORIGIN, RIGHT, Group, Mobject, config

SAFE_MARGIN = 0.035  # of each side of the frame: the broadcast action-safe margin
CAPTION_BAND = 0.12  # of the frame height, at the bottom
INSET = 0.06  # a little air inside the safe margin, so strokes never touch it
HEADER_HEIGHT = 0.8
GAP = 0.15
FOOTER_HEIGHT = 0.75
STACK_BELOW = 1.2  # aspect ratios below this stack the body's columns
WIDE = 16 / 9  # the aspect ratio the chapters are designed for
READABLE = 22  # style.READABLE (kept here: style imports nothing from layout)


@dataclass(frozen=True)
class Zone:
    """An axis-aligned box of the frame, in scene units."""

    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def center(self) -> np.ndarray:
        return np.array([(self.left + self.right) / 2, (self.bottom + self.top) / 2, 0.0])

    def point(self, direction=ORIGIN) -> np.ndarray:
        """The zone's centre, edge midpoint or corner in ``direction`` (e.g. UP + LEFT)."""
        d = np.asarray(direction, dtype=np.float64)
        return self.center + np.array([d[0] * self.width / 2, d[1] * self.height / 2, 0.0])

    def inset(self, dx: float, dy: float | None = None) -> Zone:
        dy = dx if dy is None else dy
        return Zone(self.left + dx, self.bottom + dy, self.right - dx, self.top - dy)

    def fit(self, mob: Mobject, buff: float = 0.0) -> Mobject:
        """Scale ``mob`` down (never up) so that it fits inside the zone, ``buff`` from its edges."""
        w, h = self.width - 2 * buff, self.height - 2 * buff
        factor = min(1.0, w / mob.width if mob.width > 0 else 1.0, h / mob.height if mob.height > 0 else 1.0)
        if factor < 1.0:
            mob.scale(factor)
        return mob

    def place(self, mob: Mobject, at=ORIGIN, buff: float = 0.0, fit: bool = True) -> Mobject:
        """Fit ``mob`` (unless ``fit=False``), then put it at the zone's centre or against its edge or
        corner ``at`` (e.g. UP, DOWN + LEFT), ``buff`` inside."""
        if fit:
            self.fit(mob, buff)
        d = np.asarray(at, dtype=np.float64)
        target = self.inset(buff).point(d)
        mob.shift(target - mob.get_critical_point(d))
        return mob

    def arrange(self, *mobs: Mobject, direction=RIGHT, buff: float = 0.3, at=ORIGIN) -> Group:
        """``mobs`` in a row (or column, ``direction=DOWN``), fitted and placed in the zone."""
        group = Group(*mobs).arrange(direction, buff=buff)
        return self.place(group, at)

    def contains(self, mob: Mobject, tol: float = 1e-6) -> bool:
        return (
            mob.get_left()[0] >= self.left - tol
            and mob.get_right()[0] <= self.right + tol
            and mob.get_bottom()[1] >= self.bottom - tol
            and mob.get_top()[1] <= self.top + tol
        )

    def columns(self, *ratios: float, gap: float = GAP) -> list[Zone]:
        """Side by side, widths in proportion to ``ratios``, ``gap`` apart."""
        return self._split(ratios, gap, horizontal=True)

    def rows(self, *ratios: float, gap: float = GAP) -> list[Zone]:
        """Top to bottom, heights in proportion to ``ratios``, ``gap`` apart."""
        return self._split(ratios, gap, horizontal=False)

    def _split(self, ratios, gap: float, horizontal: bool) -> list[Zone]:
        ratios = np.asarray(ratios or (1,), dtype=np.float64)
        span = (self.width if horizontal else self.height) - gap * (len(ratios) - 1)
        sizes = span * ratios / ratios.sum()
        out, pos = [], self.left if horizontal else self.top
        for s in sizes:
            if horizontal:
                out.append(Zone(pos, self.bottom, pos + s, self.top))
                pos += s + gap
            else:
                out.append(Zone(self.left, pos - s, self.right, pos))
                pos -= s + gap
        return out

    def above(self, mob: Mobject, gap: float = GAP) -> Zone:
        """The part of the zone above ``mob``."""
        return Zone(self.left, min(self.top, mob.get_top()[1] + gap), self.right, self.top)

    def below(self, mob: Mobject, gap: float = GAP) -> Zone:
        """The part of the zone below ``mob``."""
        return Zone(self.left, self.bottom, self.right, max(self.bottom, mob.get_bottom()[1] - gap))


@dataclass(frozen=True)
class Layout:
    """The named zones of the current frame (see the module docstring)."""

    frame: Zone
    safe: Zone
    caption: Zone
    header: Zone
    body: Zone
    footer: Zone
    stacked: bool

    def split(self, *ratios: float, zone: Zone | None = None, gap: float = 0.3) -> list[Zone]:
        """``zone`` (default: the body) cut in parts for ``ratios``: side by side on wide frames,
        stacked on square and portrait ones."""
        zone = zone or self.body
        return zone.rows(*ratios, gap=gap) if self.stacked else zone.columns(*ratios, gap=gap)

    @property
    def left(self) -> Zone:
        return self.split(1, 1, 1)[0]

    @property
    def centre(self) -> Zone:
        return self.split(1, 1, 1)[1]

    @property
    def right(self) -> Zone:
        return self.split(1, 1, 1)[2]

    @property
    def main(self) -> Zone:
        """The body above the footer."""
        return Zone(self.body.left, self.footer.top + GAP, self.body.right, self.body.top)

    @property
    def aspect(self) -> float:
        return self.frame.width / self.frame.height

    @property
    def readable(self) -> float:
        """The smallest font size a viewer can read here: ``style.READABLE`` on 16:9 and wider
        frames; on narrower ones the layout shrinks to fit, and text with it, in proportion to the
        width."""
        return READABLE * min(1.0, self.aspect / WIDE)


def layout() -> Layout:
    """The zones for the frame Manim is rendering now."""
    w, h = config.frame_width, config.frame_height
    frame = Zone(-w / 2, -h / 2, w / 2, h / 2)
    safe = frame.inset(SAFE_MARGIN * w + INSET, SAFE_MARGIN * h + INSET)
    caption = Zone(frame.left, frame.bottom, frame.right, frame.bottom + CAPTION_BAND * h)
    header = Zone(safe.left, safe.top - HEADER_HEIGHT, safe.right, safe.top)
    body = Zone(safe.left, caption.top + GAP, safe.right, header.bottom - GAP)
    footer = Zone(body.left, body.bottom, body.right, body.bottom + FOOTER_HEIGHT)
    return Layout(frame, safe, caption, header, body, footer, stacked=w / h < STACK_BELOW)
