import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

import engine
from scenes import i18n
from tests.catalogs import pseudo_zh


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


@pytest.fixture(scope="session")
def zh_locale(tmp_path_factory) -> Path:
    """A scenes/locale folder with a Chinese catalog: the real one, or while it is absent a pseudo
    translation of every message (Chinese characters of Chinese length), so tests draw real CJK."""
    if i18n.catalog_path("zh").exists():
        return i18n.LOCALE_DIR
    return pseudo_zh(tmp_path_factory.mktemp("locale"))


@pytest.fixture
def zh(zh_locale, monkeypatch):
    """Everything after this speaks Chinese (see ``zh_locale``); English again afterwards."""
    monkeypatch.setattr(i18n, "LOCALE_DIR", zh_locale)
    i18n._catalog.cache_clear()
    i18n.set_language("zh")
    yield zh_locale
    i18n.set_language("en")
    i18n._catalog.cache_clear()
