"""Procedurally generated datasets for the two bundled examples, and a folder-of-images loader.

Everything is drawn with Pillow from a seeded generator, so the same seed gives the same images.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from .images import _square, binarize  # the loader's own resize and threshold, for photo-like drawings

TICK_CROSS_SIZE = 12
TICK_CROSS_CLASSES = ("tick", "cross")
FACE_SIZE = 28
FACE_CLASSES = ("Countess", "Professor", "Captain")
_SUPER = 8  # draw at 8x and downsample, so strokes and curves antialias before thresholding


def draw_tick_cross(
    kind: str,
    rng: np.random.Generator,
    size: int = TICK_CROSS_SIZE,
    noise: float = 0.02,
    extent: tuple[float, float] = (0.55, 0.85),
    width: tuple[float, float] = (0.9, 1.6),
    jitter: float = 0.0,
    photo: bool = False,
) -> np.ndarray:
    """One tick or cross as a (size, size) array of -1 (background) and +1 (ink).

    Position, size (``extent``: a share of the image side), stroke width (``width``, in pixels),
    slant and a little pixel noise are random. ``jitter`` > 0 draws by a less steady hand: every
    stroke's ends and corner move by a normal offset of that share of the drawing's size.
    ``photo`` shrinks and thresholds the drawing exactly as ``load_binary`` does a user's photo
    (antialiased resize, threshold halfway between darkest and lightest) instead of box-averaging
    and a fixed threshold: thin strokes break up and small drawings blur the way real ones do.
    """
    big = size * _SUPER
    img = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(img)
    extent = rng.uniform(*extent) * big
    cx = big / 2 + rng.uniform(-1, 1) * (big - extent) / 2
    cy = big / 2 + rng.uniform(-1, 1) * (big - extent) / 2
    width = int(round(rng.uniform(*width) * _SUPER))
    angle = rng.uniform(-0.25, 0.25)
    if kind == "tick":
        pts = [(-0.45, 0.05), (-0.1, 0.45), (0.5, -0.5)]
        strokes = [pts]
    elif kind == "cross":
        a, b = rng.uniform(0.4, 0.5), rng.uniform(0.4, 0.5)
        strokes = [[(-a, -b), (a, b)], [(a, -b), (-a, b)]]
    else:
        raise ValueError(f"unknown shape {kind!r}")
    if jitter > 0:  # only then, so the default drawings stay what they always were for a seed
        strokes = [(np.array(st) + rng.normal(0, jitter, (len(st), 2))).tolist() for st in strokes]
    cos, sin = math.cos(angle), math.sin(angle)
    for stroke in strokes:
        xy = [(cx + extent * (x * cos - y * sin), cy + extent * (x * sin + y * cos)) for x, y in stroke]
        draw.line(xy, fill=255, width=width, joint="curve")
    if photo:
        ink = binarize(np.asarray(_square(img, size), dtype=np.float64)) > 0
    else:
        ink = np.asarray(img.resize((size, size), Image.Resampling.BOX), dtype=np.float64) / 255 > 0.35
    flip = rng.random(ink.shape) < noise
    return np.where(ink ^ flip, 1.0, -1.0)


def tick_cross_dataset(n: int, seed: int, noise: float = 0.02, **style) -> tuple[np.ndarray, np.ndarray]:
    """``n`` images (n, 1, 12, 12) in {-1, +1} and labels (0 tick, 1 cross), balanced.

    ``style`` (``extent``, ``width``, ``jitter``, ``photo``: see ``draw_tick_cross``) changes how
    the drawings are made, e.g. to augment the training data.
    """
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % 2
    rng.shuffle(labels)
    x = np.stack([draw_tick_cross(TICK_CROSS_CLASSES[k], rng, noise=noise, **style) for k in labels])[:, None]
    return x, labels


# -- faces -------------------------------------------------------------------------------------
# Each suspect has traits a viewer can name: hair colour and shape, glasses, beard, skin.
_SUSPECTS = {
    "Countess": {"skin": (240, 200, 170), "hair": (200, 60, 30)},
    "Professor": {"skin": (225, 180, 140), "hair": (215, 215, 220)},
    "Captain": {"skin": (150, 100, 70), "hair": (30, 25, 25)},
}
# Backdrops are shared, so the network has to look at the person, not the wall behind them.
_BACKDROPS = ((60, 140, 150), (200, 170, 90), (110, 80, 150), (120, 160, 90), (90, 110, 160))


def _jitter(rgb: tuple[int, int, int], rng: np.random.Generator, amount: float) -> tuple[int, ...]:
    return tuple(int(np.clip(c + rng.normal(0, amount), 0, 255)) for c in rgb)


def draw_face(name: str, rng: np.random.Generator, size: int = FACE_SIZE) -> np.ndarray:
    """One suspect's portrait as an (3, size, size) array of 0-255 values."""
    traits = _SUSPECTS[name]
    big = size * _SUPER
    s = big / 28  # drawing units: a 28-pixel canvas
    backdrop = _BACKDROPS[rng.integers(len(_BACKDROPS))]
    img = Image.new("RGB", (big, big), _jitter(backdrop, rng, 18))
    d = ImageDraw.Draw(img)
    skin, hair = _jitter(traits["skin"], rng, 10), _jitter(traits["hair"], rng, 12)

    def ell(x0: float, y0: float, x1: float, y1: float, **kw) -> None:
        d.ellipse([x0 * s, y0 * s, x1 * s, y1 * s], **kw)

    if name == "Countess":  # long flowing hair behind the head
        ell(5, 4, 23, 20, fill=hair)
        d.rectangle([5 * s, 12 * s, 23 * s, 27 * s], fill=hair)
    d.rectangle([11.5 * s, 19 * s, 16.5 * s, 28 * s], fill=skin)  # neck
    ell(8, 6, 20, 21, fill=skin)  # face
    if name == "Countess":  # fringe
        d.chord([8 * s, 4 * s, 20 * s, 13 * s], 180, 360, fill=hair)
    elif name == "Professor":  # bald crown, tufts at the sides, round glasses
        ell(6.5, 9, 10, 15, fill=hair)
        ell(18, 9, 21.5, 15, fill=hair)
    elif name == "Captain":  # short dark hair and a full beard
        d.chord([7.5 * s, 4.5 * s, 20.5 * s, 12 * s], 180, 360, fill=hair)
        d.chord([8 * s, 11 * s, 20 * s, 22 * s], 0, 180, fill=hair)
    eye = (25, 25, 35)
    ell(11, 11.5, 12.8, 13.3, fill=eye)
    ell(15.2, 11.5, 17, 13.3, fill=eye)
    if name == "Professor":
        ell(10, 10.4, 13.8, 14.4, outline=(20, 20, 20), width=max(1, int(0.6 * s)))
        ell(14.2, 10.4, 18, 14.4, outline=(20, 20, 20), width=max(1, int(0.6 * s)))
        d.line([13 * s, 17.5 * s, 15 * s, 17.5 * s], fill=(120, 50, 50), width=max(1, int(0.6 * s)))
    elif name == "Countess":
        d.line([12.5 * s, 17.5 * s, 15.5 * s, 17.5 * s], fill=(190, 30, 60), width=max(1, int(0.9 * s)))
    else:
        d.line([12.8 * s, 16.6 * s, 15.2 * s, 16.6 * s], fill=(200, 150, 130), width=max(1, int(0.6 * s)))

    # Random pose: rotation, scale and shift, then lighting and sensor noise.
    angle = rng.uniform(-12, 12)
    scale = rng.uniform(0.85, 1.12)
    shift = rng.uniform(-3, 3, size=2) * s
    bg = img.getpixel((1, 1))
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=bg)
    inv = 1 / scale
    cx = cy = big / 2
    img = img.transform(
        img.size,
        Image.Transform.AFFINE,
        (inv, 0, cx - inv * cx - inv * shift[0], 0, inv, cy - inv * cy - inv * shift[1]),
        resample=Image.Resampling.BILINEAR,
        fillcolor=bg,
    )
    small = np.asarray(img.resize((size, size), Image.Resampling.LANCZOS), dtype=np.float64)
    light = rng.uniform(0.75, 1.2) * (1 + rng.uniform(-0.15, 0.15) * np.linspace(-1, 1, size))[None, :, None]
    small = small * light + rng.normal(0, 5, small.shape)
    return np.clip(np.round(small), 0, 255).transpose(2, 0, 1)


def face_dataset(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` portraits (n, 3, 28, 28) with values 0-255 and labels 0..2, balanced."""
    rng = np.random.default_rng(seed)
    labels = np.arange(n) % len(FACE_CLASSES)
    rng.shuffle(labels)
    x = np.stack([draw_face(FACE_CLASSES[k], rng) for k in labels])
    return x, labels


def image_folder(root: str | Path, loader) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """Images from ``root/<class>/*`` like torchvision's ImageFolder: classes sorted by name.

    ``loader(path) -> array`` turns one file into the network's input.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"{root}: not a directory of class folders")
    classes = tuple(sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")))
    if len(classes) < 2:
        raise ValueError(f"{root}: needs at least two class sub-folders, found {len(classes)}")
    xs, ys = [], []
    for k, cls in enumerate(classes):
        files = sorted(p for p in (root / cls).iterdir() if p.is_file() and not p.name.startswith("."))
        if not files:
            raise ValueError(f"{root / cls}: no images")
        for f in files:
            xs.append(loader(f))
            ys.append(k)
    return np.stack(xs), np.array(ys), classes
