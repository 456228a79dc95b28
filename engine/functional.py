"""Stateless CNN operations on float64 NCHW arrays, matching PyTorch's conventions."""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _pad(x: np.ndarray, padding: int) -> np.ndarray:
    if padding == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))


def windows(x: np.ndarray, kh: int, kw: int, stride: int = 1) -> np.ndarray:
    """Every kh x kw window of ``x`` (N, C, H, W) as a view (N, C, Ho, Wo, kh, kw)."""
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def output_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Spatial size after a convolution or pooling: floor((i + 2p - k) / s) + 1."""
    return (size + 2 * padding - kernel) // stride + 1


def im2col(x: np.ndarray, kh: int, kw: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Every receptive field of ``x`` (N, C, H, W) as columns: (C, KH, KW, N, Ho, Wo), contiguous.

    Channel-first order lets one matrix product with the (F, C*KH*KW) filters give all outputs.
    """
    win = windows(_pad(np.asarray(x, dtype=np.float64), padding), kh, kw, stride)  # (N, C, Ho, Wo, KH, KW)
    return np.ascontiguousarray(win.transpose(1, 4, 5, 0, 2, 3))


def conv2d(
    x: np.ndarray,
    w: np.ndarray,
    b: np.ndarray | None = None,
    stride: int = 1,
    padding: int = 0,
    cols: np.ndarray | None = None,
) -> np.ndarray:
    """Cross-correlation like ``torch.nn.functional.conv2d``: no kernel flip, zero padding.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) -> (N, F, Ho, Wo). ``cols`` may pass in
    ``im2col(x, ...)`` when the caller keeps it for the backward pass.
    """
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if x.ndim != 4 or w.ndim != 4 or x.shape[1] != w.shape[1]:
        raise ValueError(f"conv2d expects x (N,C,H,W) and w (F,C,KH,KW), got {x.shape} and {w.shape}")
    f, c, kh, kw = w.shape
    if cols is None:
        cols = im2col(x, kh, kw, stride, padding)
    n, ho, wo = cols.shape[3:]
    out = w.reshape(f, -1) @ cols.reshape(c * kh * kw, -1)  # (F, N*Ho*Wo)
    if b is not None:
        out += np.asarray(b, dtype=np.float64)[:, None]
    return out.reshape(f, n, ho, wo).transpose(1, 0, 2, 3)


def conv2d_backward(
    x: np.ndarray,
    w: np.ndarray,
    dy: np.ndarray,
    stride: int = 1,
    padding: int = 0,
    cols: np.ndarray | None = None,
    input_grad: bool = True,
) -> tuple[np.ndarray | None, np.ndarray, np.ndarray]:
    """Gradients (dx, dw, db) of ``conv2d(x, w, b, stride, padding)`` given dL/dy.

    ``input_grad=False`` skips dx (returned as None), as for a network's first layer in training.
    """
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    ho, wo = dy.shape[2:]
    if cols is None:
        cols = im2col(x, kh, kw, stride, padding)
    dy_t = np.ascontiguousarray(dy.transpose(1, 0, 2, 3)).reshape(f, -1)  # (F, N*Ho*Wo)
    dw = (dy_t @ cols.reshape(c * kh * kw, -1).T).reshape(w.shape)
    db = dy_t.sum(axis=1)
    if not input_grad:
        return None, dw, db
    # Each receptive field sends its share of the gradient back to the pixels it covered.
    dcols = (w.reshape(f, -1).T @ dy_t).reshape(c, kh, kw, n, ho, wo)
    dxp = np.zeros((c, n, h + 2 * padding, wd + 2 * padding))
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i : i + stride * (ho - 1) + 1 : stride, j : j + stride * (wo - 1) + 1 : stride] += dcols[:, i, j]
    return dxp[:, :, padding : padding + h, padding : padding + wd].transpose(1, 0, 2, 3), dw, db


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0.0)


def max_pool2d_argmax(x: np.ndarray, size: int = 2, stride: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling (floor mode) and, per output cell, the winner's index inside its window.

    The index k counts row-major inside the size x size window; ties go to the first cell, as in
    PyTorch.
    """
    x = np.asarray(x, dtype=np.float64)
    ho, wo = output_size(x.shape[2], size, stride), output_size(x.shape[3], size, stride)
    # One strided view per position inside the window, each shaped like the output.
    views = [
        x[:, :, i : i + stride * (ho - 1) + 1 : stride, j : j + stride * (wo - 1) + 1 : stride]
        for i in range(size)
        for j in range(size)
    ]
    y = views[0]
    for v in views[1:]:
        y = np.maximum(y, v)
    # Label each cell with the first view that holds the maximum: walk backwards, earlier wins.
    k = np.full(y.shape, len(views) - 1)
    for idx in range(len(views) - 2, -1, -1):
        k = np.where(views[idx] == y, idx, k)
    return y, k


def winners_from_argmax(k: np.ndarray, size: int, stride: int) -> np.ndarray:
    """Window indices from ``max_pool2d_argmax`` -> (..., Ho, Wo, 2) (row, col) in the input."""
    ho, wo = k.shape[-2:]
    rows = np.arange(ho)[:, None] * stride + k // size
    cols = np.arange(wo)[None, :] * stride + k % size
    return np.stack([rows, cols], axis=-1)


def max_pool2d_with_indices(x: np.ndarray, size: int = 2, stride: int = 2) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling and the (row, col) of each output's winner in ``x``: y, winners (N, C, Ho, Wo, 2)."""
    y, k = max_pool2d_argmax(x, size, stride)
    return y, winners_from_argmax(k, size, stride)


def max_pool2d(x: np.ndarray, size: int = 2, stride: int = 2) -> np.ndarray:
    return max_pool2d_argmax(x, size, stride)[0]


def max_pool2d_backward(
    dy: np.ndarray, k: np.ndarray, input_shape: tuple[int, ...], size: int = 2, stride: int = 2
) -> np.ndarray:
    """Route each output gradient to its window's winner (summed where windows overlap)."""
    dx = np.zeros(input_shape)
    ho, wo = dy.shape[2:]
    for i in range(size):
        for j in range(size):
            dx[:, :, i : i + stride * (ho - 1) + 1 : stride, j : j + stride * (wo - 1) + 1 : stride] += np.where(
                k == i * size + j, dy, 0.0
            )
    return dx


def log_softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis; subtracting the max keeps exp() finite for any logits."""
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(logits: np.ndarray, labels: np.ndarray, label_smoothing: float = 0.0) -> tuple[float, np.ndarray]:
    """Batch-mean cross-entropy of ``labels`` and its gradient w.r.t. ``logits``.

    With ``label_smoothing`` = e the target is (1 - e) on the true class plus e spread evenly over
    all K classes, as in ``torch.nn.functional.cross_entropy(..., label_smoothing=e)``: the loss is
    smallest where the true class gets 1 - e + e/K, so a network trained on it stops short of
    certainty instead of pushing its logits apart forever.
    """
    logits = np.atleast_2d(np.asarray(logits, dtype=np.float64))
    labels = np.atleast_1d(np.asarray(labels, dtype=np.int64))
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must lie in [0, 1], got {label_smoothing}")
    n, k = logits.shape
    logp = log_softmax(logits)
    target = np.full((n, k), label_smoothing / k)
    target[np.arange(n), labels] += 1.0 - label_smoothing
    loss = -(target * logp).sum(axis=1).mean()
    # d/dz of -sum(t * log softmax(z)) is softmax(z) - t, since the targets sum to 1.
    return float(loss), (np.exp(logp) - target) / n


def match_map(x: np.ndarray, w: np.ndarray, stride: int = 1, padding: int = 0) -> np.ndarray:
    """A filter's response as a weighted average in [-1, 1] for inputs in [-1, 1].

    This is the tick-and-cross teaching convention: multiply each pixel by its filter weight and
    average. Dividing the (bias-free) sum by sum(|w|) instead of the pixel count gives exactly that
    average when every weight is +1 or -1, and stays in [-1, 1] for any learned weights, with 1
    only where the patch equals the sign pattern of the filter (a perfect match) and -1 where it is
    its negative.
    """
    w = np.asarray(w, dtype=np.float64)
    scale = np.abs(w).sum(axis=(1, 2, 3))
    m = conv2d(x, w, stride=stride, padding=padding) / scale[None, :, None, None]
    return np.clip(m, -1.0, 1.0)  # a perfect match can round to 1 + 2e-16
