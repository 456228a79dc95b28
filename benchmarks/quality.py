"""Picture quality of a render against a reference render: SSIM of sampled frames, and file sizes.

    .venv/bin/python benchmarks/quality.py REFERENCE TEST             # two clips, or two folders
    .venv/bin/python benchmarks/quality.py REF_DIR TEST_DIR --every 15  # every 15th frame

Folders are compared clip by clip (same file names, e.g. two `convreel render` outputs). SSIM is
Wang et al.'s (Gaussian window, sigma 1.5) on the luma (BT.709) of frames with the same index;
1.0 means identical. Each clip's line gives its mean and lowest sampled SSIM and the size of both
files in MB per minute of video.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
from scipy.ndimage import gaussian_filter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from convreel import media  # noqa: E402

C1, C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2


def luma(rgb: np.ndarray) -> np.ndarray:
    return rgb[..., :3].astype(np.float64) @ np.array([0.2126, 0.7152, 0.0722])


def ssim(a: np.ndarray, b: np.ndarray) -> float:
    """Mean SSIM of two greyscale images (0-255 floats), Gaussian-weighted as in Wang et al. 2004."""

    def blur(x: np.ndarray) -> np.ndarray:
        return gaussian_filter(x, 1.5, truncate=3.5)

    mu_a, mu_b = blur(a), blur(b)
    var_a = blur(a * a) - mu_a**2
    var_b = blur(b * b) - mu_b**2
    cov = blur(a * b) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + C1) * (2 * cov + C2)) / ((mu_a**2 + mu_b**2 + C1) * (var_a + var_b + C2))
    return float(s.mean())


def frames(path: Path, every: int) -> Iterator[tuple[int, np.ndarray]]:
    """(index, RGB array) of every ``every``-th frame, the last frame included."""
    with av.open(str(path)) as c:
        last = None
        for i, frame in enumerate(c.decode(video=0)):
            last = (i, frame)
            if i % every == 0:
                yield i, frame.to_ndarray(format="rgb24")
        if last is not None and last[0] % every:
            yield last[0], last[1].to_ndarray(format="rgb24")


def mb_per_minute(path: Path) -> float:
    return path.stat().st_size / 1e6 / (media.probe(path).duration / 60)


def compare(reference: Path, test: Path, every: int = 30) -> dict:
    """SSIM of sampled frames of ``test`` against ``reference`` (frame counts must match)."""
    ref, new = media.probe(reference), media.probe(test)
    if ref.frames != new.frames or (ref.width, ref.height) != (new.width, new.height):
        raise SystemExit(
            f"{test.name}: {new.frames} frames at {new.width}x{new.height}, "
            f"reference {ref.frames} at {ref.width}x{ref.height}: not the same picture sequence"
        )
    scores = [
        ssim(luma(a), luma(b))
        for (i, a), (j, b) in zip(frames(reference, every), frames(test, every), strict=True)
        if i == j
    ]
    return {
        "clip": test.name,
        "frames": len(scores),
        "mean": float(np.mean(scores)),
        "min": float(np.min(scores)),
        "ref_mb_min": mb_per_minute(reference),
        "test_mb_min": mb_per_minute(test),
    }


def pairs(reference: Path, test: Path) -> list[tuple[Path, Path]]:
    if reference.is_file():
        return [(reference, test)]
    clips = [r for r in sorted(reference.glob("[0-9][0-9]-*.*")) if r.suffix in (".mp4", ".webm", ".mov")]
    found = [(r, test / r.name) for r in clips]
    return [(r, t) for r, t in found if t.exists()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", type=Path)
    parser.add_argument("test", type=Path)
    parser.add_argument("--every", type=int, default=30, help="compare every N-th frame (default 30)")
    args = parser.parse_args()
    todo = pairs(args.reference, args.test)
    if not todo:
        raise SystemExit("no clips to compare (folders need clips with the same names)")
    print(f"{'clip':28s} {'frames':>6s} {'SSIM mean':>9s} {'SSIM min':>8s} {'ref MB/min':>10s} {'test MB/min':>11s}")
    worst = 1.0
    for ref, new in todo:
        r = compare(ref, new, args.every)
        worst = min(worst, r["min"])
        print(
            f"{r['clip']:28s} {r['frames']:6d} {r['mean']:9.4f} {r['min']:8.4f}"
            f" {r['ref_mb_min']:10.2f} {r['test_mb_min']:11.2f}",
            flush=True,
        )
    print(f"lowest SSIM of any sampled frame: {worst:.4f}")


if __name__ == "__main__":
    main()
