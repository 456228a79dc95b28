import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image, ImageDraw

import engine


@pytest.fixture(scope="session")
def models() -> dict[str, engine.Network]:
    return {name: engine.load_model(name) for name in engine.EXAMPLES}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


def convreel(*args, env=None) -> subprocess.CompletedProcess:
    """The CLI in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "convreel", *map(str, args)], capture_output=True, text=True, env=env)


@pytest.fixture(scope="session")
def custom_tick(tmp_path_factory):
    """A tick drawn in blue pen on paper, off-centre, at photo size: nothing like the shipped one."""
    path = tmp_path_factory.mktemp("img") / "my tick.jpg"
    img = Image.new("RGB", (600, 480), (250, 248, 240))
    ImageDraw.Draw(img).line([(170, 260), (260, 360), (430, 120)], fill=(20, 40, 160), width=38)
    img.save(path, quality=92)
    return path


@pytest.fixture(scope="session")
def cache_env(tmp_path_factory):
    return {**os.environ, "CONVREEL_CACHE": str(tmp_path_factory.mktemp("cache"))}


@pytest.fixture(scope="session")
def rendered(custom_tick, cache_env, tmp_path_factory):
    """Chapters of the tick-cross explainer for a custom image, rendered once for the session."""
    out = tmp_path_factory.mktemp("out")
    proc = convreel("render", "pixels", "-e", "tick-cross", "--image", custom_tick, "-o", out, "-j", "1", env=cache_env)
    assert proc.returncode == 0, proc.stderr
    return out
