"""The whole network at once, planned from the trace: every stage's numbers and shape, the colour
scale of each block, the numbers a viewer reads (scores, probabilities), the verdict and whether it
is right."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.i18n import _
from scenes.plans.colour import Diverging, Photo, Scale
from scenes.plans.confidence import how_sure
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, prob, shape_text

MAP_KINDS = ("Conv2D", "ReLU", "MaxPool2D")
VECTOR_SHOWN = 10  # a long vector (flatten) shows its first and last few values, dots between


@dataclass(frozen=True)
class Stage:
    """One stage of the picture: what it holds for this image and how to paint it."""

    name: str  # "input", a layer's name ("conv1", ...), "softmax" (the first and last translated)
    kind: str  # "input", a layer kind ("Conv2D", ...), "Softmax"
    shape: tuple[int, ...]
    shape_text: str  # "28×28×4"
    values: np.ndarray  # (C, H, W) maps or the image, or a vector
    scale: Scale | None  # how the values are painted (None: probabilities, drawn as bars)
    texts: tuple[str, ...] = ()  # numbers written next to a short vector (scores, probabilities)
    shown: tuple[int, ...] = ()  # a vector's entries drawn, in order (a long one skips its middle)

    @property
    def is_map(self) -> bool:
        return self.values.ndim == 3


@dataclass(frozen=True)
class OverviewPlan:
    stages: tuple[Stage, ...]
    names: tuple[str, ...]  # class names as shown
    probabilities: np.ndarray
    prediction: int
    chain: str  # "28×28×3 → 28×28×4 → ... → 3"
    verdict: tuple[str, str]  # the label by the probabilities: "prediction: Countess", "p = 0.953"
    outcome: str  # "right", "wrong" or "assumed"
    stages_sentence: str
    vectors_sentence: str
    shapes_sentence: str
    flow_sentence: str
    verdict_sentence: str

    @property
    def maps(self) -> tuple[int, ...]:
        """Indices of the stages that hold maps (the input and every conv/ReLU/pool output)."""
        return tuple(i for i, s in enumerate(self.stages) if s.is_map)

    @property
    def vectors(self) -> tuple[int, ...]:
        return tuple(i for i, s in enumerate(self.stages) if not s.is_map)


def _shown(n: int) -> tuple[int, ...]:
    if n <= VECTOR_SHOWN:
        return tuple(range(n))
    head = VECTOR_SHOWN // 2
    return tuple(range(head)) + tuple(range(n - (VECTOR_SHOWN - head), n))


def plan(story) -> OverviewPlan:
    tr = story.trace
    steps = list(tr.steps)
    photo = tr.image.shape[0] == 3
    shapes = dict(tr.shapes())
    first = Stage(_("input"), "input", shapes["input"], shape_text(shapes["input"]), np.asarray(tr.image),
                  Photo() if photo else Diverging(1.0))  # fmt: skip
    stages = [first]
    block: Scale | None = None
    for i, s in enumerate(steps):
        if s.kind == "Conv2D":  # one colour scale per block: the conv, its ReLU and its pooling
            outputs = [s.output]
            for t in steps[i + 1 :]:
                if t.kind not in ("ReLU", "MaxPool2D"):
                    break
                outputs.append(t.output)
            block = Diverging.for_values(*outputs)
        out = np.asarray(s.output)
        if s.kind == "Dense":
            scale: Scale = Diverging.for_values(out)
            texts = tuple(fmt(v) for v in out)
        else:
            scale, texts = block or Diverging.for_values(out), ()
        shown_idx = _shown(out.size) if out.ndim == 1 else ()
        stages.append(Stage(s.name, s.kind, out.shape, shape_text(out.shape), out, scale, texts, shown_idx))
    p = np.asarray(tr.probabilities, dtype=np.float64)
    names = tuple(shown(n) for n in tr.class_names)
    stages.append(
        Stage(_("softmax"), "Softmax", p.shape, shape_text(p.shape), p, None, tuple(prob(v) for v in p), _shown(p.size))
    )
    chain = " → ".join(shape_text(s) for _n, s in tr.shapes())
    pred = int(tr.prediction)
    if story.label_assumed or tr.label is None:
        outcome = "assumed"
    else:
        outcome = "right" if tr.label == pred else "wrong"
    flat = next(s for s in stages if s.kind == "Flatten")
    return OverviewPlan(
        tuple(stages),
        names,
        p,
        pred,
        chain,
        (_("prediction: {name}").format(name=names[pred]), _("p = {p}").format(p=prob(p[pred]))),
        outcome,
        _stages_sentence(photo, stages),
        _(
            "Then the {n} numbers are lined up for the jury, the dense layer gives each of the {k} classes a "
            "score, and softmax turns the scores into chances."
        ).format(n=flat.values.size, k=len(names)),
        _("The shapes under the stages tell the same story: {chain}.").format(chain=chain),
        _("Now one pass, end to end: the image flows through every stage in turn, each lighting up as it is computed."),
        _verdict_sentence(names, p, pred, tr.label, outcome),
    )


def _stages_sentence(photo: bool, stages: list[Stage]) -> str:
    maps = sum(s.is_map for s in stages) - 1
    what = _("photo") if photo else _("drawing")
    return _(
        "Here is the whole detective story for this {what} in one picture. After the input come {maps} stages "
        "of maps, every one computed for this {what}: the filters' clues, ReLU's cleanup, pooling's best clues."
    ).format(what=what, maps=maps)


def _verdict_sentence(names, p: np.ndarray, pred: int, label: int | None, outcome: str) -> str:
    top = float(p[pred])
    words = {
        "certain": _("It ends in the probabilities: {name}, 1.000 to three decimals. Sherlock is all but certain."),
        "sure": _("It ends in the probabilities: {name}, with {p}. Sherlock is sure."),
        "leans": _("It ends in the probabilities: Sherlock leans to {name}, with {p}."),
        "unsure": _("It ends in the probabilities: {name}, but only with {p}. Sherlock is unsure."),
    }
    say = words[how_sure(top)].format(name=names[pred], p=prob(top))
    if outcome == "right":
        say += " " + _("And {name} is the right answer.").format(name=names[pred])
    elif outcome == "wrong":
        say += " " + _("But the true class is {label}: this time the network is wrong.").format(label=names[label])
    return say
