"""Small pictures of a network's stages: a stack of channel maps, a column of neurons, probabilities
as rows of bars, and a card (a framed box with a name and a shape under it) to hold any of them."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DOWN, LEFT, RIGHT, Circle, Group, Mobject, Rectangle, RoundedRectangle, VGroup

from scenes import style
from scenes.parts.grid import PixelImage
from scenes.parts.text import label
from scenes.plans.colour import Photo, Scale, rgb_hex


class MapStack(Group):
    """Channel maps as a fanned stack of cards, map 1 in front (bottom left), the rest behind; a photo
    (``Photo`` scale, values (3, H, W)) is one picture. ``images`` holds one ``PixelImage`` per card,
    in channel order."""

    def __init__(self, values: np.ndarray, scale: Scale, side: float, depth: float = 0.9) -> None:
        super().__init__()
        values = np.asarray(values, dtype=np.float64)
        if isinstance(scale, Photo):
            self.images = [PixelImage(values, scale, height=side)]
        else:
            self.images = [PixelImage(m, scale, height=side) for m in values]
        n = len(self.images)
        dx = min(0.3 * side / 1.6, depth * side / 1.6 / (n - 1)) if n > 1 else 0.0
        card = side - (n - 1) * dx  # the whole fan fits a side x side square
        for c in range(n - 1, -1, -1):  # back to front
            img = self.images[c]
            img.height = card
            img.move_to([c * dx, c * dx / 2, 0])
            border = Rectangle(width=card, height=card, stroke_color=style.GRID_LINE, stroke_width=1.5)
            self.add(img, border.move_to(img))
        self.move_to(np.zeros(3))


class NeuronColumn(VGroup):
    """A vector as a column of circles shaded by value (entries ``shown``; a gap with dots where
    entries are skipped), optionally each with its number (``texts``) on its right."""

    def __init__(
        self,
        values: np.ndarray,
        scale: Scale,
        shown: Sequence[int],
        texts: Sequence[str] = (),
        radius: float = 0.14,
        spacing: float = 0.4,
        size: float = style.LABEL,
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=np.float64).ravel()
        self.shown = list(shown)
        self.rgb = scale.rgb(self.values)
        self.neurons, self.numbers, self.ellipsis = VGroup(), VGroup(), None
        y = 0.0
        for k, i in enumerate(self.shown):
            if k and i != self.shown[k - 1] + 1:  # skipped entries
                self.ellipsis = label("⋮", size=size, colour=style.MUTED).move_to([0, y, 0])
                self.add(self.ellipsis)
                y -= spacing
            dot = Circle(radius, stroke_color=style.MUTED, stroke_width=1.5)
            self.neurons.add(dot.set_fill(rgb_hex(self.rgb[i]), opacity=1).move_to([0, y, 0]))
            y -= spacing
        self.add(self.neurons)
        for dot, text in zip(self.neurons, texts):
            self.numbers.add(label(text, size=size).next_to(dot, RIGHT, buff=0.15))
        self.add(self.numbers)
        self.move_to(np.zeros(3))


class ProbabilityRows(VGroup):
    """Probabilities as horizontal bars, one per class under its name and value, all from one left
    edge; bar ``k`` is ``width * values[k]`` long, the ``winner`` in ``style.WINNER``."""

    def __init__(
        self,
        values: np.ndarray,
        names: Sequence[str],
        texts: Sequence[str],
        winner: int,
        width: float = 2.4,
        size: float = style.LABEL,
        pitch: float = 0.62,
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=np.float64)
        self.names, self.bars, self.numbers, track = VGroup(), VGroup(), VGroup(), VGroup()
        widest = max(label(n, size=size).width for n in names) + max(label(t, size=size).width for t in texts)
        width = max(width, widest + 0.3)  # name and value side by side above the bar
        for k, (name, text, v) in enumerate(zip(names, texts, self.values)):
            colour = style.WINNER if k == winner else style.MUTED
            y = -k * pitch
            self.names.add(
                label(name, size=size, colour=style.WINNER if k == winner else style.TEXT).move_to(
                    [0, y, 0], aligned_edge=LEFT + DOWN
                )
            )
            self.numbers.add(label(text, size=size, colour=colour).move_to([width, y, 0], aligned_edge=RIGHT + DOWN))
            back = Rectangle(width=width, height=0.1, stroke_width=0).set_fill(style.ZERO, 1)
            track.add(back.move_to([0, y - 0.1, 0], aligned_edge=LEFT))
            bar = Rectangle(width=max(width * v, 1e-4), height=0.1, stroke_width=0).set_fill(colour, 1)
            self.bars.add(bar.move_to([0, y - 0.1, 0], aligned_edge=LEFT))
        self.add(track, self.bars, self.names, self.numbers)
        self.move_to(np.zeros(3))


class StageCard(Group):
    """A stage's picture in a framed box ``width`` x ``height``, its name and shape under the box."""

    def __init__(self, visual: Mobject, name: str, shape: str, width: float, height: float, size: float) -> None:
        super().__init__()
        self.visual = visual
        self.frame = RoundedRectangle(
            corner_radius=0.1, width=width, height=height, stroke_color=style.GRID_LINE, stroke_width=2
        )
        if visual.width > width - 0.2 or visual.height > height - 0.2:
            visual.scale(min((width - 0.2) / visual.width, (height - 0.2) / visual.height))
        visual.move_to(self.frame)
        self.name = label(name, size=size).next_to(self.frame, DOWN, buff=0.1)
        self.shape = label(shape, size=size, colour=style.MUTED).next_to(self.name, DOWN, buff=0.06)
        self.add(self.frame, visual, self.name, self.shape)

    @property
    def centre(self) -> np.ndarray:
        return self.frame.get_center()

    def veil(self) -> Rectangle:
        """A dark cover over the box: the stage before the data reaches it."""
        cover = Rectangle(width=self.frame.width, height=self.frame.height, stroke_width=0)
        return cover.set_fill(style.BACKGROUND, opacity=0).move_to(self.frame).set_z_index(5)
