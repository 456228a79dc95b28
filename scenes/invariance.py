"""Moving the suspect: the picture shifted (and, for photos, zoomed) by a few pixels goes through the
same network. The feature map moves with the object, the pooled grid is coarser, the verdict holds
or not; then a scan of ever larger moves finds where it gives way. The plan chooses every claim."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, DashedLine, Dot, Group, GrowFromCenter, VGroup, VMobject

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.layout import Zone
from scenes.parts import (
    PixelImage,
    ProbabilityBars,
    QuickFade,
    WindowSweep,
    axis_ticks,
    boxed,
    fade_in,
    frame_of,
    label,
    plain_axes,
    wrapped,
)
from scenes.plans.invariance import Version, plan
from scenes.plans.names import shown
from scenes.plans.numbers import fmt


class InvarianceScene(ChapterScene):
    chapter_id = "invariance"
    subtitle = N_("Same suspect, a step to the side")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.shift_story()
        if self.plan.scaled:
            self.scale_story()
        self.limits_story()

    # -- a table of versions: one column per version, one row per stage of the network ----------------
    def table(self, versions: tuple[Version, ...]) -> tuple[VGroup, list[dict]]:
        """Row labels and one column of mobjects per version, each placed in its cell of the body."""
        p = self.plan
        n = len(p.class_names)
        cols = self.lay.body.columns(1.3, *[1] * len(versions), gap=0.2)
        rows = self.lay.body.rows(0.42, 1.3, 1.3, 1.1, 0.38 * n, gap=0.12)
        probs = rows[4].rows(*[1] * n, gap=0.0)
        bands = [*rows[:4], *probs]

        def cell(col: Zone, row: Zone, mob, at=ORIGIN):
            return Zone(col.left, row.bottom, col.right, row.top).place(mob, at)

        labels = VGroup(
            *[cell(cols[0], band, label(t, size=style.SMALL), LEFT) for t, band in zip(p.row_labels, bands[1:])]
        )
        columns = []
        for k, (v, col) in enumerate(zip(versions, cols[1:])):
            head = label(v.head, size=style.SMALL, colour=style.HIGHLIGHT if k else style.TEXT)
            pic = PixelImage(v.picture, p.picture_scale, height=rows[1].height)
            conv = PixelImage(v.conv, p.conv_scale, height=rows[2].height)
            pool = PixelImage(v.pool, p.pool_scale, height=rows[3].height)
            for mob, band in ((head, rows[0]), (pic, rows[1]), (conv, rows[2]), (pool, rows[3])):
                cell(col, band, mob)
            numbers = VGroup(*[cell(col, band, label(t, size=style.SMALL,
                                                     colour=style.WINNER if c == v.prediction else style.TEXT))
                               for c, (t, band) in enumerate(zip(v.texts, probs))])  # fmt: skip
            columns.append({
                "head": head, "picture": pic, "image": Group(frame_of(pic, style.GRID_LINE, 2), pic),
                "conv": conv, "conv_box": conv.window(*v.conv_peak, width=3), "conv_peak": v.conv_peak,
                "pool": pool, "pool_box": pool.window(*v.pool_peak, width=3), "pool_peak": v.pool_peak,
                "numbers": numbers,
            })  # fmt: skip
        return labels, columns

    def shift_story(self) -> None:
        p = self.plan
        self.row_labels, self.columns = self.table(p.shifted)
        labels, cols = self.row_labels, self.columns
        self.section("shift")
        with self.beat(p.shift_intro):
            self.play(QuickFade(labels[0]), QuickFade(cols[0]["head"]), QuickFade(cols[0]["image"]),
                      run_time=style.NORMAL)  # fmt: skip
            self.play(*[QuickFade(c["image"], shift=0.4 * RIGHT) for c in cols[1:]],
                      *fade_in(*[c["head"] for c in cols[1:]]), run_time=style.SLOW)  # fmt: skip
        with self.beat(p.conv_claim):
            self.play(QuickFade(labels[1]), *fade_in(*[c["conv"] for c in cols]), run_time=style.NORMAL)
            self.play(*[GrowFromCenter(c["conv_box"]) for c in cols], run_time=style.NORMAL)
        with self.beat(p.pool_claim):
            self.play(QuickFade(labels[2]), *fade_in(*[c["pool"] for c in cols]), run_time=style.NORMAL)
            self.play(*[GrowFromCenter(c["pool_box"]) for c in cols], run_time=style.NORMAL)
        with self.beat(p.shift_verdict):
            self.play(*fade_in(*labels[3:]), *fade_in(*[c["numbers"] for c in cols]), run_time=style.SLOW)

    def scale_story(self) -> None:
        p = self.plan
        labels, self.scale_columns = self.table(p.scaled)
        cols = self.scale_columns
        self.section("scale")
        with self.beat(p.scale_text):
            self.clear()
            self.play(QuickFade(labels[0]), *fade_in(*[c["head"] for c in cols]), QuickFade(cols[0]["image"]),
                      run_time=style.NORMAL)  # fmt: skip
            self.play(*fade_in(*[c["image"] for c in cols[1:]]), run_time=style.NORMAL)
            parts = [Group(c["conv"], c["conv_box"], c["pool"], c["pool_box"], c["numbers"]) for c in cols]
            self.play(*fade_in(*labels[1:], *parts), run_time=style.NORMAL)

    # -- where it gives way ------------------------------------------------------------------------
    def limits_story(self) -> None:
        p = self.plan
        scan = p.scan
        stacked = self.lay.stacked
        if stacked:  # one above the other: picture, note, bars, chart
            left, note_zone, bar_zone, bottom = self.lay.body.rows(1.7, 0.5, 1.6, 1.4, gap=0.2)
        else:
            top, bottom = self.lay.body.rows(2.1, 1, gap=0.3)
            left, right = top.columns(1, 1.5, gap=0.3)
        # the picture and its readout
        readouts = [label(f.readout, size=style.LABEL, colour=style.HIGHLIGHT) for f in p.frames]
        pic_zone = Zone(left.left, left.bottom + readouts[-1].height + 0.2, left.right, left.top)
        pictures = [pic_zone.place(PixelImage(f.picture, p.picture_scale, height=pic_zone.height)) for f in p.frames]
        border = frame_of(pictures[0], style.MUTED, 2)
        for r in readouts:
            r.next_to(border, DOWN, buff=0.15)
        # the note (shown at the end) above the bars
        note = boxed(label(p.limit_note, size=style.LABEL, colour=style.HIGHLIGHT))
        if stacked:
            note_zone.place(note)
        else:
            right.place(note, UP)
            bar_zone = right.below(note, gap=0.25)
        names = [shown(n) for n in p.class_names]
        bars = [self.bars(f, names, bar_zone) for f in p.frames]
        # the chart along the bottom: p(reference) after each move
        title = wrapped(p.chart_title, 6.0 if stacked else 2.8, size=style.SMALL, colour=style.WINNER, align=LEFT)
        xname = label(_("pixels moved"), size=style.SMALL, colour=style.MUTED)
        room = bottom.width - xname.width - 1.0 - (0 if stacked else title.width + 0.5)  # 1.0: y ticks and buffs
        axes = plain_axes(max(scan.steps[-1], 1), (0, 1), max(room, 3.0), bottom.height - 0.5)
        xs = p.chart_ticks[::2] if stacked and len(p.chart_ticks) > 8 else p.chart_ticks  # room for the numbers
        ticks = axis_ticks(axes, xs, sorted({0.0, 1.0, scan.threshold}), xtext=lambda v: str(int(v)))
        xname.next_to(axes.x_axis, RIGHT, buff=0.2)
        guide = VGroup()
        if scan.threshold > 0:
            guide.add(DashedLine(axes.c2p(0, scan.threshold), axes.c2p(axes.x_range[1], scan.threshold),
                                 color=style.GRID_LINE, stroke_width=2))  # fmt: skip
        chart = VGroup(axes, ticks, guide, xname)
        bottom.arrange(title, chart, direction=DOWN if stacked else RIGHT, buff=0.5, at=LEFT)
        self.chart = axes
        trails = [self.trail(axes, p.chart_values, f.k) for f in p.frames]

        sweep = WindowSweep(len(p.frames))
        live = [sweep.readout(lambda i, seq=seq: seq[i]) for seq in (pictures, readouts, bars, trails)]
        self.section("limits")
        with self.beat(p.limit_intro) as b:
            self.clear()
            self.play(QuickFade(border), *fade_in(*live, chart, title), run_time=style.NORMAL)
            self.play(sweep.run(min(b.left, 0.5 * max(len(p.frames) - 1, 1))))
        sweep.stop()
        self.remove(*live)
        # The case presented, as built from the plan (what the tests read).
        f = p.failed
        self.fail_shift = scan.offset(f.k)
        self.fail_picture, self.fail_readout, self.fail_bars, self.trail_dots = (
            pictures[-1],
            readouts[-1],
            bars[-1],
            trails[-1],
        )
        self.fail_note = note
        self.add(self.fail_picture, self.fail_readout, self.fail_bars, self.trail_dots)
        ring = frame_of(self.trail_dots[-1], style.HIGHLIGHT, 3, buff=0.06)
        with self.beat(p.limit_text):
            self.play(QuickFade(note, shift=0.2 * DOWN), GrowFromCenter(ring), run_time=style.NORMAL)

    def bars(self, frame, names: list[str], zone: Zone) -> VGroup:
        """The probabilities of one frame as bars, with the threshold line of the scan, in ``zone``."""
        bars = ProbabilityBars(frame.probabilities, names, winner=frame.winner, max_height=max(zone.height - 0.8, 1.0))
        out = VGroup(bars)
        t = self.plan.scan.threshold
        if t > 0:
            base = bars.baseline
            y = base.get_y() + bars.max_height * t
            line = DashedLine([base.get_left()[0], y, 0], [base.get_right()[0], y, 0], color=style.GRID_LINE)
            out.add(line, label(fmt(t), size=style.SMALL, colour=style.MUTED).next_to(line, RIGHT, buff=0.1))
        zone.place(out, DOWN)
        out.values, out.texts = bars.values, bars.texts
        out.bars, out.numbers, out.max_height = bars.bars, bars.numbers, bars.max_height
        return out

    @staticmethod
    def trail(axes, values: np.ndarray, upto: int) -> VGroup:
        """p(reference) for moves 0 .. ``upto``: a line through the points and a dot at each."""
        pts = [axes.c2p(k, float(values[k])) for k in range(upto + 1)]
        out = VGroup()
        if len(pts) >= 2:
            out.add(VMobject().set_points_as_corners(pts).set_stroke(style.WINNER, width=3))
        dots = VGroup(*[Dot(q, radius=0.055, color=style.WINNER) for q in pts])
        out.add(*dots)
        out.dots = dots
        return out
