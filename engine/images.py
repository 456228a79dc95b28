"""Loading a user's image into what a bundled example's network expects."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PIXELS = 50_000_000  # far beyond any photo a teacher uses; stops decompression bombs early
MAX_BYTES = 200 * 1024 * 1024


class ImageError(ValueError):
    """An input image that cannot be used; the message names the file and the problem."""


def open_image(path: str | Path) -> Image.Image:
    """Open and fully decode an image, upright (EXIF orientation applied)."""
    path = Path(path)
    if not path.exists():
        raise ImageError(f"{path}: file not found")
    if path.is_dir():
        raise ImageError(f"{path}: is a directory, not an image")
    size = path.stat().st_size
    if size == 0:
        raise ImageError(f"{path}: file is empty")
    if size > MAX_BYTES:
        raise ImageError(f"{path}: file is too large ({size / 2**20:.0f} MiB, limit {MAX_BYTES // 2**20} MiB)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            w, h = img.size
            if w * h > MAX_PIXELS:
                raise ImageError(f"{path}: image is too large ({w}x{h} pixels, limit {MAX_PIXELS:,} pixels)")
            img.load()
            return ImageOps.exif_transpose(img)
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(f"{path}: not an image file Pillow can read") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"{path}: image is too large (possible decompression bomb)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"{path}: image data is truncated or corrupted ({exc})") from None


def _to_rgb(img: Image.Image) -> Image.Image:
    """Any mode -> RGB, with transparency composited on white and high bit depths rescaled."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        a = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or a.max(initial=0) > 255 else 255.0
        img = Image.fromarray(np.clip(a / top * 255, 0, 255).round().astype(np.uint8), "L")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba)
    return img.convert("RGB")


def _square(img: Image.Image, size: int) -> Image.Image:
    w, h = img.size
    side = min(w, h)
    left, top = (w - side) // 2, (h - side) // 2
    img = img.crop((left, top, left + side, top + side))
    return img.resize((size, size), Image.Resampling.LANCZOS, reducing_gap=3.0)


def load_rgb(path: str | Path, size: int) -> np.ndarray:
    """An image as (3, size, size) float64 values 0-255: centre-cropped square, antialiased."""
    img = _square(_to_rgb(open_image(path)), size)
    return np.asarray(img, dtype=np.float64).transpose(2, 0, 1).copy()


def binarize(grey: np.ndarray) -> np.ndarray:
    """Grey levels -> {-1, +1}: +1 is the ink, whichever of dark or light covers less area.

    The threshold sits halfway between the darkest and lightest pixel, so pale pencil on paper
    and white chalk on a board both work; a blank image is all background.
    """
    lo, hi = float(grey.min()), float(grey.max())
    if hi - lo < 1e-9:
        return -np.ones_like(grey, dtype=np.float64)
    dark = grey < (lo + hi) / 2
    ink = dark if dark.sum() <= (~dark).sum() else ~dark
    return np.where(ink, 1.0, -1.0)


def load_binary(path: str | Path, size: int) -> np.ndarray:
    """A drawing as (1, size, size) values in {-1, +1} (see ``binarize``)."""
    img = _square(_to_rgb(open_image(path)).convert("L"), size)
    return binarize(np.asarray(img, dtype=np.float64))[None]


def save_image(array: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    """Write a (C, H, W) example image to PNG, ink dark on white for {-1, +1} drawings.

    ``scale`` enlarges with nearest-neighbour so the loader's antialiased resize recovers the
    original pixels exactly.
    """
    a = np.asarray(array, dtype=np.float64)
    if a.shape[0] == 1:
        pixels = np.where(a[0] > 0, 0, 255).astype(np.uint8)
        img = Image.fromarray(pixels, "L")
    else:
        img = Image.fromarray(np.clip(a, 0, 255).round().astype(np.uint8).transpose(1, 2, 0), "RGB")
    if scale > 1:
        img = img.resize((img.width * scale, img.height * scale), Image.Resampling.NEAREST)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path
