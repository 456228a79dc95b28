"""The narration as a script, for a teacher who records it in their own voice.

Every beat of the chapters (its id, text, start and duration), as one Markdown file to read from and
one ``.srt`` per chapter. A recording per beat, named ``<beat id>.wav``, then narrates the clips with
``--voice recorded:DIR``. Beats are timed as in a silent render: each scene runs as a dry run (no
frame is drawn; time is counted in frames as in the render).
"""

from __future__ import annotations

import importlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from convreel import media
from convreel.clip import QUALITY_FLAGS
from convreel.render import Job, clip_name
from scenes import i18n
from scenes.beat import Beat
from scenes.registry import chapter_number, get_chapter


@dataclass(frozen=True)
class ChapterScript:
    chapter: str
    number: int
    title: str
    sections: list[tuple[str, float]]
    beats: list[Beat]


def chapter_script(job: Job, chapter_id: str) -> ChapterScript:
    """Run one chapter's scene as a dry run and keep its sections and beats."""
    from manim import tempconfig

    from scenes.story import load_story

    chapter = get_chapter(chapter_id)
    cls = getattr(importlib.import_module(chapter.import_path), chapter.scene)
    s = job.settings
    settings = {
        "quality": QUALITY_FLAGS[s.quality],
        "dry_run": True,
        "write_to_movie": False,
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    if s.resolution:
        w, h = s.resolution
        settings.update(pixel_width=w, pixel_height=h, frame_width=8.0 * w / h)
    if s.fps:
        settings["frame_rate"] = s.fps
    i18n.set_language(s.language)
    with tempfile.TemporaryDirectory() as work, tempconfig({**settings, "media_dir": work}):
        scene = cls(story=load_story(job.example, job.image, job.label, job.model))
        scene.render()
    number = chapter_number(chapter_id, job.example)
    return ChapterScript(chapter_id, number, i18n._(chapter.title), list(scene.sections), list(scene.beats))


def _clock(t: float) -> str:
    minutes, seconds = divmod(t, 60)
    return f"{int(minutes)}:{seconds:04.1f}"


def markdown(job: Job, scripts: list[ChapterScript]) -> str:
    _ = i18n._
    source = _("{example} · {image}").format(example=_(job_title(job)), image=job.image.name)
    lines = [
        "# " + _("Narration script: {source}").format(source=source),
        "",
        _(
            "Record one audio file per beat, named by its id (for example `{example}.wav`), put them in one "
            "folder and render with `--voice recorded:FOLDER`. Times are those of the silent clips; a "
            "recording longer than its beat makes the beat longer."
        ).format(example=scripts[0].beats[0].id if scripts and scripts[0].beats else "pixels.title.1"),
    ]
    for sc in scripts:
        lines += ["", f"## {sc.number}. {sc.title}"]
        for name, _start in sc.sections:
            lines += ["", f"### {name}", "", "| " + " | ".join((_("beat"), _("start"), _("length"), _("text"))) + " |"]
            lines.append("|---|---|---|---|")
            for b in sc.beats:
                if b.section == name:
                    text = b.text.replace("|", "\\|").replace("\n", " ")
                    lines.append(f"| `{b.id}` | {_clock(b.start)} | {b.duration:.1f} s | {text} |")
    return "\n".join(lines) + "\n"


def job_title(job: Job) -> str:
    from engine import get_example

    return get_example(job.example).title


def write(job: Job, output: Path, notify: Callable[[str], None] = lambda _c: None) -> list[Path]:
    """Write ``script.md`` and one ``NN-chapter.srt`` per chapter of ``job`` into ``output``."""
    scripts = []
    for c in job.chapters:
        notify(c)
        scripts.append(chapter_script(job, c))
    output.mkdir(parents=True, exist_ok=True)
    written = [output / "script.md"]
    media.write_atomic(written[0], markdown(job, scripts))
    for sc in scripts:
        path = output / f"{clip_name(job, sc.chapter)}.srt"
        media.write_atomic(path, media.captions_srt([(*b.cue, b.text) for b in sc.beats]))
        written.append(path)
    return written
