"""Chapter: max pooling keeps the strongest clue of every small neighbourhood."""

from __future__ import annotations

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Arrow,
    Create,
    FadeIn,
    FadeOut,
    GrowFromCenter,
    Line,
    Rectangle,
    ReplacementTransform,
    Transform,
    ValueTracker,
    VGroup,
    linear,
)

from scenes import legacy_style as style
from scenes.legacy_base import ChapterScene
from scenes.legacy_parts import PixelImage, ValueGrid, boxed, keep_on_screen, label
from scenes.relu import MAX_GRID_CELLS, centre_of, fade, frame_of, number_font

PATCH_WINDOWS = 3  # a large map is zoomed to a patch of this many windows per side
N_DETAIL = 3  # windows explained one by one before the sweep
EMPTY = style._hex_to_rgb(style.BACKGROUND).astype(np.uint8)  # an output cell not filled yet


def window_box(view, i: int, j: int, size: int, stride: int, offset=(0, 0), colour=style.HIGHLIGHT, width=5):
    """The frame of pooling window (i, j) on ``view``, whose cell (0, 0) is input cell ``offset``."""
    return frame_of(view, i * stride - offset[0], j * stride - offset[1], size, size, colour=colour, width=width)


def detail_windows(block: np.ndarray, size: int, stride: int, n: int) -> list[tuple[int, int]]:
    """The first window of ``block`` plus the next windows (raster order) whose values are not all
    equal, up to ``n``: a window of identical numbers has no contest to show."""
    hw, ww = (block.shape[0] - size) // stride + 1, (block.shape[1] - size) // stride + 1
    order = [(i, j) for i in range(hw) for j in range(ww)]
    chosen = [order[0]]
    for i, j in order[1:]:
        w = block[i * stride : i * stride + size, j * stride : j * stride + size]
        if len(chosen) < n and np.ptp(w) > 0:
            chosen.append((i, j))
    for ij in order:  # too few contests: take the next windows
        if len(chosen) < n and ij not in chosen:
            chosen.append(ij)
    return chosen


def pick_region(maps: np.ndarray, size: int, stride: int, n: int) -> tuple[int, int, int]:
    """(map, first window row, first window col) of an n x n block of windows with the most
    contested windows (values not all equal), then the widest spread of values."""
    c, h, w = maps.shape
    hw, ww = (h - size) // stride + 1, (w - size) // stride + 1
    best, best_score = (0, 0, 0), None
    for f in range(c):
        spread = np.array(
            [
                [np.ptp(maps[f, i * stride : i * stride + size, j * stride : j * stride + size]) for j in range(ww)]
                for i in range(hw)
            ]
        )
        for i in range(hw - n + 1):
            for j in range(ww - n + 1):
                s = spread[i : i + n, j : j + n]
                score = (int((s > 0).sum()), float(s.sum()))
                if best_score is None or score > best_score:
                    best, best_score = (f, i, j), score
    return best


class Reveal:
    """Shows the cells of the pooled map that are filled in so far, on every view of it."""

    def __init__(self, shape: tuple[int, int]) -> None:
        self.mask = np.zeros(shape, dtype=bool)
        self.views: list[tuple[object, tuple[int, int]]] = []

    def add(self, view, offset=(0, 0)) -> None:
        self.views.append((view, offset))

    def show(self, mask: np.ndarray) -> None:
        self.mask = np.array(mask, dtype=bool)
        for view, (r0, c0) in self.views:
            h, w = view.shape
            sub = self.mask[r0 : r0 + h, c0 : c0 + w]
            if isinstance(view, ValueGrid):
                for (r, c), on in np.ndenumerate(sub):
                    view.cell(r, c).set_fill(opacity=1.0 if on else 0.0)
                    if len(view.numbers):
                        view.number(r, c).set_opacity(1.0 if on else 0.0)
            else:
                view.pixel_array[..., :3] = np.where(sub[..., None], view.rgb, EMPTY)


class MaxPoolingScene(ChapterScene):
    chapter_id = "max-pooling"
    subtitle = "Keep only the strongest clue of each neighbourhood"

    def construct(self) -> None:
        self.title_card()
        step = self.trace.step("pool1")
        self.pool = step
        self.k, self.s = int(step.config["size"]), int(step.config["stride"])
        self.cmap = style.Diverging.for_values(step.input, step.output)
        n, h, w = step.input.shape
        self.big = h * w > MAX_GRID_CELLS
        if self.big:
            self.layout_images()
        else:
            self.layout_grids()
        self.details()
        self.sweep()
        self.stack()

    # -- layouts ---------------------------------------------------------------------------------------
    def layout_grids(self) -> None:
        """Small maps: the whole map with its numbers, a 2x2 zoom in the middle, the pooled map."""
        x, y = self.pool.input, self.pool.output
        f, _, _ = pick_region(x, self.k, self.s, min(y.shape[1:]))
        self.f, self.region = f, (0, 0, y.shape[1], y.shape[2])
        h, w = x.shape[1:]
        cell = min(0.5, 5.0 / max(h, w))
        font = number_font(cell, x[f], 1)
        self.in_view = ValueGrid(x[f], self.cmap, cell=cell, digits=1, font_size=font).move_to([-4.15, -0.25, 0])
        self.out_view = ValueGrid(y[f], self.cmap, cell=cell, digits=1, font_size=font).move_to([4.35, -0.25, 0])
        self.patch_view, self.pooled_view, self.patch_offset, self.pooled_offset = (
            self.in_view,
            self.out_view,
            (0, 0),
            (0, 0),
        )
        self.reveal = Reveal(y.shape[1:])
        self.reveal.add(self.out_view)
        self.reveal.show(self.reveal.mask)
        titles = VGroup(
            label(f"ReLU map {f + 1} · {h}×{w}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
                self.in_view, UP, 0.12
            ),
            label(f"pooled · {y.shape[1]}×{y.shape[2]}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
                self.out_view, UP, 0.12
            ),
        )
        self.step("maps")
        self.caption(
            "Sherlock keeps his brain attic tidy: from each small neighbourhood he stores only the strongest clue.", 5
        )
        self.play(fade(self.in_view), FadeIn(titles[0]), run_time=1)
        self.play(fade(self.out_view), FadeIn(titles[1]), run_time=1)
        self.wait(3)
        self.titles = titles

    def layout_images(self) -> None:
        """Large maps: the map as a picture, a zoomed patch with numbers, its pooled patch, the pooled map."""
        x, y = self.pool.input, self.pool.output
        n = PATCH_WINDOWS
        f, wi, wj = pick_region(x, self.k, self.s, n)
        self.f, self.region = f, (wi, wj, n, n)
        side = (n - 1) * self.s + self.k
        r0, c0 = wi * self.s, wj * self.s
        h, w = x.shape[1:]
        self.in_view = PixelImage(x[f], self.cmap, height=4.0).move_to([-4.85, -0.3, 0])
        out_h = 4.0 * y.shape[1] / h  # the same cell size as the input: the map visibly shrinks
        self.out_view = PixelImage(y[f], self.cmap, height=out_h).move_to([5.25, -0.3, 0])
        out_frame = Rectangle(
            width=self.out_view.width, height=self.out_view.height, stroke_color=style.GRID_LINE, stroke_width=2
        ).move_to(self.out_view)
        patch = x[f, r0 : r0 + side, c0 : c0 + side]
        pooled = y[f, wi : wi + n, wj : wj + n]
        cell = min(0.52, 3.1 / side)
        font = number_font(cell, patch, 2)
        self.patch_view = ValueGrid(patch, self.cmap, cell=cell, digits=2, font_size=font).move_to([-0.75, -0.3, 0])
        self.pooled_view = ValueGrid(pooled, self.cmap, cell=cell, digits=2, font_size=font).move_to([2.4, -0.3, 0])
        self.patch_offset, self.pooled_offset = (r0, c0), (wi, wj)
        self.reveal = Reveal(y.shape[1:])
        self.reveal.add(self.out_view)
        self.reveal.add(self.pooled_view, (wi, wj))
        self.reveal.show(self.reveal.mask)
        box = self.in_view.window(r0, c0, side, side, width=3).set_z_index(2)
        lines = VGroup(
            Line(box.get_corner(UP + RIGHT), self.patch_view.get_corner(UP + LEFT)),
            Line(box.get_corner(DOWN + RIGHT), self.patch_view.get_corner(DOWN + LEFT)),
        ).set_stroke(style.HIGHLIGHT, 1.5)
        titles = VGroup(
            label(f"ReLU map {f + 1} · {h}×{w}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
                self.in_view, UP, 0.12
            ),
            label(f"pooled · {y.shape[1]}×{y.shape[2]}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(
                out_frame, UP, 0.12
            ),
            label(f"{side}×{side} patch", size=style.SMALL_SIZE, colour=style.MUTED).next_to(self.patch_view, UP, 0.12),
            label("pooled patch", size=style.SMALL_SIZE, colour=style.MUTED).next_to(self.pooled_view, UP, 0.12),
        )
        self.step("maps")
        self.caption(
            "Sherlock keeps his brain attic tidy: from each small neighbourhood he stores only the strongest clue.", 5
        )
        self.play(FadeIn(self.in_view), FadeIn(titles[0]), run_time=1)
        self.play(FadeIn(out_frame), FadeIn(self.out_view), FadeIn(titles[1]), run_time=1)
        self.wait(3)
        self.caption(f"Zoom into map {f + 1}: a patch of {side} by {side} numbers.", 3)
        self.play(GrowFromCenter(box), run_time=0.5)
        self.play(Create(lines), fade(self.patch_view), fade(self.pooled_view), FadeIn(titles[2:]), run_time=1.2)
        self.wait(1.3)
        self.titles, self.zoom_box, self.out_frame = titles, VGroup(box, lines), out_frame

    # -- the first windows, one by one -----------------------------------------------------------------
    def details(self) -> None:
        self.step("windows")
        k, s, f = self.k, self.s, self.f
        x, winners = self.pool.input, self.pool.winners
        wi, wj, nh, nw = self.region
        r0, c0 = self.patch_offset
        block = x[f, wi * s : wi * s + (nh - 1) * s + k, wj * s : wj * s + (nw - 1) * s + k]
        chosen = [(wi + a, wj + b) for a, b in detail_windows(block, k, s, N_DETAIL)]
        per = 2.8
        self.caption(
            f"A {k}×{k} window jumps {s} cells at a time. Of its {k * k} numbers only the largest goes on.",
            0.4 + per * len(chosen),
        )
        frame = window_box(self.patch_view, *chosen[0], k, s, (r0, c0))
        self.play(Create(frame), run_time=0.4)
        self.detail: list[dict] = []
        for i, j in chosen:
            start = self.time
            values = x[f, i * s : i * s + k, j * s : j * s + k]
            wr, wc = (int(v) for v in winners[f, i, j])
            self.play(frame.animate.move_to(window_box(self.patch_view, i, j, k, s, (r0, c0))), run_time=0.4)
            zoom, in_mark, zoom_title = None, None, None
            if self.big:  # the patch numbers are readable as they are: the winner is marked in place
                src, win_cell = self.patch_view, (wr - r0, wc - c0)
            else:  # the four numbers come out into the middle, bigger
                zoom = ValueGrid(values, self.cmap, cell=0.8, digits=2).move_to([0.45, -0.25, 0])
                moves = [
                    Transform(
                        VGroup(
                            self.patch_view.cell(i * s + a, j * s + b), self.patch_view.number(i * s + a, j * s + b)
                        ).copy(),
                        VGroup(zoom.cell(a, b), zoom.number(a, b)),
                        remover=True,
                    )
                    for a in range(k)
                    for b in range(k)
                ]
                zoom_title = label(f"{k}×{k} window", size=style.SMALL_SIZE, colour=style.MUTED)
                zoom_title.next_to(zoom, UP, 0.12)
                self.play(*moves, FadeIn(zoom_title), run_time=0.6)
                self.add(zoom)
                src, win_cell = zoom, (wr - i * s, wc - j * s)
                in_mark = frame_of(self.patch_view, wr, wc, colour=style.WINNER, width=4)
            mark = frame_of(src, *win_cell, colour=style.WINNER, width=6)
            self.play(*[GrowFromCenter(m) for m in (mark, in_mark) if m is not None], run_time=0.4)
            target = self.pooled_view.cell(i - self.pooled_offset[0], j - self.pooled_offset[1])
            oi, oj = i - self.pooled_offset[0], j - self.pooled_offset[1]
            travel = VGroup(src.cell(*win_cell), src.number(*win_cell)).copy()
            dest = VGroup(target.copy().set_fill(opacity=1), self.pooled_view.number(oi, oj).copy().set_opacity(1))
            self.play(Transform(travel, dest), run_time=0.7)
            mask = self.reveal.mask.copy()
            mask[i, j] = True
            self.reveal.show(mask)
            self.remove(travel)
            self.detail.append({"window": (i, j), "winner": (wr, wc), "mark": mark, "in_mark": in_mark, "zoom": zoom})
            self.play(*[FadeOut(m) for m in (mark, in_mark, zoom, zoom_title) if m is not None], run_time=0.3)
            self.wait(max(0.0, start + per - self.time))
        self.frame = frame

    # -- all the other windows in one sweep ----------------------------------------------------------
    def sweep(self) -> None:
        self.step("sweep")
        k, s, f = self.k, self.s, self.f
        _, ho, wo = self.pool.output.shape
        total = ho * wo
        done = self.reveal.mask.copy()
        tracker = ValueTracker(0)
        self.tracker = tracker
        frame = self.frame
        if self.big:
            # the sweep runs over the whole map: the frames move to the picture
            new_frame = window_box(self.in_view, 0, 0, k, s, width=4)
            self.play(ReplacementTransform(frame, new_frame), run_time=0.5)
            frame = new_frame
        winner_mark = frame_of(self.in_view, 0, 0, colour=style.WINNER, width=3 if self.big else 5)

        def current() -> tuple[int, int]:
            n = min(int(tracker.get_value()), total - 1)
            return divmod(n, wo)

        def move_frame(m):
            i, j = current()
            m.move_to(window_box(self.in_view, i, j, k, s))

        def move_winner(m):
            i, j = current()
            m.move_to(centre_of(self.in_view, *self.pool.winners[f, i, j]))

        def fill(_m):
            n = int(tracker.get_value())
            mask = done | (np.arange(total) <= min(n, total - 1)).reshape(ho, wo)
            if n >= total:
                mask[:] = True
            self.reveal.show(mask)

        self.sweep_updaters = [(frame, move_frame), (winner_mark, move_winner), (self.out_view, fill)]
        # every view of the pooled map changes while the sweep runs: mark them as moving
        self.sweep_updaters += [(view, lambda m: None) for view, _ in self.reveal.views if view is not self.out_view]
        for m, fn in self.sweep_updaters:
            m.add_updater(fn)
        self.sweep_frame, self.sweep_winner = frame, winner_mark
        run = min(8.0, max(4.0, total * 0.12))
        self.caption("Now the window sweeps the whole map, and the winners fill the smaller map.", run + 1)
        self.add(winner_mark)
        self.play(tracker.animate.set_value(total), run_time=run, rate_func=linear)
        self.sweep_set(total)
        for m, _ in self.sweep_updaters:
            m.clear_updaters()
        self.play(FadeOut(frame), FadeOut(winner_mark), run_time=0.5)
        self.wait(0.5)

    def sweep_set(self, t: float) -> None:
        """Put the sweep at ``t`` windows done and update what depends on it (also used by tests)."""
        self.tracker.set_value(t)
        for m, fn in self.sweep_updaters:
            fn(m)

    # -- every map -----------------------------------------------------------------------------------
    def stack(self) -> None:
        self.step("stack")
        x, y = self.pool.input, self.pool.output
        n, h, w = x.shape
        _, ho, wo = y.shape
        keep = (self.header, self.source)
        self.play(*[fade(m, into=False) for m in self.mobjects if m not in keep], run_time=0.6)
        in_h = min(2.6, 12.4 / n - 0.5)
        cols = []
        for m in range(n):
            a = PixelImage(x[m], self.cmap, height=in_h)
            b = PixelImage(y[m], self.cmap, height=in_h * ho / h)
            cols.append((a, b))
        gap = (13.0 - n * in_h) / max(n, 1)
        for m, (a, b) in enumerate(cols):
            cx = -6.5 + gap / 2 + in_h / 2 + m * (in_h + gap)
            a.move_to([cx, 1.3, 0])
            b.move_to([cx, -1.4, 0])
        arrows = VGroup(
            *[Arrow(a.get_bottom(), b.get_top(), buff=0.12, color=style.MUTED, stroke_width=3) for a, b in cols]
        )
        names = VGroup(
            *[
                label(f"map {m + 1}", size=style.SMALL_SIZE, colour=style.MUTED).next_to(a, UP, 0.1)
                for m, (a, _) in enumerate(cols)
            ]
        )
        summary = label(
            f"{n} × {h} × {w} = {x.size} numbers  →  {n} × {ho} × {wo} = {y.size} numbers",
            size=22,
            colour=style.HIGHLIGHT,
        )
        shrink = (h * w) / (ho * wo)
        part = {2: "half", 4: "a quarter"}.get(shrink, f"1/{shrink:g}") if shrink.is_integer() else f"{ho * wo}/{h * w}"
        note = label(
            f"each map keeps {part} of its numbers: the strongest clues", size=style.SMALL_SIZE, colour=style.MUTED
        )
        box = boxed(summary, note).move_to([0, -2.8, 0])
        keep_on_screen(box)
        self.inputs = [a for a, _ in cols]
        self.outputs = [b for _, b in cols]
        self.caption(f"Every one of the {n} maps is pooled the same way, window by window.", 4)
        self.play(*[FadeIn(a) for a in self.inputs], FadeIn(names), run_time=1)
        self.play(*[Create(ar) for ar in arrows], *[FadeIn(b, shift=DOWN * 0.3) for b in self.outputs], run_time=1.5)
        self.wait(1.5)
        self.caption(
            f"{h} by {w} becomes {ho} by {wo}: fewer numbers to carry, and the strongest clues are still there.", 5
        )
        self.play(FadeIn(box, shift=UP * 0.2), run_time=0.8)
        self.wait(4.2)
        self.summary = box
