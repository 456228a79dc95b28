"""Reusable visual parts. Each keeps the numbers it shows (``values``) so tests can compare them
with the engine's trace."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Circle,
    ImageMobject,
    Line,
    Mobject,
    Rectangle,
    RoundedRectangle,
    Square,
    Text,
    VGroup,
    VMobject,
    config,
)
from manim.constants import RESAMPLING_ALGORITHMS

from scenes import legacy_style as style
from scenes.legacy_style import FONT, fmt, ink_for

ColourMap = Callable[[np.ndarray], np.ndarray]  # values -> uint8 RGB, like style.Diverging.rgb


class QuickFade(Animation):
    """Fade a mobject in or out by scaling its own opacities, optionally sliding by ``shift``.

    Manim's FadeIn/FadeOut/Transform deep-copy the mobject, which for grids of Text costs seconds;
    this keeps the original opacities (fill, stroke, image alpha) and restores them at the end.
    """

    def __init__(self, mobject, appear: bool = True, shift=None, **kwargs) -> None:
        self.appear = appear
        self.shift_vec = np.zeros(3) if shift is None else np.asarray(shift, dtype=np.float64)
        super().__init__(mobject, introducer=appear, remover=not appear, **kwargs)

    def create_starting_mobject(self):
        return Mobject()  # nothing to copy: begin() records what it needs

    def begin(self) -> None:
        self.saved = []
        for m in self.mobject.get_family():
            if isinstance(m, VMobject):
                self.saved.append(
                    (
                        m,
                        m.get_fill_rgbas().copy(),
                        m.get_stroke_rgbas().copy(),
                        m.get_stroke_rgbas(background=True).copy(),
                    )
                )
            elif isinstance(m, ImageMobject):
                self.saved.append((m, m.pixel_array[:, :, 3].copy(), None, None))
        self.offset = np.zeros(3)
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        level = a if self.appear else 1 - a
        for m, fill, stroke, back in self.saved:
            if stroke is None:
                m.pixel_array[:, :, 3] = np.round(fill * level).astype(m.pixel_array.dtype)
                continue
            m.fill_rgbas = fill * np.array([1, 1, 1, level])
            m.stroke_rgbas = stroke * np.array([1, 1, 1, level])
            m.background_stroke_rgbas = back * np.array([1, 1, 1, level])
        want = -self.shift_vec * (1 - a) if self.appear else self.shift_vec * a
        self.mobject.shift(want - self.offset)
        self.offset = want

    def clean_up_from_scene(self, scene) -> None:
        self._on_finish(scene)
        if not self.appear:
            # Remove every part: the pieces may have entered the scene one by one, not as this group.
            scene.remove(*self.mobject.get_family())  # gone from the scene: give it back its looks for any later use
            self.mobject.shift(-self.offset)
            self.offset = np.zeros(3)
            for m, fill, stroke, back in self.saved:
                if stroke is None:
                    m.pixel_array[:, :, 3] = fill
                else:
                    m.fill_rgbas, m.stroke_rgbas, m.background_stroke_rgbas = fill, stroke, back


class QuickMove(Animation):
    """Move a mobject's centre to ``to`` while scaling it by ``factor``, without copying it."""

    def __init__(self, mobject, to, factor: float = 1.0, **kwargs) -> None:
        self.to, self.factor = np.asarray(to, dtype=np.float64), factor
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self):
        return Mobject()

    def begin(self) -> None:
        self.start, self.current = self.mobject.get_center().copy(), 1.0
        super().begin()

    def interpolate_mobject(self, alpha: float) -> None:
        a = self.rate_func(alpha)
        s = 1 + (self.factor - 1) * a
        self.mobject.scale(s / self.current)
        self.current = s
        self.mobject.move_to(self.start + (self.to - self.start) * a)


def fade_in(*mobs, shift=None, **kw) -> list[QuickFade]:
    return [QuickFade(m, appear=True, shift=shift, **kw) for m in mobs]


def fade_out(*mobs, shift=None, **kw) -> list[QuickFade]:
    return [QuickFade(m, appear=False, shift=shift, **kw) for m in mobs]


def label(text: str, size: float = style.LABEL_SIZE, colour: str = style.TEXT, **kw) -> Text:
    """On-screen text in the house font."""
    return Text(text, font=FONT, font_size=size, color=colour, **kw)


_TEXTS: dict[tuple[str, float, str], Text] = {}


def cached_label(text: str, size: float = style.LABEL_SIZE, colour: str = style.TEXT) -> Text:
    """``label(text)`` built once per (text, size, colour) and copied after: grids repeat the same
    few numbers, and a copy is several times quicker than laying the text out again."""
    key = (text, float(size), colour)
    if key not in _TEXTS:
        _TEXTS[key] = label(text, size=size, colour=colour)
    return _TEXTS[key].copy()


class ValueGrid(VGroup):
    """A 2-D array drawn as coloured cells, optionally with each cell's number written in it.

    ``values`` (H, W) and ``rgb`` (H, W, 3) keep exactly what is drawn. Build grids of up to a few
    hundred cells with this; larger ones as a ``PixelImage`` (one image, not hundreds of objects).
    """

    def __init__(
        self,
        values: np.ndarray,
        cmap,
        cell: float = 0.4,
        numbers: bool = True,
        digits: int = 2,
        font_size: float | None = None,
        stroke: str = style.GRID_LINE,
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64)
        if self.values.ndim != 2:
            raise ValueError(f"ValueGrid needs a 2-D array, got shape {self.values.shape}")
        self.cmap, self.cell_size, self.digits = cmap, cell, digits
        self.rgb = cmap.rgb(self.values)
        h, w = self.values.shape
        self.cells = VGroup()
        for r in range(h):
            for c in range(w):
                sq = Square(cell, stroke_color=stroke, stroke_width=1)
                sq.set_fill(style.rgb_hex(self.rgb[r, c]), opacity=1)
                sq.move_to(np.array([(c - (w - 1) / 2) * cell, ((h - 1) / 2 - r) * cell, 0]))
                self.cells.add(sq)
        self.add(self.cells)
        self.numbers = VGroup()
        if numbers:
            size = font_size or _number_size(cell, self.values, digits)
            for r in range(h):
                for c in range(w):
                    t = cached_label(fmt(self.values[r, c], digits), size, ink_for(self.rgb[r, c]))
                    t.move_to(self.cell(r, c))
                    self.numbers.add(t)
            self.add(self.numbers)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def cell(self, r: int, c: int) -> Square:
        return self.cells[r * self.values.shape[1] + c]

    def number(self, r: int, c: int) -> Text:
        return self.numbers[r * self.values.shape[1] + c]

    def cell_center(self, r: float, c: float) -> np.ndarray:
        # From one cell, not the whole group: measuring hundreds of numbers' outlines is slow.
        # The cell's drawn width (not ``cell_size``) stays right after the grid is scaled.
        first = self.cell(0, 0)
        step = first.width
        return first.get_center() + np.array([c * step, -r * step, 0.0])

    def window(self, r: int, c: int, h: int, w: int, colour: str = style.HIGHLIGHT, width: float = 5) -> Rectangle:
        """A frame around the h x w block of cells whose top-left cell is (r, c)."""
        step = self.cell(0, 0).width
        rect = Rectangle(width=w * step, height=h * step, stroke_color=colour, stroke_width=width)
        return rect.move_to((self.cell_center(r, c) + self.cell_center(r + h - 1, c + w - 1)) / 2)


class PixelImage(ImageMobject):
    """A large 2-D array (or RGB image) as one crisp image: cell (r, c) is one block of pixels."""

    def __init__(self, values: np.ndarray, cmap=None, height: float = 4.0) -> None:
        self.values = np.array(values, dtype=np.float64)
        if cmap is not None:
            self.rgb = cmap.rgb(self.values)
        else:  # an RGB image (3, H, W) with 0-255 values, shown as the photo it is
            self.rgb = np.clip(np.round(self.values), 0, 255).astype(np.uint8).transpose(1, 2, 0)
        super().__init__(self.rgb, scale_to_resolution=1080)
        self.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
        self.height = height

    @property
    def shape(self) -> tuple[int, int]:
        return self.rgb.shape[:2]

    @property
    def cell_size(self) -> float:
        return self.height / self.shape[0]

    def cell_center(self, r: float, c: float) -> np.ndarray:
        return _grid_point(self, r, c)

    def window(self, r: int, c: int, h: int, w: int, colour: str = style.HIGHLIGHT, width: float = 5) -> Rectangle:
        return _window(self, r, c, h, w, colour, width)


class NeuronColumn(VGroup):
    """A vector as a column of circles shaded by value, with an ellipsis for long vectors.

    ``shown`` lists the vector indices drawn (in order); ``values`` is the whole vector.
    """

    def __init__(
        self,
        values: np.ndarray,
        cmap,
        radius: float = 0.14,
        max_visible: int = 14,
        spacing: float = 0.36,
        numbers: bool = False,
        digits: int = 2,
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64).ravel()
        n = len(self.values)
        if n <= max_visible:
            self.shown = list(range(n))
        else:
            head = max_visible // 2
            self.shown = list(range(head)) + list(range(n - (max_visible - head), n))
        self.rgb = cmap.rgb(self.values)
        self.neurons = VGroup()
        self.ellipsis = None
        slots = len(self.shown) + (1 if n > max_visible else 0)
        y = (slots - 1) / 2 * spacing
        for k, i in enumerate(self.shown):
            if n > max_visible and k == max_visible // 2:
                self.ellipsis = label("⋮", size=26, colour=style.MUTED).move_to([0, y, 0])
                self.add(self.ellipsis)
                y -= spacing
            dot = Circle(radius, stroke_color=style.MUTED, stroke_width=1.5)
            dot.set_fill(style.rgb_hex(self.rgb[i]), opacity=1).move_to([0, y, 0])
            self.neurons.add(dot)
            y -= spacing
        self.add(self.neurons)
        self.numbers = VGroup()
        if numbers:
            for dot, i in zip(self.neurons, self.shown):
                t = label(fmt(self.values[i], digits), size=style.SMALL_SIZE)
                t.next_to(dot, RIGHT, buff=0.12)
                self.numbers.add(t)
            self.add(self.numbers)

    def neuron(self, index: int) -> Circle:
        """The circle of vector element ``index`` (which must be shown)."""
        return self.neurons[self.shown.index(index)]


class TitleCard(VGroup):
    """The chapter's name, big and centred at the start, then small in the header."""

    def __init__(self, number: int, title: str, subtitle: str) -> None:
        super().__init__()
        self.number, self.name = number, title
        self.kicker = label(f"STEP {number}", size=24, colour=style.HIGHLIGHT)
        self.title = label(title, size=64, weight="BOLD")
        self.subtitle = label(subtitle, size=28, colour=style.MUTED)
        VGroup(self.kicker, self.title, self.subtitle).arrange(DOWN, buff=0.35)
        self.add(self.kicker, self.title, self.subtitle)

    def header(self) -> VGroup:
        """The small version for the top-left corner."""
        head = label(f"{self.number}  {self.name}", size=style.TITLE_SIZE, weight="BOLD")
        return head.to_corner(UP + LEFT, buff=0.35)


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


def keep_on_screen(mob, margin: float = 0.2):
    """Shift ``mob`` back inside the frame (with ``margin``) if any edge sticks out."""
    half_w, half_h = config.frame_width / 2 - margin, config.frame_height / 2 - margin
    dx = max(0.0, -half_w - mob.get_left()[0]) - max(0.0, mob.get_right()[0] - half_w)
    dy = max(0.0, -half_h - mob.get_bottom()[1]) - max(0.0, mob.get_top()[1] - half_h)
    return mob.shift(np.array([dx, dy, 0.0]))


def boxed(*mobs, buff: float = 0.15) -> VGroup:
    """Mobjects stacked vertically inside a ``Panel``."""
    inner = VGroup(*mobs).arrange(DOWN, buff=buff)
    return VGroup(Panel(inner), inner)


def legend(cmap, low: float, high: float, width: float = 2.4, ticks: Sequence[float] | None = None) -> VGroup:
    """A horizontal colour bar from ``low`` to ``high`` with numbers at its ends (and ``ticks``)."""
    steps = 24
    vals = np.linspace(low, high, steps)
    rgb = cmap.rgb(vals)
    bar = VGroup(
        *[Rectangle(width=width / steps, height=0.18, stroke_width=0).set_fill(style.rgb_hex(c), 1) for c in rgb]
    ).arrange(RIGHT, buff=0)
    marks = VGroup()
    for v in ticks if ticks is not None else (low, high):
        x = bar.get_left()[0] + (v - low) / (high - low) * width
        marks.add(label(fmt(v), size=style.SMALL_SIZE, colour=style.MUTED).move_to([x, bar.get_bottom()[1] - 0.2, 0]))
    return VGroup(bar, marks)


def arrow_line(start: np.ndarray, end: np.ndarray, colour: str = style.MUTED, width: float = 2) -> Line:
    return Line(start, end, color=colour, stroke_width=width)


def _number_size(cell: float, values: np.ndarray, digits: int) -> float:
    """A font size whose widest number fits the cell."""
    longest = max(len(fmt(v, digits)) for v in values.ravel())
    # DejaVu Sans digits are about 0.0082 units wide per point of font size.
    return min(cell * 42, 0.8 * cell / (0.0082 * max(longest, 1)))


def _grid_point(mob, r: float, c: float) -> np.ndarray:
    h, w = mob.shape
    cw, ch = mob.width / w, mob.height / h
    left, top = mob.get_left()[0], mob.get_top()[1]
    return np.array([left + (c + 0.5) * cw, top - (r + 0.5) * ch, 0.0])


def _window(mob, r: int, c: int, h: int, w: int, colour: str, width: float) -> Rectangle:
    rows, cols = mob.shape
    cw, ch = mob.width / cols, mob.height / rows
    rect = Rectangle(width=w * cw, height=h * ch, stroke_color=colour, stroke_width=width)
    return rect.move_to((_grid_point(mob, r, c) + _grid_point(mob, r + h - 1, c + w - 1)) / 2)


__all__ = [
    "NeuronColumn",
    "QuickFade",
    "QuickMove",
    "fade_in",
    "fade_out",
    "Panel",
    "PixelImage",
    "TitleCard",
    "ValueGrid",
    "arrow_line",
    "boxed",
    "cached_label",
    "keep_on_screen",
    "label",
    "legend",
]
