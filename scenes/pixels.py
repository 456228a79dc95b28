"""Chapter 1: the image becomes numbers."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, FadeIn, FadeOut, GrowFromCenter, ReplacementTransform, Write

from scenes import style
from scenes.base import ChapterScene
from scenes.parts import PixelImage, ValueGrid, boxed, keep_on_screen, label, legend

PATCH = 6  # side of the zoomed patch of a photo, small enough for readable 0-255 numbers


class PixelsScene(ChapterScene):
    chapter_id = "pixels"
    subtitle = "A computer sees a grid of numbers"

    def construct(self) -> None:
        self.title_card()
        if self.is_rgb:
            self.photo_story()
        else:
            self.drawing_story()
        self.shape_story()

    # -- tick-cross: one grid of -1 / +1 --------------------------------------------------------
    def drawing_story(self) -> None:
        pixels = self.trace.image[0]
        h, w = pixels.shape
        self.step("drawing")
        picture = PixelImage(pixels, style.Diverging(1.0), height=4.2).move_to(style.LEFT_ZONE + UP * 0.45)
        self.caption(f"To us this is a drawing. To the network it is {h} by {w} little squares.", 4)
        self.play(FadeIn(picture), run_time=1)
        self.wait(3)

        self.step("numbers")
        grid = ValueGrid(pixels, style.Diverging(1.0), cell=5.2 / h, digits=0).move_to(style.RIGHT_ZONE + DOWN * 0.3)
        self.grid = grid
        self.caption("Every square becomes one number: +1 where there is ink, -1 where there is none.", 5)
        self.play(FadeIn(grid.cells, lag_ratio=0.002), run_time=1.5)
        self.play(Write(grid.numbers, lag_ratio=0.002), run_time=2)
        key = legend(style.Diverging(1.0), -1, 1, ticks=(-1, 0, 1)).next_to(grid, DOWN, buff=0.2)
        self.play(FadeIn(key), run_time=0.5)
        self.wait(1)
        self.step("ink")
        ink = int((pixels > 0).sum())
        self.caption(f"{ink} of the {h * w} numbers are +1: the ink of the drawing.", 4)
        ink_frames = [grid.window(r, c, 1, 1, width=3) for r, c in zip(*np.nonzero(pixels > 0))]
        self.play(*[GrowFromCenter(f) for f in ink_frames], run_time=1.5)
        self.wait(2.5)
        self.play(*[FadeOut(f) for f in ink_frames], FadeOut(key), run_time=0.5)
        self.left = picture

    # -- face: a photo is three grids of 0-255 ------------------------------------------------
    def photo_story(self) -> None:
        image = self.trace.image
        c, h, w = image.shape
        self.step("photo")
        photo = PixelImage(image, height=3.4).move_to(LEFT * 5.1 + UP * 0.6)
        self.caption(f"A suspect's photo: {h} by {w} pixels, each a mix of red, green and blue light.", 4)
        self.play(FadeIn(photo), run_time=1)
        self.wait(3)

        self.step("channels")
        names = ("R", "G", "B")
        planes = [
            PixelImage(image[k], style.Channel(style.CHANNEL_COLOURS[n]), height=1.9) for k, n in enumerate(names)
        ]
        for k, plane in enumerate(planes):
            plane.move_to(RIGHT * (-1.45 + 3.1 * k) + UP * 1.6)
        titles = [
            label(f"{n}  0–255", size=style.SMALL_SIZE, colour=style.CHANNEL_COLOURS[n]).next_to(p, UP, buff=0.1)
            for n, p in zip(names, planes)
        ]
        self.caption("The camera stores three grids: how much red, green and blue each pixel has, from 0 to 255.", 5)
        self.play(*[ReplacementTransform(photo.copy(), p) for p in planes], *[FadeIn(t) for t in titles], run_time=1.5)
        self.wait(3.5)

        self.step("zoom")
        r0, c0 = (h - PATCH) // 2 - 2, (w - PATCH) // 2
        boxes = [p.window(r0, c0, PATCH, PATCH, width=3) for p in [photo, *planes]]
        grids = []
        for k, n in enumerate(names):
            g = ValueGrid(
                image[k, r0 : r0 + PATCH, c0 : c0 + PATCH], style.Channel(style.CHANNEL_COLOURS[n]), cell=0.46, digits=0
            )
            g.move_to(RIGHT * (-1.45 + 3.1 * k) + DOWN * 1.5)
            grids.append(g)
        self.grids, self.patch = grids, (r0, c0)
        self.caption(f"Zoom in on a {PATCH} by {PATCH} patch and the numbers appear: this is all the network gets.", 6)
        self.play(*[GrowFromCenter(b) for b in boxes], run_time=0.8)
        self.play(*[ReplacementTransform(b.copy(), g) for b, g in zip(boxes[1:], grids)], run_time=1.5)
        self.wait(3.5)
        self.left = photo

    # -- both: the shape of the input ----------------------------------------------------------
    def shape_story(self) -> None:
        self.step("shape")
        c, h, w = self.trace.input.shape
        summary = label(f"{h} × {w} × {c}\n= {h * w * c} numbers", size=26, colour=style.HIGHLIGHT)
        if self.is_rgb:
            note = label("each ÷ 255 (0 to 1)\nbefore the first filter", size=style.SMALL_SIZE, colour=style.MUTED)
        else:
            note = label("exactly as they go\ninto the first filter", size=style.SMALL_SIZE, colour=style.MUTED)
        box = keep_on_screen(boxed(summary, note).next_to(self.left, DOWN, buff=0.35))
        self.caption(
            f"So the input is {h} by {w} by {c}: {h * w * c} numbers. Next, a filter goes looking for clues in them.", 6
        )
        self.play(FadeIn(box, shift=UP * 0.2), run_time=0.8)
        self.wait(5)
