"""Training: the model's real history, epoch by epoch; its guess for this picture before and after; a
filter and its feature map before and after; and short runs with three learning rates, each
labelled with what happened in it. The plan chooses every claim."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    DashedLine,
    Dot,
    Group,
    GrowFromEdge,
    Line,
    Rectangle,
    ReplacementTransform,
    Square,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    always_redraw,
    linear,
)

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.layout import Zone
from scenes.parts import (
    Grid,
    NumberCells,
    PixelImage,
    PlotLine,
    QuickFade,
    axis_ticks,
    boxed,
    fade_in,
    grown,
    label,
    legend,
    plain_axes,
    wrapped,
)
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, percent, prob
from scenes.plans.training import plan

TRAIN_COLOUR = style.CLASS_COLOURS[2]  # training-set curves
VAL_COLOUR = style.HIGHLIGHT  # validation-set curves: the exam
TICK_ROOM = 0.3  # units of axis height per y tick label: closer than this, labels touch


def entry(sample, text: str, colour: str, first: bool = True) -> VGroup:
    """A key entry: a sample (a line, a colour bar) and its words, side by side (words first if not
    ``first``)."""
    if isinstance(sample, Line):
        sample.set_length(0.5)
    words = label(text, size=style.SMALL, colour=colour)
    return VGroup(*((sample, words) if first else (words, sample))).arrange(RIGHT, buff=0.15)


class BarPairs(VGroup):
    """Two probabilities per class side by side: ``before`` (muted) and ``after`` (the ``winner`` in
    ``style.WINNER``, the others in ``style.TEXT``), each bar ``max_height * p`` tall."""

    def __init__(self, before, after, winner: int, names, max_height: float = 2.8, spacing: float = 2.4) -> None:
        super().__init__()
        self.before, self.after = np.array(before, dtype=np.float64), np.array(after, dtype=np.float64)
        self.max_height = max_height
        n, width, off = len(names), 0.62, 0.44
        self.bars_before, self.bars_after = VGroup(), VGroup()
        self.numbers_before, self.numbers_after, self.names = VGroup(), VGroup(), VGroup()
        for k in range(n):
            x = (k - (n - 1) / 2) * spacing
            for values, bars, numbers, dx, fill in (
                (self.before, self.bars_before, self.numbers_before, -off, style.MUTED),
                (self.after, self.bars_after, self.numbers_after, off, style.WINNER if k == winner else style.TEXT),
            ):
                bar = Rectangle(width=width, height=max(max_height * values[k], 1e-4), stroke_width=0)
                bars.add(bar.set_fill(fill, opacity=1).move_to([x + dx, 0, 0], aligned_edge=DOWN))
                numbers.add(label(prob(values[k]), size=style.SMALL, colour=fill).next_to(bar, UP, buff=0.08))
            self.names.add(label(names[k], size=style.LABEL).move_to([x, -0.3, 0]))
            a, b = self.numbers_before[k], self.numbers_after[k]
            if a.get_right()[0] > b.get_left()[0] - 0.05 and abs(a.get_y() - b.get_y()) < a.height:
                a.shift(UP * (b.get_top()[1] + 0.05 - a.get_bottom()[1]))  # the pair's numbers must not touch
        half = n * spacing / 2
        self.baseline = Line([-half, 0, 0], [half, 0, 0], color=style.GRID_LINE, stroke_width=2)
        self.add(self.baseline, self.bars_before, self.bars_after, self.numbers_before, self.numbers_after, self.names)


class TrainingScene(ChapterScene):
    chapter_id = "training"
    subtitle = N_("Thousands of pictures, one small correction at a time")

    def construct(self) -> None:
        self.plan = p = plan(self.story)
        self.title_card()
        if p.curves is not None:
            self.curves_story()
        if p.guess is not None:
            self.guess_story()
            self.filters_story()
        if p.rates is not None:
            self.rates_story()
        if len(self.sections) == 1:  # a model without any training record
            self.section("no-record")
            with self.beat(p.no_record):
                self.play(QuickFade(self.lay.main.place(wrapped(p.no_record, 8))), run_time=style.NORMAL)

    def chart(self, zone: Zone, title: str, x_max: float, y_top: float, xs, ys, ytext, xname: str):
        """Axes filling ``zone``: the title above, readable ticks, the x axis's name under its right end."""
        head = label(title, size=style.SMALL)
        name = label(xname, size=style.SMALL, colour=style.MUTED)
        height = zone.height - head.height - name.height - 1.0
        if height < TICK_ROOM * len(ys):  # a flat chart (stacked zones): the ends of the axis only
            ys = (ys[0], ys[-1])
        axes = plain_axes(x_max, (0, y_top), zone.width - 1.45, height)
        ticks = axis_ticks(axes, xs, ys, xtext=fmt, ytext=ytext)
        name.next_to(ticks, DOWN, buff=0.1).align_to(axes, RIGHT)
        head.next_to(axes, UP, buff=0.25).align_to(ticks, LEFT)
        group = VGroup(head, axes, ticks, name)
        zone.place(group, buff=0.08)  # room for the dots on the edges
        return group, axes

    # -- the history ----------------------------------------------------------------------------------
    def curves_story(self) -> None:
        c = self.plan.curves
        ep = c.epochs
        last = float(ep[-1])
        left, right = self.lay.split(1, 1, zone=self.lay.main)
        loss_group, self.loss_axes = self.chart(left, _("loss (lower is better)"), last, c.loss_top, c.epoch_ticks,
                                                c.loss_ticks, fmt, _("epoch"))  # fmt: skip
        acc_group, self.acc_axes = self.chart(right, _("accuracy (share right)"), last, 1.0, c.epoch_ticks,
                                              (0, 0.5, 1), percent, _("epoch"))  # fmt: skip
        key = VGroup(entry(Line(LEFT, RIGHT, color=TRAIN_COLOUR, stroke_width=5), c.train_key, TRAIN_COLOUR),
                     entry(Line(LEFT, RIGHT, color=VAL_COLOUR, stroke_width=5), c.val_key, VAL_COLOUR))  # fmt: skip
        key.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        words, count = self.lay.footer.columns(2.2, 1)
        words.place(key, LEFT)
        self.key = key
        specs = [
            (self.loss_axes, c.train_loss, TRAIN_COLOUR, "train_loss"),
            (self.loss_axes, c.val_loss, VAL_COLOUR, "val_loss"),
            (self.acc_axes, c.train_accuracy, TRAIN_COLOUR, "train_accuracy"),
            (self.acc_axes, c.val_accuracy, VAL_COLOUR, "val_accuracy"),
        ]
        tracker = ValueTracker(0.0)
        live = [
            always_redraw(lambda ax=ax, v=v, col=col: grown(ax, ep, v, tracker.get_value(), col))
            for ax, v, col, _n in specs
        ]
        counters = [label(_("epoch {e} of {n}").format(e=int(e), n=int(last)), size=style.LABEL) for e in ep]
        for m in counters:
            count.place(m, RIGHT)
        counter = always_redraw(lambda: counters[int(round(tracker.get_value()))])

        self.section("curves")
        with self.beat(c.intro):
            self.play(*fade_in(loss_group, acc_group), run_time=style.NORMAL)
            self.play(QuickFade(key, shift=0.2 * UP), run_time=style.NORMAL)
            self.add(*live, counter)  # the first points: the untrained network at epoch 0
        with self.beat(c.story) as b:
            self.play(tracker.animate.set_value(last), run_time=0.8 * b.left, rate_func=linear)
        self.remove(*live, counter)
        # The finished curves, one line per history column, with a dot at every epoch.
        self.curves, self.points = {}, {}
        for ax, v, col, name in specs:
            self.curves[name] = PlotLine(ax, ep, v, col)
            self.points[name] = VGroup(*[Dot(ax.c2p(x, y), radius=0.045, color=col) for x, y in zip(ep, v)])
        self.add(*self.curves.values(), *self.points.values(), counters[-1])

        self.section("exam")
        self.exam_box = VGroup(*[label(t, size=style.SMALL, colour=VAL_COLOUR if i == 0 else style.TEXT)
                                 for i, t in enumerate(c.exam_lines)])  # fmt: skip
        self.exam_box.arrange(DOWN, buff=0.1, aligned_edge=LEFT)
        words.place(self.exam_box, LEFT)
        marker = SurroundingRectangle(self.points["val_accuracy"][-1], color=VAL_COLOUR, buff=0.08)
        with self.beat(c.exam_text):
            self.play(QuickFade(key, appear=False), run_time=style.QUICK)
            self.play(QuickFade(marker), QuickFade(self.exam_box, shift=0.2 * UP), run_time=style.NORMAL)

    # -- this picture before and after -------------------------------------------------------------------
    def guess_story(self) -> None:
        p, g = self.plan, self.plan.guess
        names = [shown(n) for n in p.class_names]
        left, right = self.lay.split(1, 2.4, zone=self.lay.body)
        cap = label(self.story.image_name, size=style.SMALL, colour=style.MUTED)
        pic = PixelImage(p.image, p.picture_scale, height=min(left.width, 3.4, left.height - cap.height - 0.15))
        cap.next_to(pic, DOWN, buff=0.15)
        left.place(Group(pic, cap))  # the name inside the zone too: stacked zones sit close
        pairs = BarPairs(g.before, g.after, g.after_winner, names)
        y = pairs.baseline.get_y() + pairs.max_height * g.chance
        self.chance = DashedLine([pairs.baseline.get_left()[0], y, 0], [pairs.baseline.get_right()[0], y, 0],
                                 color=style.GRID_LINE, stroke_width=2)  # fmt: skip
        chance = label(g.chance_text, size=style.SMALL, colour=style.MUTED).next_to(pairs, DOWN, buff=0.25)
        keys = VGroup(*[entry(Square(0.25, stroke_width=0).set_fill(c, 1), k, c)
                        for k, c in ((g.before_key, style.MUTED), (g.after_key, style.WINNER))])  # fmt: skip
        keys.arrange(RIGHT, buff=0.6).next_to(pairs, UP, buff=0.5)
        right.place(VGroup(pairs, self.chance, chance, keys))
        self.pairs = pairs
        self.section("guess")
        with self.beat(g.before_text):
            self.clear()
            self.play(
                *fade_in(pic, cap, keys[0], pairs.baseline, pairs.names, self.chance, chance), run_time=style.NORMAL
            )
            self.play(*[GrowFromEdge(m, DOWN) for m in pairs.bars_before], QuickFade(pairs.numbers_before),
                      run_time=style.NORMAL)  # fmt: skip
        with self.beat(g.after_text):
            self.play(QuickFade(keys[1]), *[GrowFromEdge(m, DOWN) for m in pairs.bars_after],
                      QuickFade(pairs.numbers_after), run_time=style.SLOW)  # fmt: skip

    # -- the filters and map 1 before and after -------------------------------------------------------------
    def filter_group(self, weight: np.ndarray) -> VGroup:
        """One column per filter; in it one small grid per input channel, stacked (a texture)."""
        f = self.plan.filters
        element = NumberCells(text=lambda v: fmt(v, 2)) if f.numbers else None
        cell = 0.6 if weight.shape[1] == 1 else 0.2  # a row of filters under 2 units high
        columns = [VGroup(*[Grid(weight[i, ch], f.weight_scale, cell=cell, element=element)
                            for ch in range(weight.shape[1])]).arrange(DOWN, buff=0.08)
                   for i in range(weight.shape[0])]  # fmt: skip
        return VGroup(*columns).arrange(RIGHT, buff=0.25)

    def filters_story(self) -> None:
        f = self.plan.filters
        self.filters = [self.filter_group(w) for w in (f.early, f.late)]
        self.maps = [PixelImage(m, f.map_scale, height=1.8) for m in (f.map_early, f.map_late)]
        parts = [(label(key, size=style.SMALL), group, Arrow(LEFT, RIGHT, buff=0, color=style.MUTED).scale(0.5), image)
                 for key, group, image in zip(f.row_keys, self.filters, self.maps)]  # fmt: skip
        table = Group(*parts[0], *parts[1]).arrange_in_grid(rows=2, cols=4, buff=(0.6, 0.25), col_alignments="lccc")
        heads = VGroup(*[label(h, size=style.SMALL, colour=style.MUTED).next_to(m, UP, buff=0.15)
                         for h, m in zip(f.heads, (self.filters[0], self.maps[0]))])  # fmt: skip
        self.lay.main.place(Group(table, heads))
        keys = VGroup(*[entry(legend(scale, -scale.vmax, scale.vmax, width=1.8), name, style.MUTED, first=False)
                        for scale, name in ((f.weight_scale, _("weights")), (f.map_scale, _("map")))])  # fmt: skip
        keys.arrange(RIGHT, buff=0.8)
        self.lay.footer.place(keys)
        focus = [SurroundingRectangle(g[0], color=style.HIGHLIGHT, buff=0.06) for g in self.filters]
        self.section("filters")
        with self.beat(f.early_text):
            self.clear()
            self.play(*fade_in(*parts[0][:2], heads, keys), run_time=style.NORMAL)
            self.play(*fade_in(focus[0], *parts[0][2:]), run_time=style.NORMAL)
        with self.beat(f.late_text):
            self.play(QuickFade(parts[1][0]), ReplacementTransform(self.filters[0].copy(), self.filters[1]),
                      run_time=style.SLOW)  # fmt: skip
            self.play(*fade_in(focus[1], *parts[1][2:]), run_time=style.NORMAL)

    # -- the learning rate ----------------------------------------------------------------------------------------
    def rates_story(self) -> None:
        r = self.plan.rates
        left, right = self.lay.split(1.55, 1, zone=self.lay.body)
        group, ax = self.chart(left, r.y_label, r.x_max, r.top, r.x_ticks, r.decades,
                               lambda y: r.decade_texts[r.decades.index(y)], r.x_label)  # fmt: skip
        self.lr_axes, self.lr_log_floor = ax, r.floor
        guide = VGroup()
        if r.guess_y is not None:
            guide.add(DashedLine(ax.c2p(0, r.guess_y), ax.c2p(r.x_max, r.guess_y), color=style.MUTED, stroke_width=2))
        rows = VGroup()
        for run in r.runs:
            text = VGroup(label(run.rate, size=style.LABEL, colour=run.colour),
                          wrapped(run.label, 3.6, size=style.SMALL, align=LEFT))  # fmt: skip
            text.arrange(DOWN, aligned_edge=LEFT, buff=0.08)
            rows.add(VGroup(Line(LEFT * 0.25, RIGHT * 0.25, color=run.colour, stroke_width=6), text))
            rows[-1].arrange(RIGHT, buff=0.2)
        if len(guide):
            dash = DashedLine(LEFT * 0.25, RIGHT * 0.25, color=style.MUTED, stroke_width=2, dash_length=0.08)
            rows.add(entry(dash, _("blind guess"), style.MUTED))
        if self.lay.stacked:  # the key goes under the chart: two columns of entries
            rows.arrange_in_grid(cols=2, buff=(0.5, 0.25), col_alignments="ll")
        else:
            rows.arrange(DOWN, aligned_edge=LEFT, buff=0.3)
        self.lr_key = right.place(boxed(rows, buff=0.2))
        tracker = ValueTracker(0.0)
        y = {id(run): np.log10(run.drawn) - r.floor for run in r.runs}
        live = [always_redraw(lambda run=run: grown(ax, run.steps, y[id(run)], tracker.get_value(), run.colour, 3.5))
                for run in r.runs if len(run.steps)]  # fmt: skip
        self.section("learning-rate")
        with self.beat(r.intro):
            self.clear()
            self.play(*fade_in(group, guide, self.lr_key), run_time=style.NORMAL)
        with self.beat(r.story) as b:
            self.add(*live)
            self.play(tracker.animate.set_value(r.x_max), run_time=0.8 * b.left, rate_func=linear)
            self.remove(*live)
            self.lr_curves = [PlotLine(ax, run.steps, y[id(run)], run.colour, 3.5, values=run.drawn) for run in r.runs]
            self.add(*self.lr_curves)
