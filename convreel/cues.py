"""A render folder read back for presenting: its manifest, checked, and each clip's caption cues.

``present.html`` and the PowerPoint export both start here, so both refuse the same bad folders
with the same one-line messages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from convreel import manifest

_REQUIRED = ("chapter", "title", "order", "duration", "fps", "format", "sections", "files")
_STAMP = re.compile(r"(?:(\d+):)?(\d+):(\d+)[.,](\d{3})")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


class RenderFolderError(ValueError):
    """A folder that is not a complete render folder; the message is one line."""


def _seconds(stamp: str) -> float:
    m = _STAMP.fullmatch(stamp.strip())
    if m is None:
        raise ValueError(f"bad caption timestamp {stamp!r}")
    h, mi, s, ms = (int(g or 0) for g in m.groups())
    return h * 3600 + mi * 60 + s + ms / 1000


def parse_vtt(text: str) -> list[Cue]:
    """The cues of a WebVTT (or SRT) file: timing lines ``a --> b`` followed by text lines."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = block.split("\n")
        for i, line in enumerate(lines):
            if "-->" in line:
                a, b = line.split("-->", 1)
                body = "\n".join(lines[i + 1 :]).strip()
                if body:
                    cues.append(Cue(_seconds(a), _seconds(b.split()[0]), body))
                break
    return cues


def clip_cues(folder: Path, clip: dict) -> list[Cue]:
    """The clip's captions, read from the WebVTT file its manifest entry names."""
    return parse_vtt((folder / clip["files"]["captions"]["vtt"]).read_text(encoding="utf-8"))


def section_bounds(clip: dict) -> list[tuple[str, float, float]]:
    """(name, start, end) of each section; the end is start + duration, rounded to milliseconds."""
    return [(s["name"], s["start"], round(s["start"] + s["duration"], 3)) for s in clip["sections"]]


def section_cues(cues: list[Cue], start: float, end: float) -> list[Cue]:
    """The cues that begin inside [start, end): each cue belongs to the section it starts in."""
    eps = 1e-3  # section times and cue times are both rounded to milliseconds
    return [c for c in cues if start - eps <= c.start < end - eps]


def read_render(folder: Path) -> dict:
    """The folder's manifest, after checking that every file it names is there."""
    folder = Path(folder)
    if not folder.is_dir():
        raise RenderFolderError(f"{folder}: not a folder")
    path = folder / manifest.NAME
    if not path.is_file():
        raise RenderFolderError(f"{folder}: no {manifest.NAME} here; is this a render folder?")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RenderFolderError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("schema_version") != manifest.SCHEMA_VERSION:
        raise RenderFolderError(f"{path}: not a ConvReel manifest (schema_version {manifest.SCHEMA_VERSION})")
    clips = data.get("clips")
    if not clips:
        raise RenderFolderError(f"{path}: the manifest lists no clips")
    for clip in clips:
        absent = [k for k in _REQUIRED if k not in clip]
        if absent:
            raise RenderFolderError(f"{path}: a clip entry lacks {', '.join(absent)}")
        try:
            names = [clip["files"]["video"], clip["files"]["poster"], clip["files"]["captions"]["vtt"]]
        except (KeyError, TypeError):
            raise RenderFolderError(f"{path}: clip {clip['chapter']!r} does not name its files") from None
        missing = [n for n in names if not (folder / n).is_file()]
        if missing:
            raise RenderFolderError(f"{folder}: missing {', '.join(missing)} (listed in {manifest.NAME})")
    return data
