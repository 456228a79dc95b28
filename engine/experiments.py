"""Small, real experiments the later chapters show: one learning step, learning-rate runs,
receptive fields (level by level), the inputs that excite a deep map most, and one patch
convolved under different strides and paddings."""

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
    momentum: float = 0.9,
    label_smoothing: float = 0.0,
) -> dict:
    """Train a copy with momentum SGD for ``steps`` mini-batches and record the mean training loss
    (plain cross-entropy) of every ``every`` steps. A run whose loss overflows stops there.

    Besides the curve (``losses``) the record holds the facts a caption needs to describe it:

    - ``start``: the loss of the starting weights on the first ``every`` batches;
    - ``final``: the mean of the last quarter of the curve (one noisy batch does not decide);
    - ``min`` and ``max``: the lowest and highest points of the curve;
    - ``rose_above_start``: whether the curve climbed more than 5% above ``start`` (a run that
      barely moves wanders about 1% either way from batch to batch);
    - ``rebound``: how far the curve climbed back above the lowest loss it had reached before,
      at most (0 for a curve that only goes down): a measure of oscillation;
    - ``diverged``: whether the loss overflowed (or passed 1e6), and ``steps_run`` before that.
    """
    net = network.copy()
    opt = SGD(net, lr=lr, momentum=momentum)
    rng = np.random.default_rng(seed)
    batch_size = min(batch_size, len(x))
    batches = [rng.choice(len(x), batch_size, replace=False) for _ in range(steps)]
    start = float(np.mean([F.cross_entropy(net.forward(x[i]), y[i])[0] for i in batches[:every]]))
    losses, window, diverged, steps_run = [], [], False, 0
    for step, idx in enumerate(batches, 1):
        with np.errstate(all="ignore"):
            logits = net.forward(x[idx])
            objective, d = F.cross_entropy(logits, y[idx], label_smoothing)
            loss = objective if label_smoothing == 0 else F.cross_entropy(logits, y[idx])[0]
            if not (np.isfinite(loss) and np.isfinite(objective)) or loss > 1e6:
                diverged = True
                break
            net.backward(d, input_grad=False)
            opt.step()
        steps_run = step
        window.append(loss)
        if step % every == 0:
            losses.append(float(np.mean(window)))
            window = []
    curve = np.array(losses) if losses else np.array([start])
    tail = curve[-max(1, len(curve) // 4) :]
    return {
        "lr": lr,
        "every": every,
        "batch_size": batch_size,
        "losses": losses,
        "start": start,
        "final": float(tail.mean()),
        "min": float(curve.min()),
        "max": float(curve.max()),
        "rose_above_start": bool(curve.max() > 1.05 * start),
        "rebound": float((curve - np.minimum.accumulate(curve)).max()),
        "diverged": diverged,
        "steps_run": steps_run,
    }


