"""ConvReel's one visual identity: palette, fonts, text sizes and tempo.

Colour scales live in ``scenes.plans.colour`` (pure NumPy, chosen by the plans) and number formats
in ``scenes.plans.numbers``; both are re-exported here for the scenes.
"""

from __future__ import annotations

from scenes import i18n
from scenes.plans.colour import (  # noqa: F401 - the palette and scales, for the scenes
    BACKGROUND,
    CHANNEL_COLOURS,
    HIGHLIGHT,
    NEGATIVE,
    POSITIVE,
    ZERO,
    Channel,
    Diverging,
    Photo,
    hex_to_rgb,
    ink_for,
    rgb_hex,
)

TEXT = "#ecebe8"
MUTED = "#9aa3b2"
WINNER = "#5ef38c"  # a chosen value: the max-pool winner, the predicted class
GRID_LINE = "#3a4150"
CLASS_COLOURS = ("#ff9a2e", "#3d8bff", "#c77dff", "#ff6fae")  # none is WINNER green

FONTS = {"en": "DejaVu Sans", "zh": "Noto Sans CJK SC"}
MONO = "DejaVu Sans Mono"

# Text sizes (Manim font sizes). A digit is about 0.0105 units tall per point and the frame 8 units
# high, so READABLE (22) is the smallest size whose digits are 1/36 of the frame height: anything a
# viewer must read is at least this big. Only numbers drawn as a texture (a dense grid whose pattern
# is the point) are smaller.
READABLE = 22
SMALL = 22
LABEL = 26
HEADING = 32
BIG = 40
TITLE = 60
DIGIT_HEIGHT = 0.0105  # units per point of font size, DejaVu Sans digits
DIGIT_WIDTH = 0.0082  # units per point of font size, DejaVu Sans digits

# Tempo: run times of the usual animations, in seconds.
QUICK = 0.5
NORMAL = 0.8
SLOW = 1.5


def font() -> str:
    """The house font for the current language (a CJK font for Chinese)."""
    return FONTS.get(i18n.language(), FONTS["en"])
