"""Softmax, planned from the trace: the scores, e to their power, the sum, the shares, the bars.

What the chapter shows depends on the numbers. When every e^z reads at a glance (below
``EXP_READABLE``) the table shows e^z itself first, as the articles do, and then the computer's
habit of subtracting the largest score, as a lesson: the shares stay put. When e^z of the largest
score would be huge (or overflow), the table subtracts the largest score first and says why.
Every outcome sentence (who leads, by how much, how sure the verdict is) is chosen from the
numbers it describes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scenes.i18n import _
from scenes.plans.confidence import how_sure
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, nice_step, num, prob
from scenes.plans.terms import shifted_logits, softmax_terms

EXP_READABLE = 1e4  # an e^z of five digits or more no longer reads at a glance: subtract the max first
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def value(v: float) -> str:
    """e^z, sums: four significant digits, three in scientific notation (below 0.001 only)."""
    return num(v, 3 if 0 < abs(v) < 1e-3 else 4)


def exp_text(x: float) -> str:
    """e^x written so a viewer reads its size: ``value`` up to 9999, then "more than 10⁵" (not
    435600000, and no overflow for a lead of 1400)."""
    if x < math.log(EXP_READABLE):
        return value(math.exp(x))
    power = int(math.floor(x / math.log(10)))
    return _("more than {power}").format(power="10" + str(power).translate(SUPERSCRIPT))


def score(z: float) -> str:
    """A logit (or logit minus the largest): three decimals, at most four significant digits, so that
    e to the power of what is written gives the e^z written next to it."""
    return fmt(z, 3)


@dataclass(frozen=True)
class Plot:
    """The e^x plot: axis ranges and round tick values (a ruler, not data)."""

    x_range: tuple[float, float]
    y_top: float
    x_ticks: tuple[float, ...]
    y_ticks: tuple[float, ...]
    x_texts: tuple[str, ...]
    y_texts: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One version of the softmax table: e^z itself (``shifted`` False) or e^(z - max)."""

    shifted: bool
    z: np.ndarray  # the exponents: the logits, or the logits minus the largest
    exps: np.ndarray  # e^z
    total: float  # their sum
    z_texts: tuple[str, ...]
    exp_texts: tuple[str, ...]
    sum_text: str  # "Σ = 12.55"
    division: tuple[str, ...]  # "12.18 ÷ 12.55 = 0.971", one per class
    plot: Plot


def _plot(z: np.ndarray, exps: np.ndarray) -> Plot:
    span = float(z.max() - z.min())
    pad = 0.08 * span + 0.6
    x0, x1 = float(z.min()) - pad, float(z.max()) + pad
    top = 1.15 * float(exps.max())
    dx = nice_step(x1 - x0, 4)
    xs = tuple(float(v) for v in np.arange(math.ceil(x0 / dx) * dx, x1 + 1e-9, dx))
    dy = nice_step(top, 4)
    ys = tuple(float(v) for v in np.arange(dy, top + 1e-12, dy))
    return Plot((x0, x1), top, xs, ys, tuple(fmt(v, 2) for v in xs), tuple(fmt(v, 2) for v in ys))


def _division(exps: np.ndarray, total: float, p: np.ndarray) -> tuple[str, ...]:
    """ "e ÷ Σ = p" per class; a share below 0.001 reads "e ÷ Σ < 0.001" (no 2.3e-9 for a chance)."""
    out = []
    for e, pk in zip(exps, p):
        shown_p = prob(pk)
        if shown_p.startswith("<"):
            out.append(_("{e} ÷ {total} < {p}").format(e=value(e), total=value(total), p=shown_p[1:]))
        else:
            out.append(_("{e} ÷ {total} = {p}").format(e=value(e), total=value(total), p=shown_p))
    return tuple(out)


def _table(shifted: bool, z: np.ndarray, exps: np.ndarray, total: float, p: np.ndarray) -> Table:
    return Table(
        shifted,
        z,
        exps,
        total,
        tuple(score(v) for v in z),
        tuple(value(v) for v in exps),
        _("Σ = {total}").format(total=value(total)),
        _division(exps, total, p),
        _plot(z, exps),
    )


@dataclass(frozen=True)
class SoftmaxPlan:
    names: tuple[str, ...]  # class names as shown
    logits: np.ndarray
    logit_texts: tuple[str, ...]  # the scores as the table first shows them
    probabilities: np.ndarray
    p_texts: tuple[str, ...]
    winner: int  # the predicted class
    runner_up: int  # the next most likely class
    raw: Table | None  # e^z itself, when every e^z reads at a glance; else None
    shifted: Table  # e^(z - max): always finite, the same shares
    shift_first: bool  # True: the table subtracts the largest score before raising e (raw is None)
    # What the captions say, each chosen from the numbers it describes:
    scores_sentence: str
    shift_sentence: str  # why the largest score is subtracted (before or after the raw e^z)
    exp_sentence: str
    divide_sentence: str
    verdict_sentence: str
    verdict: str  # the label by the bars, e.g. "Sherlock's verdict: Countess, 0.885"

    @property
    def first(self) -> Table:
        """The table the chapter builds first."""
        return self.shifted if self.raw is None else self.raw


def plan(story) -> SoftmaxPlan:
    tr = story.trace
    t = softmax_terms(tr)
    z, p = np.asarray(t.logits, dtype=np.float64), np.asarray(tr.probabilities, dtype=np.float64)
    names = tuple(shown(n) for n in tr.class_names)
    order = np.argsort(-z, kind="stable")
    win, runner = int(tr.prediction), int(order[1]) if order[0] == tr.prediction else int(order[0])
    shifted = _table(True, shifted_logits(tr), t.shifted_exps, t.shifted_total, p)
    readable = bool(np.all(np.isfinite(t.exps))) and float(np.max(t.exps)) < EXP_READABLE
    raw = _table(False, z, t.exps, t.total, p) if readable else None
    return SoftmaxPlan(
        names,
        z,
        tuple(score(v) for v in z),
        p,
        tuple(prob(v) for v in p),
        win,
        runner,
        raw,
        shifted,
        raw is None,
        _scores_sentence(names, z, win, runner),
        _shift_sentence(z, t.exps, raw is None),
        _exp_sentence(names, z, win, runner, raw is None),
        _divide_sentence(raw or shifted),
        *_verdict(names, p, win, runner),
    )


def _scores_sentence(names, z, win: int, runner: int) -> str:
    gap = float(z[win] - z[runner])
    lead = _("{leader} leads with {z}, {gap} ahead of {runner}.").format(
        leader=names[win], z=score(z[win]), gap=score(gap), runner=names[runner]
    )
    if (z < 0).any():
        why = _("But a score is not a chance yet: scores can be any size, even negative.")
    else:
        why = _("But a score is not a chance yet: these add up to {sum}, not to 1.").format(sum=score(z.sum()))
    return _("The dense layer hands Sherlock {n} raw scores, one per class. {lead} {why}").format(
        n=len(z), lead=lead, why=why
    )


def _shift_sentence(z, exps, first: bool) -> str:
    top = float(z.max())
    if first:
        if not np.isfinite(exps.max()):
            big = _("e to the power {top} is more than a computer number can hold.").format(top=score(top))
        else:
            big = _("e to the power {top} is already {value}, and such numbers grow out of hand fast.").format(
                top=score(top), value=exp_text(top)
            )
        return (
            big
            + " "
            + _(
                "So first subtract the largest score, {top}, from every score: the largest becomes 0 and the "
                "rest go below it."
            ).format(top=score(top))
        )
    factor = exp_text(top)
    change = _("shrinks") if top > 0 else _("grows")
    return _(
        "A computer first subtracts the largest score, because with scores in the hundreds e to their "
        "power would overflow. Every e to the z {change} by the same factor, e to the {top} = {factor}, so "
        "the shares stay exactly the same."
    ).format(change=change, top=score(top), factor=factor)


def _exp_sentence(names, z, win: int, runner: int, first: bool) -> str:
    gap = float(z[win] - z[runner])
    ratio = exp_text(gap)  # e^a / e^b = e^(a - b): how much the lead grows
    if first:
        head = _("Now raise e to the power of each: the leader gets e to the 0 = 1, every other class less than 1.")
    else:
        head = _(
            "Sherlock's confidence grows faster than the score: each score z becomes e to the power z, always positive."
        )
    if gap >= math.log(1.5):
        grow = _("A lead of {gap} becomes {ratio} times as much: {leader} over {runner}.")
    else:
        grow = _("A lead of {gap} is only {ratio} times as much: a close race between {leader} and {runner}.")
    return head + " " + grow.format(gap=score(gap), ratio=ratio, leader=names[win], runner=names[runner])


def _divide_sentence(table: Table) -> str:
    return _(
        "To share the confidence out, add it all up: the sum is {total}. Divide each by the sum: every "
        "share lies between 0 and 1, and together they make 1."
    ).format(total=value(table.total))


def _verdict(names, p, win: int, runner: int) -> tuple[str, str]:
    top, second = float(p[win]), float(p[runner])
    rest = float(np.delete(p, win).sum())  # summed, not 1 - top: exact even when top is 1 - 1e-9
    name = names[win]
    verdict = _("Sherlock's verdict: {name}, {p}").format(name=name, p=prob(top))
    sure = how_sure(top)
    if sure == "certain":
        say = _(
            "Now the scores read as chances. {name} gets 1.000 to three decimals: the others share less "
            "than 0.001. Sherlock is all but certain."
        )
    elif sure == "sure":
        say = _("Now the scores read as chances. Sherlock is sure: {name}, with {p}; the others share {rest}.")
    elif sure == "leans":
        say = _("Now the scores read as chances. Sherlock leans to {name}, with {p}, over {runner} with {p2}.")
    else:
        say = _("Now the scores read as chances. Sherlock is unsure: {name} has only {p}, {runner} {p2}.")
    return say.format(name=name, p=prob(top), rest=prob(rest), runner=names[runner], p2=prob(second)), verdict
