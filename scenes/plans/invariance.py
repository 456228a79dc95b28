"""The invariance chapter: the picture moved (and, for photos, zoomed) a little goes through the same
network; the first feature map moves with it, the pooled map is coarser, the verdict holds or not;
then a scan of ever larger moves finds where it gives way. Every claim is chosen from the traces."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.i18n import _
from scenes.plans.colour import Diverging, Photo, Scale
from scenes.plans.invariance_scan import ShiftScan, background, scale, shift, shift_scan, small_shifts
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, prob

SCALES = (0.85, 1.15)  # photos only: a little smaller and a little bigger


@dataclass(frozen=True)
class Version:
    """One version of the picture and what the network made of it."""

    head: str  # the column's heading: "as it is", "2 px right", "smaller ×0.85"
    move: tuple[int, int] | None  # (dy, dx) of a shift
    factor: float | None  # of a zoom
    image: np.ndarray  # (C, H, W) as the viewer knows it
    conv: np.ndarray  # map 1 of the first Conv2D
    pool: np.ndarray  # map 1 of the last MaxPool2D
    conv_peak: tuple[int, int]  # its strongest cell
    pool_peak: tuple[int, int]
    probabilities: np.ndarray
    prediction: int
    texts: tuple[str, ...]  # the probabilities as shown

    @property
    def picture(self) -> np.ndarray:
        """What the picture view draws: the photo (C, H, W) or the drawing's one channel."""
        return self.image if self.image.shape[0] == 3 else self.image[0]


@dataclass(frozen=True)
class Frame:
    """One frame of the scan: the picture moved ``k`` pixels and the probabilities for it."""

    k: int
    picture: np.ndarray
    probabilities: np.ndarray
    texts: tuple[str, ...]
    winner: int
    readout: str  # "moved 3 px right"


@dataclass(frozen=True)
class InvariancePlan:
    class_names: tuple[str, ...]
    photo: bool
    thing: str  # "drawing" or "subject": what is moved, in words
    picture_scale: Scale
    conv_name: str
    pool_name: str
    row_labels: tuple[str, ...]  # input, conv map, pooled map, then p(class) per class
    shifted: tuple[Version, ...]  # the picture as it is, then the small moves
    scaled: tuple[Version, ...]  # photos: as it is, smaller, bigger (empty for drawings)
    conv_scale: Diverging  # one scale over every version's conv map
    pool_scale: Diverging
    shift_intro: str
    conv_claim: str
    pool_claim: str
    shift_verdict: str
    scale_text: str
    scan: ShiftScan
    frames: tuple[Frame, ...]  # k = 0 .. the shift presented
    side: str  # "right", "left", "down", "up"
    chart_title: str
    chart_values: np.ndarray  # p(reference) for every shift scanned
    chart_ticks: tuple[int, ...]
    limit_intro: str
    limit_text: str
    limit_note: str

    @property
    def failed(self) -> Frame:
        """The frame presented at the end of the scan: the first failure, or the largest shift."""
        return self.frames[-1]


def moved(dy: int, dx: int) -> str:
    """A move in words: (0, -2) -> "2 px left", (-2, 2) -> "2 up, 2 right", (0, 0) -> "as it is"."""
    ways = {(1, 0): _("down"), (-1, 0): _("up"), (0, 1): _("right"), (0, -1): _("left")}
    parts = [(abs(v), ways[d]) for v, d in ((dy, (int(np.sign(dy)), 0)), (dx, (0, int(np.sign(dx))))) if v]
    if not parts:
        return _("as it is")
    if len(parts) == 1:
        return _("{n} px {way}").format(n=parts[0][0], way=parts[0][1])
    return _("{n} {way}, {m} {way2}").format(n=parts[0][0], way=parts[0][1], m=parts[1][0], way2=parts[1][1])


def _version(network, image, head, move, factor, conv_name, pool_name) -> Version:
    t = network.trace(image)
    conv, pool = t.step(conv_name).output[0], t.step(pool_name).output[0]
    peak = lambda a: tuple(int(i) for i in np.unravel_index(int(np.argmax(a)), a.shape))  # noqa: E731
    return Version(head, move, factor, np.asarray(image), np.asarray(conv), np.asarray(pool), peak(conv), peak(pool),
                   np.asarray(t.probabilities), t.prediction, tuple(prob(p) for p in t.probabilities))  # fmt: skip


def verdict(versions: tuple[Version, ...], class_names) -> str:
    """Which class wins in how many columns, and the first column that flips it."""
    ref = versions[0].prediction
    name = shown(class_names[ref])
    kept = [v for v in versions if v.prediction == ref]
    if len(kept) == len(versions):
        return _("{name} wins in every column.").format(name=name)
    lost = next(v for v in versions if v.prediction != ref)
    return _("{name} wins in {kept} of {total} columns; {move} flips it to {other}.").format(
        name=name, kept=len(kept), total=len(versions), move=lost.head, other=shown(class_names[lost.prediction])
    )


def plan(story) -> InvariancePlan:
    tr, net = story.trace, story.network
    img = np.asarray(tr.image)
    photo = img.shape[0] == 3
    names = tr.class_names
    thing = _("subject") if photo else _("drawing")
    fill = background(img)
    conv_name = tr.steps_of("Conv2D")[0].name
    pool_name = tr.steps_of("MaxPool2D")[-1].name

    def version(image, head, move=None, factor=None) -> Version:
        return _version(net, image, head, move, factor, conv_name, pool_name)

    original = version(img, moved(0, 0), (0, 0))
    moves = small_shifts(img, fill)
    shifted = (original, *[version(shift(img, dy, dx, fill), moved(dy, dx), (dy, dx)) for dy, dx in moves])
    scaled: tuple[Version, ...] = ()
    if photo:
        words = {True: _("smaller ×{f}"), False: _("bigger ×{f}")}
        scaled = (original, *[version(scale(img, f, fill), words[f < 1].format(f=fmt(f)), None, f) for f in SCALES])
    everything = shifted + scaled
    conv_scale = Diverging.for_values(*[v.conv for v in everything])
    pool_scale = Diverging.for_values(*[v.pool for v in everything])

    # What the small moves did: the strongest clue of map 1 moves with the picture (or not).
    c0, p0 = original.conv_peak, original.pool_peak
    exact = all(v.conv_peak == (c0[0] + v.move[0], c0[1] + v.move[1]) for v in shifted)
    near = all(max(abs(v.pool_peak[0] - p0[0]), abs(v.pool_peak[1] - p0[1])) <= 1 for v in shifted)
    amounts = sorted({max(abs(dy), abs(dx)) for dy, dx in moves})
    shift_intro = _(
        "A good detective knows a suspect who steps aside. Here is our picture, then the same {thing} moved by "
        "{amounts} pixels."
    ).format(thing=thing, amounts=_(" or ").join(str(a) for a in amounts))
    conv_claim = (
        _("Each filter slides over the whole picture, so its map moves along with the {thing}.").format(thing=thing)
        + " "
        + (
            _("The box marks the strongest clue: it moves by exactly the same pixels.")
            if exact
            else _("The box marks the strongest clue: it moves too, though not always in step with the picture.")
        )
    )
    pool_claim = (
        _(
            "Pooling keeps only the best clue of each block, so the pooled grid is coarser: its strongest clue "
            "stays in the same or a neighbouring cell."
        )
        if near
        else _(
            "Pooling keeps only the best clue of each block, so the pooled grid is coarser: its strongest clue "
            "jumps by more than one cell for some of these moves."
        )
    )
    shift_verdict = _("And the verdict, every class for every version: {verdict}").format(
        verdict=verdict(shifted, names)
    )
    scale_text = ""
    if scaled:
        scale_text = _("Closer or further away? The {thing} zoomed to {a} and {b} times its size. {verdict}").format(
            thing=thing, a=fmt(SCALES[0]), b=fmt(SCALES[1]), verdict=verdict(scaled, names)
        )

    # How far it can go.
    scan = shift_scan(net, img, fill=fill)
    side = {(0, 1): _("right"), (0, -1): _("left"), (1, 0): _("down"), (-1, 0): _("up")}.get(scan.direction, "")
    ref = scan.reference
    frames = []
    for k in range(scan.shown + 1):
        p = scan.probabilities[k]
        image = shift(img, *scan.offset(k), fill)
        frames.append(Frame(k, image if photo else image[0], p, tuple(prob(v) for v in p), int(np.argmax(p)),
                            _("moved {k} px {side}").format(k=k, side=side)))  # fmt: skip
    last = int(scan.steps[-1])
    every = 1 if last <= 16 else 2
    limit_intro = _(
        "So how far can the suspect go? Move the picture one pixel at a time to the {side} and watch the network's "
        "probabilities."
    ).format(side=side)
    held = all(v.prediction == original.prediction for v in shifted)
    limit_text, limit_note = limits(scan, names, thing, held, max(amounts))
    return InvariancePlan(
        class_names=names,
        photo=photo,
        thing=thing,
        picture_scale=Photo() if photo else Diverging(1.0),
        conv_name=conv_name,
        pool_name=pool_name,
        row_labels=(
            _("input"),
            _("{layer} map 1").format(layer=conv_name),
            _("{layer} map 1").format(layer=pool_name),
            *[_("p({name})").format(name=shown(n)) for n in names],
        ),
        shifted=shifted,
        scaled=scaled,
        conv_scale=conv_scale,
        pool_scale=pool_scale,
        shift_intro=shift_intro,
        conv_claim=conv_claim,
        pool_claim=pool_claim,
        shift_verdict=shift_verdict,
        scale_text=scale_text,
        scan=scan,
        frames=tuple(frames),
        side=side,
        chart_title=_("p({name}) after each move").format(name=shown(names[ref])),
        chart_values=np.asarray(scan.probabilities[:, ref]),
        chart_ticks=tuple(range(0, last + 1, every)),
        limit_intro=limit_intro,
        limit_text=limit_text,
        limit_note=limit_note,
    )


def limits(scan: ShiftScan, names, thing: str, small_held: bool, small_max: int) -> tuple[str, str]:
    """The scan's outcome as a caption and a one-line note: where (and how) the verdict gave way,
    or that it held; whether the object was still in view then; and how that compares with the small
    moves (up to ``small_max`` pixels) shown before, which all kept the verdict if ``small_held``."""
    k, ref = scan.shown, scan.reference
    p = scan.probabilities[k]
    now = int(np.argmax(p))
    ref_name = shown(names[ref])
    if scan.failure is None:
        text = _("Even {k} pixels over, it still says {name} with {p}: the verdict held across the whole scan.").format(
            k=k, name=ref_name, p=prob(p[ref])
        )
        note = _("held for every move up to {k} px").format(k=k)
    elif now != ref:
        text = _("At {k} pixels the verdict gives way: {name} now gets {p}.").format(
            k=k, name=shown(names[now]), p=prob(p[now])
        )
        note = _("first failure: {k} px → {name}").format(k=k, name=shown(names[now]))
    else:
        text = _(
            "At {k} pixels {name} is still on top, but with only {p}: less than {t}, no longer a confident verdict."
        ).format(k=k, name=ref_name, p=prob(p[ref]), t=fmt(scan.threshold))
        note = _("first failure: {k} px, p({name}) < {t}").format(k=k, name=ref_name, t=fmt(scan.threshold))
    if scan.failure is not None:
        if scan.cut_off:
            text += " " + _("By then part of the {thing} has slid out of the picture.").format(thing=thing)
        else:
            text += " " + _("Yet the whole {thing} is still in view.").format(thing=thing)
    if not small_held:
        text += " " + _("And one of the small moves above was already enough to change the verdict.")
    elif scan.failure is None:
        text += " " + _("Small moves and big ones alike left the verdict standing.")
    elif k > small_max:
        text += " " + _("Small moves are harmless; big ones are not.")
    else:
        text += " " + _("The small moves above kept the winner, but already shook its confidence.")
    return text, note
