"""Look at rendered frames: anything drawn inside the outer margin, anything in the caption band.

The same rules as ``shared/tools/frame_edges.py`` (a pixel counts when it differs from the background
by more than 40 in a channel; the outer 3.5% of each side; the bottom 12% of the height), sampled
every ``every`` seconds from the first frame, with the caption band strict: a clip fails on either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

MARGIN = 0.035
BAND = 0.12
THRESHOLD = 40
ALLOWED = 4  # stray pixels tolerated in the margin or the band (antialiasing noise)


@dataclass
class Report:
    clip: str
    frames: int = 0
    edge: list[float] = field(default_factory=list)  # times with pixels in the margin
    band: list[float] = field(default_factory=list)  # times with pixels in the caption band

    @property
    def ok(self) -> bool:
        return not self.edge and not self.band


def scan(path: Path, every: float = 0.5, margin: float = MARGIN, band: float = BAND) -> Report:
    report = Report(Path(path).name)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        next_t = 0.0
        for frame in container.decode(video=0):
            t = float(frame.pts * stream.time_base)
            if t < next_t - 1e-9:
                continue
            next_t = t + every
            img = frame.to_ndarray(format="rgb24").astype(np.int16)
            h, w, _ = img.shape
            report.frames += 1
            bg = np.median(img[: max(2, h // 50), w // 3 : 2 * w // 3].reshape(-1, 3), axis=0)
            drawn = np.abs(img - bg).max(axis=-1) > THRESHOLD
            mx, my = max(1, int(w * margin)), max(1, int(h * margin))
            ring = drawn.copy()
            ring[my : h - my, mx : w - mx] = False
            if ring.sum() > ALLOWED:
                report.edge.append(round(t, 2))
            if drawn[int(h * (1 - band)) :, :].sum() > ALLOWED:
                report.band.append(round(t, 2))
    return report
