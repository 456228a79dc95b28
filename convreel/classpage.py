"""The class index of a batch: ``index.html`` in the batch folder, one card per image.

Each card shows the image's poster, the network's prediction (and the true label when one was
given) and links to that image's explainer page; images that could not be rendered are listed
with the reason. A self-contained static page, like each explainer's own ``index.html``.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from convreel import media
from scenes import i18n
from scenes.i18n import _, ngettext
from scenes.plans.names import shown

if TYPE_CHECKING:
    from convreel.batch import Batch, Outcome

NAME = "index.html"
POSTER_CHAPTER = "pixels"  # the poster that shows the student's own picture, as numbers

_CSS = """
body { margin: 0; background: #11141a; color: #ecebe8;
       font-family: "DejaVu Sans", "Noto Sans CJK SC", system-ui, sans-serif; }
header { padding: 1.5rem 2rem 0.5rem; }
h1 { margin: 0 0 0.3rem; font-size: 1.6rem; }
header p { margin: 0; color: #9aa3b2; }
main { display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 1.2rem;
       padding: 1.5rem 2rem; }
article { background: #191d25; border-radius: 10px; overflow: hidden; }
article a { color: inherit; text-decoration: none; display: block; }
article img { width: 100%; height: auto; display: block; background: #000; aspect-ratio: 16 / 9; object-fit: cover; }
article div { padding: 0.6rem 0.9rem 0.9rem; }
h2 { margin: 0 0 0.3rem; font-size: 1.05rem; overflow-wrap: anywhere; }
.prediction { color: #ffd84d; }
.meta { color: #9aa3b2; font-size: 0.85rem; }
.warn { color: #ff8a7a; font-size: 0.85rem; }
section { padding: 0 2rem 3rem; }
section li { color: #ff8a7a; margin: 0.3rem 0; overflow-wrap: anywhere; }
"""


def _percent(p: float) -> str:
    """A probability a student can read: "97.3%", and never "100.0%" for a value below 1."""
    text = f"{p:.1%}"
    return ">99.9%" if text == "100.0%" and p < 1 else text


def _poster(out: Outcome) -> str | None:
    results = sorted(out.results, key=lambda r: r.chapter != POSTER_CHAPTER)
    return f"{out.student.folder}/{results[0].files['poster']}" if results else None


def _card(out: Outcome) -> str:
    e = html.escape
    s = out.student
    poster = _poster(out)
    alt = _("{image}: poster").format(image=s.name)
    img = f'<img src="{e(poster)}" alt="{e(alt)}" loading="lazy">' if poster else ""
    verdict = ""
    if s.label is not None:
        verdict = " · " + (_("correct") if s.label == s.prediction else _("label: {name}").format(name=shown(s.label)))
    duration = sum(r.meta["duration"] for r in out.results)
    n = len(out.results)
    meta = ngettext("{n} clip · {minutes} min · {image}", "{n} clips · {minutes} min · {image}", n).format(
        n=n, minutes=f"{duration / 60:.1f}", image=s.name
    )
    note = f'<p class="warn">{e(out.problem())}</p>' if out.problem() else ""
    return (
        f'<article data-image="{e(s.name)}" data-prediction="{e(s.prediction)}">'
        f'<a href="{e(s.folder)}/index.html">{img}<div><h2>{e(Path(s.name).stem)}</h2>'
        f'<p><span class="prediction">{e(shown(s.prediction))}</span> ({e(_percent(s.probability))}){e(verdict)}</p>'
        f'<p class="meta">{e(meta)}</p>'
        f"{note}</div></a>"
        "</article>"
    )


def render_html(batch: Batch, outcomes: dict[str, Outcome]) -> str:
    """The page, in the batch's language."""
    lang = batch.students[0].job.settings.language if batch.students else i18n.DEFAULT_LANGUAGE
    with i18n.speaking(lang):
        return _page(batch, outcomes, lang)


def _page(batch: Batch, outcomes: dict[str, Outcome], lang: str) -> str:
    e = html.escape
    cards = "\n".join(_card(o) for o in outcomes.values() if o.results)
    problems = dict(batch.problems)
    problems.update((n, o.problem()) for n, o in outcomes.items() if not o.results and o.problem())
    failed = ""
    if problems:
        items = "".join(f"<li>{e(msg)}</li>" for msg in problems.values())
        heading = _("Not rendered ({n})").format(n=len(problems))
        failed = f"<section><h2>{e(heading)}</h2><ul>{items}</ul></section>"
    summary = {
        "example": batch.example,
        "chapters": list(batch.chapters),
        "explainers": [
            {
                "image": o.student.name,
                "folder": o.student.folder,
                "prediction": o.student.prediction,
                "probability": o.student.probability,
                "label": o.student.label,
                "clips": len(o.results),
                "complete": o.problem() is None,
            }
            for o in outcomes.values()
            if o.results
        ],
        "failed": problems,
    }
    embedded = json.dumps(summary).replace("</", "<\\/")
    count = sum(1 for o in outcomes.values() if o.results)
    folder = batch.images.resolve().name
    heading = _("Explainers: {folder}").format(folder=folder)
    summary_line = (
        ngettext("{n} explainer", "{n} explainers", count).format(n=count)
        + " · "
        + _("example: {example}").format(example=batch.example)
        + " · "
        + ngettext("{n} chapter each", "{n} chapters each", len(batch.chapters)).format(n=len(batch.chapters))
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">'
        f"<title>ConvReel: {e(folder)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{e(heading)}</h1>"
        f"<p>{e(summary_line)}</p></header>"
        f"<main>\n{cards}\n</main>{failed}"
        f'<script type="application/json" id="batch">{embedded}</script></body></html>\n'
    )


def write(batch: Batch, outcomes: dict[str, Outcome]) -> Path:
    path = batch.output / NAME
    media.write_atomic(path, render_html(batch, outcomes))
    return path
