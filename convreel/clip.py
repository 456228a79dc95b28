"""Render one chapter clip in this process (a worker: Manim's config is process-global).

Imports Manim; the parent process never imports this module, so a fully cached run stays fast.
``python -m convreel.clip`` renders the spec given as JSON on stdin (how a cluster worker
isolates each clip in its own process).
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from convreel import cache, media
from convreel.sources import chapter_build
from convreel.voice import Narrator, add_narration
from scenes import i18n

QUALITY_FLAGS = {"low": "low_quality", "medium": "medium_quality", "high": "high_quality", "4k": "fourk_quality"}


def render_clip(spec: dict) -> dict:
    """Render ``spec`` (see ``convreel.render.clip_spec``) into the cache entry
    ``spec["entry"]``, atomically: a temporary folder renamed when everything is written."""
    from manim import config, tempconfig
    from manim.renderer.cairo_renderer import CairoRenderer

    from convreel.camera import ClipCamera
    from convreel.writer import ClipWriter, encoder_options
    from scenes.registry import get_chapter
    from scenes.story import load_story

    entry = Path(spec["entry"])
    entry.parent.mkdir(parents=True, exist_ok=True)
    i18n.set_language(spec["language"])
    narrator = Narrator.from_spec(spec["voice"], Path(spec["speech_cache"]), spec["language"], spec["speech_rate"])
    chapter = get_chapter(spec["chapter"])
    cls = getattr(importlib.import_module(chapter.import_path), chapter.scene)
    settings = {
        "quality": QUALITY_FLAGS[spec["quality"]],
        "disable_caching": True,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "output_file": "clip",
        "format": spec["format"],
        "transparent": spec["transparent"],
        "write_to_movie": True,
    }
    if spec.get("resolution"):
        w, h = spec["resolution"]
        settings.update(pixel_width=w, pixel_height=h, frame_width=8.0 * w / h)
    if spec.get("fps"):
        settings["frame_rate"] = spec["fps"]
    # Named after the parent render, which removes it if this process is killed mid-render.
    work = Path(tempfile.mkdtemp(prefix=f".work-{spec['owner']}-", dir=entry.parent))
    try:
        settings["media_dir"] = str(work / "media")
        with tempconfig(settings):
            codec = video_codec(spec["format"], spec["transparent"])
            config.video_encoder_options = encoder_options(codec, config.frame_rate)
            story = load_story(spec["example"], spec["image"], spec["label"], spec["model"])
            scene = cls(
                story=story,
                narrator=narrator if narrator.voice is not None else None,
                burn_captions=spec["burn_captions"],
                renderer=CairoRenderer(file_writer_class=ClipWriter, camera_class=ClipCamera),
            )
            scene.render()
            movie = Path(scene.output_plan.primary_artifact)
        narrator.check()  # a recorded voice: every missing recording of the chapter named in one line
        out = work / "entry"
        out.mkdir()
        ext = movie.suffix
        video = out / f"clip{ext}"
        shutil.move(movie, video)
        sound = add_narration(video, [(b.start, b.speech) for b in scene.beats if b.speech is not None])
        if sound is None and ext == ".mp4":
            media.faststart(video)
        info = media.probe(video)
        captions = [(round(a, 3), round(min(b, info.duration), 3), t) for a, b, t in scene.captions]
        tracks = [write_track(out, spec["language"], captions)]
        for code in spec["captions"]:
            if code != spec["language"]:  # the same cues, in another language's words
                words = beat_texts(cls, spec, settings, work, code)
                tracks.append(
                    write_track(out, code, [(a, b, words[bt.id]) for (a, b, _), bt in zip(captions, scene.beats)])
                )
        starts = [(name, round(t, 3)) for name, t in scene.sections]
        sections = [
            {
                "name": name,
                "start": t,
                "duration": round((starts[i + 1][1] if i + 1 < len(starts) else info.duration) - t, 3),
            }
            for i, (name, t) in enumerate(starts)
        ]
        # The poster: late in the longest step, when its picture is complete and not yet fading out.
        longest = max(sections, key=lambda sec: sec["duration"])
        media.poster(video, longest["start"] + 0.8 * longest["duration"], out / "poster.png")
        tr = story.trace
        meta = {
            "chapter": chapter.id,
            "title": i18n._(chapter.title),
            "video": video.name,
            "duration": info.duration,
            "resolution": [info.width, info.height],
            "fps": info.fps,
            "codec": info.codec,
            "pix_fmt": info.pix_fmt,
            "sections": sections,
            "captions": [{"start": a, "end": b, "text": t} for a, b, t in captions],
            "caption_tracks": tracks,
            "language": spec["language"],
            "voice": spec["voice"],
            "audio": sound,
            "label": tr.label_name,
            "label_assumed": story.label_assumed,
            "prediction": tr.predicted_class,
            "probabilities": {c: float(p) for c, p in zip(tr.class_names, tr.probabilities)},
            # What the clip was made from, for `convreel cache` and for checking that the code
            # that rendered it is the code its cache key names.
            "input": {
                "chapter": chapter.id,
                "example": spec["example"],
                "image": Path(spec["image"]).name,
                "label": spec["label"],
                "model": Path(spec["model"]).name,
                "quality": spec["quality"],
                "format": spec["format"],
                "transparent": spec["transparent"],
                "resolution": spec.get("resolution"),
                "fps": spec.get("fps"),
                "language": spec["language"],
                "voice": spec["voice"],
                **chapter_build(chapter.id),
            },
        }
        (out / "meta.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        cache.write_sums(out)
        try:
            os.rename(out, entry)
        except OSError:
            if not (entry / "meta.json").exists():  # another render finished the same clip first
                raise
        return meta
    finally:
        shutil.rmtree(work, ignore_errors=True)


def video_codec(fmt: str, transparent: bool) -> str:
    """The codec Manim encodes a clip of this format with (GIFs are made from an MP4 or MOV)."""
    if fmt == "webm":
        return "libvpx-vp9"
    return "qtrle" if transparent else "libx264"


def write_track(folder: Path, language: str, cues: list[tuple[float, float, str]]) -> dict:
    """One caption track as ``captions[.LANG].srt`` and ``.vtt`` in ``folder``; its manifest record."""
    stem = "captions" if not list(folder.glob("captions.srt")) else f"captions.{language}"
    (folder / f"{stem}.srt").write_text(media.captions_srt(cues), encoding="utf-8")
    (folder / f"{stem}.vtt").write_text(media.captions_vtt(cues), encoding="utf-8")
    return {"language": language, "srt": f"{stem}.srt", "vtt": f"{stem}.vtt"}


def beat_texts(cls, spec: dict, settings: dict, work: Path, language: str) -> dict[str, str]:
    """The words of every beat of the chapter in ``language`` (beat id -> text), from a dry run of
    the same scene: the same story, the same beats, another catalog."""
    from manim import tempconfig

    from scenes.story import load_story

    i18n.set_language(language)
    try:
        with tempconfig({**settings, "dry_run": True, "write_to_movie": False, "media_dir": str(work / language)}):
            scene = cls(story=load_story(spec["example"], spec["image"], spec["label"], spec["model"]),
                        skip_animations=True)  # fmt: skip
            scene.render()
    finally:
        i18n.set_language(spec["language"])
    return {b.id: b.text for b in scene.beats}


def main() -> None:
    """Render the spec read as JSON from stdin; a failure is one line on stderr and exit code 1."""
    spec = json.load(sys.stdin)
    try:
        render_clip(spec)
    except Exception as exc:  # noqa: BLE001 - reported to the caller as one line
        sys.exit(f"{exc.__class__.__name__}: {exc}".splitlines()[0])


if __name__ == "__main__":
    main()
