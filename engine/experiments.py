"""Small, real experiments the later chapters show: one learning step, learning-rate runs,
shifted and scaled inputs, receptive fields (level by level), the inputs that excite a deep map
most, and one patch convolved under different strides and paddings."""

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
