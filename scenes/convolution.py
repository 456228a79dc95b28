"""Chapter 2: convolution. One filter (Sherlock's magnifying glass) slides over the input; at each
position its weights times the pixels under it, summed, plus a bias, give one feature-map cell."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    DashedVMobject,
    Group,
    GrowArrow,
    Line,
    Rectangle,
    ReplacementTransform,
    Square,
    Transform,
    ValueTracker,
    VGroup,
    always_redraw,
    config,
    linear,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import (
    PixelImage,
    QuickFade,
    QuickMove,
    ValueGrid,
    boxed,
    cached_label,
    fade_in,
    fade_out,
    keep_on_screen,
    label,
    legend,
)
from scenes.legacy_style import fmt
from scenes.plans.terms import channel_sums, conv_terms, match_map, weight_scale

FILTER = 0  # the filter explained in detail
EXPLAINED = 3  # positions explained term by term before the sweep
NUMBER_GRID_MAX = 225  # grids up to this many cells are drawn cell by cell, larger ones as one image
TABLE_FONT = 13  # numbers in the term-by-term table
HIDDEN = np.array([24, 28, 36], dtype=np.uint8)  # a feature-map cell not computed yet
CHANNEL_NAMES = tuple(style.CHANNEL_COLOURS)


class InputChannel:
    """Colour map for one channel of the network's input (the image times ``input_scale``): the
    channel colour of the pixel it came from, as in the pixels chapter."""

    def __init__(self, colour: str, scale: float) -> None:
        self.colour, self.scale = colour, scale

    def rgb(self, values: np.ndarray) -> np.ndarray:
        return style.Channel(self.colour).rgb(np.asarray(values, dtype=np.float64) / self.scale)


def frame_of(mob, colour: str = style.HIGHLIGHT) -> Rectangle:
    """A rectangle on the bounding box of ``mob`` (cheap to animate, unlike the mob itself)."""
    rect = Rectangle(width=mob.width, height=mob.height, stroke_color=colour, stroke_width=3)
    return rect.move_to(mob)


def overlaps(a, b, pad: float = 0.0) -> bool:
    """Whether the bounding boxes of ``a`` and ``b`` (grown by ``pad``) intersect."""
    return not (
        a.get_right()[0] + pad < b.get_left()[0]
        or b.get_right()[0] + pad < a.get_left()[0]
        or a.get_top()[1] + pad < b.get_bottom()[1]
        or b.get_top()[1] + pad < a.get_bottom()[1]
    )


def number(value: float, size: float = 20, colour: str = style.TEXT, brackets: bool = False):
    """A number as on-screen text (``brackets`` wraps a negative one in parentheses)."""
    s = fmt(value)
    if brackets and s.startswith("-"):
        s = f"({s})"
    return cached_label(s, size, colour)


class TermTable(VGroup):
    """One feature-map cell spelled out: per input channel the receptive field, the weights and
    their products (with the channel's sum when there are several), then sum + bias = output.

    ``fixed`` holds what is the same at every position (weights, signs, labels), ``changing`` the
    rest, so the next position only swaps the latter."""

    def __init__(self, terms, in_cmaps, value_cmap, map_cmap, shape_hw, cell: float, names) -> None:
        super().__init__()
        self.terms = terms
        c_in = terms.patch.shape[0]
        h, w = shape_hw
        sums = channel_sums(terms)
        self.patches, self.weights, self.products, self.sums = [], [], [], []
        self.row_labels, self.pad_marks, self.signs, self.sum_bits = VGroup(), VGroup(), VGroup(), VGroup()
        rows = VGroup()
        for ch in range(c_in):
            patch = ValueGrid(terms.patch[ch], in_cmaps[ch], cell=cell, font_size=TABLE_FONT)
            weights = ValueGrid(terms.weights[ch], value_cmap, cell=cell, font_size=TABLE_FONT)
            products = ValueGrid(terms.products[ch], value_cmap, cell=cell, font_size=TABLE_FONT)
            times, equals = label("×", size=26), label("=", size=26)
            row = VGroup(patch, times, weights, equals, products).arrange(RIGHT, buff=0.16)
            self.signs.add(times, equals)
            if c_in > 1:
                colour = style.CHANNEL_COLOURS.get(names[ch], style.TEXT)
                s = number(sums[ch], size=19, colour=colour)
                self.sums.append(s)
                bit = VGroup(label("→", size=22, colour=style.MUTED), s).arrange(RIGHT, buff=0.1)
                bit.next_to(products, RIGHT, buff=0.15)
                self.sum_bits.add(bit)
                row.add(bit)
                self.row_labels.add(label(names[ch], size=22, colour=colour))
            self.patches.append(patch)
            self.weights.append(weights)
            self.products.append(products)
            rows.add(row)
        rows.arrange(DOWN, buff=0.14, aligned_edge=LEFT)
        self.rows = rows
        for name, patch in zip(self.row_labels, self.patches):
            name.next_to(patch, LEFT, buff=0.15)
        # Cells of the receptive field that lie in the padding (zeros) get a dashed tape frame.
        for patch in self.patches:
            for i in range(terms.patch.shape[1]):
                for j in range(terms.patch.shape[2]):
                    if not (0 <= terms.top + i < h and 0 <= terms.left + j < w):
                        mark = DashedVMobject(Square(cell * 0.82), num_dashes=8)
                        mark.set_stroke(style.HIGHLIGHT, width=2.5).move_to(patch.cell(i, j))
                        self.pad_marks.add(mark)
        n_products = terms.products.size
        self.headers = VGroup(
            label("receptive field", size=style.SMALL_SIZE, colour=style.MUTED).next_to(self.patches[0], UP, 0.12),
            label("filter weights", size=style.SMALL_SIZE, colour=style.MUTED).next_to(self.weights[0], UP, 0.12),
            label(f"{n_products} products", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
                self.products[0], UP, 0.12
            ),
        )
        # Bottom lines: the channel sums (or the products) added up, then the bias.
        self.total = number(terms.total, size=22, colour=style.HIGHLIGHT)
        if c_in > 1:
            pieces = [number(sums[0], size=20, colour=style.CHANNEL_COLOURS.get(names[0], style.TEXT))]
            for ch in range(1, c_in):
                colour = style.CHANNEL_COLOURS.get(names[ch], style.TEXT)
                pieces += [label("+", size=20), number(sums[ch], size=20, colour=colour, brackets=True)]
            line1 = VGroup(*pieces, label("=", size=20), self.total).arrange(RIGHT, buff=0.12)
        else:
            line1 = VGroup(label(f"sum of the {n_products} products =", size=20), self.total).arrange(RIGHT, buff=0.14)
        self.bias = number(terms.bias, size=22, brackets=True)
        self.out = ValueGrid(np.array([[terms.output]]), map_cmap, cell=0.66, font_size=17)
        self.total_again = number(terms.total, size=22, colour=style.HIGHLIGHT)
        line2 = VGroup(
            self.total_again, label("+ bias", size=20, colour=style.MUTED), self.bias, label("=", size=22), self.out
        ).arrange(RIGHT, buff=0.14)
        VGroup(line1, line2).arrange(DOWN, buff=0.16).next_to(rows, DOWN, buff=0.28)
        self.line1, self.line2 = line1, line2
        self.fixed = VGroup(*self.weights, self.signs, self.row_labels, self.headers)
        self.changing = VGroup(*self.patches, *self.products, self.sum_bits, self.pad_marks, line1, line2)
        self.add(self.fixed, self.changing)


class ConvolutionScene(ChapterScene):
    chapter_id = "convolution"
    subtitle = "Sherlock's magnifying glass hunts for a clue"

    def construct(self) -> None:
        self.title_card()
        self.prepare()
        self.show_filter()
        if self.pad > 0:
            self.show_padding()
        self.explain_positions()
        self.sweep()
        self.filter_stack()
        if not self.is_rgb:
            self.match()

    # -- data --------------------------------------------------------------------------------
    def prepare(self) -> None:
        conv = self.trace.steps_of("Conv2D")[0]
        self.conv, self.layer = conv, conv.name
        self.k, self.stride, self.pad = (conv.config[n] for n in ("kernel_size", "stride", "padding"))
        self.c_in, self.h, self.w = conv.input.shape
        self.n_filters, self.ho, self.wo = conv.output.shape
        n = min(EXPLAINED, self.ho * self.wo)
        self.positions = [divmod(i, self.wo) for i in range(n)]
        self.terms = [conv_terms(self.trace, self.layer, FILTER, r, c) for r, c in self.positions]
        self.map_cmap = style.Diverging.for_values(conv.output)
        shown = [conv.params["weight"], *[t.products for t in self.terms]]
        if not self.is_rgb:
            shown.append(conv.input)
        self.value_cmap = style.Diverging.for_values(*shown)
        if self.is_rgb:
            self.names = CHANNEL_NAMES[: self.c_in]
            self.in_cmaps = [InputChannel(style.CHANNEL_COLOURS[n], self.trace.input_scale) for n in self.names]
        else:
            self.names = tuple(f"ch {i}" for i in range(self.c_in))
            self.in_cmaps = [self.value_cmap] * self.c_in
        self.table_cell = 0.56 if self.c_in == 1 else 0.52

    def make_input(self, size: float, numbers: bool = True):
        """The input as the viewer knows it: the photo, or the grid of numbers (``size`` = height)."""
        if self.is_rgb:
            return PixelImage(self.trace.image, height=size)
        if self.h * self.w <= NUMBER_GRID_MAX and self.c_in == 1:
            return ValueGrid(self.trace.input[0], self.value_cmap, cell=size / self.h, numbers=numbers)
        return PixelImage(self.trace.input[0], self.value_cmap, height=size)

    def make_map(self, f: int, size: float):
        values = self.conv.output[f]
        if self.ho * self.wo <= NUMBER_GRID_MAX:
            return ValueGrid(values, self.map_cmap, cell=size / self.ho, numbers=False)
        img = PixelImage(values, self.map_cmap, height=size)
        img.full_rgb = img.pixel_array[:, :, :3].copy()
        return img

    def reveal(self, fmap, n: int) -> None:
        """Show the first ``n`` cells of a feature map (raster order); the rest are not computed yet."""
        if isinstance(fmap, ValueGrid):
            for i, sq in enumerate(fmap.cells):
                sq.set_fill(opacity=1.0 if i < n else 0.0)
        else:
            rgb = fmap.full_rgb.copy().reshape(-1, 3)
            rgb[n:] = HIDDEN
            fmap.pixel_array[:, :, :3] = rgb.reshape(fmap.full_rgb.shape)
        fmap.revealed = n

    def ring(self, mob) -> VGroup:
        """The padding around ``mob``: a ring of zeros with crime-scene tape along it."""
        cell = mob.width / self.w
        band = self.pad * cell
        zero = np.zeros(1)
        zero_rgb = (
            style.Channel(style.CHANNEL_COLOURS["R"]).rgb(zero)[0] if self.is_rgb else self.value_cmap.rgb(zero)[0]
        )
        outer = Rectangle(width=mob.width + 2 * band, height=mob.height + 2 * band, stroke_width=0)
        outer.set_fill(style.rgb_hex(zero_rgb), opacity=1).move_to(mob)
        mid = Rectangle(width=mob.width + band, height=mob.height + band).move_to(mob)
        tape = DashedVMobject(mid, num_dashes=4 * (self.w + self.h) // 2, dashed_ratio=0.5)
        tape.set_stroke(style.HIGHLIGHT, width=max(1.0, 100 * band * 0.55))
        return VGroup(outer, tape)

    def window(self, mob, top: int, left: int) -> Rectangle:
        """The frame around the k x k input cells whose top-left is (top, left); may reach into padding."""
        cell = mob.width / self.w
        rect = Rectangle(width=self.k * cell, height=self.k * cell, stroke_color=style.HIGHLIGHT, stroke_width=5)
        half = (self.k - 1) / 2
        return rect.move_to(mob.cell_center(top + half, left + half))

    def glass(self, rect: Rectangle) -> VGroup:
        """A magnifying glass: the window with a handle."""
        corner = rect.get_corner(DOWN + RIGHT)
        handle = Line(corner, corner + np.array([0.32, -0.32, 0]), color=style.HIGHLIGHT, stroke_width=9)
        return VGroup(rect, handle)

    def map_target(self, fmap, r: int, c: int) -> Square:
        return Square(fmap.width / self.wo, stroke_color=style.HIGHLIGHT, stroke_width=4).move_to(
            fmap.cell_center(r, c)
        )

    # -- steps -------------------------------------------------------------------------------
    def hold(self, start: float, seconds: float) -> None:
        """Wait until ``seconds`` after ``start`` (the caption's time is up)."""
        target = start + seconds
        while self.time < target - 1e-6:  # frames round the clock, so wait in whole frames until then
            self.wait(max(target - self.time, 1 / config.frame_rate))

    def show_filter(self) -> None:
        self.step("filter")
        # Input on the left, feature map on the right, the term table in between.
        if self.is_rgb:
            inp = self.make_input(2.3)
            inp.move_to([-6.85 + inp.width / 2 + self.pad * inp.width / self.w, 2.75 - inp.height / 2 - 0.1, 0])
            fmap = self.make_map(FILTER, 3.0)
        else:
            inp = self.make_input(min(4.0, 0.33 * self.h))
            inp.move_to([-6.85 + inp.width / 2, -0.2, 0])
            fmap = self.make_map(FILTER, min(3.3, 0.33 * self.ho))
        fmap.move_to([6.85 - fmap.width / 2, -0.2, 0])
        self.reveal(fmap, 0)
        self.input_mob, self.fmap = inp, fmap
        self.map_frame = Rectangle(width=fmap.width, height=fmap.height, stroke_color=style.GRID_LINE, stroke_width=2)
        self.map_frame.move_to(fmap)
        ch = f" × {self.c_in}" if self.c_in > 1 else ""
        self.input_label = label(f"input {self.h} × {self.w}{ch}", size=style.SMALL_SIZE, colour=style.MUTED)
        self.input_label.next_to(inp, DOWN, buff=0.15 + self.pad * inp.width / self.w)
        self.map_label = label(f"feature map {self.ho} × {self.wo}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
            fmap, UP, buff=0.15
        )

        table = TermTable(
            self.terms[0], self.in_cmaps, self.value_cmap, self.map_cmap, (self.h, self.w), self.table_cell, self.names
        )
        self.place_table(table)
        self.table = table

        start = self.time
        n_w = self.conv.params["weight"][FILTER].size
        self.caption(
            "A filter is Sherlock's magnifying glass: a small grid of weights that looks for one kind of clue.", 5
        )
        self.play(QuickFade(inp), QuickFade(self.input_label), run_time=0.8)
        self.play(*fade_in(*table.weights, table.headers[1], table.row_labels), run_time=1)
        self.play(Create(self.map_frame), QuickFade(fmap), QuickFade(self.map_label), run_time=0.8)
        self.hold(start, 5)
        if self.c_in > 1:
            start = self.time
            self.caption(
                f"The photo has {self.c_in} colour layers, so the glass has {self.c_in} layers too: "
                f"{n_w} weights in all.",
                4,
            )
            layers = [frame_of(g).scale(1.08) for g in table.weights]
            self.play(*[Create(f) for f in layers], run_time=0.8)
            self.play(*fade_out(*layers), run_time=0.4)
            self.hold(start, 4)

    def place_table(self, table: TermTable) -> None:
        """Centre the table between the input and the feature map, shrinking it only if it must."""
        left = self.input_mob.get_right()[0] + self.pad * self.input_mob.width / self.w + 0.3
        right = self.fmap.get_left()[0] - 0.3
        if table.width > right - left:
            table.scale_to_fit_width(right - left)
        top, bottom = 2.95, -3.55
        if table.height > top - bottom:
            table.scale_to_fit_height(top - bottom)
        table.move_to([(left + right) / 2, (top + bottom) / 2, 0])
        self.table_cell_shown = table.patches[0].width / self.k  # the cell size after any shrinking

    def show_padding(self) -> None:
        self.step("padding")
        ring = self.ring(self.input_mob)
        self.ring_mob = ring
        note = label("padding: a ring of zeros\n(crime-scene tape)", size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
        note.next_to(self.input_label, DOWN, buff=0.15)
        keep_on_screen(note)
        self.padding_note = note
        start = self.time
        self.caption(
            "At the edge the glass would hang off the photo, so we tape a ring of zeros around it: that is padding.",
            5,
        )
        self.add(ring, self.input_mob)  # the ring sits behind the photo
        self.play(QuickFade(ring), QuickFade(note), run_time=1.2)
        self.hold(start, 5)

    def explain_positions(self) -> None:
        self.step("first")
        inp, fmap, table = self.input_mob, self.fmap, self.table
        self.explained = []
        t0 = self.terms[0]
        rect = self.window(inp, t0.top, t0.left)
        glass = self.glass(rect)
        target = self.map_target(fmap, t0.row, t0.col)
        block = f"{self.k} × {self.k}" + (f" × {self.c_in}" if self.c_in > 1 else "")
        start = self.time
        self.caption(f"Put the glass on the top-left corner. The {block} patch under it is its receptive field.", 4)
        self.play(Create(glass), run_time=0.8)
        self.play(
            *[Transform(rect.copy(), frame_of(p), remover=True) for p in table.patches],
            *fade_in(*table.patches, table.headers[0]),
            run_time=1.3,
        )
        if len(table.pad_marks):
            self.play(Create(table.pad_marks), run_time=0.6)
        self.hold(start, 4)

        start = self.time
        self.caption(f"Multiply each pixel by the weight on top of it: {t0.products.size} products.", 4)
        self.play(QuickFade(table.signs), run_time=0.5)
        self.play(
            *[Transform(frame_of(p), frame_of(q), remover=True) for p, q in zip(table.patches, table.products)],
            *[Transform(frame_of(w), frame_of(q), remover=True) for w, q in zip(table.weights, table.products)],
            *fade_in(*table.products, table.headers[2]),
            run_time=1.5,
        )
        self.hold(start, 4)

        start = self.time
        self.caption(
            "Add them all up, add the filter's bias, and out comes one number: one cell of the feature map.", 6
        )
        if len(table.sum_bits):
            self.play(QuickFade(table.sum_bits, shift=RIGHT * 0.2), run_time=0.8)
        self.play(QuickFade(table.line1, shift=RIGHT * 0.2), run_time=1)
        self.play(QuickFade(table.line2), run_time=1)
        self.land(table, target, 1)
        self.explained.append({"terms": t0, "window": rect.copy(), "table": table})
        self.hold(start, 6)

        if len(self.terms) > 1:
            self.step("stride")
            per = 3.2
            start = self.time
            self.caption(
                f"Stride {self.stride}: slide the glass {self.stride} pixel to the right and do the same sums again.",
                per * (len(self.terms) - 1),
            )
            for i, t in enumerate(self.terms[1:], start=2):
                new_rect = self.window(inp, t.top, t.left)
                new_glass = self.glass(new_rect)
                new_table = TermTable(
                    t, self.in_cmaps, self.value_cmap, self.map_cmap, (self.h, self.w), self.table_cell, self.names
                )
                new_table.scale(self.table_cell_shown / self.table_cell)
                new_table.shift(table.rows.get_corner(UP + LEFT) - new_table.rows.get_corner(UP + LEFT))
                new_target = self.map_target(fmap, t.row, t.col)
                self.remove(*table.fixed.get_family())
                self.add(new_table.fixed)
                self.play(
                    ReplacementTransform(glass, new_glass),
                    QuickFade(table.changing, appear=False),
                    QuickFade(new_table.changing),
                    ReplacementTransform(target, new_target),
                    run_time=0.9,
                )
                glass, table, target, rect = new_glass, new_table, new_target, new_rect
                self.land(table, target, i)
                self.explained.append({"terms": t, "window": rect.copy(), "table": table})
                self.wait(1.2)
            self.hold(start, per * (len(self.terms) - 1))
        self.table, self.glass_mob, self.target = table, glass, target

    def land(self, table: TermTable, target: Square, n: int) -> None:
        """Fly the output cell into the feature map and reveal the first ``n`` map cells."""
        if target not in self.mobjects:
            self.play(Create(target), run_time=0.3)
        flying = table.out.cells[0].copy()
        self.play(
            flying.animate.move_to(target).scale(target.width / flying.width),
            run_time=0.8,
        )
        self.reveal(self.fmap, n)
        self.remove(flying)

    def sweep(self) -> None:
        self.step("sweep")
        inp, fmap = self.input_mob, self.fmap
        n_total = self.ho * self.wo
        done = len(self.terms)
        ring = getattr(self, "ring_mob", None)
        note = getattr(self, "padding_note", None)
        left_group = Group(*(m for m in (ring, inp) if m is not None))
        c0, h0 = inp.get_center().copy(), inp.height
        size = 4.4
        scale_in = size / inp.height
        start = self.time
        fade = fade_out(self.table, self.glass_mob, self.target)
        if note is not None:
            fade.append(QuickFade(note, appear=False))
        self.play(*fade, *fade_out(self.input_label, self.map_label), run_time=0.6)
        map_group = Group(fmap, self.map_frame)
        self.play(
            QuickMove(left_group, [style.LEFT_X - 0.3, -0.15, 0], scale_in),
            QuickMove(map_group, [style.RIGHT_X + 0.5, -0.15, 0], size / fmap.height),
            run_time=1,
        )
        for e in self.explained:  # the explained windows (gone from the screen) keep fitting the input
            e["window"].scale(inp.height / h0, about_point=c0).shift(inp.get_center() - c0)
        self.input_label.next_to(inp, DOWN, buff=0.12 + self.pad * inp.width / self.w)
        self.map_label.next_to(fmap, UP, buff=0.15)
        self.add(self.input_label, self.map_label)

        tracker = ValueTracker(done)

        def index() -> int:
            return min(int(tracker.get_value()), n_total - 1)

        def cell_of(i: int) -> tuple[int, int]:
            return divmod(i, self.wo)

        def window_at(i: int) -> Rectangle:
            r, c = cell_of(i)
            return self.window(inp, r * self.stride - self.pad, c * self.stride - self.pad)

        rect = window_at(index())
        glass = self.glass(rect)
        glass.add_updater(lambda m: m.shift(window_at(index()).get_center() - m[0].get_center()))
        marker = self.map_target(fmap, *cell_of(index()))
        marker.add_updater(lambda m: m.move_to(fmap.cell_center(*cell_of(index()))))

        def readout():
            r, c = cell_of(index())
            t = label(
                f"row {r}, col {c}:  {fmt(self.conv.output[FILTER, r, c])}", size=style.SMALL_SIZE, colour=style.TEXT
            )
            return t.next_to(fmap, DOWN, buff=0.15)

        text = always_redraw(readout)
        fmap.add_updater(lambda m: self.reveal(m, min(int(tracker.get_value()) + 1, n_total)))
        sweep_time = 7.0 if n_total > 200 else 6.0
        start = self.time
        self.caption(
            "Then it keeps sliding, row by row, one pixel at a time, and the feature map fills up cell by cell.",
            sweep_time + 0.6,
        )
        self.add(glass, marker, text)
        self.play(tracker.animate.set_value(n_total), run_time=sweep_time, rate_func=linear)
        for m in (glass, marker, fmap):
            m.clear_updaters()
        self.reveal(fmap, n_total)
        self.hold(start, sweep_time + 0.6)

        start = self.time
        vmax = self.map_cmap.vmax
        key = legend(self.map_cmap, -vmax, vmax, width=3.0, ticks=(-vmax, 0, vmax))
        key.next_to(fmap, DOWN, buff=0.55)
        key_note = label("clue found →", size=style.SMALL_SIZE, colour=style.POSITIVE).next_to(key, UP, buff=0.08)
        key_note.align_to(key, RIGHT)
        self.map_legend = key
        self.caption(
            "This is the feature map: orange where the clue was found, blue where the patch looks like its opposite.",
            5,
        )
        self.play(*fade_out(glass, marker, text), run_time=0.5)
        self.play(QuickFade(key), QuickFade(key_note), run_time=0.8)
        self.hold(start, 5)

    def filter_stack(self) -> None:
        self.step("filters")
        self.clear_content()
        weights = self.conv.params["weight"]
        f_count = self.n_filters
        inp = self.make_input(2.2, numbers=False)
        x0, x1 = -4.2, 6.85
        col_w = (x1 - x0) / f_count
        cell_w = min(0.5, (col_w - 0.3) / (self.c_in * self.k + 0.4 * (self.c_in - 1)))
        # Columns run from y 2.85 down to about -2.25, leaving room for the summary and the legend below.
        map_size = min(col_w - 0.35, 3.6, 2.85 + 2.25 - 0.75 - self.k * cell_w)
        show_numbers = cell_w >= 0.45
        self.stack = []
        columns = Group()
        for f in range(f_count):
            grids = [
                ValueGrid(weights[f, ch], self.value_cmap, cell=cell_w, numbers=show_numbers, font_size=TABLE_FONT)
                for ch in range(self.c_in)
            ]
            if self.c_in > 1:  # each layer of the glass framed in its channel's colour
                for g, n in zip(grids, self.names):
                    g.add(frame_of(g, style.CHANNEL_COLOURS.get(n, style.MUTED)).set_stroke(width=2))
            wgroup = VGroup(*grids).arrange(RIGHT, buff=0.4 * cell_w)
            head = label(f"filter {f}", size=style.SMALL_SIZE, colour=style.HIGHLIGHT if f == FILTER else style.TEXT)
            fmap = self.make_map(f, map_size)
            col = Group(head, wgroup, fmap).arrange(DOWN, buff=0.2)
            col.move_to([x0 + col_w * (f + 0.5), 0.0, 0])
            columns.add(col)
            self.stack.append({"filter": f, "weights": grids, "map": fmap})
        summary = label(
            f"{self.layer} output: {f_count} feature maps of {self.ho} × {self.wo}",
            size=style.LABEL_SIZE,
            colour=style.TEXT,
        ).next_to(columns, DOWN, buff=0.35)
        vmax = self.map_cmap.vmax
        key = legend(self.map_cmap, -vmax, vmax, width=3.0, ticks=(-vmax, 0, vmax)).next_to(summary, DOWN, buff=0.2)
        # The whole block sits in the middle of the space under the header; the input faces the maps.
        block = Group(columns, summary, key)
        block.shift(UP * ((2.85 - 3.6) / 2 - block.get_center()[1]))
        inp.move_to([-5.7, columns[0][2].get_center()[1], 0])
        parts = [self.ring(inp), inp] if self.pad > 0 else [inp]
        in_label = label("input", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
            inp, DOWN, buff=0.15 + self.pad * inp.width / self.w
        )
        same = label("same input,\ndifferent glasses", size=style.SMALL_SIZE, colour=style.MUTED)
        same.next_to(in_label, DOWN, buff=0.3)
        self.stack_summary, self.stack_legend = summary, key
        start = self.time
        self.caption(
            f"Each filter is another glass looking for its own clue: {f_count} filters, {f_count} feature maps.",
            5,
        )
        self.play(QuickFade(Group(*parts)), QuickFade(in_label), QuickFade(same), run_time=0.7)
        self.play(*[QuickFade(col[0]) for col in columns], *[QuickFade(col[1]) for col in columns], run_time=1.2)
        self.play(*[QuickFade(col[2], shift=RIGHT * 0.2) for col in columns], run_time=1.2)
        self.hold(start, 5)
        start = self.time
        self.caption(
            f"Stacked together they are what this layer hands on: {f_count} × {self.ho} × {self.wo} numbers.", 4
        )
        self.play(QuickFade(summary, shift=UP * 0.2), QuickFade(key), run_time=0.8)
        self.hold(start, 4)

    def match(self) -> None:
        self.step("match")
        self.clear_content()
        mm = match_map(self.trace, self.layer)[FILTER]
        r, c = np.unravel_index(int(np.argmax(mm)), mm.shape)  # where the story points
        r, c = int(r), int(c)
        terms = conv_terms(self.trace, self.layer, FILTER, r, c)
        scale = weight_scale(terms)
        self.match_terms, self.match_cell = terms, (r, c)

        inp = self.input_mob.copy()  # copying the grid is quicker than building it again
        inp.scale(min(3.3, 0.28 * self.h) / inp.height)
        inp.move_to([-6.85 + inp.width / 2, 1.0, 0])
        self.match_input = inp
        rect = self.window(inp, terms.top, terms.left)
        self.match_window = rect
        wgrid = ValueGrid(terms.weights[0], self.value_cmap, cell=0.5, font_size=TABLE_FONT)
        whead = label(f"filter {FILTER}", size=style.SMALL_SIZE, colour=style.HIGHLIGHT)
        wcol = VGroup(whead, wgrid).arrange(DOWN, buff=0.12).next_to(inp, RIGHT, buff=0.5).align_to(inp, UP)

        cell = min(0.52, 5.2 / max(self.ho, self.wo))
        grid = ValueGrid(mm, style.Diverging(1.0), cell=cell, digits=2, font_size=min(14, 0.8 * cell / (0.0082 * 5)))
        grid.move_to([6.85 - grid.width / 2, 0.25, 0])
        self.match_grid = grid
        title = label("match map: sum ÷ Σ|w|", size=style.SMALL_SIZE, colour=style.MUTED).next_to(grid, UP, buff=0.12)
        key = legend(style.Diverging(1.0), -1, 1, width=3.0, ticks=(-1, 0, 1)).next_to(grid, DOWN, buff=0.2)
        self.match_legend = key
        box = grid.window(r, c, 1, 1, colour=style.HIGHLIGHT, width=5)

        self.match_total = number(terms.total, size=22, colour=style.HIGHLIGHT)
        self.match_scale = number(scale, size=22)
        self.match_value = number(terms.match, size=26, colour=style.HIGHLIGHT)
        rows = VGroup(
            VGroup(label("sum of products", size=20, colour=style.MUTED), self.match_total).arrange(RIGHT, buff=0.2),
            VGroup(label("÷  Σ|w|", size=20, colour=style.MUTED), self.match_scale).arrange(RIGHT, buff=0.2),
            VGroup(label("= match", size=20, colour=style.MUTED), self.match_value).arrange(RIGHT, buff=0.2),
        )
        for row in rows:
            row.arrange(RIGHT, buff=0.2)
        rows.arrange(DOWN, buff=0.15, aligned_edge=RIGHT)
        note = label(
            f"with +1/−1 weights this is just\nthe average of the {terms.products.size} products",
            size=style.SMALL_SIZE,
            colour=style.MUTED,
        )
        panel = boxed(rows, note)
        panel.next_to(inp, DOWN, buff=0.35).align_to(inp, LEFT)
        keep_on_screen(panel)
        perfect = bool(np.isclose(terms.match, 1.0))
        tag_text = "1 = perfect match" if perfect else f"best match: {fmt(terms.match)}"
        tag = label(tag_text, size=20, colour=style.HIGHLIGHT)
        # The arrow points along the cell's row and stops at the map's edge, so it hides no numbers.
        row_y = box.get_center()[1]
        tag.next_to([grid.get_left()[0] - 0.7, row_y, 0], LEFT, buff=0.1)
        if overlaps(tag, wcol, 0.05):  # keep clear of the filter's weights
            right = tag.get_right()[0]
            tag.next_to(wcol, DOWN, buff=0.3)
            tag.shift(RIGHT * (right - tag.get_right()[0]))
        keep_on_screen(tag)
        arrow = Arrow(tag.get_right(), [grid.get_left()[0], row_y, 0], buff=0.08, color=style.HIGHLIGHT, stroke_width=4)
        self.match_arrow, self.match_box = arrow, box

        start = self.time
        self.caption(
            "How good is a match? Divide the sum by the total size of the weights: the score lands between -1 and 1.",
            6,
        )
        self.play(QuickFade(inp), QuickFade(wcol), run_time=0.7)
        self.play(QuickFade(grid.cells), QuickFade(title), QuickFade(key), run_time=0.8)
        self.play(QuickFade(grid.numbers), run_time=1.2)
        self.hold(start, 6)

        start = self.time
        self.caption(
            "A 1 is a perfect match: the patch has exactly the filter's pattern of plus and minus."
            if perfect
            else "The closer to 1, the closer the patch is to the filter's pattern of plus and minus.",
            6,
        )
        self.play(Create(rect), Create(box), run_time=0.7)
        self.play(QuickFade(panel), run_time=0.8)
        self.play(QuickFade(tag), GrowArrow(arrow), run_time=0.8)
        self.hold(start, 6)
