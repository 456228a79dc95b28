"""Chapter 9: the whole network at once, every stage showing the maps it computed for this image."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Dot,
    FadeIn,
    FadeOut,
    Group,
    Indicate,
    LaggedStart,
    Rectangle,
    RoundedRectangle,
    SurroundingRectangle,
    ValueTracker,
    VGroup,
    VMobject,
    linear,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import NeuronColumn, PixelImage, keep_on_screen, label
from scenes.prob_parts import num, shape_text

FRAME_W = 13.8  # usable width of a row of stages
ROW_Y = (1.7, -1.25)  # centre of the pictures in the first and second row
BOX_H = 1.85  # height available for a stage's picture
VEIL = 0.78  # how dark a stage is before the data has reached it


@dataclass
class Stage:
    """One stage of the picture: its name, the tensor shape it holds and its picture."""

    name: str
    shape: tuple[int, ...]
    visual: object
    kind: str
    thumbs: list = field(default_factory=list)  # PixelImage per channel (maps), or the input image
    cmap: object = None


class ProbabilityRows(VGroup):
    """Probabilities as horizontal bars, one per class under its name and value; the winner in WINNER.

    Bar ``k`` is ``bar_max * values[k]`` wide, all starting at the same left edge."""

    def __init__(self, values, names, winner: int, bar_max: float = 1.7, size: float = 15) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64)
        widest = max(label(n, size=size).width for n in names) + max(
            label(num(v), size=size).width for v in self.values
        )
        bar_max = max(bar_max, widest + 0.2)  # name and value side by side above the bar
        self.bar_max, self.winner = bar_max, winner
        self.names, self.bars, self.numbers = VGroup(), VGroup(), VGroup()
        track = VGroup()
        for k, (n, v) in enumerate(zip(names, self.values)):
            colour = style.WINNER if k == winner else style.MUTED
            y = -k * 0.58
            name = label(n, size=size, colour=style.WINNER if k == winner else style.TEXT)
            name.move_to([0, y, 0], aligned_edge=LEFT + DOWN)
            value = label(num(v), size=size, colour=colour).move_to([bar_max, y, 0], aligned_edge=RIGHT + DOWN)
            back = Rectangle(width=bar_max, height=0.12, stroke_width=0).set_fill(style.ZERO, 1)
            back.move_to([0, y - 0.12, 0], aligned_edge=LEFT)
            bar = Rectangle(width=max(bar_max * v, 1e-4), height=0.12, stroke_width=0).set_fill(colour, 1)
            bar.move_to([0, y - 0.12, 0], aligned_edge=LEFT)
            self.names.add(name)
            self.bars.add(bar)
            self.numbers.add(value)
            track.add(back)
        self.add(track, self.bars, self.names, self.numbers)


def fan(images: list, box_w: float, box_h: float, scale: float) -> Group:
    """Channel maps as a fanned stack of cards: channel 0 in front (bottom left), the rest behind."""
    n = len(images)
    dx = min(0.3, 0.9 / (n - 1)) if n > 1 else 0.0
    dy = dx / 2
    side = min(box_h - (n - 1) * dy, box_w - (n - 1) * dx) * scale
    cards = Group()
    for c in range(n - 1, -1, -1):  # back to front
        img = images[c]
        img.height = side
        img.move_to([c * dx, c * dy, 0])
        border = Rectangle(width=side, height=side, stroke_color=style.GRID_LINE, stroke_width=1.5).move_to(img)
        cards.add(img, border)
    return cards.move_to(np.zeros(3))


class OverviewScene(ChapterScene):
    chapter_id = "overview"
    subtitle = "One image, every stage, left to right"

    def construct(self) -> None:
        self.title_card()
        self.stages = self.build_stages()
        self.layout()
        self.show_stages()
        self.flow()
        self.verdict()

    # -- the stages, from the trace ---------------------------------------------------------------------
    def build_stages(self) -> list[Stage]:
        tr = self.trace
        per_row = self._per_row(len(tr.steps) + 2)
        box_w = FRAME_W / per_row - 0.65
        h_in = tr.input.shape[1]
        stages = []
        shapes = dict(tr.shapes())
        if self.is_rgb:
            photo = PixelImage(tr.image, height=BOX_H)
            stages.append(Stage("input", shapes["input"], photo, "input", [photo], None))
        else:
            cmap = style.Diverging(1.0)
            pics = [PixelImage(tr.image[c], cmap) for c in range(tr.image.shape[0])]
            stages.append(Stage("input", shapes["input"], fan(pics, box_w, BOX_H, 1.0), "input", pics, cmap))
        block_cmap = None
        for s in tr.steps:
            if s.kind == "Conv2D":  # one colour scale per block: conv, its ReLU and its pooling
                block = [s.output] + [t.output for t in self._block_after(s)]
                block_cmap = style.Diverging.for_values(*block)
            if s.output.ndim == 3:
                cmap = block_cmap or style.Diverging.for_values(s.output)
                pics = [PixelImage(m, cmap) for m in s.output]
                scale = (s.output.shape[1] / h_in) ** 0.5
                stages.append(Stage(s.name, s.output.shape, fan(pics, box_w, BOX_H, scale), s.kind, pics, cmap))
            elif s.kind == "Dense":
                cmap = style.Diverging.for_values(s.output)
                col = NeuronColumn(s.output, cmap, radius=0.13, spacing=0.42, numbers=True)
                stages.append(Stage(s.name, s.output.shape, col, s.kind, [], cmap))
            else:  # a long vector (flatten)
                cmap = block_cmap or style.Diverging.for_values(s.output)
                col = NeuronColumn(s.output, cmap, radius=0.065, max_visible=10, spacing=0.158)
                stages.append(Stage(s.name, s.output.shape, col, s.kind, [], cmap))
        rows = ProbabilityRows(tr.probabilities, tr.class_names, tr.prediction)
        stages.append(Stage("softmax", tr.probabilities.shape, rows, "Softmax"))
        return stages

    def _block_after(self, conv_step) -> list:
        steps = list(self.trace.steps)
        out = []
        for s in steps[steps.index(conv_step) + 1 :]:
            if s.kind not in ("ReLU", "MaxPool2D"):
                break
            out.append(s)
        return out

    @staticmethod
    def _per_row(n: int) -> int:
        return n if n <= 5 else -(-n // 2)

    def layout(self) -> None:
        n = len(self.stages)
        per_row = self._per_row(n)
        slot = FRAME_W / per_row
        self.frames, self.names, self.shape_labels, self.veils, self.centres = [], [], [], [], []
        for i, st in enumerate(self.stages):
            row, col = divmod(i, per_row)
            centre = np.array([-FRAME_W / 2 + (col + 0.5) * slot, ROW_Y[row], 0.0])
            st.visual.move_to(centre)
            if st.visual.width > slot - 0.55:
                st.visual.scale_to_fit_width(slot - 0.55)
            frame = RoundedRectangle(
                corner_radius=0.1,
                width=slot - 0.4,
                height=BOX_H + 0.25,
                stroke_color=style.GRID_LINE,
                stroke_width=2,
            ).move_to(centre)
            name = label(st.name, size=style.SMALL_SIZE + 2).next_to(frame, DOWN, buff=0.08)
            shape = label(shape_text(st.shape), size=style.SMALL_SIZE, colour=style.MUTED)
            shape.next_to(name, DOWN, buff=0.06)
            veil = Rectangle(width=slot - 0.4, height=BOX_H + 0.25, stroke_width=0).move_to(centre)
            veil.set_fill(style.BACKGROUND, opacity=0).set_z_index(5)
            self.frames.append(frame)
            self.names.append(name)
            self.shape_labels.append(shape)
            self.veils.append(veil)
            self.centres.append(centre)
        # Arrows between neighbours in a row, and one path from the end of a row to the next row.
        self.arrows = VGroup()
        for i in range(n - 1):
            a, b = self.frames[i], self.frames[i + 1]
            if (i + 1) % per_row:
                self.arrows.add(
                    Arrow(
                        a.get_right(),
                        b.get_left(),
                        buff=0.03,
                        stroke_width=3,
                        color=style.MUTED,
                        tip_length=0.12,
                        max_tip_length_to_length_ratio=0.6,
                    )
                )
        path, stage_index = [self.centres[0]], [0]
        for i in range(1, n):
            if i % per_row == 0:  # down under the row, back to the left, down into the next row
                mid = (self.shape_labels[i - 1].get_bottom()[1] + self.frames[i].get_top()[1]) / 2
                path += [np.array([self.centres[i - 1][0], mid, 0]), np.array([self.centres[i][0], mid, 0])]
                right = self.frames[i - 1].get_right()[0] + 0.15
                left = self.frames[i].get_left()[0] - 0.18
                turn = VMobject(color=style.MUTED, stroke_width=3).set_points_as_corners(
                    [
                        self.frames[i - 1].get_right(),
                        np.array([right, self.centres[i - 1][1], 0]),
                        np.array([right, mid, 0]),
                        np.array([left, mid, 0]),
                        np.array([left, self.centres[i][1], 0]),
                    ]
                )
                tip = Arrow(
                    turn.get_end(),
                    self.frames[i].get_left(),
                    buff=0.0,
                    stroke_width=3,
                    color=style.MUTED,
                    tip_length=0.12,
                    max_tip_length_to_length_ratio=0.6,
                )
                self.arrows.add(turn, tip)
            stage_index.append(len(path))
            path.append(self.centres[i])
        self.path = np.array(path)
        lengths = np.r_[0, np.cumsum(np.linalg.norm(np.diff(self.path, axis=0), axis=1))]
        self.path_lengths = lengths / lengths[-1]
        # where along the path (0-1) each stage's centre is
        self.flow_at = [float(self.path_lengths[j]) for j in stage_index]
        self.key = self._key()

    def _key(self) -> VGroup:
        """What the colours mean (each block is scaled to its own largest value)."""
        swatches = []
        for text, v in (("negative", -1.0), ("0", 0.0), ("positive", 1.0)):
            sq = Rectangle(width=0.22, height=0.22, stroke_width=1, stroke_color=style.GRID_LINE)
            sq.set_fill(style.Diverging(1.0)(v), opacity=1)
            swatches.append(VGroup(sq, label(text, size=style.SMALL_SIZE, colour=style.MUTED)).arrange(RIGHT, buff=0.1))
        key = VGroup(*swatches).arrange(RIGHT, buff=0.3)
        return key.to_corner(UP + RIGHT, buff=0.45)

    def point_at(self, alpha: float) -> np.ndarray:
        """The point ``alpha`` (0-1) of the way along the flow path."""
        return np.array([np.interp(alpha, self.path_lengths, self.path[:, d]) for d in range(3)])

    # -- steps --------------------------------------------------------------------------------------------
    def show_stages(self) -> None:
        tr = self.trace
        per_row = self._per_row(len(self.stages))
        c, h, w = tr.input.shape
        what = "photo" if self.is_rgb else "drawing"
        self.step("stages")
        self.say(
            f"Here is the whole detective story for this {what} in one picture. Every square is a real map "
            "the network computed for it: the filters' clues, ReLU's cleanup, pooling's best clues.",
            8,
        )
        first = range(min(per_row, len(self.stages)))
        self.play(FadeIn(self.key), run_time=0.5)
        for i in first:
            group = Group(self.frames[i], self.stages[i].visual, self.names[i], self.shape_labels[i])
            anims = [FadeIn(group, shift=RIGHT * 0.2)]
            if i > 0:
                anims.append(FadeIn(self.arrows[i - 1]))
            self.play(*anims, run_time=0.7)
        self.settle()
        rest = range(per_row, len(self.stages))
        if len(rest):
            self.say(
                "Then the clues are lined up for the jury, the dense layer gives every suspect a score, "
                "and softmax turns the scores into chances.",
                6,
            )
            self.play(*[FadeIn(a) for a in self.arrows[per_row - 1 :]], run_time=0.5)
            for i in rest:
                group = Group(self.frames[i], self.stages[i].visual, self.names[i], self.shape_labels[i])
                self.play(FadeIn(group, shift=RIGHT * 0.2), run_time=0.7)
            self.settle()
        self.step("shapes")
        chain = " → ".join(shape_text(s) for _, s in tr.shapes())
        self.say(f"The shapes under the stages tell the same story: {chain}.", 6)
        self.play(
            LaggedStart(
                *[Indicate(lbl, color=style.HIGHLIGHT, scale_factor=1.25) for lbl in self.shape_labels],
                lag_ratio=0.3,
            ),
            run_time=4,
        )
        self.settle()

    def flow(self) -> None:
        self.step("flow")
        self.say(
            "Now one pass, end to end: the image flows through every stage in turn, and each one lights up "
            "as its numbers are computed.",
            9,
        )
        for v in self.veils:
            self.add(v)
        self.play(*[v.animate.set_fill(opacity=VEIL) for v in self.veils], run_time=0.6)
        alpha = ValueTracker(0.0)
        spark = Dot(self.point_at(0), radius=0.11, color=style.HIGHLIGHT).set_z_index(10)
        halo = Circle(radius=0.22, stroke_color=style.HIGHLIGHT, stroke_width=3).move_to(spark).set_z_index(10)
        spark.add_updater(lambda m: m.move_to(self.point_at(alpha.get_value())))
        halo.add_updater(lambda m: m.move_to(spark))
        ramp = 0.04

        def lit(i: int) -> float:
            return float(np.clip((alpha.get_value() - self.flow_at[i] + ramp) / ramp, 0, 1))

        for i, (veil, frame) in enumerate(zip(self.veils, self.frames)):
            veil.add_updater(lambda m, i=i: m.set_fill(opacity=VEIL * (1 - lit(i))))
            frame.add_updater(
                lambda m, i=i: m.set_stroke(
                    style.HIGHLIGHT if abs(alpha.get_value() - self.flow_at[i]) < 0.06 else style.GRID_LINE,
                    width=4 if abs(alpha.get_value() - self.flow_at[i]) < 0.06 else 2,
                )
            )
        self.add(spark, halo)
        self.play(alpha.animate.set_value(1.0), run_time=7, rate_func=linear)
        for m in (spark, halo, *self.veils, *self.frames):
            m.clear_updaters()
        for f in self.frames:
            f.set_stroke(style.GRID_LINE, width=2)
        for v in self.veils:
            v.set_fill(opacity=0)
        self.remove(*self.veils, halo)
        self.spark = spark
        self.settle()

    def verdict(self) -> None:
        tr = self.trace
        self.step("prediction")
        last = self.frames[-1]
        self.winner_box = SurroundingRectangle(last, color=style.WINNER, buff=0.04, corner_radius=0.1)
        self.verdict_text = label(
            f"prediction: {tr.predicted_class}  (p = {num(tr.probabilities[tr.prediction])})",
            size=style.LABEL_SIZE,
            colour=style.WINNER,
        )
        self.verdict_text.next_to(self.shape_labels[-1], DOWN, buff=0.15).align_to(last, RIGHT)
        keep_on_screen(self.verdict_text)
        self.note = None
        if self.story.label_note is not None:
            self.note = label(self.story.label_note, size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
            self.note.to_corner(DOWN + LEFT, buff=0.2)
        self.say(
            f"It ends in the probabilities. The case is closed: {tr.predicted_class}, with probability "
            f"{num(tr.probabilities[tr.prediction])}.",
            6,
        )
        anims = [FadeIn(self.winner_box), FadeIn(self.verdict_text, shift=UP * 0.2), FadeOut(self.spark)]
        if self.note is not None:
            anims.append(FadeIn(self.note))
        self.play(*anims, run_time=1)
        self.settle()
