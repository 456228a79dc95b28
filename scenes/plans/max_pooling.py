"""Max pooling: one map after ReLU, a readable patch of it, a few windows taken one by one, the sweep
over the whole map, then every map pooled."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.i18n import _
from scenes.plans.colour import Diverging
from scenes.plans.maps import decimals_for, drawn_as_cells, joined, map_name
from scenes.plans.numbers import fmt

STEP = "pool1"
WINDOWS = 2  # windows per side of the zoomed patch: its numbers stay readable
N_DETAIL = 3  # windows explained one by one before the sweep


@dataclass(frozen=True)
class Window:
    """One pooling window taken slowly: its numbers and the one that goes on."""

    row: int  # the window's (output cell's) row and column
    col: int
    values: np.ndarray  # (k, k) the numbers under it
    winner: tuple[int, int]  # input (row, col) of the largest
    value: float
    sentence: str


@dataclass(frozen=True)
class PoolPlan:
    before: np.ndarray  # (C, H, W) the maps after ReLU
    after: np.ndarray  # (C, Ho, Wo) the pooled maps
    winners: np.ndarray  # (C, Ho, Wo, 2) input (row, col) of every max
    size: int  # window side
    stride: int
    scale: Diverging  # one colour scale for before and after
    cells: bool  # maps drawn as outlined cells (small maps) or as images
    map: int  # the map the story looks at
    names: tuple[str, ...]  # "map 1", "map 2", ...
    region: tuple[int, int, int]  # (first window row, first window col, windows per side) of the zoom
    decimals: int  # of the patch's numbers
    details: tuple[Window, ...]
    zoom: str
    windows: str
    sweep: str
    stack: str
    shrink: str  # what pooling kept, from the shapes and values
    kept: str  # the same, short, for the summary box

    @property
    def patch(self) -> tuple[int, int, int]:
        """(top, left, side) in the map of the zoomed patch of input numbers."""
        wi, wj, n = self.region
        return wi * self.stride, wj * self.stride, (n - 1) * self.stride + self.size

    def patch_values(self) -> np.ndarray:
        r, c, side = self.patch
        return self.before[self.map, r : r + side, c : c + side]

    def pooled_values(self) -> np.ndarray:
        wi, wj, n = self.region
        return self.after[self.map, wi : wi + n, wj : wj + n]

    def window_cells(self, i: int, j: int) -> tuple[int, int]:
        """Input (row, col) of the top-left cell of window (i, j)."""
        return i * self.stride, j * self.stride

    @property
    def count(self) -> int:
        """Windows in one map (= cells of a pooled map)."""
        return int(self.after.shape[1] * self.after.shape[2])

    def position(self, n: int) -> tuple[int, int]:
        """Window number ``n`` of the sweep (raster order)."""
        return divmod(min(max(n, 0), self.count - 1), self.after.shape[2])

    def filled(self, n: int) -> np.ndarray:
        """The pooled map's cells filled in once the sweep has done windows 0 .. n: those and the
        windows taken one by one before it."""
        _c, ho, wo = self.after.shape
        mask = (np.arange(ho * wo) <= n).reshape(ho, wo)
        return mask | self.shown_after(len(self.details) - 1)

    def shown_after(self, d: int) -> np.ndarray:
        """The pooled map's cells filled in once the first ``d + 1`` windows taken one by one are done."""
        mask = np.zeros(self.after.shape[1:], dtype=bool)
        for w in self.details[: d + 1]:
            mask[w.row, w.col] = True
        return mask

    def in_region(self, mask: np.ndarray) -> np.ndarray:
        """The part of a pooled-map mask that the zoomed pooled patch shows."""
        wi, wj, n = self.region
        return mask[wi : wi + n, wj : wj + n]

    def winner_at(self, n: int) -> tuple[int, int]:
        """Input (row, col) of the winner of sweep window ``n``."""
        i, j = self.position(n)
        return int(self.winners[self.map, i, j, 0]), int(self.winners[self.map, i, j, 1])

    def text(self, value: float) -> str:
        return fmt(value, self.decimals)


def pick_region(maps: np.ndarray, size: int, stride: int, n: int) -> tuple[int, int, int]:
    """(map, first window row, first window col) of an n x n block of windows with the most
    contested windows (values not all equal), then the widest spread of values."""
    c, h, w = maps.shape
    hw, ww = (h - size) // stride + 1, (w - size) // stride + 1
    n = min(n, hw, ww)
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


def contested(values: np.ndarray, decimals: int) -> bool:
    """Whether a window's largest number reads larger than every other on screen (a visible contest)."""
    ranked = sorted(np.ravel(values))
    return len(ranked) > 1 and fmt(ranked[-1], decimals) != fmt(ranked[-2], decimals)


def detail_windows(plan_region: tuple[int, int, int], windows, n: int, decimals: int) -> list[tuple[int, int]]:
    """Up to ``n`` windows of the region (raster order) to take one by one: visible contests first,
    then the others. ``windows(i, j)`` gives a window's values."""
    wi, wj, side = plan_region
    order = [(wi + a, wj + b) for a in range(side) for b in range(side)]
    chosen = [ij for ij in order if contested(windows(*ij), decimals)][:n]
    chosen += [ij for ij in order if ij not in chosen][: n - len(chosen)]
    return sorted(chosen)


def window_sentence(values: list[str], largest: str) -> str:
    if len(set(values)) == 1:
        return _("All {count} numbers read {value}: that {value} goes on.").format(count=len(values), value=largest)
    return _("Of {values}, the largest is {value}: only it goes on.").format(values=joined(values), value=largest)


def share(h: int, w: int, ho: int, wo: int) -> str:
    """How much of a map pooling keeps, in words: "a quarter", "half", "one in 9", "196 of 784"."""
    ratio = (h * w) / (ho * wo)
    if ratio == 2:
        return _("half")
    if ratio == 4:
        return _("a quarter")
    if float(ratio).is_integer():
        return _("one in {n}").format(n=int(ratio))
    return _("{kept} of {total}").format(kept=ho * wo, total=h * w)


def shrink_sentence(h: int, w: int, ho: int, wo: int, strongest: float, kept: float) -> str:
    part = share(h, w, ho, wo)
    if fmt(kept) == fmt(strongest):
        tail = _("and the strongest clue, {value}, is still there.").format(value=fmt(strongest))
    else:
        tail = _("and the strongest clue left is {value}.").format(value=fmt(kept))
    return _("{h} by {w} becomes {ho} by {wo}: each map keeps {part} of its numbers, {tail}").format(
        h=h, w=w, ho=ho, wo=wo, part=part, tail=tail
    )


def plan(story) -> PoolPlan:
    tr = story.trace
    step = tr.step(STEP)
    before, after, winners = np.asarray(step.input), np.asarray(step.output), np.asarray(step.winners)
    k, s = int(step.config["size"]), int(step.config["stride"])
    c, h, w = before.shape
    _c, ho, wo = after.shape
    f, wi, wj = pick_region(before, k, s, WINDOWS)
    n = min(WINDOWS, ho, wo)
    side = (n - 1) * s + k
    patch = before[f, wi * s : wi * s + side, wj * s : wj * s + side]
    decimals = decimals_for(patch)

    def values(i: int, j: int) -> np.ndarray:
        return before[f, i * s : i * s + k, j * s : j * s + k]

    details = []
    for i, j in detail_windows((wi, wj, n), values, N_DETAIL, decimals):
        win = values(i, j)
        wr, wc = (int(v) for v in winners[f, i, j])
        texts = [fmt(v, decimals) for v in win.ravel()]
        details.append(
            Window(i, j, win, (wr, wc), float(after[f, i, j]), window_sentence(texts, fmt(after[f, i, j], decimals)))
        )
    return PoolPlan(
        before,
        after,
        winners,
        k,
        s,
        Diverging.for_values(before, after),
        drawn_as_cells(before.shape),
        f,
        tuple(map_name(m) for m in range(c)),
        (wi, wj, n),
        decimals,
        tuple(details),
        zoom=_("Zoom into {map}: {side} by {side} of its numbers after ReLU.").format(map=map_name(f), side=side),
        windows=_(
            "A {k} by {k} window jumps {s} cells at a time. Of its {kk} numbers, only the largest goes on."
        ).format(k=k, s=s, kk=k * k),
        sweep=_(
            "Now the window sweeps the whole map, {count} windows, and each winner fills one cell of the smaller map."
        ).format(count=ho * wo),
        stack=(
            _("The map is pooled the same way, window by window.")
            if c == 1
            else _("Every one of the {n} maps is pooled the same way, window by window.")
        ).format(n=c),
        shrink=shrink_sentence(h, w, ho, wo, float(before.max()), float(after.max())),
        kept=_("each map keeps {part}: the largest number of each window").format(part=share(h, w, ho, wo)),
    )
