"""The loss, planned from the trace: the truth against the guess, -log p of the true class, the
penalty curve with reference points, the same guess under another label, and cross-entropy's three
readings, all one number.

How a probability is written depends on what it shows: 0.953 as usual; a guess so close to 1 that
three decimals say 1.000 as 0.9997 or 1 - 2.52×10⁻⁸ (the gap is what sets the loss); one below 0.001
in scientific notation (its smallness is what makes the loss large). Every outcome sentence (sure
and right, unsure, wrong; what a confident wrong answer costs) is chosen from the numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from scenes.i18n import _, clauses
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, nice_step, num, prob
from scenes.plans.terms import class_penalties, loss_terms, penalty

MIN_TOP = 5.5  # the penalty chart shows at least -log p up to here (p down to about 0.004)
ZOOM_AT = 0.95  # a point above this share of the chart's top makes the chart zoom out
REFERENCES = (0.5, 0.01, 0.1)  # reference points on the curve, in order of preference
MAX_REFERENCES = 2
CROWDED = 0.15  # a reference this close to a point that matters (in chart widths/heights) is left out
SURE = 0.9  # a right guess at least this sure "costs little"
HIGH = 2.3  # a penalty at least this high (p below 0.1) is "high"
CONFIDENT_WRONG = 0.1  # the other class got at most this: "confident and wrong"
TERMS_SHOWN = 3  # the cross-entropy sum is written term by term up to this many classes


def chance(p: float) -> str:
    """A probability as the loss chapter writes it inside -log(...): four significant digits, so that
    -log of what is written gives the loss written after it (0.9533, 0.01838); 1 - 2.52×10⁻⁸ when
    four digits would say 1.000 (the gap is what sets the loss); 2.30×10⁻⁹ below 0.001 (its
    smallness is what makes the loss large)."""
    p = float(p)
    if p < 1e-3 or num(p, 4) != num(1.0 - 1e-12, 4):
        return num(p, 4 if p >= 1e-3 else 3)
    return _("1 − {gap}").format(gap=num(1.0 - p) if p < 1 else "0")


def short(v: float) -> str:
    """A round reference value without trailing zeros: 0.5, 0.01, 1."""
    s = fmt(v, 3)
    return s.rstrip("0").rstrip(".") if "." in s else s


def cost(v: float) -> str:
    """A loss or penalty: three significant digits (scientific below 0.001, where it is the point)."""
    return num(v, 3)


@dataclass(frozen=True)
class Point:
    """A point (p, -log p) on the penalty curve and its tag."""

    p: float
    penalty: float
    text: str


@dataclass(frozen=True)
class Chart:
    """The penalty chart's height and its round y ticks (x: 0, 0.5, 1)."""

    top: float
    y_ticks: tuple[float, ...]
    y_texts: tuple[str, ...]


@dataclass(frozen=True)
class Reading:
    """One reading of the loss: its name ("1  Surprise"), what it means, formula (TeX), numbers, result."""

    title: str
    gloss: str
    tex: str
    numbers: str
    value: str


@dataclass(frozen=True)
class LossPlan:
    names: tuple[str, ...]
    label: int
    prediction: int
    right: bool  # the prediction is the label
    assumed: bool  # no label was given: the prediction stands in
    target: np.ndarray  # one-hot
    probabilities: np.ndarray
    target_texts: tuple[str, ...]
    guess_texts: tuple[str, ...]
    p_true: float
    p_text: str  # the guess for the true class, as written in -log(...)
    loss: float
    loss_text: str
    chart: Chart
    zoom: Chart | None  # the chart zoomed out for the other class's point, if it is off the top
    references: tuple[Point, ...]
    true_point: Point
    other: int  # the class of the "what if" view
    other_point: Point
    readings: tuple[Reading, Reading, Reading]
    entropy_note: str
    same: str
    x_label: str
    truth_sentence: str
    nll_sentence: str
    curve_sentence: str
    what_if_sentence: str
    three_sentences: tuple[str, str]


def _chart(top: float) -> Chart:
    dy = nice_step(top, 3)
    ys = tuple(float(v) for v in np.arange(dy, top + 1e-9, dy))
    return Chart(top, ys, tuple(fmt(v) for v in ys))


def _crowded(a: tuple[float, float], b: tuple[float, float], top: float) -> bool:
    return math.hypot(a[0] - b[0], (a[1] - b[1]) / top) < CROWDED


def plan(story) -> LossPlan:
    tr = story.trace
    t = loss_terms(tr)
    names = tuple(shown(n) for n in tr.class_names)
    k, pred = int(t.label), int(tr.prediction)
    p = np.asarray(t.probabilities, dtype=np.float64)
    pens = class_penalties(tr)
    right = pred == k
    if right:  # compare with the class the guess was surest it is not: the costliest label
        other = min((j for j in range(len(p)) if j != k), key=lambda j: p[j])
    else:  # compare with the class the guess backed
        other = pred
    p_true, loss = float(p[k]), float(t.nll)
    chart = _chart(max(MIN_TOP, 1.15 * loss))
    other_pen = float(pens[other])
    zoom = _chart(1.15 * other_pen) if other_pen > ZOOM_AT * chart.top else None
    final_top = (zoom or chart).top
    true_point = Point(p_true, loss, _("{name}: {loss}").format(name=names[k], loss=cost(loss)))
    other_point = Point(
        float(p[other]), other_pen, _("if it were {name}: {loss}").format(name=names[other], loss=cost(other_pen))
    )
    refs = []
    for rp, rpen in zip(REFERENCES, penalty(REFERENCES)):
        at = (rp, float(rpen))
        if len(refs) < MAX_REFERENCES and not any(
            _crowded(at, (q.p, q.penalty), final_top) for q in (true_point, other_point)
        ):
            refs.append(Point(rp, float(rpen), _("p = {p}: {loss}").format(p=short(rp), loss=cost(rpen))))
    refs.sort(key=lambda q: -q.p)
    p_text, loss_text = chance(p_true), cost(loss)
    readings = _readings(t, p_text, loss_text)
    return LossPlan(
        names,
        k,
        pred,
        right,
        bool(story.label_assumed),
        np.asarray(t.target, dtype=np.float64),
        p,
        tuple(fmt(v) for v in t.target),
        tuple(prob(v) for v in p),
        p_true,
        p_text,
        loss,
        loss_text,
        chart,
        zoom,
        tuple(refs),
        true_point,
        other,
        other_point,
        readings,
        _("H(t) = {h}: the truth is certain, so it holds no surprise of its own").format(h=cost(t.target_entropy)),
        _("three readings, one number: {loss}").format(loss=loss_text),
        _("p({name})").format(name=names[k]),
        _truth_sentence(names[k], p_text, story.label_assumed),
        _nll_sentence(right, p_true, p_text, loss, loss_text),
        _curve_sentence(refs, p_text),
        _what_if_sentence(names, k, right, other_point, other, loss, loss_text),
        _three_sentences(loss_text),
    )


def _readings(t, p_text: str, loss_text: str) -> tuple[Reading, Reading, Reading]:
    n = len(t.target)
    if n <= TERMS_SHOWN:
        terms = " + ".join(f"{fmt(tk)} × ({cost(lp)})" for tk, lp in zip(t.target, t.log_probabilities))
    else:  # the true class's term; the others are all 0 × something
        terms = _("1 × ({lp}) + 0 for the {m} other classes").format(lp=cost(t.log_probabilities[t.label]), m=n - 1)
    return (
        Reading(
            _("1  Surprise"),
            _("minus the log of p"),
            r"L = -\log p",
            _("= -log({p}) =").format(p=p_text),
            cost(t.nll),
        ),
        Reading(
            _("2  Cross-entropy"),
            _("distance from truth to guess"),
            r"H(t, p) = -\textstyle\sum_k t_k \log p_k",
            _("= -({terms}) =").format(terms=terms),
            cost(t.cross_entropy),
        ),
        Reading(
            _("3  KL divergence"),
            _("surprise beyond the truth's own"),
            r"D_{KL}(t \,\|\, p) = H(t, p) - H(t)",
            _("= {ce} - {h} =").format(ce=cost(t.cross_entropy), h=cost(t.target_entropy)),
            cost(t.kl),
        ),
    )


def _truth_sentence(name: str, p_text: str, assumed: bool) -> str:
    if assumed:
        given = _("Training needs the right answer; none was given, so the prediction, {name}, stands in.")
    else:
        given = _("Training needs the right answer: here it is {name}.")
    return (
        given.format(name=name)
        + " "
        + _(
            "Written like a guess, the truth is 1 for {name} and 0 for every other class. The loss looks only "
            "at the guess for {name}: {p}."
        ).format(name=name, p=p_text)
    )


def _nll_sentence(right: bool, p: float, p_text: str, loss: float, loss_text: str) -> str:
    if right and loss < 1e-3:
        say = _("The penalty is minus the log of that probability: {loss}. Sure and right: practically nothing.")
    elif right and p >= SURE:
        say = _("The penalty is minus the log of that probability: {loss}. Sure and right, so it costs little.")
    elif right:
        say = _(
            "The penalty is minus the log of that probability: {loss}. Right, but unsure at {p}: even a right "
            "answer costs something when it hedges."
        )
    elif loss >= HIGH:
        say = _(
            "The penalty is minus the log of that probability: {loss}. The guess was wrong and gave the truth "
            "only {p}, so the penalty is high."
        )
    else:
        say = _(
            "The penalty is minus the log of that probability: {loss}. The guess was wrong but hedged: the truth "
            "still got {p}, so the penalty stays moderate."
        )
    return say.format(loss=loss_text, p=p_text)


def _curve_sentence(refs: list[Point], p_text: str) -> str:
    marks = [_("at p = {p} it costs {loss}").format(p=short(q.p), loss=cost(q.penalty)) for q in refs]
    head = _("Here is the whole penalty curve. At p = 1 it costs nothing")
    tail = _("near 0 it shoots up without limit. This guess sits at p = {p}.").format(p=p_text)
    return clauses([head, *marks, tail])


def _what_if_sentence(names, k: int, right: bool, other: Point, j: int, loss: float, loss_text: str) -> str:
    if right:
        say = _(
            "Had the truth been {other}, the same guess would give it only {p}, and the penalty would be "
            "{pen} instead of {loss}."
        )
        if other.p <= CONFIDENT_WRONG:
            say += " " + _("Confident and wrong is what the loss punishes hardest.")
        else:
            say += " " + _("The guess hedged, so even that would not cost much more.")
    elif other.penalty < 0.5 * loss:
        say = _(
            "The guess backed {other} with {p}. Had {other} been the truth, the penalty would be only {pen}; "
            "for the true class, {name}, it is {loss}."
        )
    else:
        say = _(
            "The guess backed {other} with {p}. Had {other} been the truth, the penalty would be {pen}, not "
            "much less than the {loss} it pays for {name}: a hedged guess costs about the same either way."
        )
    return say.format(other=names[j], p=chance(other.p), pen=cost(other.penalty), loss=loss_text, name=names[k])


def _three_sentences(loss_text: str) -> tuple[str, str]:
    return (
        _(
            "The same number goes by three names. First, surprise: minus the log of p. Second, cross-entropy: "
            "the guess against the truth, summed over every class, where the truth's zeros drop out."
        ),
        _(
            "Third, the KL divergence: the truth is certain, its own entropy is 0, so the divergence is the "
            "cross-entropy itself. All three give {loss}. Training works to bring it down towards 0."
        ).format(loss=loss_text),
    )
