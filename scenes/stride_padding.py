"""Chapter 3: stride and padding. Two real filters of the first layer look at a small patch of the
image with stride 1, stride 2 and a ring of zeros (padding); the output-size rule says how big each
map is, and counting the numbers in and out shows how many clues survive."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    DashedLine,
    DashedVMobject,
    DoubleArrow,
    GrowFromEdge,
    Line,
    MathTex,
    Rectangle,
    Square,
    ValueTracker,
    VGroup,
    config,
    linear,
)

from engine import output_size
from engine.experiments import Variant, variant
from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import Panel, PixelImage, QuickFade, ValueGrid, cached_label, keep_on_screen, label
from scenes.legacy_style import fmt, ink_for
from scenes.plans.pick import busiest_patch

PATCH = 5  # side of the small input (a presentation choice)
PAIR = (0, 1)  # the two filters compared
THIRD = 2  # the filter added to keep every number, when the layer has one
CELL = 0.6  # input cell size
INPUT_CENTRE = np.array([-4.7, 0.55, 0.0])
MAPS_CENTRE_Y = 0.55
BOTTOM_Y = -2.95  # formula and count line


class PatchGrid(VGroup):
    """The small input as cells: signed values with numbers (drawings) or photo colours (photos).

    ``values`` (C, n, n) is what the network computes with; ``rgb`` (n, n, 3) what is drawn. Cells
    outside the patch (the padding) are at negative or too large indices of ``point``.
    """

    def __init__(self, values: np.ndarray, rgb: np.ndarray, cell: float, numbers: list[list[str]] | None) -> None:
        super().__init__()
        self.values, self.rgb, self.cell_size = np.asarray(values), np.asarray(rgb), cell
        n = self.values.shape[-1]
        self.n = n
        self.cells, self.numbers = VGroup(), VGroup()
        for r in range(n):
            for c in range(n):
                sq = Square(cell, stroke_color=style.GRID_LINE, stroke_width=1.5)
                sq.set_fill(style.rgb_hex(self.rgb[r, c]), opacity=1).move_to(self._offset(r, c))
                self.cells.add(sq)
                if numbers is not None:
                    t = cached_label(numbers[r][c], 20, ink_for(self.rgb[r, c]))
                    self.numbers.add(t.move_to(sq))
        self.add(self.cells, self.numbers)

    def _offset(self, r: float, c: float) -> np.ndarray:
        h = (self.n - 1) / 2
        return np.array([(c - h) * self.cell_size, (h - r) * self.cell_size, 0.0])

    def point(self, r: float, c: float) -> np.ndarray:
        """Centre of cell (r, c), also outside the patch (padding cells)."""
        return self.cells.get_center() + self._offset(r, c)

    def cell(self, r: int, c: int) -> Square:
        return self.cells[r * self.n + c]


class Ring(VGroup):
    """``pad`` rings of zero cells around a ``PatchGrid``, with crime-scene tape along them."""

    def __init__(self, patch: PatchGrid, pad: int, zero_rgb: np.ndarray) -> None:
        super().__init__()
        n, cell = patch.n, patch.cell_size
        self.positions: list[tuple[int, int]] = []
        self.cells, self.numbers = VGroup(), VGroup()
        for r in range(-pad, n + pad):
            for c in range(-pad, n + pad):
                if 0 <= r < n and 0 <= c < n:
                    continue
                sq = Square(cell, stroke_color=style.GRID_LINE, stroke_width=1.5)
                sq.set_fill(style.rgb_hex(zero_rgb), opacity=1).move_to(patch.point(r, c))
                self.cells.add(sq)
                self.numbers.add(cached_label("0", 18, style.MUTED).move_to(sq))
                self.positions.append((r, c))
        self.values = np.zeros(len(self.positions))
        side = (n + 2 * pad) * cell
        outer = Rectangle(width=side, height=side).move_to(patch.cells.get_center())
        self.tape = DashedVMobject(outer, num_dashes=4 * (n + 2 * pad), dashed_ratio=0.55)
        self.tape.set_stroke(style.HIGHLIGHT, width=5)
        self.add(self.cells, self.numbers, self.tape)


class StridePaddingScene(ChapterScene):
    chapter_id = "stride-padding"
    subtitle = "How far the glass jumps, and tape around the edges"

    def construct(self) -> None:
        self.title_card()
        self.prepare()
        self.show_patch()
        self.show_variant(self.stride1, "stride-1")
        self.show_variant(self.stride2, "stride-2")
        self.show_padding()
        self.more_filters()
        self.tally()

    # -- data --------------------------------------------------------------------------------
    def prepare(self) -> None:
        conv = self.trace.steps_of("Conv2D")[0]
        self.conv = conv
        weight, bias = conv.params["weight"], conv.params["bias"]
        self.n_filters = weight.shape[0]
        self.k = weight.shape[-1]
        x = self.trace.input
        self.patch_at = busiest_patch(x, PATCH)
        r0, c0 = self.patch_at
        n = min(PATCH, x.shape[1], x.shape[2])
        self.patch = x[:, r0 : r0 + n, c0 : c0 + n]
        self.image_patch = self.trace.image[:, r0 : r0 + n, c0 : c0 + n]
        pair = tuple(f for f in PAIR if f < self.n_filters)
        self.pair = pair
        self.pad = (self.k - 1) // 2  # "same" padding: the map keeps the input's size
        self.stride1 = variant(self.patch, weight, bias, pair, 1, 0)
        self.stride2 = variant(self.patch, weight, bias, pair, 2, 0)
        self.padded = variant(self.patch, weight, bias, pair, 1, self.pad)
        self.trio = variant(self.patch, weight, bias, (*pair, THIRD), 1, self.pad) if self.n_filters > THIRD else None
        self.variants = [v for v in (self.stride1, self.stride2, self.padded, self.trio) if v is not None]
        self.map_cmap = style.Diverging.for_values(*[v.output for v in self.variants])
        used = sorted({f for v in self.variants for f in v.filters})
        self.weight_cmap = style.Diverging.for_values(weight[used])
        self.shown_maps: dict[int, list[ValueGrid]] = {}  # id(variant) -> maps
        self.formulas: dict[int, MathTex] = {}
        self.counts: dict[int, object] = {}
        self.glass_path: dict[int, list[np.ndarray]] = {}  # window centres the glass visited

    def dims(self, shape) -> str:
        """(C, H, W) -> "H × W × C" (or "H × W" for one channel): how the screen writes sizes."""
        c, h, w = shape
        return f"{h} × {w}" if c == 1 else f"{h} × {w} × {c}"

    # -- helpers -----------------------------------------------------------------------------
    def hold(self, start: float, seconds: float) -> None:
        target = start + seconds
        while self.time < target - 1e-6:
            self.wait(max(target - self.time, 1 / config.frame_rate))

    def window_centre(self, top: int, left: int) -> np.ndarray:
        half = (self.k - 1) / 2
        return self.input_grid.point(top + half, left + half)

    def make_glass(self) -> VGroup:
        side = self.k * CELL
        rect = Rectangle(width=side, height=side, stroke_color=style.HIGHLIGHT, stroke_width=6)
        corner = rect.get_corner(DOWN + RIGHT)
        handle = Line(corner, corner + np.array([0.35, -0.35, 0]), color=style.HIGHLIGHT, stroke_width=10)
        return VGroup(rect, handle)

    def variant_parts(self, v: Variant):
        """One variant's empty maps (cells hidden until the sweep), size rule, count line and arrow."""
        maps = self.make_maps(v, 0.55, 6.85)
        grids = list(maps[0])
        for g in grids:
            self.reveal(g, 0)
        return maps, grids, self.formula(v), self.count_line(v), self.stride_arrow(v)

    def make_maps(self, v: Variant, left: float, right: float) -> VGroup:
        """One grid per filter of ``v``, side by side between x = ``left`` and ``right``."""
        gap = 0.45
        count = len(v.filters)
        cell = min(0.85, (right - left - gap * (count - 1)) / (count * v.size))
        digits = 2 if cell >= 0.7 else 1
        longest = max(len(fmt(x, digits)) for x in v.output.ravel())
        font = min(20.0, 0.8 * cell / (0.0082 * longest))  # one size for every map of the variant
        maps = VGroup()
        for f, values in zip(v.filters, v.output):
            grid = ValueGrid(values, self.map_cmap, cell=cell, digits=digits, font_size=font)
            grid.filter_index = f
            maps.add(grid)
        maps.arrange(RIGHT, buff=gap).move_to([(left + right) / 2, MAPS_CENTRE_Y, 0])
        titles = VGroup(
            *[
                label(f"map {g.filter_index}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(g, UP, 0.12)
                for g in maps
            ]
        )
        size = label(f"{v.size} × {v.size} each", size=style.SMALL_SIZE, colour=style.MUTED)
        size.next_to(maps, DOWN, buff=0.15)
        self.shown_maps[id(v)] = list(maps)
        return VGroup(maps, titles, size)

    @staticmethod
    def reveal(grid: ValueGrid, n: int) -> None:
        for i, sq in enumerate(grid.cells):
            sq.set_fill(opacity=1.0 if i < n else 0.0)
        for i, t in enumerate(grid.numbers):
            t.set_opacity(1.0 if i < n else 0.0)

    def formula(self, v: Variant) -> VGroup:
        i, p, k, s, o = (
            v.input_size,
            v.padding,
            v.kernel,
            v.stride,
            output_size(v.input_size, v.kernel, v.stride, v.padding),
        )
        tex = MathTex(
            r"o = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1"
            rf" = \left\lfloor \frac{{{i} + 2\cdot {p} - {k}}}{{{s}}} \right\rfloor + 1 = {o}",
            font_size=30,
            color=style.TEXT,
        )
        tex.move_to([-3.3, BOTTOM_Y, 0])
        keep_on_screen(tex, margin=0.35)
        self.formulas[id(v)] = tex
        return VGroup(Panel(tex, buff=0.15), tex)

    def count_line(self, v: Variant) -> VGroup:
        """ "in: 5 × 5 × 3 = 75   out: 2 × 3 × 3 = 18" from the arrays' shapes."""
        in_text = label(f"in  {self.dims(v.patch.shape)} = {v.given}", size=style.LABEL_SIZE, colour=style.MUTED)
        f, h, w = v.output.shape
        colour = style.WINNER if v.kept >= v.given else style.HIGHLIGHT
        out_text = label(f"out  {f} × {h} × {w} = {v.kept}", size=style.LABEL_SIZE, colour=colour)
        group = VGroup(in_text, out_text).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        group.move_to([4.1, BOTTOM_Y + 0.05, 0])
        group.in_text, group.out_text = in_text, out_text
        self.counts[id(v)] = group
        return group

    def sweep(self, v: Variant, maps: list[ValueGrid], seconds: float) -> None:
        """The glass visits every window of ``v`` in raster order while the maps fill up."""
        n = len(v.windows)
        tracker = ValueTracker(0)
        glass = self.make_glass()
        glass.shift(self.window_centre(*v.windows[0]) - glass[0].get_center())
        markers = VGroup(*[Square(m.cell_size, stroke_color=style.HIGHLIGHT, stroke_width=4) for m in maps])
        for m, mark in zip(maps, markers):
            mark.move_to(m.cell(0, 0))
            self.reveal(m, 0)

        def index() -> int:
            return min(int(tracker.get_value()), n - 1)

        def follow(g):
            g.shift(self.window_centre(*v.windows[index()]) - g[0].get_center())

        def follow_marks(group):
            r, c = divmod(index(), v.size)
            for m, mark in zip(maps, group):
                mark.move_to(m.cell(r, c))

        def fill(grid):
            self.reveal(grid, index() + 1)

        self.play(Create(glass), Create(markers), run_time=0.5)
        for m in maps:
            self.reveal(m, 1)
        glass.add_updater(follow)
        markers.add_updater(follow_marks)
        for m in maps:  # an updater makes the maps redraw every frame (static mobjects are drawn once)
            m.add_updater(fill)
        self.play(tracker.animate.set_value(n), run_time=seconds, rate_func=linear)
        for m in (glass, markers, *maps):
            m.clear_updaters()
        for m in maps:
            self.reveal(m, n)
        self.glass_path[id(v)] = [self.window_centre(*w) for w in v.windows]
        self.play(QuickFade(glass, appear=False), QuickFade(markers, appear=False), run_time=0.4)

    def stride_arrow(self, v: Variant) -> VGroup:
        """A double arrow over the input from the first look to the second: the stride."""
        if len(v.windows) < 2:
            return VGroup()
        top = self.input_grid.get_top()[1] + (v.padding * CELL) + 0.3
        a = self.window_centre(*v.windows[0])[0]
        b = self.window_centre(*v.windows[1])[0]
        arrow = DoubleArrow([a, top, 0], [b, top, 0], buff=0, color=style.HIGHLIGHT, stroke_width=4, tip_length=0.18)
        text = label(f"stride {v.stride}", size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
        text.next_to(arrow, RIGHT, buff=0.15)
        return VGroup(arrow, text)

    # -- steps -------------------------------------------------------------------------------
    def show_patch(self) -> None:
        self.step("patch")
        c = self.patch.shape[0]
        if self.is_rgb:
            rgb = np.clip(np.round(self.image_patch), 0, 255).astype(np.uint8).transpose(1, 2, 0)
            grid = PatchGrid(self.patch, rgb, CELL, numbers=None)
            zero_rgb = np.zeros(3)
        else:
            self.input_cmap = style.Diverging.for_values(self.trace.input)
            rgb = self.input_cmap.rgb(self.patch[0])
            numbers = [[fmt(v, 2) for v in row] for row in self.patch[0]]
            grid = PatchGrid(self.patch, rgb, CELL, numbers=numbers)
            zero_rgb = self.input_cmap.rgb(np.zeros(1))[0]
        grid.move_to(INPUT_CENTRE)
        self.input_grid = grid
        self.ring = Ring(grid, self.pad, zero_rgb)
        h, w = self.patch.shape[1:]
        r0, c0 = self.patch_at
        what = f"{h} × {w} pixels × {c} colours" if c > 1 else f"{h} × {w} pixels"
        self.input_label = label(
            f"input: {what} = {self.patch.size} numbers", size=style.SMALL_SIZE - 1, colour=style.MUTED
        )
        self.input_label.next_to(grid, DOWN, buff=self.pad * CELL + 0.12)
        keep_on_screen(self.input_label)
        # Where the patch sits: the whole picture with the patch framed (gone once the maps come).
        if self.is_rgb:
            whole = PixelImage(self.trace.image, height=3.0)
        else:
            whole = PixelImage(self.trace.input[0], self.input_cmap, height=3.0)
        whole.move_to([3.7, MAPS_CENTRE_Y + 0.2, 0])
        frame = whole.window(r0, c0, h, w, width=4)
        zoom = VGroup(
            DashedLine(frame.get_corner(UP + LEFT), grid.get_corner(UP + RIGHT), color=style.HIGHLIGHT, stroke_width=2),
            DashedLine(
                frame.get_corner(DOWN + LEFT), grid.get_corner(DOWN + RIGHT), color=style.HIGHLIGHT, stroke_width=2
            ),
        )
        where = label(f"rows {r0}–{r0 + h - 1}, columns {c0}–{c0 + w - 1}", size=style.SMALL_SIZE, colour=style.MUTED)
        where.next_to(whole, DOWN, buff=0.15)
        self.whole, self.whole_frame = whole, frame
        self.context = [whole, frame, zoom, where]

        # The two filters (all their channels), with their biases.
        weight, bias = self.conv.params["weight"], self.conv.params["bias"]
        fcell = 0.42 if c == 1 else 0.26
        self.filter_grids = {}
        blocks = VGroup()
        for f in self.pair:
            grids = [
                ValueGrid(weight[f, ch], self.weight_cmap, cell=fcell, numbers=c == 1, digits=1, font_size=14)
                for ch in range(c)
            ]
            if c > 1:
                for g, name in zip(grids, style.CHANNEL_COLOURS):
                    g.add(
                        Rectangle(
                            width=g.width, height=g.height, stroke_color=style.CHANNEL_COLOURS[name], stroke_width=2.5
                        ).move_to(g)
                    )
            row = VGroup(*grids).arrange(RIGHT, buff=0.12)
            head = label(f"filter {f}  ·  bias {fmt(bias[f])}", size=style.SMALL_SIZE, colour=style.TEXT)
            blocks.add(VGroup(head, row).arrange(DOWN, buff=0.12))
            self.filter_grids[f] = grids
        blocks.arrange(DOWN, buff=0.45).move_to([-1.15, MAPS_CENTRE_Y, 0])
        self.filter_blocks = blocks
        glasses = label("two glasses\nfrom layer " + self.conv.name, size=style.SMALL_SIZE, colour=style.MUTED)
        glasses.next_to(blocks, UP, buff=0.25)
        self.filter_note = glasses

        start = self.time
        kind = f"{c} colours per pixel, so " if c > 1 else ""
        self.caption(
            f"Treat a small {h} × {w} corner of the image as the whole input: {kind}{self.patch.size} numbers.", 4.5
        )
        self.play(QuickFade(whole), run_time=0.6)
        self.play(Create(frame), run_time=0.5)
        self.play(Create(zoom), QuickFade(grid), QuickFade(where), QuickFade(self.input_label), run_time=1)
        self.hold(start, 4.5)
        start = self.time
        self.caption(
            f"Two real glasses from the first layer will search it: {self.k} × {self.k} weights each, plus a bias.", 4
        )
        self.play(*[QuickFade(m, appear=False) for m in self.context], run_time=0.5)
        self.play(QuickFade(blocks, shift=LEFT * 0.2), QuickFade(glasses), run_time=1)
        self.hold(start, 4)

    def show_variant(self, v: Variant, name: str) -> None:
        self.step(name)
        first = v is self.stride1
        maps, grids, tex, counts, arrow = self.variant_parts(v)
        looks = len(v.windows)
        gone = list(getattr(self, "current", []))
        if not first:
            gone.append(self.old_tex)
        start = self.time
        if first:
            self.caption(
                f"Stride 1: the glass moves one cell at a time. It fits {v.size} times across and {v.size} times "
                f"down, so each filter fills a {v.size} × {v.size} map.",
                6.5,
            )
        else:
            self.caption(
                f"Stride {v.stride}: the glass jumps {v.stride} cells at a time. Only {looks} looks instead of "
                f"{len(self.stride1.windows)}, so each map shrinks to {v.size} × {v.size}.",
                6.5,
            )
        if gone:
            self.play(*[QuickFade(m, appear=False) for m in gone], run_time=0.5)
        self.play(QuickFade(maps), QuickFade(arrow), run_time=0.6)
        self.sweep(v, grids, 2.8 if first else 2.0)
        self.hold(start, 6.5)
        start = self.time
        i, k, s, p = v.input_size, v.kernel, v.stride, v.padding
        if first:
            text = (
                f"The size rule: input plus twice the padding, minus the glass size, divided by the stride, plus 1: "
                f"({i} + 2 × {p} - {k}) / {s} + 1 = {v.size}. {len(v.filters)} maps keep {v.kept} of the "
                f"{v.given} numbers."
            )
        else:
            text = (
                f"Same rule: ({i} + 2 × {p} - {k}) / {s}, rounded down, + 1 = {v.size}. Quicker, but only {v.kept} "
                f"numbers survive: clues fall between the jumps."
            )
        self.caption(text, 7)
        self.play(QuickFade(tex), run_time=1.0)
        self.play(QuickFade(counts, shift=UP * 0.15), run_time=0.8)
        self.hold(start, 7)
        self.old_tex, self.old_counts = tex, counts
        self.current = [maps, arrow, counts]

    def show_padding(self) -> None:
        self.step("padding")
        v = self.padded
        start = self.time
        self.caption(
            f"Edge pixels get fewer looks than the middle. So we wrap the input in zeros, {v.padding} cell wide: "
            "crime-scene tape that keeps the clues at the edge in the picture.",
            6,
        )
        self.play(
            *[QuickFade(m, appear=False) for m in self.current], QuickFade(self.old_tex, appear=False), run_time=0.5
        )
        self.add(self.ring.cells, self.ring.numbers, self.input_grid)  # the ring goes behind the patch
        self.play(QuickFade(self.ring.cells), QuickFade(self.ring.numbers), run_time=1)
        self.play(Create(self.ring.tape), run_time=1.2)
        self.hold(start, 6)

        maps, grids, tex, counts, arrow = self.variant_parts(v)
        start = self.time
        self.caption(
            f"Now the glass can sit on every pixel, edges too: {len(v.windows)} looks, and each map stays "
            f"{v.size} × {v.size}.",
            6,
        )
        self.play(QuickFade(maps), QuickFade(arrow), run_time=0.6)
        self.sweep(v, grids, 3.6)
        self.hold(start, 6)
        start = self.time
        self.caption(
            f"The rule again, with p = {v.padding}: ({v.input_size} + 2 × {v.padding} - {v.kernel}) / {v.stride} + 1 "
            f"= {v.size}. {len(v.filters)} maps now keep {v.kept} numbers.",
            6,
        )
        self.play(QuickFade(tex), run_time=0.8)
        self.play(QuickFade(counts, shift=UP * 0.15), run_time=0.8)
        self.hold(start, 6)
        self.old_tex = tex
        self.current = [maps, arrow, counts]

    def more_filters(self) -> None:
        self.step("filters")
        v = self.trio
        if v is None:  # the layer has no third filter: say so, with the padded pair's count
            p = self.padded
            note = label(
                f"{self.conv.name} has only\n{self.n_filters} filters, yet its\n{len(p.filters)} padded maps keep\n"
                f"{p.kept} numbers: more\nthan the {p.given} that\ncame in",
                size=style.SMALL_SIZE + 1,
                colour=style.WINNER,
            )
            self.filters_note = note
            start = self.time
            self.caption(
                f"This network's first layer has just {self.n_filters} glasses. Even so, with padding their maps "
                f"hold {p.kept} numbers, more than the {p.given} that came in: no clue is lost.",
                6,
            )
            self.play(
                QuickFade(self.filter_blocks, appear=False), QuickFade(self.filter_note, appear=False), run_time=0.5
            )
            note.move_to([-1.0, MAPS_CENTRE_Y, 0])
            box = VGroup(Panel(note), note)
            self.play(QuickFade(box), run_time=0.8)
            self.play(self.counts[id(p)].out_text.animate.scale(1.15), run_time=0.6)
            self.hold(start, 6)
            self.current.append(box)
            return
        weight, bias = self.conv.params["weight"], self.conv.params["bias"]
        c = self.patch.shape[0]
        maps = self.make_maps(v, -2.2, 6.85)
        counts = self.count_line(v)
        third = [ValueGrid(weight[THIRD, ch], self.weight_cmap, cell=0.26, numbers=False) for ch in range(c)]
        self.filter_grids[THIRD] = third
        start = self.time
        self.caption(
            f"Want every clue kept? Add a glass. With filter {THIRD} as well, {len(v.filters)} maps of "
            f"{v.size} × {v.size} make {v.kept}: as many numbers as came in.",
            6.5,
        )
        head = label(f"+ filter {THIRD}  ·  bias {fmt(bias[THIRD])}", size=style.SMALL_SIZE)
        row = VGroup(*third).arrange(RIGHT, buff=0.12)
        block = VGroup(head, row).arrange(DOWN, buff=0.1)
        self.third_block = block
        self.play(
            QuickFade(self.filter_blocks, appear=False),
            QuickFade(self.filter_note, appear=False),
            *[QuickFade(m, appear=False) for m in self.current],
            run_time=0.6,
        )
        last_map, last_title = maps[0][-1], maps[1][-1]
        block.next_to(last_title, UP, buff=0.12).set_x(last_map.get_x())
        keep_on_screen(block)
        self.play(QuickFade(block), QuickFade(maps), run_time=1)
        self.play(QuickFade(counts, shift=UP * 0.15), run_time=0.8)
        self.hold(start, 6.5)
        self.current = [maps, counts, block]

    def tally(self) -> None:
        self.step("tally")
        rows = [("came in", self.stride1.given, style.MUTED)]
        rows += [
            (f"stride {v.stride}, padding {v.padding}, {len(v.filters)} maps", v.kept, None) for v in self.variants
        ]
        most = max(n for _, n, _ in rows)
        bar_max = 6.0
        self.tally_rows = []
        group = VGroup()
        for text, n, colour in rows:
            if colour is None:
                colour = style.WINNER if n >= rows[0][1] else style.HIGHLIGHT
            name = label(text, size=style.SMALL_SIZE + 2, colour=style.TEXT)
            bar = Rectangle(width=max(bar_max * n / most, 0.02), height=0.38, stroke_width=0).set_fill(colour, 1)
            value = label(str(n), size=style.LABEL_SIZE, colour=colour)
            self.tally_rows.append((text, n, bar, value))
            group.add(VGroup(name, bar, value))
        names = [g[0] for g in group]
        width = max(nm.width for nm in names)
        y = 2.3
        x_bar = -6.6 + width + 0.3
        for g in group:
            name, bar, value = g
            name.move_to([-6.6 + name.width / 2, y, 0])
            bar.move_to([x_bar + bar.width / 2, y, 0])
            value.next_to(bar, RIGHT, buff=0.15)
            y -= 0.62
        self.tally_group = group
        line_x = x_bar + bar_max * rows[0][1] / most
        given_line = DashedLine([line_x, 2.65, 0], [line_x, y + 0.35, 0], color=style.MUTED, stroke_width=2)

        # What the real first layer does, with the rule.
        cfg = self.conv.config
        _, h, w = self.conv.input.shape
        s, p = cfg["stride"], cfg["padding"]
        o = output_size(h, self.k, s, p)
        f_out, ho, wo = self.conv.output.shape
        self.real = (h, o, ho)
        real = label(
            f"Our {self.conv.name}: stride {s}, padding {p}, {f_out} filters:  "
            f"{self.dims(self.conv.input.shape)} in, {self.dims(self.conv.output.shape)} out",
            size=style.LABEL_SIZE,
            colour=style.TEXT,
        )
        real_tex = MathTex(
            rf"o = \left\lfloor \frac{{{h} + 2\cdot {p} - {self.k}}}{{{s}}} \right\rfloor + 1 = {o}",
            font_size=34,
            color=style.TEXT,
        )
        bottom = VGroup(real, real_tex).arrange(DOWN, buff=0.2).move_to([0, -2.55, 0])
        keep_on_screen(bottom)
        self.real_tex, self.real_label = real_tex, real

        start = self.time
        self.caption("Counting clues: big strides throw numbers away; padding and more glasses keep them.", 5.5)
        gone = [m for m in self.mobjects if m not in (self.header, self.source)]
        self.play(*[QuickFade(m, appear=False) for m in gone], run_time=0.6)
        self.play(QuickFade(VGroup(*[g[0] for g in group])), run_time=0.6)
        self.play(*[GrowFromEdge(g[1], LEFT) for g in group], *[QuickFade(g[2]) for g in group], run_time=1.2)
        self.play(Create(given_line), run_time=0.5)
        self.hold(start, 5.5)
        start = self.time
        same = "keeps its size" if o == h else "shrinks a little"
        self.caption(
            f"Our network's first layer uses stride {s} and padding {p}: a {h} × {w} input gives {ho} × {wo} maps, "
            f"so the picture {same}.",
            6,
        )
        self.play(QuickFade(real, shift=UP * 0.15), run_time=0.8)
        self.play(QuickFade(real_tex), run_time=0.8)
        self.hold(start, 6)
