"""One step of learning: the loss on this image, its gradient (probabilities minus the truth), the
gradients of a few dense weights and of one filter, the update w - lr * gradient, and the new loss.
The plan chooses the network that takes the step (the screen names it) and every number."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Group, MathTex, Rectangle, SurroundingRectangle, VGroup

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import Grid, NumberCells, ProbabilityBars, QuickFade, fade_in, label, wrapped
from scenes.parts.table import TextTable
from scenes.plans.learning_step import mantissa, plan, rate
from scenes.plans.names import shown
from scenes.plans.numbers import fmt

FORMULA = 40  # font size of the formulas (MathTex)
GRID_FILL = 0.85  # share of a filter cell its longest number takes


class LearningStepScene(ChapterScene):
    chapter_id = "learning-step"
    subtitle = N_("Sherlock learns from his verdict")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.names = [shown(n) for n in self.plan.class_names]
        self.title_card()
        self.guess()
        self.logit_gradient()
        self.weights()
        self.after()
        self.filter_step()
        if self.plan.what_if is not None:
            self.mistake()

    def bars(self, values, winner: int, height: float) -> ProbabilityBars:
        """Probabilities as bars, written with ``numbers.prob`` like the plan's texts."""
        return ProbabilityBars(values, self.names, winner=winner, max_height=height, bar_width=0.9, size=style.LABEL)

    # -- the verdict and its loss ------------------------------------------------------------------
    def guess(self) -> None:
        p = self.plan
        head = wrapped(p.network_line, self.lay.main.width, size=style.LABEL, colour=style.MUTED)
        self.lay.main.place(head, UP + LEFT)
        left, right = self.lay.split(1.1, 1, zone=self.lay.main.below(head, gap=0.3))
        bars = self.bars(p.step.probabilities, p.prediction, 3.0)
        left.place(bars, buff=0.15)  # room for the box round the true class
        k = p.label
        box = SurroundingRectangle(
            VGroup(bars.bars[k], bars.numbers[k], bars.names[k]), color=style.HIGHLIGHT, buff=0.1
        )
        truth = label(p.truth_line, size=style.LABEL, colour=style.HIGHLIGHT)
        formula = MathTex(r"L = -\log p_{\text{true}}", font_size=FORMULA, color=style.TEXT)
        self.loss_text = label(p.loss_text, size=style.HEADING, colour=style.HIGHLIGHT)
        block = VGroup(truth, formula, self.loss_text).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        right.place(block, LEFT)
        self.verdict_bars, self.true_box, self.network_head = bars, box, head
        self.note_mob = self.note(self.story.label_note, colour=style.HIGHLIGHT) if self.story.label_note else None
        self.section("guess")
        if p.where_text:
            with self.beat(p.where_text):
                self.play(QuickFade(head), QuickFade(bars), run_time=style.NORMAL)
        with self.beat(p.guess_text):
            if not p.where_text:
                self.play(QuickFade(head), QuickFade(bars), run_time=style.NORMAL)
            extra = [QuickFade(self.note_mob)] if self.note_mob is not None else []
            self.play(Create(box), QuickFade(truth), *extra, run_time=style.NORMAL)
            self.play(QuickFade(formula), run_time=style.NORMAL)
            self.play(QuickFade(self.loss_text, shift=UP * 0.2), run_time=style.NORMAL)

    # -- the gradient of the loss: p - y ---------------------------------------------------------------
    def column(self, col, width: float) -> VGroup:
        """A vector as a column of boxes, each filled by the plan's colour scale with its number in it."""
        out = VGroup()
        for v, t in zip(col.values, col.texts):
            rgb = self.plan.vector_scale.rgb(np.array(v))
            rect = Rectangle(width=width, height=0.62, stroke_color=style.GRID_LINE, stroke_width=1.5)
            rect.set_fill(style.rgb_hex(rgb), opacity=1)
            out.add(VGroup(rect, label(t, size=style.LABEL, colour=style.ink_for(rgb)).move_to(rect)))
        out.arrange(DOWN, buff=0.12)
        out.values = np.asarray(col.values, dtype=np.float64)
        out.texts = [g[1] for g in out]
        out.boxes = [g[0] for g in out]
        return out

    def logit_gradient(self) -> None:
        p = self.plan
        formula = MathTex(r"\frac{\partial L}{\partial z} = p - y", font_size=FORMULA, color=style.TEXT)
        self.lay.main.place(formula, UP)
        p_col, y_col, g_col = (self.column(c, w) for c, w in zip(p.columns, (2.0, 1.2, 2.2)))
        minus, equals = label("−", size=style.BIG), label("=", size=style.BIG)
        names = VGroup(*[label(n, size=style.LABEL, colour=style.HIGHLIGHT if j == p.label else style.TEXT)
                         for j, n in enumerate(self.names)])  # fmt: skip
        heads = VGroup(*[label(c.head, size=style.SMALL, colour=style.MUTED) for c in p.columns])
        body = VGroup(p_col, minus, y_col, equals, g_col).arrange(RIGHT, buff=0.35)
        for n, box in zip(names, p_col):
            n.next_to(box, LEFT, buff=0.3)
        for h, col in zip(heads, (p_col, y_col, g_col)):
            h.next_to(col, UP, buff=0.2)
        self.lay.main.below(formula, gap=0.3).place(VGroup(body, names, heads), buff=0.1)  # room for the ring
        self.p_col, self.y_col, self.g_col = p_col, y_col, g_col
        ring = SurroundingRectangle(g_col[p.label], color=style.HIGHLIGHT, buff=0.06)
        self.section("gradient")
        with self.beat(p.gradient_text):
            self.clear()
            self.play(QuickFade(formula), run_time=style.NORMAL)
            self.play(QuickFade(names), QuickFade(p_col), QuickFade(heads[0]), run_time=style.NORMAL)
            self.play(QuickFade(minus), QuickFade(y_col), QuickFade(heads[1]), run_time=style.NORMAL)
            self.play(QuickFade(equals), QuickFade(g_col), QuickFade(heads[2]), run_time=style.NORMAL)
        with self.beat(p.sign_text):
            self.play(Create(ring), run_time=style.NORMAL)

    # -- the dense weights: gradient, step, new weight -------------------------------------------------
    def weights(self) -> None:
        p = self.plan
        grad = MathTex(r"\frac{\partial L}{\partial w_{i}} = x_i \cdot \frac{\partial L}{\partial z}",
                       font_size=FORMULA, color=style.TEXT)  # fmt: skip
        update = MathTex(r"w_{\text{new}} = w - \eta\, \frac{\partial L}{\partial w}", rf"\qquad \eta = {rate(p.lr)}",
                         font_size=FORMULA, color=style.TEXT)  # fmt: skip
        update[1].set_color(style.HIGHLIGHT)
        rows = [(_("clue {i}").format(i=c[0]), *c[1:]) for c in p.cells]
        marked = (3, 5)  # the gradient and the step, in the highlight colour
        if self.lay.stacked:  # narrow frames: the table in two halves, one above the other, in all the body
            area, halves = self.lay.body, [(0, 1, 2, 3), (0, 4, 5, 6)]
        else:
            area, halves = self.lay.main, [tuple(range(len(p.heads)))]
        top = area.arrange(grad, update, buff=1.0, at=UP)
        tables = [TextTable([p.heads[c] for c in cols], [[r[c] for c in cols] for r in rows],
                            colour=lambda r, j, cols=cols: style.HIGHLIGHT if cols[j] in marked else style.TEXT)
                  for cols in halves]  # fmt: skip
        zone = area.below(top, gap=0.35)
        note = label(p.table_note, size=style.SMALL, colour=style.MUTED)
        zone.arrange(*tables, note, direction=DOWN, buff=0.3, at=UP)
        # what the table says, row by row and column by column, however it is cut
        self.table_rows = [[m.original_text for m in row] for row in tables[0].cells]
        for t in tables[1:]:
            for out, row in zip(self.table_rows, t.cells):
                out.extend(m.original_text for m in row[1:])
        self.table_heads = [p.heads[0]] + [h for t in tables for h in [m.original_text for m in t.heads[1:]]]
        self.table_note = note
        # (table, column) in the order they are shown: evidence and gradient first, then the step
        first = [(t, j) for t, cols in zip(tables, halves) for j, c in enumerate(cols) if c < 4 and t is tables[0]]
        then = [(t, j) for t, cols in zip(tables, halves) for j, c in enumerate(cols) if c >= 4]
        self.section("weights")
        with self.beat(p.weights_text):
            self.clear()
            self.play(QuickFade(grad), run_time=style.NORMAL)
            self.play(*fade_in(*[t.heads[j] for t, j in first], tables[0].rule, note), run_time=style.NORMAL)
            for t, j in first:
                self.play(QuickFade(t.columns[j], shift=RIGHT * 0.15), run_time=style.QUICK)
        with self.beat(p.update_text):
            self.play(QuickFade(update), run_time=style.NORMAL)
            extra = [QuickFade(t.rule) for t in tables[1:]] + [QuickFade(t.heads[0]) for t in tables[1:]]
            extra += [QuickFade(t.columns[0]) for t in tables[1:]]
            self.play(*fade_in(*[t.heads[j] for t, j in then]), *extra, run_time=style.QUICK)
            for t, j in then:
                self.play(QuickFade(t.columns[j], shift=RIGHT * 0.15), run_time=style.QUICK)

    # -- after the step ----------------------------------------------------------------------------------
    def after(self) -> None:
        p = self.plan
        ls = p.step
        before = self.bars(ls.probabilities, p.prediction, 2.8)
        after = self.bars(ls.new_probabilities, p.new_prediction, 2.8)
        arrow = label("→", size=style.BIG, colour=style.HIGHLIGHT)
        row = VGroup(before, arrow, after).arrange(RIGHT, buff=1.0, aligned_edge=DOWN)  # baselines level
        arrow.set_y(before.baseline.get_y() + 1.0)
        top = before.baseline.get_y() + before.max_height + 0.7
        titles = [label(t, size=style.LABEL, colour=style.MUTED).move_to([b.get_x(), top, 0])
                  for t, b in ((_("before the step"), before), (_("after one step"), after))]  # fmt: skip
        losses = [label(t, size=style.LABEL, colour=style.HIGHLIGHT).next_to(b, DOWN, buff=0.3)
                  for t, b in ((p.loss_before, before), (p.loss_after, after))]  # fmt: skip
        self.lay.main.place(VGroup(row, *titles, *losses))  # a comparison: side by side on every frame
        views = [VGroup(titles[0], before, losses[0]), VGroup(titles[1], after, losses[1])]
        self.before_bars, self.after_bars = before, after
        self.loss_before, self.loss_after = losses
        self.section("after")
        with self.beat(p.after_text):
            self.clear()
            self.play(QuickFade(views[0]), run_time=style.NORMAL)
            self.play(QuickFade(arrow, shift=RIGHT * 0.3), run_time=style.QUICK)
            self.play(QuickFade(views[1]), run_time=style.NORMAL)

    # -- the filter ---------------------------------------------------------------------------------------
    def filter_grid(self, values, scale, text, texts) -> Grid:
        longest = max(len(t) for t in np.ravel(texts))
        cell = longest * style.DIGIT_WIDTH * style.READABLE / GRID_FILL
        grid = Grid(values, scale, cell=cell, element=NumberCells(text=text, size=style.READABLE))
        return grid

    def filter_step(self) -> None:
        p = self.plan
        f = p.filter
        dd = f.decimals
        texts = np.concatenate([f.before_texts.ravel(), f.after_texts.ravel(), f.gradient_texts.ravel()])
        self.filter_grids = {
            "before": self.filter_grid(f.before, f.weight_scale, lambda v: fmt(v, dd), texts),
            "gradient": self.filter_grid(f.gradient, f.gradient_scale, lambda v: mantissa(v, f.exponent), texts),
            "after": self.filter_grid(f.after, f.weight_scale, lambda v: fmt(v, dd), texts),
        }
        grids = list(self.filter_grids.values())
        title = label(f.title, size=style.LABEL)
        formula = MathTex(r"W_{\text{new}} = W - \eta\, \frac{\partial L}{\partial W}", font_size=FORMULA,
                          color=style.TEXT)  # fmt: skip
        note = label(f.note, size=style.LABEL, colour=style.TEXT)
        heads = [label(_("filter before"), size=style.SMALL, colour=style.MUTED),
                 label(f.gradient_head, size=style.SMALL, colour=style.HIGHLIGHT),
                 label(_("filter after"), size=style.SMALL, colour=style.MUTED)]  # fmt: skip
        columns = [VGroup(h, g).arrange(DOWN, buff=0.15) for h, g in zip(heads, grids)]
        if self.lay.stacked:  # narrow frames: two grids a row, the words in the fourth place
            words = VGroup(title, formula, note).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
            self.lay.body.place(Group(*columns, words).arrange_in_grid(cols=2, buff=(0.5, 0.4)))
        else:
            top = self.lay.body.arrange(title, formula, note, buff=0.8, at=UP)
            self.lay.body.below(top, gap=0.3).arrange(*columns, buff=0.5)
        self.filter_note, self.filter_heads = note, heads
        self.section("filter")
        with self.beat(p.filter_text):
            self.clear()
            self.play(QuickFade(title), QuickFade(columns[0]), run_time=style.NORMAL)
            self.play(QuickFade(columns[1]), run_time=style.NORMAL)
        with self.beat(p.filter_change_text):
            self.play(QuickFade(formula), run_time=style.NORMAL)
            self.play(QuickFade(columns[2]), QuickFade(note), run_time=style.NORMAL)

    # -- what a wrong verdict would have taught ------------------------------------------------------------
    def mistake(self) -> None:
        p = self.plan
        table = TextTable(p.compare_heads, p.compare_rows, head_size=style.LABEL, size=style.LABEL,
                          colour=lambda r, c: (style.MUTED, style.TEXT, style.HIGHLIGHT)[c],
                          align=("left", "centre", "centre"), row_height=0.62)  # fmt: skip
        table.heads[2].set_color(style.HIGHLIGHT)
        table.heads[1].set_color(style.TEXT)
        self.lay.body.place(table, UP)
        bars = self.bars(p.what_if.new_probabilities, p.what_if_prediction, 1.7)
        title = wrapped(p.what_if_title, 3.2, size=style.SMALL, colour=style.HIGHLIGHT, align=LEFT)
        self.lay.body.below(table, gap=0.4).arrange(title, bars, buff=0.6)
        self.compare_table, self.what_if_bars = table, bars
        self.section("mistake")
        with self.beat(p.mistake_text):
            self.clear()
            self.play(*fade_in(table.heads, table.rule), run_time=style.NORMAL)
            for row in table.cells[:2]:
                self.play(QuickFade(row), run_time=style.QUICK)
        with self.beat(p.swing_text):
            self.play(QuickFade(table.cells[2]), run_time=style.QUICK)
            self.play(QuickFade(title), QuickFade(bars), run_time=style.NORMAL)
