"""Chapter: ReLU switches off the negative numbers of the feature maps."""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Animation,
    Axes,
    Create,
    DashedLine,
    Dot,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    ImageMobject,
    MathTex,
    Mobject,
    Rectangle,
    ReplacementTransform,
    Transform,
    UpdateFromAlphaFunc,
    VGroup,
    VMobject,
)
from manim.constants import RESAMPLING_ALGORITHMS

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import PixelImage, ValueGrid, boxed, keep_on_screen, label, legend
from scenes.plans.terms import switched_off

PATCH = 6  # side of the zoomed patch of a large map
MAX_GRID_CELLS = 144  # maps up to this many cells are drawn with their numbers; larger ones as images
N_DOTS = 4  # real values placed on the ReLU graph


def number_font(cell: float, values: np.ndarray, digits: int, fill: float = 0.9) -> float:
    """The largest font (at most 14) whose widest number fills ``fill`` of a cell."""
    longest = max(len(style.fmt(v, digits)) for v in np.ravel(values))
    return min(14.0, fill * cell / (0.0082 * max(longest, 1)))


def frame_of(view, r: int, c: int, h: int = 1, w: int = 1, colour: str = style.HIGHLIGHT, width: float = 5):
    """Like ``view.window`` but fast on a ValueGrid (measured on its cells, not on all its numbers)."""
    if not isinstance(view, ValueGrid):
        return view.window(r, c, h, w, colour=colour, width=width)
    ul = view.cell(r, c).get_corner(UP + LEFT)
    dr = view.cell(r + h - 1, c + w - 1).get_corner(DOWN + RIGHT)
    rect = Rectangle(width=dr[0] - ul[0], height=ul[1] - dr[1], stroke_color=colour, stroke_width=width)
    return rect.move_to((ul + dr) / 2)


def centre_of(view, r: int, c: int) -> np.ndarray:
    """The centre of cell (r, c) of a ValueGrid or PixelImage."""
    return view.cell(r, c).get_center() if isinstance(view, ValueGrid) else view.cell_center(r, c)


def flash_image(values: np.ndarray, mask: np.ndarray, cmap, height: float) -> ImageMobject:
    """``values`` coloured by ``cmap``, with the cells of ``mask`` painted in the highlight colour."""
    rgb = cmap.rgb(values)
    rgb[mask] = style._hex_to_rgb(style.HIGHLIGHT).astype(np.uint8)
    img = ImageMobject(rgb, scale_to_resolution=1080)
    img.set_resampling_algorithm(RESAMPLING_ALGORITHMS["nearest"])
    img.height = height
    return img


def pick_patch(maps: np.ndarray, size: int) -> tuple[int, int, int]:
    """(map, row, col) of a ``size`` x ``size`` patch with both signs, as balanced as can be."""
    best, best_score = (0, 0, 0), None
    n, h, w = maps.shape
    for f in range(n):
        for r in range(0, h - size + 1):
            for c in range(0, w - size + 1):
                p = maps[f, r : r + size, c : c + size]
                neg = int((p < 0).sum())
                score = (min(neg, p.size - neg), float(np.ptp(p)))
                if best_score is None or score > best_score:
                    best, best_score = (f, r, c), score
    return best


def pick_examples(values: np.ndarray, n: int, digits: int = 2) -> list[tuple[int, ...]]:
    """Indices of up to ``n`` cells with distinct values that show ReLU well: the most negative and
    the most positive, then the negative nearest to zero and a middling positive one."""
    flat = values.ravel()
    shown = np.array([float(style.fmt(v, digits)) for v in flat])  # skip values that read as 0 on screen
    neg = np.flatnonzero(shown < 0)
    pos = np.flatnonzero(shown > 0)
    neg, pos = neg[np.argsort(flat[neg], kind="stable")], pos[np.argsort(flat[pos], kind="stable")]
    order = []
    if len(neg):
        order.append(neg[0])
    if len(pos):
        order.append(pos[-1])
    if len(neg):
        order.append(neg[-1])
    if len(pos):
        order.append(pos[len(pos) // 2])
    order += list(np.argsort(flat, kind="stable"))  # fill up when one sign is missing
    chosen, seen = [], set()
    for i in order:
        key = style.fmt(flat[i], digits)
        if key not in seen:
            seen.add(key)
            chosen.append(int(i))
        if len(chosen) == n:
            break
    return [tuple(int(k) for k in np.unravel_index(i, values.shape)) for i in chosen]


class _NoCopy(UpdateFromAlphaFunc):
    """An update animation that skips the deep copy every animation makes of its mobject (costly on
    grids of hundreds of cells and numbers); the mobject still counts as moving while it runs."""

    def create_starting_mobject(self) -> Mobject:
        return Mobject()


def fade(mob, into: bool = True, **kwargs) -> Animation:
    """FadeIn / FadeOut (``into=False``, removes ``mob``) for big groups, without copying them."""
    if not isinstance(mob, VMobject):
        return FadeIn(mob, **kwargs) if into else FadeOut(mob, **kwargs)
    parts = [(m, m.get_fill_opacity(), m.get_stroke_opacity()) for m in mob.family_members_with_points()]

    def update(_m, a: float) -> None:
        k = a if into else 1 - a
        for m, f, s in parts:
            m.set_fill(opacity=f * k, family=False)
            m.set_stroke(opacity=s * k, family=False)

    return _NoCopy(mob, update, remover=not into, **kwargs)


def switch_off(cells) -> Animation:
    """One animation for many cells: each (grid, new_grid, r, c) fades from its old colour and number
    to those of ``new_grid``. Ends with the new numbers removed again: the caller swaps in the new grids."""
    olds = [(g.cell(r, c), g.cell(r, c).get_fill_color(), new.cell(r, c).get_fill_color()) for g, new, r, c in cells]
    numbers_out = [g.number(r, c) for g, _, r, c in cells]
    numbers_in = [new.number(r, c).copy() for _, new, r, c in cells]

    def update(_m, a: float) -> None:
        for sq, c0, c1 in olds:
            sq.set_fill(c0.interpolate(c1, a), opacity=1)
        for t in numbers_out:
            t.set_opacity(1 - a)
        for t in numbers_in:
            t.set_opacity(a)

    group = VGroup(*[sq for sq, _, _ in olds], *numbers_out, *numbers_in)
    return _NoCopy(group, update, remover=True)


class ReluScene(ChapterScene):
    chapter_id = "relu"
    subtitle = "Negative evidence is dropped"

    def construct(self) -> None:
        self.title_card()
        step = self.trace.step("relu1")
        self.relu_in, self.relu_out = step.input, step.output
        self.mask = switched_off(self.trace, "relu1")
        self.cmap = style.Diverging.for_values(self.relu_in, self.relu_out)
        n, h, w = self.relu_in.shape
        self.big = h * w > MAX_GRID_CELLS
        if self.big:
            self.show_images()
            self.zoom()
        else:
            self.show_grids()
        self.graph()
        self.switch()
        self.result()

    # -- the conv1 maps --------------------------------------------------------------------------
    def show_grids(self) -> None:
        """Small maps: every number on screen."""
        n, h, w = self.relu_in.shape
        self.step("maps")
        area_w = 9.4
        cell = min(0.5, (area_w - 0.4 * (n - 1)) / (n * w), 4.6 / h)
        font = number_font(cell, np.concatenate([self.relu_in.ravel(), self.relu_out.ravel()]), 1)
        grids = VGroup(*[ValueGrid(m, self.cmap, cell=cell, digits=1, font_size=font) for m in self.relu_in])
        grids.arrange(RIGHT, buff=0.4).move_to([-6.9 + grids.width / 2, -0.15, 0])
        titles = VGroup(
            *[
                label(f"map {k + 1}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(g, UP, 0.1)
                for k, g in enumerate(grids)
            ]
        )
        key = legend(self.cmap, -self.cmap.vmax, self.cmap.vmax, ticks=(-self.cmap.vmax, 0, self.cmap.vmax))
        key.next_to(grids, DOWN, buff=0.2)
        self.inputs, self.titles, self.key, self.left_block = grids, titles, key, VGroup(grids, titles)
        neg = int(self.mask.sum())
        self.caption(
            f"The {n} filters left {n} maps of clues. Orange: the pattern is there. Blue: it is missing here.", 5
        )
        self.play(fade(grids), FadeIn(titles), run_time=1.2)
        self.play(FadeIn(key), run_time=0.5)
        self.wait(3.3)
        self.neg_count = neg

    def show_images(self) -> None:
        """Large maps: one picture per map, numbers come with the zoom."""
        n, h, w = self.relu_in.shape
        self.step("maps")
        cols = 2 if n > 1 else 1
        rows = math.ceil(n / cols)
        side = min(2.1, (5.6 - 0.45 * (rows - 1)) / rows)
        images = [PixelImage(m, self.cmap, height=side) for m in self.relu_in]
        for k, img in enumerate(images):
            r, c = divmod(k, cols)
            img.move_to([-6.85 + side / 2 + c * (side + 0.3), 2.3 - side / 2 - r * (side + 0.45), 0])
        titles = VGroup(
            *[
                label(f"map {k + 1}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(img, UP, 0.06)
                for k, img in enumerate(images)
            ]
        )
        key = legend(
            self.cmap, -self.cmap.vmax, self.cmap.vmax, width=2 * side, ticks=(-self.cmap.vmax, 0, self.cmap.vmax)
        )
        bottom = min(img.get_bottom()[1] for img in images)
        key.move_to([images[0].get_left()[0] + key.width / 2, bottom - 0.35, 0])
        self.inputs, self.titles, self.key = images, titles, key
        self.caption(
            f"The first filters left {n} maps of clues, {h} by {w} each. Orange: pattern found. Blue: it is missing.",
            5,
        )
        self.play(*[FadeIn(img) for img in images], FadeIn(titles), run_time=1.2)
        self.play(FadeIn(key), run_time=0.5)
        self.wait(3.3)

    def zoom(self) -> None:
        n, h, w = self.relu_in.shape
        size = min(PATCH, h, w)
        f, r0, c0 = pick_patch(self.relu_in, size)
        self.patch = (f, r0, c0)
        self.step("zoom")
        patch_in = self.relu_in[f, r0 : r0 + size, c0 : c0 + size]
        patch_out = self.relu_out[f, r0 : r0 + size, c0 : c0 + size]
        cell = min(0.56, 3.4 / size)
        font = number_font(cell, np.concatenate([patch_in.ravel(), patch_out.ravel()]), 2)
        grid = ValueGrid(patch_in, self.cmap, cell=cell, digits=2, font_size=font).move_to([-0.25, 0.1, 0])
        box = self.inputs[f].window(r0, c0, size, size, width=3)
        border = frame_of(grid, 0, 0, size, size, width=3).set_z_index(2)
        box.set_z_index(2)
        title = label(f"map {f + 1}, a {size}×{size} patch", size=style.SMALL_SIZE, colour=style.MUTED)
        title.next_to(grid, UP, buff=0.12)
        self.patch_in, self.patch_out_values, self.patch_title = grid, patch_out, title
        self.caption(f"Zoom into map {f + 1}: each pixel is one number the filter produced.", 4)
        self.play(GrowFromCenter(box), run_time=0.6)
        self.play(ReplacementTransform(box.copy(), border), fade(grid), FadeIn(title), run_time=1.2)
        self.wait(2.2)

    # -- the graph, with real values on it ---------------------------------------------------------
    def graph(self) -> None:
        self.step("graph")
        # the example values come from the whole small map, or from the zoomed patch
        if self.big:
            f, r0, c0 = self.patch
            h, w = self.patch_in.shape
            source, offset, digits = self.relu_in[f : f + 1, r0 : r0 + h, c0 : c0 + w], (f, r0, c0), 2
        else:
            source, offset, digits = self.relu_in, (0, 0, 0), 1
        picks = [
            (fi + offset[0], ri + offset[1], ci + offset[2]) for fi, ri, ci in pick_examples(source, N_DOTS, digits)
        ]
        lim = float(max(1, math.ceil(max(abs(self.relu_in[p]) for p in picks))))
        side = 3.4
        axes = Axes(
            x_range=[-lim, lim, lim],
            y_range=[-lim, lim, lim],
            x_length=side,
            y_length=side,
            tips=False,
            axis_config={"color": style.MUTED, "stroke_width": 2, "include_ticks": True},
        ).move_to([4.75, 0.35, 0])
        identity = DashedLine(axes.c2p(-lim, -lim), axes.c2p(lim, lim), color=style.MUTED, stroke_width=2)
        curve = VMobject(color=style.HIGHLIGHT, stroke_width=5)
        curve.set_points_as_corners([axes.c2p(-lim, 0), axes.c2p(0, 0), axes.c2p(lim, lim)])
        formula = MathTex(r"\text{out} = \max(0,\ \text{in})", font_size=30, color=style.HIGHLIGHT)
        formula.next_to(axes, UP, buff=0.2)

        def tick(text, point, direction):
            return label(text, size=style.SMALL_SIZE, colour=style.MUTED).next_to(point, direction, 0.18)

        ticks = VGroup(
            tick(style.fmt(-lim), axes.c2p(-lim, 0), DOWN),
            tick(style.fmt(lim), axes.c2p(lim, 0), DOWN),
            tick(style.fmt(lim), axes.c2p(0, lim), LEFT),
            tick(style.fmt(-lim), axes.c2p(0, -lim), LEFT),
            tick("in", axes.c2p(lim, 0), UP),
            tick("out", axes.c2p(0, lim), RIGHT),
        )
        same = label("out = in", size=style.SMALL_SIZE, colour=style.MUTED)
        same.next_to(axes.c2p(-lim, -lim), UP + RIGHT, 0.05)
        self.axes, self.curve, self.lim = axes, curve, lim
        self.caption("ReLU is one rule for every number: keep it if it is positive, otherwise write 0.", 4)
        self.play(Create(axes), FadeIn(ticks), FadeIn(same), Create(identity), run_time=1.2)
        self.play(Create(curve), FadeIn(formula), run_time=1.2)
        self.wait(1.6)

        self.dots: list[tuple[Dot, tuple[int, int, int]]] = []
        self.readouts: list = []
        readout = None
        per_dot = 2.0
        self.caption(
            "Follow a few real numbers: each starts on the dashed line, then ReLU decides.", per_dot * len(picks)
        )
        for f, r, c in picks:
            v, out = float(self.relu_in[f, r, c]), float(self.relu_out[f, r, c])
            cell = self.patch_in.cell(r - offset[1], c - offset[2]) if self.big else self.inputs[f].cell(r, c)
            frame = cell.copy().set_fill(opacity=0).set_stroke(style.HIGHLIGHT, width=5)
            dot = Dot(axes.c2p(v, v), radius=0.1, color=self.cmap(v)).set_stroke(style.TEXT, width=1.5)
            text = label(f"max(0, {style.fmt(v, digits)}) = {style.fmt(out, digits)}", size=20, colour=style.TEXT)
            text.next_to(axes, DOWN, buff=0.55)
            self.readouts.append(text)
            travel = cell.copy()
            self.play(GrowFromCenter(frame), run_time=0.3)
            self.play(
                Transform(travel, dot), FadeIn(text) if readout is None else Transform(readout, text), run_time=0.8
            )
            self.remove(travel)
            self.add(dot)
            readout = readout or text
            self.play(dot.animate.move_to(axes.c2p(v, out)).set_fill(self.cmap(out)), run_time=0.7)
            self.play(FadeOut(frame), run_time=0.2)
            self.dots.append((dot, (f, r, c)))
        self.readout = readout
        self.graph_parts = VGroup(axes, identity, curve, formula, ticks, same)

    # -- every negative switches off -----------------------------------------------------------------
    def switch(self) -> None:
        self.step("switch")
        off = int(self.mask.sum())
        total = self.mask.size
        if self.big:
            self.switch_images(off, total)
        else:
            self.switch_grids(off, total)

    def switch_grids(self, off: int, total: int) -> None:
        outs = VGroup(
            *[
                ValueGrid(m, self.cmap, cell=g.cell_size, digits=1, font_size=g.numbers[0].font_size)
                for m, g in zip(self.relu_out, self.inputs)
            ]
        )
        for o, g in zip(outs, self.inputs):
            o.move_to(g)
        self.caption(f"Now the whole maps: {off} of the {total} numbers are negative and flip to 0. The rest stay.", 5)
        frames = VGroup(*[frame_of(self.inputs[f], r, c, width=2.5) for f, r, c in zip(*np.nonzero(self.mask))])
        self.play(fade(frames), run_time=1.2)
        cells = [(self.inputs[f], outs[f], r, c) for f, r, c in zip(*np.nonzero(self.mask))]
        self.play(switch_off(cells), fade(frames, into=False), run_time=1.6)
        self.remove(self.inputs)
        self.add(outs)
        self.outputs = outs
        new_titles = VGroup(
            *[
                label(f"map {k + 1} after ReLU", size=style.SMALL_SIZE, colour=style.TEXT).move_to(t)
                for k, t in enumerate(self.titles)
            ]
        )
        self.play(*[Transform(t, n) for t, n in zip(self.titles, new_titles)], run_time=0.6)
        self.wait(1.6)

    def switch_images(self, off: int, total: int) -> None:
        f, r0, c0 = self.patch
        size = self.patch_in.shape[0]
        patch_out = ValueGrid(
            self.patch_out_values,
            self.cmap,
            cell=self.patch_in.cell_size,
            digits=2,
            font_size=self.patch_in.numbers[0].font_size,
        ).move_to(self.patch_in)
        pmask = self.mask[f, r0 : r0 + size, c0 : c0 + size]
        self.caption(
            f"Every negative number flips to 0 in all {len(self.inputs)} maps: {off} of {total}. The rest stay put.",
            6,
        )
        flashes = [
            flash_image(m, k, self.cmap, img.height).move_to(img)
            for m, k, img in zip(self.relu_in, self.mask, self.inputs)
        ]
        frames = VGroup(*[frame_of(self.patch_in, r, c, width=2.5) for r, c in zip(*np.nonzero(pmask))])
        self.play(*[FadeIn(fl) for fl in flashes], FadeIn(frames), run_time=1.0)
        self.wait(0.6)
        outs = [PixelImage(m, self.cmap, height=img.height).move_to(img) for m, img in zip(self.relu_out, self.inputs)]
        cells = [(self.patch_in, patch_out, r, c) for r, c in zip(*np.nonzero(pmask))]
        self.play(
            *[FadeOut(fl) for fl in flashes],
            *[FadeIn(o) for o in outs],
            switch_off(cells),
            FadeOut(frames),
            run_time=1.6,
        )
        self.remove(*self.inputs, self.patch_in)
        self.add(patch_out)
        self.outputs, self.patch_out = outs, patch_out
        new_titles = VGroup(
            *[
                label(f"map {k + 1} after ReLU", size=style.SMALL_SIZE, colour=style.TEXT).move_to(t)
                for k, t in enumerate(self.titles)
            ]
        )
        self.play(*[Transform(t, n) for t, n in zip(self.titles, new_titles)], run_time=0.6)
        self.wait(2.2)

    # -- why ---------------------------------------------------------------------------------------------
    def result(self) -> None:
        self.step("switch-off")
        note = label("a switch: on for clues found,\noff for clues missing", size=20, colour=style.TEXT)
        extra = []
        if "relu2" in [s.name for s in self.trace.steps]:
            extra.append(label("the same switch follows conv2", size=style.SMALL_SIZE, colour=style.MUTED))
        box = boxed(note, *extra)
        box.next_to(self.axes, DOWN, buff=0.3)
        box.set_x(self.axes.get_x())
        keep_on_screen(box)
        self.caption(
            "Like an on/off switch: a clue that was found passes through, 'this clue is not here' is dropped.", 5
        )
        self.play(FadeOut(self.readout), FadeIn(box, shift=UP * 0.2), run_time=0.8)
        self.wait(4.2)
        if extra:
            self.caption("The network does the same again after its second convolution.", 3)
            self.wait(3)
        self.note = box
