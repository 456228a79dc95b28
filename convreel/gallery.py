"""``index.html``: a self-contained static page that plays every clip of a render folder."""

from __future__ import annotations

import html
import json
from pathlib import Path

from convreel import manifest, media
from scenes import i18n
from scenes.i18n import _
from scenes.plans.names import shown

_MIME = {"mp4": "video/mp4", "webm": "video/webm", "mov": "video/quicktime"}

_CSS = """
body { margin: 0; background: #11141a; color: #ecebe8;
       font-family: "DejaVu Sans", "Noto Sans CJK SC", system-ui, sans-serif; }
header { padding: 1.5rem 2rem 0.5rem; }
h1 { margin: 0 0 0.3rem; font-size: 1.6rem; }
header p { margin: 0; color: #9aa3b2; }
a.present { display: inline-block; margin-top: 0.8rem; color: #11141a; background: #ffd84d; border-radius: 6px;
            padding: 0.3rem 0.9rem; font-weight: 700; text-decoration: none; }
main { display: grid; gap: 2rem; padding: 1.5rem 2rem 3rem; max-width: 980px; }
article { background: #191d25; border-radius: 10px; padding: 1rem 1.2rem 1.2rem; }
h2 { margin: 0 0 0.6rem; font-size: 1.2rem; }
h2 span { color: #ffd84d; margin-right: 0.4rem; }
video, img.clip { width: 100%; height: auto; border-radius: 6px; background: #000; }
nav { margin-top: 0.6rem; display: flex; flex-wrap: wrap; gap: 0.4rem; }
nav a { color: #11141a; background: #9aa3b2; border-radius: 999px; padding: 0.15rem 0.7rem;
        font-size: 0.85rem; text-decoration: none; }
nav a:hover { background: #ffd84d; }
.meta { color: #9aa3b2; font-size: 0.85rem; margin-top: 0.5rem; }
"""

_JS = """
document.querySelectorAll("nav a[data-start]").forEach(function (a) {
  a.addEventListener("click", function (e) {
    e.preventDefault();
    var v = document.getElementById(a.dataset.video);
    v.currentTime = parseFloat(a.dataset.start);
    v.play().catch(function () {});
  });
});
"""


def page_language(data: dict) -> str:
    """The language of a render folder's pages: its clips' (English for a folder without clips)."""
    return data["clips"][0].get("language", i18n.DEFAULT_LANGUAGE) if data["clips"] else i18n.DEFAULT_LANGUAGE


def section_title(name: str) -> str:
    """A section's name as a viewer reads it: translated, or the id with spaces ("learning rate")."""
    return _(name).replace("-", " ")


def tracks_html(clip: dict) -> str:
    """One ``<track>`` per caption language, each with its own ``srclang`` and label; the picture's
    language is the default."""
    files = clip["files"]
    tracks = files.get("tracks") or [{"language": clip.get("language", "en"), **files["captions"]}]
    e, picture = html.escape, clip.get("language", "en")
    return "".join(
        f'<track kind="captions" src="{e(t["vtt"])}" srclang="{e(t["language"])}"'
        f' label="{e(i18n.language_name(t["language"]))}"{" default" if t["language"] == picture else ""}>'
        for t in tracks
    )


def _clip_html(clip: dict) -> str:
    e = html.escape
    vid = f"clip-{clip['order']:02d}"
    files = clip["files"]
    if clip["format"] == "gif":
        player = f'<img class="clip" id="{vid}" src="{e(files["video"])}" alt="{e(clip["title"])}">'
    else:
        player = (
            f'<video id="{vid}" controls preload="metadata" poster="{e(files["poster"])}"'
            f' width="{clip["resolution"][0]}" height="{clip["resolution"][1]}">'
            f'<source src="{e(files["video"])}" type="{_MIME[clip["format"]]}">{tracks_html(clip)}'
            "</video>"
        )
    links = "".join(
        f'<a href="#{vid}" data-video="{vid}" data-start="{s["start"]}">{e(section_title(s["name"]))}</a>'
        for s in clip["sections"]
        if clip["format"] != "gif"
    )
    label = None if clip["label"] is None else shown(str(clip["label"]))
    verdict = _("prediction: {name}").format(name=shown(str(clip["prediction"])))
    if label is not None:
        verdict += " · " + (_("label: {name} (assumed)") if clip["label_assumed"] else _("label: {name}")).format(
            name=label
        )
    return (
        f'<article data-chapter="{e(clip["chapter"])}" data-duration="{clip["duration"]}">'
        f"<h2><span>{clip['order']}</span>{e(clip['title'])}</h2>{player}<nav>{links}</nav>"
        f'<p class="meta">{clip["duration"]:.1f} s · {clip["resolution"][0]}×{clip["resolution"][1]}'
        f" · {e(verdict)}</p></article>"
    )


def render_html(data: dict) -> str:
    """The page, in its clips' language (see ``page_language``)."""
    with i18n.speaking(page_language(data)) as lang:
        clips = data["clips"]
        first = clips[0] if clips else None
        subtitle = (
            _("Example: {example} · image: {image}").format(example=first["example"], image=first["image"]["file"])
            if first
            else ""
        )
        body = "\n".join(_clip_html(c) for c in clips)
        embedded = json.dumps(data).replace("</", "<\\/")  # keep "</script>" inside strings harmless
        e = html.escape
        title, heading, present = _("ConvReel explainer"), _("How a CNN sees: the explainer"), _("Present in class")
        hint = _("One chapter at a time: arrow keys or a clicker")
        return (
            f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
            f"<title>{e(title)}</title><style>{_CSS}</style></head><body>"
            f"<header><h1>{e(heading)}</h1><p>{e(subtitle)}</p>"
            f'<a class="present" href="present.html" title="{e(hint)}">{e(present)} ▸</a></header>'
            f"<main>\n{body}\n</main>"
            f'<script type="application/json" id="manifest">{embedded}</script>'
            f"<script>{_JS}</script></body></html>\n"
        )


def write(folder: Path) -> Path:
    with manifest.locked(folder):
        data = manifest.read(folder)
        path = folder / "index.html"
        media.write_atomic(path, render_html(data))
    return path
