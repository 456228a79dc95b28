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
from convreel.gallery import page_language, section_title
from scenes import i18n
from scenes.i18n import N_, _

NAME = "present.html"
_MIME = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}
# The page's own words: ``{{ui.KEY}}`` in the template's HTML, ``ui.KEY`` in its script (with
# {fields} the script fills in).
UI = {
    "captions_key": N_("Captions (C)"),
    "next_step": N_("next step"),
    "back": N_("back"),
    "chapter": N_("chapter"),
    "captions": N_("captions"),
    "full_screen": N_("full screen"),
    "keys": N_("keys"),
    "keys_title": N_("Keys"),
    "help_title": N_("Presenting: keys"),
    "help_next": N_("play the next step"),
    "help_back": N_("back one step"),
    "help_ends": N_("first / last chapter"),
    "help_number": N_("go to that chapter"),
    "help_captions": N_("captions on / off"),
    "help_help": N_("this help"),
    "chapters": N_("Chapters"),
    "empty": N_("No clips in this folder yet: render some chapters first."),
    "whole_clip": N_("whole clip"),
    "cover_number": N_("Chapter {n}"),
    "cover_step": N_("{n} step · {s} s"),
    "cover_steps": N_("{n} steps · {s} s"),
    "where": N_("chapter {k}/{m}"),
    "where_step": N_("step {i}/{n} · chapter {k}/{m}"),
    "click": N_("Click the picture to start playing"),
    "cannot_play": N_("This browser cannot play {video}"),
}


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
        "sections": [
            {"name": n, "title": section_title(n), "start": a, "end": b} for n, a, b in cues.section_bounds(clip)
        ],
        "cues": [[c.start, c.end, c.text] for c in clip_cues],
    }


def page_data(folder: Path, data: dict) -> dict:
    """What the page needs from the manifest, in the page's own small shape (in the current
    language: see ``render_html``)."""
    lang = i18n.language()
    return {
        "chapters": [_chapter(folder, c) for c in sorted(data["clips"], key=lambda c: c["order"])],
        "lang": lang,
        "language": i18n.language_name(lang),  # the captions' label
        "ui": {key: _(message) for key, message in UI.items()},
    }


def _title(data: dict) -> str:
    clips = data["clips"]
    if not clips:
        return _("ConvReel: present")
    return _("Present: {example} · {image} (ConvReel)").format(
        example=clips[0]["example"], image=clips[0]["image"]["file"]
    )


def render_html(folder: Path, data: dict) -> str:
    """The page, in its clips' language."""
    template = resources.files("convreel").joinpath("templates", NAME).read_text(encoding="utf-8")
    with i18n.speaking(page_language(data)) as lang:
        page = page_data(folder, data)
        # Any "<" could end or confuse the <script> element holding the data ("</script>", "<!--").
        embedded = json.dumps(page, ensure_ascii=False).replace("<", "\\u003c")
        out = template.replace("{{LANG}}", lang)
        for key, text in page["ui"].items():
            out = out.replace(f"{{{{ui.{key}}}}}", html.escape(text))
        return out.replace("{{TITLE}}", html.escape(_title(data))).replace("{{DATA}}", embedded)


def write(folder: Path) -> Path:
    """Write (or rewrite) ``present.html`` for the folder's current manifest."""
    folder = Path(folder)
    with manifest.locked(folder):
        data = manifest.read(folder)
        path = folder / NAME
        media.write_atomic(path, render_html(folder, data))
    return path
