"""Deeper layers (face): the second convolution block builds clues out of the first block's clues.

The plan picks one deep cell (the strongest pooled cell whose receptive field lies wholly inside the
image), spells out how its value is computed from the first block's maps, traces its receptive
field back to the photo level by level, and finds the portraits of a fixed set that excite a few
deep maps most. The receptive-field arithmetic lives here too: it serves this chapter, not the
network.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

import engine
from scenes.i18n import _, listed
from scenes.plans.colour import Diverging, Photo, Scale
from scenes.plans.names import shown
from scenes.plans.numbers import num
from scenes.plans.terms import ConvTerms, channel_sums, conv_terms

DATASET_SIZE = 300  # portraits searched for the strongest patches (a presentation choice)
DATASET_SEED = 2024
N_CHANNELS = 3  # deep maps whose strongest patches are shown
N_PATCHES = 4


# -- receptive fields -----------------------------------------------------------------------------
def _window(lay) -> tuple[int, int, int]:
    """(kernel, stride, padding) of a window-sliding layer."""
    if lay.kind == "Conv2D":
        return lay.kernel_size, lay.stride, lay.padding
    if lay.kind == "MaxPool2D":
        return lay.size, lay.stride, 0
    raise ValueError(f"{lay.kind} has no spatial receptive field")


def receptive_field(network, layer: str, r: int, c: int) -> tuple[int, int, int, int]:
    """Input rows and columns (top, left, bottom, right; inclusive) that cell (r, c) of ``layer``'s
    output depends on, from the kernel sizes, strides and paddings below it, clipped to the image."""
    top, left, bottom, right = r, c, r, c
    names = network.names[: network.names.index(layer) + 1]
    for name, lay in reversed(list(zip(names, network.layers))):
        if lay.kind == "ReLU":
            continue
        try:
            k, s, p = _window(lay)
        except ValueError:
            raise ValueError(f"{name} ({lay.kind}) has no spatial receptive field") from None
        top, left = top * s - p, left * s - p
        bottom, right = bottom * s - p + k - 1, right * s - p + k - 1
    _, h, w = network.input_shape
    return max(top, 0), max(left, 0), min(bottom, h - 1), min(right, w - 1)


def top_patches(network, layer: str, channel: int, images: np.ndarray, k: int = 4) -> list[dict]:
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
        try:
            k, s, p = _window(lay)
        except ValueError:
            raise ValueError(f"{name} ({lay.kind}) has no spatial receptive field") from None
        top, left = top * s - p, left * s - p
        bottom, right = bottom * s - p + k - 1, right * s - p + k - 1
        below = names[i - 1] if i > 0 else "input"
        levels.append(Level(below, shapes[below], clipped(below), name, int(k), int(s), int(p)))
    expected = receptive_field(network, layer, r, c)
    if levels[-1].box != tuple(expected):
        raise AssertionError(f"chain ends at {levels[-1].box}, receptive_field gives {expected}")
    return levels


# -- the chapter's choices ------------------------------------------------------------------------
def pick_cell(network, pool) -> tuple[int, int, int]:
    """(map, row, col) of the strongest cell of the deep pooled maps among those whose receptive
    field lies wholly inside the image (so every box of the walk is its full size)."""
    maps = pool.output
    n, h, w = maps.shape
    areas = {}
    for r in range(h):
        for c in range(w):
            t, left, b, rt = receptive_field(network, pool.name, r, c)
            areas[(r, c)] = (b - t + 1) * (rt - left + 1)
    full = max(areas.values())
    best, best_v = None, None
    for f in range(n):
        for (r, c), a in areas.items():
            if a == full and (best_v is None or maps[f, r, c] > best_v):
                best, best_v = (f, r, c), maps[f, r, c]
    return best


def pick_channels(pool, first: int, n: int) -> list[int]:
    """``first``, then the other maps whose strongest cell in this image is largest."""
    peaks = pool.output.reshape(pool.output.shape[0], -1).max(axis=1)
    order = [int(i) for i in np.argsort(-peaks, kind="stable") if int(i) != first]
    return [first, *order[: n - 1]]


@functools.lru_cache(maxsize=2)
def dataset(example: str) -> tuple[np.ndarray, np.ndarray]:
    """The portraits searched for the strongest patches and their classes (a fixed seed: the same
    every time)."""
    images, labels = engine.get_example(example).generate(DATASET_SIZE, DATASET_SEED)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


@dataclass(frozen=True)
class Favourite:
    """The strongest patches of one deep map over the portraits, and whose portraits they come from."""

    channel: int
    patches: list[dict]  # top_patches(...)
    suspect: str  # the class most of them show
    count: int  # how many of them show it

    @property
    def note(self) -> str:
        return _("{count} of {n}: {name}").format(count=self.count, n=len(self.patches), name=shown(self.suspect))

    def words(self, map_name: str) -> str:
        """Whose portraits the map's strongest pieces come from."""
        n = len(self.patches)
        if self.count == n:
            text = _("All {n} of {map}'s strongest pieces come from portraits of the {name}.")
        elif 2 * self.count > n:
            text = _("{count} of {map}'s {n} strongest pieces come from portraits of the {name}.")
        else:
            text = _("{map}'s strongest pieces come from different suspects: at most {count} of {n} from one.")
        return text.format(n=n, count=self.count, map=map_name, name=shown(self.suspect))


@dataclass(frozen=True)
class DeeperLayersPlan:
    conv: str  # the deep convolution, its ReLU and pool
    relu: str
    pool: str
    below: str  # the maps it looks at (the first block's pooled maps)
    conv1: str  # the first block's convolution and ReLU
    relu1: str
    kernel: int
    f: int  # the chosen deep cell: map f, (r, c) of the pooled maps
    r: int
    c: int
    cell: tuple[int, int]  # the convolution cell that won its pooling window
    terms: ConvTerms
    sums: np.ndarray  # (C,) one sum per map below
    open_channel: int  # the map below whose 9 products are shown in full: the one adding most
    chain: list[Level]
    conv1_box: tuple[int, int, int, int]  # a first-layer cell's receptive field, for comparison
    low_maps: np.ndarray  # (C, h, w) the maps below
    relu1_out: np.ndarray  # the first block's maps before pooling
    low_scale: Diverging
    weight_scale: Diverging
    deep_scale: Diverging
    conv_out: np.ndarray  # (F, H, W) deep convolution, ReLU and pool outputs
    relu_out: np.ndarray
    pool_out: np.ndarray
    image: np.ndarray  # the photo (0-255)
    photo_scale: Scale
    portraits: np.ndarray  # the portraits searched, (N, 3, H, W)
    favourites: list[Favourite]
    learned_from_these: bool  # the model was trained on portraits like these (the example's classes)
    growth: str  # how the box grows, level by level
    bigger: str  # a first-layer cell against the deep cell

    @property
    def n_in(self) -> int:
        return int(self.terms.patch.shape[0])

    def maps_of(self, grid: str) -> np.ndarray:
        """The maps of a level of the walk: (C, h, w)."""
        maps = {
            self.relu: self.relu_out,
            self.pool: self.pool_out,
            self.below: self.low_maps,
            self.relu1: self.relu1_out,
        }
        return maps[grid]

    @property
    def portraits_note(self) -> str:
        if self.learned_from_these:
            return _("from {n} portraits like the ones it learned from").format(n=len(self.portraits))
        return _("from {n} generated suspect portraits (not its own training images)").format(n=len(self.portraits))


def plan(story) -> DeeperLayersPlan:
    tr, net = story.trace, story.network
    steps = list(tr.steps)
    convs = tr.steps_of("Conv2D")
    conv, conv1 = convs[-1], convs[0]
    i = steps.index(conv)
    below, relu, pool = steps[i - 1], steps[i + 1], steps[i + 2]
    relu1 = steps[steps.index(conv1) + 1]
    f, r, c = pick_cell(net, pool)
    cell = tuple(int(v) for v in pool.winners[f, r, c])
    terms = conv_terms(tr, conv.name, f, *cell)
    sums = channel_sums(terms)
    chain = receptive_chain(net, pool.name, r, c)
    first = next(lv for lv in chain if lv.grid == relu1.name)
    conv1_box = receptive_field(net, conv1.name, first.box[0], first.box[1])
    images, labels = dataset(story.example.name)
    favourites = []
    for ch in pick_channels(pool, f, N_CHANNELS):
        top = top_patches(net, pool.name, ch, images, N_PATCHES)
        classes = [int(labels[d["image"]]) for d in top]
        best = max(set(classes), key=lambda k: (classes.count(k), -classes.index(k)))
        names = story.example.class_names
        favourites.append(Favourite(ch, top, names[best], classes.count(best)))
    return DeeperLayersPlan(
        conv.name, relu.name, pool.name, below.name, conv1.name, relu1.name, int(conv.config["kernel_size"]),
        f, r, c, cell, terms, sums, int(np.argmax(np.abs(sums))), chain, conv1_box,
        np.asarray(below.output), np.asarray(relu1.output), Diverging.for_values(relu1.output, below.output),
        Diverging.for_values(terms.weights, terms.products),
        Diverging.for_values(conv.output, relu.output, pool.output),
        np.asarray(conv.output), np.asarray(relu.output), np.asarray(pool.output),
        np.asarray(tr.image, dtype=np.float64), Photo(), images, favourites,
        tuple(net.class_names) == tuple(story.example.class_names),
        growth_words(chain), bigger_words(conv1_box, chain[-1].box),
    )  # fmt: skip


def _side(box: tuple[int, int, int, int]) -> tuple[int, int]:
    t, left, b, r = box
    return b - t + 1, r - left + 1


def growth_words(chain: list[Level]) -> str:
    """The box's side at every level, from the deep cell down to the photo."""
    cells = listed(str(lv.size[1]) for lv in chain[:-1])
    return _("Level by level the box grows: {cells} cells across, then {pixels} pixels on the photo.").format(
        cells=cells, pixels=chain[-1].size[1]
    )


def bigger_words(small: tuple[int, int, int, int], big: tuple[int, int, int, int]) -> str:
    sh, sw = _side(small)
    bh, bw = _side(big)
    ratio = (bh * bw) / (sh * sw)
    if ratio > 1:
        return _(
            "A first-layer cell sees {sh} by {sw} pixels. This deep cell sees {bh} by {bw}: "
            "{ratio} times as much of the face."
        ).format(sh=sh, sw=sw, bh=bh, bw=bw, ratio=num(ratio, 2))
    return _("A first-layer cell sees {sh} by {sw} pixels, and so does this deep cell.").format(sh=sh, sw=sw)
