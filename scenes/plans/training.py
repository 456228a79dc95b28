"""Training: the model's real history epoch by epoch, its guess for this picture before and after,
a filter and its map before and after, and short runs with three learning rates. Every sentence
and label about what happened (the loss drops, no better than guessing, too large a rate...) is
chosen here from the numbers it describes, for the bundled models and for a model trained on a
user's own folder, whose runs need not tell the usual story."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

import engine
from scenes.i18n import _, listed
from scenes.plans.colour import NEGATIVE, POSITIVE, Diverging, Photo, Scale
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, nice_step, num, percent, prob

GUESSING = 1.25  # an accuracy up to 1.25 x chance (1 / classes) is "no better than guessing"
NEAR_CHANCE = 1.5  # a top probability up to 1.5 x chance is "a guess"
CLEARLY_SLOWER = 0.5  # a run that got at most half as far down as the best "crawls"
VISIBLE_REBOUND = 0.25  # a climb back by a quarter of the starting loss is a visible jump
NEAR_GUESS = 0.1  # a final loss within 10% of a blind guess's is "stuck near a blind guess"
LOSS_FLOOR = 1e-4  # losses below this are drawn at it on the log-scale chart
BEST = "#5ef38c"  # style.WINNER: the rate that ends lowest
OTHERS = (NEGATIVE, POSITIVE, "#c77dff")  # the other runs, in order of rate


# -- the history -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Curves:
    epochs: np.ndarray
    train_loss: np.ndarray
    val_loss: np.ndarray
    train_accuracy: np.ndarray
    val_accuracy: np.ndarray
    loss_top: float  # the loss axis runs 0 .. loss_top
    epoch_ticks: tuple[float, ...]
    loss_ticks: tuple[float, ...]
    train_key: str
    val_key: str
    intro: str
    story: str
    exam_lines: tuple[str, ...]
    exam_text: str


def curves(history: engine.History, n_classes: int, held_out: float | None) -> Curves:
    ep = history.column("epoch").astype(np.float64)
    loss, val_acc = history.column("train_loss"), history.column("val_accuracy")
    top = float(max(loss.max(), history.column("val_loss").max())) * 1.08
    last = int(ep[-1])
    cfg = history.config
    return Curves(
        epochs=ep,
        train_loss=loss,
        val_loss=history.column("val_loss"),
        train_accuracy=history.column("train_accuracy"),
        val_accuracy=val_acc,
        loss_top=top,
        epoch_ticks=tuple(float(v) for v in np.arange(0, last + 1e-9, nice_step(max(last, 1), 4))),
        loss_ticks=tuple(float(v) for v in np.arange(0, top + 1e-9, nice_step(top, 3))),
        train_key=_("training pictures ({n})").format(n=cfg.get("n_train", "?")),
        val_key=_("validation pictures ({n}): the exam").format(n=cfg.get("n_val", "?")),
        intro=_(
            "Training is like teaching a child with a picture book: show a labelled picture, let it guess, correct "
            "it a little. One pass through every picture is an epoch."
        ),
        story=history_story(ep, loss, val_acc, n_classes),
        exam_lines=(_("exam (validation): {acc} right").format(acc=percent(val_acc[-1])),)
        + ((_("fresh test pictures: {acc} right").format(acc=percent(held_out)),) if held_out is not None else ()),
        exam_text=_(
            "The validation pictures are the exam: the network never learns from them, it is only tested on them. "
            "After {n} epochs it gets {acc} of them right."
        ).format(n=last, acc=percent(val_acc[-1]))
        + (
            " " + _("On a fresh set of pictures made only for testing: {acc}.").format(acc=percent(held_out))
            if held_out is not None
            else ""
        ),
    )


def history_story(epochs: np.ndarray, loss: np.ndarray, val_acc: np.ndarray, n_classes: int) -> str:
    """Where the exam score starts (and whether that is guessing), how the loss came down (fastest in
    the first epoch, steadily, with rises, or not at all) and where the exam score ends."""
    start = dict(e=int(epochs[0]), acc=percent(val_acc[0]))
    if val_acc[0] <= GUESSING / n_classes:
        text = _("Untrained, at epoch {e}, it gets {acc} of the exam right, no better than guessing.").format(**start)
    else:
        text = _("Untrained, at epoch {e}, it gets {acc} of the exam right.").format(**start)
    drops = -np.diff(loss)
    if len(drops) == 0:
        return text
    if np.all(drops > 0):
        if len(drops) > 1 and drops[0] == drops.max():
            text += " " + _("The loss falls fastest in the first epoch, then keeps creeping down.")
        else:
            text += " " + _("The loss comes down epoch by epoch.")
    elif loss[-1] < loss[0]:
        rises = [int(epochs[i + 1]) for i in np.nonzero(drops <= 0)[0]]
        text += " " + _("The loss comes down overall, though not in epoch {epochs}.").format(
            epochs=listed(str(e) for e in rises)
        )
    else:
        text += " " + _("The loss does not come down: {a} at the start, {b} at the end.").format(
            a=num(loss[0]), b=num(loss[-1])
        )
    end = percent(val_acc[-1])
    if val_acc[-1] > val_acc[0]:
        text += " " + _("Meanwhile the exam score climbs to {acc}.").format(acc=end)
    elif val_acc[-1] == val_acc[0]:
        text += " " + _("Meanwhile the exam score stays at {acc}.").format(acc=end)
    else:
        text += " " + _("Meanwhile the exam score falls to {acc}.").format(acc=end)
    return text


# -- this picture before and after -----------------------------------------------------------------
@dataclass(frozen=True)
class Guess:
    first: int  # epoch of the first snapshot
    last: int
    before: np.ndarray  # probabilities at the first snapshot
    after: np.ndarray  # of the trained model
    before_texts: tuple[str, ...]
    after_texts: tuple[str, ...]
    before_winner: int
    after_winner: int
    before_key: str
    after_key: str
    chance: float
    chance_text: str
    before_text: str
    after_text: str


def guess(story, early: engine.Trace, first: int, last: int) -> Guess:
    tr = story.trace
    names = tr.class_names
    n = len(names)
    before, after = np.asarray(early.probabilities), np.asarray(tr.probabilities)
    top, win = int(np.argmax(before)), int(np.argmax(after))
    know = not story.label_assumed  # a label given, or a shipped image's class
    if before[top] <= NEAR_CHANCE / n:
        text = _("Now our picture. At epoch {e} the network's top bet is {name}, with only {p}: a guess").format(
            e=first, name=shown(names[top]), p=prob(before[top])
        )
    else:
        text = _("Now our picture. At epoch {e} the network already leans to {name}, with {p}").format(
            e=first, name=shown(names[top]), p=prob(before[top])
        )
    if know and top != tr.label:
        text += _(", and a wrong one.")
    elif know:
        text += _(", and by luck the right one.")
    else:
        text += _(".")  # the sentence ends here (Chinese: 。)
    after_text = _("After {n} epochs the same picture gets {p} for {name}.").format(
        n=last, p=prob(after[win]), name=shown(names[win])
    )
    if know and win != tr.label:
        after_text += " " + _("Still wrong: the case file says {name}.").format(name=shown(names[tr.label]))
    after_text += " " + _("Nothing was hand-written: every weight was nudged there by the corrections.")
    untrained = _("epoch {e} (untrained)") if first == 0 else _("epoch {e}")
    return Guess(
        first=first,
        last=last,
        before=before,
        after=after,
        before_texts=tuple(prob(v) for v in before),
        after_texts=tuple(prob(v) for v in after),
        before_winner=top,
        after_winner=win,
        before_key=untrained.format(e=first),
        after_key=_("epoch {e} (trained)").format(e=last),
        chance=1 / n,
        chance_text=_("chance: 1 in {n}").format(n=n),
        before_text=text,
        after_text=after_text,
    )


# -- the filters and map 1 before and after -----------------------------------------------------------
@dataclass(frozen=True)
class Filters:
    layer: str
    early: np.ndarray  # (F, C, k, k) weights at the first snapshot
    late: np.ndarray
    map_early: np.ndarray  # map 1 of this picture
    map_late: np.ndarray
    weight_scale: Diverging
    map_scale: Diverging
    numbers: bool  # small filters carry their numbers (as a texture: the pattern is the point)
    row_keys: tuple[str, str]
    heads: tuple[str, str]
    biggest: float  # the largest change of any weight
    early_text: str
    late_text: str


def filters(story, early: engine.Trace, first: int, last: int) -> Filters:
    conv = story.trace.steps_of("Conv2D")[0]
    w0, w1 = np.asarray(early.step(conv.name).params["weight"]), np.asarray(conv.params["weight"])
    m0, m1 = np.asarray(early.step(conv.name).output[0]), np.asarray(conv.output[0])
    delta = np.abs(w1 - w0)
    biggest = float(delta.max())
    start = _("random numbers") if first == 0 else _("the numbers of epoch {e}").format(e=first)
    early_text = _(
        "The filters learn too. At epoch {e} they hold {start}, so filter 1's map of our picture is {response}."
    ).format(e=first, start=start, response=_("a random response") if first == 0 else _("an early response"))
    if np.all(delta > 0):
        moved = _("every weight has been nudged, the biggest by {d},").format(d=num(biggest))
    else:
        moved = _("{k} of {n} weights have been nudged, the biggest by {d},").format(
            k=int((delta > 0).sum()), n=delta.size, d=num(biggest)
        )
    late_text = _(
        "By epoch {e} {moved} and the same picture gives a new map: the clues this filter learned to look for, "
        "because they helped the verdict."
    ).format(e=last, moved=moved)
    return Filters(
        layer=conv.name,
        early=w0,
        late=w1,
        map_early=m0,
        map_late=m1,
        weight_scale=Diverging.for_values(w0, w1),
        map_scale=Diverging.for_values(m0, m1),
        numbers=w0[0].size <= 9 and w0.shape[0] <= 3,
        row_keys=(
            (_("epoch {e}\nrandom start") if first == 0 else _("epoch {e}")).format(e=first),
            _("epoch {e}\ntrained").format(e=last),
        ),
        heads=(_("{layer} filters").format(layer=conv.name), _("filter 1 on our picture: map 1")),
        biggest=biggest,
        early_text=early_text,
        late_text=late_text,
    )


# -- the learning rate ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Run:
    """One short run and what happened in it, in numbers and in words."""

    lr: float
    steps: np.ndarray  # the step at the end of each averaged window
    losses: np.ndarray
    drawn: np.ndarray  # the losses as drawn: never below LOSS_FLOOR
    diverged: bool
    end: float  # mean of the last quarter of the curve (inf for a run that blew up)
    peak: float
    rebound: float  # the largest climb back above the lowest loss reached before
    progress: float  # how far down it got, as a share of the best run's way down
    best: bool
    crawls: bool
    jumps: bool
    stuck: bool  # ends near the loss of a blind guess
    colour: str
    rate: str  # "lr = 0.02"
    label: str  # "too small: crawls", "best here: ends lowest", ...
    sentence: str


@dataclass(frozen=True)
class Rates:
    runs: tuple[Run, ...]
    floor: float  # log10 of the bottom of the chart: y = log10(loss) - floor
    top: float  # log10 of its top, minus floor
    x_max: float
    x_ticks: tuple[float, ...]
    decades: tuple[float, ...]  # y of the decade ticks
    decade_texts: tuple[str, ...]
    x_label: str
    y_label: str  # says so when some losses sit on the floor of the chart
    guess_loss: float  # ln(classes): the loss of equal odds
    guess_y: float | None  # where the blind-guess line goes (None: outside the chart)
    intro: str
    story: str


def rate_text(lr: float) -> str:
    return fmt(lr, 4).rstrip("0").rstrip(".") if "." in fmt(lr, 4) else fmt(lr)


def decade(d: int) -> str:
    """10^d as a tick label: 100, 10, 1, 0.1, 0.01, 0.001, then 10⁻⁴ (scientific only below 0.001)."""
    if d >= 0:
        return str(10**d)
    if d >= -3:
        return "0." + "0" * (-d - 1) + "1"
    return "10" + str(d).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))


def rates(sweep: list[dict], n_classes: int) -> Rates:
    """The runs, their outcomes (from ``lr``, ``losses`` and ``diverged`` only), the chart and the story."""
    order = sorted(range(len(sweep)), key=lambda i: sweep[i]["lr"])
    sweep = [sweep[i] for i in order]
    guess_loss = math.log(n_classes)
    curves = [np.asarray(r["losses"], dtype=np.float64) for r in sweep]
    # The runs share their starting weights: the highest first point is the nearest to that start.
    start = max((float(c[0]) for c in curves if len(c)), default=guess_loss)
    ends = [float(c[-max(1, len(c) // 4) :].mean()) if len(c) and not r["diverged"] else math.inf
            for c, r in zip(curves, sweep)]  # fmt: skip
    finite = [i for i, e in enumerate(ends) if math.isfinite(e)]
    best = min(finite, key=lambda i: ends[i]) if finite else None
    way = start - ends[best] if best is not None else 0.0
    runs = []
    others = iter(OTHERS)
    for i, (r, c, end) in enumerate(zip(sweep, curves, ends)):
        diverged = bool(r["diverged"])
        rebound = float((c - np.minimum.accumulate(c)).max()) if len(c) else 0.0
        peak = float(c.max()) if len(c) else math.inf
        progress = (start - end) / way if way > 0 and math.isfinite(end) else 0.0
        jumps = bool(len(c) and (rebound >= VISIBLE_REBOUND * start or peak > 1.1 * float(c[0])))
        crawls = i != best and not diverged and progress <= CLEARLY_SLOWER and not jumps
        stuck = i != best and math.isfinite(end) and abs(end - guess_loss) <= NEAR_GUESS * guess_loss
        role, word = _outcome(i, best, sweep, diverged, jumps, crawls, stuck)
        colour = BEST if i == best else next(others, OTHERS[-1])
        steps = r["every"] * np.arange(1, len(c) + 1, dtype=np.float64)
        runs.append(Run(
            lr=float(r["lr"]), steps=steps, losses=c, drawn=np.maximum(c, LOSS_FLOOR), diverged=diverged, end=end,
            peak=peak, rebound=rebound, progress=progress, best=i == best, crawls=crawls, jumps=jumps, stuck=stuck,
            colour=colour, rate=_("lr = {lr}").format(lr=rate_text(r["lr"])), label=_("{role}: {word}").format(
                role=role, word=word), sentence=_sentence(r["lr"], c, start, end, peak, i == best, diverged, jumps,
                                                        crawls, stuck),
        ))  # fmt: skip
    drawn = np.concatenate([r.drawn for r in runs if len(r.drawn)] or [np.array([guess_loss])])
    lo = math.log10(drawn.min()) - 0.1
    hi = max(math.log10(drawn.max()), math.log10(guess_loss)) + 0.15
    x_max = float(max((r.steps[-1] for r in runs if len(r.steps)), default=1.0))
    decades = list(range(math.ceil(lo), math.floor(hi) + 1))
    guess_y = math.log10(guess_loss) - lo
    batch = sweep[0].get("batch_size") if sweep else None
    return Rates(
        runs=tuple(runs),
        floor=lo,
        top=hi - lo,
        x_max=x_max,
        x_ticks=tuple(float(v) for v in np.arange(0, x_max + 1e-9, nice_step(x_max, 3))),
        decades=tuple(float(d) - lo for d in decades),
        decade_texts=tuple(decade(d) for d in decades),
        x_label=_("training steps (batches of {n})").format(n=batch) if batch else _("training steps"),
        y_label=_("loss (log scale; {floor} and below drawn at {floor})").format(
            floor=decade(round(math.log10(LOSS_FLOOR)))
        )
        if any(np.any(r.losses < LOSS_FLOOR) for r in runs)
        else _("loss (log scale)"),
        guess_loss=guess_loss,
        guess_y=guess_y if 0 < guess_y < hi - lo else None,
        intro=_(
            "How big is each correction? That is the learning rate. Here are {n} real short runs from the same "
            "random start, each with its own rate."
        ).format(n=len(runs)),
        story=_rates_story(runs),
    )


def _outcome(i, best, sweep, diverged, jumps, crawls, stuck) -> tuple[str, str]:
    """The label of run ``i``: its rate's role next to the best run's, and what it did."""
    if best is None or i == best:
        role = _("best here")
    elif sweep[i]["lr"] < sweep[best]["lr"]:
        role = _("too small") if crawls else _("smaller")
    else:
        role = _("too large") if diverged or jumps else _("larger")
    if diverged:
        word = _("blew up")
    elif i == best:
        word = _("ends lowest, after a jump") if jumps else _("ends lowest")
    elif jumps and stuck:
        word = _("jumps, then sticks near a blind guess")
    elif jumps:
        word = _("jumps back up")
    elif crawls:
        word = _("crawls")
    elif stuck:
        word = _("stays near a blind guess")
    else:
        word = _("falls, but less far")
    return role, word


def _sentence(lr, losses, start, end, peak, best, diverged, jumps, crawls, stuck) -> str:
    rate = rate_text(lr)
    if diverged:
        return _("At {lr} the numbers blow up: the loss overflows.").format(lr=rate)
    if best and jumps:
        return _("At {lr} the loss jumps up to {peak} but then comes down lowest of all, to {end}.").format(
            lr=rate, peak=num(peak), end=num(end)
        )
    if best:
        return _("At {lr} it comes down lowest, to {end}.").format(lr=rate, end=num(end))
    if jumps:
        text = _("At {lr} the loss jumps back up, as high as {peak}").format(lr=rate, peak=num(peak))
        return text + (
            _(", and sticks near a blind guess.") if stuck else _(", and ends at {end}.").format(end=num(end))
        )
    if crawls:
        return _("At {lr} the loss only creeps down, to {end}.").format(lr=rate, end=num(end))
    if stuck:
        return _("At {lr} the loss stays near a blind guess, at {end}.").format(lr=rate, end=num(end))
    return _("At {lr} it falls to {end}.").format(lr=rate, end=num(end))


def _rates_story(runs: list[Run]) -> str:
    text = " ".join(r.sentence for r in runs)
    best = [k for k, r in enumerate(runs) if r.best]
    if best and len(runs) > 1 and best[0] == len(runs) - 1:
        text += " " + _("Here the largest rate did best: on this data big steps stayed on course.")
    elif best and len(runs) > 1 and best[0] == 0:
        text += " " + _("Here the smallest rate did best.")
    return text


# -- the plan ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TrainingPlan:
    class_names: tuple[str, ...]
    photo: bool
    image: np.ndarray  # what the picture view draws
    picture_scale: Scale
    curves: Curves | None  # None: the model came without a training record
    guess: Guess | None  # None: no snapshots
    filters: Filters | None
    rates: Rates | None
    no_record: str


def plan(story) -> TrainingPlan:
    net, tr = story.network, story.trace
    n = len(tr.class_names)
    history = engine.History.from_dict(net.meta["history"]) if net.meta.get("history") else None
    epochs = [s.epoch for s in net.snapshots]
    early = net.at_snapshot(epochs[0]).trace(tr.image) if epochs else None
    photo = tr.image.shape[0] == 3
    sweep = net.meta.get("lr_sweep") or []
    return TrainingPlan(
        class_names=tr.class_names,
        photo=photo,
        image=np.asarray(tr.image if photo else tr.image[0]),
        picture_scale=Photo() if photo else Diverging(1.0),
        curves=curves(history, n, net.meta.get("held_out_accuracy")) if history and history.records else None,
        guess=guess(story, early, epochs[0], epochs[-1]) if early is not None else None,
        filters=filters(story, early, epochs[0], epochs[-1]) if early is not None else None,
        rates=rates(sweep, n) if sweep else None,
        no_record=_("This model came without its training record, so there is nothing to replay."),
    )
