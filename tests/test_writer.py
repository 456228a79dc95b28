"""The clip writer (convreel.writer): encoder options reach x264, one stream holds every frame of
every animation, a held frame repeats exactly, and a failing scene leaves no encoder behind."""

from __future__ import annotations

import threading

import av
import numpy as np
import pytest
from manim import RIGHT, Scene, Square, tempconfig
from manim.renderer.cairo_renderer import CairoRenderer

from convreel import media
from convreel.render import TYPICAL_SECONDS, longest_first
from convreel.writer import ClipWriter, encoder_options

FPS = 10


class Tiny(Scene):
    """1 s of movement, then 0.5 s held, then 0.5 s of movement: 20 frames."""

    fail = False

    def construct(self) -> None:
        square = Square(color="#ffcc00", fill_opacity=1).shift(2 * RIGHT)
        self.add(square)
        self.play(square.animate.shift(4 * RIGHT * -1), run_time=1.0)
        if self.fail:
            raise RuntimeError("a scene that fails half-way")
        self.wait(0.5)
        self.play(square.animate.scale(0.5), run_time=0.5)


def render(tmp_path, fail: bool = False):
    settings = {
        "pixel_width": 128,
        "pixel_height": 72,
        "frame_rate": FPS,
        "disable_caching": True,
        "media_dir": str(tmp_path),
        "output_file": "tiny",
        "verbosity": "ERROR",
        "progress_bar": "none",
        "write_to_movie": True,
        "video_encoder_options": encoder_options("libx264", FPS),
    }
    with tempconfig(settings):
        scene = Tiny(renderer=CairoRenderer(file_writer_class=ClipWriter))
        scene.fail = fail
        scene.render()
        return scene.output_plan.primary_artifact


def test_options_for_each_codec():
    x264 = encoder_options("libx264", 60)
    assert x264["g"] == "120" and x264["preset"]  # a keyframe every 2 s, for seeking
    assert encoder_options("libx264", 15)["g"] == "30"
    assert encoder_options("libvpx-vp9", 60) == {} and encoder_options("qtrle", 60) == {}


def test_one_stream_with_every_frame_and_the_options(tmp_path):
    movie = render(tmp_path)
    info = media.probe(movie)
    assert (info.frames, info.duration, info.fps, info.codec) == (20, 2.0, FPS, "h264")
    with av.open(str(movie)) as c:
        first = bytes(next(p for p in c.demux(video=0) if p.size))
    with av.open(str(movie)) as c:
        frames = [f.to_ndarray(format="rgb24").astype(int) for f in c.decode(video=0)]
    # x264 writes its settings into the stream: the preset's and our keyframe interval.
    assert b"keyint=20 " in first and b"cabac=0" in first  # cabac=0: the ultrafast preset
    assert len(frames) == 20
    moved = [np.abs(frames[i + 1] - frames[i]).mean() for i in range(19)]
    assert all(m > 0.2 for m in moved[:9])  # the first animation moves on every frame
    assert all(m < 0.1 for m in moved[10:14]) and np.abs(frames[10] - frames[14]).mean() < 0.1  # the held frame
    assert moved[-1] > 0.2  # and the last animation is in the movie too
    # Manim's per-animation files are not written: one stream is all there is.
    segments = [p.name for p in (tmp_path / "videos").rglob("*.mp4") if p != movie]
    assert segments == ["stream.mp4"]


def test_a_failing_scene_stops_its_encoder(tmp_path):
    with pytest.raises(RuntimeError, match="half-way"):
        render(tmp_path, fail=True)
    assert not [t for t in threading.enumerate() if t.name.startswith("partial-movie-encoder")]


def test_longest_chapters_start_first():
    tasks = {c: {"chapter": c} for c in ("pixels", "relu", "learning-step", "unknown", "flatten")}
    order = longest_first(tasks)
    assert order[0] == "learning-step" and order[-1] == "pixels"
    lengths = [TYPICAL_SECONDS.get(c, 60) for c in order]
    assert lengths == sorted(lengths, reverse=True)
