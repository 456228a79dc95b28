"""Numbers the softmax chapter shows that the trace does not hold directly (pure NumPy)."""

from __future__ import annotations

import numpy as np


def shifted_logits(trace) -> np.ndarray:
    """The logits minus their largest one: the exponents behind ``softmax_terms().shifted_exps``."""
    z = np.asarray(trace.logits, dtype=np.float64)
    return z - z.max()
