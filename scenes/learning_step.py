"""One step of learning: the loss on this image, its gradient (probabilities minus the truth), the
gradients of a few dense weights and of one filter, the update w - lr * gradient, and the new loss.
Every number comes from ``engine.experiments.learning_step``."""

from __future__ import annotations

import math

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Line, MathTex, Rectangle, SurroundingRectangle, VGroup, config

from engine.experiments import change, largest_gradient, learning_step, runner_up, top_gradients
from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import QuickFade, ValueGrid, keep_on_screen, label
from scenes.legacy_style import fmt
from scenes.prob_parts import ProbabilityBars, num, precise_prob

LR = 0.05  # the learning rate of the step shown
N_WEIGHTS = 4  # dense weights shown in the table
FILTER = 0  # the first-layer filter whose gradient is shown
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
TABLE_SIZE = 19


def distinct_digits(a: float, b: float, text=num, low: int = 2, high: int = 12) -> int:
    """The fewest digits (from ``low``) with which ``text(a, d)`` and ``text(b, d)`` differ: a number
    and its slightly changed self are written so the change shows (``high`` if they never differ)."""
    for d in range(low, high + 1):
        if text(a, d) != text(b, d):
            return d
    return high


def decimals(a: float, d: int) -> str:
    """``a`` with ``d`` decimals (no "-0")."""
    return fmt(a, d) if not float(a).is_integer() else f"{a:.{d}f}"


def common_exponent(values: np.ndarray) -> int:
    """The power of ten that brings tiny values to readable mantissas (0 for values above 0.01)."""
    m = float(np.abs(values).max(initial=0.0))
    if m == 0 or m >= 0.01:
        return 0
    return math.floor(math.log10(m))


def mantissa(value: float, exponent: int, digits: int = 1) -> str:
    """``value`` written in units of 10**exponent (formatting only): -3.2e-8 with -8 -> "-3.2"."""
    return fmt(float(value) / 10.0**exponent, digits) if exponent else fmt(value, 2)


def power(exponent: int) -> str:
    return f"10{str(exponent).translate(SUPERSCRIPT)}"


class LearningStepScene(ChapterScene):
    chapter_id = "learning-step"
    subtitle = "Sherlock learns from his verdict"

    def construct(self) -> None:
        self.title_card()
        self.prepare()
        self.guess()
        self.logit_gradient()
        self.weights()
        self.after()
        self.filter_step()
        if self.what_if is not None:
            self.mistake()

    # -- data --------------------------------------------------------------------------------
    def prepare(self) -> None:
        tr = self.trace
        self.lr = LR
        self.ls = learning_step(self.story.network, tr.image, tr.label, LR)
        self.k = tr.label
        self.true_name = tr.label_name
        dense = tr.steps_of("Dense")[-1]
        self.dense = dense
        self.dense_key = f"{dense.name}.weight"
        self.evidence = dense.input
        self.rows = [int(i) for i in top_gradients(self.ls.grads[self.dense_key][self.k], N_WEIGHTS)]
        conv = tr.steps_of("Conv2D")[0]
        self.conv = conv
        self.conv_key = f"{conv.name}.weight"
        self.what_if, self.other = None, None
        if tr.prediction == tr.label:  # right: what would a wrong answer have taught him?
            self.other = runner_up(tr.probabilities, tr.label)
            self.what_if = learning_step(self.story.network, tr.image, self.other, LR)

    def hold(self, start: float, seconds: float) -> None:
        target = start + seconds
        while self.time < target - 1e-6:
            self.wait(max(target - self.time, 1 / config.frame_rate))

    # -- steps -------------------------------------------------------------------------------
    def guess(self) -> None:
        self.step("guess")
        tr, ls = self.trace, self.ls
        bars = ProbabilityBars(
            ls.probabilities, tr.class_names, winner=tr.prediction, max_height=3.0, value_text=precise_prob
        )
        bars.move_to([-3.3, -0.5, 0])
        title = label("Sherlock's verdict", size=style.LABEL_SIZE, colour=style.MUTED).next_to(bars, UP, buff=0.35)
        k = self.k
        box = SurroundingRectangle(
            VGroup(bars.bars[k], bars.numbers[k], bars.names[k]), color=style.HIGHLIGHT, buff=0.1
        )
        self.verdict_bars, self.true_box = bars, box
        given = "answer assumed" if self.story.label_assumed else "case file says"
        truth = label(f"{given}: {self.true_name}", size=style.LABEL_SIZE, colour=style.HIGHLIGHT)
        loss_tex = MathTex(r"L = -\log p_{\text{true}}", font_size=40, color=style.TEXT)
        self.loss_text = label(f"= {num(ls.loss)}", size=28, colour=style.HIGHLIGHT)
        block = VGroup(truth, loss_tex, self.loss_text).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        block.move_to([3.6, 0.3, 0])
        self.note = None
        if self.story.label_note is not None:
            self.note = label(self.story.label_note, size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
            self.note.to_corner(DOWN + LEFT, buff=0.2)
        start = self.time
        right = tr.prediction == k
        if self.story.label_assumed:
            text = (
                f"No answer came with this picture, so we take Sherlock's own verdict, {self.true_name}, as the "
                f"truth. The loss is {num(ls.loss)}: even a verdict taken as right gets a small nudge."
            )
        elif right and ls.loss < 0.01:
            text = (
                f"Sherlock named {tr.predicted_class}, and the case file agrees. He was right and sure, so the loss "
                f"is tiny: {num(ls.loss)}. Even a confident, correct verdict gets a small nudge."
            )
        elif right:
            text = (
                f"Sherlock named {tr.predicted_class}, and the case file agrees, but he was not sure: the loss is "
                f"{num(ls.loss)}. One step of learning will make him surer."
            )
        else:
            text = (
                f"Sherlock named {tr.predicted_class}, but the case file says {self.true_name}: the loss is "
                f"{num(ls.loss)}. A wrong verdict is the best lesson."
            )
        self.caption(text, 7)
        self.play(QuickFade(title), QuickFade(bars), run_time=1)
        self.play(Create(box), QuickFade(truth), *([QuickFade(self.note)] if self.note else []), run_time=0.8)
        self.play(QuickFade(loss_tex), run_time=0.7)
        self.play(QuickFade(self.loss_text, shift=UP * 0.2), run_time=0.7)
        self.hold(start, 7)

    def column(self, values: np.ndarray, texts: list[str], cmap, width: float) -> VGroup:
        """A vector as a column of boxes, each filled by ``cmap`` with its number written in it."""
        col = VGroup()
        for v, t in zip(values, texts):
            rect = Rectangle(width=width, height=0.62, stroke_color=style.GRID_LINE, stroke_width=1.5)
            rgb = cmap.rgb(np.array(v))
            rect.set_fill("#{:02x}{:02x}{:02x}".format(*(int(c) for c in rgb)), opacity=1)
            text = label(t, size=TABLE_SIZE, colour=style.ink_for(rgb)).move_to(rect)
            col.add(VGroup(rect, text))
        col.arrange(DOWN, buff=0.12)
        col.values = np.asarray(values, dtype=np.float64)
        col.texts = [g[1] for g in col]
        col.boxes = [g[0] for g in col]
        return col

    def logit_gradient(self) -> None:
        self.step("gradient")
        tr, ls = self.trace, self.ls
        n = len(tr.class_names)
        onehot = np.eye(n)[self.k]
        cmap = style.Diverging.for_values(ls.probabilities, onehot, ls.dlogits)
        self.vector_cmap = cmap
        p_col = self.column(ls.probabilities, [precise_prob(p) for p in ls.probabilities], cmap, 2.3)
        y_col = self.column(onehot, [fmt(v) for v in onehot], cmap, 1.2)
        g_col = self.column(ls.dlogits, [num(v) for v in ls.dlogits], cmap, 2.3)
        minus, equals = label("−", size=40), label("=", size=40)
        VGroup(p_col, minus, y_col, equals, g_col).arrange(RIGHT, buff=0.35).move_to([0.6, -0.4, 0])
        names = VGroup(
            *[
                label(c, size=TABLE_SIZE, colour=style.HIGHLIGHT if j == self.k else style.TEXT).next_to(
                    p_col[j], LEFT, buff=0.3
                )
                for j, c in enumerate(tr.class_names)
            ]
        )
        heads = VGroup(
            label("probabilities p", size=style.SMALL_SIZE, colour=style.MUTED).next_to(p_col, UP, buff=0.2),
            label("truth y", size=style.SMALL_SIZE, colour=style.MUTED).next_to(y_col, UP, buff=0.2),
            label("gradient", size=style.SMALL_SIZE, colour=style.MUTED).next_to(g_col, UP, buff=0.2),
        )
        tex = MathTex(r"\frac{\partial L}{\partial z} = p - y", font_size=40, color=style.TEXT)
        tex.move_to([0.6, 2.3, 0])
        self.p_col, self.y_col, self.g_col = p_col, y_col, g_col
        start = self.time
        self.caption(
            "Which way should each score z move? The gradient of the loss says: probabilities minus the truth, "
            "class by class.",
            6,
        )
        self.clear_content(0.5)
        self.play(QuickFade(tex), run_time=0.7)
        self.play(QuickFade(names), QuickFade(p_col), QuickFade(heads[0]), run_time=0.7)
        self.play(QuickFade(minus), QuickFade(y_col), QuickFade(heads[1]), run_time=0.7)
        self.play(QuickFade(equals), QuickFade(g_col), QuickFade(heads[2]), run_time=0.8)
        self.hold(start, 6)
        start = self.time
        self.caption(
            f"Negative means raise that score, positive means lower it. For {self.true_name} it is "
            f"{num(ls.dlogits[self.k])}.",
            5,
        )
        self.play(Create(SurroundingRectangle(g_col[self.k], color=style.HIGHLIGHT, buff=0.06)), run_time=0.6)
        self.hold(start, 5)

    def weights(self) -> None:
        self.step("weights")
        ls, k = self.ls, self.k
        grad = ls.grads[self.dense_key]
        before, after = ls.before[self.dense_key], ls.after[self.dense_key]
        delta = change(ls, self.dense_key)
        tex1 = MathTex(
            r"\frac{\partial L}{\partial w_{i}} = x_i \cdot \frac{\partial L}{\partial z}",
            font_size=34,
            color=style.TEXT,
        )
        tex2 = MathTex(
            r"w_{\text{new}} = w - \eta\, \frac{\partial L}{\partial w}",
            rf"\qquad \eta = {fmt(self.lr)}",
            font_size=34,
            color=style.TEXT,
        )
        tex2[1].set_color(style.HIGHLIGHT)
        VGroup(tex1, tex2).arrange(RIGHT, buff=0.8).move_to([0, 2.45, 0])
        heads = [
            "clue",
            "evidence x",
            f"∂L/∂z ({self.true_name})",
            "gradient",
            "weight w",
            "− η × gradient",
            "new weight",
        ]
        rows = []
        self.table_rows = []
        for i in self.rows:
            d = distinct_digits(before[k, i], after[k, i], text=decimals)
            cells = [
                f"#{i}",
                num(self.evidence[i]),
                num(ls.dlogits[k]),
                num(grad[k, i]),
                decimals(before[k, i], d),
                num(delta[k, i]),
                decimals(after[k, i], d),
            ]
            rows.append(cells)
            self.table_rows.append((i, cells))
        n_cols = len(heads)
        head_mobs = [label(h, size=style.SMALL_SIZE, colour=style.MUTED) for h in heads]
        cell_mobs = [
            [label(t, size=TABLE_SIZE, colour=style.HIGHLIGHT if j in (3, 5) else style.TEXT) for j, t in enumerate(r)]
            for r in rows
        ]
        widths = [max([head_mobs[j].width] + [r[j].width for r in cell_mobs]) for j in range(n_cols)]
        gap = 0.42
        total = sum(widths) + gap * (n_cols - 1)
        scale = min(1.0, 13.4 / total)
        xs, x = [], -total * scale / 2
        for w in widths:
            xs.append(x + w * scale / 2)
            x += (w + gap) * scale
        table = VGroup()
        y0 = 1.05
        for j, h in enumerate(head_mobs):
            h.scale(scale).move_to([xs[j], y0, 0])
            table.add(h)
        self.cells = []
        for r, row in enumerate(cell_mobs):
            y = y0 - 0.62 * (r + 1)
            for j, m in enumerate(row):
                m.scale(scale).move_to([xs[j], y, 0])
            self.cells.append(row)
        rule = Line([-total * scale / 2, y0 - 0.3, 0], [total * scale / 2, y0 - 0.3, 0], color=style.GRID_LINE)
        groups = [VGroup(*[row[j] for row in self.cells]) for j in range(n_cols)]
        self.table_heads = head_mobs
        into = label(
            f"the {len(self.rows)} weights into {self.true_name} with the largest gradients (of {grad.shape[1]})",
            size=style.SMALL_SIZE,
            colour=style.MUTED,
        )
        into.move_to([0, y0 - 0.62 * (len(self.rows) + 1) - 0.1, 0])
        keep_on_screen(into)
        start = self.time
        self.caption(
            f"Now the jury's weights. A weight from clue i into {self.true_name} gets the gradient of the "
            f"{self.true_name} score times the evidence that clue carried: the strongest clues get the "
            "biggest gradients.",
            7.5,
        )
        self.clear_content(0.5)
        self.play(QuickFade(tex1), run_time=0.8)
        self.play(*[QuickFade(h) for h in head_mobs[:4]], Create(rule), QuickFade(into), run_time=0.7)
        for j in range(4):
            self.play(QuickFade(groups[j], shift=RIGHT * 0.15), run_time=0.45)
        self.hold(start, 7.5)
        start = self.time
        self.caption(
            f"The gradient points uphill, towards more loss, so we step the other way: minus the learning rate, "
            f"{fmt(self.lr)}, times the gradient. The learning rate is the size of the step.",
            7.5,
        )
        self.play(QuickFade(tex2), run_time=0.8)
        self.play(*[QuickFade(h) for h in head_mobs[4:]], run_time=0.5)
        for j in range(4, n_cols):
            self.play(QuickFade(groups[j], shift=RIGHT * 0.15), run_time=0.5)
        self.hold(start, 7.5)

    def after(self) -> None:
        self.step("after")
        tr, ls = self.trace, self.ls
        before = ProbabilityBars(
            ls.probabilities, tr.class_names, winner=tr.prediction, max_height=2.2, value_text=precise_prob
        )
        new_pred = int(np.argmax(ls.new_probabilities))  # which bar is tallest: a highlight choice
        after = ProbabilityBars(
            ls.new_probabilities, tr.class_names, winner=new_pred, max_height=2.2, value_text=precise_prob
        )
        before.move_to([-3.5, -0.2, 0])
        after.move_to([3.5, -0.2, 0])
        t1 = label("before the step", size=style.LABEL_SIZE, colour=style.MUTED).next_to(before, UP, buff=0.3)
        t2 = label("after one step", size=style.LABEL_SIZE, colour=style.MUTED).next_to(after, UP, buff=0.3)
        d = distinct_digits(ls.loss, ls.new_loss)
        l1 = label(f"loss {num(ls.loss, d)}", size=TABLE_SIZE + 3, colour=style.HIGHLIGHT).next_to(before, DOWN, 0.35)
        l2 = label(f"loss {num(ls.new_loss, d)}", size=TABLE_SIZE + 3, colour=style.HIGHLIGHT).next_to(
            after, DOWN, 0.35
        )
        arrow = label("→", size=48, colour=style.HIGHLIGHT).move_to([0, -0.2, 0])
        self.before_bars, self.after_bars = before, after
        self.loss_before, self.loss_after = l1, l2
        lower = ls.new_loss < ls.loss
        if lower and ls.loss < 0.01:
            text = (
                f"Run the photo through again with the new weights. The bars cannot show a change this small, "
                f"but the loss did fall: from {num(ls.loss, d)} to {num(ls.new_loss, d)}."
            )
        elif lower:
            text = (
                f"Run the image through again with the new weights: the loss falls from {num(ls.loss, d)} to "
                f"{num(ls.new_loss, d)}. One step downhill."
            )
        else:
            text = (
                f"Run the image through again: the loss went from {num(ls.loss, d)} to {num(ls.new_loss, d)}. "
                "This step was too big: it jumped past the bottom of the valley."
            )
        start = self.time
        self.caption(text, 7)
        self.clear_content(0.5)
        self.play(QuickFade(t1), QuickFade(before), QuickFade(l1), run_time=0.8)
        self.play(QuickFade(arrow, shift=RIGHT * 0.3), run_time=0.5)
        self.play(QuickFade(t2), QuickFade(after), QuickFade(l2), run_time=0.8)
        self.hold(start, 7)

    def filter_step(self) -> None:
        self.step("filter")
        ls = self.ls
        w0 = ls.before[self.conv_key][FILTER]
        w1 = ls.after[self.conv_key][FILTER]
        g = ls.grads[self.conv_key][FILTER]
        delta = change(ls, self.conv_key)[FILTER]
        e = common_exponent(g)
        self.grad_exponent = e
        w_cmap = style.Diverging.for_values(w0, w1)
        g_cmap = style.Diverging.for_values(g)
        c_in = w0.shape[0]
        cell = 0.62 if c_in > 1 else 0.85
        names = list(style.CHANNEL_COLOURS) if c_in == 3 else [f"ch {i}" for i in range(c_in)]
        self.filter_grids = {"before": [], "gradient": [], "after": []}
        rows = VGroup()
        for ch in range(c_in):
            before = ValueGrid(w0[ch], w_cmap, cell=cell, digits=2)
            grad = ValueGrid(g[ch], g_cmap, cell=cell, numbers=False)
            for r in range(3):
                for c in range(3):
                    t = label(mantissa(g[ch, r, c], e), size=before.numbers[0].font_size, colour=style.TEXT)
                    grad.numbers.add(t.move_to(grad.cell(r, c)).set_color(style.ink_for(grad.rgb[r, c])))
            grad.add(grad.numbers)
            after = ValueGrid(w1[ch], w_cmap, cell=cell, digits=2)
            self.filter_grids["before"].append(before)
            self.filter_grids["gradient"].append(grad)
            self.filter_grids["after"].append(after)
            row = VGroup(before, grad, after).arrange(RIGHT, buff=0.5)
            if c_in > 1:
                tag = label(names[ch], size=style.LABEL_SIZE, colour=style.CHANNEL_COLOURS.get(names[ch], style.TEXT))
                tag.next_to(row, LEFT, buff=0.3)
                row.add(tag)
            rows.add(row)
        rows.arrange(DOWN, buff=0.15, aligned_edge=RIGHT)
        if rows.width > 8.4:  # room left of the formula
            rows.scale(8.4 / rows.width)
        if c_in > 1:
            rows.move_to([-2.4, 0, 0]).align_to([0, 2.55, 0], UP)
        else:
            rows.move_to([-2.4, -0.3, 0])
        first = rows[0]
        scale_note = f" (× {power(e)})" if e else ""
        heads = VGroup(
            label("filter before", size=style.SMALL_SIZE, colour=style.MUTED).next_to(first[0], UP, buff=0.15),
            label(f"gradient{scale_note}", size=style.SMALL_SIZE, colour=style.HIGHLIGHT).next_to(first[1], UP, 0.15),
            label("filter after", size=style.SMALL_SIZE, colour=style.MUTED).next_to(first[2], UP, buff=0.15),
        )
        biggest = float(np.abs(delta).max())
        tex = MathTex(r"W_{\text{new}} = W - \eta\, \frac{\partial L}{\partial W}", font_size=34, color=style.TEXT)
        note = label(
            f"{self.conv.name}, filter {FILTER}\nlargest change: {num(biggest)}",
            size=style.SMALL_SIZE + 2,
            colour=style.TEXT,
        )
        side = VGroup(tex, note).arrange(DOWN, buff=0.35, aligned_edge=LEFT)
        side.next_to(rows, RIGHT, buff=0.6)
        keep_on_screen(side)
        self.filter_note = note
        self.filter_delta = biggest
        start = self.time
        self.caption(
            f"The same recipe reaches back to the first layer: every weight of filter {FILTER} gets its own "
            "gradient, passed back through every layer in between.",
            6,
        )
        self.clear_content(0.5)
        self.play(
            QuickFade(VGroup(*[r[0] for r in rows], *[r[3] for r in rows if len(r) > 3])),
            QuickFade(heads[0]),
            run_time=0.8,
        )
        self.play(QuickFade(VGroup(*[r[1] for r in rows])), QuickFade(heads[1]), run_time=0.8)
        self.hold(start, 6)
        start = self.time
        if biggest < 0.005:
            text = (
                f"Each weight takes a step of minus {fmt(self.lr)} times its gradient. The biggest change is "
                f"{num(biggest)}: after the step the filter looks the same to two decimals."
            )
        else:
            text = (
                f"Each weight takes a step of minus {fmt(self.lr)} times its gradient: the biggest change is "
                f"{num(biggest)}."
            )
        self.caption(text, 6)
        self.play(QuickFade(VGroup(*[r[2] for r in rows])), QuickFade(heads[2]), run_time=0.8)
        self.play(QuickFade(side), run_time=0.8)
        self.hold(start, 6)

    def mistake(self) -> None:
        self.step("mistake")
        tr, ls, wi = self.trace, self.ls, self.what_if
        other = tr.class_names[self.other]
        d = distinct_digits(ls.loss, ls.new_loss)
        rows = [
            ("loss", num(ls.loss, d), num(wi.loss)),
            ("largest gradient", num(largest_gradient(ls)), num(largest_gradient(wi))),
            ("loss after one step", num(ls.new_loss, d), num(wi.new_loss)),
        ]
        self.compare_rows = rows
        heads = [
            label("", size=style.SMALL_SIZE),
            label(f"case file: {self.true_name}", size=style.LABEL_SIZE - 2, colour=style.TEXT),
            label(f"if it said {other}", size=style.LABEL_SIZE - 2, colour=style.HIGHLIGHT),
        ]
        table = VGroup()
        xs = [-5.4, -2.4, 0.7]
        for j, h in enumerate(heads):
            table.add(h.move_to([xs[j], 1.6, 0]))
        self.compare_cells = []
        for r, (name, a, b) in enumerate(rows):
            y = 0.75 - 0.75 * r
            cells = [
                label(name, size=TABLE_SIZE, colour=style.MUTED).move_to([xs[0], y, 0]),
                label(a, size=TABLE_SIZE + 2).move_to([xs[1], y, 0]),
                label(b, size=TABLE_SIZE + 2, colour=style.HIGHLIGHT).move_to([xs[2], y, 0]),
            ]
            self.compare_cells.append(cells)
            table.add(*cells)
        new_pred = int(np.argmax(wi.new_probabilities))  # the tallest bar: which one to colour
        bars = ProbabilityBars(wi.new_probabilities, tr.class_names, winner=new_pred, max_height=2.6)
        bars.move_to([4.3, -0.6, 0])
        bars_title = label(f"after that step\n(if it said {other})", size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
        bars_title.next_to(bars, UP, buff=0.3)
        self.what_if_bars = bars
        keep_on_screen(VGroup(bars, bars_title))
        start = self.time
        self.caption(
            f"Had the case file said {other}, the loss would be {num(wi.loss)} and the largest gradient "
            f"{num(largest_gradient(wi))} instead of {num(largest_gradient(ls))}. A wrong verdict teaches far more.",
            6.5,
        )
        self.clear_content(0.5)
        self.play(QuickFade(VGroup(*table[:3])), run_time=0.6)
        for cells in self.compare_cells[:2]:
            self.play(*[QuickFade(c) for c in cells], run_time=0.6)
        self.hold(start, 6.5)
        start = self.time
        if new_pred == self.other:
            text = (
                f"One step at rate {fmt(self.lr)} would swing his verdict right over to {other}: "
                "steps that big are why the learning rate is kept small."
            )
        else:
            text = (
                f"One step at rate {fmt(self.lr)} would cut that loss to {num(wi.new_loss)}: a big mistake, a big step."
            )
        self.caption(text, 6.5)
        self.play(*[QuickFade(c) for c in self.compare_cells[2]], run_time=0.6)
        self.play(QuickFade(bars), QuickFade(bars_title), run_time=0.8)
        self.hold(start, 6.5)
