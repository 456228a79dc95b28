"""Deeper layers (face): the second convolution block builds clues out of the first block's clues.

Five parts, all from the plan: the thicker glass, one deep cell's value from its maps' sums, the
deep maps, the cell's receptive field traced back to the photo, and the portraits that excite deep
maps most.
"""

from __future__ import annotations

from manim import DOWN, LEFT, RIGHT, UP, Arrow, Create, Group, GrowArrow, GrowFromCenter, VGroup

from scenes import style
from scenes.base import ChapterScene
from scenes.i18n import N_, _
from scenes.layout import Zone
from scenes.parts import (
    Grid,
    MagnifyingGlass,
    NumberCells,
    PixelImage,
    QuickFade,
    QuickMove,
    fade_in,
    fade_out,
    frame_of,
    label,
    legend,
    wrapped,
)
from scenes.parts.convsum import SIZE, CellSum, OpenChannel, morph
from scenes.plans.deeper_layers import plan
from scenes.plans.numbers import fmt

DECK_STEP = 0.09  # offset between the maps of a stack
GAP = 0.12
DESIGN_WIDTH = 13.1  # the body's width at 16:9: wide sections are laid out this wide, then fitted


def box_on(view, box, colour: str = style.HIGHLIGHT, width: float = 4):
    """The frame around the inclusive (top, left, bottom, right) block of cells of ``view``."""
    t, left, b, r = box
    return view.window(t, left, b - t + 1, r - left + 1, colour=colour, width=width)


def small(text: str, colour: str = style.MUTED, size: float = SIZE):
    return label(text, size=size, colour=colour)


def tiled(mobs, zone: Zone, buff: float = 0.3) -> Group:
    """``mobs`` in rows of two (a square block) or all in one row, whichever ends up bigger in ``zone``
    (a short, wide zone on a stacked layout takes one row), fitted into it."""

    def block(per_row: int) -> Group:
        rows = [Group(*mobs[i : i + per_row]).arrange(RIGHT, buff=buff) for i in range(0, len(mobs), per_row)]
        return Group(*rows).arrange(DOWN, buff=buff)

    def scale(g: Group) -> float:
        return min(zone.width / g.width, zone.height / g.height)

    square = block(2)
    one_row = scale(square) < scale(line := block(len(mobs)))
    return zone.place(line if one_row else block(2))


class DeeperLayersScene(ChapterScene):
    chapter_id = "deeper-layers"
    subtitle = N_("Clues built from clues")

    def construct(self) -> None:
        self.plan = plan(self.story)
        self.title_card()
        self.show_glass()
        self.show_sum()
        self.show_maps()
        self.show_field()
        self.show_patches()

    def wide(self, zone: Zone) -> Zone:
        """``zone`` widened to the 16:9 design (same centre and height): lay out there, then fit the
        result into ``zone`` (narrow frames shrink it, text with it)."""
        w = max(zone.width, DESIGN_WIDTH)
        x = zone.center[0]
        return Zone(x - w / 2, zone.bottom, x + w / 2, zone.top)

    # -- 1. a thicker glass ------------------------------------------------------------------------
    def show_glass(self) -> None:
        p = self.plan
        n, k, f = p.n_in, p.kernel, p.f
        _c, h, w = p.low_maps.shape
        self.section("glass")
        main = self.lay.main
        left, centre, right = main.columns(1, 1, 1) if main.width >= 6.5 else main.rows(1, 1, 1)
        _f, ho, wo = p.conv_out.shape
        texts = [
            _("{layer}: {n} maps · {h}×{w}").format(layer=p.below, n=n, h=h, w=w),
            _("{layer} filter {f}: {n} × {k}×{k}").format(layer=p.conv, f=f + 1, n=n, k=k),
            _("{layer} map {f} · {h}×{w}").format(layer=p.conv, f=f + 1, h=ho, w=wo),
        ]
        zones = (left, centre, right)
        titles = [wrapped(t, z.width, size=SIZE, colour=style.TEXT) for t, z in zip(texts, zones)]
        title_room = max(t.height for t in titles) + 0.25
        inner = [Zone(z.left, z.bottom, z.right, z.top - title_room) for z in zones]
        self.low_maps = [PixelImage(p.low_maps[ch], p.low_scale, height=1.4) for ch in range(n)]
        self.slices = [Grid(p.terms.weights[ch], p.weight_scale, cell=0.45, element=NumberCells()) for ch in range(n)]
        self.low_labels = [small(_("map {n}").format(n=i + 1)).next_to(m, UP, buff=0.08) for i, m in
                           enumerate(self.low_maps)]  # fmt: skip
        low = tiled([Group(m, t) for m, t in zip(self.low_maps, self.low_labels)], inner[0])
        glass = tiled([VGroup(g, small(_("layer {n}").format(n=i + 1)).next_to(g, UP, buff=0.08))
                            for i, g in enumerate(self.slices)], inner[1])  # fmt: skip
        self.low_group, self.glass_group = low, glass
        self.fmap = PixelImage(p.conv_out[f], p.deep_scale, height=min(inner[2].width, inner[2].height) * 0.8)
        inner[2].place(self.fmap)
        for t, z in zip(titles, (left, centre, right)):
            z.place(t, UP)
        self.glass_titles = titles
        key = legend(p.low_scale, -p.low_scale.vmax, p.low_scale.vmax, width=2.2)
        self.lay.footer.place(key, LEFT)

        with self.beat(
            _("Layer two never sees the photo. It looks at the {n} clue maps layer one left behind, {h} by {w} each.")
            .format(n=n, h=h, w=w)
        ):  # fmt: skip
            self.play(QuickFade(low), QuickFade(titles[0]), run_time=style.SLOW)
            self.play(QuickFade(key), run_time=style.QUICK)

        # The filter as a deck of glass layers behind one lens, then fanned out, one layer per map.
        deck = VGroup(*[Grid(p.terms.weights[ch], p.weight_scale, cell=0.45, element=None) for ch in range(n)])
        for ch, g in enumerate(deck):
            g.move_to(centre.center + (ch - (n - 1) / 2) * DECK_STEP * (RIGHT + UP))
        lens_group = MagnifyingGlass(deck[-1], k)  # the glass, its layers stacked behind the front one
        with self.beat(
            _("So its magnifying glass is thicker: one {k}×{k} layer of glass per map, {n} weights in filter {f}.")
            .format(k=k, n=p.terms.weights.size, f=f + 1)
        ):  # fmt: skip
            self.play(QuickFade(deck), Create(lens_group), run_time=style.SLOW)
            self.play(QuickFade(lens_group, appear=False),
                      *[QuickMove(d, s.get_center(), s.width / d.width) for d, s in zip(deck, self.slices)],
                      run_time=style.SLOW)  # fmt: skip
            self.remove(deck)
            self.play(QuickFade(glass), QuickFade(titles[1]), run_time=style.NORMAL)

        t = p.terms
        self.low_windows = [MagnifyingGlass(m, k).over(t.top, t.left) for m in self.low_maps]
        self.target = self.fmap.window(*p.cell, 1, 1, width=3)
        with self.beat(
            _("All {n} layers slide together, always over the same spot of every map, and write one new map.").format(
                n=n
            )
        ):
            self.play(QuickFade(self.fmap), QuickFade(titles[2]), run_time=style.NORMAL)
            self.play(
                *[GrowFromCenter(b) for b in self.low_windows], GrowFromCenter(self.target), run_time=style.NORMAL
            )
        self.low_key = key

    # -- 2. one cell: every map's products, summed, plus the bias ------------------------------------
    def show_sum(self) -> None:
        p = self.plan
        t, ch = p.terms, p.open_channel
        n = p.n_in
        r0, c0 = p.cell
        self.section("sum")
        side, table = self.lay.split(1, 3.3)
        o = OpenChannel(
            t.patch[ch], t.weights[ch], t.products[ch], p.low_scale, p.weight_scale,
            (_("map {n} under the glass").format(n=ch + 1), _("layer {n}").format(n=ch + 1),
             _("{n} products").format(n=t.products[ch].size)),
        )  # fmt: skip
        table.place(o)
        names = [_("map {n}").format(n=i + 1) for i in range(n)]
        total = CellSum(t.patch, t.weights, p.sums, t.bias, t.output, names, [style.TEXT] * n, [p.low_scale] * n,
                        p.weight_scale, p.deep_scale, _("+ bias"), small_cell=0.3, size=28)  # fmt: skip
        table.place(total)
        self.open, self.total = o, total
        with self.beat(
            _("Take one spot. Each layer of glass multiplies the {k} numbers under it on its own map: here map {m}.")
            .format(k=t.patch[ch].size, m=ch + 1)
        ):  # fmt: skip
            keep = Group(*self.low_maps, *self.low_windows)  # their names are in the sums' rows
            self.play(*fade_out(self.glass_group, self.fmap, self.target, self.low_key, *self.glass_titles,
                                *self.low_labels), run_time=style.QUICK)  # fmt: skip
            centre = side.point(UP) + DOWN * min(side.height, keep.height * side.width / keep.width) / 2
            self.play(QuickMove(keep, centre, min(side.width / keep.width, side.height / keep.height)),
                      run_time=style.NORMAL)  # fmt: skip
            self.open_frame = frame_of(self.low_maps[ch], width=4)
            self.play(Create(self.open_frame), *fade_in(o.patch, o.weights, o.headers[:2]), run_time=style.NORMAL)
            self.play(QuickFade(o.signs), *fade_in(o.products, o.headers[2]), run_time=style.NORMAL)
        with self.beat(
            _(
                "Each map's products add up to one sum. The {n} sums plus the bias make one number: row {r}, column "
                "{c} of {layer} map {f}."
            ).format(n=n, r=r0 + 1, c=c0 + 1, layer=p.conv, f=p.f + 1)
        ):
            self.play(morph(o.products, total.rows[ch].sum), *fade_out(o, self.open_frame), run_time=style.NORMAL)
            self.play(*fade_in(*total.rows), run_time=style.NORMAL)
            self.play(QuickFade(total.sum_line, shift=DOWN * 0.15), run_time=style.NORMAL)
            self.play(QuickFade(total.bias_line), Create(frame_of(total.out, width=5)), run_time=style.NORMAL)

    # -- 3. the deep maps --------------------------------------------------------------------------
    def show_maps(self) -> None:
        p = self.plan
        n_out, ho, wo = p.conv_out.shape
        _c, hp, wp = p.pool_out.shape
        self.section("maps")
        title_h = small("0").height + 0.1
        room = self.lay.main
        size = min((room.width - 0.15 * (n_out - 1)) / n_out, (room.height - 4 * title_h - 0.4) / (2 + hp / ho))
        rows = []
        for values in (p.conv_out, p.relu_out, p.pool_out):
            height = size * values.shape[1] / ho  # the same cell size: the pooled maps visibly shrink
            rows.append([PixelImage(m, p.deep_scale, height=height) for m in values])
        self.conv_maps, self.relu_maps, self.pool_maps = rows
        titles = [
            small(_("{layer}: {n} maps · {h}×{w}").format(layer=p.conv, n=n_out, h=ho, w=wo), style.TEXT),
            small(_("{layer}: negatives set to 0 · {h}×{w}").format(layer=p.relu, h=ho, w=wo), style.TEXT),
            small(_("{layer}: {n} maps · {h}×{w}").format(layer=p.pool, n=n_out, h=hp, w=wp), style.TEXT),
        ]
        bands = [Group(*maps).arrange(RIGHT, buff=0.15) for maps in rows]
        numbers = VGroup(*[small(str(j + 1), style.HIGHLIGHT if j == p.f else style.MUTED).next_to(m, UP, buff=0.06)
                           for j, m in enumerate(self.conv_maps)])  # fmt: skip
        for t, band, top in zip(titles, bands, (numbers, bands[1], bands[2])):
            t.next_to(top, UP, buff=0.08).align_to(band, LEFT)
        parts = [Group(titles[0], numbers, bands[0]), Group(titles[1], bands[1]), Group(titles[2], bands[2])]
        room.place(Group(*parts).arrange(DOWN, buff=0.1, aligned_edge=LEFT), UP)
        self.map_titles, self.map_numbers = titles, numbers
        key = legend(p.deep_scale, -p.deep_scale.vmax, p.deep_scale.vmax, width=2.4)
        self.lay.footer.place(key, RIGHT)
        with self.beat(
            _("Layer two has {n} thick glasses, so it writes {n} new clue maps, each {h} by {w}.").format(
                n=n_out, h=ho, w=wo
            )
        ):
            self.clear()
            self.play(QuickFade(Group(*self.conv_maps)), QuickFade(titles[0]), QuickFade(numbers), run_time=style.SLOW)
            self.play(QuickFade(key), run_time=style.QUICK)
        with self.beat(
            _("As before, ReLU zeroes the negatives and pooling shrinks each map to {h} by {w}.").format(h=hp, w=wp)
        ):
            self.play(QuickFade(Group(*self.relu_maps)), QuickFade(titles[1]), run_time=style.NORMAL)
            self.play(QuickFade(Group(*self.pool_maps)), QuickFade(titles[2]), run_time=style.NORMAL)
        f = p.f
        self.map_marks = VGroup(
            self.conv_maps[f].window(*p.cell, 1, 1, width=3),
            box_on(self.relu_maps[f], p.chain[1].box, width=3),
            self.pool_maps[f].window(p.r, p.c, 1, 1, width=3),
        )
        with self.beat(
            _("Our cell wins its pooling window and lives on. These deeper clues are built out of earlier clues.")
        ):
            self.play(*[GrowFromCenter(m) for m in self.map_marks], run_time=style.NORMAL)

    # -- 4. what one deep cell sees --------------------------------------------------------------
    def level_view(self, level, size: float):
        """The maps of one level of the walk: the chosen deep map, a stack of all the shallow maps
        (the deep cell depends on every one of them), or the photo, with the level's box."""
        p = self.plan
        if level.grid == "input":
            views = [PixelImage(p.image, p.photo_scale, height=size)]
        elif level.grid in (p.pool, p.relu):
            views = [PixelImage(p.maps_of(level.grid)[p.f], p.deep_scale, height=size)]
        else:
            views = [PixelImage(m, p.low_scale, height=size) for m in p.maps_of(level.grid)]
        group, boxes = Group(), []
        for depth in range(len(views) - 1, -1, -1):  # the back map first
            v = views[depth]
            v.shift(depth * DECK_STEP * (RIGHT + UP))
            b = box_on(v, level.box, width=4 if depth == 0 else 3)
            group.add(v, b)
            boxes.append(b)
        return group, views[0], boxes[-1]

    def show_field(self) -> None:
        p = self.plan
        levels = p.chain
        self.section("field")
        n = len(levels)
        caption_h = 3 * (small("0").height + 0.08) + 0.2
        via_h = small("0").height + 0.35
        main = self.wide(self.lay.main)
        columns = main.columns(*[1] * n, gap=0.6)[::-1]  # the deep cell on the right
        size = min(columns[0].width - DECK_STEP * 4, columns[0].height - caption_h - via_h)
        self.field_views, self.field_boxes, self.field_parts, self.field_captions = [], [], [], []
        names = {p.pool: _("{layer} map {f}").format(layer=p.pool, f=p.f + 1),
                 p.relu: _("{layer} map {f}").format(layer=p.relu, f=p.f + 1), "input": _("the photo")}  # fmt: skip
        for level, zone in zip(levels, columns):
            group, front, box = self.level_view(level, size)
            group.move_to(zone.point(UP) + DOWN * (via_h + group.height / 2))
            h, w = level.shape
            bh, bw = level.size
            if level.grid in names:
                name = names[level.grid]
            else:
                name = _("{layer} · {n} maps").format(layer=level.grid, n=len(p.maps_of(level.grid)))
            sees = (_("sees {h}×{w} pixels") if level.grid == "input" else _("sees {h}×{w} cells")).format(h=bh, w=bw)
            cap = VGroup(small(name, style.TEXT), small(f"{h}×{w}"), small(sees, style.HIGHLIGHT)).arrange(
                DOWN, buff=0.08
            )
            cap.next_to(group, DOWN, buff=0.15).set_x(front.get_x())
            cap.shift(RIGHT * (max(main.left - cap.get_left()[0], 0) + min(main.right - cap.get_right()[0], 0)))
            self.field_views.append(front)
            self.field_boxes.append(box)
            self.field_parts.append(group)
            self.field_captions.append(cap)
        arrows, vias = [], []
        for a, level in enumerate(levels[1:]):
            right, left = self.field_parts[a], self.field_parts[a + 1]
            y = self.field_views[a].get_y()
            arrows.append(Arrow([right.get_left()[0], y, 0], [left.get_right()[0], y, 0], buff=0.05,
                                color=style.MUTED, stroke_width=3, max_tip_length_to_length_ratio=0.35))  # fmt: skip
            kind = _("{k}×{k} pool") if level.via.startswith("pool") else _("{k}×{k} glass")
            via = small(kind.format(k=level.kernel))
            vias.append(via.move_to([arrows[-1].get_x(), right.get_top()[1] + via_h / 2, 0]))
        # Laid out at the 16:9 width: now fitted into this frame's zone.
        self.lay.main.place(Group(*self.field_parts, *self.field_captions, *arrows, *vias))
        with self.beat(
            _("Now follow one cell of {layer} map {f} back down, layer by layer, to the photo.").format(
                layer=p.pool, f=p.f + 1
            )
        ):
            self.clear()
            self.play(QuickFade(self.field_parts[0]), QuickFade(self.field_captions[0]), run_time=style.NORMAL)
        with self.beat(p.growth) as b:
            per = (b.left - 0.1) / (n - 1)
            for a in range(1, n):
                self.play(GrowArrow(arrows[a - 1]), QuickFade(vias[a - 1]), run_time=0.35 * per)
                self.play(QuickFade(self.field_parts[a]), QuickFade(self.field_captions[a]), run_time=0.55 * per)
        photo = self.field_views[-1]
        self.conv1_mark = box_on(photo, p.conv1_box, colour=style.TEXT, width=3)
        ch, cw = p.conv1_box[2] - p.conv1_box[0] + 1, p.conv1_box[3] - p.conv1_box[1] + 1
        note = small(_("white: a {layer} cell sees {h}×{w}").format(layer=p.conv1, h=ch, w=cw), style.TEXT)
        self.conv1_note = self.lay.footer.place(note, LEFT)
        with self.beat(p.bigger):
            self.play(Create(self.conv1_mark), QuickFade(note), run_time=style.NORMAL)
            self.play(self.field_boxes[-1].animate.set_stroke(width=7), run_time=style.QUICK)
            self.play(self.field_boxes[-1].animate.set_stroke(width=4), run_time=style.QUICK)

    # -- 5. the patches that excite deep maps most -----------------------------------------------
    def show_patches(self) -> None:
        p = self.plan
        self.section("patches")
        rows_z = self.wide(self.lay.main).rows(*[1] * len(p.favourites), gap=0.2)
        self.patch_views, self.thumbs, self.value_labels, self.thumb_boxes, self.heads = {}, {}, {}, {}, {}
        rows = []
        for fav, zone in zip(p.favourites, rows_z):
            head_z, *cells = zone.columns(1.3, *[1] * len(fav.patches), gap=0.25)
            name = _("{layer} map {n}").format(layer=p.pool, n=fav.channel + 1)
            head = VGroup(small(name, style.HIGHLIGHT if fav.channel == p.f else style.TEXT), small(fav.note))
            head_z.place(head.arrange(DOWN, buff=0.1, aligned_edge=LEFT), LEFT)
            pv, tv, vl, tb = [], [], [], []
            row = [head]
            for d, z in zip(fav.patches, cells):
                value = small(fmt(d["value"]), style.TEXT)
                h = z.height - value.height - GAP
                patch = PixelImage(d["patch"], p.photo_scale, height=h)
                thumb = PixelImage(p.portraits[d["image"]], p.photo_scale, height=0.6 * h)
                pair = Group(patch, thumb).arrange(RIGHT, buff=0.1, aligned_edge=UP)
                Zone(z.left, z.bottom + value.height + GAP, z.right, z.top).place(pair)
                value.next_to(patch, DOWN, buff=GAP)
                tbox = box_on(thumb, d["box"], width=2)
                pv.append(patch), tv.append(thumb), vl.append(value), tb.append(tbox)
                row += [patch, thumb, tbox, value]
            self.patch_views[fav.channel], self.thumbs[fav.channel] = pv, tv
            self.value_labels[fav.channel], self.thumb_boxes[fav.channel] = vl, tb
            self.heads[fav.channel] = head
            rows.append(Group(*row))
        self.lay.main.place(Group(*rows))
        note = small(p.portraits_note)
        self.lay.footer.place(note, RIGHT)
        self.patch_note = note
        first = p.favourites[0]
        with self.beat(
            _("What does a deep map look for? We showed it {n} portraits and kept the pieces that made it fire "
              "hardest.").format(n=len(p.portraits))
        ):  # fmt: skip
            self.clear()
            self.play(QuickFade(note), QuickFade(rows[0]), run_time=style.NORMAL)
            self.play(*fade_in(*rows[1:]), run_time=style.NORMAL)
        with self.beat(
            _("Each number is how strongly the map fired. {favourite} These are clues of clues.").format(
                favourite=first.words(_("{layer} map {n}").format(layer=p.pool, n=first.channel + 1))
            )
        ):
            self.play(*[v.animate.set_color(style.HIGHLIGHT) for v in self.value_labels[first.channel]],
                      run_time=style.NORMAL)  # fmt: skip
