"""The arithmetic behind single numbers of a trace, spelled out term by term for the chapters.

Scenes never compute: when a chapter shows "pixel x weight, summed, plus bias", the terms come
from here, and each function checks that its terms add up to the value the layer produced.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import functional as F
from engine.functional import log_softmax


@dataclass(frozen=True)
class ConvTerms:
    """How one feature-map cell of a Conv2D step is computed."""

    filter: int
    row: int
    col: int
    top: int  # input row of the receptive field's top-left corner (negative inside padding)
    left: int
    patch: np.ndarray  # (C, K, K) input values under the filter, zeros where it overlaps padding
    weights: np.ndarray  # (C, K, K)
    products: np.ndarray  # patch * weights
    total: float  # products summed over all channels
    bias: float
    output: float  # total + bias, the cell's value in the trace
    match: float  # the averaged response in [-1, 1]: total / sum(|weights|)


def conv_terms(trace, name: str, f: int, r: int, c: int) -> ConvTerms:
    """The products, sum, bias and averaged match behind cell [f, r, c] of Conv2D step ``name``."""
    step = trace.step(name)
    if step.kind != "Conv2D":
        raise ValueError(f"{step.name} is a {step.kind}, not a Conv2D")
    k, s, p = step.config["kernel_size"], step.config["stride"], step.config["padding"]
    x = np.pad(step.input, ((0, 0), (p, p), (p, p)))
    top, left = r * s, c * s
    patch = x[:, top : top + k, left : left + k]
    w = step.params["weight"][f]
    products = patch * w
    total = float(products.sum())
    bias = float(step.params["bias"][f])
    output = float(step.output[f, r, c])
    if not np.isclose(total + bias, output, rtol=1e-9, atol=1e-9):
        raise AssertionError(f"{step.name}[{f},{r},{c}]: terms give {total + bias}, trace has {output}")
    match = float(np.clip(total / np.abs(w).sum(), -1, 1))
    return ConvTerms(f, r, c, top - p, left - p, patch, w, products, total, bias, output, match)


@dataclass(frozen=True)
class DenseTerms:
    """How one output of a Dense step is computed: evidence x weight, summed, plus bias."""

    unit: int
    inputs: np.ndarray  # (in,)
    weights: np.ndarray  # (in,)
    products: np.ndarray
    total: float
    bias: float
    output: float


def dense_terms(trace, name: str, k: int) -> DenseTerms:
    """Evidence x weight, summed, plus bias, behind output ``k`` of Dense step ``name``."""
    step = trace.step(name)
    if step.kind != "Dense":
        raise ValueError(f"{step.name} is a {step.kind}, not a Dense")
    x, w = step.input, step.params["weight"][k]
    products = x * w
    total = float(products.sum())
    bias = float(step.params["bias"][k])
    output = float(step.output[k])
    if not np.isclose(total + bias, output, rtol=1e-9, atol=1e-9):
        raise AssertionError(f"{step.name}[{k}]: terms give {total + bias}, trace has {output}")
    return DenseTerms(k, x, w, products, total, bias, output)


@dataclass(frozen=True)
class SoftmaxTerms:
    """Softmax spelled out. ``exps`` are e^logit (may overflow to inf for huge logits, so
    ``shifted_exps`` = e^(logit - max) are given too: the same ratios, always finite)."""

    logits: np.ndarray
    exps: np.ndarray
    total: float
    shifted_exps: np.ndarray
    shifted_total: float
    probabilities: np.ndarray


def softmax_terms(trace) -> SoftmaxTerms:
    z = trace.logits
    with np.errstate(over="ignore"):
        exps = np.exp(z)
    shifted = np.exp(z - z.max())
    return SoftmaxTerms(z, exps, float(exps.sum()), shifted, float(shifted.sum()), trace.probabilities)


@dataclass(frozen=True)
class LossTerms:
    """Cross-entropy three ways for one image; all three equal ``trace.loss``.

    - negative log-likelihood: -log p[label]
    - KL divergence from the one-hot target: sum t log(t / p) = -log p[label] (entropy of t is 0)
    - cross-entropy H(t, p) = -sum t log p, the distance between the two distributions
    """

    label: int
    target: np.ndarray  # one-hot
    probabilities: np.ndarray
    log_probabilities: np.ndarray
    nll: float
    target_entropy: float
    kl: float
    cross_entropy: float


def loss_terms(trace) -> LossTerms:
    if trace.label is None:
        raise ValueError("the trace has no label: trace the image with label=...")
    t = np.zeros_like(trace.probabilities)
    t[trace.label] = 1.0
    logp = log_softmax(trace.logits)
    nll = float(-logp[trace.label])
    nz = t > 0
    entropy = float(-(t[nz] * np.log(t[nz])).sum())
    kl = float((t[nz] * (np.log(t[nz]) - logp[nz])).sum())
    ce = float(-(t * logp).sum())
    return LossTerms(trace.label, t, trace.probabilities, logp, nll, entropy, kl, ce)


def channel_sums(terms) -> np.ndarray:
    """The products of each input channel summed on their own: (C,), adding up to ``terms.total``."""
    sums = np.asarray(terms.products, dtype=np.float64).sum(axis=(1, 2))
    if not np.isclose(sums.sum(), terms.total, rtol=1e-9, atol=1e-9):
        raise AssertionError(f"channel sums give {sums.sum()}, the terms total {terms.total}")
    return sums


def weight_scale(terms) -> float:
    """sum(|w|) over the whole filter: ``terms.total / weight_scale`` is the match before clipping."""
    scale = float(np.abs(np.asarray(terms.weights, dtype=np.float64)).sum())
    if scale > 0 and not np.isclose(np.clip(terms.total / scale, -1, 1), terms.match, rtol=1e-9, atol=1e-12):
        raise AssertionError(f"total / sum|w| = {terms.total / scale}, the terms say match {terms.match}")
    return scale


def shifted_logits(trace) -> np.ndarray:
    """The logits minus their largest one: the exponents behind ``softmax_terms().shifted_exps``."""
    z = np.asarray(trace.logits, dtype=np.float64)
    return z - z.max()


def class_penalties(trace) -> np.ndarray:
    """-log p for every class: the loss this image would cost if that class were its true label."""
    return -log_softmax(np.asarray(trace.logits, dtype=np.float64))


def penalty(p) -> np.ndarray:
    """-log p (natural log) of probabilities ``p`` in (0, 1], e.g. reference points on the curve."""
    return -np.log(np.asarray(p, dtype=np.float64))


def switched_off(trace, name: str) -> np.ndarray:
    """Boolean mask of the cells ReLU step ``name`` set to zero (its input was negative)."""
    return trace.step(name).input < 0


def match_map(trace, name: str) -> np.ndarray:
    """Conv2D step ``name``'s response as an average in [-1, 1] (see ``functional.match_map``)."""
    s = trace.step(name)
    return F.match_map(s.input[None], s.params["weight"], s.config["stride"], s.config["padding"])[0]
