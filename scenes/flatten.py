"""Chapter: flatten. The last maps are read like a book, row by row and map by map, into one long
line of evidence."""

from __future__ import annotations

from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Create,
    Group,
    GrowFromCenter,
    LaggedStart,
    Rectangle,
    ReplacementTransform,
    Transform,
    VGroup,
)

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.parts import Grid, NumberCells, QuickFade, boxed, fade_in, fade_out, frame_of, label, wrapped
from scenes.parts.maps import map_view, tiles_in
from scenes.parts.page import VectorPage
from scenes.plans.colour import rgb_hex
from scenes.plans.flatten import plan

NUMBER_SIZE = 24  # points of the readable map's numbers at 16:9
FILL = 0.85  # of a cell its widest number takes
SLOT = 1.0  # largest height of one line of the page (a map's thumbnail sits beside it)
LINE = 0.5  # of that height the line itself takes


class FlattenScene(ChapterScene):
    chapter_id = "flatten"
    subtitle = N_("Every clue in one long line")

    def construct(self) -> None:
        self.plan = p = plan(self.story)
        self.title_card()
        c, h, w = p.shape
        self.rig()

        self.section("maps")
        with self.beat(p.intro):
            self.play(*fade_in(self.tiles), run_time=style.NORMAL)

        self.section("read")
        with self.beat(p.read):
            self.play(
                *[ReplacementTransform(t, m) for t, m in zip(self.tiles.views, self.minis)],
                *fade_out(*self.tiles.names),
                run_time=style.NORMAL,
            )
            self.page.reveal(0)
            self.play(*fade_in(self.page, self.page_title), run_time=style.QUICK)
            self.play(
                ReplacementTransform(self.minis[0].copy(), self.big), *fade_in(self.big_title), run_time=style.NORMAL
            )

        self.section("row-1")
        self.row_frame = self.big.window(0, 0, 1, w)
        with self.beat(p.first_row):
            self.play(GrowFromCenter(self.row_frame), run_time=style.QUICK)
            self.unroll(0, style.SLOW)

        self.section("rows")
        with self.beat(p.rows) as b:
            per = (b.left - style.QUICK) / max(h - 1, 1)
            for r in range(1, h):
                self.unroll(r, per)

        self.section("stack")
        with self.beat(p.stack) as b:
            self.play(*fade_out(self.row_frame, self.cursor), run_time=style.QUICK)
            moves = [self.fly(self.minis[m].cells, m * h * w) for m in range(1, c)]
            if moves:
                self.play(LaggedStart(*moves, lag_ratio=0.3), run_time=max(style.NORMAL, b.left - style.NORMAL))
            self.page.reveal(len(p.flat))
            self.play(*fade_in(*self.ranges), run_time=style.QUICK)

        self.section("line-up")
        with self.beat(p.page):
            self.play(
                *fade_out(self.big, self.big_title), QuickFade(self.summary, shift=UP * 0.2), run_time=style.NORMAL
            )
        k = p.strongest
        m, r, col = p.where
        self.spot = self.minis[m].window(r, col, width=4)
        self.marker = self.page.window(k, width=4)
        with self.beat(p.clue):
            self.play(
                GrowFromCenter(self.spot),
                GrowFromCenter(self.marker),
                QuickFade(self.clue, shift=UP * 0.2),
                run_time=style.NORMAL,
            )
        self.jury_frame = frame_of(Group(self.page, *self.minis, *self.ranges), buff=0.15)
        with self.beat(p.jury):
            self.play(Create(self.jury_frame), run_time=style.NORMAL)

    # -- the rig -----------------------------------------------------------------------------------
    def rig(self) -> None:
        p = self.plan
        c, h, w = p.shape
        # side by side down to square frames (the readable map needs the height); stacked on tall ones
        body = self.lay.body
        left, right = body.columns(1, 1.3, gap=0.4) if self.lay.aspect >= 0.9 else body.rows(1, 1.2, gap=0.3)
        self.tiles = tiles_in(self.lay.body, p.maps, p.scale, p.names, cells=True, largest=3.0)

        # the page: one line per map, the map's thumbnail on its left, its places on its right
        self.page_title = label(_("one line of {n} numbers").format(n=len(p.flat)))
        ranges = [label(t, colour=style.MUTED) for t in p.ranges]
        slot = min(SLOT, (right.height - self.page_title.height - 0.3 - 0.15 * (c - 1)) / c)
        width = right.width - slot - max(r.width for r in ranges) - 0.6
        line = max(width / (h * w), LINE * slot)  # lines taller than their cells are wide: easier to see
        self.page = VectorPage(p.flat, c, p.scale, width, gap=slot + 0.15 - line, line_height=line)
        self.minis = [map_view(m, p.scale, slot, cells=True) for m in p.maps]
        for mini, rng, row in zip(self.minis, ranges, self.page.lines):
            mini.next_to(row, LEFT, buff=0.3)
            rng.next_to(row, RIGHT, buff=0.3)
        self.page_title.next_to(Group(self.page, *self.minis), UP, buff=0.3)
        right.inset(0.2).place(Group(self.page_title, self.page, *self.minis, *ranges))  # room for the jury's frame
        self.ranges = ranges

        # map 1, big enough to read
        texts = [p.text(v) for v in p.maps[0].ravel()]
        cell = max(len(t) for t in texts) * style.DIGIT_WIDTH * NUMBER_SIZE / FILL
        self.big = Grid(p.maps[0], p.scale, cell=cell, element=NumberCells(text=p.text, fill=FILL))
        self.big_title = label(p.names[0], colour=style.HIGHLIGHT)
        left.place(Group(self.big_title, self.big).arrange(DOWN, buff=0.15))

        # the closing boxes, where map 1 was
        width = left.width - 0.6
        summary = label(f"{c} × {h} × {w} = {len(p.flat)}", size=style.HEADING, colour=style.HIGHLIGHT)
        notes = [wrapped(t, width, colour=style.MUTED) for t in (_("numbers in one line"), _("none lost, none added"))]
        self.summary = boxed(summary, *notes)
        m, r, col = p.where
        value = _("number {place} = {value}").format(place=p.strongest + 1, value=p.value)
        where = _("{map}, row {row}, column {col}").format(map=p.names[m], row=r + 1, col=col + 1)
        self.clue = boxed(
            wrapped(value, width, colour=style.HIGHLIGHT),
            wrapped(where, width),
            *[label(t, colour=style.MUTED) for t in p.place],
        )
        left.place(Group(self.summary, self.clue).arrange(DOWN, buff=0.4))

    # -- the beats' pieces ---------------------------------------------------------------------------
    def fly(self, cells: VGroup, start: int) -> Transform:
        """Copies of ``cells`` (in reading order) flying to their places from ``start`` in the line."""
        p = self.plan
        size, height = self.page.cell_size, self.page.lines[0].height
        targets = VGroup(
            *[
                Rectangle(width=size, height=height, stroke_width=0)
                .set_fill(rgb_hex(p.scale.rgb(p.flat[start + i])), 1)
                .move_to(self.page.point(start + i))
                for i in range(len(cells))
            ]
        )
        return Transform(cells.copy(), targets, remover=True)

    def unroll(self, r: int, seconds: float) -> None:
        """Row ``r`` of map 1 into its places in the line, the cursor naming them."""
        p = self.plan
        _c, h, w = p.shape
        cells = VGroup(*[self.big.cell(r, j) for j in range(w)])
        cursor = label(p.span(r), colour=style.MUTED).next_to(self.page.window(r * w, w), DOWN, buff=0.08)
        if r == 0:
            self.cursor, moves = cursor, fade_in(cursor)
        else:
            moves = [self.row_frame.animate.move_to(self.big.window(r, 0, 1, w)), Transform(self.cursor, cursor)]
        self.play(*moves, self.fly(cells, r * w), run_time=seconds)
        self.page.reveal((r + 1) * w)
