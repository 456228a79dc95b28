"""Softmax: the jury's raw scores become probabilities (Sherlock's confidence, shared out)."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    DashedLine,
    Dot,
    GrowFromCenter,
    Indicate,
    MathTex,
    ReplacementTransform,
    TransformFromCopy,
    VGroup,
)

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import ProbabilityBars, QuickFade, axis_ticks, fade_in, fade_out, frame_of, label, plain_axes
from scenes.parts.table import Table
from scenes.plans.softmax import Plot, plan

# Sizes as designed for 16:9; zones shrink them to fit, never below the readable size. TeX glyphs are
# about two thirds of a Text's at one font size, and superscripts 0.7 of that.
SIZE = 30  # the table's names and numbers, the division lines, the bars
TEX = 60  # formulas and column heads with superscripts
HEAD = 44  # column heads without
PLOT_W, PLOT_H = 4.8, 4.6


def class_colour(k: int) -> str:
    return style.CLASS_COLOURS[k % len(style.CLASS_COLOURS)]


def tex(source: str, colour: str = style.TEXT, size: float = TEX) -> MathTex:
    return MathTex(source, font_size=size, color=colour)


class SoftmaxScene(ChapterScene):
    chapter_id = "softmax"
    subtitle = N_("Sherlock's confidence, shared out to add up to 1")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.rig()
        self.scores()
        if self.plan.shift_first:
            self.subtract()
        self.exponentials()
        self.divide()
        if not self.plan.shift_first:
            self.shift()
        self.verdict()

    # -- the rig: the table on the left; the plot, the division and the bars on the right ------------
    def rig(self) -> None:
        p = self.plan
        first, shifted = p.first, p.shifted
        n = len(p.names)
        self.names = VGroup(*[label(name, size=SIZE, colour=class_colour(k)) for k, name in enumerate(p.names)])
        self.heads = {
            "class": label(_("class"), size=SIZE, colour=style.MUTED),
            "z": tex("z", style.MUTED, HEAD),
            "e": tex("e^{z}", style.MUTED),
            "z-max": tex(r"z - \max", style.MUTED, HEAD),
            "e-max": tex(r"e^{\,z - \max}", style.MUTED),
            "p": tex("p", style.MUTED, HEAD),
        }
        self.z_texts = self._column(p.logit_texts)
        self.exp_texts = self._column(first.exp_texts)
        self.first_columns = (self.z_texts, self.exp_texts)  # as first shown (the names move on)
        self.z_shifted = self._column(shifted.z_texts)
        self.exp_shifted = self._column(shifted.exp_texts)
        self.p_texts = self._column(p.p_texts)
        self.sum_text = label(first.sum_text, size=SIZE, colour=style.HIGHLIGHT)
        self.sum_shifted = label(shifted.sum_text, size=SIZE, colour=style.HIGHLIGHT)
        h = self.heads
        columns = [
            [*self.names, h["class"]],
            [*self.z_texts, *self.z_shifted, h["z"], h["z-max"]],
            [*self.exp_texts, *self.exp_shifted, self.sum_text, self.sum_shifted, h["e"], h["e-max"]],
            [*self.p_texts, h["p"]],
        ]
        table = Table([max(m.width for m in col) for col in columns], n, pitch=0.75, gap=0.4, header=0.95)
        for col, key in enumerate(("class", "z", "e", "p")):
            table.put(h[key], -1, col)
        table.put(h["z-max"], -1, 1)
        table.put(h["e-max"], -1, 2)
        for k in range(n):
            table.put(self.names[k], k, 0, LEFT)
            for col, texts in ((1, self.z_texts), (1, self.z_shifted), (2, self.exp_texts), (2, self.exp_shifted)):
                table.put(texts[k], k, col)
            table.put(self.p_texts[k], k, 3)
        self.sum_rule = table.under(n - 1, 2)
        table.put(self.sum_text, n, 2)
        table.put(self.sum_shifted, n, 2)
        parts = [*self.heads.values(), self.names, self.z_texts, self.exp_texts, self.z_shifted, self.exp_shifted]
        self.table = table
        table_group = VGroup(table, self.sum_rule, self.sum_text, self.sum_shifted, self.p_texts, *parts)
        self.plot = self._plot(first.plot, first.z, first.shifted)
        self.division = self._division(first.division, first.shifted)
        self.division_shifted = self._division(shifted.division, True)
        divisions = VGroup(self.division, self.division_shifted)  # one fit: the same size for both
        self.bars = ProbabilityBars(p.probabilities, p.names, winner=p.winner, max_height=3.2, size=SIZE)
        self.bars_title = label(p.verdict, size=SIZE, colour=style.WINNER)
        bars = VGroup(self.bars_title, self.bars).arrange(DOWN, buff=0.45)
        # Side by side on wide frames; stacked, each part gets the height it needs.
        ratios = (table_group.height, max(self.plot.height, bars.height)) if self.lay.stacked else (1.25, 1)
        left, right = self.lay.split(*ratios)
        left.inset(0.1, 0).place(table_group, UP)
        right.place(self.plot)
        right.place(divisions, UP)
        if not self.lay.stacked:  # each division on its class's row of the table, like a spreadsheet
            for d in (self.division, self.division_shifted):
                d.formula.set_y(table.cell(-1, 0)[1])
                for k, row in enumerate(d.rows):
                    row.set_y(table.cell(k, 0)[1])
        right.place(bars)
        self.winner_box = frame_of(VGroup(self.names[p.winner], self.p_texts[p.winner]), style.WINNER, buff=0.08)

    def _column(self, texts) -> VGroup:
        return VGroup(*[label(t, size=SIZE) for t in texts])

    def _plot(self, plot: Plot, z, shifted: bool) -> VGroup:
        """Axes for e^x over the scores, round ticks, dashed levels, the curve and a dot per class."""
        x0, x1 = plot.x_range
        axes = plain_axes(x1, (0, plot.y_top), PLOT_W, PLOT_H, x_min=x0)
        ticks = axis_ticks(axes, plot.x_ticks, (), size=SIZE - 4)
        levels = VGroup()
        for v, text in zip(plot.y_ticks, plot.y_texts):
            a, b = axes.c2p(x0, v), axes.c2p(x1, v)
            levels.add(DashedLine(a, b, color=style.GRID_LINE, stroke_width=1.5, dash_length=0.08))
            levels.add(label(text, size=SIZE - 4, colour=style.MUTED).next_to(a, LEFT, buff=0.12))
        x_name = tex(r"z - \max" if shifted else "z", style.MUTED).next_to(axes.x_axis, DOWN, buff=0.45)
        x_name.align_to(axes.x_axis, RIGHT)
        y_name = tex(r"e^{\,z - \max}" if shifted else "e^{z}", style.MUTED)
        y_name.next_to(axes.c2p(x0, plot.y_top), RIGHT, buff=0.25).align_to(axes.c2p(x0, plot.y_top), UP)
        curve = axes.plot(np.exp, x_range=[x0, min(x1, float(np.log(plot.y_top))), 0.02], color=style.TEXT)
        curve.set_stroke(width=3)
        dots = VGroup(*[Dot(axes.c2p(x, 0), radius=0.1, color=class_colour(k)) for k, x in enumerate(z)])
        dots.set_z_index(3)
        group = VGroup(axes, ticks, levels, x_name, y_name, curve, dots)
        group.axes, group.ticks, group.levels, group.curve, group.dots = axes, ticks, levels, curve, dots
        group.x_name, group.y_name = x_name, y_name
        return group

    def _division(self, lines, shifted: bool) -> VGroup:
        """ "p = e^z ÷ Σ", then one line per class in its colour, in the table's order."""
        formula = tex(r"p = e^{\,z - \max} \div \Sigma" if shifted else r"p = e^{z} \div \Sigma")
        rows = VGroup(*[label(text, size=SIZE, colour=class_colour(k)) for k, text in enumerate(lines)])
        rows.arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        group = VGroup(formula, rows).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        group.formula, group.rows = formula, rows
        return group

    # -- the beats ---------------------------------------------------------------------------------------
    def scores(self) -> None:
        self.section("logits")
        h, plot = self.heads, self.plot
        with self.beat(self.plan.scores_sentence):
            self.play(*fade_in(h["class"], h["z"], self.table.rule), run_time=style.QUICK)
            self.play(*fade_in(self.names, self.z_texts), run_time=style.NORMAL)
            if not self.plan.shift_first:  # the scores as points on a line: the floor of the plot to come
                self.play(*fade_in(plot.axes.x_axis, plot.ticks, plot.x_name), run_time=style.NORMAL)
                self.play(*[GrowFromCenter(d) for d in plot.dots], run_time=style.NORMAL)

    def subtract(self) -> None:
        self.section("subtract")
        h = self.heads
        with self.beat(self.plan.shift_sentence):
            self.play(
                ReplacementTransform(self.z_texts, self.z_shifted),
                ReplacementTransform(h["z"], h["z-max"]),
                run_time=style.SLOW,
            )
        self.z_texts = self.z_shifted

    def exponentials(self) -> None:
        self.section("exp")
        p, plot = self.plan, self.plot
        head = self.heads["e-max" if p.shift_first else "e"]
        with self.beat(self.plan.exp_sentence):
            if p.shift_first:
                self.play(*fade_in(plot.axes.x_axis, plot.ticks, plot.x_name), run_time=style.QUICK)
                self.play(*[GrowFromCenter(d) for d in plot.dots], run_time=style.QUICK)
            self.play(*fade_in(plot.axes.y_axis, plot.levels, plot.y_name), run_time=style.NORMAL)
            self.play(QuickFade(plot.curve), run_time=style.NORMAL)
            table = p.first
            self.play(
                *[d.animate.move_to(plot.axes.c2p(x, e)) for d, x, e in zip(plot.dots, table.z, table.exps)],
                *fade_in(head, self.exp_texts, shift=RIGHT * 0.3),
                run_time=style.SLOW,
            )

    def divide(self) -> None:
        self.section("divide")
        div = self.division
        with self.beat(self.plan.divide_sentence):
            self.play(*fade_in(self.sum_rule), TransformFromCopy(self.exp_texts, self.sum_text), run_time=style.SLOW)
            self.play(*fade_out(self.plot), run_time=style.QUICK)
            self.play(*fade_in(div.formula, div.rows), run_time=style.NORMAL)
            self.play(
                *fade_in(self.heads["p"]),
                *[TransformFromCopy(row, t) for row, t in zip(div.rows, self.p_texts)],
                run_time=style.SLOW,
            )

    def shift(self) -> None:
        """Only after e^z itself: subtracting the largest score changes no share."""
        self.section("shift")
        h = self.heads
        with self.beat(self.plan.shift_sentence):
            self.play(
                ReplacementTransform(self.z_texts, self.z_shifted),
                ReplacementTransform(h["z"], h["z-max"]),
                run_time=style.NORMAL,
            )
            self.play(
                ReplacementTransform(self.exp_texts, self.exp_shifted),
                ReplacementTransform(h["e"], h["e-max"]),
                ReplacementTransform(self.sum_text, self.sum_shifted),
                ReplacementTransform(self.division, self.division_shifted),
                run_time=style.SLOW,
            )
            self.play(Indicate(self.p_texts, color=style.HIGHLIGHT, scale_factor=1.1), run_time=style.SLOW)
        self.z_texts, self.exp_texts, self.sum_text = self.z_shifted, self.exp_shifted, self.sum_shifted
        self.division = self.division_shifted

    def verdict(self) -> None:
        self.section("bars")
        bars = self.bars
        with self.beat(self.plan.verdict_sentence):
            self.play(*fade_out(self.division), run_time=style.QUICK)
            self.play(
                *fade_in(self.bars_title, bars.baseline, bars.names),
                *[GrowFromCenter(b) for b in bars.bars],
                run_time=style.NORMAL,
            )
            self.play(*fade_in(bars.numbers), run_time=style.QUICK)
            self.play(
                self.names[self.plan.winner].animate.set_color(style.WINNER),
                self.p_texts[self.plan.winner].animate.set_color(style.WINNER),
                GrowFromCenter(self.winner_box),
                run_time=style.NORMAL,
            )
