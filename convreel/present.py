"""``present.html``: present a render folder live, one chapter at a time, one section per key press.

The page is self-contained (inline CSS and JavaScript) and carries the folder's chapters, sections
and caption cues as JSON embedded at write time, because a page opened from ``file://`` may not
fetch ``manifest.json`` or the ``.vtt`` files next to it. It plays the clips in the folder by
relative name, so it works from a disk, a USB stick or any static web server, offline.
"""

from __future__ import annotations

import html
import json
from importlib import resources
from pathlib import Path

from convreel import cues, manifest, media

NAME = "present.html"
_MIME = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}


def _chapter(folder: Path, clip: dict) -> dict:
    vtt = folder / clip["files"]["captions"]["vtt"]
    # A folder whose captions were deleted still presents, without captions.
    clip_cues = cues.parse_vtt(vtt.read_text(encoding="utf-8")) if vtt.is_file() else []
    return {
        "order": clip["order"],
        "id": clip["chapter"],
        "title": clip["title"],
        "video": clip["files"]["video"],
        "poster": clip["files"]["poster"],
        "type": _MIME.get(clip["format"]),  # None for a GIF: shown as an image, no steps
        "fps": clip["fps"],
        "duration": clip["duration"],
        "sections": [{"name": n, "start": a, "end": b} for n, a, b in cues.section_bounds(clip)],
        "cues": [[c.start, c.end, c.text] for c in clip_cues],
    }


def page_data(folder: Path, data: dict) -> dict:
    """What the page needs from the manifest, in the page's own small shape."""
    return {"chapters": [_chapter(folder, c) for c in sorted(data["clips"], key=lambda c: c["order"])]}


def _title(data: dict) -> str:
    clips = data["clips"]
    if not clips:
        return "ConvReel: present"
    return f"Present: {clips[0]['example']} · {clips[0]['image']['file']} (ConvReel)"


def render_html(folder: Path, data: dict) -> str:
    template = resources.files("convreel").joinpath("templates", NAME).read_text(encoding="utf-8")
    # Any "<" could end or confuse the <script> element holding the data ("</script>", "<!--").
    embedded = json.dumps(page_data(folder, data), ensure_ascii=False).replace("<", "\\u003c")
    return template.replace("{{TITLE}}", html.escape(_title(data))).replace("{{DATA}}", embedded)


def write(folder: Path) -> Path:
    """Write (or rewrite) ``present.html`` for the folder's current manifest."""
    folder = Path(folder)
    with manifest.locked(folder):
        data = manifest.read(folder)
        path = folder / NAME
        media.write_atomic(path, render_html(folder, data))
    return path
