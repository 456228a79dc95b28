"""Pickers shared by the lesson plans: where in an array the story should look."""

from __future__ import annotations

import numpy as np


def busiest_patch(x: np.ndarray, size: int) -> tuple[int, int]:
    """Top-left (row, col) of the ``size`` x ``size`` window of ``x`` (C, H, W) with the most going on:
    the largest sum of absolute differences between neighbouring values (edges: where clues are).
    Ties go to the window nearest the centre."""
    x = np.asarray(x, dtype=np.float64)
    _, h, w = x.shape
    size = min(size, h, w)
    dy = np.abs(np.diff(x, axis=1)).sum(axis=0)  # (H-1, W)
    dx = np.abs(np.diff(x, axis=2)).sum(axis=0)  # (H, W-1)
    best, best_key = (0, 0), None
    for r in range(h - size + 1):
        for c in range(w - size + 1):
            edges = dy[r : r + size - 1, c : c + size].sum() + dx[r : r + size, c : c + size - 1].sum()
            off = abs(r - (h - size) / 2) + abs(c - (w - size) / 2)
            key = (round(float(edges), 9), -off)
            if best_key is None or key > best_key:
                best, best_key = (r, c), key
    return best
