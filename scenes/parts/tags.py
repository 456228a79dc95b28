"""Tags for points on a chart, placed where they fit: next to their point, inside a zone, clear of
each other and of anything else named (dots, tick labels)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DL, DOWN, DR, LEFT, RIGHT, UL, UP, UR, Mobject

from scenes.layout import Zone

AROUND = (RIGHT, UR, UL, UP, LEFT, DR, DL, DOWN)  # the places tried, in order
LIFTS = (0.0, 0.45, 0.9)  # then the same places lifted this far above the point (units, before scaling)


def _box(mob: Mobject) -> tuple[float, float, float, float]:
    return mob.get_left()[0], mob.get_bottom()[1], mob.get_right()[0], mob.get_top()[1]


def _overlap(a, b, gap: float) -> bool:
    return a[0] - gap < b[2] and b[0] - gap < a[2] and a[1] - gap < b[3] and b[1] - gap < a[3]


def place_tags(
    tags: Sequence[Mobject],
    anchors: Sequence[Mobject],
    zone: Zone,
    avoid: Sequence[Mobject] = (),
    buff: float = 0.12,
    gap: float = 0.05,
    order: Sequence[np.ndarray] = AROUND,
    scale: float = 1.0,
) -> list[tuple[np.ndarray, float]]:
    """Put each tag beside its anchor (a dot: ``buff`` from its edge), in the first place of
    ``order`` (tried next to the dot, then lifted above it by ``LIFTS`` times ``scale``) where it
    stays inside ``zone`` and clear (by ``gap``) of the tags placed before it and of ``avoid``; a tag
    with no such place takes the first. Earlier tags win: pass the most important first. Returns the
    (direction, lift) each tag took."""
    taken = [_box(m) for m in avoid]
    chosen = []
    for tag, anchor in zip(tags, anchors):
        at, edge = anchor.get_center(), buff + max(anchor.width, anchor.height) / 2
        places = [(d, lift * scale) for lift in LIFTS for d in order]
        pick = places[0]
        for d, lift in places:
            tag.next_to(at + UP * lift, d, buff=edge)
            box = _box(tag)
            inside = zone.left <= box[0] and box[2] <= zone.right and zone.bottom <= box[1] and box[3] <= zone.top
            if inside and not any(_overlap(box, t, gap) for t in taken):
                pick = (d, lift)
                break
        tag.next_to(at + UP * pick[1], pick[0], buff=edge)
        taken.append(_box(tag))
        chosen.append(pick)
    return chosen
