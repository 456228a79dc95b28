"""The clip cache: one folder per clip under its content key, verified before every reuse.

An entry holds the clip, its poster, captions and ``meta.json``, and a ``SHA256SUMS`` file (the
format ``sha256sum -c`` reads) written last. An entry is trusted only when every file it needs is
listed there and hashes to the listed value; anything else (a truncated clip, a file deleted by
hand, an entry from an older ConvReel) is discarded and rendered again. The cache lives in the
user's cache folder (``$CONVREEL_CACHE`` overrides) and is kept under a size bound by removing
the least recently used entries.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import platformdirs

SUMS = "SHA256SUMS"
NEEDED = ("meta.json", "poster.png", "captions.srt", "captions.vtt")  # plus the video meta.json names
DEFAULT_MAX_SIZE = 5 * 1024**3
_LIMIT_FILE = "max-size"  # the bound set with `convreel cache --max-size`, in bytes
_ENTRY = re.compile(r"[0-9a-f]{32}")
_UNITS = {"": 1, "B": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


class CacheError(ValueError):
    """Bad cache settings; the message is one line."""


def root() -> Path:
    """The cache folder: ``$CONVREEL_CACHE``, else the user's cache directory (e.g. ~/.cache/convreel)."""
    env = os.environ.get("CONVREEL_CACHE")
    return Path(env) if env else platformdirs.user_cache_path("convreel", appauthor=False)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_sums(folder: Path) -> None:
    """Record the SHA-256 of every file in ``folder`` (call last, before the folder is renamed into place)."""
    lines = [f"{sha256_file(p)}  {p.name}\n" for p in sorted(folder.iterdir()) if p.is_file() and p.name != SUMS]
    (folder / SUMS).write_text("".join(lines), encoding="utf-8")


def read_sums(text: str) -> dict[str, str]:
    sums = {}
    for line in text.splitlines():
        digest, sep, name = line.partition("  ")
        if not sep or not re.fullmatch(r"[0-9a-f]{64}", digest) or "/" in name or name in ("", ".", ".."):
            raise ValueError("unreadable checksum list")
        sums[name] = digest
    return sums


def _check(sums: dict[str, str], digest_of) -> str | None:
    """What is wrong with an entry whose files hash as ``digest_of(name)`` (None: nothing)."""
    needed = [n for n in NEEDED if n not in sums]
    if needed:
        return f"{needed[0]} is not recorded"
    for name, expected in sums.items():
        actual = digest_of(name)
        if actual is None:
            return f"{name} is missing"
        if actual != expected:
            return f"{name} does not match its checksum"
    return None


def verify(entry: Path) -> tuple[dict | None, str | None]:
    """``(meta, None)`` for an entry whose files are all present and intact, else ``(None, problem)``."""
    try:
        sums = read_sums((entry / SUMS).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"{SUMS} is missing (incomplete entry)"
    except (OSError, UnicodeDecodeError, ValueError):
        return None, f"{SUMS} is unreadable"

    def digest_of(name: str) -> str | None:
        path = entry / name
        return sha256_file(path) if path.is_file() else None

    problem = _check(sums, digest_of)
    if problem is None:
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        if meta.get("video") not in sums:
            return None, "the video is not recorded"
        return meta, None
    return None, problem


def verify_files(files: dict[str, bytes]) -> tuple[dict | None, str | None]:
    """Like ``verify`` for an entry's files received as bytes (from a cluster worker)."""
    try:
        sums = read_sums(files[SUMS].decode("utf-8"))
    except KeyError:
        return None, f"{SUMS} is missing"
    except (UnicodeDecodeError, ValueError):
        return None, f"{SUMS} is unreadable"
    problem = _check(sums, lambda name: sha256_bytes(files[name]) if name in files else None)
    if problem is None:
        meta = json.loads(files["meta.json"])
        if meta.get("video") not in sums:
            return None, "the video is not recorded"
        return meta, None
    return None, problem


def store(entry: Path, files: dict[str, bytes]) -> None:
    """Write a verified entry received as bytes: into a temporary folder, then renamed into place."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".store-{os.getpid()}-", dir=entry.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        discard(entry)
        os.rename(tmp, entry)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def discard(entry: Path) -> None:
    """Remove an entry (renamed first, so no reader ever sees it half-deleted)."""
    if not entry.exists():
        return
    doomed = entry.with_name(f".discard-{os.getpid()}-{entry.name}")
    try:
        os.rename(entry, doomed)
    except OSError:
        return  # another process removed or replaced it first
    shutil.rmtree(doomed, ignore_errors=True)


def touch(entry: Path) -> None:
    """Mark an entry as used now (the size bound removes the least recently used first)."""
    try:
        os.utime(entry)
    except OSError:
        pass


@dataclass(frozen=True)
class Entry:
    key: str
    path: Path
    bytes: int
    last_used: float  # seconds since the epoch
    meta: dict  # empty when meta.json is unreadable

    @property
    def description(self) -> dict:
        return self.meta.get("input", {})


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def entries(folder: Path | None = None) -> list[Entry]:
    """The cache's entries, most recently used first."""
    folder = folder or root()
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if not (_ENTRY.fullmatch(path.name) and path.is_dir()):
            continue
        try:
            meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        try:
            found.append(Entry(path.name, path, _size(path), path.stat().st_mtime, meta))
        except FileNotFoundError:
            continue  # removed while we looked
    return sorted(found, key=lambda e: e.last_used, reverse=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _leftovers(folder: Path) -> list[Path]:
    """Temporary folders of renders that died without cleaning up (their process is gone)."""
    found = []
    for path in folder.glob(".*-*-*"):
        kind, _, rest = path.name[1:].partition("-")
        pid = rest.partition("-")[0]
        if kind in ("work", "store", "discard") and pid.isdigit() and not _alive(int(pid)):
            found.append(path)
    return found


@contextmanager
def _locked(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def prune(max_bytes: int | None = None, folder: Path | None = None) -> list[Entry]:
    """Remove the least recently used entries until the cache is within ``max_bytes``
    (default: the configured bound); return what was removed."""
    folder = folder or root()
    if not folder.is_dir():
        return []
    limit = max_size(folder) if max_bytes is None else max_bytes
    removed = []
    with _locked(folder):
        for path in _leftovers(folder):
            shutil.rmtree(path, ignore_errors=True)
        found = entries(folder)
        total = sum(e.bytes for e in found)
        for e in reversed(found):  # oldest first
            if total <= limit:
                break
            discard(e.path)
            total -= e.bytes
            removed.append(e)
    return removed


def clear(folder: Path | None = None) -> int:
    """Remove every entry; return how many there were."""
    folder = folder or root()
    if not folder.is_dir():
        return 0
    with _locked(folder):
        found = entries(folder)
        for e in found:
            discard(e.path)
        for path in _leftovers(folder):
            shutil.rmtree(path, ignore_errors=True)
    return len(found)


def parse_size(text: str) -> int:
    """``"500M"``, ``"2G"``, ``"1.5GB"``, ``"0"`` -> bytes (binary units)."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?\s*", text.upper())
    if not m:
        raise CacheError(f"cannot read size {text!r}; use e.g. 500M or 2G")
    return int(float(m.group(1)) * _UNITS[m.group(2)])


def human(n: float) -> str:
    """A byte count for people: ``"512 B"``, ``"3.4 MB"``."""
    if n < 1024:
        return f"{n:.0f} B"
    for unit in ("KB", "MB"):
        n /= 1024
        if n < 1024:
            return f"{n:.1f} {unit}"
    return f"{n / 1024:.1f} GB"


def max_size(folder: Path | None = None) -> int:
    """The size bound: set with ``set_max_size`` (``convreel cache --max-size``), else 5 GB."""
    path = (folder or root()) / _LIMIT_FILE
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return DEFAULT_MAX_SIZE


def set_max_size(n: int, folder: Path | None = None) -> None:
    folder = folder or root()
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{_LIMIT_FILE}.{os.getpid()}.tmp"
    tmp.write_text(f"{n}\n")
    os.replace(tmp, folder / _LIMIT_FILE)


def age(seconds: float) -> str:
    """How long ago, for a listing: ``"3 min ago"``."""
    d = max(0.0, time.time() - seconds)
    for unit, span in (("d", 86400), ("h", 3600), ("min", 60)):
        if d >= span:
            return f"{d / span:.0f} {unit} ago"
    return "just now"
