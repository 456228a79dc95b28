"""The loss: how much Sherlock pays for his verdict, -log p of the true class, read three ways."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Dot,
    GrowFromCenter,
    Indicate,
    Line,
    MathTex,
    ParametricFunction,
    ReplacementTransform,
    Text,
    VGroup,
)

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import (
    ProbabilityBars,
    QuickFade,
    axis_ticks,
    fade_in,
    fade_out,
    frame_of,
    label,
    plain_axes,
    wrapped,
)
from scenes.parts.tags import leader_end, place_tags
from scenes.plans.loss import Chart, Point, plan, short
from scenes.plans.numbers import fmt

# Sizes as designed for 16:9; zones shrink them to fit, never below the readable size (TeX glyphs
# are about two thirds of a Text's at one font size, scripts 0.7 of that).
SIZE = 28
TEX = 60
CHART_W, CHART_H = 6.0, 3.2
BARS_H = 0.8


def tex(source: str, colour: str = style.TEXT) -> MathTex:
    return MathTex(source, font_size=TEX, color=colour)


class LossScene(ChapterScene):
    chapter_id = "loss"
    subtitle = N_("How much Sherlock pays for a wrong or unsure verdict")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.rig()
        self.truth()
        self.nll()
        self.curve_step()
        self.what_if()
        self.three()

    # -- the rig: truth and guess on the left; the formula and the penalty curve on the right ------------
    def rig(self) -> None:
        p = self.plan
        self.target_bars = ProbabilityBars(
            p.target, p.names, winner=p.label, max_height=BARS_H, size=SIZE, value_text=fmt,
            winner_colour=style.HIGHLIGHT,
        )  # fmt: skip
        self.guess_bars = ProbabilityBars(p.probabilities, p.names, winner=p.prediction, max_height=BARS_H, size=SIZE)
        self.target_title = label(_("the truth (one-hot)"), size=SIZE, colour=style.MUTED)
        self.guess_title = label(_("Sherlock's guess (softmax)"), size=SIZE, colour=style.MUTED)
        truth = VGroup(self.target_title, self.target_bars).arrange(DOWN, buff=0.2)
        guess = VGroup(self.guess_title, self.guess_bars).arrange(DOWN, buff=0.2)
        # One above the other, except on square frames, where side by side leaves the chart more height.
        square = self.lay.stacked and self.lay.aspect >= 0.8
        charts = VGroup(truth, guess).arrange(RIGHT if square else DOWN, buff=0.45)
        self.note_text = None
        if self.story.label_note is not None:  # under the charts, until the readings need the room
            self.note_text = wrapped(self.story.label_note, charts.width, size=SIZE - 2, colour=style.HIGHLIGHT)
            charts.add(self.note_text.next_to(charts, DOWN, buff=0.3))
        self.formula = tex(r"L = -\log p")
        self.p_line = label(_("= -log({p})").format(p=p.p_text), size=SIZE)
        self.loss_line = label(_("= {loss}").format(loss=p.loss_text), size=SIZE + 4, colour=style.HIGHLIGHT)
        self.p_line.next_to(self.formula, RIGHT, buff=0.2).align_to(self.formula, DOWN)
        self.loss_line.next_to(self.p_line, DOWN, buff=0.2, aligned_edge=LEFT)
        block = VGroup(self.formula, self.p_line, self.loss_line)
        self.chart = self._chart(p.chart)
        right = VGroup(block, self.chart).arrange(DOWN, buff=0.35)
        ratios = (charts.height, right.height) if self.lay.stacked else (1, 1.25)
        left_zone, right_zone = self.lay.split(*ratios)
        left_zone.place(charts)
        right_zone.place(right)
        self.right_zone, self.block = right_zone, block
        box = VGroup(*[b[p.label] for b in (self.guess_bars.bars, self.guess_bars.numbers, self.guess_bars.names)])
        self.true_box = frame_of(box, style.HIGHLIGHT, buff=0.08)

    def _chart(self, chart: Chart) -> VGroup:
        """Axes for p in [0, 1] and -log p up to ``chart.top``, round ticks, the curve."""
        top = chart.top
        axes = plain_axes(1, (0, top), CHART_W, CHART_H)
        ruler = axis_ticks(axes, (0, 0.5, 1), chart.y_ticks, xtext=short, size=SIZE)
        x_name = label(self.plan.x_label, size=SIZE, colour=style.MUTED)
        x_name.next_to(axes.c2p(1, 0), DOWN, buff=0.5).align_to(axes.x_axis, RIGHT)
        y_name = MathTex(r"-\log p", font_size=TEX - 12, color=style.MUTED).next_to(axes.c2p(0, top), UP, buff=0.15)
        # -log p drawn by its height y: the point (e^-y, y), so the wall near p = 0 is as smooth as the rest.
        curve = ParametricFunction(lambda y: axes.c2p(np.exp(-y), y), t_range=[0, top, top / 200], color=style.TEXT)
        curve.set_stroke(width=3)
        ruler.add(x_name, y_name)
        group = VGroup(axes, ruler, curve)
        group.axes, group.ruler, group.curve = axes, ruler, curve
        return group

    def _scale(self) -> float:
        """How much the chart was shrunk to fit its zone: tags and dots made later shrink with it."""
        return self.chart.axes.x_axis.get_length() / CHART_W

    def _tag(self, point: Point, colour: str) -> VGroup:
        """A point's tag: its text (and, once placed away from its dot, a leader line to it)."""
        return VGroup(label(point.text, size=SIZE - 3, colour=colour).scale(self._scale()))

    def _place_tags(self, points: list[tuple[Point, Dot, VGroup]], optional: list[bool] | None = None) -> list:
        """Tags beside their dots, most important first, clear of each other, the dots, the ruler, the
        formula and the curve, inside the chart's zone; a tag lifted away from its dot gets a leader
        line. ``optional`` tags (reference points) are left out (None) where none fits."""
        dots = [dot for _q, dot, _t in points]
        k = self._scale()
        leaders = place_tags(
            [tag[0] for *_, tag in points],
            dots,
            self.right_zone,
            avoid=[*dots, *[m for m in self.chart.ruler if isinstance(m, Text | MathTex)], self.block, *self._trace()],
            buff=0.08 * k,
            optional=optional or [],
        )
        out = []
        for (_q, dot, tag), leader in zip(points, leaders):
            if leader:
                text = tag[0]
                end = leader_end(text, dot.get_center())
                colour = text.get_color()
                tag.add(Line(dot.get_center(), end, color=colour, stroke_width=1.5, buff=dot.width / 2 + 0.02 * k))
            out.append(None if leader is None else tag)
        return out

    def _trace(self) -> list[Dot]:
        """Small marks along the curve and the axes, so that tags keep off them."""
        lines = (self.chart.curve, self.chart.axes.x_axis, self.chart.axes.y_axis)
        return [Dot(m.point_from_proportion(a), radius=0.02) for m in lines for a in np.linspace(0, 1, 60)]

    def _marked(self, point: Point, colour: str) -> tuple[Dot, VGroup]:
        return self._dot(point, colour), self._tag(point, colour)

    def _dot(self, point: Point, colour: str, radius: float = 0.1) -> Dot:
        at = self.chart.axes.c2p(point.p, point.penalty)
        return Dot(at, radius=radius * self._scale(), color=colour).set_z_index(3)

    # -- the beats ------------------------------------------------------------------------------------
    def truth(self) -> None:
        self.section("truth")
        with self.beat(self.plan.truth_sentence):
            if self.note_text is not None:
                self.play(*fade_in(self.note_text), run_time=style.QUICK)
            self.play(*fade_in(self.target_title, self.target_bars), run_time=style.NORMAL)
            self.play(*fade_in(self.guess_title, self.guess_bars), run_time=style.NORMAL)
            self.play(GrowFromCenter(self.true_box), run_time=style.NORMAL)

    def nll(self) -> None:
        self.section("nll")
        with self.beat(self.plan.nll_sentence):
            self.play(QuickFade(self.formula), run_time=style.NORMAL)
            self.play(QuickFade(self.p_line, shift=DOWN * 0.2), run_time=style.NORMAL)
            self.play(QuickFade(self.loss_line, shift=DOWN * 0.2), run_time=style.NORMAL)

    def curve_step(self) -> None:
        p = self.plan
        self.section("curve")
        self.references = [(q, self._dot(q, style.MUTED, 0.07), self._tag(q, style.MUTED)) for q in p.references]
        self.true_dot, self.true_tag = (
            self._dot(p.true_point, style.HIGHLIGHT),
            self._tag(p.true_point, style.HIGHLIGHT),
        )
        self.other_dot, self.other_tag = self._dot(p.other_point, style.TEXT), self._tag(p.other_point, style.TEXT)
        # Placed together, so the tag that comes later (the other class) finds its place kept free (unless
        # it will come on a zoomed-out chart). The two classes' tags come first: a reference tag that
        # finds no room is the one left out.
        refs = len(self.references)
        other = [(p.other_point, self.other_dot, self.other_tag)] if p.zoom is None else []
        points = [(p.true_point, self.true_dot, self.true_tag), *other, *self.references]
        tags = self._place_tags(points, optional=[False] * (1 + len(other)) + [True] * refs)
        self.references = [(q, dot, tag) for (q, dot, _t), tag in zip(self.references, tags[1 + len(other) :])]
        with self.beat(p.curve_sentence):
            self.play(*fade_in(self.chart.axes, self.chart.ruler), run_time=style.NORMAL)
            self.play(QuickFade(self.chart.curve), run_time=style.NORMAL)
            for _q, dot, tag in self.references:
                self.play(GrowFromCenter(dot), *fade_in(*[m for m in (tag,) if m is not None]), run_time=style.QUICK)
            self.play(GrowFromCenter(self.true_dot), *fade_in(self.true_tag), run_time=style.NORMAL)

    def what_if(self) -> None:
        """The same guess under another label: a confident wrong verdict costs most."""
        p = self.plan
        self.section("what-if")
        with self.beat(p.what_if_sentence):
            if p.zoom is not None:  # zoom out until the point is on the chart; the reference tags go
                old = self.chart
                self.chart = self._chart(p.zoom)  # the same axes on the screen, a taller range
                self.chart.scale(old.axes.x_axis.get_length() / self.chart.axes.x_axis.get_length())
                self.chart.shift(old.axes.c2p(0, 0) - self.chart.axes.c2p(0, 0))
                true_dot, true_tag = self._dot(p.true_point, style.HIGHLIGHT), self._tag(p.true_point, style.HIGHLIGHT)
                self.other_dot, self.other_tag = (
                    self._dot(p.other_point, style.TEXT),
                    self._tag(p.other_point, style.TEXT),
                )
                dots = [self._dot(q, style.MUTED, 0.07) for q in p.references]
                self._place_tags([(p.true_point, true_dot, true_tag), (p.other_point, self.other_dot, self.other_tag)])
                moves = [
                    ReplacementTransform(old.axes, self.chart.axes),
                    ReplacementTransform(old.curve, self.chart.curve),
                    *fade_out(old.ruler, *[tag for _q, _d, tag in self.references if tag is not None]),
                    *fade_in(self.chart.ruler),
                    ReplacementTransform(self.true_dot, true_dot),
                    ReplacementTransform(self.true_tag, true_tag),
                    *[ReplacementTransform(d, new) for (_q, d, _t), new in zip(self.references, dots)],
                ]
                self.play(*moves, run_time=style.SLOW)
                self.true_dot, self.true_tag = true_dot, true_tag
                self.references = [(q, dot, None) for (q, _d, _t), dot in zip(self.references, dots)]
            self.play(GrowFromCenter(self.other_dot), *fade_in(self.other_tag), run_time=style.NORMAL)
            self.play(Indicate(self.other_dot, color=style.HIGHLIGHT), run_time=style.NORMAL)

    def three(self) -> None:
        p = self.plan
        self.section("three")
        self.readings, self.results = VGroup(), VGroup()
        column = 0.5 + max(label(r.gloss, size=SIZE - 2).width for r in p.readings)  # the titles' column
        for k, r in enumerate(p.readings):
            result = label(r.value, size=SIZE, colour=style.HIGHLIGHT)
            numbers = VGroup(label(r.numbers, size=SIZE), result).arrange(RIGHT, buff=0.15)
            formula = MathTex(r.tex, font_size=TEX - 6, color=style.TEXT)
            title, gloss = label(r.title, size=SIZE - 2), label(r.gloss, size=SIZE - 2, colour=style.MUTED)
            if self.lay.stacked:  # narrow: the title above
                head = VGroup(title, gloss).arrange(RIGHT, buff=0.3, aligned_edge=DOWN)
            else:  # wide: the title in a column of its own, so the rows stay low
                head = VGroup(title, gloss).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
            # The numbers under the formula; the cross-entropy's long sum under the whole row.
            line = VGroup(formula) if k == 1 else VGroup(formula, numbers)
            line.arrange(DOWN, buff=0.15, aligned_edge=LEFT)
            if self.lay.stacked:
                row = VGroup(head, line).arrange(DOWN, buff=0.12, aligned_edge=LEFT)
            else:
                row = VGroup(head, line)
                line.move_to(head.get_corner(UP + LEFT) + RIGHT * column, aligned_edge=UP + LEFT)
            if k == 1:  # its numbers under the whole row
                numbers.next_to(row, DOWN, buff=0.2, aligned_edge=LEFT)
                row.add(numbers)
            self.readings.add(row)
            self.results.add(result)
        self.readings.arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        self.entropy_note = label(p.entropy_note, size=SIZE - 2, colour=style.MUTED)
        self.same = label(p.same, size=SIZE + 4, colour=style.HIGHLIGHT)
        block = VGroup(self.readings, self.entropy_note, self.same).arrange(DOWN, buff=0.25, aligned_edge=LEFT)
        self.same.shift(RIGHT * (block.width - self.same.width) / 2)  # centred under the readings
        zone = self.lay.body
        if self.note_text is not None:  # the note moves to the footer
            footer_note = self.note(self.story.label_note, style.HIGHLIGHT)
            zone = self.lay.main
        zone.place(block)
        first, second = p.three_sentences
        with self.beat(first):
            if self.note_text is not None:
                self.play(ReplacementTransform(self.note_text, footer_note), run_time=style.QUICK)
                self.note_text = footer_note
            self.clear_but_note()
            self.play(*fade_in(self.readings[0]), run_time=style.NORMAL)
            self.play(*fade_in(self.readings[1]), run_time=style.NORMAL)
        with self.beat(second):
            self.play(*fade_in(self.readings[2], self.entropy_note), run_time=style.NORMAL)
            self.play(QuickFade(self.same, shift=UP * 0.2), run_time=style.NORMAL)

    def clear_but_note(self) -> None:
        """Fade out everything but the header and the label note."""
        keep = {id(m) for m in (self.header, self.note_text) if m is not None}
        gone = [m for m in self.mobjects if id(m) not in keep]
        self.play(*fade_out(*gone), run_time=style.QUICK)
