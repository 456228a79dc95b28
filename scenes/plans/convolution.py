"""Chapter 2, convolution: one filter (Sherlock's magnifying glass) slides over the input; at each
position the pixels under it times its weights, summed, plus a bias, give one feature-map cell.

The plan picks what the scene spells out: the first positions of the sweep term by term (with the
colour layer whose products are shown in full), the strongest cell of the map, and for drawings
(inputs of -1 and +1) the best match of the filter's pattern and what it says about it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.i18n import N_, _, ngettext
from scenes.plans.colour import CHANNEL_COLOURS, Channel, Diverging, Photo, Scale
from scenes.plans.numbers import fmt
from scenes.plans.terms import ConvTerms, channel_sums, conv_terms, match_map, weight_scale

FILTER = 0  # the filter explained in detail
EXPLAINED = 3  # positions explained term by term before the sweep
COLOUR_NAMES = {"R": N_("red"), "G": N_("green"), "B": N_("blue")}


@dataclass(frozen=True)
class Position:
    """One explained position of the glass: the terms, and what the screen says about them."""

    terms: ConvTerms
    sums: np.ndarray  # (C,) products of each input channel summed
    in_padding: np.ndarray  # (k, k) bool: the cells of the receptive field that lie in the padding
    note: str  # what changed since the position before (empty for the first)

    @property
    def padded(self) -> int:
        """How many cells of the receptive field (per channel) lie in the padding."""
        return int(self.in_padding.sum())


@dataclass(frozen=True)
class Match:
    """Drawings only: the filter's response as an average in [-1, 1] and its best spot."""

    map: np.ndarray  # (Ho, Wo) match map of the explained filter
    cell: tuple[int, int]  # the best spot (first in reading order on ties)
    terms: ConvTerms
    weight_total: float  # sum of |w|: the sum of the products divided by it is the match
    signs: np.ndarray  # (k, k) the filter's pattern: +1 / -1 (0 for a zero weight)
    agree: np.ndarray  # (k, k) bool: the pixel has its weight's sign (a zero weight agrees)
    perfect: bool
    tag: str  # the label next to the best cell
    claim: str  # the outcome sentence about the best spot


@dataclass(frozen=True)
class ConvolutionPlan:
    layer: str
    kernel: int
    stride: int
    padding: int
    photo: bool
    image: np.ndarray  # (C, H, W) as the viewer knows it: the -1/+1 drawing or the 0-255 photo
    picture_scale: Scale  # how the whole picture is painted
    channel_names: tuple[str, ...]  # "R", "G", "B" for a photo; "" for a drawing
    input_scales: tuple[Scale, ...]  # per channel: how the network's input values are painted
    weight_scale: Diverging  # weights and products
    map_scale: Diverging  # every feature map of the layer
    weights: np.ndarray  # (F, C, k, k)
    bias: np.ndarray  # (F,)
    maps: np.ndarray  # (F, Ho, Wo): the layer's output
    filter: int
    positions: tuple[Position, ...]
    open_channel: int  # the channel whose products are shown in full (the one adding most)
    strongest: tuple[int, int]  # the explained filter's largest cell
    input_scale: float  # the first layer sees image * input_scale
    match: Match | None

    @property
    def input_shape(self) -> tuple[int, int, int]:
        return tuple(int(d) for d in self.image.shape)

    @property
    def output_shape(self) -> tuple[int, int, int]:
        return tuple(int(d) for d in self.maps.shape)

    @property
    def map(self) -> np.ndarray:
        return self.maps[self.filter]

    def window(self, i: int) -> tuple[int, int]:
        """Top-left input cell (padding cells negative) of output position ``i`` in reading order."""
        r, c = divmod(i, self.output_shape[2])
        return r * self.stride - self.padding, c * self.stride - self.padding

    def colour_name(self, channel: int) -> str:
        return _(COLOUR_NAMES.get(self.channel_names[channel], self.channel_names[channel]))


def plan(story) -> ConvolutionPlan:
    tr = story.trace
    step = tr.steps_of("Conv2D")[0]
    k, s, p = (int(step.config[n]) for n in ("kernel_size", "stride", "padding"))
    _f, ho, wo = step.output.shape
    image = np.asarray(tr.image, dtype=np.float64)
    photo = image.shape[0] == 3
    n = min(EXPLAINED, ho * wo)
    positions: list[Position] = []
    for i in range(n):
        t = conv_terms(tr, step.name, FILTER, *divmod(i, wo))
        note = stride_words(positions[-1].terms, t, s, i) if positions else ""
        positions.append(Position(t, channel_sums(t), _in_padding(t, step.input.shape[1:]), note))
    weights, bias = np.asarray(step.params["weight"]), np.asarray(step.params["bias"])
    shown = [weights, *[q.terms.products for q in positions]]
    if photo:
        names = tuple(CHANNEL_COLOURS)
        top = 255.0 * float(tr.input_scale)  # the scaled input painted like the pixel it came from
        input_scales: tuple[Scale, ...] = tuple(Channel(CHANNEL_COLOURS[c], top=top) for c in names)
        picture: Scale = Photo()
    else:
        names = ("",) * image.shape[0]
        input_scales = (Diverging(1.0),) * image.shape[0]
        picture = Diverging(1.0)
    open_channel = int(np.argmax(sum(np.abs(q.sums) for q in positions)))
    out = np.asarray(step.output)
    strongest = tuple(int(v) for v in np.unravel_index(int(np.argmax(out[FILTER])), out[FILTER].shape))
    return ConvolutionPlan(
        step.name, k, s, p, photo, image, picture, names, input_scales,
        Diverging.for_values(*shown), Diverging.for_values(out), weights, bias, out, FILTER,
        tuple(positions), open_channel, strongest, float(tr.input_scale),
        None if photo else best_match(tr, step.name, FILTER),
    )  # fmt: skip


def _in_padding(t: ConvTerms, hw: tuple[int, int]) -> np.ndarray:
    k = t.patch.shape[-1]
    rows = np.arange(t.top, t.top + k)
    cols = np.arange(t.left, t.left + k)
    return ~(((rows >= 0) & (rows < hw[0]))[:, None] & ((cols >= 0) & (cols < hw[1]))[None, :])


def stride_words(before: ConvTerms, now: ConvTerms, stride: int, i: int) -> str:
    """The caption of the ``i``-th explained position (from 0): the slide, the new value, and whether
    the pixels or the answer changed."""
    if np.array_equal(before.patch, now.patch):
        change = _("Same pixels under the glass, same answer.")
    elif fmt(before.output) == fmt(now.output):
        change = _("Other pixels, yet the same answer.")
    else:
        change = _("New pixels, a new answer.")
    if i == 1:
        slide = ngettext(
            "Stride {s}: the glass slides {s} pixel to the right and the same sums give {value}.",
            "Stride {s}: the glass slides {s} pixels to the right and the same sums give {value}.",
            stride,
        ).format(s=stride, value=fmt(now.output))
    else:
        slide = _("Once more: {value}.").format(value=fmt(now.output))
    return slide + " " + change


def best_match(trace, layer: str, f: int) -> Match:
    """The best spot of filter ``f``'s match map and the sentence it earns: a perfect match (1) only
    when every pixel under the glass has the sign of its weight; otherwise how many do."""
    mm = match_map(trace, layer)[f]
    r, c = (int(v) for v in np.unravel_index(int(np.argmax(mm)), mm.shape))
    t = conv_terms(trace, layer, f, r, c)
    total = weight_scale(t)
    w = t.weights[0]
    signs = np.sign(w)
    agree = (t.patch[0] * signs > 0) | (signs == 0)
    perfect = bool(agree.all() and np.isclose(t.match, 1.0))
    n, a = agree.size, int(agree.sum())
    if perfect:
        tag = _("1 = perfect match")
        claim = _(
            "The best spot scores 1: all {n} pixels have the sign of their weight. That is a perfect match: "
            "the patch is exactly the filter's pattern of plus and minus."
        ).format(n=n)
    else:
        tag = _("best match: {value}").format(value=fmt(t.match))
        claim = _(
            "The best spot scores {value}: {agree} of the {n} pixels have the sign of their weight. "
            "Only all {n} would score 1, a perfect match."
        ).format(value=fmt(t.match), agree=a, n=n)
    return Match(mm, (r, c), t, total, signs, agree, perfect, tag, claim)
