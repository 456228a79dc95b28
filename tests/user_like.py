"""A small, seeded set of images like the ones users bring: photos and drawings, not our renders.

- tick-cross: ticks and crosses drawn by hand (wobbly strokes, uneven arms) in pen colours on
  off-white paper with uneven light, at photo size and aspect, saved as JPEG, read back through
  ``load_binary``.
- face: the suspects rendered large, placed off-centre on a non-square canvas, saved as JPEG,
  read back through ``load_rgb``.

Each image is written to disk and loaded the way `convreel predict` loads a user's file.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

import engine
from engine.datasets import draw_face

PENS = ((20, 40, 160), (25, 25, 30), (170, 25, 35), (20, 100, 45), (95, 95, 100))  # blue, black, red, green, pencil
PAPERS = ((250, 248, 240), (255, 255, 255), (245, 240, 220), (236, 238, 240))
CANVASES = ((640, 480), (480, 640), (800, 600), (600, 600), (1024, 768))


def _wobbly(points: list[tuple[float, float]], rng: np.random.Generator, wobble: float) -> list[tuple[float, float]]:
    """A hand-drawn version of a polyline: each segment split in four, every point nudged."""
    out = []
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        for t in np.linspace(0, 1, 4, endpoint=False):
            out.append((x0 + t * (x1 - x0), y0 + t * (y1 - y0)))
    out.append(points[-1])
    return [(x + rng.normal(0, wobble), y + rng.normal(0, wobble)) for x, y in out]


def draw_by_hand(kind: str, rng: np.random.Generator) -> Image.Image:
    """A tick or a cross drawn in pen on paper, photographed: an RGB image at photo size."""
    w, h = CANVASES[rng.integers(len(CANVASES))]
    paper = np.array(PAPERS[rng.integers(len(PAPERS))], dtype=np.float64)
    # Light falls unevenly across a photographed page: a gentle gradient of a few grey levels.
    gx = rng.uniform(-10, 10) * np.linspace(-1, 1, w)[None, :, None]
    gy = rng.uniform(-10, 10) * np.linspace(-1, 1, h)[:, None, None]
    page = np.clip(paper + gx + gy - 6, 0, 255).astype(np.uint8)
    img = Image.fromarray(page, "RGB")
    side = min(w, h)  # the loader keeps the centre square; the drawing sits in it, not centred
    extent = rng.uniform(0.35, 0.8) * side
    cx = w / 2 + rng.uniform(-1, 1) * (side - extent) / 2.5
    cy = h / 2 + rng.uniform(-1, 1) * (side - extent) / 2.5
    angle = rng.uniform(-0.3, 0.3)
    if kind == "tick":
        knee = (rng.uniform(-0.2, -0.05), rng.uniform(0.3, 0.45))
        strokes = [[(rng.uniform(-0.5, -0.35), rng.uniform(-0.05, 0.15)), knee, (rng.uniform(0.4, 0.5), -0.5)]]
    else:
        a, b = rng.uniform(0.35, 0.5, size=2)
        strokes = [[(-a, -b), (a, b)], [(rng.uniform(0.35, 0.5), -b), (-rng.uniform(0.35, 0.5), b)]]
    cos, sin = math.cos(angle), math.sin(angle)
    pen = tuple(int(c) for c in np.clip(np.array(PENS[rng.integers(len(PENS))]) + rng.normal(0, 8, 3), 0, 255))
    width = int(round(rng.uniform(0.03, 0.09) * side))
    draw = ImageDraw.Draw(img)
    for stroke in strokes:
        xy = [(cx + extent * (x * cos - y * sin), cy + extent * (x * sin + y * cos)) for x, y in stroke]
        draw.line(_wobbly(xy, rng, 0.012 * side), fill=pen, width=width, joint="curve")
    return img


def photo_of(name: str, rng: np.random.Generator) -> Image.Image:
    """A suspect's portrait rendered large, slightly off-centre on a wider or taller canvas."""
    size = int(rng.integers(160, 257))
    portrait = Image.fromarray(draw_face(name, rng, size=size).transpose(1, 2, 0).astype(np.uint8), "RGB")
    extra_w, extra_h = (int(rng.uniform(0, 0.3) * size) for _ in range(2))
    canvas = Image.new("RGB", (size + extra_w, size + extra_h), portrait.getpixel((0, 0)))
    canvas.paste(portrait, (int(rng.integers(0, extra_w + 1)), int(rng.integers(0, extra_h + 1))))
    return canvas


def user_like_set(example: str, folder: str | Path, per_class: int = 30, seed: int = 2024):
    """Write ``per_class`` JPEGs per class into ``folder`` and load them as the CLI would.

    Returns (x, y, paths): inputs (N, C, H, W), labels in the example's class order, file paths.
    """
    ex = engine.get_example(example)
    rng = np.random.default_rng(seed)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    xs, ys, paths = [], [], []
    for i in range(per_class):
        for k, cls in enumerate(ex.class_names):
            img = draw_by_hand(cls, rng) if example == "tick-cross" else photo_of(cls, rng)
            path = folder / f"{cls.lower()}-{i:02d}.jpg"
            img.save(path, quality=int(rng.integers(40, 93)))
            xs.append(ex.load_image(path))
            ys.append(k)
            paths.append(path)
    return np.stack(xs), np.array(ys), paths
