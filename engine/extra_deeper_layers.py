"""The receptive field of one deep cell, level by level, for the deeper-layers chapter.

``experiments.receptive_field`` gives only the input box of a cell; the chapter also shows the box
on every map in between (pool2 cell -> 2x2 of conv2 -> 4x4 of pool1 -> ...). Pure NumPy, no manim.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .experiments import receptive_field


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
