"""Chapter 1: the image becomes numbers."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, UP, Group, GrowFromCenter, ReplacementTransform, VGroup

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import Grid, NumberCells, PixelImage, QuickFade, boxed, fade_in, fade_out, label, legend, wrapped
from scenes.plans.numbers import fmt
from scenes.plans.pixels import plan


class PixelsScene(ChapterScene):
    chapter_id = "pixels"
    subtitle = N_("A computer sees a grid of numbers")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        if self.plan.photo:
            self.photo_story()
        else:
            self.drawing_story()
        self.shape_story()

    # -- tick-cross: one grid of -1 / +1 --------------------------------------------------------
    def drawing_story(self) -> None:
        p = self.plan
        _c, h, w = p.input_shape
        left, right = self.lay.split(1.6, 3)
        picture = left.place(PixelImage(p.image[0], p.picture_scale, height=3.4), UP)
        grid = Grid(p.image[0], p.scales[0], cell=0.45, element=NumberCells(fill=0.85))
        right.place(grid)
        key = legend(p.scales[0], -1, 1, ticks=(-1, 0, 1))
        left.below(picture).place(key)
        self.picture, self.grid, self.left_zone = picture, grid, left

        self.section("drawing")
        with self.beat(_("To us this is a drawing. To the network it is {h} by {w} little squares.").format(h=h, w=w)):
            self.play(QuickFade(picture), run_time=style.NORMAL)

        self.section("numbers")
        with self.beat(_("Every square becomes one number: +1 where there is ink, -1 where there is none.")):
            self.play(QuickFade(grid.cells), run_time=style.NORMAL)
            self.play(QuickFade(grid.numbers), QuickFade(key), run_time=style.SLOW)

        self.section("ink")
        ink_frames = VGroup(*[grid.window(r, c, width=3) for r, c in zip(*np.nonzero(p.image[0] > 0))])
        with self.beat(
            _("{ink} of the {total} numbers are +1: the ink of the drawing.").format(ink=p.ink, total=h * w)
        ):
            self.play(*[GrowFromCenter(f) for f in ink_frames], run_time=style.SLOW)
        self.play(*fade_out(ink_frames, key), run_time=style.QUICK)

    # -- face: a photo is three grids of 0-255 ------------------------------------------------
    def photo_story(self) -> None:
        p = self.plan
        _c, h, w = p.input_shape
        left, right = self.lay.split(1, 2.6)
        photo = left.place(PixelImage(p.image, p.picture_scale, height=min(left.width, 3.0)), UP)
        top, bottom = right.rows(1, 1.45)
        planes = [PixelImage(p.image[k], s, height=1.7) for k, s in enumerate(p.scales)]
        titles = [
            label(_("{channel}  0 to 255").format(channel=n), size=style.SMALL, colour=style.CHANNEL_COLOURS[n])
            for n in p.channel_names
        ]
        columns = [Group(t, pl).arrange(DOWN, buff=0.1) for t, pl in zip(titles, planes)]
        top.arrange(*columns, buff=0.5)
        grids = [Grid(p.patch_values(k), s, cell=0.66, element=NumberCells()) for k, s in enumerate(p.scales)]
        bottom.arrange(*grids, buff=0.45)
        self.photo, self.planes, self.grids, self.left_zone = photo, planes, grids, left
        r0, c0, n = p.patch

        self.section("photo")
        with self.beat(
            _("A suspect's photo: {h} by {w} pixels, each a mix of red, green and blue light.").format(h=h, w=w)
        ):
            self.play(QuickFade(photo), run_time=style.NORMAL)

        self.section("channels")
        with self.beat(_("The camera stores three grids: how much red, green and blue each pixel has, from 0 to 255.")):
            self.play(
                *[ReplacementTransform(photo.copy(), pl) for pl in planes], *fade_in(*titles), run_time=style.SLOW
            )

        self.section("zoom")
        boxes = [view.window(r0, c0, n, n, width=3) for view in (photo, *planes)]
        with self.beat(
            _("Zoom in on a {n} by {n} patch and the numbers appear: this is all the network gets.").format(n=n)
        ):
            self.play(*[GrowFromCenter(b) for b in boxes], run_time=style.NORMAL)
            self.play(*[ReplacementTransform(b.copy(), g) for b, g in zip(boxes[1:], grids)], run_time=style.SLOW)
        self.picture = photo

    # -- both: the shape of the input ----------------------------------------------------------
    def shape_story(self) -> None:
        p = self.plan
        c, h, w = p.input_shape
        width = self.left_zone.width - 0.5
        summary = wrapped(
            _("{h} × {w} × {c} = {count} numbers").format(h=h, w=w, c=c, count=p.count),
            width,
            size=style.LABEL,
            colour=style.HIGHLIGHT,
            align=LEFT,
        )
        if p.photo:
            note = _("each divided by 255 ({scale}) before the first filter").format(scale=fmt(p.input_scale, 4))
        else:
            note = _("exactly as they go into the first filter")
        box = boxed(summary, wrapped(note, width, size=style.SMALL, colour=style.MUTED, align=LEFT), aligned_edge=LEFT)
        self.left_zone.below(self.picture).place(box, UP)
        self.box = box
        self.section("shape")
        with self.beat(
            _(
                "So the input is {h} by {w} by {c}: {count} numbers. Next, a filter goes looking for clues in them."
            ).format(h=h, w=w, c=c, count=p.count)
        ):
            self.play(QuickFade(box, shift=UP * 0.2), run_time=style.NORMAL)
