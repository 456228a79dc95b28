"""The dense layer: every clue times its weight for one suspect, summed, plus a bias, gives that
suspect's score. The evidence, the weights and the products are shown as pages (textures: the
pattern is the point), the strongest few terms up close, the sums of the clues for and against each
suspect, and the scores the chapter ends on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.i18n import _, ngettext
from scenes.plans.colour import Diverging
from scenes.plans.maps import joined
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, num
from scenes.plans.terms import DenseTerms, dense_terms

TOP = 4  # the products that count the most, spelled out
CLOSE = 1.0  # a lead in score below this is a close call (the odds differ by less than e to 1)
SPELLED = 3  # suspects whose sums are told one by one; the others' scores come together


@dataclass(frozen=True)
class Term:
    """One clue's part in a suspect's score: evidence x weight = product."""

    index: int  # 0-based place in the line
    place: str  # as the viewer counts it: "137"
    evidence: str
    weight: str
    product: str


@dataclass(frozen=True)
class Verdict:
    """One suspect's weighted sum: the clues for, the clues against, the bias and the score."""

    k: int
    name: str
    terms: DenseTerms
    support: float  # sum of the positive products
    against: float  # sum of the negative products (<= 0)
    texts: dict  # "for", "against", "bias", "score": the numbers as shown
    sentence: str


@dataclass(frozen=True)
class DensePlan:
    evidence: np.ndarray  # (n,) the flattened clues
    lines: int  # the page's rows: one per map of the flatten step
    weights: np.ndarray  # (K, n)
    bias: np.ndarray  # (K,)
    logits: np.ndarray  # (K,)
    names: tuple[str, ...]  # the suspects as shown
    pred: int
    verdicts: tuple[Verdict, ...]  # one per suspect, in class order
    order: tuple[int, ...]  # the suspects in the order the story weighs them: the winner first
    top: tuple[Term, ...]  # the winner's strongest terms
    evidence_scale: Diverging
    weight_scale: Diverging
    product_scale: Diverging  # one scale for every suspect's products
    score_scale: Diverging
    scores: tuple[str, ...]  # every logit as shown
    intro: str
    suspects: str
    wiring: str
    products: str
    close_up: str
    others: str | None  # the suspects beyond SPELLED, told together
    verdict: str  # who scores highest, and by how much
    next: str

    def products_of(self, k: int) -> np.ndarray:
        return self.verdicts[k].terms.products

    @property
    def count(self) -> int:
        return len(self.evidence)


def verdict_sentence(
    name: str, support: str, against: str, bias: str, score: str, has_for: bool, has_against: bool
) -> str:
    if has_for and has_against:
        text = _(
            "Clues for {name} add up to {support}, clues against to {against}. "
            "With the bias, {bias}, {name} scores {score}."
        )
    elif has_for:
        text = _(
            "No clue speaks against {name}: the clues for add up to {support}. "
            "With the bias, {bias}, it scores {score}."
        )
    elif has_against:
        text = _(
            "No clue speaks for {name}: the clues against add up to {against}. "
            "With the bias, {bias}, it scores {score}."
        )
    else:
        text = _("Every product is 0 for {name}: only the bias is left, so it scores {score}.")
    return text.format(name=name, support=support, against=against, bias=bias, score=score)


def verdict_of(trace, step: str, k: int, name: str) -> Verdict:
    t = dense_terms(trace, step, k)
    support = float(t.products[t.products > 0].sum())
    against = float(t.products[t.products < 0].sum())
    if not np.isclose(support + against, t.total, rtol=1e-9, atol=1e-9):
        raise AssertionError(f"{name}: for {support} + against {against} != total {t.total}")
    texts = {"for": fmt(support), "against": fmt(against), "bias": fmt(t.bias), "score": fmt(t.output)}
    sentence = verdict_sentence(
        name, texts["for"], texts["against"], texts["bias"], texts["score"], support > 0, against < 0
    )
    return Verdict(k, name, t, support, against, texts, sentence)


def closing(names: tuple[str, ...], logits: np.ndarray) -> str:
    """Who scores highest and by how much, from the scores themselves."""
    ranked = np.argsort(-logits, kind="stable")
    first, second = int(ranked[0]), int(ranked[1])
    margin = float(logits[first] - logits[second])
    fields = dict(
        winner=names[first], runner=names[second], top=fmt(logits[first]), score=fmt(logits[second]), margin=fmt(margin)
    )
    if fmt(margin) == "0":
        return _("{winner} and {runner} tie at {top}: the scores cannot tell them apart.").format(**fields)
    if margin < CLOSE:
        return _("{winner} leads with {top}, but only {margin} above {runner} ({score}): a close call.").format(
            **fields
        )
    return _("{winner} has the highest score, {top}: {margin} above {runner}, the next best.").format(**fields)


def plan(story) -> DensePlan:
    tr = story.trace
    step = tr.steps_of("Dense")[-1]
    x = np.asarray(step.input)
    weights, bias = np.asarray(step.params["weight"]), np.asarray(step.params["bias"])
    flat_in = tr.steps_of("Flatten")[-1].input
    lines = int(flat_in.shape[0]) if flat_in.size == x.size and flat_in.ndim == 3 else 1
    names = tuple(shown(n) for n in tr.class_names)
    pred = int(tr.prediction)
    verdicts = tuple(verdict_of(tr, step.name, k, names[k]) for k in range(len(names)))
    win = verdicts[pred].terms
    top_idx = [int(i) for i in np.argsort(-np.abs(win.products), kind="stable")[:TOP]]
    top = tuple(
        Term(i, str(i + 1), fmt(win.inputs[i]), num(win.weights[i], 3), num(win.products[i], 3)) for i in top_idx
    )
    order = (pred, *[k for k in range(len(names)) if k != pred])
    all_products = np.stack([v.terms.products for v in verdicts])
    n, kk, per = x.size, len(names), x.size // lines
    others = None
    if kk > SPELLED:
        rest = order[SPELLED:]
        others = _("And the rest: {scores}.").format(
            scores=joined([_("{name} {score}").format(name=names[k], score=verdicts[k].texts["score"]) for k in rest])
        )
    return DensePlan(
        x,
        lines,
        weights,
        bias,
        np.asarray(tr.logits),
        names,
        pred,
        verdicts,
        order,
        top,
        Diverging.for_values(x),
        Diverging.for_values(weights),
        Diverging.for_values(all_products),
        Diverging.for_values(tr.logits),
        tuple(v.texts["score"] for v in verdicts),
        intro=(
            _("The jury receives the {n} clues in their fixed order, written as one row.")
            if lines == 1
            else _(
                "The jury receives the {n} clues in their fixed order, written as {lines} rows of {per}: one per map."
            )
        ).format(n=n, lines=lines, per=per),
        suspects=_("It has one neuron per suspect: {names}.").format(names=joined(names)),
        wiring=_(
            "Every clue is wired to every suspect with its own weight, learned in training: {n} × {k} = {nk} "
            "weights. Orange raises a score, blue lowers it."
        ).format(n=n, k=kk, nk=n * kk),
        products=_(
            "Multiply each clue by its weight for {name}: the products show where the case for {name} comes from."
        ).format(name=names[pred]),
        close_up=ngettext(
            "Up close, the product that counts the most: clue × weight.",
            "Up close, the {t} products that count the most: clue × weight.",
            len(top),
        ).format(t=len(top)),
        others=others,
        verdict=closing(names, np.asarray(tr.logits)),
        next=_("These raw scores are called logits. Softmax, next, turns them into probabilities."),
    )
