"""Chapter 6: the dense layer. Every clue is wired to every suspect; each suspect's score is a
weighted sum of the evidence plus a bias."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Circle,
    Create,
    FadeIn,
    LaggedStart,
    Line,
    MathTex,
    ReplacementTransform,
    ShowPassingFlash,
    TransformFromCopy,
    VGroup,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import Panel, keep_on_screen, label, legend
from scenes.legacy_style import fmt
from scenes.plans.terms import dense_terms

HEAD = 3  # first and last entries of the vector always drawn
TOP_TERMS = 4  # the largest contributions to the predicted class, spelled out
MAX_STROKE = 9.0  # stroke width of the wire with the largest |weight|; others are proportional
COLUMN_X = -4.75  # x of the evidence neurons
OUT_X = -0.35  # x of the output neurons
PANEL_LEFT = 2.25
CONTENT_Y = -0.3


class EvidenceColumn(VGroup):
    """Chosen entries of a long vector, in their true order, each with its index and value.

    A "⋮" stands wherever entries are skipped, so the order on screen is the vector's order.
    """

    def __init__(
        self, values: np.ndarray, cmap, shown, radius: float = 0.15, spacing: float = 0.42, gap: float = 0.32
    ) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64).ravel()
        self.shown = sorted({int(i) for i in shown})
        self.rgb = cmap.rgb(self.values)
        self.neurons, self.numbers, self.indices, self.ellipses = VGroup(), VGroup(), VGroup(), VGroup()
        y, prev = 0.0, -1
        for i in self.shown:
            if i != prev + 1:
                self.ellipses.add(label("⋮", size=22, colour=style.MUTED).move_to([0, y - gap / 2 + spacing / 2, 0]))
                y -= gap
            dot = Circle(radius, stroke_color=style.MUTED, stroke_width=1.5)
            dot.set_fill(style.rgb_hex(self.rgb[i]), opacity=1).move_to([0, y, 0])
            self.neurons.add(dot)
            self.numbers.add(label(fmt(self.values[i]), size=style.SMALL_SIZE).next_to(dot, LEFT, buff=0.15))
            y -= spacing
            prev = i
        if prev != len(self.values) - 1:
            self.ellipses.add(label("⋮", size=22, colour=style.MUTED).move_to([0, y - gap / 2 + spacing / 2, 0]))
        right_edge = min(n.get_left()[0] for n in self.numbers) - 0.12
        for i, num in zip(self.shown, self.numbers):
            tag = label(f"#{i}", size=14, colour=style.MUTED)
            self.indices.add(tag.move_to([right_edge - tag.width / 2, num.get_center()[1], 0]))
        self.add(self.ellipses, self.indices, self.numbers, self.neurons)

    def neuron(self, index: int) -> Circle:
        return self.neurons[self.shown.index(index)]

    def number(self, index: int):
        return self.numbers[self.shown.index(index)]


class DenseScene(ChapterScene):
    chapter_id = "dense"
    subtitle = "The jury weighs every clue"

    def construct(self) -> None:
        self.title_card()
        self.dense = self.trace.steps_of("Dense")[-1]
        self.weights = self.dense.params["weight"]  # (classes, inputs)
        self.flat = self.dense.input  # the flattened evidence (equals trace.flat)
        self.pred = self.trace.prediction
        self.terms = dense_terms(self.trace, self.dense.name, self.pred)
        # Presentation choice: spell out the contributions with the largest size for the predicted class.
        self.top = [int(i) for i in np.argsort(-np.abs(self.terms.products), kind="stable")[:TOP_TERMS]]
        self.show_evidence()
        self.wire()
        self.weigh()
        self.scores()

    def narrate(self, text: str, seconds: float) -> None:
        """A caption for the ``seconds`` of animation that follow (a little shorter, so that frame
        rounding never lets two captions overlap)."""
        self.caption(text, seconds - 0.15)

    # -- the evidence and the suspects -------------------------------------------------------
    def show_evidence(self) -> None:
        n = len(self.flat)
        names = self.trace.class_names
        self.step("evidence")
        shown = list(range(min(HEAD, n))) + self.top + list(range(max(0, n - HEAD), n))
        cmap = style.Diverging.for_values(self.flat)
        column = EvidenceColumn(self.flat, cmap, shown)
        column.shift(np.array([COLUMN_X, CONTENT_Y, 0]) - [column.neurons.get_center()[0], column.get_center()[1], 0])
        self.column = column
        title = label(f"evidence: {n} numbers", size=style.SMALL_SIZE).next_to(column, UP, buff=0.15)
        title.set_x(COLUMN_X - 0.7)
        self.column_title = title

        k = len(names)
        gap = min(1.7, 5.0 / k)
        self.outputs = VGroup()
        self.names = VGroup()
        for j, name in enumerate(names):
            dot = Circle(0.32, stroke_color=style.MUTED, stroke_width=2)
            dot.set_fill(style.ZERO, opacity=1).move_to([OUT_X, CONTENT_Y + ((k - 1) / 2 - j) * gap, 0])
            self.outputs.add(dot)
            self.names.add(label(name, size=style.LABEL_SIZE).next_to(dot, RIGHT, buff=0.3).shift(UP * 0.15))
        out_title = label("one neuron per suspect", size=style.SMALL_SIZE, colour=style.MUTED)
        out_title.next_to(self.outputs, UP, buff=0.3).set_x(OUT_X + 0.6)
        self.narrate(f"The jury receives the {n} clues from the flatten step, still in their fixed order.", 4.5)
        self.play(FadeIn(title), FadeIn(column, lag_ratio=0.02), run_time=1.5)
        self.wait(3)
        self.narrate(f"It has one neuron per suspect: {', '.join(names)}.", 4)
        self.play(FadeIn(self.outputs, lag_ratio=0.2), FadeIn(self.names, lag_ratio=0.2), FadeIn(out_title), run_time=1)
        self.wait(3)

    # -- every clue wired to every suspect -----------------------------------------------------
    def wire(self) -> None:
        self.step("wires")
        self.wcmap = style.Diverging.for_values(self.weights)
        self.stroke_per_weight = MAX_STROKE / self.wcmap.vmax
        self.lines: dict[tuple[int, int], Line] = {}
        group = VGroup()
        for i in self.column.shown:
            start = self.column.neuron(i).get_right()
            for j, out in enumerate(self.outputs):
                w = float(self.weights[j, i])
                line = Line(start, out.get_left(), stroke_width=self.stroke_per_weight * abs(w))
                line.set_stroke(color=self.wcmap(w))
                self.lines[(i, j)] = line
                group.add(line)
        self.wires = group
        key = legend(
            self.wcmap, -self.wcmap.vmax, self.wcmap.vmax, width=2.4, ticks=(-self.wcmap.vmax, 0, self.wcmap.vmax)
        )
        key_title = label("weight", size=style.SMALL_SIZE, colour=style.MUTED).next_to(key, LEFT, buff=0.2)
        count = label(
            f"{self.weights.size} weights in all; only the drawn clues' wires shown",
            size=14,
            colour=style.MUTED,
        )
        weight_key = VGroup(VGroup(key_title, key), count).arrange(DOWN, buff=0.12)
        weight_key.move_to([(COLUMN_X + OUT_X) / 2 + 0.2, -3.45, 0])
        keep_on_screen(weight_key)
        self.weight_key = weight_key
        self.narrate(
            "Every clue is wired to every suspect, and each wire has its own weight, learned in training.", 4.5
        )
        self.add_foreground_mobjects(self.column.neurons, *self.outputs)
        self.play(LaggedStart(*[Create(line) for line in group], lag_ratio=0.02), run_time=2.5)
        self.play(FadeIn(weight_key), run_time=0.5)
        self.wait(1.5)
        self.narrate(
            "An orange wire raises that suspect's score, a blue one lowers it, and the thicker the wire, the more "
            "that clue counts.",
            5.5,
        )
        self.wait(5.5)

    # -- the predicted suspect's weighted sum, with real numbers -----------------------------------
    def weigh(self) -> None:
        t = self.terms
        pred = self.pred
        name = self.trace.class_names[pred]
        n = len(self.flat)
        self.step("weigh")
        others = [line for (i, j), line in self.lines.items() if j != pred]
        heading = MathTex(r"z_{\text{" + name + r"}} = \sum_i x_i \, w_i + b", font_size=30, color=style.TEXT)
        sub = label("evidence × weight = product", size=14, colour=style.MUTED)
        self.narrate(f"Take {name}. The jury multiplies each clue by the weight of its wire to {name}.", 4.4)
        ring = Circle(0.42, stroke_color=style.HIGHLIGHT, stroke_width=4).move_to(self.outputs[pred])
        self.focus_ring = ring
        self.play(
            *[line.animate.set_stroke(opacity=0.12) for line in others],
            Create(ring),
            self.names[pred].animate.set_color(style.HIGHLIGHT),
            run_time=1,
        )
        # the table of the largest products, right-aligned number columns
        cells = []
        self.term_rows = []
        for i in self.top:
            row = {
                "index": label(f"#{i}", size=14, colour=style.MUTED),
                "x": label(fmt(t.inputs[i]), size=18),
                "times": label("×", size=18, colour=style.MUTED),
                "w": label(_paren(fmt(t.weights[i])), size=18, colour=_ink(t.weights[i])),
                "eq": label("=", size=18, colour=style.MUTED),
                "p": label(fmt(t.products[i]), size=18, colour=style.HIGHLIGHT),
            }
            row["i"] = i
            self.term_rows.append(row)
            cells += [row["index"], row["x"], row["times"], row["w"], row["eq"], row["p"]]
        table = VGroup(*cells).arrange_in_grid(rows=len(self.top), cols=6, buff=(0.14, 0.16), col_alignments="rrcrcr")
        self.more = label(f"+ {n - len(self.top)} more terms", size=16, colour=style.MUTED)
        self.sum_text = label(fmt(t.total), size=18)
        self.bias_text = label(_paren(fmt(t.bias)), size=18)
        self.logit_text = label(fmt(t.output), size=24, colour=style.WINNER, weight="BOLD")
        tail = VGroup(
            VGroup(label(f"sum of all {n} =", size=16, colour=style.MUTED), self.sum_text).arrange(RIGHT, buff=0.15),
            VGroup(label("+ bias", size=16, colour=style.MUTED), self.bias_text).arrange(RIGHT, buff=0.15),
            VGroup(label(f"= score of {name}", size=16, colour=style.TEXT), self.logit_text).arrange(RIGHT, buff=0.15),
        ).arrange(DOWN, aligned_edge=RIGHT, buff=0.14)
        body = VGroup(heading, sub, table, self.more, tail).arrange(DOWN, buff=0.2)
        self.more.align_to(table, RIGHT)
        tail.align_to(table, RIGHT)
        body.move_to([PANEL_LEFT + 0.25 + body.width / 2, CONTENT_Y + 0.2, 0])
        panel = Panel(body)
        keep_on_screen(VGroup(panel, body))
        self.panel, self.table = VGroup(panel, body), table
        self.play(FadeIn(panel), Create(heading), FadeIn(sub), run_time=1)
        self.wait(2.4)

        self.narrate(
            f"These {len(self.top)} clues weigh the most. Each product is a clue's value times its wire's weight.", 6
        )
        self.marks = VGroup()
        for row in self.term_rows:
            i = row["i"]
            line = self.lines[(i, pred)]
            mark = Circle(0.22, stroke_color=style.HIGHLIGHT, stroke_width=3).move_to(self.column.neuron(i))
            self.marks.add(mark)
            flash = line.copy().set_stroke(style.HIGHLIGHT, width=max(4.0, line.get_stroke_width()), opacity=1)
            self.play(
                Create(mark),
                ShowPassingFlash(flash, time_width=0.6),
                TransformFromCopy(self.column.number(i), row["x"]),
                *[FadeIn(row[key]) for key in ("index", "times", "w", "eq", "p")],
                run_time=1.1,
            )
            self.wait(0.4)
        self.narrate(
            f"The other {n - len(self.top)} products are smaller. All {n} add up to {fmt(t.total)}; "
            f"the bias adds {fmt(t.bias)}: {name} scores {fmt(t.output)}.",
            7,
        )
        self.play(FadeIn(self.more), run_time=0.7)
        for part in tail:
            self.play(FadeIn(part, shift=UP * 0.15), run_time=0.7)
            self.wait(0.7)
        self.wait(2.1)

    # -- all the scores ---------------------------------------------------------------------
    def scores(self) -> None:
        logits = self.trace.logits
        pred = self.pred
        self.step("scores")
        lcmap = style.Diverging.for_values(logits)
        self.score_labels = VGroup()
        for j in range(len(self.outputs)):
            colour = style.WINNER if j == pred else style.TEXT
            self.score_labels.add(
                label(fmt(logits[j]), size=20, colour=colour).next_to(self.names[j], DOWN, buff=0.1, aligned_edge=LEFT)
            )
        others = [j for j in range(len(logits)) if j != pred]
        self.narrate(
            "Every suspect gets its own weighted sum with its own wires. These raw scores are called logits.", 5.5
        )
        self.play(*[line.animate.set_stroke(opacity=1) for line in self.lines.values()], run_time=0.8)
        self.play(TransformFromCopy(self.logit_text, self.score_labels[pred]), run_time=1)
        self.play(
            *[FadeIn(self.score_labels[j], shift=RIGHT * 0.2) for j in others],
            *[out.animate.set_fill(lcmap(float(logits[j])), opacity=1) for j, out in enumerate(self.outputs)],
            run_time=1.2,
        )
        self.wait(2.5)
        names = self.trace.class_names
        winner = Circle(0.42, stroke_color=style.WINNER, stroke_width=5).move_to(self.outputs[pred])
        self.winner_ring = winner
        self.narrate(
            f"{names[pred]} has the highest score, {fmt(logits[pred])}. Softmax, next, turns scores into confidence.",
            5,
        )
        self.play(
            ReplacementTransform(self.focus_ring, winner),
            self.names[pred].animate.set_color(style.WINNER),
            run_time=0.8,
        )
        self.wait(4.2)


def _paren(text: str) -> str:
    """A negative factor in brackets, so "2 × (-0.5)" reads as a product."""
    return f"({text})" if text.startswith("-") else text


def _ink(w: float) -> str:
    """The weight's sign colour at full strength (the wires use the same hue, scaled by size)."""
    return style.POSITIVE if w > 0 else style.NEGATIVE if w < 0 else style.TEXT
