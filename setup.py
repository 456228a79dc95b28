"""Package layout; the metadata is in pyproject.toml.

The wheel holds every package and sub-package of engine/, scenes/ and convreel/ with their data
files (fonts, catalogs: whatever non-Python file a package folder holds), and ships the
repository's assets/ folder (bundled weights and example images) as the package data
engine/assets, which engine.examples reads with importlib.resources.
"""

from pathlib import Path

from setuptools import find_packages, setup

PACKAGES = find_packages(include=["engine", "engine.*", "scenes", "scenes.*", "convreel", "convreel.*"])
SKIP = {"__pycache__", "media"}  # caches, and Manim's output if someone ran it inside a package folder


def data_files(folder: Path) -> list[str]:
    """Non-Python files of a package folder and its plain (non-package) sub-folders, relative to it."""
    found = []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or path.name in SKIP:
            continue
        if path.is_dir() and not (path / "__init__.py").exists():
            found += [f"{path.name}/{name}" for name in data_files(path)]
        elif path.is_file() and path.suffix not in (".py", ".pyc"):
            found.append(path.name)
    return found


setup(
    packages=[*PACKAGES, "engine.assets"],
    package_dir={"engine.assets": "assets"},
    package_data={
        **{name: data_files(Path(*name.split("."))) for name in PACKAGES},
        "engine.assets": ["*.npz", "images/*/*"],
    },
)
