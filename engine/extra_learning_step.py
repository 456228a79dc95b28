"""Numbers the learning-step chapter shows that ``experiments.LearningStep`` holds only implicitly
(pure NumPy, no manim)."""

from __future__ import annotations

import numpy as np


def change(step, name: str) -> np.ndarray:
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


def largest_gradient(step) -> float:
    """The largest |gradient| over every parameter of the network."""
    return float(max(np.abs(g).max(initial=0.0) for g in step.grads.values()))


def runner_up(probabilities: np.ndarray, label: int) -> int:
    """The most probable class other than ``label``."""
    p = np.array(probabilities, dtype=np.float64)
    p[label] = -np.inf
    return int(np.argmax(p))
