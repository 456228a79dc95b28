"""Which files shape a chapter's clip, for the cache key.

A chapter's clip depends on its scene module, every project module that module imports (directly
or through others: ``engine``, ``scenes`` and its sub-packages, ``convreel``), the clip writer, and
any data file those packages carry (fonts, message catalogs, templates). The imports are read
statically with ``ast``, so no scene (and no Manim) is imported to compute a key; a chapter that
does not import another chapter's module keeps its cached clips when that module changes.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path

PACKAGES = ("engine", "scenes", "convreel")  # the project's top-level packages
CLIP_WRITER = "convreel.clip"  # renders every clip, so its imports shape every clip
# Folders inside packages that are never inputs: caches, and Manim's output when someone runs the
# plain `manim` CLI from inside a package folder.
_SKIP_DIRS = {"__pycache__", "media"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}

ROOT = Path(__file__).resolve().parent.parent  # the folder holding the packages (site-packages once installed)


def module_file(name: str, root: Path) -> Path | None:
    """The source file of a project module (a package's ``__init__.py``), or None if it is not one."""
    parts = name.split(".")
    if parts[0] not in PACKAGES:
        return None
    base = root.joinpath(*parts)
    for path in (base / "__init__.py", base.with_name(parts[-1] + ".py")):
        if path.is_file():
            return path
    return None


def imported_names(path: Path, name: str) -> set[str]:
    """Every module name an ``import`` in ``path`` may load, anywhere in the file (functions too).

    ``from a.b import c`` may load ``a``, ``a.b`` and, when ``c`` is a sub-module, ``a.b.c``;
    relative imports are resolved against the module's package. Names that are not modules are
    filtered out by the caller.
    """
    return set(_imported_names(path.read_bytes(), name, path.name == "__init__.py"))


@lru_cache(maxsize=1024)
def _imported_names(source: bytes, name: str, is_package: bool) -> frozenset[str]:
    package = name if is_package else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - (node.level - 1)])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    # Importing a.b.c runs a/__init__.py and a/b/__init__.py first.
    return frozenset(".".join(n.split(".")[:i]) for n in names if n for i in range(1, n.count(".") + 2))


def module_closure(start: Iterable[str], root: Path = ROOT) -> dict[str, Path]:
    """The project modules ``start`` loads, transitively: module name -> source file."""
    found: dict[str, Path] = {}
    todo = list(start)
    while todo:
        name = todo.pop()
        if name in found:
            continue
        path = module_file(name, root)
        if path is None:
            continue
        found[name] = path
        todo.extend(imported_names(path, name) - found.keys())
    return found


def data_files(package_dir: Path, skip: Path | None = None) -> list[Path]:
    """Files other than Python source in a package folder and its plain (non-package) sub-folders.

    Sub-packages are left out: their data counts only for chapters that import them. ``skip``: a
    folder hashed on its own (the shipped assets, which an installed wheel keeps inside ``engine``).
    """
    files = []
    for path in package_dir.iterdir():
        if path.name.startswith(".") or path.name in _SKIP_DIRS:
            continue
        if path.is_dir():
            if not (path / "__init__.py").exists() and not (skip is not None and path.resolve() == skip):
                files.extend(data_files(path, skip))
        elif path.suffix not in _SKIP_SUFFIXES and path.suffix != ".py":
            files.append(path)
    return files


def input_files(start: Iterable[str], root: Path = ROOT, assets: Path | None = None) -> dict[str, Path]:
    """Every file that shapes what ``start`` renders, by the name it is hashed under: the module
    closure, its packages' data, and (``assets``) every shipped asset as ``assets/...``."""
    modules = module_closure(start, root)
    skip = assets.resolve() if assets is not None else None
    files = {p.relative_to(root).as_posix(): p for p in modules.values()}
    for folder in {p.parent for p in modules.values()}:
        files.update((p.relative_to(root).as_posix(), p) for p in data_files(folder, skip))
    if assets is not None and assets.is_dir():
        # Named relative to the assets folder, so a source checkout (assets/) and an installed
        # wheel (engine/assets/) give the same key for the same files.
        files.update(
            (f"assets/{p.relative_to(assets).as_posix()}", p)
            for p in assets.rglob("*")
            if p.is_file() and not p.name.startswith(".")
        )
    return dict(sorted(files.items()))


def digest(start: Iterable[str], root: Path = ROOT, assets: Path | None = None) -> str:
    """SHA-256 of every file that shapes what the modules ``start`` render (names and contents)."""
    h = hashlib.sha256()
    for name, path in input_files(start, root, assets).items():
        data = path.read_bytes()
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def chapter_modules(chapter: str) -> list[str]:
    """Where a chapter's imports start: its scene module and the clip writer."""
    from scenes.registry import get_chapter

    return [get_chapter(chapter).import_path, CLIP_WRITER]


@cache
def chapter_build(chapter: str) -> dict[str, str]:
    """What a chapter's clip is built with, for its cache key and to check a worker's clip:
    the digest of its inputs (this module's docstring) and the Manim version."""
    from engine.examples import ASSETS

    return {"source": digest(chapter_modules(chapter), ROOT, ASSETS), "manim": importlib.metadata.version("manim")}
