"""Interrupted and concurrent renders leave only complete files under final names; a damaged cache
entry is never published."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from convreel import media
from tests.conftest import convreel


def _start(args, env):
    # A new session, so the test can send Ctrl-C to the whole process group as a terminal does.
    return subprocess.Popen(
        [sys.executable, "-m", "convreel", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )


def test_ctrl_c_keeps_previous_outputs_and_rerun_continues(rendered, custom_tick, cache_env, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(rendered, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    args = ["render", "pixels", "-e", "tick-cross", "--image", custom_tick, "-o", out, "-j", "1", "--force"]
    proc = _start(args, cache_env)
    cache = cache_env["CONVREEL_CACHE"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(n.startswith(".work-") for n in os.listdir(cache)):
        time.sleep(0.1)  # wait until a worker is rendering
    time.sleep(1.0)
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode != 0
    lines = [line for line in stderr.splitlines() if line.startswith("Error")]
    assert lines == ["Error: interrupted: finished clips are kept in the cache; run again to continue"]
    assert "Traceback" not in stderr
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # nothing replaced, nothing half-written
    assert not [n for n in os.listdir(cache) if n.startswith(".work-")]

    again = convreel(*args[:-1], env=cache_env)  # the same render without --force
    assert again.returncode == 0, again.stderr


def test_two_renders_into_one_folder_at_once(rendered, custom_tick, cache_env, tmp_path):
    out = tmp_path / "shared"
    common = ["-e", "tick-cross", "-o", out, "-j", "1"]
    a = _start(["render", "pixels", "--image", custom_tick, *common], cache_env)
    b = _start(["render", "pixels", "--label", "cross", *common], cache_env)
    for p in (a, b):
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    data = json.loads((out / "manifest.json").read_text())
    (clip,) = data["clips"]  # one chapter, written by whichever finished last, and whole
    assert (out / clip["files"]["video"]).stat().st_size == clip["bytes"]["video"]
    assert not [p.name for p in out.iterdir() if ".tmp" in p.name]


def _entry_of(cache: Path, chapter: str, image: str) -> Path:
    for entry in cache.iterdir():
        meta = entry / "meta.json"
        if meta.exists():
            given = json.loads(meta.read_text()).get("input", {})
            if (given.get("chapter"), given.get("image"), given.get("resolution")) == (chapter, image, None):
                return entry
    raise AssertionError(f"no cache entry for {chapter} of {image}")


def test_damaged_cache_entry_is_never_published_and_heals(rendered, custom_tick, cache_env, tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(cache_env["CONVREEL_CACHE"], cache)
    env = {**cache_env, "CONVREEL_CACHE": str(cache)}
    entry = _entry_of(cache, "pixels", custom_tick.name)
    clip = entry / "clip.mp4"
    clip.write_bytes(clip.read_bytes()[:1000])  # truncated, as by a full disk or a killed copy
    out = tmp_path / "out"
    args = ["render", "pixels", "-e", "tick-cross", "--image", custom_tick, "-o", out, "-j", "1"]
    proc = convreel(*args, env=env)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    assert len(warnings) == 1 and "pixels was damaged (clip.mp4 does not match its checksum)" in warnings[0]
    (published,) = json.loads((out / "manifest.json").read_text())["clips"]
    assert published["cached"] is False
    assert (out / "01-pixels.mp4").read_bytes() == (rendered / "01-pixels.mp4").read_bytes()  # deterministic
    assert media.probe(out / "01-pixels.mp4").duration == published["duration"]

    proc = convreel(*args, env=env)
    assert proc.returncode == 0 and "cached" in proc.stderr and "warning" not in proc.stderr


def test_ctrl_c_during_a_render_loop_is_a_flag_that_cannot_be_swallowed():
    from convreel.render import _ctrl_c_as_flag

    before = signal.getsignal(signal.SIGINT)
    with _ctrl_c_as_flag() as interrupted:
        os.kill(os.getpid(), signal.SIGINT)  # no KeyboardInterrupt here, wherever the thread was
        deadline = time.monotonic() + 5
        while not interrupted.is_set() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert interrupted.is_set()
    assert signal.getsignal(signal.SIGINT) is before
