"""Deeper layers: the second convolution block builds clues out of the first block's clues.

Four parts, all from the trace (and ``engine.experiments`` for the receptive field and the
dataset's strongest patches): the thicker filter and one cell's 36 products, the deep maps, one
deep cell's receptive field traced back to the photo, and the portraits that excite deep maps most.
"""

from __future__ import annotations

import functools

import numpy as np
from manim import (
    DOWN,
    RIGHT,
    UP,
    Arrow,
    Circle,
    Create,
    FadeIn,
    Group,
    GrowFromCenter,
    Line,
    Rectangle,
    ReplacementTransform,
    Text,
    Transform,
    VGroup,
    config,
)

import engine
from engine.experiments import receptive_chain, receptive_field, top_patches
from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import PixelImage, QuickFade, ValueGrid, cached_label, keep_on_screen, label, legend
from scenes.plans.terms import channel_sums, conv_terms

CELL = 0.52  # side of a number cell in the filter / product grids (fits "-0.75" at 13 pt)
NUMBER_FONT = 13
DATASET_SIZE = 300  # portraits searched for the strongest patches (a presentation choice)
DATASET_SEED = 2024
N_CHANNELS = 3  # deep maps whose strongest patches are shown
N_PATCHES = 4
PANEL = 2.1  # side of every map in the receptive-field walk (the same size, so the box visibly grows)
DECK_STEP = 0.09  # offset between the maps of a stack
FIELD_Y = 0.1  # height of the maps' centres in the receptive-field walk


def outline(mob, colour: str = style.HIGHLIGHT, width: float = 3) -> Rectangle:
    """A rectangle on ``mob``'s bounding box: cheap to move around in its place."""
    return Rectangle(width=mob.width, height=mob.height, stroke_color=colour, stroke_width=width).move_to(mob)


@functools.lru_cache(maxsize=2)
def dataset(example: str) -> np.ndarray:
    """The portraits searched for the strongest patches (the same every time: a fixed seed)."""
    images, _ = engine.get_example(example).generate(DATASET_SIZE, DATASET_SEED)
    images.setflags(write=False)
    return images


def pick_cell(network, pool) -> tuple[int, int, int]:
    """(map, row, col) of the strongest cell of the deep pooled maps among those whose receptive
    field lies wholly inside the image (so every box of the walk is its full size)."""
    maps = pool.output
    n, h, w = maps.shape
    areas = {}
    for r in range(h):
        for c in range(w):
            t, left, b, rt = receptive_field(network, pool.name, r, c)
            areas[(r, c)] = (b - t + 1) * (rt - left + 1)
    full = max(areas.values())
    best, best_v = None, None
    for f in range(n):
        for (r, c), a in areas.items():
            if a == full and (best_v is None or maps[f, r, c] > best_v):
                best, best_v = (f, r, c), maps[f, r, c]
    return best


def pick_channels(pool, first: int, n: int) -> list[int]:
    """``first``, then the other maps whose strongest cell in this image is largest."""
    peaks = pool.output.reshape(pool.output.shape[0], -1).max(axis=1)
    order = [int(i) for i in np.argsort(-peaks, kind="stable") if int(i) != first]
    return [first, *order[: n - 1]]


def grid_at(values, cmap, centre, cell: float = CELL, numbers: bool = True) -> ValueGrid:
    return ValueGrid(values, cmap, cell=cell, numbers=numbers, font_size=NUMBER_FONT).move_to(centre)


def box_on(view, box, colour: str = style.HIGHLIGHT, width: float = 4) -> Rectangle:
    """The frame around the inclusive (top, left, bottom, right) block of cells of ``view``."""
    t, left, b, r = box
    return view.window(t, left, b - t + 1, r - left + 1, colour=colour, width=width)


def small(s: str, colour: str = style.MUTED, size: float = style.SMALL_SIZE) -> Text:
    return cached_label(s, size, colour)


class DeeperLayersScene(ChapterScene):
    chapter_id = "deeper-layers"
    subtitle = "Clues built from clues"

    def construct(self) -> None:
        self.title_card()
        self.prepare()
        self.show_glass()
        self.show_sum()
        self.show_maps()
        self.show_field()
        self.show_patches()

    # -- data ------------------------------------------------------------------------------------
    def prepare(self) -> None:
        t = self.trace
        steps = list(t.steps)
        convs = t.steps_of("Conv2D")
        self.conv = convs[-1]  # the deep convolution
        i = steps.index(self.conv)
        self.below = steps[i - 1]  # the maps it looks at (pool1)
        self.relu, self.pool = steps[i + 1], steps[i + 2]
        self.conv1 = convs[0]
        self.relu1 = steps[steps.index(self.conv1) + 1]
        self.network = self.story.network
        self.f, self.r, self.c = pick_cell(self.network, self.pool)
        self.cell = tuple(int(v) for v in self.pool.winners[self.f, self.r, self.c])  # the conv cell that won
        self.terms = conv_terms(t, self.conv.name, self.f, *self.cell)
        self.sums = channel_sums(self.terms)
        self.chain = receptive_chain(self.network, self.pool.name, self.r, self.c)
        self.n_in = self.conv.input.shape[0]
        self.k = int(self.conv.config["kernel_size"])
        self.low_cmap = style.Diverging.for_values(self.relu1.output, self.below.output)
        self.w_cmap = style.Diverging.for_values(self.terms.weights, self.terms.products)
        self.deep_cmap = style.Diverging.for_values(self.conv.output, self.relu.output, self.pool.output)

    # -- timing ----------------------------------------------------------------------------------
    def cue(self, text: str, seconds: float) -> float:
        """Caption ``text`` for ``seconds``; returns when it ends (for ``until``)."""
        self.caption(text, seconds)
        return self.time + seconds

    def until(self, end: float) -> None:
        while self.time < end - 1e-6:
            self.wait(max(end - self.time, 1 / config.frame_rate))

    def quad(self, centre: np.ndarray, k: int, pitch_x: float, pitch_y: float) -> np.ndarray:
        """Position ``k`` of a 2-column arrangement of the input maps around ``centre``."""
        cols = 2
        rows = -(-self.n_in // cols)
        row, col = divmod(k, cols)
        return np.asarray(centre) + np.array([(col - (cols - 1) / 2) * pitch_x, ((rows - 1) / 2 - row) * pitch_y, 0])

    # -- 1. a thicker glass ------------------------------------------------------------------------
    def show_glass(self) -> None:
        self.step("glass")
        n, k, f = self.n_in, self.k, self.f
        _, h, w = self.below.output.shape
        side = k * CELL
        px, py = side + 0.3, side + 0.5
        self.left_c, self.mid_c, self.right_c = (
            np.array([-4.45, 0.35, 0]),
            np.array([0, 0.35, 0]),
            np.array([4.45, 0.35, 0]),
        )
        maps, map_labels = [], VGroup()
        for ch in range(n):
            m = PixelImage(self.below.output[ch], self.low_cmap, height=side).move_to(
                self.quad(self.left_c, ch, px, py)
            )
            maps.append(m)
            map_labels.add(small(f"map {ch + 1}").next_to(m, UP, buff=0.08))
        self.low_maps = maps
        low_title = small(f"{self.below.name}: {n} maps · {h}×{w}", style.TEXT).next_to(map_labels, UP, buff=0.2)
        weights = self.conv.params["weight"][f]
        slices, slice_labels = [], VGroup()
        for ch in range(n):
            g = grid_at(weights[ch], self.w_cmap, self.quad(self.mid_c, ch, px, py))
            slices.append(g)
            slice_labels.add(small(f"glass {ch + 1}").next_to(g, UP, buff=0.08))
        self.slices = slices
        w_title = small(f"{self.conv.name} filter {f + 1}: {n} × {k}×{k} weights", style.TEXT)
        w_title.next_to(slice_labels, UP, buff=0.2)
        n_out, ho, wo = self.conv.output.shape
        fmap = PixelImage(self.conv.output[f], self.deep_cmap, height=2.6).move_to(self.right_c + RIGHT * 0.9)
        fmap_title = small(f"{self.conv.name} map {f + 1} · {ho}×{wo}", style.TEXT).next_to(fmap, UP, buff=0.15)
        self.fmap = fmap
        low_key = legend(self.low_cmap, -self.low_cmap.vmax, self.low_cmap.vmax, width=2.2)
        low_key.next_to(Group(*maps), DOWN, buff=0.3)
        w_key = legend(self.w_cmap, -self.w_cmap.vmax, self.w_cmap.vmax, width=2.2).next_to(VGroup(*slices), DOWN, 0.3)
        self.glass_titles = VGroup(low_title, w_title, fmap_title)

        end = self.cue(
            f"Layer two never sees the photo. It looks at the {n} clue maps layer one left behind, {h} by {w} each.", 5
        )
        self.play(QuickFade(Group(*maps)), QuickFade(map_labels), QuickFade(low_title), run_time=1.2)
        self.play(QuickFade(low_key), run_time=0.5)
        self.until(end)

        # The filter as a deck of glass layers inside a lens, then fanned out next to the maps.
        deck = VGroup(*[grid_at(weights[ch], self.w_cmap, self.mid_c, numbers=False) for ch in range(n)])
        for ch, g in enumerate(deck):
            g.shift((ch - (n - 1) / 2) * DECK_STEP * (RIGHT + UP))
        lens = Circle(radius=deck.width * 0.85, stroke_color=style.MUTED, stroke_width=5).move_to(deck)
        handle = Line(lens.point_at_angle(-np.pi / 4), lens.point_at_angle(-np.pi / 4) + 0.9 * (RIGHT + DOWN))
        handle.set_stroke(style.MUTED, width=10)
        glass = VGroup(lens, handle)
        end = self.cue(
            f"So its magnifying glass is thicker: one {k}×{k} layer of glass per map, "
            f"{weights.size} weights in filter {f + 1}.",
            6,
        )
        self.play(FadeIn(deck, lag_ratio=0.25), Create(lens), Create(handle), run_time=1.5)
        self.wait(0.8)
        self.play(
            QuickFade(glass, appear=False),
            *[ReplacementTransform(d, s.cells) for d, s in zip(deck, slices)],
            run_time=1.3,
        )
        self.play(
            *[QuickFade(s.numbers) for s in slices],
            QuickFade(slice_labels),
            QuickFade(w_title),
            QuickFade(w_key),
            run_time=0.8,
        )
        self.add(*slices)
        self.until(end)

        r0, c0 = self.cell
        windows = [m.window(self.terms.top, self.terms.left, k, k, width=3) for m in maps]
        target = fmap.window(r0, c0, 1, 1, width=3)
        self.low_windows, self.target = windows, target
        end = self.cue(
            f"All {n} layers slide together, always over the same spot of every map, and write one new map.", 5
        )
        self.play(QuickFade(fmap), QuickFade(fmap_title), run_time=0.8)
        self.play(*[GrowFromCenter(b) for b in windows], GrowFromCenter(target), run_time=0.8)
        self.until(end)
        self.map_labels, self.low_title, self.low_key, self.fmap_title = map_labels, low_title, low_key, fmap_title
        self.w_key = w_key

    # -- 2. one cell: 36 products + bias ----------------------------------------------------------
    def show_sum(self) -> None:
        self.step("sum")
        n, k, terms = self.n_in, self.k, self.terms
        side = k * CELL
        px, py = side + 0.3, side + 0.5
        patches, products, sum_labels = [], [], VGroup()
        prod_c = self.right_c
        for ch in range(n):
            patches.append(grid_at(terms.patch[ch], self.low_cmap, self.quad(self.left_c, ch, px, py)))
            p = grid_at(terms.products[ch], self.w_cmap, self.quad(prod_c, ch, px, py))
            products.append(p)
            sum_labels.add(small(f"sum {style.fmt(self.sums[ch])}", style.TEXT).next_to(p, DOWN, buff=0.08))
        self.patches, self.products = patches, products
        times = label("×", size=34).move_to((self.left_c + self.mid_c) / 2)
        equals = label("=", size=34).move_to((self.mid_c + prod_c) / 2)
        r0, c0 = self.cell
        patch_title = small(f"the {k}×{k} under the glass, on each map", style.TEXT).move_to(self.glass_titles[0])
        prod_title = small(f"{terms.products.size} products", style.TEXT).move_to(self.glass_titles[2])
        prod_title.set_y(self.glass_titles[1].get_y())

        end = self.cue(f"Take one spot. Each layer of glass multiplies the {k * k} numbers under it on its own map.", 6)
        # The window on each map grows into the grid of the numbers under it; the maps make room.
        flying = [wd.copy() for wd in self.low_windows]
        self.play(
            *[Transform(fl, outline(pg)) for fl, pg in zip(flying, patches)],
            *[QuickFade(m, appear=False) for m in (*self.low_maps, *self.low_windows, self.low_key, self.low_title)],
            *[QuickFade(m, appear=False) for m in (self.fmap, self.target, self.fmap_title, self.w_key)],
            run_time=1.0,
        )
        self.play(*[QuickFade(pg) for pg in patches], QuickFade(patch_title), QuickFade(times), run_time=0.6)
        self.remove(*flying)
        pairs = [VGroup(outline(a), outline(b)) for a, b in zip(patches, self.slices)]
        merges = [Transform(pair, VGroup(outline(p), outline(p))) for pair, p in zip(pairs, products)]
        self.play(*merges, QuickFade(equals), run_time=1.0)
        self.play(*[QuickFade(p) for p in products], QuickFade(prod_title), run_time=0.6)
        self.remove(*pairs)
        self.until(end)

        total = cached_label(style.fmt(terms.total), 22, style.HIGHLIGHT)
        pieces = [cached_label(style.fmt(self.sums[0]), 22)]
        for s in self.sums[1:]:
            t = style.fmt(s)
            pieces += [cached_label("+", 22), cached_label(f"({t})" if t.startswith("-") else t, 22)]
        line1 = VGroup(*pieces, cached_label("=", 22), total).arrange(RIGHT, buff=0.14)
        bias_text = style.fmt(terms.bias)
        out = ValueGrid(np.array([[terms.output]]), self.deep_cmap, cell=0.7, font_size=17)
        line2 = VGroup(
            cached_label(style.fmt(terms.total), 22, style.HIGHLIGHT),
            small("+ bias", size=22),
            cached_label(f"({bias_text})" if bias_text.startswith("-") else bias_text, 22),
            cached_label("=", 22),
            out,
        ).arrange(RIGHT, buff=0.14)
        lines = VGroup(line1, line2).arrange(DOWN, buff=0.18).next_to(sum_labels, DOWN, buff=0.3)
        lines.set_x(0)
        keep_on_screen(lines)
        self.sum_line, self.bias_line, self.out_cell = line1, line2, out
        self.sum_labels = sum_labels
        end = self.cue(
            f"Each map gives its own sum. The {n} sums plus the bias make one number: cell ({r0}, {c0}) "
            f"of {self.conv.name} map {self.f + 1}.",
            7,
        )
        self.play(QuickFade(sum_labels), run_time=1.0)
        self.play(QuickFade(line1, shift=UP * 0.2), run_time=0.8)
        self.play(QuickFade(line2, shift=UP * 0.2), run_time=0.8)
        self.play(Create(out_frame := out.window(0, 0, 1, 1, colour=style.HIGHLIGHT, width=5)), run_time=0.5)
        self.out_frame = out_frame
        self.until(end)
        self.clear_content()

    # -- 3. the deep maps --------------------------------------------------------------------------
    def show_maps(self) -> None:
        self.step("maps")
        n_out, ho, wo = self.conv.output.shape
        _, hp, wp = self.pool.output.shape
        size = 1.3
        pitch = 1.48
        xs = [(j - (n_out - 1) / 2) * pitch for j in range(n_out)]
        ys = (1.6, -0.5, -2.15)
        self.conv_maps = [
            PixelImage(self.conv.output[j], self.deep_cmap, height=size).move_to([x, ys[0], 0])
            for j, x in enumerate(xs)
        ]
        self.relu_maps = [
            PixelImage(self.relu.output[j], self.deep_cmap, height=size).move_to([x, ys[1], 0])
            for j, x in enumerate(xs)
        ]
        pool_h = size * hp / ho  # the same cell size: the maps visibly halve
        self.pool_maps = [
            PixelImage(self.pool.output[j], self.deep_cmap, height=pool_h).move_to([x, ys[2], 0])
            for j, x in enumerate(xs)
        ]
        left = xs[0] - size / 2
        t_conv = small(f"{self.conv.name}: {n_out} maps · {ho}×{wo}", style.TEXT)
        t_relu = small(f"{self.relu.name}: negatives set to 0 · {ho}×{wo}", style.TEXT)
        t_pool = small(f"{self.pool.name}: {n_out} maps · {hp}×{wp}", style.TEXT)
        for t, maps in ((t_conv, self.conv_maps), (t_relu, self.relu_maps), (t_pool, self.pool_maps)):
            t.next_to(maps[0], UP, buff=0.12).set_x(left + t.width / 2)
        numbers = VGroup(
            *[
                small(str(j + 1), style.HIGHLIGHT if j == self.f else style.MUTED)
                .next_to(m, UP, buff=0.08)
                .set_x(m.get_x())
                for j, m in enumerate(self.conv_maps)
            ]
        )
        for num in numbers:
            num.align_to(t_conv, DOWN)
        t_conv.next_to(numbers, UP, buff=0.08).set_x(left + t_conv.width / 2)
        key = legend(self.deep_cmap, -self.deep_cmap.vmax, self.deep_cmap.vmax, width=2.4)
        key.move_to([xs[-1] + size / 2 - 1.2, ys[2] - pool_h / 2 - 0.45, 0])
        self.map_titles = (t_conv, t_relu, t_pool)

        end = self.cue(
            f"Layer two has {n_out} thick glasses, so it writes {n_out} new clue maps, each {ho} by {wo}.", 5
        )
        self.play(QuickFade(Group(*self.conv_maps)), QuickFade(t_conv), QuickFade(numbers), run_time=1.5)
        self.play(QuickFade(key), run_time=0.5)
        self.until(end)

        end = self.cue(f"As before, ReLU zeroes the negatives and pooling halves each map to {hp} by {wp}.", 5)
        self.play(
            *[ReplacementTransform(m.copy(), rm) for m, rm in zip(self.conv_maps, self.relu_maps)],
            QuickFade(t_relu),
            run_time=1.3,
        )
        self.play(
            *[FadeIn(pm, target_position=m) for m, pm in zip(self.relu_maps, self.pool_maps)],
            QuickFade(t_pool),
            run_time=1.3,
        )
        self.until(end)

        r0, c0 = self.cell
        f = self.f
        window = self.chain[1].box
        marks = VGroup(
            self.conv_maps[f].window(r0, c0, 1, 1, width=3),
            box_on(self.relu_maps[f], window, width=3),
            self.pool_maps[f].window(self.r, self.c, 1, 1, width=3),
        )
        self.map_marks = marks
        end = self.cue(
            "Our cell wins its pooling window and lives on. These deeper clues are built out of earlier clues.", 5
        )
        self.play(*[GrowFromCenter(m) for m in marks], run_time=0.8)
        self.until(end)
        self.clear_content()

    # -- 4. what one deep cell sees --------------------------------------------------------------
    def level_view(self, level, x: float):
        """The maps of one level of the walk: the chosen deep map, a stack of all the shallow maps
        (the deep cell depends on every one of them), or the photo, with the level's box."""
        name = level.grid
        if name == "input":
            views = [PixelImage(self.trace.image, height=PANEL)] if self.is_rgb else None
            if views is None:
                views = [PixelImage(self.trace.input[0], style.Diverging.for_values(self.trace.input), height=PANEL)]
        elif name in (self.pool.name, self.relu.name):
            views = [PixelImage(self.trace.step(name).output[self.f], self.deep_cmap, height=PANEL)]
        else:
            maps = self.trace.step(name).output
            views = [PixelImage(m, self.low_cmap, height=PANEL) for m in maps]
        group = Group()
        boxes = []
        n = len(views)
        for i, v in enumerate(reversed(views)):  # the back map first
            depth = n - 1 - i
            v.move_to([x, FIELD_Y, 0] + depth * DECK_STEP * (RIGHT + UP))
            b = box_on(v, level.box, width=3 if depth else 4)
            group.add(v, b)
            boxes.append(b)
        return group, views[0], boxes[-1]

    def show_field(self) -> None:
        self.step("field")
        levels = self.chain
        xs = np.linspace(5.7, -5.7, len(levels))
        self.field_views, self.field_boxes = [], []
        self.field_parts = []
        titles = {
            self.pool.name: f"{self.pool.name} map {self.f + 1}",
            self.relu.name: f"{self.relu.name} map {self.f + 1}",
            "input": "the photo",
        }
        captions = []
        for level, x in zip(levels, xs):
            group, front, box = self.level_view(level, x)
            h, w = level.shape
            if level.grid in titles:
                name = titles[level.grid]
            else:
                name = f"{level.grid}: all {self.trace.step(level.grid).output.shape[0]} maps"
            bh, bw = level.size
            unit = "pixels" if level.grid == "input" else ("cell" if bh * bw == 1 else "cells")
            cap = VGroup(
                small(name, style.TEXT), small(f"{h}×{w}"), small(f"sees {bh}×{bw} {unit}", style.HIGHLIGHT, size=20)
            ).arrange(DOWN, buff=0.08)
            cap.next_to(front, DOWN, buff=0.2).set_x(x)
            captions.append(cap)
            self.field_views.append(front)
            self.field_boxes.append(box)
            self.field_parts.append(group)
        arrows, vias = [], []
        for a, level in enumerate(levels[1:]):
            right, left = self.field_parts[a], self.field_parts[a + 1]
            y = self.field_views[a].get_y()
            arr = Arrow(
                [right.get_left()[0] + 0.02, y, 0], [left.get_right()[0] - 0.02, y, 0], buff=0.05,
                color=style.MUTED, stroke_width=3, max_tip_length_to_length_ratio=0.35,
            )  # fmt: skip
            kind = self.trace.step(level.via).kind
            what = (
                f"{level.kernel}×{level.kernel} pool" if kind == "MaxPool2D" else f"{level.kernel}×{level.kernel} glass"
            )
            via = small(what).move_to([arr.get_x(), FIELD_Y + PANEL / 2 + 0.55, 0])
            arrows.append(arr)
            vias.append(via)
        self.field_captions = captions
        _, bh, bw = (None, *levels[-1].size)

        end = self.cue(
            f"Now follow one cell of {self.pool.name} map {self.f + 1} back down, layer by layer, to the photo.", 5
        )
        self.play(QuickFade(self.field_parts[0]), QuickFade(captions[0]), run_time=1)
        self.until(end)
        per = 2.6
        end = self.cue(
            "Pooling doubles what it covers, each 3×3 glass adds a ring, and the box grows at every step down.",
            per * (len(levels) - 1),
        )
        for a in range(1, len(levels)):
            start = self.time
            self.play(GrowFromCenter(arrows[a - 1]), QuickFade(vias[a - 1]), run_time=0.6)
            self.play(QuickFade(self.field_parts[a]), QuickFade(captions[a]), run_time=1.0)
            self.until(start + per)
        self.until(end)

        # A first-layer cell for comparison: the corner cell of the box on the first conv's maps.
        first = next(lv for lv in levels if lv.grid == self.relu1.name)
        fr, fc = first.box[0], first.box[1]
        self.conv1_box = receptive_field(self.network, self.conv1.name, fr, fc)
        small_box = box_on(self.field_views[-1], self.conv1_box, colour=style.TEXT, width=3)
        ch, cw = self.conv1_box[2] - self.conv1_box[0] + 1, self.conv1_box[3] - self.conv1_box[1] + 1
        note = small(f"white: a {self.conv1.name} cell sees {ch}×{cw}", style.TEXT)
        note.next_to(captions[-1], DOWN, buff=0.15).set_x(captions[-1].get_x())
        keep_on_screen(note)
        self.conv1_mark, self.conv1_note = small_box, note
        end = self.cue(
            f"A layer-one cell saw {ch} by {cw} pixels. This deep cell sees {bh} by {bw}: "
            "a much bigger piece of the face.",
            6,
        )
        self.play(Create(small_box), QuickFade(note), run_time=0.8)
        self.play(self.field_boxes[-1].animate.set_stroke(width=7), run_time=0.5)
        self.play(self.field_boxes[-1].animate.set_stroke(width=4), run_time=0.5)
        self.until(end)
        self.clear_content()

    # -- 5. the patches that excite deep maps most -----------------------------------------------
    def show_patches(self) -> None:
        self.step("patches")
        images = dataset(self.example)
        self.channels = pick_channels(self.pool, self.f, N_CHANNELS)
        self.top = {ch: top_patches(self.network, self.pool.name, ch, images, N_PATCHES) for ch in self.channels}
        full = max(max(lv.size) for lv in self.chain)
        px = 1.35 / full  # one pixel of a patch on screen
        thumb_h = 0.8
        ys = [2.0 - 2.05 * i for i in range(len(self.channels))]
        xs = [-2.75 + 2.75 * j for j in range(N_PATCHES)]
        self.patch_views, self.thumbs, self.value_labels, self.thumb_boxes = {}, {}, {}, {}
        rows = []
        for ch, y in zip(self.channels, ys):
            head = VGroup(
                small(f"{self.pool.name} map {ch + 1}", style.HIGHLIGHT if ch == self.f else style.TEXT, size=20),
                small(f"top {N_PATCHES} patches"),
            ).arrange(DOWN, buff=0.1)
            head.move_to([-5.6, y, 0])
            row = [head]
            pv, tv, vl, tb = [], [], [], []
            for d, x in zip(self.top[ch], xs):
                patch = PixelImage(d["patch"], height=px * d["patch"].shape[1])
                patch.move_to([x - 0.45, 0, 0]).align_to([0, y + 0.15 + 1.35 / 2, 0], UP)
                thumb = PixelImage(images[d["image"]], height=thumb_h)
                thumb.next_to(patch, RIGHT, buff=0.12).align_to(patch, UP)
                tbox = box_on(thumb, d["box"], width=2)
                value = cached_label(style.fmt(d["value"]), 20, style.TEXT)
                value.move_to([patch.get_x(), y + 0.15 - 1.35 / 2 - 0.22, 0])
                pv.append(patch)
                tv.append(thumb)
                vl.append(value)
                tb.append(tbox)
                row += [patch, thumb, tbox, value]
            self.patch_views[ch], self.thumbs[ch], self.value_labels[ch], self.thumb_boxes[ch] = pv, tv, vl, tb
            rows.append(Group(*row))
        note = small(f"from {DATASET_SIZE} training-style portraits", style.MUTED)
        note.to_corner(UP + RIGHT, buff=0.4)
        self.patch_note = note

        end = self.cue(
            f"What does a deep map look for? We showed it {DATASET_SIZE} training-style portraits "
            "and kept the pieces that made it fire hardest.",
            6,
        )
        self.play(QuickFade(note), QuickFade(rows[0]), run_time=1.2)
        for row in rows[1:]:
            self.play(QuickFade(row), run_time=0.9)
        self.until(end)
        end = self.cue(
            "Each number is how strongly the map fired. "
            "Deep maps react to whole pieces of a face, not to single edges.",
            6,
        )
        self.play(*[v.animate.set_color(style.HIGHLIGHT) for v in self.value_labels[self.f]], run_time=0.6)
        self.play(*[v.animate.set_color(style.TEXT) for v in self.value_labels[self.f]], run_time=0.6)
        self.until(end)
        self.wait(0.5)
