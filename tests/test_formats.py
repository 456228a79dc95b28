"""Output formats, transparency, resolution and frame rate (small and slow clips: fast to render)."""

import json

import av
import pytest

from convreel import media
from tests.conftest import convreel

SMALL = ["--resolution", "320x180", "--fps", "5"]


@pytest.mark.parametrize(
    "fmt,transparent,codec,pix_fmts",
    [
        ("mp4", False, "h264", {"yuv420p"}),
        ("webm", True, "vp9", {"yuva420p"}),
        ("mov", True, "qtrle", {"argb", "rgba", "bgra"}),
        ("gif", False, "gif", {"bgra", "rgb8", "pal8"}),
    ],
)
def test_formats(fmt, transparent, codec, pix_fmts, tmp_path, cache_env):
    out = tmp_path / fmt
    args = ["render", "pixels", "-e", "tick-cross", "-o", out, "--format", fmt, *SMALL]
    proc = convreel(*args, *(["--transparent"] if transparent else []), env=cache_env)
    assert proc.returncode == 0, proc.stderr
    (clip,) = json.loads((out / "manifest.json").read_text())["clips"]
    video = out / clip["files"]["video"]
    assert video.suffix == f".{fmt}" and clip["format"] == fmt and clip["transparent"] is transparent
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == codec
        assert (s.codec_context.width, s.codec_context.height) == (320, 180)
        if fmt == "webm":
            # VP9 keeps alpha in a side channel that only libvpx's own decoder returns.
            assert s.metadata.get("alpha_mode") == "1"
            decoder = av.CodecContext.create("libvpx-vp9", "r")
            frame = next(f for packet in c.demux(s) for f in decoder.decode(packet))
        else:
            frame = next(c.decode(s))
        assert frame.format.name in pix_fmts
    assert clip["resolution"] == [320, 180] and clip["fps"] == 5
    assert (out / clip["files"]["poster"]).exists()
    if fmt == "mp4":
        assert media.is_faststart(video)


def test_transparent_mov_has_a_see_through_background(tmp_path, cache_env):
    out = tmp_path / "alpha"
    proc = convreel(
        "render", "pixels", "-e", "tick-cross", "-o", out, "--format", "mov", "--transparent", *SMALL, env=cache_env
    )
    assert proc.returncode == 0, proc.stderr
    with av.open(str(out / "01-pixels.mov")) as c:
        frames = list(c.decode(video=0))
        frame = frames[len(frames) // 2].to_ndarray(format="rgba")
    assert frame[..., 3].min() == 0 and frame[..., 3].max() == 255  # empty corners clear, content opaque
