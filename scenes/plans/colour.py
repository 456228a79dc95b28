"""Colour scales as pure NumPy: values -> 0-255 RGB. Plans choose a scale; scenes paint with it."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BACKGROUND = "#11141a"
NEGATIVE = "#3d8bff"
ZERO = "#262b35"
POSITIVE = "#ff9a2e"
HIGHLIGHT = "#ffd84d"
CHANNEL_COLOURS = {"R": "#ff4040", "G": "#3ddc68", "B": "#4a78ff"}


def hex_to_rgb(h: str) -> np.ndarray:
    """A "#rrggbb" colour -> float RGB 0-255."""
    h = h.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


def rgb_hex(rgb) -> str:
    """A 0-255 RGB triple -> "#rrggbb" (Manim takes these as colours)."""
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb[:3]))


def ink_for(rgb) -> str:
    """Black or white text, whichever reads better on a cell of colour ``rgb``."""
    r, g, b = np.asarray(rgb, dtype=np.float64)[:3] / 255
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#f5f5f5"


class Scale:
    """The interface of every colour scale: ``rgb(values)`` (uint8, shape + (3,)) and ``hex(value)``."""

    def rgb(self, values: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def hex(self, value: float) -> str:
        return rgb_hex(self.rgb(np.array(value, dtype=np.float64)))


@dataclass(frozen=True)
class Diverging(Scale):
    """Signed values: blue below zero, dark at zero, orange above, saturating at +-vmax.

    One scale for every signed number in every chapter (inputs -1/+1, feature maps, weights, logits).
    """

    vmax: float

    def rgb(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64)
        t = np.clip(v / self.vmax if self.vmax > 0 else np.zeros_like(v), -1, 1)[..., None]
        zero, neg, pos = hex_to_rgb(ZERO), hex_to_rgb(NEGATIVE), hex_to_rgb(POSITIVE)
        out = np.where(t >= 0, zero + t * (pos - zero), zero + (-t) * (neg - zero))
        return np.round(out).astype(np.uint8)

    @classmethod
    def for_values(cls, *arrays: np.ndarray) -> Diverging:
        """Symmetric scale from the largest magnitude among ``arrays`` (never zero)."""
        m = max(float(np.abs(np.asarray(a)).max(initial=0.0)) for a in arrays)
        return cls(m if m > 0 else 1.0)


@dataclass(frozen=True)
class Channel(Scale):
    """Intensities of one colour channel: black at 0, the pure channel colour at ``top`` (255 for
    pixels; ``top = input_scale * 255`` paints the network's scaled input like the pixel it came from)."""

    colour: str
    top: float = 255.0

    def rgb(self, values: np.ndarray) -> np.ndarray:
        t = np.clip(np.asarray(values, dtype=np.float64) / self.top, 0, 1)[..., None]
        return np.round(t * hex_to_rgb(self.colour)).astype(np.uint8)


@dataclass(frozen=True)
class Photo(Scale):
    """A (3, H, W) 0-255 image shown as the photo it is (``rgb`` takes the channel-first array)."""

    def rgb(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64)
        return np.clip(np.round(v), 0, 255).astype(np.uint8).transpose(1, 2, 0)
