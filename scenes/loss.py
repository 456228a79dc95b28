"""Chapter 8: the loss, how much the guess is penalised: -log p of the true class, read three ways."""

from __future__ import annotations

import re

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Indicate,
    Line,
    MathTex,
    ParametricFunction,
    ReplacementTransform,
    SurroundingRectangle,
    VGroup,
    Write,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import Panel, keep_on_screen, label
from scenes.plans.terms import class_penalties, loss_terms, penalty
from scenes.prob_parts import ProbabilityBars, nice_step, num, precise_prob

REFERENCE_P = (0.5, 0.01)  # points on the penalty curve to compare with (a presentation choice)
CHART_X = -3.7
PLOT_CENTRE = np.array([3.8, -0.95, 0.0])
PLOT_W, PLOT_H = 5.2, 3.3


def tex_name(name: str) -> str:
    """A class name safe inside \\text{...}."""
    return re.sub(r"[^A-Za-z0-9 ]", "", name) or "true"


class LossScene(ChapterScene):
    chapter_id = "loss"
    subtitle = "How much Sherlock pays for a wrong or unsure verdict"

    def construct(self) -> None:
        self.title_card()
        self.terms = loss_terms(self.trace)
        self.penalties = class_penalties(self.trace)
        self.truth_step()
        self.nll_step()
        self.curve_step()
        self.three_step()

    # -- step 1: the true label, one-hot, against the guess ------------------------------------------
    def truth_step(self) -> None:
        t, tr = self.terms, self.trace
        self.step("truth")
        names = tr.class_names
        self.target_bars = ProbabilityBars(
            t.target, names, winner=t.label, max_height=1.1, size=style.SMALL_SIZE + 2, winner_colour=style.HIGHLIGHT
        )
        self.guess_bars = ProbabilityBars(
            t.probabilities, names, winner=tr.prediction, max_height=1.1, size=style.SMALL_SIZE + 2
        )
        self.target_bars.move_to([CHART_X, 1.0, 0], aligned_edge=DOWN).shift(DOWN * self.target_bars.names.height)
        self.guess_bars.move_to([CHART_X, -2.0, 0], aligned_edge=DOWN).shift(DOWN * self.guess_bars.names.height)
        self.target_title = label("the truth (one-hot)", size=style.LABEL_SIZE - 2, colour=style.MUTED)
        self.guess_title = label("Sherlock's guess (softmax)", size=style.LABEL_SIZE - 2, colour=style.MUTED)
        self.target_title.next_to(self.target_bars, UP, buff=0.25)
        self.guess_title.next_to(self.guess_bars, UP, buff=0.25)
        k = t.label
        self.true_box = SurroundingRectangle(
            VGroup(self.guess_bars.bars[k], self.guess_bars.numbers[k], self.guess_bars.names[k]),
            color=style.HIGHLIGHT,
            buff=0.1,
        )
        self.note = None
        if self.story.label_note is not None:
            self.note = label(self.story.label_note, size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
            self.note.to_corner(DOWN + LEFT, buff=0.2)
        given = "assumed" if self.story.label_assumed else "known"
        self.say(
            f"Training needs the right answer. Here it is {given}: {tr.label_name}. Written like the guess, it "
            f"is 1 for {tr.label_name} and 0 for everyone else. The loss only looks at Sherlock's "
            f"probability for {tr.label_name}: {num(t.probabilities[k])}.",
            9,
        )
        if self.note is not None:
            self.play(FadeIn(self.note), run_time=0.6)
        self.play(FadeIn(self.target_title), FadeIn(self.target_bars), run_time=1)
        self.play(FadeIn(self.guess_title), FadeIn(self.guess_bars), run_time=1)
        self.play(GrowFromCenter(self.true_box), run_time=0.8)
        self.settle()

    # -- step 2: -log p ---------------------------------------------------------------------------------
    def nll_step(self) -> None:
        t = self.terms
        k = t.label
        self.step("nll")
        self.formula = MathTex(
            r"L", "=", r"-\log\,p_{\text{" + tex_name(self.trace.label_name) + "}}", font_size=40, color=style.TEXT
        )
        self.formula.move_to([PLOT_CENTRE[0], 2.45, 0])
        self.p_line = label(f"= -log({precise_prob(t.probabilities[k])})", size=style.LABEL_SIZE)
        self.loss_line = label(f"= {num(t.nll)}", size=style.LABEL_SIZE + 4, colour=style.HIGHLIGHT)
        self.p_line.next_to(self.formula, DOWN, buff=0.25).align_to(self.formula[1], LEFT)
        self.loss_line.next_to(self.p_line, DOWN, buff=0.2).align_to(self.formula[1], LEFT)
        keep_on_screen(VGroup(self.formula, self.p_line, self.loss_line))
        sure = "sure and right" if self.trace.prediction == k else "not backing the right answer"
        self.say(
            f"The penalty is minus the log of that probability: {num(t.nll)}. Sherlock was {sure}, "
            f"and the loss says so.",
            7,
        )
        self.play(Write(self.formula), run_time=1.2)
        self.play(FadeIn(self.p_line, shift=DOWN * 0.2), run_time=0.8)
        self.play(FadeIn(self.loss_line, shift=DOWN * 0.2), run_time=0.8)
        self.settle()

    # -- step 3: the penalty curve ------------------------------------------------------------------------
    def _axes(self, top: float) -> Axes:
        ax = Axes(
            x_range=[0, 1.0, 0.5],
            y_range=[0, top, 1],
            x_length=PLOT_W,
            y_length=PLOT_H,
            tips=False,
            axis_config={"include_ticks": False, "color": style.MUTED, "stroke_width": 2},
        )
        return ax.move_to(PLOT_CENTRE)

    def _ruler(self, ax: Axes) -> VGroup:
        """Tick marks and labels (a ruler, not data) and the axis names."""
        out = VGroup()
        for v in (0, 0.5, 1):
            p = ax.c2p(v, 0)
            out.add(Line(p + 0.07 * UP, p + 0.07 * DOWN, color=style.MUTED, stroke_width=2))
            out.add(label(style.fmt(v, 1), size=style.SMALL_SIZE, colour=style.MUTED).next_to(p, DOWN, buff=0.12))
        top = ax.y_range[1]
        dy = nice_step(top, 3)
        for v in np.arange(dy, top + 1e-9, dy):
            p = ax.c2p(0, v)
            out.add(Line(p + 0.07 * LEFT, p + 0.07 * RIGHT, color=style.MUTED, stroke_width=2))
            out.add(label(num(v), size=style.SMALL_SIZE, colour=style.MUTED).next_to(p, LEFT, buff=0.12))
        xlab = label(f"p({self.trace.label_name})", size=style.SMALL_SIZE, colour=style.MUTED)
        xlab.next_to(ax.c2p(1, 0), DOWN, buff=0.45).align_to(ax.x_axis, RIGHT)
        ylab = MathTex(r"-\log p", font_size=28, color=style.MUTED).next_to(ax.c2p(0, top), RIGHT, buff=0.2)
        out.add(xlab, ylab)
        return out

    def _curve(self, ax: Axes) -> ParametricFunction:
        """-log p for p in (0, 1], drawn by its height y: the point (e^-y, y), so the wall near p = 0
        is as smooth as the rest."""
        top = ax.y_range[1]
        curve = ParametricFunction(lambda y: ax.c2p(np.exp(-y), y), t_range=[0, top, top / 200], color=style.TEXT)
        return curve.set_stroke(width=3)

    def _point_label(self, ax: Axes, text: str, p: float, y: float, colour: str) -> VGroup:
        """A point's tag: right of the steep wall (small p), above-right in the middle, and high above
        (with a leader line) near p = 1, so tags at the three places never meet."""
        tag = label(text, size=style.SMALL_SIZE, colour=colour)
        at = ax.c2p(p, y)
        if p >= 0.6:
            tag.move_to(at + UP * 1.0, aligned_edge=RIGHT).shift(RIGHT * 0.05)
            lead = Line(at + UP * 0.12, tag.get_bottom() + DOWN * 0.04, color=colour, stroke_width=1.5)
            return VGroup(tag, lead)
        if p >= 0.2:
            tag.next_to(at, UP + RIGHT, buff=0.08)
        else:
            tag.next_to(at, RIGHT, buff=0.18)
        return VGroup(tag)

    def curve_step(self) -> None:
        t = self.terms
        k = t.label
        p_true = float(t.probabilities[k])
        self.step("curve")
        top = max(5.5, 1.15 * t.nll)
        self.axes = self._axes(top)
        self.ruler = self._ruler(self.axes)
        self.curve = self._curve(self.axes)
        self.references = []  # (p, -log p, dot, tag)
        true_at = self.axes.c2p(p_true, t.nll)
        for p, pen in zip(REFERENCE_P, penalty(REFERENCE_P)):
            at = self.axes.c2p(p, pen)
            if np.linalg.norm(at - true_at) < 0.6:  # would hide the point that matters
                continue
            dot = Dot(at, radius=0.07, color=style.MUTED)
            tag = self._point_label(self.axes, f"p = {style.fmt(p)}: {num(pen)}", p, pen, style.MUTED)
            self.references.append((p, float(pen), dot, tag))
        self.true_dot = Dot(true_at, radius=0.1, color=style.HIGHLIGHT).set_z_index(3)
        self.true_tag = self._point_label(
            self.axes, f"{self.trace.label_name}: {num(t.nll)}", p_true, t.nll, style.HIGHLIGHT
        )
        self.say(
            "Here is the whole penalty curve. At p = 1 it costs nothing. Half sure costs "
            f"{num(penalty(0.5))}; only 1% sure costs {num(penalty(0.01))}; and near zero the cost shoots up "
            "without limit.",
            8,
        )
        self.play(FadeIn(self.axes), FadeIn(self.ruler), run_time=0.8)
        self.play(Write(self.curve), run_time=1.5)
        for _, _, dot, tag in self.references:
            self.play(GrowFromCenter(dot), FadeIn(tag), run_time=0.6)
        self.play(GrowFromCenter(self.true_dot), FadeIn(self.true_tag), run_time=0.8)
        self.settle()
        self.what_if()

    def what_if(self) -> None:
        """The same image with another class as the answer: a confident wrong verdict costs most."""
        t, tr = self.terms, self.trace
        k = t.label
        if tr.prediction == k:  # right: compare with the class Sherlock was surest it is not
            others = [j for j in range(len(t.probabilities)) if j != k]
            other = min(others, key=lambda j: t.probabilities[j])
        else:  # wrong: compare with the class Sherlock picked
            other = tr.prediction
        self.other = other
        pen, p = float(self.penalties[other]), float(t.probabilities[other])
        name = tr.class_names[other]
        self.step("what-if")
        self.say(
            f"Had the true suspect been {name}, the same guess would give it p = {num(p)}, and the penalty "
            f"would be {num(pen)}. Confident and wrong is what the loss punishes hardest.",
            8,
        )
        if pen > 0.95 * self.axes.y_range[1]:  # zoom out until the point is on the chart
            axes = self._axes(1.15 * pen)
            ruler = self._ruler(axes)
            curve = self._curve(axes)
            moves = [ReplacementTransform(self.axes, axes), FadeOut(self.ruler), FadeIn(ruler)]
            moves.append(ReplacementTransform(self.curve, curve))
            moves += [dot.animate.move_to(axes.c2p(rp, rpen)) for rp, rpen, dot, _ in self.references]
            moves += [FadeOut(tag) for *_, tag in self.references]
            true_tag = self._point_label(
                axes, self.true_tag[0].original_text, float(t.probabilities[k]), t.nll, style.HIGHLIGHT
            )
            moves += [self.true_dot.animate.move_to(axes.c2p(t.probabilities[k], t.nll))]
            moves += [ReplacementTransform(self.true_tag, true_tag)]
            self.play(*moves, run_time=1.8)
            self.axes, self.ruler, self.curve, self.true_tag = axes, ruler, curve, true_tag
            self.references = [(rp, rpen, dot, None) for rp, rpen, dot, _ in self.references]
        self.other_dot = Dot(self.axes.c2p(p, pen), radius=0.1, color=style.TEXT).set_z_index(3)
        self.other_tag = self._point_label(self.axes, f"if it were {name}: {num(pen)}", p, pen, style.TEXT)
        keep_on_screen(self.other_tag)
        self.play(GrowFromCenter(self.other_dot), FadeIn(self.other_tag), run_time=0.8)
        self.play(Indicate(self.other_dot, color=style.HIGHLIGHT), run_time=1)
        self.settle()

    # -- step 4: three readings of the same number ----------------------------------------------------------
    def three_step(self) -> None:
        t = self.terms
        k = t.label
        self.step("three")
        keep = [self.note] if self.note is not None else []
        gone = [m for m in self.mobjects if m not in (self.header, self.source, *keep)]
        self.play(*[FadeOut(m) for m in gone], run_time=0.6)
        name = tex_name(self.trace.label_name)
        value = num(t.nll)
        sums = " + ".join(f"{style.fmt(tk)} × ({num(lp)})" for tk, lp in zip(t.target, t.log_probabilities))
        rows = [
            (
                "1  surprise: minus the log of p",
                MathTex(r"-\log p_{\text{" + name + "}}", font_size=36),
                f"= -log({precise_prob(t.probabilities[k])}) =",
                t.nll,
            ),
            (
                "2  cross-entropy: a distance from the truth t to the guess p",
                MathTex(r"H(t, p) = -\sum_k t_k \log p_k", font_size=36),
                f"= -({sums}) =",
                t.cross_entropy,
            ),
            (
                "3  KL divergence: the extra surprise over the truth's own",
                MathTex(r"D_{KL}(t\,\|\,p) = H(t, p) - H(t)", font_size=36),
                f"= {num(t.cross_entropy)} - {num(t.target_entropy)} =",
                t.kl,
            ),
        ]
        self.readings = VGroup()
        self.reading_values = []
        self.results = VGroup()
        y = 2.45
        for title, tex, numbers, v in rows:
            head = label(title, size=style.LABEL_SIZE - 2, colour=style.MUTED)
            result = label(num(v), size=style.LABEL_SIZE - 2, colour=style.HIGHLIGHT)
            line = VGroup(label(numbers, size=style.LABEL_SIZE - 2), result).arrange(RIGHT, buff=0.15)
            tex.next_to(head, DOWN, buff=0.18).align_to(head, LEFT)
            line.next_to(tex, RIGHT, buff=0.25)
            if tex.width + 0.25 + line.width > 12.6:  # too long beside the formula: under it
                line.next_to(tex, DOWN, buff=0.15).align_to(tex, LEFT)
            group = VGroup(head, tex, line)
            group.move_to([0, y, 0], aligned_edge=UP).align_to([-6.4, 0, 0], LEFT)
            self.readings.add(group)
            self.reading_values.append(v)
            self.results.add(result)
            y = group.get_bottom()[1] - 0.35
        note = label(
            f"H(t) = {num(t.target_entropy)}: the truth is certain, so it holds no surprise of its own",
            size=style.SMALL_SIZE,
            colour=style.MUTED,
        )
        self.entropy_note = note.next_to(self.readings[-1], DOWN, buff=0.2).align_to(self.readings[-1], LEFT)
        self.panel = Panel(VGroup(self.readings, note), buff=0.3)
        self.same = label(f"three readings, one number: {value}", size=style.LABEL_SIZE + 2, colour=style.HIGHLIGHT)
        self.same.next_to(self.panel, DOWN, buff=0.3)
        block = VGroup(self.panel, self.readings, note, self.same)
        if block.height > 6.2:
            block.scale(6.2 / block.height)
        block.move_to([0, -0.25, 0])
        keep_on_screen(block)
        if self.note is not None and self.note.get_top()[1] > self.same.get_bottom()[1] - 0.05:
            self.same.next_to(self.panel, RIGHT, buff=0.3)
        self.say(
            "The same number goes by three names. First, the surprise: minus the log of p. "
            "Second, cross-entropy: how far the guess is from the truth, summed over every class, "
            "where the zeros drop out.",
            9,
        )
        self.play(FadeIn(self.panel), FadeIn(self.readings[0]), run_time=1)
        self.play(FadeIn(self.readings[1]), run_time=1)
        self.settle()
        self.say(
            "Third, the KL divergence: the truth is certain, its own entropy is 0, so the divergence is "
            f"the cross-entropy itself. All three give {value}. Training works to push it towards 0.",
            9,
        )
        self.play(FadeIn(self.readings[2]), FadeIn(note), run_time=1)
        self.play(Write(self.same), run_time=1)
        self.settle()
