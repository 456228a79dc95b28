"""The frame checker finds what it must: a clean clip passes, a mark in the margin or the caption
band fails at the right time."""

import av
import numpy as np

from tests.frame_check import scan

BG = np.array([17, 20, 26], dtype=np.uint8)


def clip(path, marks, seconds=2, fps=10, size=(320, 180)):
    """A clip of the background colour; ``marks`` maps a time range to a (y0, y1, x0, x1) box drawn."""
    w, h = size
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
        for i in range(seconds * fps):
            img = np.broadcast_to(BG, (h, w, 3)).copy()
            for (t0, t1), (y0, y1, x0, x1) in marks.items():
                if t0 <= i / fps < t1:
                    img[y0:y1, x0:x1] = 255
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(packet)
        for packet in stream.encode():
            out.mux(packet)
    return path


def test_clean_clip_passes(tmp_path):
    r = scan(clip(tmp_path / "ok.mp4", {(0, 2): (60, 100, 100, 200)}))
    assert r.ok and r.frames == 4


def test_marks_in_the_margin_and_the_band_fail(tmp_path):
    r = scan(clip(tmp_path / "bad.mp4", {(0.5, 1.0): (80, 100, 0, 6), (1.5, 2): (162, 168, 100, 200)}))
    assert r.edge == [0.5]
    assert r.band == [1.5]
