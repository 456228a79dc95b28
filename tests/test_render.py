"""``convreel render`` end to end: real Manim renders at low quality into temporary folders."""

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from convreel import media
from tests.conftest import convreel
from tests.scene_helpers import build


def test_custom_image_gives_a_playable_mp4_of_the_expected_duration(rendered, custom_tick):
    video = rendered / "01-pixels.mp4"
    expected = build("pixels", "tick-cross", image=custom_tick).time
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        frames = sum(1 for _ in c.decode(s))
        assert (s.codec_context.name, s.codec_context.format.name) == ("h264", "yuv420p")
    info = media.probe(video)
    assert (info.width, info.height, info.fps) == (854, 480, 15.0)
    assert frames == pytest.approx(info.duration * 15, abs=1)
    # Manim rounds each animation to whole frames, so a clip may run a few frames past the sum
    # of its run times.
    assert info.duration == pytest.approx(expected, abs=0.25)
    assert media.is_faststart(video)


def test_render_outputs_and_manifest(rendered, custom_tick):
    data = json.loads((rendered / "manifest.json").read_text())
    assert data["schema_version"] == 1
    (clip,) = data["clips"]
    assert clip["chapter"] == "pixels" and clip["example"] == "tick-cross"
    assert clip["image"]["file"] == custom_tick.name
    assert clip["label_assumed"] is True and clip["label"] == clip["prediction"] == "tick"
    for role, name in [("video", "01-pixels.mp4"), ("poster", "01-pixels.png"), ("srt", "01-pixels.srt")]:
        assert clip["bytes"][role] == (rendered / name).stat().st_size > 0
    assert clip["sections"][0] == {
        "name": "title",
        "start": 0.0,
        "duration": pytest.approx(clip["sections"][1]["start"]),
    }
    assert sum(s["duration"] for s in clip["sections"]) == pytest.approx(clip["duration"], abs=0.01)
    assert (rendered / "01-pixels.vtt").read_text().startswith("WEBVTT")
    poster = np.asarray(Image.open(rendered / "01-pixels.png"))
    assert poster.shape == (480, 854, 3) and poster.std() > 10  # a real picture, not a blank frame
    assert (rendered / "index.html").exists()
    assert not [p for p in rendered.iterdir() if p.name.endswith(".tmp")]


def test_second_run_reuses_the_cache(rendered, custom_tick, cache_env):
    before = (rendered / "01-pixels.mp4").read_bytes()
    proc = convreel("render", "pixels", "-e", "tick-cross", "--image", custom_tick, "-o", rendered, env=cache_env)
    assert proc.returncode == 0 and "cached" in proc.stderr
    assert (rendered / "01-pixels.mp4").read_bytes() == before
    assert json.loads((rendered / "manifest.json").read_text())["clips"][0]["cached"] is True


def test_bad_input_fails_cleanly_and_writes_nothing(tmp_path, cache_env):
    (tmp_path / "notes.png").write_text("not a picture")
    out = tmp_path / "out"
    for args, code, message in [
        (("--image", tmp_path / "notes.png"), 1, "not an image file"),
        (("--image", tmp_path / "missing.png"), 1, "file not found"),
        (("--label", "circle"), 1, "unknown label"),
        (("--format", "mp4", "--transparent"), 1, "--transparent needs"),
        (("--resolution", "12x5"), 2, "must be even"),
        (("--resolution", "wide"), 2, "WIDTHxHEIGHT"),
    ]:
        proc = convreel("render", "pixels", "-e", "tick-cross", "-o", out, *args, env=cache_env)
        assert proc.returncode == code, (args, proc.stderr)
        assert message in proc.stderr and "Traceback" not in proc.stderr
        assert not out.exists()


def test_default_output_is_renders_in_the_current_folder(rendered, custom_tick, cache_env, tmp_path):
    env = {**cache_env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run(
        [sys.executable, "-m", "convreel", "render", "pixels", "-e", "tick-cross", "--image", custom_tick],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.endswith(" in renders/tick-cross-my tick\n") and "cached" in proc.stderr
    assert (tmp_path / "renders" / "tick-cross-my tick" / "01-pixels.mp4").read_bytes() == (
        rendered / "01-pixels.mp4"
    ).read_bytes()
