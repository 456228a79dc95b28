"""Moving a picture and watching the verdict (pure NumPy): shifted and zoomed copies of an image,
where the object sits in it, which small moves keep it in view, and a scan of ever larger shifts
that finds the first one where the network's verdict gives way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engine import Network


# -- moved and zoomed copies ---------------------------------------------------------------------
def shift(image: np.ndarray, dy: int, dx: int, fill: float | np.ndarray) -> np.ndarray:
    """Move a (C, H, W) image by (dy, dx) pixels; uncovered pixels take ``fill`` (per channel)."""
    c, h, w = image.shape
    out = np.empty_like(image, dtype=np.float64)
    out[...] = np.asarray(fill, dtype=np.float64).reshape(-1, 1, 1) if np.ndim(fill) else fill
    ys, yd = (slice(0, h - dy), slice(dy, h)) if dy >= 0 else (slice(-dy, h), slice(0, h + dy))
    xs, xd = (slice(0, w - dx), slice(dx, w)) if dx >= 0 else (slice(-dx, w), slice(0, w + dx))
    out[:, yd, xd] = image[:, ys, xs]
    return out


def scale(image: np.ndarray, factor: float, fill: float | np.ndarray) -> np.ndarray:
    """Zoom a (C, H, W) image about its centre by ``factor`` (nearest pixel, ``fill`` outside)."""
    c, h, w = image.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    sy = np.round((yy - (h - 1) / 2) / factor + (h - 1) / 2).astype(int)
    sx = np.round((xx - (w - 1) / 2) / factor + (w - 1) / 2).astype(int)
    inside = (sy >= 0) & (sy < h) & (sx >= 0) & (sx < w)
    out = np.empty_like(image, dtype=np.float64)
    out[...] = np.asarray(fill, dtype=np.float64).reshape(-1, 1, 1) if np.ndim(fill) else fill
    out[:, inside] = image[:, sy[inside], sx[inside]]
    return out


def background(image: np.ndarray) -> np.ndarray:
    """The fill for uncovered pixels: the median colour of the image's border, per channel."""
    border = np.concatenate([image[:, 0, :], image[:, -1, :], image[:, :, 0], image[:, :, -1]], axis=1)
    return np.median(border, axis=1)


# -- where the object is and where it can go ----------------------------------------------------
def object_box(
    image: np.ndarray, fill: float | np.ndarray | None = None, tol: float = 0.1
) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), inclusive, of the pixels that differ from the background ``fill``
    (default ``background``) by more than ``tol`` times the image's value range in any channel. An
    image with no such pixel gives the whole image."""
    image = np.asarray(image, dtype=np.float64)
    c, h, w = image.shape
    fill = background(image) if fill is None else np.broadcast_to(np.asarray(fill, dtype=np.float64), (c,))
    span = float(image.max() - image.min())
    diff = np.abs(image - np.asarray(fill).reshape(-1, 1, 1)).max(axis=0)
    rows, cols = np.nonzero(diff > tol * span) if span > 0 else (np.array([]), np.array([]))
    if len(rows) == 0:
        return 0, 0, h - 1, w - 1
    return int(rows.min()), int(cols.min()), int(rows.max()), int(cols.max())


def room(image: np.ndarray, fill: float | np.ndarray | None = None) -> dict[str, int]:
    """How many pixels the object can move up, down, left and right and stay wholly in the image."""
    _, h, w = np.shape(image)
    top, left, bottom, right = object_box(image, fill)
    return {"up": top, "down": h - 1 - bottom, "left": left, "right": w - 1 - right}


def small_shifts(image: np.ndarray, fill: float | np.ndarray | None = None, big: int = 2) -> list[tuple[int, int]]:
    """Up to three small moves (dy, dx) that keep the object in view: 1 pixel sideways, ``big``
    pixels sideways and ``big`` pixels diagonally, towards the sides with the most room (each move
    at least 1 pixel, even for an object that fills the image). Never (0, 0); no repeats."""
    r = room(image, fill)
    sx, rx = (1, r["right"]) if r["right"] >= r["left"] else (-1, r["left"])
    sy, ry = (1, r["down"]) if r["down"] > r["up"] else (-1, r["up"])
    mx, my = max(1, min(big, rx)), max(1, min(big, ry))
    out: list[tuple[int, int]] = []
    for s in ((0, sx), (0, sx * mx), (sy * my, sx * mx)):
        if s != (0, 0) and s not in out:
            out.append(s)
    return out


# -- how far it can go --------------------------------------------------------------------------
@dataclass(frozen=True)
class ShiftScan:
    """The network's probabilities for the image moved 0, 1, 2, ... pixels in one direction."""

    direction: tuple[int, int]  # (dy, dx) of one step, e.g. (0, 1): one pixel to the right
    steps: np.ndarray  # 0, 1, ..., n: pixels moved
    probabilities: np.ndarray  # (n + 1, classes)
    predictions: np.ndarray  # (n + 1,) argmax of each row
    reference: int  # the class predicted for the unmoved image
    threshold: float  # 0 when the unmoved image is already below the asked threshold
    failure: int | None  # index into ``steps`` of the first failing shift, or None if all held
    room: int  # pixels the object can move this way and stay wholly in view

    @property
    def shown(self) -> int:
        """The shift to present: the first failure, else the largest shift scanned."""
        return int(self.steps[-1] if self.failure is None else self.steps[self.failure])

    def offset(self, k: int) -> tuple[int, int]:
        """(dy, dx) of ``k`` steps."""
        return self.direction[0] * int(k), self.direction[1] * int(k)

    @property
    def cut_off(self) -> int:
        """Pixels of the object pushed out of the image at the shown shift (0: all still in view)."""
        return max(0, self.shown - self.room)


def failures(probabilities: np.ndarray, reference: int, threshold: float = 0.5) -> np.ndarray:
    """Per row of ``probabilities``: True where the predicted class is not ``reference`` or the
    probability of ``reference`` is below ``threshold``."""
    p = np.atleast_2d(np.asarray(probabilities, dtype=np.float64))
    return (p.argmax(axis=1) != reference) | (p[:, reference] < threshold)


def shift_scan(
    network: Network,
    image: np.ndarray,
    direction: tuple[int, int] | None = None,
    max_shift: int | None = None,
    fill: float | np.ndarray | None = None,
    threshold: float = 0.5,
) -> ShiftScan:
    """Move ``image`` 0..``max_shift`` pixels (default: half its width) in ``direction`` (default:
    sideways, towards the side where the object has more room; right on a tie), fill the uncovered
    pixels with ``fill`` (default ``background``), and record the network's probabilities. The
    failure is the first shift whose prediction differs from the unmoved image's, or whose
    probability for that class drops below ``threshold`` (this second test is dropped when the
    unmoved image is already below it)."""
    image = np.asarray(image, dtype=np.float64)
    _, h, w = image.shape
    fill = background(image) if fill is None else fill
    r = room(image, fill)
    if direction is None:
        direction = (0, 1) if r["right"] >= r["left"] else (0, -1)
    dy, dx = int(direction[0]), int(direction[1])
    if (abs(dy), abs(dx)) not in ((0, 1), (1, 0), (1, 1)):
        raise ValueError(f"direction must be one pixel step, got {direction}")
    if max_shift is None:
        max_shift = (w if dx else h) // 2
    steps = np.arange(int(max_shift) + 1)
    batch = np.stack([shift(image, dy * k, dx * k, fill) for k in steps])
    probs = network.predict_proba(batch)
    reference = int(probs[0].argmax())
    if probs[0, reference] < threshold:  # unsure from the start: only a change of verdict counts
        threshold = 0.0
    failed = np.nonzero(failures(probs, reference, threshold))[0]
    moves = [r["down"] if dy > 0 else r["up"]] if dy else []
    moves += [r["right"] if dx > 0 else r["left"]] if dx else []
    return ShiftScan(
        direction=(dy, dx),
        steps=steps,
        probabilities=probs,
        predictions=probs.argmax(axis=1),
        reference=reference,
        threshold=threshold,
        failure=int(failed[0]) if len(failed) else None,
        room=int(min(moves)),
    )
