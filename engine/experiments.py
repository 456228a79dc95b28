"""Small, real experiments the later chapters show: one learning step, learning-rate runs,
receptive fields (level by level), the inputs that excite a deep map most, and one patch
convolved under different strides and paddings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import functional as F
from .functional import conv2d, output_size
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


# -- receptive fields -----------------------------------------------------------------------------
def receptive_field(network: Network, layer: str, r: int, c: int) -> tuple[int, int, int, int]:
    """Input rows and columns (top, left, bottom, right; inclusive) that cell (r, c) of ``layer``'s
    output depends on, from the kernel sizes, strides and paddings below it, clipped to the image."""
    top, left, bottom, right = r, c, r, c
    names = network.names[: network.names.index(layer) + 1]
    for name, lay in reversed(list(zip(names, network.layers))):
        if lay.kind == "Conv2D":
            k, s, p = lay.kernel_size, lay.stride, lay.padding
        elif lay.kind == "MaxPool2D":
            k, s, p = lay.size, lay.stride, 0
        elif lay.kind in ("ReLU",):
            continue
        else:
            raise ValueError(f"{name} ({lay.kind}) has no spatial receptive field")
        top, left = top * s - p, left * s - p
        bottom, right = bottom * s - p + k - 1, right * s - p + k - 1
    _, h, w = network.input_shape
    return max(top, 0), max(left, 0), min(bottom, h - 1), min(right, w - 1)


def top_patches(network: Network, layer: str, channel: int, images: np.ndarray, k: int = 4) -> list[dict]:
    """The ``k`` strongest activations of one map of ``layer`` over ``images``, each with the input
    patch (its receptive field) that produced it: [{"image", "row", "col", "value", "box", "patch"}]."""
    x = np.asarray(images, dtype=np.float64) * network.input_scale
    for name, lay in network.named_layers():
        x = lay.forward(x)
        if name == layer:
            break
    maps = x[:, channel]
    order = np.argsort(maps.ravel(), kind="stable")[::-1]
    out, used = [], set()
    for flat in order:
        i, r, c = np.unravel_index(flat, maps.shape)
        if i in used:  # one patch per image, so the list shows different examples
            continue
        used.add(i)
        t, lft, b, rt = receptive_field(network, layer, int(r), int(c))
        out.append(
            {"image": int(i), "row": int(r), "col": int(c), "value": float(maps[i, r, c]),
             "box": (t, lft, b, rt), "patch": np.asarray(images[i][:, t : b + 1, lft : rt + 1], dtype=np.float64)}
        )  # fmt: skip
        if len(out) == k:
            break
    return out


# -- the receptive field level by level ----------------------------------------------------------
@dataclass(frozen=True)
class Level:
    """The box of one grid that a deep cell depends on."""

    grid: str  # the layer whose output this grid is ("input" for the network input)
    shape: tuple[int, int]  # the grid's height and width
    box: tuple[int, int, int, int]  # (top, left, bottom, right), inclusive, clipped to the grid
    via: str | None  # the layer that maps this grid onto the level above (None for the cell itself)
    kernel: int  # that layer's window side, stride and padding (0, 0, 0 for the cell itself)
    stride: int
    padding: int

    @property
    def size(self) -> tuple[int, int]:
        t, left, b, r = self.box
        return b - t + 1, r - left + 1


def _grid_shapes(network) -> dict[str, tuple[int, int]]:
    x = np.zeros((1, *network.input_shape))
    shapes = {"input": tuple(int(d) for d in x.shape[2:])}
    for name, layer in network.named_layers():
        x = layer.forward(x)
        if x.ndim == 4:
            shapes[name] = tuple(int(d) for d in x.shape[2:])
    return shapes


def receptive_chain(network, layer: str, r: int, c: int) -> list[Level]:
    """Cell (r, c) of ``layer``'s output traced down to the input: one ``Level`` per grid below a
    window-sliding layer (ReLU layers keep positions, so the grid under a pool is the ReLU's output).

    The arithmetic is the one of ``receptive_field`` (boxes kept unclipped on the way down, each
    level clipped to its own grid); the last level's box equals ``receptive_field(...)``.
    """
    shapes = _grid_shapes(network)
    names = network.names[: network.names.index(layer) + 1]
    top, left, bottom, right = r, c, r, c

    def clipped(grid: str) -> tuple[int, int, int, int]:
        h, w = shapes[grid]
        return max(top, 0), max(left, 0), min(bottom, h - 1), min(right, w - 1)

    levels = [Level(layer, shapes[layer], clipped(layer), None, 0, 0, 0)]
    for i in range(len(names) - 1, -1, -1):
        name, lay = names[i], network.layers[i]
        if lay.kind == "ReLU":
            continue
        if lay.kind == "Conv2D":
            k, s, p = lay.kernel_size, lay.stride, lay.padding
        elif lay.kind == "MaxPool2D":
            k, s, p = lay.size, lay.stride, 0
        else:
            raise ValueError(f"{name} ({lay.kind}) has no spatial receptive field")
        top, left = top * s - p, left * s - p
        bottom, right = bottom * s - p + k - 1, right * s - p + k - 1
        below = names[i - 1] if i > 0 else "input"
        levels.append(Level(below, shapes[below], clipped(below), name, int(k), int(s), int(p)))
    expected = receptive_field(network, layer, r, c)
    if levels[-1].box != tuple(expected):
        raise AssertionError(f"chain ends at {levels[-1].box}, receptive_field gives {expected}")
    return levels


# -- stride and padding on a small patch -------------------------------------------------------
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
