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
    DoubleArrow,
    Group,
    GrowFromEdge,
    MathTex,
    Rectangle,
    Square,
    VGroup,
)

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _, ngettext
from scenes.layout import Zone
from scenes.parts import (
    Grid,
    MagnifyingGlass,
    NumberCells,
    PaddingRing,
    Panel,
    PixelImage,
    QuickFade,
    WindowSweep,
    boxed,
    fade_in,
    fade_out,
    fitted_size,
    frame_of,
    label,
    wrapped,
)
from scenes.plans.colour import CHANNEL_COLOURS
from scenes.plans.numbers import fmt
from scenes.plans.stride_padding import Variant, dims, plan

CELL = 0.5  # a patch cell: the ring of zeros makes the input 7 cells wide
SIZE = 24  # numbers a viewer reads
BOTTOM = 1.05  # the strip under everything: the size rule and the count


def rule(i: int, p: int, k: int, s: int, o: int, size: float = 30) -> MathTex:
    """The output-size rule with the numbers put in."""
    return MathTex(
        r"o = \left\lfloor \frac{i + 2p - k}{s} \right\rfloor + 1"
        rf" = \left\lfloor \frac{{{i} + 2\cdot {p} - {k}}}{{{s}}} \right\rfloor + 1 = {o}",
        font_size=size,
        color=style.TEXT,
    )


class StridePaddingScene(ChapterScene):
    chapter_id = "stride-padding"
    subtitle = N_("How far the glass jumps, and tape around the edges")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.rig()
        self.show_patch()
        self.show_stride(self.plan.stride1, N_("stride-1"))
        self.show_stride(self.plan.stride2, N_("stride-2"))
        self.show_padding()
        self.more_filters()
        self.tally()

    # -- the rig ---------------------------------------------------------------------------------
    def rig(self) -> None:
        p = self.plan
        body = self.lay.body
        self.bottom = Zone(body.left, body.bottom, body.right, body.bottom + BOTTOM)
        main = Zone(body.left, self.bottom.top + 0.2, body.right, body.top)
        # Side by side while the body is wide enough for the patch and two maps; else stacked.
        wide = main.width >= 6.5
        self.left, self.right = main.columns(1, 1.9, gap=0.3) if wide else main.rows(1.4, 1, gap=0.3)
        n = p.patch.shape[-1]
        if p.photo:
            view = PixelImage(p.patch_image, p.patch_scale, height=n * CELL)
        else:
            view = Grid(p.patch[0], p.patch_scale, cell=CELL, element=NumberCells(size=SIZE))
        zero = p.patch_scale.rgb(np.zeros((3, 1, 1)))[0, 0] if p.photo else p.patch_scale.rgb(np.zeros(1))[0]
        self.ring = PaddingRing(view, p.pad, zero, numbers=True)
        self.view = view
        self.input_label = wrapped(_("input {dims} = {n} numbers").format(dims=dims(p.patch.shape), n=p.patch.size),
                                   self.left.width, size=style.SMALL, colour=style.MUTED)  # fmt: skip
        # Room above for the stride arrow, below for the label; the ring's band counts in the size.
        room = Zone(self.left.left, self.left.bottom + self.input_label.height + 0.15, self.left.right,
                    self.left.top - (0.55 if wide else 0.35))  # fmt: skip
        whole = Group(self.ring, view)
        room.place(whole)
        self.input_label.next_to(whole, DOWN, buff=0.15)
        self.shown_maps: dict[int, list[Grid]] = {}
        self.formulas: dict[int, MathTex] = {}
        self.counts: dict[int, VGroup] = {}
        self.glass_path: dict[int, list[np.ndarray]] = {}

    # -- pieces ------------------------------------------------------------------------------------
    def make_maps(self, v: Variant, zone: Zone) -> VGroup:
        """One grid per filter of ``v`` side by side in ``zone``, numbers as big as the cells allow."""
        gap, count = 0.45, len(v.filters)
        title_h = label("0", size=style.SMALL).height + 0.15
        cell = min(0.95, (zone.width - gap * (count - 1)) / (count * v.size), (zone.height - 2 * title_h) / v.size)
        digits = 2 if cell >= 0.9 else 1
        texts = [fmt(x, digits) for x in v.output.ravel()]
        size = min(SIZE, fitted_size(cell, texts, fill=0.85))
        maps = VGroup()
        for f, values in zip(v.filters, v.output):
            grid = Grid(values, self.plan.map_scale, cell=cell, element=NumberCells(lambda x: fmt(x, digits), size))
            grid.filter_index, grid.digits = f, digits
            maps.add(grid)
        maps.arrange(RIGHT, buff=gap)
        zone.place(maps)
        titles = VGroup(*[label(_("map {n}").format(n=g.filter_index + 1), size=style.SMALL, colour=style.MUTED)
                          .next_to(g, UP, buff=0.12) for g in maps])  # fmt: skip
        each = label(_("{o} × {o} each").format(o=v.size), size=style.SMALL, colour=style.MUTED)
        each.next_to(maps, DOWN, buff=0.12)
        self.shown_maps[id(v)] = list(maps)
        group = VGroup(maps, titles, each)
        group.maps = maps
        return group

    def formula(self, v: Variant) -> VGroup:
        tex = rule(v.input_size, v.padding, v.kernel, v.stride, v.size)
        self.formulas[id(v)] = tex
        left, _right = self.bottom.columns(1.6, 1)
        box = VGroup(Panel(tex, buff=0.15), tex)
        return left.place(box, LEFT)

    def count_line(self, v: Variant) -> VGroup:
        """ "in  5 × 5 × 3 = 75" over "out  2 × 3 × 3 = 18", from the arrays' shapes."""
        in_text = label(_("in  {dims} = {n}").format(dims=dims(v.patch.shape), n=v.given), size=style.LABEL,
                        colour=style.MUTED)  # fmt: skip
        f, h, w = v.output.shape
        colour = style.WINNER if v.kept >= v.given else style.HIGHLIGHT
        out_text = label(_("out  {f} × {h} × {w} = {n}").format(f=f, h=h, w=w, n=v.kept), size=style.LABEL,
                         colour=colour)  # fmt: skip
        group = VGroup(in_text, out_text).arrange(DOWN, aligned_edge=LEFT, buff=0.12)
        group.in_text, group.out_text = in_text, out_text
        _left, right = self.bottom.columns(1.6, 1)
        right.place(group, RIGHT)
        self.counts[id(v)] = group
        return group

    def stride_arrow(self, v: Variant) -> VGroup:
        """A double arrow over the input from the first look to the second: the stride."""
        if len(v.windows) < 2:
            return VGroup()
        y = self.ring.get_top()[1] + 0.3
        a = self.view.block_centre(*v.windows[0], v.kernel, v.kernel)[0]
        b = self.view.block_centre(*v.windows[1], v.kernel, v.kernel)[0]
        arrow = DoubleArrow([a, y, 0], [b, y, 0], buff=0, color=style.HIGHLIGHT, stroke_width=4, tip_length=0.18)
        text = label(_("stride {s}").format(s=v.stride), size=style.SMALL, colour=style.HIGHLIGHT)
        return VGroup(arrow, text.next_to(arrow, RIGHT, buff=0.15))

    def sweep(self, v: Variant, maps: VGroup, seconds: float) -> None:
        """The glass visits every window of ``v`` in reading order while the maps fill up."""
        sweep = WindowSweep(len(v.windows))
        glass = sweep.follow(MagnifyingGlass(self.view, v.kernel), lambda m, i: m.over(*v.windows[i]))
        marks = [
            sweep.follow(Square(g.cell_size, stroke_color=style.HIGHLIGHT, stroke_width=4),
                         lambda m, i, g=g: m.move_to(g.point(*divmod(i, v.size))))
            for g in maps
        ]  # fmt: skip
        for g in maps:
            sweep.fill(g)
        self.play(Create(glass), *[Create(m) for m in marks], run_time=style.QUICK)
        self.play(sweep.run(seconds))
        sweep.stop()
        self.glass_path[id(v)] = [glass.centre_at(*w) for w in v.windows]
        self.play(*fade_out(glass, *marks), run_time=style.QUICK)

    # -- steps -------------------------------------------------------------------------------------
    def show_patch(self) -> None:
        p = self.plan
        c, n = p.patch.shape[0], p.patch.shape[-1]
        r0, c0 = p.patch_at
        self.section("patch")
        height = min(self.right.height - 0.6, self.right.width)
        whole = PixelImage(p.picture if p.photo else p.picture[0], p.picture_scale, height=height)
        self.right.place(whole, UP)
        frame = whole.window(r0, c0, n, n, width=4)
        zoom = VGroup(
            DashedLine(frame.get_corner(UP + LEFT), self.view.get_corner(UP + RIGHT), color=style.HIGHLIGHT,
                       stroke_width=2),
            DashedLine(frame.get_corner(DOWN + LEFT), self.view.get_corner(DOWN + RIGHT), color=style.HIGHLIGHT,
                       stroke_width=2),
        )  # fmt: skip
        where = _("rows {a}–{b}, columns {c}–{d}").format(a=r0 + 1, b=r0 + n, c=c0 + 1, d=c0 + n)
        where = wrapped(where, self.right.width, size=style.SMALL, colour=style.MUTED).next_to(whole, DOWN, buff=0.15)
        self.whole, self.whole_frame = whole, frame
        if c > 1:
            text = _(
                "Take a small {n} by {n} corner of the photo as the whole input: {c} colours per pixel, so {count} "
                "numbers."
            ).format(n=n, c=c, count=p.patch.size)
        else:
            text = _("Take a small {n} by {n} corner of the drawing as the whole input: {count} numbers.").format(
                n=n, count=p.patch.size
            )
        with self.beat(text):
            self.play(QuickFade(whole), run_time=style.NORMAL)
            self.play(Create(frame), run_time=style.QUICK)
            self.play(Create(zoom), QuickFade(self.view), QuickFade(where), QuickFade(self.input_label),
                      run_time=style.NORMAL)  # fmt: skip

        self.filter_blocks = self.filters_block(p.filters[: len(p.stride1.filters)])
        self.right.place(self.filter_blocks)
        with self.beat(
            _("Two real glasses from the first layer search it: {k} × {k} weights per colour, plus a bias.")
            .format(k=p.kernel)
            if c > 1
            else _("Two real glasses from the first layer search it: {k} × {k} weights each, plus a bias.")
            .format(k=p.kernel)
        ):  # fmt: skip
            self.play(*fade_out(whole, frame, zoom, where), run_time=style.QUICK)
            self.play(QuickFade(self.filter_blocks), run_time=style.NORMAL)

    def filters_block(self, filters, cell: float = 0.45) -> VGroup:
        """Each filter's weights (one small grid per colour for a photo) with its bias."""
        p = self.plan
        c = p.patch.shape[0]
        self.filter_grids = getattr(self, "filter_grids", {})
        blocks = VGroup()
        for f in filters:
            if c == 1:
                grids = [Grid(p.weights[f, 0], p.weight_scale, cell=0.95, element=NumberCells(size=SIZE))]
            else:
                grids = [Grid(p.weights[f, ch], p.weight_scale, cell=cell, element=None) for ch in range(c)]
                for g, name in zip(grids, CHANNEL_COLOURS):
                    g.add(frame_of(g, colour=CHANNEL_COLOURS[name], width=3))
            head = label(_("filter {f} · bias {b}").format(f=f + 1, b=fmt(p.bias[f])), size=style.SMALL)
            blocks.add(VGroup(head, VGroup(*grids).arrange(RIGHT, buff=0.15)).arrange(DOWN, buff=0.15))
            self.filter_grids[f] = grids
        return blocks.arrange(RIGHT if c == 1 else DOWN, buff=0.6)

    def show_stride(self, v: Variant, name: str) -> None:
        p = self.plan
        first = v is p.stride1
        self.section(name)
        maps = self.make_maps(v, self.right)
        for g in maps.maps:
            g.reveal(0)
        arrow = self.stride_arrow(v)
        if first:
            text = _(
                "Stride 1: the glass moves one cell at a time. It fits {o} times across and {o} down: each filter "
                "fills a {o} by {o} map."
            ).format(o=v.size)
            gone = [self.filter_blocks]
        else:
            text = _(
                "Stride {s}: the glass jumps {s} cells at a time. Only {looks} looks instead of {before}, so each "
                "map shrinks to {o} by {o}."
            ).format(s=v.stride, looks=len(v.windows), before=len(p.stride1.windows), o=v.size)
            gone = self.current
        with self.beat(text) as b:
            self.play(*fade_out(*gone), run_time=style.QUICK)
            self.play(QuickFade(maps), QuickFade(arrow), run_time=style.QUICK)
            self.sweep(v, maps.maps, b.left - 2 * style.QUICK - 0.1)
        tex, counts = self.formula(v), self.count_line(v)
        if first:
            text = _(
                "The size rule: input plus twice the padding, minus the glass, over the stride, plus 1. "
                "{maps} maps keep {kept} of the {given} numbers."
            ).format(maps=len(v.filters), kept=v.kept, given=v.given)
        else:
            same = _("Same rule, rounded down: {o}.") if v.rounded else _("Same rule: {o}.")
            text = same.format(o=v.size) + " " + p.lost
        with self.beat(text):
            self.play(QuickFade(tex), run_time=style.NORMAL)
            self.play(QuickFade(counts, shift=DOWN * 0.15), run_time=style.NORMAL)
        self.current = [maps, arrow, tex, counts]

    def show_padding(self) -> None:
        p = self.plan
        v = p.padded
        self.section("padding")
        seen = Grid(p.seen, p.seen_scale, cell=self.view.cell_size, element=NumberCells(size=SIZE))
        seen.move_to(self.view)
        head = label(_("looks per pixel"), size=style.SMALL, colour=style.HIGHLIGHT).next_to(self.ring, UP, 0.1)
        looks = ngettext(
            "Edge pixels get fewer looks: with stride 1 a corner pixel is seen once, the centre one {centre} times.",
            "Edge pixels get fewer looks: with stride 1 a corner pixel is seen {n} times, "
            "the centre one {centre} times.",
            p.corner_looks,
        )
        with self.beat(looks.format(n=p.corner_looks, centre=p.centre_looks)):
            self.play(*fade_out(*self.current), run_time=style.QUICK)
            self.play(QuickFade(seen), QuickFade(head), run_time=style.NORMAL)
        self.seen_grid = seen
        with self.beat(
            _("So we wrap the input in zeros, {p} cell wide: crime-scene tape that keeps the edges in the picture.")
            .format(p=p.pad)
        ):  # fmt: skip
            self.play(*fade_out(seen, head), run_time=style.QUICK)
            self.add(self.ring.cells, self.ring.numbers)
            self.bring_to_front(self.view)  # the ring lies under the patch
            self.play(QuickFade(self.ring.cells), QuickFade(self.ring.numbers), run_time=style.NORMAL)
            self.play(Create(self.ring.tape), run_time=style.SLOW)
        maps = self.make_maps(v, self.right)
        for g in maps.maps:
            g.reveal(0)
        arrow = self.stride_arrow(v)
        with self.beat(
            _("Now the glass can sit on every pixel, edges too: {looks} looks, and each map stays {o} by {o}.").format(
                looks=len(v.windows), o=v.size
            )
        ) as b:
            self.play(QuickFade(maps), QuickFade(arrow), run_time=style.QUICK)
            self.sweep(v, maps.maps, b.left - 2 * style.QUICK - 0.1)
        tex, counts = self.formula(v), self.count_line(v)
        with self.beat(
            _("The rule again, with p = {p}: {o}. {note}").format(p=v.padding, o=v.size, note=p.padded_note)
        ):
            self.play(QuickFade(tex), run_time=style.NORMAL)
            self.play(QuickFade(counts, shift=DOWN * 0.15), run_time=style.NORMAL)
        self.current = [maps, arrow, tex, counts]

    def more_filters(self) -> None:
        p = self.plan
        v = p.trio
        self.section("filters")
        if v is None:  # the layer has no third filter: what the padded pair already keeps
            note = wrapped(p.more_note, self.right.width - 1.0, size=style.LABEL, colour=style.WINNER)
            box = boxed(note)
            self.right.place(box)
            self.filters_note = note
            counts = self.counts[id(p.padded)]
            with self.beat(p.more):
                self.play(*fade_out(self.current[0], self.current[1]), run_time=style.QUICK)
                self.play(QuickFade(box), run_time=style.NORMAL)
                self.play(counts.out_text.animate.scale(1.15, about_edge=RIGHT), run_time=style.NORMAL)
            self.current = [box, self.current[2], counts]
            return
        block = self.right.place(self.filters_block(v.filters[-1:], cell=0.3), UP + RIGHT)
        maps = self.make_maps(
            v, Zone(self.right.left, self.right.bottom, self.right.right, block.get_bottom()[1] - 0.2)
        )
        self.third_block = block
        counts = self.count_line(v)
        with self.beat(p.more):
            self.play(*fade_out(*self.current[:2], self.current[3]), run_time=style.QUICK)
            self.play(QuickFade(block), QuickFade(maps), run_time=style.NORMAL)
            self.play(QuickFade(counts, shift=DOWN * 0.15), run_time=style.NORMAL)
        self.current = [maps, block, self.current[2], counts]

    def tally(self) -> None:
        p = self.plan
        self.section("tally")
        rows = [(_("came in"), p.stride1.given, style.MUTED)]
        for v in p.variants:
            colour = style.WINNER if v.kept >= p.stride1.given else style.HIGHLIGHT
            rows.append((_("stride {s}, padding {p}, {n} maps").format(s=v.stride, p=v.padding, n=len(v.filters)),
                         v.kept, colour))  # fmt: skip
        most = max(n for _t, n, _c in rows)
        names = [label(t, size=SIZE) for t, _n, _c in rows]
        name_w = max(m.width for m in names)
        real = p.real
        real_text = wrapped(
            _("Our {layer}: stride {s}, padding {p}, {f} filters: {i} in, {o} out, {verdict}.").format(
                layer=real.name, s=real.stride, p=real.padding, f=real.filters, i=dims(real.input_shape),
                o=dims(real.output_shape), verdict=real.verdict,
            ),
            self.lay.body.width, size=style.LABEL,
        )  # fmt: skip
        self.real_tex = rule(real.input_shape[1], real.padding, real.kernel, real.stride, real.size, size=34)
        bottom = VGroup(real_text, self.real_tex).arrange(DOWN, buff=0.2)
        self.lay.body.place(bottom, DOWN)
        self.real_label = real_text
        top = Zone(self.lay.body.left, bottom.get_top()[1] + 0.3, self.lay.body.right, self.lay.body.top)
        beside = top.width - name_w - 1.4 >= 3.0  # narrow frames put each bar under its name
        bar_max = top.width - 1.0 - (name_w + 0.4 if beside else 0)
        group = VGroup()
        self.tally_rows = []
        for name, (text, n, colour) in zip(names, rows):
            bar = Rectangle(width=max(bar_max * n / most, 0.02), height=0.38, stroke_width=0).set_fill(colour, 1)
            value = label(str(n), size=SIZE, colour=colour)
            if beside:
                bar.next_to(name.get_left() + RIGHT * name_w, RIGHT, buff=0.3)
            else:
                bar.next_to(name, DOWN, buff=0.1, aligned_edge=LEFT)
            value.next_to(bar, RIGHT, buff=0.15)
            group.add(VGroup(name, bar, value))
            self.tally_rows.append((text, n, bar, value))
        group.arrange(DOWN, buff=0.22 if beside else 0.12, aligned_edge=LEFT)
        top.place(group)
        x = group[0][1].get_right()[0]  # what came in
        given_line = DashedLine([x, group.get_top()[1] + 0.1, 0], [x, group.get_bottom()[1] - 0.1, 0],
                                color=style.MUTED, stroke_width=2)  # fmt: skip
        with self.beat(p.tally):
            self.clear()
            self.play(*fade_in(*[r[0] for r in group]), run_time=style.QUICK)
            self.play(*[GrowFromEdge(r[1], LEFT) for r in group], *[QuickFade(r[2]) for r in group],
                      run_time=style.SLOW)  # fmt: skip
            self.play(Create(given_line), run_time=style.QUICK)
        (_c, h, w), (_f, ho, wo) = real.input_shape, real.output_shape
        text = _("Our network's first layer: stride {s}, padding {p}. {h} by {w} in, {ho} by {wo} out, {verdict}.")
        with self.beat(text.format(s=real.stride, p=real.padding, h=h, w=w, ho=ho, wo=wo, verdict=real.verdict)):
            self.play(QuickFade(real_text, shift=DOWN * 0.15), run_time=style.NORMAL)
            self.play(QuickFade(self.real_tex), run_time=style.NORMAL)
