"""Chapter: the dense layer. Every clue is wired to every suspect; each suspect's score is a weighted
sum of the evidence plus a bias."""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Circle, Create, Group, GrowFromCenter, VGroup

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import Panel, QuickFade, cached_label, fade_in, fade_out, label, wrapped
from scenes.parts.page import VectorPage
from scenes.plans.dense import SPELLED, plan

NEURON = 0.3  # radius of an output neuron
PAGE_GAP = 0.25  # between a page's title and the page above it
LINE = 0.6  # tallest line of a page


class DenseScene(ChapterScene):
    chapter_id = "dense"
    subtitle = N_("The jury weighs every clue")

    def construct(self) -> None:
        self.plan = p = plan(self.story)
        self.title_card()
        self.rig()
        pred = p.pred

        self.section("evidence")
        with self.beat(p.intro):
            self.play(*fade_in(self.titles[0], self.pages[0]), run_time=style.NORMAL)
        with self.beat(p.suspects):
            self.play(*fade_in(self.heading, *self.neurons, *self.names), run_time=style.NORMAL)

        self.section("weights")
        with self.beat(p.wiring):
            self.play(*fade_in(self.titles[1], self.weights[pred]), run_time=style.NORMAL)
            self.play(Create(self.ring), self.names[pred].animate.set_color(style.HIGHLIGHT), run_time=style.QUICK)

        self.section("weigh")
        with self.beat(p.products):
            # the evidence and the weights slide down onto their products, fading as they go
            moving = [page.copy() for page in (self.pages[0], self.weights[pred])]
            slides = [
                QuickFade(m, appear=False, shift=self.products[pred].get_center() - m.get_center()) for m in moving
            ]
            self.play(*slides, *fade_in(self.titles[2], self.products[pred]), run_time=style.SLOW)
        with self.beat(p.close_up) as b:
            self.play(*[GrowFromCenter(f) for f in self.marks], *fade_in(self.table_title), run_time=style.QUICK)
            per = (b.left - style.QUICK) / len(self.rows)
            for row in self.rows:
                self.play(*fade_in(row, shift=LEFT * 0.2), run_time=per)
        self.show_verdict(pred, first=True)

        self.section("scores")
        for k in p.order[1:SPELLED]:
            self.show_verdict(k)
        if p.others:
            with self.beat(p.others):
                self.play(*[a for k in p.order[SPELLED:] for a in self.score_in(k)], run_time=style.NORMAL)
        with self.beat(p.verdict):
            self.play(
                *fade_out(self.ring),
                Create(self.winner_ring),
                self.names[pred].animate.set_color(style.WINNER),
                run_time=style.NORMAL,
            )
        with self.beat(p.next):
            self.play(*fade_in(self.logits_note), run_time=style.NORMAL)

    # -- the rig -----------------------------------------------------------------------------------
    def zones(self):
        """The pages, the close-up with its sums, the suspects: side by side, or the pages above the
        other two on narrow frames."""
        body = self.lay.body
        if self.lay.stacked:
            top, bottom = body.rows(1, 1.1)
            middle, right = bottom.columns(1.7, 1)
            return top, middle, right
        return body.columns(4.3, 5.4, 2.6, gap=0.35)

    def rig(self) -> None:
        p = self.plan
        pages_zone, middle, right = self.zones()
        names = p.names
        # three pages: the evidence, one suspect's weights, their products
        self.titles = [
            label(_("evidence: {n} clues").format(n=p.count)),
            label(_("× weights for {name}").format(name=names[p.pred])),
            label(_("= products for {name}").format(name=names[p.pred])),
        ]
        width = max(pages_zone.width - 0.2, max(t.width for t in self.titles))
        room = (pages_zone.height - sum(t.height + 0.1 for t in self.titles) - 2 * PAGE_GAP) / 3
        tall = dict(line_height=min(LINE, room / p.lines))  # lines taller than wide: the pattern shows

        def page(values, scale) -> VectorPage:
            return VectorPage(values, p.lines, scale, width, **tall)

        self.pages = [page(p.evidence, p.evidence_scale)]
        self.weights = [page(w, p.weight_scale) for w in p.weights]
        self.products = [page(p.products_of(k), p.product_scale) for k in range(len(names))]
        column = Group(
            *[
                Group(t, page).arrange(DOWN, buff=0.1, aligned_edge=LEFT)
                for t, page in zip(self.titles, (self.pages[0], self.weights[p.pred], self.products[p.pred]))
            ]
        ).arrange(DOWN, buff=PAGE_GAP, aligned_edge=LEFT)
        natural = column.height
        pages_zone.place(column, UP)
        fitted = column.height / natural  # below 1 where the zone is small
        for group in (self.weights, self.products):
            for page in group:
                page.replace(group[p.pred])
        self.other_titles = {}
        for k, name in enumerate(names):  # each other suspect's titles, at the winner's titles' scale
            if k == p.pred:
                continue
            pair = []
            for old, text in (
                (self.titles[1], _("× weights for {name}")),
                (self.titles[2], _("= products for {name}")),
            ):
                t = label(text.format(name=name)).scale(fitted)
                pair.append(pages_zone.fit(t).move_to(old).align_to(old, LEFT))
            self.other_titles[k] = tuple(pair)

        # the close-up: the strongest terms of the winner, then each suspect's sums
        self.rows = [self.term_row(t) for t in p.top]
        heads = VGroup(
            *[cached_label(t, colour=style.MUTED) for t in (_("no."), _("clue"), "×", _("weight"), "=", _("product"))]
        )
        heads[2].set_opacity(0)  # no heads over the signs
        heads[4].set_opacity(0)
        table = VGroup(*heads, *[c for row in self.rows for c in row]).arrange_in_grid(
            rows=len(self.rows) + 1, cols=6, buff=(0.14, 0.14), col_alignments="rrcrcr"
        )
        self.table_title = VGroup(label(_("the strongest terms")).next_to(table, UP, buff=0.2), heads)
        self.sums = {k: self.sum_box(k) for k in range(len(names))}
        natural = self.sums[p.pred].height
        self.sums[p.pred].next_to(table, DOWN, buff=0.3)
        middle.place(VGroup(self.table_title, table, self.sums[p.pred]), UP)
        for k, box in self.sums.items():  # every suspect's box where the winner's is, at its scale
            if k != p.pred:
                middle.fit(box.scale(self.sums[p.pred].height / natural)).move_to(self.sums[p.pred])
        self.marks = [
            page.window(t.index, width=3)
            for t in p.top
            for page in (self.pages[0], self.weights[p.pred], self.products[p.pred])
        ]

        # the suspects: one neuron each, its name and, later, its score
        self.neurons, self.names, self.scores = [], [], []
        for k, name in enumerate(names):
            dot = Circle(NEURON, stroke_color=style.MUTED, stroke_width=2).set_fill(style.ZERO, opacity=1)
            tag = label(name)
            score = label(p.scores[k], colour=style.TEXT)
            self.neurons.append(dot)
            self.names.append(tag)
            self.scores.append(score)
        suspects = VGroup(
            *[
                VGroup(dot, VGroup(tag, score).arrange(DOWN, buff=0.08, aligned_edge=LEFT)).arrange(RIGHT, buff=0.25)
                for dot, tag, score in zip(self.neurons, self.names, self.scores)
            ]
        ).arrange(DOWN, buff=0.45, aligned_edge=LEFT)
        self.heading = wrapped(_("one neuron per suspect"), right.width - 0.2, colour=style.MUTED)
        self.logits_note = wrapped(_("scores = logits"), right.width - 0.2, colour=style.HIGHLIGHT)
        right.place(VGroup(self.heading, suspects, self.logits_note).arrange(DOWN, buff=0.35), UP)
        winner = self.neurons[p.pred]
        ring = winner.width / 2 * (NEURON + 0.1) / NEURON  # a little wider than the neuron, as fitted
        self.ring = Circle(ring, stroke_color=style.HIGHLIGHT, stroke_width=4).move_to(winner)
        self.winner_ring = Circle(ring, stroke_color=style.WINNER, stroke_width=5).move_to(winner)
        self.verdicts_told = []

    def term_row(self, t) -> VGroup:
        """One term of the close-up: place, evidence × weight = product."""
        sign = style.POSITIVE if not t.weight.startswith("-") else style.NEGATIVE
        return VGroup(
            label(t.place, colour=style.MUTED),
            label(t.evidence),
            cached_label("×", colour=style.MUTED),
            label(f"({t.weight})" if t.weight.startswith("-") else t.weight, colour=sign),
            cached_label("=", colour=style.MUTED),
            label(t.product, colour=style.HIGHLIGHT),
        )

    def sum_box(self, k: int) -> VGroup:
        """Suspect ``k``'s sums: the clues for, against, the bias and the score."""
        v = self.plan.verdicts[k]
        rows = [
            (_("clues for"), v.texts["for"], style.POSITIVE),
            (_("clues against"), v.texts["against"], style.NEGATIVE),
            (_("bias"), v.texts["bias"], style.TEXT),
            (_("score of {name}").format(name=v.name), v.texts["score"], style.HIGHLIGHT),
        ]
        cells = [
            m
            for name, value, colour in rows
            for m in (cached_label(name, colour=style.MUTED), label(value, colour=colour))
        ]
        grid = VGroup(*cells).arrange_in_grid(rows=len(rows), cols=2, buff=(0.4, 0.12), col_alignments="lr")
        return VGroup(Panel(grid), grid)

    def score_in(self, k: int):
        """Suspect ``k``'s neuron takes its score's colour and the score appears by its name."""
        p = self.plan
        return [
            self.neurons[k].animate.set_fill(p.score_scale.hex(p.logits[k]), opacity=1),
            *fade_in(self.scores[k], shift=RIGHT * 0.2),
        ]

    def show_verdict(self, k: int, first: bool = False) -> None:
        """Suspect ``k``'s sums and score (after the first, its pages replace the previous suspect's)."""
        p = self.plan
        with self.beat(p.verdicts[k].sentence):
            if not first:
                prev = self.verdicts_told[-1]
                old = (self.weights[prev], self.products[prev], *self.current_titles, self.sums[prev])
                new = (self.weights[k], self.products[k], *self.other_titles[k], self.sums[k])
                gone = self.marks + self.rows + [self.table_title] if len(self.verdicts_told) == 1 else []
                self.play(*fade_out(*old, *gone), *fade_in(*new), run_time=style.NORMAL)
            else:
                self.play(*fade_in(self.sums[k]), run_time=style.NORMAL)
            self.play(*self.score_in(k), run_time=style.NORMAL)
        self.current_titles = self.other_titles[k] if not first else (self.titles[1], self.titles[2])
        self.verdicts_told.append(k)
