"""Training: the bundled model's real history, epoch by epoch; its guess for this image before and
after; a filter and its feature map before and after; and three real runs with different learning
rates."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Axes,
    DashedLine,
    Dot,
    FadeIn,
    GrowFromEdge,
    Line,
    Rectangle,
    SurroundingRectangle,
    TransformFromCopy,
    ValueTracker,
    VGroup,
    VMobject,
    always_redraw,
    linear,
)

import engine
from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import PixelImage, ValueGrid, boxed, keep_on_screen, label, legend
from scenes.prob_parts import nice_step, precise_prob

TRAIN_COLOUR = style.CLASS_COLOURS[2]  # training-set curves
VAL_COLOUR = style.HIGHLIGHT  # validation-set curves: the exam
LR_COLOURS = (style.NEGATIVE, style.WINNER, style.POSITIVE)  # too small, good, too large
LR_WORDS = ("too small", "good", "too large")


def percent(v: float) -> str:
    """An accuracy (0-1) as a percentage, without trailing zeros (0.9975 -> 99.75%)."""
    s = f"{100 * float(v):.2f}".rstrip("0").rstrip(".")
    return f"{s}%"


class PlotLine(VMobject):
    """Data points joined by straight lines on ``axes``; ``xs``/``ys`` are the plotted coordinates
    (``values`` the numbers they stand for, when the axis is not linear, e.g. log scale)."""

    def __init__(self, axes: Axes, xs, ys, colour: str, width: float = 4, values=None) -> None:
        super().__init__()
        self.xs, self.ys = np.array(xs, dtype=np.float64), np.array(ys, dtype=np.float64)
        self.values = self.ys if values is None else np.array(values, dtype=np.float64)
        pts = [axes.c2p(x, y) for x, y in zip(self.xs, self.ys)]
        if len(pts) >= 2:
            self.set_points_as_corners(pts)
        self.set_stroke(colour, width=width)


def grown(axes: Axes, xs: np.ndarray, ys: np.ndarray, t: float, colour: str, width: float = 4) -> VGroup:
    """The part of a curve with x <= t (the last segment cut at t) and a dot at its head."""
    k = int(np.searchsorted(xs, t, side="right"))
    px, py = list(xs[:k]), list(ys[:k])
    if 0 < k < len(xs) and t > xs[k - 1]:
        a = (t - xs[k - 1]) / (xs[k] - xs[k - 1])
        px.append(t)
        py.append(ys[k - 1] + a * (ys[k] - ys[k - 1]))
    out = VGroup()
    if len(px) >= 2:
        out.add(PlotLine(axes, px, py, colour, width))
    if px:
        out.add(Dot(axes.c2p(px[-1], py[-1]), radius=0.06, color=colour))
    return out


class BarPairs(VGroup):
    """Two probabilities per class side by side: ``before`` (muted) and ``after`` (the predicted
    class in ``style.WINNER``, the others in ``style.TEXT``), bar height ``max_height * p``."""

    def __init__(self, before, after, names: Sequence[str], max_height: float = 3.3, spacing: float = 2.4) -> None:
        super().__init__()
        self.before = np.array(before, dtype=np.float64)
        self.after = np.array(after, dtype=np.float64)
        self.max_height = max_height
        n, w, off = len(names), 0.6, 0.42
        win = int(np.argmax(self.after))
        self.bars_before, self.bars_after = VGroup(), VGroup()
        self.numbers_before, self.numbers_after, self.names = VGroup(), VGroup(), VGroup()
        for k in range(n):
            x = (k - (n - 1) / 2) * spacing
            for vals, bars, nums, dx, fill in (
                (self.before, self.bars_before, self.numbers_before, -off, style.MUTED),
                (self.after, self.bars_after, self.numbers_after, off, style.WINNER if k == win else style.TEXT),
            ):
                bar = Rectangle(width=w, height=max(max_height * vals[k], 1e-4), stroke_width=0)
                bar.set_fill(fill, opacity=1).move_to([x + dx, 0, 0], aligned_edge=DOWN)
                bars.add(bar)
                nums.add(label(precise_prob(vals[k]), size=style.SMALL_SIZE - 2, colour=fill).next_to(bar, UP, 0.08))
            colour = style.WINNER if k == win else style.TEXT
            self.names.add(label(names[k], size=style.SMALL_SIZE + 2, colour=colour).move_to([x, -0.3, 0]))
        half = (n - 1) / 2 * spacing + spacing / 2
        self.baseline = Line([-half, 0, 0], [half, 0, 0], color=style.GRID_LINE, stroke_width=2)
        # Numbers of a pair must not touch: nudge them up alternately when they would.
        for a, b in zip(self.numbers_before, self.numbers_after):
            if a.get_right()[0] > b.get_left()[0] - 0.05 and abs(a.get_y() - b.get_y()) < a.height:
                a.shift(UP * (b.get_top()[1] + 0.05 - a.get_bottom()[1]))
        self.add(self.baseline, self.bars_before, self.bars_after, self.numbers_before, self.numbers_after, self.names)


class TrainingScene(ChapterScene):
    chapter_id = "training"
    subtitle = "Thousands of pictures, one small correction at a time"

    def construct(self) -> None:
        self.title_card()
        net = self.story.network
        self.history = engine.History.from_dict(net.meta["history"]) if net.meta.get("history") else None
        self.sweep = net.meta.get("lr_sweep") or []
        epochs = [s.epoch for s in net.snapshots]
        self.first_epoch = epochs[0] if epochs else None
        self.last_epoch = epochs[-1] if epochs else None
        if self.history is not None and self.history.records:
            self.curves_step()
        if self.first_epoch is not None:
            self.early = net.at_snapshot(self.first_epoch).trace(self.trace.image)
            self.guess_step()
            self.filters_step()
        if self.sweep:
            self.lr_step()
        if len(self.steps) == 1:  # a model without any training record
            self.step("no-record")
            self.say("This model came without its training record, so there is nothing to replay.", 4)
            self.settle()

    # -- step 1: loss and accuracy, epoch by epoch ----------------------------------------------------
    def _axes(self, centre, x_max: float, y_max: float, width: float, height: float) -> Axes:
        ax = Axes(
            x_range=[0, x_max, 1],
            y_range=[0, y_max, 1],
            x_length=width,
            y_length=height,
            tips=False,
            axis_config={"include_ticks": False, "color": style.MUTED, "stroke_width": 2},
        )
        return ax.move_to(centre)

    def _ticks(self, ax: Axes, xs: Sequence[float], ys: Sequence[float], ytext, xtext=style.fmt) -> VGroup:
        out = VGroup()
        for v in xs:
            p = ax.c2p(v, ax.y_range[0])
            out.add(Line(p + 0.06 * UP, p + 0.06 * DOWN, color=style.MUTED, stroke_width=2))
            out.add(label(xtext(v), size=style.SMALL_SIZE - 2, colour=style.MUTED).next_to(p, DOWN, buff=0.1))
        for v in ys:
            p = ax.c2p(ax.x_range[0], v)
            out.add(Line(p + 0.06 * LEFT, p + 0.06 * RIGHT, color=style.MUTED, stroke_width=2))
            out.add(label(ytext(v), size=style.SMALL_SIZE - 2, colour=style.MUTED).next_to(p, LEFT, buff=0.1))
        return out

    def curves_step(self) -> None:
        h = self.history
        ep = h.column("epoch").astype(np.float64)
        last = float(ep[-1])
        cols = {
            "loss": (h.column("train_loss"), h.column("val_loss")),
            "accuracy": (h.column("train_accuracy"), h.column("val_accuracy")),
        }
        top_loss = float(max(cols["loss"][0].max(), cols["loss"][1].max())) * 1.08
        self.loss_axes = self._axes(LEFT * 3.45 + DOWN * 0.5, last, top_loss, 5.4, 4.1)
        self.acc_axes = self._axes(RIGHT * 3.75 + DOWN * 0.5, last, 1.0, 5.4, 4.1)
        xt = np.arange(0, last + 1e-9, nice_step(last, 4))
        dl = nice_step(top_loss, 3)
        loss_ticks = self._ticks(self.loss_axes, xt, np.arange(0, top_loss + 1e-9, dl), lambda v: f"{v:g}")
        acc_ticks = self._ticks(self.acc_axes, xt, (0, 0.5, 1), percent)
        titles = VGroup(
            label("loss (lower is better)", size=style.SMALL_SIZE + 2).next_to(self.loss_axes, UP, buff=0.2),
            label("accuracy (share right)", size=style.SMALL_SIZE + 2).next_to(self.acc_axes, UP, buff=0.2),
        )
        xnames = VGroup(
            *[
                label("epoch", size=style.SMALL_SIZE - 2, colour=style.MUTED)
                .next_to(ax.c2p(last, 0), DOWN, buff=0.45)
                .align_to(ax.x_axis, RIGHT)
                for ax in (self.loss_axes, self.acc_axes)
            ]
        )
        cfg = h.config
        key = (
            VGroup(
                VGroup(
                    Line(ORIGIN_LEFT, ORIGIN_RIGHT, color=TRAIN_COLOUR, stroke_width=5),
                    label(f"training pictures ({cfg.get('n_train', '?')})", size=style.SMALL_SIZE, colour=TRAIN_COLOUR),
                ).arrange(RIGHT, buff=0.15),
                VGroup(
                    Line(ORIGIN_LEFT, ORIGIN_RIGHT, color=VAL_COLOUR, stroke_width=5),
                    label(
                        f"validation pictures ({cfg.get('n_val', '?')}): the exam",
                        size=style.SMALL_SIZE,
                        colour=VAL_COLOUR,
                    ),
                ).arrange(RIGHT, buff=0.15),
            )
            .arrange(RIGHT, buff=0.6)
            .move_to(UP * 2.85 + RIGHT * 0.3)
        )
        self.key = key
        tracker = ValueTracker(0.0)
        specs = [
            (self.loss_axes, "train_loss", TRAIN_COLOUR),
            (self.loss_axes, "val_loss", VAL_COLOUR),
            (self.acc_axes, "train_accuracy", TRAIN_COLOUR),
            (self.acc_axes, "val_accuracy", VAL_COLOUR),
        ]
        live = [
            always_redraw(lambda ax=ax, c=c, col=col: grown(ax, ep, h.column(c), tracker.get_value(), col))
            for ax, c, col in specs
        ]
        counter = always_redraw(
            lambda: label(f"epoch {int(round(tracker.get_value()))} of {int(last)}", size=style.LABEL_SIZE).move_to(
                UP * 3.45 + RIGHT * 5.5
            )
        )
        self.step("curves")
        n_classes = len(self.trace.class_names)
        self.say(
            "Training is like teaching a child with a picture book: show a labelled picture, let it guess, "
            "correct it a little. One pass through every picture is an epoch.",
            5,
        )
        self.play(
            FadeIn(self.loss_axes), FadeIn(self.acc_axes), FadeIn(loss_ticks), FadeIn(acc_ticks),
            FadeIn(titles), FadeIn(xnames), run_time=1,
        )  # fmt: skip
        self.play(FadeIn(key, shift=DOWN * 0.2), run_time=0.8)
        self.add(*live, counter)  # the first points: the untrained network at epoch 0
        self.settle()

        val_acc, loss = h.column("val_accuracy"), h.column("train_loss")
        start = f"Untrained, at epoch {int(ep[0])}, it gets {percent(val_acc[0])} of the exam right"
        start += ", no better than guessing. " if val_acc[0] <= 1.25 / n_classes else ". "
        drops = -np.diff(loss)
        if len(drops) > 1 and drops[0] == drops.max():
            start += "The loss falls fastest in the first epoch, then keeps creeping down, "
        else:
            start += "The loss comes down epoch by epoch, "
        self.say(start + f"while accuracy climbs to {percent(val_acc[-1])}.", 8)
        self.play(tracker.animate.set_value(last), run_time=6.5, rate_func=linear)
        self.remove(*live, counter)
        # The finished curves, one line per history column, with a dot at every epoch.
        self.curves: dict[str, PlotLine] = {}
        self.points: dict[str, VGroup] = {}
        for ax, c, col in specs:
            self.curves[c] = PlotLine(ax, ep, h.column(c), col)
            self.points[c] = VGroup(*[Dot(ax.c2p(x, y), radius=0.045, color=col) for x, y in zip(ep, h.column(c))])
        final = label(f"epoch {int(last)} of {int(last)}", size=style.LABEL_SIZE).move_to(UP * 3.45 + RIGHT * 5.5)
        self.add(*self.curves.values(), *self.points.values(), final)
        self.settle()

        self.step("exam")
        val_acc = h.column("val_accuracy")[-1]
        lines = [label(f"exam (validation): {percent(val_acc)} right", size=style.SMALL_SIZE + 2, colour=VAL_COLOUR)]
        held = self.story.network.meta.get("held_out_accuracy")
        text = (
            f"The validation pictures are the exam: the network never learns from them, it is only tested on them. "
            f"After {int(last)} epochs it gets {percent(val_acc)} of them right."
        )
        if held is not None:
            lines.append(label(f"fresh test pictures: {percent(held)} right", size=style.SMALL_SIZE + 2))
            text += f" On a fresh set of pictures made only for testing: {percent(held)}."
        self.exam_box = keep_on_screen(boxed(*lines).move_to(self.acc_axes.c2p(last * 0.55, 0.3)))
        self.exam_numbers = (val_acc, held)
        marker = SurroundingRectangle(self.points["val_accuracy"][-1], color=VAL_COLOUR, buff=0.08)
        self.say(text, 7)
        self.play(FadeIn(marker), FadeIn(self.exam_box, shift=UP * 0.2), run_time=1)
        self.settle()
        self.clear_content()

    # -- step 2: this image's guess, before and after -------------------------------------------------
    def _picture(self, height: float):
        if self.is_rgb:
            return PixelImage(self.trace.image, height=height)
        return PixelImage(self.trace.image[0], style.Diverging(1.0), height=height)

    def guess_step(self) -> None:
        names = self.trace.class_names
        n = len(names)
        before, after = self.early.probabilities, self.trace.probabilities
        self.step("guess")
        pic = self._picture(3.2).move_to(LEFT * 4.6 + UP * 0.1)
        cap = label(self.story.image_name, size=style.SMALL_SIZE, colour=style.MUTED).next_to(pic, DOWN, buff=0.15)
        self.bars = BarPairs(before, after, names, spacing=min(2.6, 7.4 / n)).move_to(RIGHT * 1.9 + DOWN * 0.5)
        self.bars.shift(UP * (-2.0 - self.bars.baseline.get_y()))
        base_y = self.bars.baseline.get_y()
        chance = DashedLine(
            [self.bars.baseline.get_left()[0], base_y + self.bars.max_height / n, 0],
            [self.bars.baseline.get_right()[0], base_y + self.bars.max_height / n, 0],
            color=style.GRID_LINE,
            stroke_width=2,
        )
        chance_label = label(f"chance: 1 in {n}", size=style.SMALL_SIZE - 2, colour=style.MUTED)
        chance_label.next_to(chance, RIGHT, buff=0.12)
        self.chance = chance
        key = VGroup(
            VGroup(Rectangle(width=0.3, height=0.2, stroke_width=0).set_fill(style.MUTED, 1),
                   label(f"epoch {self.first_epoch} (untrained)", size=style.SMALL_SIZE, colour=style.MUTED)
                   ).arrange(RIGHT, buff=0.12),
            VGroup(Rectangle(width=0.3, height=0.2, stroke_width=0).set_fill(style.WINNER, 1),
                   label(f"epoch {self.last_epoch} (trained)", size=style.SMALL_SIZE, colour=style.WINNER)
                   ).arrange(RIGHT, buff=0.12),
        ).arrange(RIGHT, buff=0.5).move_to(RIGHT * 1.9 + UP * 2.6)  # fmt: skip
        keep_on_screen(VGroup(chance, chance_label))
        top = self.early.prediction
        wrong = self.trace.label is not None and not self.story.label_assumed and top != self.trace.label
        self.say(
            f"Now our picture. Before any training the network's top bet is {names[top]}, with only "
            f"{precise_prob(before[top])}: a guess" + (", and a wrong one." if wrong else "."),
            6,
        )
        self.play(
            FadeIn(pic), FadeIn(cap), FadeIn(key), FadeIn(self.bars.baseline), FadeIn(self.bars.names), run_time=1
        )
        self.play(
            *[GrowFromEdge(b, DOWN) for b in self.bars.bars_before],
            FadeIn(self.bars.numbers_before),
            FadeIn(chance),
            FadeIn(chance_label),
            run_time=1.2,
        )
        self.settle()
        k = self.trace.prediction
        self.say(
            f"After {self.last_epoch} epochs the same picture gets {precise_prob(after[k])} for {names[k]}. "
            "Nothing was hand-written: every weight was nudged there by the corrections.",
            6,
        )
        self.play(*[GrowFromEdge(b, DOWN) for b in self.bars.bars_after], FadeIn(self.bars.numbers_after), run_time=1.5)
        self.settle()
        self.clear_content()

    # -- step 3: filters and one feature map, before and after --------------------------------------
    def _filter_group(self, weight: np.ndarray, cmap, numbers: bool) -> VGroup:
        """One column per filter; per column one small grid per input channel, stacked."""
        f, c = weight.shape[:2]
        cell = 0.46 if numbers else 0.2
        group = VGroup()
        for i in range(f):
            col = VGroup(
                *[ValueGrid(weight[i, ch], cmap, cell=cell, numbers=numbers, digits=2) for ch in range(c)]
            ).arrange(DOWN, buff=0.08)
            group.add(col)
        return group.arrange(RIGHT, buff=0.3 if numbers else 0.22)

    def filters_step(self) -> None:
        conv = self.trace.steps_of("Conv2D")[0]
        name = conv.name
        w_early = self.early.step(name).params["weight"]
        w_late = conv.params["weight"]
        map_early, map_late = self.early.step(name).output[0], conv.output[0]
        self.weights = (w_early, w_late)
        self.maps_values = (map_early, map_late)
        wmap = style.Diverging.for_values(w_early, w_late)
        mmap = style.Diverging.for_values(map_early, map_late)
        numbers = w_early[0].size <= 9 and w_early.shape[0] <= 3
        rows_y = (1.2, -1.55)
        self.filters, self.maps, row_labels = [], [], VGroup()
        for w, m, y, text in (
            (w_early, map_early, rows_y[0], f"epoch {self.first_epoch}\nrandom start"),
            (w_late, map_late, rows_y[1], f"epoch {self.last_epoch}\ntrained"),
        ):
            g = self._filter_group(w, wmap, numbers)
            g.scale_to_fit_height(min(g.height, 2.2)).move_to([-1.9, y, 0])
            self.filters.append(g)
            pm = PixelImage(m, mmap, height=2.2).move_to([3.3, y, 0])
            self.maps.append(pm)
            row_labels.add(label(text, size=style.SMALL_SIZE + 2).move_to([-5.6, y, 0]))
        heads = VGroup(
            label(f"{name} filters", size=style.SMALL_SIZE, colour=style.MUTED).next_to(self.filters[0], UP, 0.15),
            label("filter 1 on our picture: map 1", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
                self.maps[0], UP, 0.15
            ),
        )
        if self.is_rgb:  # channel names left of the first filter column
            for ch, n in enumerate(style.CHANNEL_COLOURS):
                for g in self.filters:
                    heads.add(
                        label(n, size=style.SMALL_SIZE - 2, colour=style.CHANNEL_COLOURS[n]).next_to(
                            g[0][ch], LEFT, 0.08
                        )
                    )
        arrows = VGroup(
            *[Arrow(g.get_right(), m.get_left(), buff=0.2, color=style.MUTED, stroke_width=3) for g, m in zip(
                self.filters, self.maps)]
        )  # fmt: skip
        focus = [SurroundingRectangle(g[0], color=style.HIGHLIGHT, buff=0.06) for g in self.filters]
        keys = VGroup(
            VGroup(label("weights", size=style.SMALL_SIZE - 2, colour=style.MUTED),
                   legend(wmap, -wmap.vmax, wmap.vmax, width=1.8)).arrange(RIGHT, buff=0.15),
            VGroup(label("map", size=style.SMALL_SIZE - 2, colour=style.MUTED),
                   legend(mmap, -mmap.vmax, mmap.vmax, width=1.8)).arrange(RIGHT, buff=0.15),
        ).arrange(RIGHT, buff=0.8).move_to(DOWN * 3.3 + LEFT * 0.6)  # fmt: skip
        self.step("filters")
        self.say(
            f"The filters learn too. At epoch {self.first_epoch} they hold random numbers, so filter 1's map of "
            "our picture is a random response.",
            6,
        )
        self.play(FadeIn(row_labels[0]), FadeIn(self.filters[0]), FadeIn(heads), FadeIn(keys), run_time=1)
        self.play(FadeIn(focus[0]), FadeIn(arrows[0]), FadeIn(self.maps[0]), run_time=1)
        self.settle()
        self.say(
            f"By epoch {self.last_epoch} every weight has been nudged, some a lot, and the same picture gives a "
            "new map: the clues this filter learned to look for, because they helped the verdict.",
            7,
        )
        self.play(FadeIn(row_labels[1]), TransformFromCopy(self.filters[0], self.filters[1]), run_time=1.5)
        self.play(FadeIn(focus[1]), FadeIn(arrows[1]), FadeIn(self.maps[1]), run_time=1)
        self.settle()
        self.clear_content()

    # -- step 4: the learning rate ---------------------------------------------------------------------
    def lr_step(self) -> None:
        runs = self.sweep
        curves = []
        for run in runs:
            losses = np.array(run["losses"], dtype=np.float64)
            steps = run["every"] * np.arange(1, len(losses) + 1, dtype=np.float64)
            curves.append((steps, losses))
        all_losses = np.concatenate([c[1] for c in curves])
        # The y coordinate is log10(loss) - lo, so that the x axis runs along the bottom.
        lo, hi = float(np.log10(all_losses.min())) - 0.1, float(np.log10(all_losses.max())) + 0.15
        self.lr_log_floor = lo
        x_max = float(max(c[0][-1] for c in curves))
        ax = Axes(
            x_range=[0, x_max, 1],
            y_range=[0, hi - lo, 1],
            x_length=7.4,
            y_length=4.6,
            tips=False,
            axis_config={"include_ticks": False, "color": style.MUTED, "stroke_width": 2},
        ).move_to(LEFT * 2.55 + DOWN * 0.3)
        self.lr_axes = ax
        decades = [float(d) - lo for d in range(int(np.ceil(lo)), int(np.floor(hi)) + 1)]
        ticks = self._ticks(
            ax, np.arange(0, x_max + 1e-9, nice_step(x_max, 3)), decades, lambda d: f"{10 ** (d + lo):g}"
        )
        ylab = label("loss (log scale)", size=style.SMALL_SIZE, colour=style.MUTED).next_to(ax, UP, buff=0.15)
        ylab.align_to(ax, LEFT)
        batch = runs[0].get("batch_size")
        xlab = label(
            f"training steps (batches of {batch})" if batch else "training steps", size=style.SMALL_SIZE - 2,
            colour=style.MUTED,
        ).next_to(ax.x_axis, DOWN, buff=0.45).align_to(ax.x_axis, RIGHT)  # fmt: skip
        # The loss of a blind guess (equal odds for every class) is ln(number of classes).
        guess = float(np.log(len(self.trace.class_names)))
        self.guess_line = VGroup()  # empty unless the guess level lies inside the plot
        if 0 < np.log10(guess) - lo < hi - lo:
            y = np.log10(guess) - lo
            self.guess_line.add(DashedLine(ax.c2p(0, y), ax.c2p(x_max, y), color=style.MUTED, stroke_width=2))
        rows = VGroup()
        for k, run in enumerate(runs):
            word = LR_WORDS[k] if len(runs) == 3 else f"run {k + 1}"
            note = {0: "slow", 1: "steady", 2: "unstable"}.get(k, "") if len(runs) == 3 else ""
            if k == 2 and note and max(run["losses"]) > run["losses"][0]:
                note = "overshoots"
            if run.get("diverged"):
                note = "blew up"
            col = LR_COLOURS[k % len(LR_COLOURS)]
            rows.add(
                VGroup(
                    Line(ORIGIN_LEFT, ORIGIN_RIGHT, color=col, stroke_width=6),
                    VGroup(
                        label(f"lr = {run['lr']:g}", size=style.SMALL_SIZE + 2, colour=col),
                        label(f"{word}: {note}" if note else word, size=style.SMALL_SIZE, colour=style.TEXT),
                    ).arrange(DOWN, aligned_edge=LEFT, buff=0.08),
                ).arrange(RIGHT, buff=0.2)
            )
        if len(self.guess_line.submobjects):
            rows.add(
                VGroup(
                    DashedLine(ORIGIN_LEFT, ORIGIN_RIGHT, color=style.MUTED, stroke_width=2, dash_length=0.08),
                    label("blind guess", size=style.SMALL_SIZE, colour=style.MUTED),
                ).arrange(RIGHT, buff=0.2)
            )
        rows.arrange(DOWN, aligned_edge=LEFT, buff=0.35)
        self.lr_key = keep_on_screen(boxed(rows, buff=0.2).next_to(ax, RIGHT, buff=0.5))
        self.step("learning-rate")
        self.say(
            f"How big is each correction? That is the learning rate. Here are {len(runs)} real short runs from "
            "the same random start, each with its own rate.",
            6,
        )
        self.play(
            FadeIn(ax), FadeIn(ticks), FadeIn(ylab), FadeIn(xlab), FadeIn(self.lr_key), FadeIn(self.guess_line),
            run_time=1.2,
        )  # fmt: skip
        self.settle()
        tracker = ValueTracker(0.0)
        live = [
            always_redraw(
                lambda s=s, v=v, col=LR_COLOURS[k % 3]: grown(ax, s, np.log10(v) - lo, tracker.get_value(), col, 3.5)
            )
            for k, (s, v) in enumerate(curves)
        ]
        big = curves[2][1] if len(curves) == 3 else None
        stuck = big is not None and abs(big[-1] - guess) < 0.2 * guess
        text = "Too small and the loss only creeps down. The good rate brings it down steadily."
        if big is not None and runs[2].get("diverged"):
            text += " Too large and the numbers blow up."
        elif big is not None and big.max() > big[0]:
            text += " Too large and it overshoots: the loss jumps up and never settles low"
            text += ", stuck near a blind guess." if stuck else "."
        elif big is not None:
            text += " Too large and it bounces around instead of settling."
        self.say(text, 8)
        self.add(*live)
        self.play(tracker.animate.set_value(x_max), run_time=6, rate_func=linear)
        self.remove(*live)
        self.lr_curves = [
            PlotLine(ax, s, np.log10(v) - lo, LR_COLOURS[k % 3], 3.5, values=v) for k, (s, v) in enumerate(curves)
        ]
        self.add(*self.lr_curves)
        self.settle()


ORIGIN_LEFT = np.array([-0.25, 0.0, 0.0])
ORIGIN_RIGHT = np.array([0.25, 0.0, 0.0])
