"""The source part of a clip's cache key: every project module a chapter imports, and their data.

Tests edit copies of source trees in temporary folders, never the real files.
"""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from convreel import sources
from scenes.registry import CHAPTERS

REPO = Path(__file__).resolve().parent.parent


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


@pytest.fixture
def tree(tmp_path) -> Path:
    """A small project in the house layout: chapters, a parts package, plans, the engine, the writer."""
    write(
        tmp_path,
        {
            "engine/__init__.py": "from .network import Network\n",
            "engine/network.py": "import numpy as np\n",
            "engine/unused.py": "x = 1\n",
            "scenes/__init__.py": "",
            "scenes/base.py": "from scenes.parts import frame\nfrom engine import Network\n",
            "scenes/parts/__init__.py": "from .grid import Grid\nfrom .glass import *\n",
            "scenes/parts/grid.py": "from ..style import COLOURS\n",
            "scenes/parts/glass.py": "import manim\n",
            "scenes/parts/fonts/Inter.ttf": "font bytes",
            "scenes/style.py": "COLOURS = {}\n",
            "scenes/plans/__init__.py": "",
            "scenes/plans/pooling.py": "from . import shared\n",
            "scenes/plans/shared.py": "def pick():\n    import engine.unused\n",
            "scenes/plans/table.csv": "a,b\n",
            "scenes/relu.py": "from scenes.base import ChapterScene\n",
            "scenes/pooling.py": (
                "from scenes.base import ChapterScene\nfrom scenes.plans.pooling import plan\nfrom scenes import relu\n"
            ),
            "scenes/pixels.py": "from .base import ChapterScene\n",
            "scenes/media/videos/old.mp4": "a render made with the plain manim CLI",
            "convreel/__init__.py": "",
            "convreel/clip.py": "def render():\n    from convreel import media\n",
            "convreel/media.py": "import av\n",
            "convreel/render.py": "from convreel import clip\n",
        },
    )
    return tmp_path


def digest(tree: Path, chapter: str) -> str:
    return sources.digest([f"scenes.{chapter}", sources.CLIP_WRITER], tree)


def test_closure_follows_packages_relative_imports_and_function_bodies(tree):
    found = set(sources.module_closure(["scenes.pooling", sources.CLIP_WRITER], tree))
    assert found == {
        "engine",
        "engine.network",
        "engine.unused",  # imported inside a function of scenes/plans/shared.py
        "scenes",
        "scenes.base",
        "scenes.parts",
        "scenes.parts.grid",
        "scenes.parts.glass",  # a star import of a relative module
        "scenes.style",  # `from ..style import` two levels up
        "scenes.plans",
        "scenes.plans.pooling",
        "scenes.plans.shared",  # `from . import shared`
        "scenes.relu",  # `from scenes import relu`: a module, not a name
        "scenes.pooling",
        "convreel",
        "convreel.clip",
        "convreel.media",
    }
    assert "scenes.plans" not in sources.module_closure(["scenes.pixels"], tree)


def test_data_files_of_imported_packages_only(tree):
    pooling = sources.input_files(["scenes.pooling"], tree)
    pixels = sources.input_files(["scenes.pixels"], tree)
    assert "scenes/parts/fonts/Inter.ttf" in pooling and "scenes/parts/fonts/Inter.ttf" in pixels
    assert "scenes/plans/table.csv" in pooling and "scenes/plans/table.csv" not in pixels
    assert not [n for n in pooling if "media" in n or n.endswith(".pyc")]


@pytest.mark.parametrize(
    "edited",
    [
        "scenes/base.py",
        "scenes/style.py",
        "scenes/parts/__init__.py",
        "scenes/parts/grid.py",
        "scenes/parts/fonts/Inter.ttf",
        "scenes/plans/shared.py",
        "scenes/relu.py",
        "engine/__init__.py",
        "engine/unused.py",
        "convreel/media.py",
    ],
)
def test_editing_an_imported_file_changes_the_key(tree, edited):
    before = digest(tree, "pooling")
    with open(tree / edited, "a") as fh:
        fh.write("\n# edited\n")
    assert digest(tree, "pooling") != before


@pytest.mark.parametrize(
    "edited",
    ["scenes/pixels.py", "scenes/media/videos/old.mp4", "convreel/render.py", "scenes/plans/__init__.py"],
)
def test_editing_a_file_the_chapter_does_not_import_keeps_the_key(tree, edited):
    chapter = "relu"  # imports base (parts, style, engine) but neither plans, pixels nor pooling
    before = digest(tree, chapter)
    with open(tree / edited, "a") as fh:
        fh.write("\n# edited\n")
    assert digest(tree, chapter) == before


def test_assets_are_named_the_same_wherever_they_live(tree):
    """A source checkout keeps assets/ beside the packages, a wheel inside engine/: same key."""
    checkout = tree / "assets"
    write(checkout, {"m.npz": "weights", "images/a/x.png": "png"})
    installed = tree / "engine" / "assets"
    shutil.copytree(checkout, installed)
    names = sources.input_files(["scenes.relu"], tree, installed)
    assert "assets/m.npz" in names and not [n for n in names if n.startswith("engine/assets")]
    shutil.rmtree(installed)
    a = sources.digest(["scenes.relu"], tree, checkout)
    (checkout / "images/a/x.png").write_text("another png")
    assert sources.digest(["scenes.relu"], tree, checkout) != a


def _runtime_imports() -> dict[str, list[str]]:
    """The project modules Python really loads for each chapter (and the clip writer): one
    subprocess imports Manim once, then forks a child per chapter."""
    script = textwrap.dedent(
        """
        import importlib, json, os, sys
        import manim
        from scenes.registry import CHAPTERS
        out = {}
        for ch in CHAPTERS:
            r, w = os.pipe()
            if os.fork() == 0:
                importlib.import_module(ch.import_path)
                import convreel.clip
                names = [m for m in sys.modules if m.split(".")[0] in ("engine", "scenes", "convreel")]
                os.write(w, json.dumps(names).encode())
                os._exit(0)
            os.close(w)
            with os.fdopen(r) as fh:
                out[ch.id] = json.loads(fh.read())
            os.wait()
        print(json.dumps(out))
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def test_static_closure_covers_every_module_each_chapter_really_imports():
    runtime = _runtime_imports()
    modules = {c.import_path for c in CHAPTERS}
    for ch in CHAPTERS:
        static = set(sources.module_closure(sources.chapter_modules(ch.id), REPO))
        loaded = set(runtime[ch.id])
        assert loaded <= static, (ch.id, loaded - static)
        # No other chapter's module in the key unless the chapter really imports it.
        assert static & modules == loaded & modules, ch.id


def test_real_tree_edit_in_a_copy(tmp_path):
    """In a copy of the real tree: editing a chapter's module changes its key and the keys of the
    chapters that import it, no other; editing the engine changes every key."""
    for name in sources.PACKAGES:
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))

    def keys() -> dict[str, str]:
        return {c.id: sources.digest(sources.chapter_modules(c.id), tmp_path) for c in CHAPTERS}

    before = keys()
    closures = {c.id: set(sources.input_files(sources.chapter_modules(c.id), tmp_path)) for c in CHAPTERS}
    own = {c.id: sources.module_file(c.import_path, tmp_path).relative_to(tmp_path).as_posix() for c in CHAPTERS}
    for edited in [*own.values(), "engine/__init__.py"]:
        path = tmp_path / edited
        original = path.read_bytes()
        path.write_bytes(original + b"\n# edited\n")
        after = keys()
        path.write_bytes(original)
        for c in CHAPTERS:
            assert (after[c.id] != before[c.id]) == (edited in closures[c.id]), (edited, c.id)
    assert all("engine/__init__.py" in files for files in closures.values())
    assert all(own[c.id] in closures[c.id] for c in CHAPTERS)
