"""Chapter 7: softmax turns the jury's raw scores into probabilities (Sherlock's confidence)."""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    Line,
    MathTex,
    ReplacementTransform,
    SurroundingRectangle,
    TransformFromCopy,
    VGroup,
    Write,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import keep_on_screen, label
from scenes.plans.terms import shifted_logits, softmax_terms
from scenes.prob_parts import ProbabilityBars, nice_step, num

# Table columns (x of each column's centre) on the left half; the plot sits on the right half.
COL_NAME, COL_Z, COL_EXP, COL_P = -5.85, -4.25, -2.5, -0.6
HEADER_Y, ROW0_Y, ROW_DY = 2.35, 1.7, 0.6
PLOT_CENTRE = np.array([3.95, -0.1, 0.0])
PLOT_W, PLOT_H = 5.3, 4.4
NUM_SIZE = 20


def class_colour(k: int) -> str:
    return style.CLASS_COLOURS[k % len(style.CLASS_COLOURS)]


class SoftmaxScene(ChapterScene):
    chapter_id = "softmax"
    subtitle = "Sherlock's confidence, shared out to add up to 1"

    def construct(self) -> None:
        self.title_card()
        self.terms = softmax_terms(self.trace)
        self.shifted = shifted_logits(self.trace)
        # e^z fits a float for every realistic logit; past ~709 it overflows and only the shifted
        # version can be drawn.
        self.raw = bool(np.all(np.isfinite(self.terms.exps)))
        self.logits_step()
        self.exp_step()
        self.divide_step()
        if self.raw:
            self.shift_step()
        self.bars_step()

    # -- step 1: the raw scores -----------------------------------------------------------------
    def logits_step(self) -> None:
        z = self.terms.logits
        n = len(z)
        self.step("logits")
        self.rows_y = [ROW0_Y - ROW_DY * k for k in range(n)]
        self.names = VGroup(
            *[
                label(name, colour=class_colour(k)).move_to([COL_NAME, y, 0])
                for k, (name, y) in enumerate(zip(self.trace.class_names, self.rows_y))
            ]
        )
        self.z_texts = VGroup(*[label(num(v), size=NUM_SIZE).move_to([COL_Z, y, 0]) for v, y in zip(z, self.rows_y)])
        self.head_name = label("class", size=style.SMALL_SIZE + 2, colour=style.MUTED).move_to([COL_NAME, HEADER_Y, 0])
        self.head_z = MathTex("z", font_size=34, color=style.MUTED).move_to([COL_Z, HEADER_Y, 0])
        rule = Line([COL_NAME - 1.0, HEADER_Y - 0.3, 0], [COL_P + 0.8, HEADER_Y - 0.3, 0], color=style.GRID_LINE)
        self.rule = rule
        best = self.trace.prediction
        self.say(
            f"The jury hands Sherlock {n} raw scores, one per suspect. {self.trace.class_names[best]} leads "
            f"with {num(z[best])}, but a score is not yet a chance: scores can be any size, even negative.",
            6.5,
        )
        self.play(FadeIn(self.head_name), FadeIn(self.head_z), FadeIn(rule), run_time=0.6)
        self.play(FadeIn(self.names, lag_ratio=0.2), FadeIn(self.z_texts, lag_ratio=0.2), run_time=1.2)
        if self.raw:  # the scores as points on a number line: the floor of the plot to come
            self._build_plot()
            self.play(FadeIn(self.axes.x_axis), FadeIn(self.ticks.x), run_time=0.8)
            self.play(
                *[GrowFromCenter(d) for d in self.dots],
                *[Indicate(zt, color=class_colour(k)) for k, zt in enumerate(self.z_texts)],
                run_time=1.2,
            )
        self.settle()

    # -- step 2: e^z, the confidence curve --------------------------------------------------------
    def _axes(self, shifted: bool) -> Axes:
        z = self.shifted if shifted else self.terms.logits
        top = self.terms.shifted_exps.max() if shifted else self.terms.exps.max()
        pad = 0.08 * float(z.max() - z.min()) + 0.6
        ax = Axes(
            x_range=[float(z.min()) - pad, float(z.max()) + pad, 1],
            y_range=[0, float(top) * 1.15, 1],
            x_length=PLOT_W,
            y_length=PLOT_H,
            tips=False,
            axis_config={"include_ticks": False, "color": style.MUTED, "stroke_width": 2},
        )
        return ax.move_to(PLOT_CENTRE)

    def _ticks(self, ax: Axes, shifted: bool) -> VGroup:
        """Round tick values along both axes (a ruler, not data), y values as faint grid lines."""
        x0, x1 = ax.x_range[:2]
        y1 = ax.y_range[1]
        xs, ys = VGroup(), VGroup()
        dx = nice_step(x1 - x0, 4)
        for v in np.arange(math.ceil(x0 / dx) * dx, x1 + 1e-9, dx):
            p = ax.c2p(v, 0)
            xs.add(Line(p + 0.07 * UP, p + 0.07 * DOWN, color=style.MUTED, stroke_width=2))
            xs.add(label(num(v), size=style.SMALL_SIZE, colour=style.MUTED).next_to(p, DOWN, buff=0.14))
        dy = nice_step(y1, 4)
        for v in np.arange(dy, y1 + 1e-12, dy):
            p = ax.c2p(x0, v)
            grid = DashedLine(p, ax.c2p(x1, v), color=style.GRID_LINE, stroke_width=1.5, dash_length=0.08)
            ys.add(grid, label(num(v), size=style.SMALL_SIZE, colour=style.MUTED).next_to(p, LEFT, buff=0.12))
        xlab = MathTex(r"z - \max" if shifted else "z", font_size=30, color=style.MUTED)
        ylab = MathTex(r"e^{\,z - \max}" if shifted else "e^{z}", font_size=30, color=style.MUTED)
        xlab.next_to(ax.x_axis.get_right(), DOWN, buff=0.5).align_to(ax.x_axis, RIGHT)
        ylab.next_to(ax.c2p(x0, y1), RIGHT + DOWN, buff=0.12).shift(RIGHT * 0.1)
        xs.add(xlab)
        ys.add(ylab)
        out = VGroup(xs, ys)
        out.x, out.y = xs, ys
        return out

    def _build_plot(self) -> None:
        """Axes (e^z itself, or e^(z - max) when e^z overflows), the curve and one dot per class."""
        shifted = not self.raw
        self.axes = self._axes(shifted)
        self.ticks = self._ticks(self.axes, shifted)
        self.axes_raw = None if shifted else self.axes
        self.curve = self.axes.plot(
            np.exp, x_range=[self.axes.x_range[0], math.log(self.axes.y_range[1]), 0.02], color=style.TEXT
        )
        self.curve.set_stroke(width=3)
        xs = self.shifted if shifted else self.terms.logits
        self.dots = VGroup(
            *[Dot(self.axes.c2p(x, 0), radius=0.1, color=class_colour(k)).set_z_index(3) for k, x in enumerate(xs)]
        )

    def exp_step(self) -> None:
        t = self.terms
        self.step("exp")
        shifted = not self.raw
        if shifted:
            self._build_plot()
        exps = t.shifted_exps if shifted else t.exps
        xs = self.shifted if shifted else t.logits
        self.head_exp = MathTex(r"e^{\,z - \max}" if shifted else "e^{z}", font_size=34, color=style.MUTED)
        self.head_exp.move_to([COL_EXP, HEADER_Y, 0])
        self.exp_texts = VGroup(
            *[label(num(v), size=NUM_SIZE).move_to([COL_EXP, y, 0]) for v, y in zip(exps, self.rows_y)]
        )
        if shifted:
            self.z_texts_shift = VGroup(
                *[label(num(v), size=NUM_SIZE).move_to([COL_Z, y, 0]) for v, y in zip(self.shifted, self.rows_y)]
            )
            self.say(
                "These scores are so big that e to their power overflows a computer number, so first "
                "subtract the biggest score from all of them. Then raise e to each.",
                7,
            )
            head = MathTex(r"z - \max", font_size=34, color=style.MUTED).move_to(self.head_z)
            self.play(
                ReplacementTransform(self.z_texts, self.z_texts_shift),
                ReplacementTransform(self.head_z, head),
                run_time=1,
            )
            self.z_texts, self.head_z = self.z_texts_shift, head
        else:
            self.say(
                "Sherlock's confidence grows much faster than the score: each score z becomes e to the "
                "power z. Every result is positive, and a lead of a few points becomes a landslide.",
                8,
            )
        if shifted:
            self.play(FadeIn(self.axes), FadeIn(self.ticks), run_time=0.8)
            self.play(*[GrowFromCenter(d) for d in self.dots], run_time=0.6)
        else:
            self.play(FadeIn(self.axes.y_axis), FadeIn(self.ticks.y), run_time=0.8)
        self.play(Write(self.curve), run_time=1.2)
        self.play(
            *[d.animate.move_to(self.axes.c2p(x, e)) for d, x, e in zip(self.dots, xs, exps)],
            FadeIn(self.head_exp),
            FadeIn(self.exp_texts, shift=RIGHT * 0.4, lag_ratio=0.15),
            run_time=1.6,
        )
        self.settle()

    # -- step 3: divide by the sum --------------------------------------------------------------
    def _division_lines(self, exps: np.ndarray, total: float) -> VGroup:
        top = self.rows_y[-1] - 1.75
        lines = VGroup()
        for k, (e, p) in enumerate(zip(exps, self.terms.probabilities)):
            line = label(f"{num(e)} ÷ {num(total)} = {num(p)}", size=NUM_SIZE)
            lines.add(line.move_to([COL_NAME - 0.9, top - 0.48 * k, 0], aligned_edge=LEFT))
        return lines

    def _formula(self, shifted: bool) -> MathTex:
        exp = r"e^{\,z - \max}" if shifted else "e^{z}"
        tex = MathTex(r"p", "=", exp, r"\div", r"\Sigma", font_size=34, color=style.TEXT)
        return tex.move_to([COL_NAME - 0.9, self.rows_y[-1] - 1.15, 0], aligned_edge=LEFT)

    def divide_step(self) -> None:
        t = self.terms
        shifted = not self.raw
        total = t.shifted_total if shifted else t.total
        exps = t.shifted_exps if shifted else t.exps
        self.step("divide")
        y_sum = self.rows_y[-1] - 0.6
        self.sum_rule = Line([COL_EXP - 0.8, y_sum + 0.3, 0], [COL_EXP + 0.8, y_sum + 0.3, 0], color=style.MUTED)
        self.sum_text = label(f"Σ = {num(total)}", size=NUM_SIZE + 2, colour=style.HIGHLIGHT)
        self.sum_text.move_to([COL_EXP, y_sum, 0])
        self.head_p = MathTex("p", font_size=34, color=style.MUTED).move_to([COL_P, HEADER_Y, 0])
        self.formula = self._formula(shifted)
        self.division = self._division_lines(exps, total)
        self.p_texts = VGroup(
            *[label(num(p), size=NUM_SIZE).move_to([COL_P, y, 0]) for p, y in zip(t.probabilities, self.rows_y)]
        )
        self.say(
            f"To share the confidence out, add it all up: Σ = {num(total)}. Then divide each one by "
            "that sum. Each share is a probability, and together they make exactly 1.",
            8.5,
        )
        self.play(FadeIn(self.sum_rule), TransformFromCopy(self.exp_texts, self.sum_text), run_time=1.2)
        self.play(FadeIn(self.head_p), FadeIn(self.formula), Write(self.division), run_time=2)
        self.play(*[TransformFromCopy(d, p) for d, p in zip(self.division, self.p_texts)], run_time=1.2)
        self.settle()

    # -- step 4 (only when e^z itself was drawn): subtracting the max changes nothing ---------------
    def shift_step(self) -> None:
        t = self.terms
        self.step("shift")
        self.axes_shift = self._axes(True)
        ticks = self._ticks(self.axes_shift, True)
        z_shift = VGroup(
            *[label(num(v), size=NUM_SIZE).move_to([COL_Z, y, 0]) for v, y in zip(self.shifted, self.rows_y)]
        )
        exp_shift = VGroup(
            *[label(num(v), size=NUM_SIZE).move_to([COL_EXP, y, 0]) for v, y in zip(t.shifted_exps, self.rows_y)]
        )
        sum_shift = label(f"Σ = {num(t.shifted_total)}", size=NUM_SIZE + 2, colour=style.HIGHLIGHT).move_to(
            self.sum_text
        )
        division = self._division_lines(t.shifted_exps, t.shifted_total)
        formula = self._formula(True)
        head_z = MathTex(r"z - \max", font_size=34, color=style.MUTED).move_to(self.head_z)
        head_exp = MathTex(r"e^{\,z - \max}", font_size=34, color=style.MUTED).move_to(self.head_exp)
        self.say(
            "A computer first subtracts the biggest score from every score. All the e to the z shrink by "
            "the same factor, so the shares do not change: the curve, the dots and p stay put.",
            8.5,
        )
        self.play(
            ReplacementTransform(self.axes, self.axes_shift),
            FadeOut(self.ticks),
            FadeIn(ticks),
            ReplacementTransform(self.z_texts, z_shift),
            ReplacementTransform(self.head_z, head_z),
            run_time=1.5,
        )
        self.play(
            ReplacementTransform(self.exp_texts, exp_shift),
            ReplacementTransform(self.head_exp, head_exp),
            ReplacementTransform(self.sum_text, sum_shift),
            ReplacementTransform(self.division, division),
            ReplacementTransform(self.formula, formula),
            run_time=1.5,
        )
        self.play(Indicate(self.p_texts, color=style.HIGHLIGHT, scale_factor=1.15), run_time=1.2)
        self.z_raw, self.exp_raw, self.sum_raw, self.division_raw = (
            self.z_texts,
            self.exp_texts,
            self.sum_text,
            self.division,
        )
        self.axes, self.ticks, self.head_z, self.head_exp = self.axes_shift, ticks, head_z, head_exp
        self.z_texts, self.exp_texts, self.sum_text, self.division = z_shift, exp_shift, sum_shift, division
        self.formula = formula
        self.settle()

    # -- step 5: the probabilities as bars ----------------------------------------------------------
    def bars_step(self) -> None:
        t = self.terms
        win = self.trace.prediction
        self.step("bars")
        self.bars = ProbabilityBars(
            t.probabilities, self.trace.class_names, winner=win, max_height=3.4, size=style.LABEL_SIZE - 2
        )
        self.bars.move_to(PLOT_CENTRE + DOWN * 0.1)
        keep_on_screen(self.bars)
        title = label("Sherlock's confidence", size=style.LABEL_SIZE, colour=style.MUTED)
        self.bars_title = title.next_to(self.bars, UP, buff=0.3)
        box = SurroundingRectangle(VGroup(self.names[win], self.p_texts[win]), color=style.WINNER, buff=0.12)
        self.winner_box = box
        name = self.trace.class_names[win]
        self.say(
            f"Now the scores read as chances. Sherlock's verdict: {name}, "
            f"with probability {num(t.probabilities[win])}. The others share what is left.",
            7,
        )
        self.play(
            FadeOut(VGroup(self.axes, self.ticks, self.curve, self.dots)),
            run_time=0.6,
        )
        self.play(
            FadeIn(title),
            FadeIn(self.bars.baseline),
            FadeIn(self.bars.names),
            *[GrowFromCenter(b) for b in self.bars.bars],
            run_time=1.2,
        )
        self.play(FadeIn(self.bars.numbers), run_time=0.6)
        self.play(
            self.names[win].animate.set_color(style.WINNER),
            self.p_texts[win].animate.set_color(style.WINNER),
            GrowFromCenter(box),
            run_time=0.8,
        )
        self.settle()
