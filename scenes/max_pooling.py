"""Chapter: max pooling keeps the strongest clue of every small neighbourhood."""

from __future__ import annotations

from manim import DOWN, RIGHT, UP, Arrow, Group, GrowFromCenter, Transform, VGroup

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import Grid, NumberCells, QuickFade, WindowSweep, boxed, fade_in, fade_out, frame_of, label, wrapped
from scenes.parts.maps import map_view
from scenes.plans.max_pooling import plan
from scenes.plans.numbers import shape_text

CELL = 1.0  # side of a readable cell
MAP = 3.6  # largest side of the chosen map
STACK = 2.0  # largest side of a map in the closing stack


class MaxPoolingScene(ChapterScene):
    chapter_id = "max-pooling"
    subtitle = N_("Keep only the strongest clue of each neighbourhood")

    def construct(self) -> None:
        self.plan = p = plan(self.story)
        self.title_card()
        self.rig()

        self.section("maps")
        with self.beat(
            _("Sherlock keeps his brain attic tidy: from each small neighbourhood he stores only the strongest clue.")
        ):
            self.play(*fade_in(self.in_view, self.titles[0]), run_time=style.NORMAL)
            self.play(*fade_in(self.out_view, self.titles[3]), run_time=style.NORMAL)

        self.section("zoom")
        r0, c0, side = p.patch
        box = self.in_view.window(r0, c0, side, side, width=3)
        with self.beat(p.zoom):
            self.play(GrowFromCenter(box), run_time=style.QUICK)
            self.play(
                Transform(box.copy(), frame_of(self.patch_view, width=3), remover=True),
                *fade_in(self.patch_view, self.pooled_view, *self.titles[1:3]),
                run_time=style.NORMAL,
            )
        self.zoom_box = box

        self.section("windows")
        first = p.details[0]
        self.frame = self.window_frame(first.row, first.col)
        with self.beat(p.windows):
            self.play(GrowFromCenter(self.frame), run_time=style.QUICK)
        self.marks = []
        for d, w in enumerate(p.details):
            with self.beat(w.sentence) as b:
                self.take(d, w, b.duration)

        self.section("sweep")
        with self.beat(p.sweep) as b:
            self.play(*fade_out(self.frame), run_time=style.QUICK)
            self.sweep_rig()
            self.play(self.sweep.run(b.left - style.QUICK))
            self.sweep.stop()
            self.out_view.reveal(p.filled(p.count))
            self.pooled_view.reveal(p.in_region(p.filled(p.count)))
            self.play(*fade_out(self.sweep_frame, self.sweep_winner), run_time=style.QUICK)

        self.section("stack")
        with self.beat(p.stack):
            self.clear()
            self.stack_rig()
            self.play(*fade_in(*self.inputs, *self.names), run_time=style.NORMAL)
            self.play(*fade_in(*self.arrows, *self.outputs, shift=DOWN * 0.2), run_time=style.NORMAL)
        with self.beat(p.shrink):
            self.play(QuickFade(self.summary, shift=UP * 0.2), run_time=style.NORMAL)

    # -- the rig -----------------------------------------------------------------------------------
    def zones(self):
        """The map, the zoomed patch, the pooled patch and the pooled map: in a row, or two rows on
        narrow frames (the maps above, the readable patches below)."""
        body = self.lay.body
        if self.lay.stacked:
            top, bottom = body.rows(1, 1.2)
            in_zone, out_zone = top.columns(1.4, 1)
            patch_zone, pooled_zone = bottom.columns(2, 1)
            return in_zone, patch_zone, pooled_zone, out_zone
        return body.columns(MAP, 4.2, 2.4, 2.0, gap=0.45)

    def rig(self) -> None:
        p = self.plan
        f = p.map
        _c, h, w = p.before.shape
        _c, ho, wo = p.after.shape
        in_zone, patch_zone, pooled_zone, out_zone = self.zones()
        cells = NumberCells(text=p.text, fill=0.85)
        self.in_view = map_view(p.before[f], p.scale, MAP, p.cells)
        self.out_view = map_view(p.after[f], p.scale, MAP * ho / h, p.cells)  # the input's cell size: it shrinks
        self.patch_view = Grid(p.patch_values(), p.scale, cell=CELL, element=cells)
        self.pooled_view = Grid(p.pooled_values(), p.scale, cell=CELL, element=cells)
        zones = (in_zone, patch_zone, pooled_zone, out_zone)
        texts = (
            _("{map} · {shape}").format(map=p.names[f], shape=shape_text((h, w))),
            _("{n} × {n} patch").format(n=p.patch[2]),
            _("pooled"),
            _("pooled to {shape}").format(shape=shape_text((ho, wo))),
        )
        self.titles = [wrapped(t, zone.width, colour=style.MUTED) for t, zone in zip(texts, zones)]
        views = (self.in_view, self.patch_view, self.pooled_view, self.out_view)
        for zone, title, view in zip(zones, self.titles, views):
            zone.place(Group(title, view).arrange(DOWN, buff=0.15))
        nothing = p.shown_after(-1)  # the pooled map starts empty
        self.out_view.reveal(nothing)
        self.pooled_view.reveal(p.in_region(nothing))

    def window_frame(self, i: int, j: int, colour: str = style.HIGHLIGHT, width: float = 5):
        """The frame of pooling window (i, j) on the zoomed patch."""
        p = self.plan
        r0, c0, _side = p.patch
        r, c = p.window_cells(i, j)
        return self.patch_view.window(r - r0, c - c0, p.size, p.size, colour=colour, width=width)

    # -- the beats' pieces -------------------------------------------------------------------------
    def take(self, d: int, w, seconds: float) -> None:
        """Window ``w`` (the ``d``-th taken one by one): frame it, mark its largest number, carry it over."""
        p = self.plan
        r0, c0, _side = p.patch
        wi, wj, _n = p.region
        self.play(self.frame.animate.move_to(self.window_frame(w.row, w.col)), run_time=0.15 * seconds)
        wr, wc = w.winner[0] - r0, w.winner[1] - c0
        mark = self.patch_view.window(wr, wc, colour=style.WINNER, width=6)
        self.play(GrowFromCenter(mark), run_time=0.15 * seconds)
        a, b = w.row - wi, w.col - wj
        travel = VGroup(self.patch_view.cell(wr, wc), self.patch_view.number(wr, wc)).copy()
        target = VGroup(
            self.pooled_view.cell(a, b).copy().set_fill(opacity=1), self.pooled_view.number(a, b).copy().set_opacity(1)
        )
        self.play(Transform(travel, target, remover=True), run_time=0.3 * seconds)
        mask = p.shown_after(d)
        self.pooled_view.reveal(p.in_region(mask))
        self.out_view.reveal(mask)
        self.play(*fade_out(mark), run_time=0.1 * seconds)
        self.marks.append(mark)

    def place_frame(self, mob, n: int) -> None:
        """Put the sweep's frame on window ``n`` of the whole map."""
        p = self.plan
        r, c = p.window_cells(*p.position(n))
        mob.move_to(self.in_view.block_centre(r, c, p.size, p.size))

    def place_winner(self, mob, n: int) -> None:
        mob.move_to(self.in_view.point(*self.plan.winner_at(n)))

    def sweep_rig(self) -> None:
        p = self.plan
        sweep = WindowSweep(p.count)
        self.sweep_frame = self.in_view.window(0, 0, p.size, p.size, width=4)
        self.sweep_winner = self.in_view.window(0, 0, colour=style.WINNER, width=3)
        sweep.follow(self.sweep_frame, self.place_frame)
        sweep.follow(self.sweep_winner, self.place_winner)
        sweep.follow(self.out_view, lambda v, n: v.reveal(p.filled(n)))
        sweep.follow(self.pooled_view, lambda v, n: v.reveal(p.in_region(p.filled(n))))
        self.add(self.sweep_frame, self.sweep_winner)
        self.sweep = sweep

    def stack_rig(self) -> None:
        p = self.plan
        n, h, w = p.before.shape
        _n, ho, wo = p.after.shape
        top, bottom = self.lay.body.rows(3.4, 1.25)
        side = min(STACK, (top.width - 0.5 * (n - 1)) / n)
        self.inputs = [map_view(m, p.scale, side, p.cells) for m in p.before]
        self.outputs = [map_view(m, p.scale, side * ho / h, p.cells) for m in p.after]
        self.names = [label(name, colour=style.MUTED) for name in p.names]
        self.arrows = [Arrow(UP * 0.2, DOWN * 0.2, buff=0, color=style.MUTED, stroke_width=3) for _ in p.names]
        columns = [
            Group(*parts).arrange(DOWN, buff=0.12) for parts in zip(self.names, self.inputs, self.arrows, self.outputs)
        ]
        top.arrange(*columns, direction=RIGHT, buff=0.5, at=UP)
        summary = label(
            _("{n} × {h} × {w} = {before} numbers  →  {n} × {ho} × {wo} = {after} numbers").format(
                n=n, h=h, w=w, ho=ho, wo=wo, before=p.before.size, after=p.after.size
            ),
            colour=style.HIGHLIGHT,
        )
        note = wrapped(p.kept, bottom.width - 0.6, colour=style.MUTED)
        self.summary = bottom.place(boxed(summary, note))
