"""Frames, panels and boxes around things."""

from __future__ import annotations

from manim import DOWN, Rectangle, RoundedRectangle, VGroup

from scenes import style


def frame_of(mob, colour: str = style.HIGHLIGHT, width: float = 3, buff: float = 0.0) -> Rectangle:
    """A rectangle on the bounding box of ``mob`` (``buff`` around it): cheap to animate, unlike
    the mob itself."""
    rect = Rectangle(width=mob.width + 2 * buff, height=mob.height + 2 * buff, stroke_color=colour, stroke_width=width)
    return rect.move_to(mob)


class Panel(RoundedRectangle):
    """A quiet box to group a formula or a small table."""

    def __init__(self, mob, buff: float = 0.25) -> None:
        super().__init__(
            corner_radius=0.12,
            width=mob.width + 2 * buff,
            height=mob.height + 2 * buff,
            stroke_color=style.GRID_LINE,
            stroke_width=2,
            fill_color=style.BACKGROUND,
            fill_opacity=0.9,
        )
        self.move_to(mob)


def boxed(*mobs, buff: float = 0.15, aligned_edge=None) -> VGroup:
    """Mobjects stacked vertically inside a ``Panel``."""
    inner = VGroup(*mobs).arrange(DOWN, buff=buff, **({} if aligned_edge is None else {"aligned_edge": aligned_edge}))
    return VGroup(Panel(inner), inner)
