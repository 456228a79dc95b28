"""Flatten: the last maps are read like a book, row by row and map by map, into one long line; the
strongest clue keeps a place that follows from its map, row and column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.i18n import _, ngettext
from scenes.plans.colour import Diverging
from scenes.plans.maps import decimals_for, map_name
from scenes.plans.numbers import fmt

TALL = 5  # maps with more rows than this get 3-character numbers, so the readable map fits the body


@dataclass(frozen=True)
class FlattenPlan:
    maps: np.ndarray  # (C, H, W) what Flatten receives
    flat: np.ndarray  # (C*H*W,) what it gives on
    scale: Diverging  # one colour scale for the maps and the line
    names: tuple[str, ...]  # "map 1", ...
    decimals: int  # of the readable map 1
    ranges: tuple[str, ...]  # the places of each map's numbers in the line, 1-based: "1–49", "50–98", ...
    strongest: int  # 0-based index of the largest number in the line
    where: tuple[int, int, int]  # its (map, row, col), 0-based
    place: tuple[str, ...]  # how its place follows from where it sat: "(6 − 1) × 49", "+ (2 − 1) × 7", "+ 3 = 255"
    value: str  # the strongest clue as shown
    intro: str
    read: str
    first_row: str
    rows: str
    stack: str
    page: str
    clue: str  # the strongest clue's sentence
    jury: str

    @property
    def shape(self) -> tuple[int, int, int]:
        c, h, w = self.maps.shape
        return int(c), int(h), int(w)

    def span(self, r: int, m: int = 0) -> str:
        """The places in the line of row ``r`` of map ``m``, 1-based: "8–14"."""
        _c, h, w = self.shape
        start = (m * h + r) * w
        return f"{start + 1}–{start + w}"

    def text(self, value: float) -> str:
        return fmt(value, self.decimals)


def place_of(where: tuple[int, int, int], shape: tuple[int, int, int]) -> int:
    """The 0-based place in the line of the number at (map, row, col): maps, then rows, then columns."""
    m, r, c = where
    _c, h, w = shape
    return (m * h + r) * w + c


def plan(story) -> FlattenPlan:
    tr = story.trace
    step = tr.steps_of("Flatten")[0]
    maps, flat = np.asarray(step.input), np.asarray(step.output)
    c, h, w = maps.shape
    hw, n = h * w, maps.size
    k = int(np.argmax(flat))
    where = tuple(int(v) for v in np.unravel_index(k, maps.shape))
    if place_of(where, maps.shape) != k or flat[k] != maps[where]:
        raise AssertionError(f"flatten order: place {k} is not map/row/col {where}")
    m, r, col = where
    place = (f"({m + 1} − 1) × {hw}", f"+ ({r + 1} − 1) × {w}", f"+ {col + 1} = {k + 1}")
    names = tuple(map_name(i) for i in range(c))
    names_before = [s.name for s in tr.steps]
    before = tr.steps[names_before.index(step.name) - 1] if names_before.index(step.name) > 0 else None
    if before is not None and before.kind == "MaxPool2D":
        intro = ngettext(
            "After the last pooling, Sherlock holds {c} map of clues, {h} by {w}: a pile a jury cannot read.",
            "After the last pooling, Sherlock holds {c} maps of clues, {h} by {w} each: piles a jury cannot read.",
            c,
        )
    else:
        intro = ngettext(
            "Sherlock now holds {c} map of clues, {h} by {w}: a pile a jury cannot read.",
            "Sherlock now holds {c} maps of clues, {h} by {w} each: piles a jury cannot read.",
            c,
        )
    if flat[k] > 0:
        clue = _(
            "The strongest clue, {value}, sat in {map}, row {row}, column {col}. In the line it is number {place}, "
            "and it always will be."
        ).format(value=fmt(flat[k]), map=names[m], row=r + 1, col=col + 1, place=k + 1)
    else:
        clue = _("Every clue here is {value}: this image left nothing for the filters to find.").format(
            value=fmt(flat[k])
        )
    if c == 2:
        stack = _("Then {next} from place {start}: {n} numbers in one line.").format(next=names[1], start=hw + 1, n=n)
    elif c > 2:
        stack = _("Then {next} from place {start}, and so on up to {last}: {n} numbers in one line.").format(
            next=names[1], start=hw + 1, last=names[-1], n=n
        )
    else:
        stack = _("That was the only map: {n} numbers in one line.").format(n=n)
    return FlattenPlan(
        maps,
        flat,
        Diverging.for_values(maps, flat),
        names,
        decimals_for(maps[0], chars=4 if h <= TALL else 3),
        tuple(f"{i * hw + 1}–{(i + 1) * hw}" for i in range(c)),
        k,
        where,
        place,
        fmt(flat[k]),
        intro=intro.format(c=c, h=h, w=w),
        read=_("Flatten reads them like a book: {map} first, row 1 from left to right.").format(map=names[0]),
        first_row=_("Row 1 becomes places 1 to {w} of one long line.").format(w=w),
        rows=_("Row 2 follows from place {next}, and so on down to row {h}: {map} fills the first {hw} places.").format(
            next=w + 1, h=h, map=names[0], hw=hw
        ),
        stack=stack,
        page=(
            _("Written out, the line is {n} numbers long: none lost, none added.")
            if c == 1
            else _(
                "Here the line is written as {c} rows of {hw}, one per map, like lines on a page: "
                "none lost, none added."
            )
        ).format(n=n, c=c, hw=hw),
        clue=clue,
        jury=_("Now the jury can weigh each clue in turn."),
    )
