"""Chapter: ReLU switches off the negative numbers of the feature maps."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Create, DashedLine, Dot, GrowFromCenter, Indicate, Transform, VGroup, VMobject

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import Grid, NumberCells, QuickFade, boxed, fade_in, fade_out, frame_of, label, legend, wrapped
from scenes.parts.charts import plain_axes
from scenes.parts.maps import map_view, tiles_in
from scenes.plans.numbers import fmt
from scenes.plans.relu import plan

CELL = 1.0  # side of a patch cell: its numbers read at about 26 points
GRAPH = 2.6  # side of the graph's axes


class ReluScene(ChapterScene):
    chapter_id = "relu"
    subtitle = N_("Negative evidence is dropped")

    def construct(self) -> None:
        self.plan = p = plan(self.story)
        self.title_card()
        self.rig()

        self.section("maps")
        with self.beat(p.intro):
            self.play(*fade_in(self.tiles), run_time=style.NORMAL)
            self.play(*fade_in(self.key), run_time=style.QUICK)

        self.section("zoom")
        box = self.inputs[p.patch[0]].window(*p.patch[1:3], p.patch[3], p.patch[3], width=3)
        with self.beat(p.zoom):
            self.play(GrowFromCenter(box), run_time=style.QUICK)
            self.play(
                Transform(box.copy(), self.patch_frame, remover=True),
                *fade_in(self.patch_in, self.patch_title),
                run_time=style.NORMAL,
            )
            self.add(self.patch_frame)

        self.section("graph")
        with self.beat(_("ReLU is one rule for every number: keep it if it is positive, otherwise write 0.")):
            self.play(Create(self.axes), Create(self.identity), *fade_in(self.ticks), run_time=style.NORMAL)
            self.play(Create(self.curve), *fade_in(self.formula), run_time=style.NORMAL)
        for dot in p.dots:
            with self.beat(dot.sentence) as b:
                self.follow(dot, b.duration)

        self.section("switch")
        cells = VGroup(*[frame_of(self.patch_in.cell(r, c), width=4) for r, c in p.patch_cells_off()])
        with self.beat(p.switch):
            self.play(*fade_in(*self.flagged), *[GrowFromCenter(f) for f in cells], run_time=style.SLOW)
        with self.beat(p.switched):
            self.play(*fade_in(*self.outputs, self.patch_out), *fade_out(cells), run_time=style.SLOW)
            self.remove(*self.inputs, *self.flagged, self.patch_in)
            self.play(*fade_out(self.patch_title), *fade_in(self.after_title), run_time=style.QUICK)

        self.section("switch-off")
        with self.beat(_("Like a switch: a clue that was found passes through; 'this clue is not here' is dropped.")):
            self.play(*fade_out(self.readout), QuickFade(self.note, shift=UP * 0.2), run_time=style.NORMAL)
        if p.later:
            with self.beat(p.later):
                self.play(Indicate(self.note, color=style.HIGHLIGHT, scale_factor=1.05), run_time=style.SLOW)

    # -- the rig -----------------------------------------------------------------------------------
    def zones(self):
        """Maps, patch and graph: side by side, or the patch under the other two on narrow frames."""
        main = self.lay.body
        if self.lay.stacked:
            top, bottom = main.rows(1, 1.1)
            maps, graph = top.columns(1, 1)
            return maps, bottom, graph
        return main.columns(1, 1, 1, gap=0.4)

    def rig(self) -> None:
        p = self.plan
        maps_zone, patch_zone, graph_zone = self.zones()
        # the maps, their flagged and switched-off versions on top of them
        self.tiles = tiles_in(maps_zone.rows(5, 1)[0], p.before, p.scale, p.names, p.cells, at=UP)
        self.inputs = self.tiles.views
        side = max(self.inputs[0].width, self.inputs[0].height)
        self.flagged = [map_view(m, p.flagged, side, p.cells).move_to(v) for m, v in zip(p.before, self.inputs)]
        self.outputs = [map_view(m, p.scale, side, p.cells).move_to(v) for m, v in zip(p.after, self.inputs)]
        vmax = p.scale.vmax
        self.key = maps_zone.below(self.tiles).place(legend(p.scale, -vmax, vmax, ticks=(-vmax, 0, vmax)), UP)
        # the readable patch, before and after
        cells = NumberCells(text=p.text, fill=0.85)
        self.patch_in = Grid(p.patch_of(p.before), p.scale, cell=CELL, element=cells)
        self.patch_out = Grid(p.patch_of(p.after), p.scale, cell=CELL, element=cells)
        f, _r, _c, n = p.patch
        self.patch_title = label(_("{map}: {n} × {n} patch").format(map=p.names[f], n=n), colour=style.MUTED)
        self.after_title = label(_("{map} after ReLU").format(map=p.names[f]), colour=style.TEXT)
        block = VGroup(self.patch_title, self.patch_in).arrange(DOWN, buff=0.15)
        patch_zone.place(block)
        fitted = self.patch_in.width / self.patch_out.width  # below 1 where the zone is small
        self.patch_out.scale(fitted).move_to(self.patch_in)
        self.after_title.scale(fitted).move_to(self.patch_title)
        self.patch_frame = frame_of(self.patch_in, width=3)
        self.graph_rig(graph_zone)

    def graph_rig(self, zone) -> None:
        p = self.plan
        lim = p.lim
        axes = plain_axes(lim, (-lim, lim), GRAPH, GRAPH, x_min=-lim)
        self.identity = DashedLine(axes.c2p(-lim, -lim), axes.c2p(lim, lim), color=style.MUTED, stroke_width=2)
        curve = VMobject(color=style.HIGHLIGHT, stroke_width=5)
        curve.set_points_as_corners([axes.c2p(-lim, 0), axes.c2p(0, 0), axes.c2p(lim, lim)])

        def tick(text, point, direction):
            return label(text, colour=style.MUTED).next_to(point, direction, buff=0.12)

        self.ticks = VGroup(
            tick(fmt(-lim), axes.c2p(-lim, 0), DOWN),
            tick(fmt(lim), axes.c2p(lim, 0), DOWN),
            tick(fmt(lim), axes.c2p(0, lim), LEFT),
            tick(fmt(-lim), axes.c2p(0, -lim), LEFT),
            tick(_("in"), axes.c2p(lim, 0), UP),
            tick(_("out"), axes.c2p(0, lim), RIGHT),
        )
        self.formula = label(_("out = max(0, in)"), size=style.HEADING, colour=style.HIGHLIGHT)
        self.formula.next_to(VGroup(axes, self.ticks), UP, buff=0.2)
        top, bottom = zone.rows(3.6, 1.4)
        top.place(VGroup(self.formula, axes, self.identity, curve, self.ticks), UP)
        # the readouts, one at a time under the graph; the note takes their place at the end
        self.readouts = [bottom.place(label(d.text), UP) for d in p.dots]
        width = bottom.width - 0.4
        lines = [wrapped(t, width) for t in (_("on: clue found"), _("off: clue missing"))]
        self.note = bottom.place(boxed(*lines), UP)
        self.axes, self.curve, self.readout = axes, curve, None
        self.dots = []

    # -- the beats' pieces -----------------------------------------------------------------------------
    def follow(self, d, seconds: float) -> None:
        """Dot ``d``: from its cell in the patch onto the dashed line, then where ReLU sends it."""
        p = self.plan
        _f, r0, c0, _n = p.patch
        cell = self.patch_in.cell(d.row - r0, d.col - c0)
        frame = frame_of(cell, width=5)
        dot = Dot(self.axes.c2p(d.value, d.value), radius=0.1, color=p.scale.hex(d.value))
        dot.set_stroke(style.TEXT, width=1.5)
        text = self.readouts[len(self.dots)]
        self.play(GrowFromCenter(frame), run_time=0.1 * seconds)
        travel = VGroup(cell, self.patch_in.number(d.row - r0, d.col - c0)).copy()
        swap = fade_in(text) + (fade_out(self.readout) if self.readout is not None else [])
        self.play(Transform(travel, dot, remover=True), *swap, run_time=0.3 * seconds)
        self.add(dot)
        self.readout = text
        self.play(
            dot.animate.move_to(self.axes.c2p(d.value, d.output)).set_fill(p.scale.hex(d.output)),
            run_time=0.3 * seconds,
        )
        self.play(*fade_out(frame), run_time=0.1 * seconds)
        self.dots.append((dot, d))
