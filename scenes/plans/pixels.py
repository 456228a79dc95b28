"""Chapter 1, the image becomes numbers: the picture, its grid(s) of numbers, the input's shape."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scenes.plans.colour import CHANNEL_COLOURS, Channel, Diverging, Photo, Scale
from scenes.plans.pick import busiest_patch

PATCH = 4  # side of the zoomed patch of a photo: 0-255 numbers stay readable in three grids


@dataclass(frozen=True)
class PixelsPlan:
    image: np.ndarray  # (C, H, W) as the viewer knows it: -1/+1 drawing or 0-255 photo
    photo: bool
    scales: tuple[Scale, ...]  # one per channel: Diverging(1) for a drawing, R/G/B for a photo
    picture_scale: Scale  # the whole picture: Diverging(1) or the photo itself
    channel_names: tuple[str, ...]
    ink: int  # drawing: how many pixels are +1
    patch: tuple[int, int, int]  # photo: (top, left, side) of the zoomed patch
    input_shape: tuple[int, int, int]  # (C, H, W) of the network's input
    count: int  # numbers in the input
    input_scale: float  # the first layer sees image * input_scale

    def patch_values(self, channel: int) -> np.ndarray:
        r, c, n = self.patch
        return self.image[channel, r : r + n, c : c + n]


def plan(story) -> PixelsPlan:
    tr = story.trace
    image = np.asarray(tr.image)
    photo = image.shape[0] == 3
    c, h, w = tr.input.shape
    if photo:
        names = tuple(CHANNEL_COLOURS)
        scales = tuple(Channel(CHANNEL_COLOURS[n]) for n in names)
        picture: Scale = Photo()
        r, col = busiest_patch(image, PATCH)
        patch = (r, col, PATCH)
        ink = 0
    else:
        names = ("",)
        scales = (Diverging(1.0),)
        picture = Diverging(1.0)
        patch = (0, 0, h)
        ink = int((image[0] > 0).sum())
    return PixelsPlan(image, photo, scales, picture, names, ink, patch, (c, h, w), c * h * w, float(tr.input_scale))
