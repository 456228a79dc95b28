"""ReLU: the first feature maps, a readable patch of one, the rule max(0, x) on a graph with real
values on it, and every negative number switched off."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scenes.i18n import _, ngettext
from scenes.plans.colour import HIGHLIGHT, Diverging, Scale, hex_to_rgb
from scenes.plans.maps import decimals_for, drawn_as_cells, map_name
from scenes.plans.numbers import fmt, percent
from scenes.plans.terms import switched_off

STEP = "relu1"
PATCH = 4  # side of the zoomed patch: its numbers stay readable
N_DOTS = 4  # real values followed onto the graph


@dataclass(frozen=True)
class Flagged(Scale):
    """``base``'s colours, with every negative value painted ``colour``: the cells about to switch off."""

    base: Scale
    colour: str = HIGHLIGHT

    def rgb(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64)
        out = self.base.rgb(v)
        out[v < 0] = hex_to_rgb(self.colour).astype(np.uint8)
        return out


@dataclass(frozen=True)
class Dot:
    """One real value of the patch followed onto the graph."""

    map: int
    row: int
    col: int
    value: float
    output: float
    text: str  # the readout: "max(0, -6.5) = 0"
    sentence: str  # the caption that says what happened to it


@dataclass(frozen=True)
class ReluPlan:
    before: np.ndarray  # (C, H, W): the maps ReLU receives
    after: np.ndarray  # (C, H, W): what it gives on
    off: np.ndarray  # (C, H, W) bool: the cells it switched off (negative before)
    scale: Diverging  # one colour scale for before and after
    flagged: Flagged  # the maps with the cells to switch off flagged
    cells: bool  # maps drawn as outlined cells (small maps) or as images
    names: tuple[str, ...]  # "map 1", "map 2", ...
    patch: tuple[int, int, int, int]  # (map, top, left, side) of the zoomed patch
    decimals: int  # of the patch's numbers
    dots: tuple[Dot, ...]
    lim: float  # the graph's axes run from -lim to lim
    off_count: int
    total: int
    intro: str
    zoom: str
    switch: str  # what switching off does to these maps, from the counts
    switched: str  # what is left after it
    later: str | None  # the second ReLU, when the network has one

    def patch_of(self, maps: np.ndarray) -> np.ndarray:
        f, r, c, n = self.patch
        return maps[f, r : r + n, c : c + n]

    def patch_cells_off(self) -> list[tuple[int, int]]:
        """(row, col) within the patch of the cells that switch off."""
        return [(int(r), int(c)) for r, c in zip(*self.patch_of(self.off).nonzero())]

    def text(self, value: float) -> str:
        """A number of the patch or the graph as the viewer reads it."""
        return fmt(value, self.decimals)


def pick_patch(maps: np.ndarray, size: int) -> tuple[int, int, int]:
    """(map, top, left) of a ``size`` x ``size`` patch that shows both what is kept and what is
    switched off (at least a quarter of its cells of each sign, or as near as the maps allow), with
    the widest spread of values (the graph then shows values far from 0)."""
    best, best_score = (0, 0, 0), None
    n, h, w = maps.shape
    for f in range(n):
        for r in range(h - size + 1):
            for c in range(w - size + 1):
                p = maps[f, r : r + size, c : c + size]
                neg, pos = int((p < 0).sum()), int((p > 0).sum())
                score = (min(neg, pos, p.size // 4), float(np.ptp(p)))
                if best_score is None or score > best_score:
                    best, best_score = (f, r, c), score
    return best


def pick_examples(values: np.ndarray, n: int, decimals: int) -> list[tuple[int, ...]]:
    """Indices of up to ``n`` cells with distinct values as read on screen that show ReLU well: the
    most negative and the most positive, then the negative nearest to zero and a middling positive.
    Values that read as 0 are skipped: a dot at 0 shows nothing."""
    flat = np.ravel(values)
    shown = np.array([float(fmt(v, decimals)) for v in flat])
    neg, pos = np.flatnonzero(shown < 0), np.flatnonzero(shown > 0)
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
    order += [i for i in np.argsort(flat, kind="stable") if shown[i] != 0]  # fill up when a sign is missing
    chosen, seen = [], set()
    for i in order:
        key = fmt(flat[i], decimals)
        if key not in seen:
            seen.add(key)
            chosen.append(int(i))
        if len(chosen) == n:
            break
    return [tuple(int(k) for k in np.unravel_index(i, np.shape(values))) for i in chosen]


def off_sentence(off: int, total: int) -> str:
    """What switching off does to ``total`` numbers of which ``off`` are negative."""
    if off == 0:
        return _("None of the {total} numbers is negative: ReLU changes nothing here.").format(total=total)
    if off == total:
        return _("All {total} numbers are negative: ReLU switches every one of them off.").format(total=total)
    return _("{off} of the {total} numbers ({share}) are negative: all of them become 0 at once.").format(
        off=off, total=total, share=percent(off / total)
    )


def left_sentence(off: int, total: int) -> str:
    """What is left once ``off`` of ``total`` numbers are switched off."""
    if off == 0:
        return _("So the maps pass on unchanged.")
    if off == total:
        return _("Every number becomes 0: nothing is left for the next step.")
    return _("Each of them becomes 0; the other {on} stay exactly as they were.").format(on=total - off)


def dot_sentence(value: str, output: str, negative: bool) -> str:
    if negative:
        return _("{value} is negative: ReLU writes 0.").format(value=value)
    return _("{value} is positive: it passes through as {output}.").format(value=value, output=output)


def plan(story) -> ReluPlan:
    tr = story.trace
    step = tr.step(STEP)
    before, after = np.asarray(step.input), np.asarray(step.output)
    off = switched_off(tr, STEP)
    scale = Diverging.for_values(before, after)
    n, h, w = before.shape
    size = min(PATCH, h, w)
    f, r0, c0 = pick_patch(before, size)
    patch = before[f, r0 : r0 + size, c0 : c0 + size]
    decimals = decimals_for(np.concatenate([patch.ravel(), after[f, r0 : r0 + size, c0 : c0 + size].ravel()]))
    dots = []
    for r, c in pick_examples(patch, N_DOTS, decimals):
        v, out = float(patch[r, c]), float(after[f, r0 + r, c0 + c])
        value, output = fmt(v, decimals), fmt(out, decimals)
        text = _("max(0, {value}) = {output}").format(value=value, output=output)
        dots.append(Dot(f, r0 + r, c0 + c, v, out, text, dot_sentence(value, output, v < 0)))
    lim = float(max(1, math.ceil(max((abs(d.value) for d in dots), default=1.0))))
    off_count, total = int(off.sum()), int(off.size)
    intro = ngettext(
        "The filter left {n} map of clues, {h} by {w}. Orange: its pattern is there. Blue: it is missing here.",
        "The filters left {n} maps of clues, {h} by {w} each. Orange: the pattern is there. Blue: it is missing here.",
        n,
    ).format(n=n, h=h, w=w)
    zoom = _("Zoom into {map}: each cell is one number its filter produced.").format(map=map_name(f))
    later = None
    relus = tr.steps_of("ReLU")
    if len(relus) > 1:
        second = switched_off(tr, relus[1].name)
        later = _(
            "The network does the same again after its second convolution: there {off} of {total} numbers switch off."
        ).format(off=int(second.sum()), total=second.size)
    return ReluPlan(
        before,
        after,
        off,
        scale,
        Flagged(scale),
        drawn_as_cells(before.shape),
        tuple(map_name(k) for k in range(n)),
        (f, r0, c0, size),
        decimals,
        tuple(dots),
        lim,
        off_count,
        total,
        intro,
        zoom,
        off_sentence(off_count, total),
        left_sentence(off_count, total),
        later,
    )
