"""Numbers the loss chapter shows that the trace does not hold directly (pure NumPy)."""

from __future__ import annotations

import numpy as np

from .functional import log_softmax


def class_penalties(trace) -> np.ndarray:
    """-log p for every class: the loss this image would cost if that class were its true label."""
    return -log_softmax(np.asarray(trace.logits, dtype=np.float64))


def penalty(p) -> np.ndarray:
    """-log p (natural log) of probabilities ``p`` in (0, 1], e.g. reference points on the curve."""
    return -np.log(np.asarray(p, dtype=np.float64))
