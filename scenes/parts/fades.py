"""Animations that never copy their mobject: Manim's FadeIn/FadeOut/Transform deep-copy it first,
which for grids of hundreds of texts costs seconds."""

from __future__ import annotations

import numpy as np
from manim import Animation, ImageMobject, Mobject, VMobject


class QuickFade(Animation):
    """Fade a mobject in or out by scaling its own opacities, optionally sliding by ``shift``.

    Keeps the original opacities (fill, stroke, image alpha) and restores them at the end.
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
            scene.remove(*self.mobject.get_family())
            # Gone from the scene: give it back its looks for any later use.
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
