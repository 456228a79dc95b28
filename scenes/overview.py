"""The whole network at once: every stage shows what it computed for this image, then one pass runs
through them all and ends in the verdict."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Arrow,
    Circle,
    Dot,
    Group,
    GrowFromCenter,
    Indicate,
    LaggedStart,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_
from scenes.parts import fade_in, fade_out, frame_of, label, wrapped
from scenes.parts.stages import MapStack, NeuronColumn, ProbabilityRows, StageCard
from scenes.plans.overview import Stage, plan

# Sizes as designed: the body shrinks them to fit (never below the readable size), so a network with
# few stages is drawn large and one with many just fits.
SIZE = 34
MAP_BOX = (1.85, 1.85)  # a map stage's box
VECTOR_BOX_H = 2.7  # the boxes of the flatten, dense and softmax stages
GAP, ROW_GAP = 0.36, 0.6
STACKED_ROW = 4  # map stages per row on square and portrait frames
SIDE_W = 5.4  # the verdict's column beside the last row
VEIL = 0.78  # how dark a stage is before the data reaches it


class OverviewScene(ChapterScene):
    chapter_id = "overview"
    subtitle = N_("One image, every stage, left to right")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.rig()
        self.show_stages()
        self.flow()
        self.verdict()

    # -- the rig: rows of stage cards, arrows and the path the data takes ------------------------------
    def rig(self) -> None:
        p = self.plan
        self.cards = [self._card(s) for s in p.stages]
        maps, vectors = list(p.maps), list(p.vectors)
        per_row = STACKED_ROW if self.lay.stacked else len(maps)
        self.rows = [maps[i : i + per_row] for i in range(0, len(maps), per_row)] + [vectors]
        rows = [Group(*[self.cards[i] for i in row]).arrange(RIGHT, buff=GAP, aligned_edge=DOWN) for row in self.rows]
        grid = Group(*rows).arrange(DOWN, buff=ROW_GAP, aligned_edge=LEFT)
        # The verdict (and the label note): beside the last row on wide frames, where the vectors leave
        # room; under it on square and portrait ones.
        width = 2 * SIDE_W if self.lay.stacked else SIDE_W
        verdict = VGroup(*[label(line, size=SIZE, colour=style.WINNER) for line in p.verdict])
        side = [verdict.arrange(DOWN, buff=0.15, aligned_edge=LEFT)]
        if self.story.label_note is not None:
            side.append(wrapped(self.story.label_note, width, size=SIZE - 2, colour=style.HIGHLIGHT, align=LEFT))
        self.side = VGroup(*side).arrange(DOWN, buff=0.3, aligned_edge=LEFT)
        if self.lay.stacked:
            self.side.next_to(grid, DOWN, buff=ROW_GAP, aligned_edge=LEFT)
        else:
            self.side.next_to(rows[-1], RIGHT, buff=0.8)
        self.lay.body.place(Group(grid, self.side))
        self.verdict_text = self.side[0]
        self.note_text = self.side[1] if len(self.side) > 1 else None
        self.arrows = self._arrows()
        self.path, self.flow_at = self._path()
        self.winner_box = frame_of(self.cards[-1].frame, style.WINNER, buff=0.06)

    def _card(self, stage: Stage) -> StageCard:
        p = self.plan
        if stage.is_map:
            visual, (w, h) = MapStack(stage.values, stage.scale, side=MAP_BOX[0] - 0.25), MAP_BOX
        elif stage.kind == "Softmax":
            visual = ProbabilityRows(stage.values, p.names, stage.texts, p.prediction, width=3.0, size=SIZE, pitch=0.76)
            w, h = visual.width + 0.4, VECTOR_BOX_H
        elif stage.texts:  # a short vector: its numbers beside it
            visual = NeuronColumn(
                stage.values, stage.scale, stage.shown, stage.texts, radius=0.17, spacing=0.5, size=SIZE
            )
            w, h = visual.width + 0.4, VECTOR_BOX_H
        else:  # a long vector: a texture of dots
            visual = NeuronColumn(stage.values, stage.scale, stage.shown, radius=0.075, spacing=0.2, size=SIZE)
            w, h = 1.25, VECTOR_BOX_H
        return StageCard(visual, stage.name, stage.shape_text, w, h, SIZE)

    def _arrows(self) -> VGroup:
        """An arrow between neighbours in a row; from the end of a row, a path down to the next."""
        k = self.cards[0].frame.height / MAP_BOX[1]  # how much the layout shrank
        arrows = VGroup()
        self.arrows_into: dict[int, list] = {}  # card index -> the arrow (and turn) leading into it

        def tip(a, b) -> Arrow:
            return Arrow(a, b, buff=0.03 * k, stroke_width=3, color=style.MUTED, tip_length=0.12 * k,
                         max_tip_length_to_length_ratio=0.6)  # fmt: skip

        for r, row in enumerate(self.rows):
            for i, j in zip(row, row[1:]):
                self.arrows_into[j] = [tip(self.cards[i].frame.get_right(), self.cards[j].frame.get_left())]
            if r + 1 < len(self.rows):
                a, b = self.cards[row[-1]], self.cards[self.rows[r + 1][0]]
                mid = (a.shape.get_bottom()[1] + b.frame.get_top()[1]) / 2
                top = a.shape.get_bottom()[1] - 0.05 * k  # down from under the card's labels
                turn = VMobject(color=style.MUTED, stroke_width=3)
                turn.set_points_as_corners([[a.centre[0], top, 0], [a.centre[0], mid, 0], [b.centre[0], mid, 0]])
                self.arrows_into[self.rows[r + 1][0]] = [turn, tip(turn.get_end(), b.frame.get_top())]
        for i in sorted(self.arrows_into):
            arrows.add(*self.arrows_into[i])
        return arrows

    def _path(self) -> tuple[np.ndarray, list[float]]:
        """The spark's path through every card's centre in order (turning between rows like the arrows)
        and where along it (0-1) each card is."""
        points, at = [], []
        for r, row in enumerate(self.rows):
            if r:
                a, b = self.cards[self.rows[r - 1][-1]], self.cards[row[0]]
                mid = (a.shape.get_bottom()[1] + b.frame.get_top()[1]) / 2
                points += [np.array([a.centre[0], mid, 0]), np.array([b.centre[0], mid, 0])]
            for i in row:
                at.append(len(points))
                points.append(self.cards[i].centre)
        path = np.array(points)
        lengths = np.r_[0, np.cumsum(np.linalg.norm(np.diff(path, axis=0), axis=1))]
        self.path_lengths = lengths / lengths[-1]
        return path, [float(self.path_lengths[j]) for j in at]

    def point_at(self, alpha: float) -> np.ndarray:
        """The point ``alpha`` (0-1) of the way along the path."""
        return np.array([np.interp(alpha, self.path_lengths, self.path[:, d]) for d in range(3)])

    # -- the beats ----------------------------------------------------------------------------------------
    def show_stages(self) -> None:
        p = self.plan
        first, rest = self.rows[0], [i for row in self.rows[1:] for i in row]
        order = [i for row in self.rows for i in row]
        arrow_of = self.arrows_into
        self.section("stages")
        with self.beat(p.stages_sentence) as b:
            step = min(style.QUICK, 0.8 * b.left / max(len(first), 1))
            for i in first:
                self.play(*fade_in(self.cards[i], *arrow_of.get(i, []), shift=RIGHT * 0.15), run_time=step)
        with self.beat(p.vectors_sentence) as b:
            step = min(style.QUICK, 0.8 * b.left / max(len(rest), 1))
            for i in rest:
                self.play(*fade_in(self.cards[i], *arrow_of.get(i, []), shift=RIGHT * 0.15), run_time=step)
        self.section("shapes")
        shapes = [self.cards[i].shape for i in order]
        with self.beat(p.shapes_sentence) as b:
            indicate = [Indicate(s, color=style.HIGHLIGHT, scale_factor=1.0) for s in shapes]  # stays in its place
            self.play(LaggedStart(*indicate, lag_ratio=0.3), run_time=min(4.0, 0.8 * b.left))

    def flow(self) -> None:
        """One tracker walks the path: the spark follows it, each stage's veil lifts as it passes."""
        self.section("flow")
        order = [i for row in self.rows for i in row]
        veils = [self.cards[i].veil() for i in order]
        alpha = ValueTracker(0.0)
        spark = Dot(self.point_at(0), radius=0.1, color=style.HIGHLIGHT).set_z_index(10)
        halo = Circle(radius=0.2, stroke_color=style.HIGHLIGHT, stroke_width=3).move_to(spark).set_z_index(10)
        with self.beat(self.plan.flow_sentence) as b:
            self.add(*veils)
            self.play(*[v.animate.set_fill(opacity=VEIL) for v in veils], run_time=style.QUICK)
            spark.add_updater(lambda m: m.move_to(self.point_at(alpha.get_value())))
            halo.add_updater(lambda m: m.move_to(spark))
            for n, (veil, i) in enumerate(zip(veils, order)):
                veil.add_updater(lambda m, a=self.flow_at[n]: m.set_fill(opacity=VEIL * (1 - lit(alpha, a))))
                frame = self.cards[i].frame
                frame.add_updater(lambda m, a=self.flow_at[n]: light(m, abs(alpha.get_value() - a) < 0.06))
            self.add(spark, halo)
            self.play(alpha.animate.set_value(1.0), run_time=b.left - style.QUICK, rate_func=linear)
        for m in (spark, halo, *veils, *[c.frame for c in self.cards]):
            m.clear_updaters()
        for c in self.cards:
            light(c.frame, False)
        self.remove(*veils, halo)
        self.spark = spark

    def verdict(self) -> None:
        self.section("prediction")
        with self.beat(self.plan.verdict_sentence):
            self.play(*fade_out(self.spark), GrowFromCenter(self.winner_box), run_time=style.NORMAL)
            self.play(*fade_in(*self.side, shift=DOWN * 0.15), run_time=style.NORMAL)


def lit(alpha: ValueTracker, at: float, ramp: float = 0.04) -> float:
    """How far (0-1) the data has reached a stage at ``at`` along the path."""
    return float(np.clip((alpha.get_value() - at + ramp) / ramp, 0, 1))


def light(frame, on: bool) -> None:
    frame.set_stroke(style.HIGHLIGHT if on else style.GRID_LINE, width=4 if on else 2)
