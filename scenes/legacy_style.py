"""ConvReel's one visual identity: palette, font, colour maps, number formats, layout zones."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from manim import LEFT, RIGHT, UP, ManimColor

FONT = "DejaVu Sans"
MONO = "DejaVu Sans Mono"

BACKGROUND = "#11141a"
TEXT = "#ecebe8"
MUTED = "#9aa3b2"
HIGHLIGHT = "#ffd84d"  # the cell, window or class the story points at right now
WINNER = "#5ef38c"  # a chosen value: the max-pool winner, the predicted class
GRID_LINE = "#3a4150"
NEGATIVE = "#3d8bff"
ZERO = "#262b35"
POSITIVE = "#ff9a2e"
CHANNEL_COLOURS = {"R": "#ff4040", "G": "#3ddc68", "B": "#4a78ff"}
CLASS_COLOURS = ("#ff9a2e", "#3d8bff", "#c77dff", "#5ef38c")

TITLE_SIZE = 34
LABEL_SIZE = 22
SMALL_SIZE = 16

# Layout: the frame is 14.2 x 8 units. Input on the left, output on the right, titles on top.
HEADER_Y = 3.45
LEFT_X = -3.6
RIGHT_X = 3.6
LEFT_ZONE = LEFT * 3.6
RIGHT_ZONE = RIGHT * 3.6
CONTENT_TOP = UP * 2.9


def rgb_hex(rgb) -> str:
    """A 0-255 RGB triple (as a colour map returns it) -> "#rrggbb" for Manim."""
    return "#{:02x}{:02x}{:02x}".format(*(int(v) for v in rgb[:3]))


def _hex_to_rgb(h: str) -> np.ndarray:
    h = h.lstrip("#")
    return np.array([int(h[i : i + 2], 16) for i in (0, 2, 4)], dtype=np.float64)


@dataclass(frozen=True)
class Diverging:
    """Signed values: blue below zero, dark at zero, orange above, saturating at +-vmax.

    One map for every signed number in every chapter (inputs -1/+1, feature maps, weights, logits).
    """

    vmax: float

    def rgb(self, values: np.ndarray) -> np.ndarray:
        v = np.asarray(values, dtype=np.float64)
        t = np.clip(v / self.vmax if self.vmax > 0 else np.zeros_like(v), -1, 1)[..., None]
        zero, neg, pos = _hex_to_rgb(ZERO), _hex_to_rgb(NEGATIVE), _hex_to_rgb(POSITIVE)
        out = np.where(t >= 0, zero + t * (pos - zero), zero + (-t) * (neg - zero))
        return np.round(out).astype(np.uint8)

    def __call__(self, value: float) -> ManimColor:
        return ManimColor.from_rgb(tuple(int(c) for c in self.rgb(np.array(value))))

    @classmethod
    def for_values(cls, *arrays: np.ndarray) -> Diverging:
        """Symmetric scale from the largest magnitude among ``arrays`` (never zero)."""
        m = max(float(np.abs(np.asarray(a)).max(initial=0.0)) for a in arrays)
        return cls(m if m > 0 else 1.0)


@dataclass(frozen=True)
class Channel:
    """0-255 intensities of one colour channel: black at 0, the pure channel colour at 255."""

    colour: str

    def rgb(self, values: np.ndarray) -> np.ndarray:
        t = np.clip(np.asarray(values, dtype=np.float64) / 255.0, 0, 1)[..., None]
        return np.round(t * _hex_to_rgb(self.colour)).astype(np.uint8)

    def __call__(self, value: float) -> ManimColor:
        return ManimColor.from_rgb(tuple(int(c) for c in self.rgb(np.array(value))))


def ink_for(rgb: np.ndarray) -> str:
    """Black or white text, whichever reads better on a cell of colour ``rgb``."""
    r, g, b = (np.asarray(rgb, dtype=np.float64)[:3]) / 255
    return "#111111" if 0.299 * r + 0.587 * g + 0.114 * b > 0.55 else "#f5f5f5"


def fmt(value: float, digits: int = 2) -> str:
    """A number as shown on screen: integers plainly, others with ``digits`` decimals, no "-0"."""
    v = float(value)
    if v.is_integer():
        return str(int(v))
    s = f"{v:.{digits}f}"
    return "0" if float(s) == 0 else s
