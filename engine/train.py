"""Mini-batch SGD with momentum on softmax cross-entropy, seeded, with per-epoch history; one plain
gradient-descent step on one image (``learning_step``) and short learning-rate runs (``loss_curve``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from . import functional as F
from .network import Network


@dataclass
class EpochRecord:
    epoch: int
    train_loss: float
    train_accuracy: float
    val_loss: float
    val_accuracy: float


@dataclass
class History:
    """What the training chapter animates: one record per epoch (epoch 0 is before training)."""

    records: list[EpochRecord] = field(default_factory=list)
    config: dict = field(default_factory=dict)

    def column(self, name: str) -> np.ndarray:
        return np.array([getattr(r, name) for r in self.records])

    def to_dict(self) -> dict:
        return {"config": self.config, "records": [asdict(r) for r in self.records]}

    @classmethod
    def from_dict(cls, d: dict) -> History:
        return cls([EpochRecord(**r) for r in d.get("records", [])], dict(d.get("config", {})))


def predict_proba(network: Network, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class probabilities (N, K) of ``network`` for the inputs ``x``, in batches."""
    return np.concatenate([F.softmax(network.forward(x[i : i + batch_size])) for i in range(0, len(x), batch_size)])


def evaluate(network: Network, x: np.ndarray, y: np.ndarray, batch_size: int = 256) -> tuple[float, float]:
    """Mean cross-entropy loss and accuracy of ``network`` on ``(x, y)``."""
    total, correct = 0.0, 0
    for i in range(0, len(x), batch_size):
        logits = network.forward(x[i : i + batch_size])
        loss, _ = F.cross_entropy(logits, y[i : i + batch_size])
        total += loss * len(logits)
        correct += int((logits.argmax(axis=1) == y[i : i + batch_size]).sum())
    return total / len(x), correct / len(x)


def expected_calibration_error(probabilities: np.ndarray, labels: np.ndarray, bins: int = 10) -> float:
    """The standard ECE: sort predictions into ``bins`` equal-width bins of confidence (the top
    probability; bin m holds (m/bins, (m+1)/bins]) and average |accuracy - mean confidence| over
    the bins, each weighted by its share of the predictions.

    0 means "when it says 90% it is right 90% of the time"; a model that says 95% and is always
    right scores 0.05.
    """
    p = np.atleast_2d(np.asarray(probabilities, dtype=np.float64))
    labels = np.asarray(labels)
    if len(p) == 0 or len(p) != len(labels):
        raise ValueError(f"need one label per prediction, got {len(p)} predictions and {len(labels)} labels")
    confidence = p.max(axis=1)
    correct = p.argmax(axis=1) == labels
    edges = np.linspace(0.0, 1.0, bins + 1)
    ece = 0.0
    for lower, upper in zip(edges[:-1], edges[1:]):
        inside = (confidence > lower) & (confidence <= upper)
        if inside.any():
            ece += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(ece)


def calibration(network: Network, x: np.ndarray, y: np.ndarray, bins: int = 10) -> dict:
    """Accuracy and expected calibration error of ``network`` on ``(x, y)``, for reports."""
    p = predict_proba(network, x)
    return {
        "n": len(x),
        "accuracy": float((p.argmax(axis=1) == y).mean()),
        "ece": expected_calibration_error(p, y, bins),
        "mean_confidence": float(p.max(axis=1).mean()),
    }


class SGD:
    """SGD with momentum as in ``torch.optim.SGD``: v = mu * v + g; p -= lr * v."""

    def __init__(self, network: Network, lr: float, momentum: float = 0.9, weight_decay: float = 0.0) -> None:
        self.network, self.lr, self.momentum, self.weight_decay = network, lr, momentum, weight_decay
        self._velocity: dict[tuple[int, str], np.ndarray] = {}

    def step(self) -> None:
        for i, layer in enumerate(self.network.layers):
            for name, value in layer.params.items():
                g = layer.grads[name] + self.weight_decay * value
                v = self._velocity.get((i, name))
                v = g if v is None else self.momentum * v + g
                self._velocity[(i, name)] = v
                setattr(layer, name, value - self.lr * v)


def split(x: np.ndarray, y: np.ndarray, val_fraction: float, seed: int):
    """A seeded shuffle into (x_train, y_train, x_val, y_val)."""
    order = np.random.default_rng(seed).permutation(len(x))
    n_val = int(round(len(x) * val_fraction))
    val, tr = order[:n_val], order[n_val:]
    return x[tr], y[tr], x[val], y[val]


def train(
    network: Network,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int = 10,
    batch_size: int = 32,
    lr: float = 0.05,
    momentum: float = 0.9,
    weight_decay: float = 0.0,
    label_smoothing: float = 0.0,
    val_fraction: float = 0.2,
    seed: int = 0,
    snapshot_epochs: tuple[int, ...] | None = (),
    on_epoch: Callable[[EpochRecord], None] | None = None,
) -> History:
    """Train in place and return the history; epoch 0 records the untrained network.

    The network minimises cross-entropy with ``label_smoothing``; the history records the plain
    cross-entropy (what the loss chapter explains) on training and validation data alike.

    ``snapshot_epochs`` lists the epochs whose end-of-epoch weights are kept on the network
    (``None`` keeps every epoch); they are saved with it.
    """
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    x_tr, y_tr, x_val, y_val = split(x, y, val_fraction, seed)
    if len(x_val) == 0 or len(x_tr) == 0:
        raise ValueError(f"need data for both training and validation, got {len(x)} examples")
    rng = np.random.default_rng(seed + 1)
    opt = SGD(network, lr, momentum, weight_decay)
    history = History(
        config={
            "epochs": epochs,
            "batch_size": batch_size,
            "lr": lr,
            "momentum": momentum,
            "weight_decay": weight_decay,
            "label_smoothing": label_smoothing,
            "val_fraction": val_fraction,
            "seed": seed,
            "n_train": len(x_tr),
            "n_val": len(x_val),
        }
    )

    def record(epoch: int, train_stats: tuple[float, float]) -> None:
        rec = EpochRecord(epoch, *train_stats, *evaluate(network, x_val, y_val))
        history.records.append(rec)
        if snapshot_epochs is None or epoch in snapshot_epochs:
            network.snapshot(epoch)
        if on_epoch is not None:
            on_epoch(rec)

    record(0, evaluate(network, x_tr, y_tr))
    for epoch in range(1, epochs + 1):
        order = rng.permutation(len(x_tr))
        loss_sum, correct = 0.0, 0
        for i in range(0, len(order), batch_size):
            idx = order[i : i + batch_size]
            logits = network.forward(x_tr[idx])
            objective, dlogits = F.cross_entropy(logits, y_tr[idx], label_smoothing)
            if not np.isfinite(objective):
                raise FloatingPointError(f"training diverged at epoch {epoch} (lr={lr})")
            loss = objective if label_smoothing == 0 else F.cross_entropy(logits, y_tr[idx])[0]
            network.backward(dlogits, input_grad=False)
            opt.step()
            loss_sum += loss * len(idx)
            correct += int((logits.argmax(axis=1) == y_tr[idx]).sum())
        # Running averages over the epoch, as training logs usually report them.
        record(epoch, (loss_sum / len(x_tr), correct / len(x_tr)))
    return history


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
