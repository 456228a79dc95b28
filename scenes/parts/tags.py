"""Tags for points on a chart, placed where they fit: beside their point if there is room, else at
the nearest free place in the zone with a leader line, clear of each other and of anything named
(dots, tick labels, marks along a curve)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from manim import DL, DOWN, DR, LEFT, RIGHT, UL, UP, UR, Mobject

from scenes.layout import Zone

AROUND = (UR, RIGHT, UL, UP, LEFT, DR, DL, DOWN)  # beside the point, in order: above right clears a falling curve
STEP = 0.2  # units between the farther places tried
LEADER_STEP = 0.1  # units between the marks that stand for a leader line when checking it is clear


def _box(mob: Mobject) -> np.ndarray:
    return np.array([mob.get_left()[0], mob.get_bottom()[1], mob.get_right()[0], mob.get_top()[1]])


def leader_end(tag: Mobject, at: np.ndarray) -> np.ndarray:
    """Where a leader line from ``at`` meets ``tag``: the nearest point of its box."""
    return np.clip(at, tag.get_corner(DL), tag.get_corner(UR))


def _hits(boxes: np.ndarray, taken: np.ndarray, gap: float) -> np.ndarray:
    """For boxes (..., 4): whether each overlaps any of ``taken`` (N, 4), ``gap`` apart."""
    if len(taken) == 0:
        return np.zeros(boxes.shape[:-1], dtype=bool)
    b, t = boxes[..., None, :], taken
    return (
        (b[..., 0] - gap < t[:, 2])
        & (t[:, 0] - gap < b[..., 2])
        & (b[..., 1] - gap < t[:, 3])
        & (t[:, 1] - gap < b[..., 3])
    ).any(axis=-1)


def _leaders(boxes: np.ndarray, at: np.ndarray, skip: float, count: int = 24) -> np.ndarray:
    """Small boxes along the leader from each tag box (C, 4) to ``at``, from ``skip`` away from
    ``at`` (clear of its dot): (C, count, 4); a leader shorter than ``skip`` gets none (empty boxes
    far away)."""
    end = np.clip(at[:2], boxes[:, :2], boxes[:, 2:])  # nearest point of each box
    vec = end - at[:2]
    length = np.linalg.norm(vec, axis=1, keepdims=True)
    t = np.linspace(0, 1, count)[None, :, None]
    start = at[:2] + vec * np.minimum(skip / np.maximum(length, 1e-9), 1.0)
    pts = start[:, None, :] + (end - start)[:, None, :] * t
    pts[(length[:, 0] <= skip)] = 1e6  # no leader
    return np.concatenate([pts - 0.02, pts + 0.02], axis=-1)


def place_tags(
    tags: Sequence[Mobject],
    anchors: Sequence[Mobject],
    zone: Zone,
    avoid: Sequence[Mobject] = (),
    buff: float = 0.12,
    gap: float = 0.05,
    optional: Sequence[bool] = (),
) -> list[bool | None]:
    """Put each tag beside its anchor (a dot: ``buff`` from its edge) in the first place of
    ``AROUND`` that is inside ``zone`` and clear (by ``gap``) of ``avoid`` and of the tags (and
    leader lines) placed before it; else at the free place nearest the anchor whose leader line is
    clear too (failing that, the nearest free place, then the nearest place in the zone). An
    ``optional`` tag with no clear place is left out (None). Earlier tags win: pass the most
    important first. Returns, for each tag, whether it needs a leader line (False: beside its
    anchor; None: left out)."""
    taken = np.array([_box(m) for m in avoid]).reshape(-1, 4)
    optional = list(optional) + [False] * (len(tags) - len(optional))
    out: list[bool | None] = []
    for tag, anchor, spare in zip(tags, anchors, optional):
        at, edge = anchor.get_center(), buff + max(anchor.width, anchor.height) / 2
        w, h = tag.width, tag.height
        beside = []
        for d in AROUND:
            tag.next_to(at, d, buff=edge)
            beside.append(_box(tag))
        beside = np.array(beside)
        xs = np.arange(zone.left + w / 2, zone.right - w / 2 + 1e-9, STEP)
        ys = np.arange(zone.bottom + h / 2, zone.top - h / 2 + 1e-9, STEP)
        cx, cy = (a.ravel() for a in np.meshgrid(xs, ys))
        far = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
        near = np.clip(at[:2], far[:, :2], far[:, 2:])
        far = far[np.argsort(np.linalg.norm(near - at[:2], axis=1), kind="stable")]
        inside = (beside[:, 0] >= zone.left) & (beside[:, 2] <= zone.right)
        inside &= (beside[:, 1] >= zone.bottom) & (beside[:, 3] <= zone.top)
        ok = inside & ~_hits(beside, taken, gap)
        if ok.any():
            box, leader = beside[int(np.argmax(ok))], False
        else:
            free = ~_hits(far, taken, gap)
            if free.any():
                idx = np.flatnonzero(free)
                clear = ~_hits(_leaders(far[idx], at, edge + 2 * gap), taken, gap).any(axis=1)
                found = idx[clear] if clear.any() else idx[:0]
            else:
                found = free[:0]
            if len(found):
                box, leader = far[int(found[0])], True
            elif spare:
                out.append(None)
                continue
            elif free.any():  # a free place whose leader crosses something beats leaving the zone
                box, leader = far[int(np.flatnonzero(free)[0])], True
            elif len(far):
                box, leader = far[0], True
            else:  # wider or taller than the zone: the caller's checks will say so
                box, leader = beside[0], False
        tag.move_to([(box[0] + box[2]) / 2, (box[1] + box[3]) / 2, 0])
        taken = np.vstack([taken, _box(tag)])
        if leader:
            taken = np.vstack([taken, _leaders(_box(tag)[None], at, edge + 2 * gap)[0]])
        out.append(leader)
    return out
