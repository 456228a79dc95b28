"""Chapter 5: flatten. The last pooled maps unroll, row by row, into one long vector of evidence."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    LaggedStart,
    Line,
    Rectangle,
    ReplacementTransform,
    SurroundingRectangle,
    Triangle,
    VGroup,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import NeuronColumn, ValueGrid, boxed, keep_on_screen, label, legend

STRIP_HEIGHT = 5.6  # the whole flattened vector, drawn as one thin column of coloured slices
STRIP_WIDTH = 0.32
STRIP_X = 0.3
COLUMN_X = 2.35  # the zoomed column with readable numbers
CONTENT_Y = -0.35  # vertical centre of the content below the header


class Strip(VGroup):
    """A long vector as a thin column of coloured slices, entry 0 at the top (every entry drawn)."""

    def __init__(self, values: np.ndarray, cmap, width: float = STRIP_WIDTH, height: float = STRIP_HEIGHT) -> None:
        super().__init__()
        self.values = np.array(values, dtype=np.float64).ravel()
        self.rgb = cmap.rgb(self.values)
        n = len(self.values)
        self.slice_height = height / n
        self.frame = Rectangle(width=width, height=height, stroke_color=style.GRID_LINE, stroke_width=1.5)
        self.cells = VGroup()
        for i in range(n):
            r = Rectangle(width=width, height=self.slice_height, stroke_width=0)
            r.set_fill(style.rgb_hex(self.rgb[i]), opacity=1).move_to(
                [0, height / 2 - (i + 0.5) * self.slice_height, 0]
            )
            self.cells.add(r)
        self.add(self.cells, self.frame)

    def part(self, start: int, stop: int) -> VGroup:
        return VGroup(*self.cells[start:stop])

    def point(self, index: float, side=LEFT) -> np.ndarray:
        """A point on the strip's ``side`` edge at the height of entry ``index`` (fractions allowed)."""
        top = self.frame.get_top()[1]
        x = self.frame.get_left()[0] if side is LEFT else self.frame.get_right()[0]
        return np.array([x, top - index * self.slice_height, 0.0])


class FlattenScene(ChapterScene):
    chapter_id = "flatten"
    subtitle = "Every clue in one long line"

    def construct(self) -> None:
        self.title_card()
        flat_step = self.trace.steps_of("Flatten")[0]
        self.pooled = flat_step.input  # (C, H, W): the maps the Flatten step receives
        names = [s.name for s in self.trace.steps]
        self.source_name = names[names.index(flat_step.name) - 1] if names.index(flat_step.name) > 0 else "input"
        self.flat = self.trace.flat
        self.cmap = style.Diverging.for_values(self.pooled, self.flat)
        self.show_maps()
        self.unroll_first_row()
        self.unroll_other_rows()
        self.stack_other_maps()
        self.line_up()

    def narrate(self, text: str, seconds: float) -> None:
        """A caption for the ``seconds`` of animation that follow (a little shorter, so that frame
        rounding never lets two captions overlap)."""
        self.caption(text, seconds - 0.15)

    # -- the maps ----------------------------------------------------------------------------
    def show_maps(self) -> None:
        c, h, w = self.pooled.shape
        self.step("maps")
        cols = 1 if c <= 3 else 2
        rows = -(-c // cols)
        side = min(1.6, (5.6 - 0.42 * rows) / rows)
        small = []
        for k in range(c):
            g = ValueGrid(self.pooled[k], self.cmap, cell=side / w, numbers=False)
            tag = label(f"map {k}", size=14, colour=style.MUTED).next_to(g, UP, buff=0.06)
            small.append(VGroup(g, tag))
        block = VGroup(*small).arrange_in_grid(rows=rows, cols=cols, buff=(0.25, 0.12))
        block.move_to([-5.7, CONTENT_Y - 0.1, 0])
        self.small_maps = [m[0] for m in small]
        title = label(f"{self.source_name}: {c} maps", size=style.SMALL_SIZE, colour=style.TEXT)
        title.next_to(block, UP, buff=0.12)
        self.narrate(
            f"After the last pooling, Sherlock holds {c} maps of clues, each {h} by {w}: too many piles for a jury.",
            5,
        )
        self.play(FadeIn(block, lag_ratio=0.05), FadeIn(title), run_time=1.5)
        self.wait(3.5)

        # Map 0, big enough to read every number.
        cell = min(0.6, 3.5 / w)
        big = ValueGrid(self.pooled[0], self.cmap, cell=cell, digits=2)
        big.move_to([-2.3, CONTENT_Y + 0.25, 0])
        big_title = label("map 0", size=style.LABEL_SIZE, colour=style.HIGHLIGHT).next_to(big, UP, buff=0.15)
        lo = 0.0 if self.flat.min() >= 0 else -self.cmap.vmax
        key = legend(self.cmap, lo, self.cmap.vmax, width=min(2.6, big.width)).next_to(big, DOWN, buff=0.3)
        self.big, self.key = big, key
        strip = Strip(self.flat, self.cmap).move_to([STRIP_X, CONTENT_Y, 0])
        self.strip = strip
        seps = VGroup()
        for k in range(1, c):
            y = strip.point(k * h * w)[1]
            seps.add(Line([STRIP_X - 0.26, y, 0], [STRIP_X + 0.26, y, 0], color=style.MUTED, stroke_width=1.5))
        self.separators = seps
        strip_title = label(f"{len(self.flat)} numbers", size=style.SMALL_SIZE).next_to(strip.frame, UP, buff=0.12)
        self.strip_title = strip_title
        self.narrate("Take map 0 first. Its numbers are the clues the filters found, kept by pooling.", 4)
        self.map_frame = self.small_maps[0].window(0, 0, h, w, width=3)
        self.play(
            ReplacementTransform(self.small_maps[0].copy(), big),
            FadeIn(big_title),
            FadeIn(key),
            Create(self.map_frame),
            run_time=1.3,
        )
        self.play(Create(strip.frame), FadeIn(strip_title), run_time=0.8)
        self.wait(1.9)
        self.big_title = big_title

    # -- map 0, row 0, with readable numbers --------------------------------------------------------
    def unroll_first_row(self) -> None:
        c, h, w = self.pooled.shape
        self.step("row-0")
        keep = 2 * w * max(1, 14 // (2 * w)) if w <= 8 else 14
        slots = keep + 1
        spacing = min(0.5, 5.4 / slots)
        column = NeuronColumn(
            self.flat, self.cmap, radius=min(0.15, spacing * 0.4), max_visible=keep, spacing=spacing, numbers=True
        )
        column.move_to([COLUMN_X, CONTENT_Y, 0])
        column.shift(RIGHT * (COLUMN_X - column.neurons.get_center()[0]))
        self.column = column
        self.index_labels = VGroup()
        for dot, i in zip(column.neurons, column.shown):
            self.index_labels.add(label(f"#{i}", size=14, colour=style.MUTED).next_to(dot, LEFT, buff=0.15))
        head = len(column.shown) // 2  # entries 0 .. head-1 are drawn at the top
        self.head = head

        row_box = self.big.window(0, 0, 1, w)
        self.row_box = row_box
        zoom_top = VGroup(
            Line(
                self.strip.point(0, RIGHT),
                column.neurons[0].get_center() + LEFT * 0.75 + UP * spacing / 2,
                color=style.MUTED,
                stroke_width=1,
            ),
            Line(
                self.strip.point(head, RIGHT),
                column.neurons[head - 1].get_center() + LEFT * 0.75 + DOWN * spacing / 2,
                color=style.MUTED,
                stroke_width=1,
            ),
        )
        self.narrate(f"Flatten reads it like a page: row 0, left to right, becomes entries #0 to #{w - 1}.", 5)
        self.play(GrowFromCenter(row_box), run_time=0.6)
        sources = [self.big.cell(0, j).copy() for j in range(w)]
        numbers = [self.big.number(0, j).copy() for j in range(w)]
        head_rows = min(w, head)
        self.play(
            ReplacementTransform(VGroup(*[s.copy() for s in sources]), self.strip.part(0, w)),
            *[ReplacementTransform(sources[j], column.neurons[j]) for j in range(head_rows)],
            *[ReplacementTransform(numbers[j], column.numbers[j]) for j in range(head_rows)],
            *[FadeIn(self.index_labels[j]) for j in range(head_rows)],
            run_time=2,
        )
        if head > w:  # the zoom shows more than one row: its next entries follow the same way
            extra = range(w, head)
            self.play(
                *[FadeIn(column.neurons[i]) for i in extra],
                *[FadeIn(column.numbers[i]) for i in extra],
                *[FadeIn(self.index_labels[i]) for i in extra],
                run_time=0.6,
            )
        self.play(Create(zoom_top), run_time=0.6)
        self.zoom_lines = VGroup(zoom_top)
        self.wait(1.8)

    # -- the rest of map 0 ----------------------------------------------------------------------
    def unroll_other_rows(self) -> None:
        c, h, w = self.pooled.shape
        self.step("rows")
        self.narrate(f"Row 1 goes right under it, then row 2, down to row {h - 1}: map 0 is now one column.", 5)
        per_row = min(0.6, 3.6 / max(h - 1, 1))
        for r in range(1, h):
            cells = VGroup(*[self.big.cell(r, j).copy() for j in range(w)])
            self.play(
                self.row_box.animate.move_to(self.big.window(r, 0, 1, w)),
                ReplacementTransform(cells, self.strip.part(r * w, (r + 1) * w)),
                run_time=per_row,
            )
        self.wait(max(0.0, 5 - per_row * (h - 1)))

    # -- the other maps ---------------------------------------------------------------------------
    def stack_other_maps(self) -> None:
        c, h, w = self.pooled.shape
        n = len(self.flat)
        self.step("stack")
        size = h * w
        last = c - 1
        self.narrate(f"The other maps follow the same way, each stacked under the last, up to map {last}.", 4.5)
        moves = [
            ReplacementTransform(self.small_maps[k].cells.copy(), self.strip.part(k * size, (k + 1) * size))
            for k in range(1, c)
        ]
        self.play(FadeOut(self.row_box), FadeOut(self.map_frame), Create(self.separators), run_time=0.5)
        if moves:
            self.play(LaggedStart(*moves, lag_ratio=0.35), run_time=min(3.5, 0.8 + 0.45 * len(moves)))
        self.wait(max(0.0, 4.0 - min(3.5, 0.8 + 0.45 * len(moves))))

        col = self.column
        head = self.head
        tail = list(range(head, len(col.shown)))
        sp = abs(col.neurons[1].get_center()[1] - col.neurons[0].get_center()[1])
        first_tail = col.shown[tail[0]]
        zoom_bottom = VGroup(
            Line(
                self.strip.point(first_tail, RIGHT),
                col.neurons[tail[0]].get_center() + LEFT * 0.75 + UP * sp / 2,
                color=style.MUTED,
                stroke_width=1,
            ),
            Line(
                self.strip.point(n, RIGHT),
                col.neurons[tail[-1]].get_center() + LEFT * 0.75 + DOWN * sp / 2,
                color=style.MUTED,
                stroke_width=1,
            ),
        )
        self.zoom_lines.add(zoom_bottom)
        self.narrate(
            f"The last entries, #{first_tail} to #{n - 1}, are the bottom row of map {last}. The middle is folded "
            "away, but every entry keeps its place.",
            5.5,
        )
        self.play(
            FadeIn(col.ellipsis),
            *[FadeIn(col.neurons[i], shift=LEFT * 0.3) for i in tail],
            *[FadeIn(col.numbers[i], shift=LEFT * 0.3) for i in tail],
            *[FadeIn(self.index_labels[i]) for i in tail],
            Create(zoom_bottom),
            run_time=1.5,
        )
        # the column is whole now: one mobject rather than its loose parts
        self.remove(*col.neurons, *col.numbers, col.ellipsis)
        self.add(col)
        self.wait(4)

    # -- the line-up for the jury -------------------------------------------------------------
    def line_up(self) -> None:
        c, h, w = self.pooled.shape
        n = len(self.flat)
        self.step("line-up")
        total = label(f"{c} × {h} × {w} = {n}", size=26, colour=style.HIGHLIGHT)
        note = label("numbers in one line,\nnone lost, none added", size=style.SMALL_SIZE, colour=style.MUTED)
        summary = boxed(total, note).move_to([5.2, 1.6, 0])
        keep_on_screen(summary)
        self.summary = summary
        self.narrate(
            f"Like Sherlock laying every clue side by side for the jury: {n} numbers in one line, in a fixed order.",
            5,
        )
        self.play(FadeIn(summary, shift=LEFT * 0.2), run_time=0.8)
        self.wait(4.2)

        # Where did the strongest clue go? Its place in the line follows from (map, row, column).
        k = int(np.argmax(self.flat))
        m, r, col = (int(v) for v in np.unravel_index(k, self.pooled.shape))
        self.strongest = (k, m, r, col)
        marker = Triangle(color=style.HIGHLIGHT, fill_opacity=1, stroke_width=0).scale(0.1).rotate(-np.pi / 2)
        marker.next_to(self.strip.point(k + 0.5, LEFT), LEFT, buff=0.04)
        spot = self.small_maps[m].window(r, col, 1, 1, width=4)
        value = label(f"#{k} = {style.fmt(self.flat[k])}", size=24, colour=style.HIGHLIGHT)
        where = label(f"map {m}, row {r}, col {col}", size=style.SMALL_SIZE, colour=style.TEXT)
        clue = boxed(value, where).next_to(summary, DOWN, buff=0.45)
        keep_on_screen(clue)
        self.marker, self.spot, self.clue, self.clue_value = marker, spot, clue, value
        self.narrate(
            f"The strongest clue, {style.fmt(self.flat[k])}, sat in map {m}, row {r}, column {col}. In the line it is "
            f"entry #{k}, and it always will be.",
            5.5,
        )
        self.play(GrowFromCenter(spot), FadeIn(marker, shift=RIGHT * 0.2), FadeIn(clue, shift=LEFT * 0.2), run_time=1)
        self.wait(4.5)
        self.narrate("Now the jury can weigh each clue in turn.", 3)
        frame = SurroundingRectangle(VGroup(self.column, self.index_labels), color=style.HIGHLIGHT, buff=0.12)
        self.jury_frame = frame
        self.play(Create(frame), run_time=0.8)
        self.wait(2.2)
