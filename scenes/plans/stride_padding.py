"""Chapter 3, stride and padding: two real filters of the first layer look at a small patch of the
image with stride 1, stride 2 and a ring of zeros (padding); the output-size rule says how big each
map is, and counting the numbers in and out shows how many clues survive.

Every count and every verdict ("fewer numbers survive", "no clue is lost", "the picture keeps its
size") is chosen here from the convolutions actually computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine.functional import conv2d, output_size
from scenes.i18n import _, clauses
from scenes.plans.colour import HIGHLIGHT, Channel, Diverging, Photo, Scale
from scenes.plans.pick import busiest_patch

PATCH = 5  # side of the small input (a presentation choice)
PAIR = (0, 1)  # the two filters compared
THIRD = 2  # the filter added to keep every number, when the layer has one


@dataclass(frozen=True)
class Variant:
    """``patch`` (C, i, i) convolved with filters ``filters`` at one stride and padding."""

    stride: int
    padding: int
    kernel: int
    filters: tuple[int, ...]
    patch: np.ndarray  # (C, i, i) the input
    output: np.ndarray  # (F, o, o) = conv2d(patch, weight[filters], bias[filters], stride, padding)
    size: int  # o = output_size(i, kernel, stride, padding)
    windows: tuple[tuple[int, int], ...]  # top-left (row, col) of each look, raster order; < 0 = in the padding

    @property
    def input_size(self) -> int:
        return int(self.patch.shape[-1])

    @property
    def rounded(self) -> bool:
        """Whether the size rule rounds down: the glass does not land exactly on the far edge."""
        return (self.input_size + 2 * self.padding - self.kernel) % self.stride != 0

    @property
    def given(self) -> int:
        """How many numbers came in."""
        return int(self.patch.size)

    @property
    def kept(self) -> int:
        """How many numbers come out."""
        return int(self.output.size)


def variant(
    patch: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray,
    filters: tuple[int, ...] | list[int],
    stride: int = 1,
    padding: int = 0,
) -> Variant:
    """Convolve a (C, i, i) patch with the chosen filters of ``weight`` (F, C, k, k) / ``bias`` (F,)."""
    patch = np.asarray(patch, dtype=np.float64)
    filters = tuple(int(f) for f in filters)
    w = np.asarray(weight, dtype=np.float64)[list(filters)]
    b = np.asarray(bias, dtype=np.float64)[list(filters)]
    k = int(w.shape[-1])
    out = conv2d(patch[None], w, b, stride=stride, padding=padding)[0]
    size = output_size(patch.shape[-1], k, stride, padding)
    if out.shape[-2:] != (size, size):
        raise AssertionError(f"conv2d gave {out.shape[-2:]}, the output-size rule says {size}")
    windows = tuple((r * stride - padding, c * stride - padding) for r in range(size) for c in range(size))
    return Variant(stride, padding, k, filters, patch, out, size, windows)


def coverage(v: Variant) -> np.ndarray:
    """How many of ``v``'s looks cover each pixel of the patch: (i, i)."""
    n, k = v.input_size, v.kernel
    seen = np.zeros((n, n), dtype=int)
    for top, left in v.windows:
        seen[max(top, 0) : max(top + k, 0), max(left, 0) : max(left + k, 0)] += 1
    return seen


def dims(shape) -> str:
    """(C, H, W) -> "H × W × C" (or "H × W" for one channel): how the screen writes sizes."""
    c, h, w = (int(d) for d in shape)
    return f"{h} × {w}" if c == 1 else f"{h} × {w} × {c}"


@dataclass(frozen=True)
class Layer:
    """The real first layer, for the closing comparison."""

    name: str
    stride: int
    padding: int
    kernel: int
    filters: int
    input_shape: tuple[int, int, int]
    output_shape: tuple[int, int, int]
    size: int  # the output-size rule on the input's height
    verdict: str  # what the rule means for the picture's size


@dataclass(frozen=True)
class StridePaddingPlan:
    layer: str
    photo: bool
    patch_at: tuple[int, int]  # top-left (row, col) of the patch in the image
    patch: np.ndarray  # (C, n, n) network input: what the filters compute with
    patch_image: np.ndarray  # (C, n, n) the same pixels as the viewer knows them
    patch_scale: Scale  # how the patch is painted (Photo() takes patch_image, else patch[0])
    picture: np.ndarray  # the whole image, and its scale
    picture_scale: Scale
    kernel: int
    pad: int  # "same" padding: the map keeps the input's size
    filters: tuple[int, ...]  # the pair, then the third filter when there is one
    weights: np.ndarray  # (F, C, k, k) of the whole layer
    bias: np.ndarray
    weight_scale: Diverging
    map_scale: Diverging
    stride1: Variant
    stride2: Variant
    padded: Variant
    trio: Variant | None
    seen: np.ndarray  # how often each patch pixel is looked at with stride 1, no padding
    seen_scale: Scale  # those counts as shades of the highlight colour
    real: Layer
    lost: str  # stride 2: what the count says
    padded_note: str  # padding: what the count says
    more: str  # the third filter, or what the pair already keeps
    more_note: str  # the same, short, for the screen (no third filter)
    tally: str  # what the counts say, all variants together

    @property
    def variants(self) -> list[Variant]:
        return [v for v in (self.stride1, self.stride2, self.padded, self.trio) if v is not None]

    @property
    def corner_looks(self) -> int:
        return int(self.seen[0, 0])

    @property
    def centre_looks(self) -> int:
        return int(self.seen.max())


def plan(story) -> StridePaddingPlan:
    tr = story.trace
    step = tr.steps_of("Conv2D")[0]
    weight, bias = np.asarray(step.params["weight"]), np.asarray(step.params["bias"])
    x = np.asarray(tr.input)
    image = np.asarray(tr.image, dtype=np.float64)
    photo = image.shape[0] == 3
    r0, c0 = busiest_patch(x, PATCH)
    n = min(PATCH, x.shape[1], x.shape[2])
    patch = x[:, r0 : r0 + n, c0 : c0 + n]
    k = int(weight.shape[-1])
    pad = (k - 1) // 2
    pair = tuple(f for f in PAIR if f < weight.shape[0])
    s1 = variant(patch, weight, bias, pair, 1, 0)
    s2 = variant(patch, weight, bias, pair, 2, 0)
    padded = variant(patch, weight, bias, pair, 1, pad)
    trio = variant(patch, weight, bias, (*pair, THIRD), 1, pad) if weight.shape[0] > THIRD else None
    shown = [v for v in (s1, s2, padded, trio) if v is not None]
    used = sorted({f for v in shown for f in v.filters})
    scale: Scale = Photo() if photo else Diverging(1.0)
    seen = coverage(s1)
    return StridePaddingPlan(
        step.name, photo, (r0, c0), patch, image[:, r0 : r0 + n, c0 : c0 + n], scale, image, scale, k, pad,
        tuple(used), weight, bias, Diverging.for_values(weight[used]),
        Diverging.for_values(*[v.output for v in shown]), s1, s2, padded, trio, seen,
        Channel(HIGHLIGHT, top=float(seen.max())),
        real_layer(step), lost_words(s1, s2), padded_words(s1, padded), more_words(padded, trio, weight.shape[0]),
        more_note(padded), tally_words(s1, s2, padded, trio),
    )  # fmt: skip


def real_layer(step) -> Layer:
    cfg = step.config
    k, s, p = int(cfg["kernel_size"]), int(cfg["stride"]), int(cfg["padding"])
    c, h, w = (int(d) for d in step.input.shape)
    f, ho, wo = (int(d) for d in step.output.shape)
    o = output_size(h, k, s, p)
    if (ho, wo) == (h, w):
        verdict = _("so the picture keeps its size")
    elif ho < h:
        verdict = _("so the picture shrinks from {h} to {o} across").format(h=h, o=ho)
    else:
        verdict = _("so the picture grows from {h} to {o} across").format(h=h, o=ho)
    return Layer(step.name, s, p, k, f, (c, h, w), (f, ho, wo), o, verdict)


def lost_words(s1: Variant, s2: Variant) -> str:
    if s2.kept < s1.kept:
        return _("Quicker, but only {kept} numbers survive, not {before}: clues can fall between the jumps.").format(
            kept=s2.kept, before=s1.kept
        )
    return _("{kept} numbers survive, as many as with stride 1.").format(kept=s2.kept)


def padded_words(s1: Variant, padded: Variant) -> str:
    return _("{maps} maps now keep {kept} numbers, {more} more than without the tape.").format(
        maps=len(padded.filters), kept=padded.kept, more=padded.kept - s1.kept
    )


def more_words(padded: Variant, trio: Variant | None, filters: int) -> str:
    if trio is not None:
        if trio.kept >= trio.given:
            end = _("as many numbers as came in") if trio.kept == trio.given else _("more numbers than came in")
        else:
            end = _("still fewer than the {given} that came in").format(given=trio.given)
        return _(
            "Want every clue kept? Add a glass: with filter {f}, {maps} maps of {o} × {o} make {kept}, {end}."
        ).format(f=trio.filters[-1] + 1, maps=len(trio.filters), o=trio.size, kept=trio.kept, end=end)
    if padded.kept >= padded.given:
        return _(
            "This layer has just {filters} glasses. Even so, with padding their maps hold {kept} numbers, "
            "more than the {given} that came in: no clue is lost."
        ).format(filters=filters, kept=padded.kept, given=padded.given)
    return _(
        "This layer has just {filters} glasses: with padding their maps hold {kept} numbers, fewer than the {given} "
        "that came in. More glasses would keep more."
    ).format(filters=filters, kept=padded.kept, given=padded.given)


def more_note(padded: Variant) -> str:
    filters = len(padded.filters)
    if padded.kept >= padded.given:
        return _("Only {filters} filters, yet {kept} numbers kept: more than the {given} that came in.").format(
            filters=filters, kept=padded.kept, given=padded.given
        )
    return _("{filters} filters keep {kept} of the {given} numbers that came in.").format(
        filters=filters, kept=padded.kept, given=padded.given
    )


def tally_words(s1: Variant, s2: Variant, padded: Variant, trio: Variant | None) -> str:
    """The counts side by side, in words: which choices lose numbers and which keep them."""
    parts = []
    if s2.kept < s1.kept:
        parts.append(_("a bigger stride throws numbers away"))
    if padded.kept > s1.kept:
        parts.append(_("padding keeps them"))
    if trio is not None and trio.kept > padded.kept:
        parts.append(_("more glasses keep even more"))
    if not parts:
        return _("Counting clues: every choice here keeps about as many numbers.")
    return _("Counting clues: {what}.").format(what=clauses(parts))
