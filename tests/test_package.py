"""The wheel: what it carries, and that an installed copy runs from any folder without writing
inside itself. (A full install into a fresh virtual environment is checked by hand: too slow here.)"""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from convreel import sources

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("engine", "scenes", "convreel")
EXTRA = {
    "scenes/fonts/Reel.ttf": b"font",
    "convreel/locale/zh/LC_MESSAGES/convreel.mo": b"catalog",
    "scenes/media/videos/old.mp4": b"video",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from a copy of the tree (so the build leaves nothing in the repository)."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in (*PACKAGES, "assets"):
        shutil.copytree(REPO / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(REPO / name, src / name)
    # Data files a package may come to hold (they ship), and a render left in one (it does not).
    for name, data in EXTRA.items():
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_bytes(data)
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        str(src),
        "-w",
        tmp / "dist",
    ]
    subprocess.run(cmd, check=True, capture_output=True)
    (path,) = (tmp / "dist").glob("convreel-*.whl")
    return path


def test_wheel_carries_every_module_and_the_bundled_assets(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {
        p.relative_to(REPO).as_posix()
        for pkg in PACKAGES
        for p in (REPO / pkg).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert modules <= names, sorted(modules - names)
    assets = {
        f"engine/assets/{p.relative_to(REPO / 'assets').as_posix()}"
        for p in (REPO / "assets").rglob("*")
        if p.is_file()
    }
    assert {"engine/assets/tick-cross.npz", "engine/assets/face.npz"} <= assets <= names
    assert {n.split("/")[0] for n in names} == {*PACKAGES, wheel.name.split("-py3")[0] + ".dist-info"}
    assert {"scenes/fonts/Reel.ttf", "convreel/locale/zh/LC_MESSAGES/convreel.mo"} <= names
    # Every data file the cache key counts (templates, catalogs) ships too.
    packages = {p.parent for pkg in PACKAGES for p in (REPO / pkg).rglob("__init__.py")}
    data = {p.relative_to(REPO).as_posix() for folder in packages for p in sources.data_files(folder)}
    assert data <= names, sorted(data - names)
    assert not [n for n in names if "/media/" in n or "__pycache__" in n]
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "convreel = convreel.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _listing(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_size for p in folder.rglob("*")}


def test_installed_copy_runs_anywhere_and_writes_only_to_the_current_folder_and_cache(wheel, tmp_path):
    site = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "empty folder"
    work.mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "PYTHONDONTWRITEBYTECODE": "1",  # pip compiles on install; an unpacked wheel would get new .pyc files
        "CONVREEL_CACHE": str(tmp_path / "cache"),
    }
    env.pop("CONVREEL_ASSETS", None)
    before = _listing(site)

    def run(*args):
        proc = subprocess.run(
            [sys.executable, "-m", "convreel", *map(str, args)], cwd=work, env=env, capture_output=True, text=True
        )
        assert proc.returncode == 0, proc.stderr
        return proc

    where = subprocess.run(
        [sys.executable, "-c", "import convreel, engine; print(convreel.__file__); print(engine.examples.ASSETS)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert where == [str(site / "convreel" / "__init__.py"), str(site / "engine" / "assets")]

    assert "tick-cross" in run("list").stdout
    image = site / "engine" / "assets" / "images" / "face" / "captain.png"
    assert json.loads(run("predict", image, "-e", "face", "--json").stdout)["prediction"] == "Captain"
    run("train", "tick-cross")
    assert (work / "tick-cross.npz").stat().st_size > 0
    run("render", "pixels", "-e", "tick-cross", "--resolution", "320x180", "--fps", "5", "-j", "1")
    out = work / "renders" / "tick-cross-tick"
    assert (out / "01-pixels.mp4").stat().st_size > 0 and (out / "manifest.json").exists()
    assert len([p for p in (tmp_path / "cache").iterdir() if len(p.name) == 32]) == 1
    assert _listing(site) == before
    assert sorted(p.name for p in work.iterdir()) == ["renders", "tick-cross.npz"]
