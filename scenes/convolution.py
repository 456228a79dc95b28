"""Chapter 2: convolution. One filter (Sherlock's magnifying glass) slides over the input; at each
position its weights times the pixels under it, summed, plus a bias, give one feature-map cell."""

from __future__ import annotations

import numpy as np
from manim import DOWN, LEFT, RIGHT, UP, Create, Group, GrowFromCenter, Square, Transform, VGroup

from scenes import style
from scenes.base import ChapterScene
from scenes.beat import reading_time
from scenes.i18n import N_, _, language
from scenes.layout import Zone
from scenes.parts import (
    Grid,
    MagnifyingGlass,
    NumberCells,
    PaddingRing,
    PixelImage,
    QuickFade,
    QuickMove,
    WindowSweep,
    boxed,
    fade_in,
    fade_out,
    frame_of,
    label,
    legend,
    wrapped,
)
from scenes.parts.convsum import SIZE, CellSum, OpenChannel, morph
from scenes.plans.colour import CHANNEL_COLOURS, Diverging
from scenes.plans.convolution import plan
from scenes.plans.numbers import fmt

SWEEP_SECONDS = 8.0  # the sweep's beat, at least: long enough to watch the map fill up
GAP = 0.12  # between a view and its label
SUMS = 32  # the channels' sums of a photo: the one thing on screen while they are added up


def fit_above_label(zone: Zone, view, text, extra: float = 0.0) -> tuple[np.ndarray, float]:
    """Where ``view`` goes (centre) and by how much it scales to fill ``zone`` above ``text`` (and
    ``extra`` more units of text under it)."""
    room = Zone(zone.left, zone.bottom + text.height + extra + GAP, zone.right, zone.top)
    factor = min(room.width / view.width, room.height / view.height)
    return room.point(UP) + DOWN * view.height * factor / 2, factor


def named(name: str, size: str, width: float) -> VGroup:
    """ "name size" (e.g. "feature map 10 × 10") on one line if it fits ``width``, else two."""
    line = label(f"{name} {size}", size=style.SMALL, colour=style.MUTED)
    if line.width <= width:
        return VGroup(line)
    return VGroup(*[label(t, size=style.SMALL, colour=style.MUTED) for t in (name, size)]).arrange(DOWN, buff=0.06)


class ConvolutionScene(ChapterScene):
    chapter_id = "convolution"
    subtitle = N_("Sherlock's magnifying glass hunts for a clue")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.rig()
        self.show_filter()
        if self.plan.padding:
            self.show_padding()
        self.explain_positions()
        self.sweep()
        self.filter_stack()
        if self.plan.match is not None:
            self.show_match()

    # -- the rig: the input and its map on the side, the arithmetic in the main zone -------------
    def rig(self) -> None:
        p = self.plan
        c, h, w = p.input_shape
        _f, ho, wo = p.output_shape
        side, self.table_area = self.lay.split(1, 3.3)
        self.table_zone = self.table_area
        top, bottom = side.columns(1, 1) if self.lay.stacked else side.rows(1, 1)
        if p.photo:
            self.input_mob = PixelImage(p.image, p.picture_scale, height=4.0)
        else:
            self.input_mob = Grid(p.image[0], p.picture_scale, cell=4.0 / h, element=NumberCells())
        self.ring = PaddingRing(self.input_mob, p.padding, np.zeros(3)) if p.padding else None
        self.input_group = Group(*[m for m in (self.ring, self.input_mob) if m is not None])
        what = _("input") if c == 1 else _("photo")
        self.input_label = named(what, f"{h} × {w}" if c == 1 else f"{h} × {w} × {c}", top.width)
        self.fmap = self.map_view(p.filter, 4.0)
        self.fmap.reveal(0)
        self.map_frame = frame_of(self.fmap, colour=style.GRID_LINE, width=2)
        self.map_group = Group(self.fmap, self.map_frame)
        self.map_label = named(_("feature map"), f"{ho} × {wo}", bottom.width)
        for zone, view, text in ((top, self.input_group, self.input_label), (bottom, self.map_group, self.map_label)):
            centre, factor = fit_above_label(zone, view, text)
            view.scale(factor).move_to(centre)
            text.next_to(view, DOWN, buff=GAP)
        # The arithmetic sits in the middle of its zone: measure it once, then centre the zone on it.
        first = p.positions[0]
        self.open = self.open_channel(first)
        used = self.open.height + (0 if p.photo else self.cell_sum(first).height + 0.15)
        self.table_zone = self.table_zone.inset(0, max(0.0, self.table_zone.height - used) / 2)
        self.open = self.open_channel(first)
        self.explained: list[dict] = []

    def map_view(self, f: int, height: float):
        values = self.plan.maps[f]
        if values.size <= 225:  # small maps as cells, big ones as one image
            return Grid(values, self.plan.map_scale, cell=height / values.shape[0], element=None)
        return PixelImage(values, self.plan.map_scale, height=height)

    def fade_all_but(self, *keep) -> list:
        """Fade-outs for everything on screen but ``keep`` (and the header)."""
        ids = {id(m) for k in (*keep, self.header) for m in k.get_family()}
        return fade_out(*[m for m in self.mobjects if id(m) not in ids])

    def glass_on(self, top: int, left: int) -> MagnifyingGlass:
        return MagnifyingGlass(self.input_mob, self.plan.kernel).over(top, left)

    def map_mark(self, r: int, c: int, fmap=None) -> Square:
        fmap = fmap or self.fmap
        return Square(fmap.cell_size, stroke_color=style.HIGHLIGHT, stroke_width=4).move_to(fmap.point(r, c))

    def open_channel(self, pos) -> OpenChannel:
        p, t, ch = self.plan, pos.terms, self.plan.open_channel
        if p.photo:
            weights = _("{colour} layer").format(colour=p.colour_name(ch))
        else:
            weights = _("filter {f}'s weights").format(f=p.filter + 1)
        under = _("{colour} ÷ 255").format(colour=p.colour_name(ch)) if p.photo else _("under the glass")
        headers = (under, weights, _("{n} products").format(n=t.products[ch].size))
        o = OpenChannel(t.patch[ch], t.weights[ch], t.products[ch], p.input_scales[ch], p.weight_scale, headers,
                        padded=pos.in_padding)  # fmt: skip
        return self.table_zone.place(o, UP)

    def cell_sum(self, pos) -> CellSum:
        p, t = self.plan, pos.terms
        c = p.input_shape[0]
        names = [p.colour_name(ch) for ch in range(c)] if p.photo else [""] * c
        colours = [CHANNEL_COLOURS.get(n, style.TEXT) for n in p.channel_names]
        total = CellSum(
            t.patch, t.weights, pos.sums, t.bias, t.output, names, colours, p.input_scales, p.weight_scale,
            p.map_scale, _("+ bias"), single=_("sum of the {n} products =").format(n=t.products.size),
            small_cell=0.32, size=SIZE if c == 1 else SUMS,
        )  # fmt: skip
        if c == 1:  # under the products
            return self.table_zone.below(self.open).place(total, UP + LEFT)
        return self.table_area.place(total)

    # -- the filter ------------------------------------------------------------------------------
    def show_filter(self) -> None:
        p = self.plan
        c, k = p.input_shape[0], p.kernel
        self.section("filter")
        if p.photo:  # the glass's layers side by side, each framed in its colour
            self.layers = VGroup(*[self.layer_grid(ch) for ch in range(c)]).arrange(RIGHT, buff=0.4)
            heading = label(_("filter {f}: {c} layers of {k} × {k} weights").format(f=p.filter + 1, c=c, k=k),
                            size=style.SMALL, colour=style.MUTED)  # fmt: skip
            self.table_area.arrange(heading, self.layers, direction=DOWN, buff=0.2)
            self.weight_heading = heading
            shown = [self.layers, heading]
        else:
            shown = [self.open.weights, self.open.headers[1]]
        with self.beat(
            _("A filter is Sherlock's magnifying glass: a small grid of weights that looks for one kind of clue.")
        ):
            self.play(QuickFade(self.input_mob), QuickFade(self.input_label), run_time=style.NORMAL)
            self.play(*fade_in(*shown), run_time=style.NORMAL)
            self.play(Create(self.map_frame), QuickFade(self.fmap), QuickFade(self.map_label), run_time=style.NORMAL)
        if p.photo:
            with self.beat(
                _("The photo has {c} colour layers, so the glass has {c} layers too: {n} weights in all.").format(
                    c=c, n=p.weights[p.filter].size
                )
            ):
                frames = [
                    frame_of(g[0], colour=CHANNEL_COLOURS[n], width=4) for g, n in zip(self.layers, p.channel_names)
                ]
                self.play(*[GrowFromCenter(f) for f in frames], run_time=style.NORMAL)
            self.layers.add(*frames)

    def layer_grid(self, ch: int) -> VGroup:
        p = self.plan
        grid = Grid(p.weights[p.filter, ch], p.weight_scale, cell=0.95, element=NumberCells(size=SIZE))
        name = label(_("{colour} layer").format(colour=p.colour_name(ch)), size=style.SMALL,
                     colour=CHANNEL_COLOURS[p.channel_names[ch]])  # fmt: skip
        return VGroup(grid, name.next_to(grid, DOWN, buff=GAP))

    # -- padding (photos) --------------------------------------------------------------------------
    def show_padding(self) -> None:
        p = self.plan
        self.section("padding")
        with self.beat(
            _(
                "At the edges the glass would hang over nothing, so the photo gets a ring of zeros, {p} pixel wide: "
                "padding, like crime-scene tape. The map stays {h} by {w}."
            ).format(p=p.padding, h=p.output_shape[1], w=p.output_shape[2])
        ):
            self.add(self.ring.cells)
            self.bring_to_front(self.input_mob)  # the band lies under the photo
            self.play(QuickFade(self.ring.cells), run_time=style.NORMAL)
            self.play(Create(self.ring.tape), run_time=style.SLOW)

    # -- the first positions, term by term --------------------------------------------------------
    def explain_positions(self) -> None:
        p = self.plan
        first = p.positions[0]
        t, o = first.terms, self.open
        self.section("first")
        self.glass = self.glass_on(t.top, t.left)
        self.target = self.map_mark(t.row, t.col)
        if p.photo:
            text = _(
                "Glass on the top-left corner. Each layer sees only its own colour: here the {colour} one, "
                "{pad} of its numbers padding zeros."
            ).format(colour=p.colour_name(p.open_channel), pad=first.padded)
        else:
            text = _("Put the glass on the top-left corner: it covers {n} pixels, its receptive field.")
            text = text.format(n=t.patch.size)
        with self.beat(text):
            self.play(Create(self.glass), run_time=style.NORMAL)
            moves = [morph(self.glass.lens, o.patch)]
            if p.photo:
                moves += [morph(self.layers[p.open_channel][0], o.weights), *fade_out(self.layers, self.weight_heading)]
            self.play(*moves, run_time=style.NORMAL)
            came = [o.patch, o.headers[0], o.pad_marks] + ([o.weights, o.headers[1]] if p.photo else [])
            self.play(*fade_in(*came), run_time=style.NORMAL)
        with self.beat(
            _("Multiply each number by the weight on top of it: {n} products.").format(n=t.products[0].size)
        ):
            self.play(QuickFade(o.signs), run_time=style.QUICK)
            self.play(morph(o.patch, o.products), morph(o.weights, o.products), *fade_in(o.products, o.headers[2]),
                      run_time=style.SLOW)  # fmt: skip
        total = self.cell_sum(first)
        if p.photo:
            others = [p.colour_name(k) for k in range(p.input_shape[0]) if k != p.open_channel]
            with self.beat(
                _("The {a} and {b} layers do the same on their colours. Each layer's products add up to one sum.")
                .format(a=others[0], b=others[-1])
            ):  # fmt: skip
                self.play(morph(o.products, total.rows[p.open_channel].sum), *fade_out(o), run_time=style.NORMAL)
                self.play(*fade_in(*total.rows), run_time=style.NORMAL)
            text = _("Add the {c} sums, then the filter's bias: out comes {value}, the first cell of the feature map.")
        else:
            text = _("Add them all up, then the filter's bias: out comes {value}, the first cell of the feature map.")
        with self.beat(text.format(c=p.input_shape[0], value=fmt(t.output))):
            self.play(QuickFade(total.sum_line, shift=DOWN * 0.15), run_time=style.NORMAL)
            self.play(QuickFade(total.bias_line), run_time=style.NORMAL)
            self.land(total, 1)
        self.total = total
        self.record(first)

        if len(p.positions) > 1:
            self.section("stride")
        for n, pos in enumerate(p.positions[1:], start=2):
            with self.beat(pos.note):
                self.next_position(pos, n)

    def next_position(self, pos, n: int) -> None:
        """Slide the glass on to ``pos``: what changes fades across, then the value lands."""
        t = pos.terms
        glass = self.glass_on(t.top, t.left)
        old = [self.total] + ([] if self.plan.photo else [self.open])
        if not self.plan.photo:
            self.open = self.open_channel(pos)
        self.total = self.cell_sum(pos)
        new = [self.total] + ([] if self.plan.photo else [self.open])
        for a, b in zip(old, new):  # the parts that stay the same swap in place
            self.remove(*a.fixed)
            self.add(*b.fixed)
        self.play(
            Transform(self.glass, glass),
            self.target.animate.move_to(self.fmap.point(t.row, t.col)),
            *fade_out(*[a.changing for a in old]),
            *fade_in(*[b.changing for b in new]),
            run_time=style.NORMAL,
        )
        self.land(self.total, n)
        self.record(pos)

    def land(self, total: CellSum, n: int) -> None:
        """Fly the value's cell into the feature map and reveal the map's first ``n`` cells."""
        if self.target not in self.mobjects:
            self.play(Create(self.target), run_time=style.QUICK)
        flying = total.out.cells[0].copy()
        self.play(QuickMove(flying, self.target.get_center(), self.target.width / flying.width), run_time=style.NORMAL)
        self.remove(flying)
        self.fmap.reveal(n)

    def record(self, pos) -> None:
        """What was on screen for an explained position (the tests compare it with the trace)."""
        inp = self.input_mob
        self.explained.append({
            "terms": pos.terms, "open": self.open if not self.plan.photo or not self.explained else None,
            "sum": self.total, "lens": self.glass.lens.get_center().copy(), "lens_size": self.glass.lens.width,
            "origin": (inp.get_left()[0], inp.get_top()[1], inp.cell_size),
        })  # fmt: skip

    # -- the sweep -------------------------------------------------------------------------------
    def sweep(self) -> None:
        p = self.plan
        _f, ho, wo = p.output_shape
        self.section("sweep")
        left, right = self.lay.split(1, 1)
        readout_room = label("0", size=style.SMALL).height + 2 * GAP  # one line under the map's label
        text = _("Then it keeps sliding, row by row, one pixel at a time, and the feature map fills up cell by cell.")
        with self.beat(text, seconds=max(SWEEP_SECONDS, reading_time(text, language()))) as b:
            self.play(*self.fade_all_but(self.input_group, self.map_group), run_time=style.QUICK)
            (ci, fi), (cm, fm) = (
                fit_above_label(z, v, t, readout_room)
                for z, v, t in ((left, self.input_group, self.input_label), (right, self.map_group, self.map_label))
            )
            self.play(QuickMove(self.input_group, ci, fi), QuickMove(self.map_group, cm, fm), run_time=style.NORMAL)
            self.input_label.next_to(self.input_group, DOWN, buff=GAP)
            self.map_label.next_to(self.map_group, DOWN, buff=GAP)
            sweep = WindowSweep(ho * wo, start=len(p.positions))
            glass = sweep.follow(MagnifyingGlass(self.input_mob, p.kernel), lambda m, i: m.over(*p.window(i)))
            marker = sweep.follow(self.map_mark(0, 0), lambda m, i: m.move_to(self.fmap.point(*divmod(i, wo))))
            sweep.fill(self.fmap)
            readout = sweep.readout(lambda i: self.readout(i).next_to(self.map_label, DOWN, buff=GAP))
            self.add(self.input_label, self.map_label, glass, marker, readout)
            self.play(sweep.run(b.left))
            sweep.stop()
        self.sweep_glass = glass

        r, c = p.strongest
        vmax = p.map_scale.vmax
        key = legend(p.map_scale, -vmax, vmax, width=3.0, ticks=(-vmax, 0, vmax))
        self.map_legend = key.next_to(self.map_label, DOWN, buff=GAP)
        self.strongest_mark = self.map_mark(r, c)
        with self.beat(
            _(
                "The feature map: orange where the clue was found, blue where the patch looks like its opposite. "
                "Strongest at row {r}, column {c}: {value}."
            ).format(r=r + 1, c=c + 1, value=fmt(p.map[r, c]))
        ):
            self.play(*fade_out(glass, marker, readout), run_time=style.QUICK)
            self.play(QuickFade(key), GrowFromCenter(self.strongest_mark), run_time=style.NORMAL)

    def readout(self, i: int):
        r, c = divmod(i, self.plan.output_shape[2])
        text = _("row {r}, column {c}: {value}").format(r=r + 1, c=c + 1, value=fmt(self.plan.map[r, c]))
        return label(text, size=style.SMALL)

    # -- every filter of the layer -----------------------------------------------------------------
    def filter_stack(self) -> None:
        p = self.plan
        f_count, ho, wo = p.output_shape
        c = p.input_shape[0]
        self.section("filters")
        side, rest = self.lay.split(1, 3.2, zone=self.lay.main)
        columns = rest.columns(*[1] * f_count)
        self.stack = []
        for f, zone in enumerate(columns):
            head = label(_("filter {f}").format(f=f + 1), size=style.SMALL,
                         colour=style.HIGHLIGHT if f == p.filter else style.TEXT)  # fmt: skip
            if c == 1:
                grids = [Grid(p.weights[f, 0], p.weight_scale, cell=0.55, element=NumberCells())]
            else:
                grids = [Grid(p.weights[f, ch], p.weight_scale, cell=0.22, element=None) for ch in range(c)]
                for g, n in zip(grids, p.channel_names):
                    g.add(frame_of(g, colour=CHANNEL_COLOURS[n], width=2))
            glass = VGroup(*grids).arrange(RIGHT, buff=0.1)
            fmap = self.map_view(f, min(zone.width, zone.height - head.height - glass.height - 0.4))
            zone.arrange(head, glass, fmap, direction=DOWN, buff=0.2, at=UP)
            self.stack.append({"filter": f, "head": head, "weights": grids, "map": fmap, "column": (head, glass, fmap)})
        summary = label(
            _("{layer} output: {f} feature maps of {h} × {w}").format(layer=p.layer, f=f_count, h=ho, w=wo),
            size=style.LABEL,
        )
        key = legend(p.map_scale, -p.map_scale.vmax, p.map_scale.vmax, width=3.0,
                     ticks=(-p.map_scale.vmax, 0, p.map_scale.vmax))  # fmt: skip
        self.lay.footer.arrange(summary, key, buff=0.8)
        self.stack_summary, self.stack_legend = summary, key
        same = wrapped(_("same input, different glasses"), side.width, size=style.SMALL, colour=style.MUTED)
        with self.beat(
            _("Each filter is another glass looking for its own clue: {n} filters, {n} feature maps.").format(n=f_count)
        ):
            self.play(*self.fade_all_but(self.input_group), run_time=style.QUICK)
            centre, factor = fit_above_label(side, self.input_group, same)
            self.play(QuickMove(self.input_group, centre, factor), run_time=style.NORMAL)
            same.next_to(self.input_group, DOWN, buff=GAP)
            self.play(QuickFade(same), *[QuickFade(VGroup(e["head"], *e["weights"])) for e in self.stack],
                      run_time=style.NORMAL)  # fmt: skip
            self.play(*[QuickFade(e["map"], shift=RIGHT * 0.2) for e in self.stack], run_time=style.NORMAL)
        with self.beat(
            _("Stacked together they are what this layer hands on: {f} × {h} × {w} = {n} numbers.").format(
                f=f_count, h=ho, w=wo, n=p.maps.size
            )
        ):
            self.play(QuickFade(summary, shift=DOWN * 0.15), QuickFade(key), run_time=style.NORMAL)

    # -- drawings: how good a match is ---------------------------------------------------------------
    def show_match(self) -> None:
        p, m = self.plan, self.plan.match
        t = m.terms
        self.section("match")
        if self.lay.stacked:  # the drawing and the map side by side on top, the panel big below them
            top, centre = self.lay.body.rows(1, 1.3, gap=0.3)
            left, right = top.columns(1, 1)
        else:
            left, centre, right = self.lay.split(0.9, 1.4, 1.0)
        grid = Grid(m.map, Diverging(1.0), cell=0.45, element=NumberCells(lambda v: fmt(v, 2)))
        title = label(_("match map"), size=style.SMALL, colour=style.MUTED)
        key = legend(Diverging(1.0), -1, 1, width=min(2.6, right.width - 0.4), ticks=(-1, 0, 1))
        Zone(right.left, right.bottom + key.height + 0.2, right.right, right.top - title.height - GAP).place(grid)
        title.next_to(grid, UP, buff=GAP)
        key.next_to(grid, DOWN, buff=0.2)
        self.match_grid, self.match_legend = grid, key
        r, c = m.cell
        box = grid.window(r, c, 1, 1, width=5)
        self.match_box = box

        numbers = NumberCells(size=SIZE)
        patch = Grid(t.patch[0], Diverging(1.0), cell=0.45, element=numbers)
        sign = NumberCells(lambda v: "+" if v > 0 else ("−" if v < 0 else "0"), size=SIZE)
        signs = Grid(m.signs, p.weight_scale, cell=0.45, element=sign)
        tick = NumberCells(lambda v: "✓" if v > 0 else "✗", size=SIZE)
        agree = Grid(np.where(m.agree, 1.0, -1.0), Diverging(1.0), cell=0.45, element=tick)
        heads = [_("patch"), _("signs"), _("agree?")]
        cols = VGroup(*[VGroup(label(h, size=SIZE, colour=style.MUTED), g).arrange(DOWN, buff=GAP)
                        for h, g in zip(heads, (patch, signs, agree))]).arrange(RIGHT, buff=0.25)  # fmt: skip
        self.match_value = label(fmt(t.match), size=SIZE, colour=style.HIGHLIGHT)
        self.match_total = label(fmt(t.total), size=SIZE, colour=style.HIGHLIGHT)
        self.match_scale = label(fmt(m.weight_total), size=SIZE)
        rows = VGroup(
            VGroup(label(_("sum of products"), size=SIZE, colour=style.MUTED), self.match_total),
            VGroup(label(_("÷ Σ|w|"), size=SIZE, colour=style.MUTED), self.match_scale),
            VGroup(label(_("= match"), size=SIZE, colour=style.MUTED), self.match_value),
        )
        for row in rows:
            row.arrange(RIGHT, buff=0.2)
        rows.arrange(DOWN, buff=0.15, aligned_edge=RIGHT)
        self.match_tag = label(m.tag, size=SIZE, colour=style.HIGHLIGHT)
        panel = boxed(cols, rows, self.match_tag, buff=0.25)
        centre.place(panel)
        self.match_panel, self.match_signs, self.match_agree, self.match_patch = panel, signs, agree, patch

        with self.beat(
            _(
                "How good is a match? Divide the sum, before the bias, by the total size of the weights: "
                "for a drawing of -1 and +1 the score always lands between -1 and 1."
            )
        ):
            self.play(*self.fade_all_but(self.input_group), run_time=style.QUICK)
            centre_in, factor = fit_above_label(left, self.input_group, title)
            self.play(QuickMove(self.input_group, centre_in, factor), run_time=style.NORMAL)
            self.match_glass = self.glass_on(t.top, t.left)
            self.play(QuickFade(grid.cells), QuickFade(title), QuickFade(key), run_time=style.NORMAL)
            self.play(QuickFade(grid.numbers), run_time=style.NORMAL)
        with self.beat(m.claim):
            self.play(Create(self.match_glass), Create(box), run_time=style.NORMAL)
            self.play(QuickFade(panel), run_time=style.NORMAL)
