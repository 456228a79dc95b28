"""The stride-and-padding chapter's numbers: one small input convolved with a few real filters under
different strides and paddings (pure NumPy, no manim)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functional import conv2d, output_size


@dataclass(frozen=True)
class Variant:
    """``patch`` (C, i, i) convolved with filters ``filters`` at one stride and padding."""

    stride: int
    padding: int
    kernel: int
    filters: tuple[int, ...]
    patch: np.ndarray  # (C, i, i) the input
    output: np.ndarray  # (F, o, o) = conv2d(patch, weight[filters], bias[filters], stride, padding)
    size: int  # o = output_size(i, kernel, stride, padding)
    windows: tuple[tuple[int, int], ...]  # top-left (row, col) of each look, raster order; < 0 = in the padding

    @property
    def input_size(self) -> int:
        return int(self.patch.shape[-1])

    @property
    def given(self) -> int:
        """How many numbers came in."""
        return int(self.patch.size)

    @property
    def kept(self) -> int:
        """How many numbers come out."""
        return int(self.output.size)


def variant(
    patch: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray,
    filters: tuple[int, ...] | list[int],
    stride: int = 1,
    padding: int = 0,
) -> Variant:
    """Convolve a (C, i, i) patch with the chosen filters of ``weight`` (F, C, k, k) / ``bias`` (F,)."""
    patch = np.asarray(patch, dtype=np.float64)
    filters = tuple(int(f) for f in filters)
    w = np.asarray(weight, dtype=np.float64)[list(filters)]
    b = np.asarray(bias, dtype=np.float64)[list(filters)]
    k = int(w.shape[-1])
    out = conv2d(patch[None], w, b, stride=stride, padding=padding)[0]
    size = output_size(patch.shape[-1], k, stride, padding)
    if out.shape[-2:] != (size, size):
        raise AssertionError(f"conv2d gave {out.shape[-2:]}, the output-size rule says {size}")
    windows = tuple((r * stride - padding, c * stride - padding) for r in range(size) for c in range(size))
    return Variant(stride, padding, k, filters, patch, out, size, windows)


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
