"""Small, real experiments the later chapters show: one learning step, learning-rate runs,
shifted and scaled inputs, receptive fields (level by level), the inputs that excite a deep map
most, and one patch convolved under different strides and paddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import functional as F
from .network import Network
from .train import SGD


# -- one step of gradient descent ----------------------------------------------------------------
@dataclass(frozen=True)
class LearningStep:
    """One plain gradient-descent step (no momentum) on one image, before and after."""

    lr: float
    label: int
    probabilities: np.ndarray
    loss: float
    dlogits: np.ndarray  # probabilities - one-hot
    grads: dict[str, np.ndarray]  # "dense1.weight", "conv1.weight", ... gradients of the loss
    before: dict[str, np.ndarray]  # parameters before the step
    after: dict[str, np.ndarray]  # parameters - lr * gradient
    new_probabilities: np.ndarray
    new_loss: float


def learning_step(network: Network, image: np.ndarray, label: int | str, lr: float = 0.05) -> LearningStep:
    """Forward, backward, update, forward again, on a copy of ``network`` (which is unchanged)."""
    net = network.copy()
    k = net.class_index(label)
    x = np.asarray(image, dtype=np.float64)[None]
    logits = net.forward(x)
    loss, dlogits = F.cross_entropy(logits, [k])
    net.backward(dlogits, input_grad=False)
    before = net.state_dict()
    grads = {f"{n}.{p}": layer.grads[p].copy() for n, layer in net.named_layers() for p in layer.params}
    SGD(net, lr=lr, momentum=0.0).step()
    new_logits = net.forward(x)
    new_loss, _ = F.cross_entropy(new_logits, [k])
    return LearningStep(
        lr, k, F.softmax(logits)[0], loss, dlogits[0], grads, before, net.state_dict(),
        F.softmax(new_logits)[0], new_loss,
    )  # fmt: skip


# -- learning-rate runs ---------------------------------------------------------------------------
def loss_curve(
    network: Network,
    x: np.ndarray,
    y: np.ndarray,
    lr: float,
    steps: int,
    batch_size: int = 32,
    every: int = 5,
    seed: int = 0,
) -> dict:
    """Train a copy with momentum SGD for ``steps`` mini-batches and record the mean training loss
    of every ``every`` steps. A run whose loss overflows stops there (``diverged``)."""
    net = network.copy()
    opt = SGD(net, lr=lr, momentum=0.9)
    rng = np.random.default_rng(seed)
    losses, window, diverged = [], [], False
    for step in range(1, steps + 1):
        idx = rng.choice(len(x), batch_size, replace=False)
        with np.errstate(all="ignore"):
            loss, d = F.cross_entropy(net.forward(x[idx]), y[idx])
            if not np.isfinite(loss) or loss > 1e6:
                diverged = True
                break
            net.backward(d, input_grad=False)
            opt.step()
        window.append(loss)
        if step % every == 0:
            losses.append(float(np.mean(window)))
            window = []
    return {"lr": lr, "every": every, "batch_size": batch_size, "losses": losses, "diverged": diverged}


# -- invariance -----------------------------------------------------------------------------------
def shift(image: np.ndarray, dy: int, dx: int, fill: float | np.ndarray) -> np.ndarray:
    """Move a (C, H, W) image by (dy, dx) pixels; uncovered pixels take ``fill`` (per channel)."""
    c, h, w = image.shape
    out = np.empty_like(image, dtype=np.float64)
    out[...] = np.asarray(fill, dtype=np.float64).reshape(-1, 1, 1) if np.ndim(fill) else fill
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[:, yd, xd] = image[:, ys, xs]
    return out


def scale(image: np.ndarray, factor: float, fill: float | np.ndarray) -> np.ndarray:
    """Zoom a (C, H, W) image about its centre by ``factor`` (nearest pixel, ``fill`` outside)."""
    c, h, w = image.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    sy = np.round((yy - (h - 1) / 2) / factor + (h - 1) / 2).astype(int)
    sx = np.round((xx - (w - 1) / 2) / factor + (w - 1) / 2).astype(int)
    inside = (sy >= 0) & (sy < h) & (sx >= 0) & (sx < w)
    out = np.empty_like(image, dtype=np.float64)
    out[...] = np.asarray(fill, dtype=np.float64).reshape(-1, 1, 1) if np.ndim(fill) else fill
    out[:, inside] = image[:, sy[inside], sx[inside]]
    return out


def background(image: np.ndarray) -> np.ndarray:
    """The fill for uncovered pixels: the median colour of the image's border, per channel."""
    border = np.concatenate([image[:, 0, :], image[:, -1, :], image[:, :, 0], image[:, :, -1]], axis=1)
    return np.median(border, axis=1)


# -- the learning step's table ---------------------------------------------------------------
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
