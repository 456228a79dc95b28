"""On-screen text in the house font, and fitting numbers into cells."""

from __future__ import annotations

import re
from collections.abc import Iterable

from manim import DOWN, ORIGIN, Mobject, Text, VGroup

from scenes import style
from scenes.i18n import tidy


def label(text: str, size: float = style.LABEL, colour: str = style.TEXT, **kw) -> Text:
    """Text in the house font of the current language."""
    return Text(text, font=style.font(), font_size=size, color=colour, **kw)


_TEXTS: dict[tuple[str, str, float, str], Text] = {}


def cached_label(text: str, size: float = style.LABEL, colour: str = style.TEXT) -> Text:
    """``label(text)`` built once per (text, size, colour) and copied after: grids repeat the same
    few numbers, and a copy is several times quicker than laying the text out again."""
    key = (style.font(), text, float(size), colour)
    if key not in _TEXTS:
        _TEXTS[key] = label(text, size=size, colour=colour)
    return _TEXTS[key].copy()


def fitted_size(width: float, texts: Iterable[str], fill: float = 0.8, largest: float = style.LABEL) -> float:
    """The largest font size (at most ``largest``) at which the longest of ``texts`` takes ``fill``
    of ``width``."""
    longest = max((len(t) for t in texts), default=1)
    return min(largest, fill * width / (style.DIGIT_WIDTH * max(longest, 1)))


def as_texture(mob: Mobject) -> Mobject:
    """Mark ``mob``'s texts as a texture: small numbers whose pattern is the point, not their values
    (the readability check skips them)."""
    for m in mob.get_family():
        m.texture = True
    return mob


def is_texture(mob: Mobject) -> bool:
    return bool(getattr(mob, "texture", False))


def shown_size(text: Text) -> float:
    """The font size ``text`` is drawn at now (after any scaling)."""
    return float(text.font_size)


def readable(text: Text, smallest: float = style.READABLE) -> bool:
    """Whether ``text`` is drawn at least at font size ``smallest`` (see ``Layout.readable``)."""
    return shown_size(text) >= smallest - 1e-6


# Where a line may break: at spaces, and in Chinese (and other CJK) between any two characters,
# except before closing and after opening punctuation; runs of Latin letters and digits stay whole.
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_PIECE = re.compile(rf"[（「『“]*(?:[^\s{_CJK}]+|[{_CJK}])[，。、；：！？）」』”%]*|\s+")


def wrapped(text: str, width: float, size: float = style.LABEL, colour: str = style.TEXT, align=ORIGIN, **kw) -> VGroup:
    """``text`` as lines of ``label``s no wider than ``width`` (broken at spaces, and between any
    two characters of Chinese), stacked and aligned on ``align`` (ORIGIN: centred, LEFT). A single
    word wider than ``width`` stays on its own line: fit the result into its zone."""
    pieces = _PIECE.findall(tidy(text)) if re.search(f"[{_CJK}]", text) else re.split("( )", text)
    lines: list[str] = []
    for piece in pieces:
        trial = f"{lines[-1]}{piece}" if lines else piece.strip()
        if not lines or (piece.strip() and label(trial.strip(), size=size, **kw).width > width):
            if piece.strip():
                lines.append(piece.strip())
        else:
            lines[-1] = trial
    lines = [line.strip() for line in lines]
    group = VGroup(*[label(line, size=size, colour=colour, **kw) for line in lines])
    group.arrange(DOWN, buff=0.3 * size * style.DIGIT_HEIGHT, aligned_edge=align)
    group.text = text
    return group
