"""One step of learning, where learning shows: the loss on this image, its gradient (probabilities
minus the truth), the gradients of a few dense weights and of one filter, the update
w - lr * gradient, and the new loss; then what a wrong verdict would have taught.

A trained network may already know the picture so well that one step changes nothing a viewer can
see. The plan then goes back through the training snapshots (and, if it must, to bigger steps) to the
latest network whose step visibly lowers the loss and moves the probabilities, and the chapter says
which network it shows. Every number comes from ``engine.train.learning_step``."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from engine import Network
from engine.train import LearningStep, learning_step
from scenes.i18n import N_, _
from scenes.plans.colour import Diverging
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, num, prob

LR = 0.05  # the learning rate of the step shown
BIGGER_RATES = (0.2, 1.0)  # tried, on every network, only when no step at LR shows
MIN_MOVE = 0.01  # the true class's probability must move at least this much for the step to show
N_WEIGHTS = 4  # dense weights shown in the table
SURE = 0.9  # a right verdict at least this probable is "sure"
CHANNEL_NAMES = (N_("red"), N_("green"), N_("blue"))  # a photo's channels, in order
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


# -- arithmetic on a step ------------------------------------------------------------------------
def change(step: LearningStep, name: str) -> np.ndarray:
    """after - before of parameter ``name``: the step taken, equal to -lr * gradient."""
    delta = np.asarray(step.after[name], dtype=np.float64) - np.asarray(step.before[name], dtype=np.float64)
    if not np.allclose(delta, -step.lr * step.grads[name], rtol=1e-6, atol=1e-12 + 1e-9 * np.abs(step.before[name])):
        raise AssertionError(f"{name}: after - before is not -lr * gradient")
    return delta


def top_gradients(gradient: np.ndarray, n: int) -> np.ndarray:
    """Indices of the ``n`` entries of the 1-D ``gradient`` with the largest magnitude, largest first
    (ties: lower index first)."""
    g = np.abs(np.asarray(gradient, dtype=np.float64).ravel())
    return np.argsort(-g, kind="stable")[: min(n, g.size)]


def largest_gradient(step: LearningStep) -> float:
    """The largest |gradient| over every parameter of the network."""
    return float(max(np.abs(g).max(initial=0.0) for g in step.grads.values()))


def runner_up(probabilities: np.ndarray, label: int) -> int:
    """The most probable class other than ``label``."""
    p = np.array(probabilities, dtype=np.float64)
    p[label] = -np.inf
    return int(np.argmax(p))


# -- writing numbers so that a change shows ------------------------------------------------------
def distinct_digits(a: float, b: float, text=num, low: int = 2, high: int = 4) -> int:
    """The fewest digits (from ``low``, at most ``high``) with which ``text(a, d)`` and ``text(b, d)``
    differ: a number and its changed self are written so the change shows when it can."""
    for d in range(low, high + 1):
        if text(a, d) != text(b, d):
            return d
    return high


def step_decimals(delta: np.ndarray) -> int:
    """Decimals that show the largest |change| in ``delta`` with two significant digits (2 to 5), so
    that weight, change and new weight can be read with one number of decimals."""
    m = float(np.abs(delta).max(initial=0.0))
    if m == 0:
        return 2
    return int(np.clip(1 - math.floor(math.log10(m)), 2, 5))


def common_exponent(values: np.ndarray) -> int:
    """The power of ten that brings the largest magnitude of ``values`` into 1 to 10 (0 for values of
    1 and more, or all zero): small gradients are written as mantissas times one shared 10^e."""
    m = float(np.abs(values).max(initial=0.0))
    if m == 0 or m >= 1:
        return 0
    return math.floor(math.log10(m))


def mantissa(value: float, exponent: int) -> str:
    """``value`` in units of 10**exponent, two decimals: -3.21e-3 with -3 -> "-3.21"."""
    return fmt(float(value) / 10.0**exponent, 2)


def at_least(value: float) -> str:
    """A loss in a comparison: ``num``, or "<0.001" below that (its size is not the point there)."""
    return num(value) if value >= 1e-3 else "<0.001"


def rate(lr: float) -> str:
    """A learning rate as written: 0.05, 0.2, 1."""
    return fmt(lr, 3).rstrip("0").rstrip(".") if "." in fmt(lr, 3) else fmt(lr)


def power(exponent: int) -> str:
    """10^exponent as text: "10⁻³"."""
    return f"10{str(exponent).translate(_SUPERSCRIPT)}"


def visible(step: LearningStep) -> bool:
    """Whether the step shows: the loss falls and reads differently at three significant digits, and
    the true class's probability moves by at least ``MIN_MOVE``."""
    k = step.label
    return bool(
        step.new_loss < step.loss
        and num(step.loss, 3) != num(step.new_loss, 3)
        and abs(step.new_probabilities[k] - step.probabilities[k]) >= MIN_MOVE
    )


# -- which network takes the step -----------------------------------------------------------------
@dataclass(frozen=True)
class Where:
    """The network that takes the step, and why it is that one."""

    network: Network
    epoch: int | None  # its training snapshot (None: the model as loaded, which has no snapshots)
    last: int | None  # the last epoch of training (the trained model)
    lr: float
    step: LearningStep
    visible: bool
    tried: tuple[tuple[int | None, float, bool], ...]  # (epoch, lr, visible) in the order tried

    @property
    def trained(self) -> bool:
        return self.epoch is None or self.epoch == self.last

    @property
    def name(self) -> str:
        """The network in words, as the screen names it."""
        if self.trained:
            return _("the trained network")
        if self.epoch == 0:
            return _("the untrained network (epoch 0 of {last})").format(last=self.last)
        return _("the network after {epoch} of {last} epochs of training").format(epoch=self.epoch, last=self.last)


def where(network: Network, image: np.ndarray, label: int) -> Where:
    """The latest network (the trained one, then its snapshots from the last epoch back) whose step
    at ``LR`` shows; failing that, the same search with each of ``BIGGER_RATES``; failing that, the
    trained network at ``LR``, not visible."""
    epochs = [s.epoch for s in network.snapshots]
    last = epochs[-1] if epochs else None
    candidates = [(e, network.at_snapshot(e)) for e in reversed(epochs)] or [(None, network)]
    tried = []
    for lr in (LR, *BIGGER_RATES):
        for epoch, net in candidates:
            step = learning_step(net, image, label, lr)
            tried.append((epoch, lr, visible(step)))
            if tried[-1][2]:
                return Where(net, epoch, last, lr, step, True, tuple(tried))
    epoch, net = candidates[0]
    return Where(net, epoch, last, LR, learning_step(net, image, label, LR), False, tuple(tried))


# -- the plan ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """A vector drawn as a column of boxes."""

    head: str
    values: np.ndarray
    texts: tuple[str, ...]


@dataclass(frozen=True)
class FilterStep:
    """One 3x3 slice of a first-layer filter before, its gradient, and after the step."""

    filter: int  # 0-based
    channel: int
    title: str  # "conv1, filter 2, red channel"
    before: np.ndarray
    gradient: np.ndarray
    after: np.ndarray
    before_texts: np.ndarray  # (k, k) of str
    gradient_texts: np.ndarray
    after_texts: np.ndarray
    decimals: int  # of the weights before and after
    exponent: int  # the gradient is shown in units of 10^exponent
    gradient_head: str
    weight_scale: Diverging
    gradient_scale: Diverging
    biggest: float  # the largest |change| of any weight of the filter (all channels)
    note: str


@dataclass(frozen=True)
class LearningStepPlan:
    class_names: tuple[str, ...]
    label: int
    true_name: str
    where: Where
    step: LearningStep
    prediction: int  # the chosen network's verdict before the step
    lr: float
    # guess
    network_line: str  # on screen: which network
    where_text: str  # why that network (empty: the trained one, at the usual rate)
    truth_line: str  # "case file says: tick" or "answer assumed: tick"
    probability_texts: tuple[str, ...]
    loss_text: str
    guess_text: str
    # gradient
    columns: tuple[Column, Column, Column]  # p, y, p - y
    vector_scale: Diverging
    gradient_text: str
    sign_text: str
    # dense weights
    dense_key: str
    rows: tuple[int, ...]  # 0-based inputs of the dense layer with the largest gradients into the label
    heads: tuple[str, ...]
    cells: tuple[tuple[str, ...], ...]
    table_note: str
    weights_text: str
    update_text: str
    # after the step
    new_prediction: int
    new_probability_texts: tuple[str, ...]
    loss_digits: int
    loss_before: str
    loss_after: str
    after_text: str
    # the filter
    filter: FilterStep
    filter_text: str
    filter_change_text: str
    # what a wrong verdict would have taught (only when the verdict was right)
    other: int | None
    what_if: LearningStep | None
    compare_heads: tuple[str, ...]
    compare_rows: tuple[tuple[str, str, str], ...]
    what_if_prediction: int | None
    what_if_texts: tuple[str, ...]
    what_if_title: str
    mistake_text: str
    swing_text: str


def plan(story) -> LearningStepPlan:
    tr = story.trace
    names = tr.class_names
    k = tr.label
    true_name = shown(names[k])
    w = where(story.network, tr.image, k)
    ls = w.step
    pred = int(np.argmax(ls.probabilities))
    new_pred = int(np.argmax(ls.new_probabilities))
    d = distinct_digits(ls.loss, ls.new_loss, low=3)
    loss = num(ls.loss, d)

    # -- the guess
    network_line = w.name[:1].upper() + w.name[1:]
    truth = _("answer assumed: {name}") if story.label_assumed else _("case file says: {name}")
    where_text, guess = _guess_texts(story, w, pred, k, names, loss)

    # -- the gradient of the loss with respect to the scores
    onehot = np.eye(len(names))[k]
    columns = (
        Column(_("probabilities p"), ls.probabilities, tuple(prob(v) for v in ls.probabilities)),
        Column(_("truth y"), onehot, tuple(fmt(v) for v in onehot)),
        Column(_("gradient p − y"), ls.dlogits, tuple(num(v) for v in ls.dlogits)),
    )
    way = _("raise") if ls.dlogits[k] < 0 else _("lower")
    sign_text = _("Negative means raise that score, positive means lower it. For {name} it is {g}: {way} it.").format(
        name=true_name, g=num(ls.dlogits[k]), way=way
    )

    # -- the dense weights into the true class
    dense = tr.steps_of("Dense")[-1]
    key = f"{dense.name}.weight"
    grad, before, after = ls.grads[key], ls.before[key], ls.after[key]
    delta = change(ls, key)
    x = ls_input(story, w, dense.name)
    rows = tuple(int(i) for i in top_gradients(grad[k], N_WEIGHTS))
    cells = []
    for i in rows:
        dd = step_decimals(delta[k, i])
        cells.append((
            str(i + 1), num(x[i]), num(ls.dlogits[k]), num(grad[k, i]),
            fmt(before[k, i], dd), fmt(delta[k, i], dd), fmt(after[k, i], dd),
        ))  # fmt: skip
    heads = (_("clue"), _("evidence x"), _("∂L/∂z"), _("gradient"), _("weight w"), _("− η × gradient"), _("new w"))
    table_note = _("the {n} weights into {name} with the largest gradients (of {total})").format(
        n=len(rows), name=true_name, total=grad.shape[1]
    )

    # -- after the step
    loss_before = _("loss {value}").format(value=loss)
    loss_after = _("loss {value}").format(value=num(ls.new_loss, d))

    # -- the filter: the slice of a first-layer filter this step moves most
    conv = tr.steps_of("Conv2D")[0]
    filt = _filter_step(ls, f"{conv.name}.weight", conv.name, story.trace.image.shape[0])

    # -- what if the verdict had been wrong?
    other = wi = None
    compare_rows: tuple = ()
    wi_pred = None
    wi_texts: tuple[str, ...] = ()
    mistake = swing = ""
    if pred == k:
        other = runner_up(ls.probabilities, k)
        wi = learning_step(w.network, tr.image, other, w.lr)
        wi_pred = int(np.argmax(wi.new_probabilities))
        wi_texts = tuple(prob(v) for v in wi.new_probabilities)
        compare_rows = (
            (_("loss"), loss, num(wi.loss)),
            (_("largest gradient"), num(largest_gradient(ls)), num(largest_gradient(wi))),
            (_("loss after one step"), num(ls.new_loss, d), at_least(wi.new_loss)),
        )
        mistake, swing = _mistake_texts(ls, wi, names, other, wi_pred, w.lr)
    other_name = shown(names[other]) if other is not None else ""
    return LearningStepPlan(
        class_names=names,
        label=k,
        true_name=true_name,
        where=w,
        step=ls,
        prediction=pred,
        lr=w.lr,
        network_line=network_line,
        where_text=where_text,
        truth_line=truth.format(name=true_name),
        probability_texts=tuple(prob(v) for v in ls.probabilities),
        loss_text=_("= {value}").format(value=loss),
        guess_text=guess,
        columns=columns,
        vector_scale=Diverging.for_values(ls.probabilities, onehot, ls.dlogits),
        gradient_text=_(
            "Which way should each score z move? The gradient of the loss says: probabilities minus the truth, "
            "class by class."
        ),
        sign_text=sign_text,
        dense_key=key,
        rows=rows,
        heads=heads,
        cells=tuple(cells),
        table_note=table_note,
        weights_text=_(
            "Now the jury's weights. A weight from clue i into {name} gets the gradient of the {name} score times the "
            "evidence that clue carried: the strongest clues get the biggest gradients."
        ).format(name=true_name),
        update_text=_(
            "The gradient points uphill, towards more loss, so we step the other way: minus the learning rate, {lr}, "
            "times the gradient. The learning rate is the size of the step."
        ).format(lr=rate(w.lr)),
        new_prediction=new_pred,
        new_probability_texts=tuple(prob(v) for v in ls.new_probabilities),
        loss_digits=d,
        loss_before=loss_before,
        loss_after=loss_after,
        after_text=_after_text(ls, w, names, pred, new_pred, d),
        filter=filt,
        filter_text=_(
            "The same recipe reaches back to the first layer: every weight of filter {f} gets its own gradient, "
            "passed back through every layer in between. Here is the part of it this step moves most."
        ).format(f=filt.filter + 1),
        filter_change_text=_filter_change_text(filt, w.lr),
        other=other,
        what_if=wi,
        compare_heads=("", true_name, _("if it said {name}").format(name=other_name)),
        compare_rows=compare_rows,
        what_if_prediction=wi_pred,
        what_if_texts=wi_texts,
        what_if_title=_("after that step (if it said {name})").format(name=other_name),
        mistake_text=mistake,
        swing_text=swing,
    )


def ls_input(story, w: Where, dense_name: str) -> np.ndarray:
    """The evidence going into the dense layer of the network that takes the step."""
    return np.asarray(w.network.trace(story.trace.image).step(dense_name).input)


def _guess_texts(story, w: Where, pred: int, k: int, names, loss: str) -> tuple[str, str]:
    """Why this network takes the step (empty for the trained one at the usual rate); who it named,
    whether it was right and sure, and the loss that follows."""
    true_name, named = shown(names[k]), shown(names[pred])
    p = float(w.step.probabilities[k])
    if not w.visible:
        intro = _("Even the biggest step we tried would barely show on this picture: the network knows it well. ")
    elif w.lr != LR:
        intro = _(
            "One step at rate {usual} would barely show on any of its networks, so this step is bigger, {lr}, on "
            "{network}. "
        ).format(usual=rate(LR), lr=rate(w.lr), network=w.name)
    elif not w.trained:
        intro = _(
            "The trained network already knows this picture so well that one step would barely show, so we go back "
            "to {network}. "
        ).format(network=w.name)
    else:
        intro = ""
    if story.label_assumed:
        text = _(
            "No answer came with this picture, so we take the trained network's verdict, {name}, as the truth. "
            "The loss is {loss}."
        ).format(name=true_name, loss=loss)
    elif pred == k and p >= SURE:
        text = _(
            "It names {name}, and the case file agrees. Right and sure ({p}), so the loss is small: {loss}."
        ).format(name=named, p=prob(p), loss=loss)
    elif pred == k:
        text = _(
            "It names {name}, and the case file agrees, but it is not sure: {p}. The loss is {loss}. One step of "
            "learning will make it surer."
        ).format(name=named, p=prob(p), loss=loss)
    else:
        text = _(
            "It names {name}, but the case file says {truth}: the loss is {loss}. A wrong verdict is the best lesson."
        ).format(name=named, truth=true_name, loss=loss)
    return intro.strip(), text


def _after_text(ls: LearningStep, w: Where, names, pred: int, new_pred: int, d: int) -> str:
    """What the step did to the loss and the probabilities, as it happened."""
    k = ls.label
    a, b = num(ls.loss, d), num(ls.new_loss, d)
    pa, pb = prob(ls.probabilities[k]), prob(ls.new_probabilities[k])
    if ls.new_loss >= ls.loss:
        return _(
            "Run the picture through again: the loss went from {a} to {b}. This step was too big: it jumped past the "
            "bottom of the valley."
        ).format(a=a, b=b)
    if not w.visible:
        return _(
            "Run the picture through again with the new weights. The loss fell from {a} to {b}, but even at the "
            "biggest rate we tried the bars cannot show a change this small: the network already knows this picture."
        ).format(a=a, b=b)
    text = _(
        "Run the picture through again with the new weights: the loss falls from {a} to {b}, and p({name}) rises from "
        "{pa} to {pb}. One step downhill."
    ).format(a=a, b=b, name=shown(names[k]), pa=pa, pb=pb)
    if new_pred != pred:
        text += " " + _("The verdict flips from {old} to {new}.").format(
            old=shown(names[pred]), new=shown(names[new_pred])
        )
    return text


def _filter_step(ls: LearningStep, key: str, layer: str, channels: int) -> FilterStep:
    g = ls.grads[key]
    # The 3x3 slice (filter, channel) with the largest gradient: where this step does most.
    f, c = np.unravel_index(int(np.argmax(np.abs(g).max(axis=(2, 3)))), g.shape[:2])
    f, c = int(f), int(c)
    before, after, grad = ls.before[key][f, c], ls.after[key][f, c], g[f, c]
    biggest = float(np.abs(change(ls, key)[f]).max())
    # One significant digit of the largest change: enough to see it, short enough for a 3x3 grid.
    dd = int(np.clip(-math.floor(math.log10(biggest)), 2, 4)) if biggest > 0 else 2
    e = common_exponent(grad)
    text = np.vectorize(lambda v, n=dd: fmt(v, n), otypes=[str])
    if channels == 3:
        title = _("{layer}, filter {f}, {channel} channel").format(layer=layer, f=f + 1, channel=_(CHANNEL_NAMES[c]))
    elif channels > 1:
        title = _("{layer}, filter {f}, channel {c}").format(layer=layer, f=f + 1, c=c + 1)
    else:
        title = _("{layer}, filter {f}").format(layer=layer, f=f + 1)
    head = _("gradient (× {power})").format(power=power(e)) if e else _("gradient")
    note = _("largest change: {value}").format(value=num(biggest))
    return FilterStep(
        filter=f,
        channel=c,
        title=title,
        before=before,
        gradient=grad,
        after=after,
        before_texts=text(before),
        gradient_texts=np.vectorize(lambda v: mantissa(v, e), otypes=[str])(grad),
        after_texts=text(after),
        decimals=dd,
        exponent=e,
        gradient_head=head,
        weight_scale=Diverging.for_values(before, after),
        gradient_scale=Diverging.for_values(grad),
        biggest=biggest,
        note=note,
    )


def _filter_change_text(filt: FilterStep, lr: float) -> str:
    same = bool(np.all(filt.before_texts == filt.after_texts))
    if same:
        return _(
            "Each weight takes a step of minus {lr} times its gradient. The biggest change is {value}: too small to "
            "show in the digits here, yet it is there."
        ).format(lr=rate(lr), value=num(filt.biggest))
    return _("Each weight takes a step of minus {lr} times its gradient: the biggest change is {value}.").format(
        lr=rate(lr), value=num(filt.biggest)
    )


def _mistake_texts(ls: LearningStep, wi: LearningStep, names, other: int, wi_pred: int, lr: float) -> tuple[str, str]:
    """How much more a wrong verdict would have taught, and what its step would do."""
    other_name = shown(names[other])
    g, gw = largest_gradient(ls), largest_gradient(wi)
    ratio = gw / g if g > 0 else math.inf
    text = _(
        "Had the case file said {name}, the loss would be {loss} and the largest gradient {gw} instead of {g}."
    ).format(name=other_name, loss=num(wi.loss), gw=num(gw), g=num(g))
    if ratio >= 2:
        text += " " + _("A wrong verdict teaches far more: gradients {ratio} times as big.").format(ratio=fmt(ratio, 1))
    elif ratio > 1:
        text += " " + _("A wrong verdict teaches more.")
    else:
        text += " " + _("Here it would not teach more: its gradients are no bigger.")
    if wi_pred == other and int(np.argmax(wi.probabilities)) != other:
        swing = _(
            "One step at rate {lr} would swing the verdict right over to {name}: steps that big are why the learning "
            "rate is kept small."
        ).format(lr=rate(lr), name=other_name)
    elif wi.new_loss < wi.loss:
        swing = _("One step at rate {lr} would cut that loss from {a} to {b}: a big mistake, a big step.").format(
            lr=rate(lr), a=num(wi.loss), b=num(wi.new_loss)
        )
    else:
        swing = _("One step at rate {lr} would not even lower that loss: from {a} to {b}.").format(
            lr=rate(lr), a=num(wi.loss), b=num(wi.new_loss)
        )
    return text, swing
