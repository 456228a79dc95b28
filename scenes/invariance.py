"""Moving the suspect: the picture shifted (and, for photos, scaled) by a few pixels goes through the
same network. The feature maps move with the object, the pooled grid is coarser, and the verdict
stays; then a scan of ever larger moves finds where it finally gives way."""

from __future__ import annotations

from dataclasses import dataclass

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
    Group,
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

from engine import Trace
from engine.experiments import background, scale, shift
from engine.invariance import shift_scan, small_shifts
from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import PixelImage, boxed, keep_on_screen, label
from scenes.prob_parts import precise_prob

SCALES = (0.85, 1.15)  # photos only: a little smaller and a little bigger
COLUMN_X0, COLUMN_DX = -3.5, 3.0  # x of the first version column and the spacing
ROW_Y = {"head": 2.75, "image": 1.7, "conv": 0.05, "pool": -1.5, "table": -2.45}
TABLE_DY = 0.38
ROW_LABEL_X = -5.85
TABLE_SIZE = style.SMALL_SIZE


def moved(dy: int, dx: int) -> str:
    """A shift in words: (0, -2) -> "2 px left", (-2, 2) -> "2 up, 2 right"."""
    parts = []
    if dy:
        parts.append(f"{abs(dy)} {'down' if dy > 0 else 'up'}")
    if dx:
        parts.append(f"{abs(dx)} {'right' if dx > 0 else 'left'}")
    if not parts:
        return "as it is"
    if len(parts) == 1:
        n, way = parts[0].split()
        return f"{n} px {way}"
    return ", ".join(parts)


@dataclass(frozen=True)
class Version:
    """One version of the picture: how it was made, the image and the network's trace of it."""

    name: str
    move: tuple[int, int] | None  # (dy, dx) for a shift
    factor: float | None  # for a zoom
    image: np.ndarray
    trace: Trace


class InvarianceScene(ChapterScene):
    chapter_id = "invariance"
    subtitle = "Same suspect, a step to the side"

    def construct(self) -> None:
        self.title_card()
        img = self.trace.image
        self.fill = background(img)
        net = self.story.network
        self.thing = "face" if self.is_rgb else "drawing"
        self.conv_name = self.trace.steps_of("Conv2D")[0].name
        self.pool_name = self.trace.steps_of("MaxPool2D")[-1].name
        self.shifts = small_shifts(img, self.fill)
        original = Version("original", (0, 0), None, img, self.trace)
        self.shifted = [original] + [
            Version(moved(dy, dx), (dy, dx), None, s, net.trace(s))
            for dy, dx in self.shifts
            for s in [shift(img, dy, dx, self.fill)]
        ]
        self.scaled = []
        if self.is_rgb:
            self.scaled = [original] + [
                Version(f"{'smaller' if f < 1 else 'bigger'} ×{f:g}", None, f, s, net.trace(s))
                for f in SCALES
                for s in [scale(img, f, self.fill)]
            ]
        # One colour scale per kind of grid, over every version shown.
        everything = self.shifted + self.scaled
        self.conv_cmap = style.Diverging.for_values(*[v.trace.step(self.conv_name).output[0] for v in everything])
        self.pool_cmap = style.Diverging.for_values(*[v.trace.step(self.pool_name).output[0] for v in everything])
        self.scan = shift_scan(net, img, fill=self.fill)
        self.versions_step()
        if self.scaled:
            self.scale_step()
        self.limits_step()

    # -- the table of versions ------------------------------------------------------------------
    def _picture(self, image: np.ndarray, height: float):
        if self.is_rgb:
            return PixelImage(image, height=height)
        return PixelImage(image[0], style.Diverging(1.0), height=height)

    def _column(self, k: int, v: Version) -> dict:
        """Every mobject of one version's column, positioned."""
        x = COLUMN_X0 + COLUMN_DX * k
        conv = v.trace.step(self.conv_name).output[0]
        pool = v.trace.step(self.pool_name).output[0]
        pic = self._picture(v.image, 1.3).move_to([x, ROW_Y["image"], 0])
        border = SurroundingRectangle(pic, buff=0, color=style.GRID_LINE, stroke_width=2)
        cmap = PixelImage(conv, self.conv_cmap, height=1.3).move_to([x, ROW_Y["conv"], 0])
        pmap = PixelImage(pool, self.pool_cmap, height=1.1).move_to([x, ROW_Y["pool"], 0])
        cr, cc = np.unravel_index(int(np.argmax(conv)), conv.shape)
        pr, pc = np.unravel_index(int(np.argmax(pool)), pool.shape)
        head = label(v.name, size=style.SMALL_SIZE + 2, colour=style.HIGHLIGHT if k else style.TEXT)
        head.move_to([x, ROW_Y["head"], 0])
        numbers = VGroup()
        for c, p in enumerate(v.trace.probabilities):
            colour = style.WINNER if c == v.trace.prediction else style.TEXT
            numbers.add(
                label(precise_prob(p), size=TABLE_SIZE, colour=colour).move_to([x, ROW_Y["table"] - TABLE_DY * c, 0])
            )
        return {
            "head": head,
            "image": Group(border, pic),
            "picture": pic,
            "conv": cmap,
            "conv_box": cmap.window(int(cr), int(cc), 1, 1, width=3),
            "conv_peak": (int(cr), int(cc)),
            "pool": pmap,
            "pool_box": pmap.window(int(pr), int(pc), 1, 1, width=3),
            "pool_peak": (int(pr), int(pc)),
            "numbers": numbers,
        }

    def _row_labels(self) -> VGroup:
        names = self.trace.class_names
        out = VGroup(
            label("input", size=style.SMALL_SIZE).move_to([ROW_LABEL_X, ROW_Y["image"], 0]),
            label(f"{self.conv_name}\nmap 1", size=style.SMALL_SIZE).move_to([ROW_LABEL_X, ROW_Y["conv"], 0]),
            label(f"{self.pool_name}\nmap 1", size=style.SMALL_SIZE).move_to([ROW_LABEL_X, ROW_Y["pool"], 0]),
        )
        for c, n in enumerate(names):
            out.add(
                label(f"p({n})", size=TABLE_SIZE, colour=style.MUTED).move_to(
                    [ROW_LABEL_X, ROW_Y["table"] - TABLE_DY * c, 0]
                )
            )
        return out

    def _verdict(self, versions: list[Version]) -> str:
        ref = self.trace.prediction
        name = self.trace.class_names[ref]
        kept = [v for v in versions if v.trace.prediction == ref]
        if len(kept) == len(versions):
            return f"{name} wins in every column."
        lost = [v for v in versions if v.trace.prediction != ref]
        return f"{name} wins in {len(kept)} of {len(versions)} columns; {lost[0].name} flips it to " + (
            f"{lost[0].trace.predicted_class}."
        )

    def versions_step(self) -> None:
        versions = self.shifted
        self.columns = [self._column(k, v) for k, v in enumerate(versions)]
        cols = self.columns
        self.row_labels = self._row_labels()
        c0, p0 = cols[0]["conv_peak"], cols[0]["pool_peak"]
        exact = all(c["conv_peak"] == (c0[0] + v.move[0], c0[1] + v.move[1]) for c, v in zip(cols, versions))
        near = all(max(abs(c["pool_peak"][0] - p0[0]), abs(c["pool_peak"][1] - p0[1])) <= 1 for c in cols)
        self.step("shift")
        amounts = sorted({max(abs(dy), abs(dx)) for dy, dx in self.shifts})
        self.say(
            f"A good detective knows a suspect who steps aside. Here is our picture, then the same {self.thing} "
            f"moved by {' or '.join(str(a) for a in amounts)} pixels.",
            5,
        )
        self.play(FadeIn(self.row_labels[0]), FadeIn(cols[0]["head"]), FadeIn(cols[0]["image"]), run_time=0.8)
        self.play(
            *[TransformFromCopy(cols[0]["image"], c["image"]) for c in cols[1:]],
            *[FadeIn(c["head"]) for c in cols[1:]],
            run_time=1.5,
        )
        self.settle()
        self.say(
            "Each filter slides over the whole picture, so its map moves right along with the "
            f"{self.thing}. The box marks the strongest clue: "
            + ("it moves by exactly the same pixels." if exact else "it moves too, though not always in step."),
            6,
        )
        self.play(FadeIn(self.row_labels[1]), *[FadeIn(c["conv"]) for c in cols], run_time=1)
        self.play(*[FadeIn(c["conv_box"]) for c in cols], run_time=0.8)
        self.settle()
        self.say(
            "Pooling keeps only the best clue of each block, so the pooled grid is coarser: "
            + (
                "the strongest pooled clue stays in the same or a neighbouring cell."
                if near
                else "small moves shift its clues by fewer cells."
            ),
            5.5,
        )
        self.play(FadeIn(self.row_labels[2]), *[FadeIn(c["pool"]) for c in cols], run_time=1)
        self.play(*[FadeIn(c["pool_box"]) for c in cols], run_time=0.8)
        self.settle()
        self.say("And the verdict, every class for every version: " + self._verdict(versions), 5.5)
        self.play(
            FadeIn(VGroup(*self.row_labels[3:])), *[FadeIn(c["numbers"], lag_ratio=0.2) for c in cols], run_time=1.2
        )
        self.settle()
        self.clear_content()

    def scale_step(self) -> None:
        versions = self.scaled
        self.scale_columns = [self._column(k, v) for k, v in enumerate(versions)]
        cols = self.scale_columns
        self.step("scale")
        labels = self._row_labels()
        self.say(
            f"Closer or further away? The {self.thing} zoomed to {SCALES[0]:g} and {SCALES[1]:g} times its size. "
            + self._verdict(versions),
            7,
        )
        self.play(FadeIn(labels[0]), *[FadeIn(c["head"]) for c in cols], FadeIn(cols[0]["image"]), run_time=0.8)
        self.play(*[TransformFromCopy(cols[0]["image"], c["image"]) for c in cols[1:]], run_time=1.2)
        self.play(
            FadeIn(VGroup(*labels[1:])),
            *[FadeIn(Group(c["conv"], c["conv_box"], c["pool"], c["pool_box"], c["numbers"])) for c in cols],
            run_time=1.2,
        )
        self.settle()
        self.clear_content()

    # -- where it gives way ---------------------------------------------------------------------
    def _bars(self, probs: np.ndarray, origin: np.ndarray, height: float, spacing: float = 1.6) -> VGroup:
        names = self.trace.class_names
        n = len(names)
        win = int(np.argmax(probs))
        out = VGroup()
        bars, numbers, tags = VGroup(), VGroup(), VGroup()
        for c, p in enumerate(probs):
            x = origin[0] + (c - (n - 1) / 2) * spacing
            colour = style.WINNER if c == win else style.MUTED
            bar = Rectangle(width=0.7, height=max(height * float(p), 1e-4), stroke_width=0).set_fill(colour, 1)
            bar.move_to([x, origin[1], 0], aligned_edge=DOWN)
            bars.add(bar)
            numbers.add(label(precise_prob(p), size=style.SMALL_SIZE, colour=colour).next_to(bar, UP, buff=0.08))
            tags.add(label(names[c], size=style.SMALL_SIZE + 2, colour=colour).move_to([x, origin[1] - 0.3, 0]))
        half = n / 2 * spacing
        base = Line([origin[0] - half, origin[1], 0], [origin[0] + half, origin[1], 0], color=style.GRID_LINE)
        out.add(base, bars, numbers, tags)
        out.bars, out.numbers, out.values, out.max_height = bars, numbers, np.array(probs), height
        return out

    def _chart(self, last: int) -> Axes:
        ax = Axes(
            x_range=[0, max(last, 1), 1],
            y_range=[0, 1, 0.5],
            x_length=7.0,
            y_length=1.25,
            tips=False,
            axis_config={"include_ticks": False, "color": style.MUTED, "stroke_width": 2},
        )
        return ax.move_to([-1.2, -2.75, 0])

    def _chart_ticks(self, ax: Axes, xs, threshold: float) -> VGroup:
        out = VGroup()
        for v in xs:
            p = ax.c2p(v, 0)
            out.add(Line(p + 0.06 * UP, p + 0.06 * DOWN, color=style.MUTED, stroke_width=2))
            out.add(label(str(int(v)), size=style.SMALL_SIZE - 2, colour=style.MUTED).next_to(p, DOWN, buff=0.08))
        for v in sorted({0.0, 1.0, threshold}):
            p = ax.c2p(0, v)
            out.add(label(f"{v:g}", size=style.SMALL_SIZE - 2, colour=style.MUTED).next_to(p, LEFT, buff=0.1))
        if threshold > 0:
            out.add(DashedLine(ax.c2p(0, threshold), ax.c2p(ax.x_range[1], threshold), color=style.GRID_LINE))
        return out

    def _chart_points(self, ax: Axes, values: np.ndarray, upto: int) -> VGroup:
        pts = [ax.c2p(k, float(values[k])) for k in range(upto + 1)]
        out = VGroup()
        if len(pts) >= 2:
            out.add(VMobject().set_points_as_corners(pts).set_stroke(style.WINNER, width=3))
        out.add(*[Dot(p, radius=0.055, color=style.WINNER) for p in pts])
        return out

    def limits_step(self) -> None:
        scan = self.scan
        shown = scan.shown
        ref = scan.reference
        names = self.trace.class_names
        dy, dx = scan.direction
        side = {(0, 1): "right", (0, -1): "left", (1, 0): "down", (-1, 0): "up"}.get((dy, dx), "over")
        centre = np.array([-4.4, 0.75, 0])
        frames = {}
        for k in range(shown + 1):
            frames[k] = self._picture(shift(self.trace.image, *scan.offset(k), self.fill), 2.9).move_to(centre)
        border = SurroundingRectangle(frames[0], buff=0, color=style.MUTED, stroke_width=2)
        bar_origin = np.array([2.9, -1.05, 0])
        bar_height = 2.5
        base_probs = scan.probabilities
        threshold = scan.threshold
        half = len(names) / 2 * 1.6
        guide = VGroup()
        if threshold > 0:
            y = bar_origin[1] + bar_height * threshold
            guide.add(
                DashedLine([bar_origin[0] - half, y, 0], [bar_origin[0] + half, y, 0], color=style.GRID_LINE),
                label(f"{threshold:g}", size=style.SMALL_SIZE - 2, colour=style.MUTED).move_to(
                    [bar_origin[0] + half + 0.3, y, 0]
                ),
            )
        self.chart = self._chart(int(scan.steps[-1]))
        last = int(scan.steps[-1])
        every = 1 if last <= 16 else 2
        chart_ticks = self._chart_ticks(self.chart, range(0, last + 1, every), threshold)
        chart_title = label(f"p({names[ref]}) after each move", size=style.SMALL_SIZE, colour=style.WINNER).next_to(
            self.chart, RIGHT, buff=0.3
        )
        chart_title.align_to(self.chart, UP)
        chart_x = label("pixels moved", size=style.SMALL_SIZE - 2, colour=style.MUTED).next_to(
            self.chart.x_axis, DOWN, buff=0.38
        )
        chart_x.align_to(self.chart.x_axis, RIGHT)
        ref_values = base_probs[:, ref]
        tracker = ValueTracker(0)

        def now() -> int:
            return int(np.clip(round(tracker.get_value()), 0, shown))

        picture = Group(frames[0])

        def swap(m) -> None:  # one precomputed image per pixel moved
            m.submobjects = [frames[now()]]

        picture.add_updater(swap)
        bars = always_redraw(lambda: self._bars(base_probs[now()], bar_origin, bar_height))
        readout = always_redraw(
            lambda: label(f"moved {now()} px {side}", size=style.LABEL_SIZE, colour=style.HIGHLIGHT).next_to(
                border, DOWN, buff=0.2
            )
        )
        trail = always_redraw(lambda: self._chart_points(self.chart, ref_values, now()))
        self.step("limits")
        self.say(
            f"So how far can the suspect go? Move the picture one pixel at a time to the {side} "
            "and watch the network's probabilities.",
            5.5,
        )
        self.play(
            FadeIn(border), FadeIn(picture), FadeIn(bars), FadeIn(readout), FadeIn(guide),
            FadeIn(self.chart), FadeIn(chart_ticks), FadeIn(chart_title), FadeIn(chart_x), FadeIn(trail),
            run_time=1,
        )  # fmt: skip
        self.play(tracker.animate.set_value(shown), run_time=min(4.5, 0.5 * max(shown, 1)), rate_func=linear)
        picture.clear_updaters()
        self.remove(picture, bars, readout, trail)
        # The case presented, built once from the scan (what the tests read).
        self.fail_shift = scan.offset(shown)
        self.fail_picture = frames[shown]
        self.fail_bars = self._bars(base_probs[shown], bar_origin, bar_height)
        self.fail_readout = label(f"moved {shown} px {side}", size=style.LABEL_SIZE, colour=style.HIGHLIGHT)
        self.fail_readout.next_to(border, DOWN, buff=0.2)
        self.trail = self._chart_points(self.chart, ref_values, shown)
        self.fail_ring = SurroundingRectangle(self.trail[-1], color=style.HIGHLIGHT, buff=0.06)
        self.add(self.fail_picture, self.fail_bars, self.fail_readout, self.trail)
        self.settle()

        p = base_probs[shown]
        now_pred = int(np.argmax(p))
        if scan.failure is None:
            text = (
                f"Even {shown} pixels over, it still says {names[ref]} with {precise_prob(p[ref])}: "
                "the verdict held across the whole scan."
            )
            note = f"held for every move up to {shown} px"
        elif now_pred != ref:
            text = f"At {shown} pixels the verdict gives way: {names[now_pred]} now gets {precise_prob(p[now_pred])}."
            note = f"first failure: {shown} px → {names[now_pred]}"
        else:
            text = (
                f"At {shown} pixels {names[ref]} is still on top, but with only {precise_prob(p[ref])}: "
                f"less than {threshold:g}, no longer a confident verdict."
            )
            note = f"first failure: {shown} px, p({names[ref]}) < {threshold:g}"
        if scan.failure is not None:
            if scan.cut_off:
                text += f" By then the edge of the {self.thing} has slid out of the picture."
            else:
                text += f" Yet the whole {self.thing} is still in view."
        text += " Small moves are harmless; big ones are not."
        self.fail_note = keep_on_screen(
            boxed(label(note, size=style.SMALL_SIZE + 2, colour=style.HIGHLIGHT)).move_to([bar_origin[0], 2.75, 0])
        )
        self.say(text, 8)
        self.play(FadeIn(self.fail_note, shift=DOWN * 0.2), FadeIn(self.fail_ring), run_time=0.8)
        self.settle()
