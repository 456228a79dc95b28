"""Two numbers the convolution chapter shows that ``explain.conv_terms`` does not spell out.

Pure NumPy, no manim: both are sums of arrays a ``ConvTerms`` already holds.
"""

from __future__ import annotations

import numpy as np


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
