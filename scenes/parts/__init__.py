"""The parts library: every visual that more than one chapter draws.

- ``grid``: ``Grid`` (cells with pluggable contents: ``NumberCells``, or colour only) and
  ``PixelImage`` (one image), sharing ``point``/``window``/``reveal``;
- ``glass``: the magnifying glass; ``ring``: padding; ``frames``: frames, panels, boxes;
- ``sweep``: a window sweep driven by one ValueTracker;
- ``fades``: fades and moves that never copy their mobject;
- ``text``: labels, cached labels, fitted and wrapped text, textures;
- ``legend``, ``charts`` (bars, curves, axes), ``title`` (title card and header).
"""

from scenes.parts.charts import PlotLine, ProbabilityBars, axis_ticks, grown, plain_axes
from scenes.parts.fades import QuickFade, QuickMove, fade_in, fade_out
from scenes.parts.frames import Panel, boxed, frame_of
from scenes.parts.glass import MagnifyingGlass
from scenes.parts.grid import Grid, GridGeometry, NumberCells, PixelImage, decimals
from scenes.parts.legend import legend
from scenes.parts.ring import PaddingRing
from scenes.parts.sweep import WindowSweep
from scenes.parts.text import as_texture, cached_label, fitted_size, label, readable, wrapped
from scenes.parts.title import Header, TitleCard

__all__ = [
    "Grid",
    "GridGeometry",
    "Header",
    "MagnifyingGlass",
    "NumberCells",
    "PaddingRing",
    "Panel",
    "PixelImage",
    "PlotLine",
    "ProbabilityBars",
    "QuickFade",
    "QuickMove",
    "TitleCard",
    "WindowSweep",
    "as_texture",
    "axis_ticks",
    "boxed",
    "cached_label",
    "decimals",
    "fade_in",
    "fade_out",
    "fitted_size",
    "frame_of",
    "grown",
    "label",
    "legend",
    "plain_axes",
    "readable",
    "wrapped",
]
