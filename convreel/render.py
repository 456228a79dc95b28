"""Render jobs: chapters x (example, image, label) -> clips, cached and in parallel.

Data flows one way: image -> engine trace -> scene -> video file -> manifest. The parent process
resolves the job, looks every clip up in a content-addressed cache, renders the missing ones in
worker processes (one chapter per process: Manim's config is process-global), then copies the
clips into the output folder atomically and writes the manifest and gallery page.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache
from multiprocessing import connection
from pathlib import Path

import engine
from convreel import gallery, manifest, media, present
from scenes.registry import CHAPTERS, chapter_number, chapters_for, get_chapter

ROOT = Path(__file__).resolve().parent.parent
QUALITIES = ("low", "medium", "high", "4k")
FORMATS = ("mp4", "webm", "gif", "mov")
CACHE_VERSION = 1


class RenderError(RuntimeError):
    """A render that could not complete; the message is one line saying what failed."""


@dataclass(frozen=True)
class Settings:
    quality: str = "low"
    format: str = "mp4"
    transparent: bool = False
    resolution: tuple[int, int] | None = None
    fps: int | None = None

    def __post_init__(self) -> None:
        if self.quality not in QUALITIES:
            raise ValueError(f"unknown quality {self.quality!r}; choose from {', '.join(QUALITIES)}")
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose from {', '.join(FORMATS)}")
        if self.transparent and self.format not in ("webm", "mov"):
            raise ValueError("--transparent needs --format webm or mov (mp4 and gif have no alpha channel)")


@dataclass(frozen=True)
class Job:
    """What to render: chapters of one example for one image."""

    chapters: tuple[str, ...]
    example: str
    image: Path  # resolved: the shipped example image when none was given
    label: str | None
    model: Path
    settings: Settings
    output: Path
    joined: bool  # also write the chapters joined into one movie


@dataclass
class ClipResult:
    chapter: str
    order: int
    cached: bool
    meta: dict
    files: dict[str, str] = field(default_factory=dict)  # role -> file name in the output folder


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@cache
def source_digest(chapter: str) -> str:
    """Hash of the code that shapes one chapter's clip: the engine, the shared scene modules, the
    chapter's own module and the clip writer (editing one chapter keeps the others cached)."""
    chapter_modules = {c.module for c in CHAPTERS}
    own = get_chapter(chapter).module
    scene_files = [f for f in ROOT.glob("scenes/*.py") if f.stem not in chapter_modules or f.stem == own]
    h = hashlib.sha256()
    files = sorted([*ROOT.glob("engine/*.py"), *scene_files, ROOT / "convreel/clip.py", ROOT / "convreel/media.py"])
    for f in files:
        h.update(f.relative_to(ROOT).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def cache_root() -> Path:
    return Path(os.environ.get("CONVREEL_CACHE", ROOT / "renders" / ".cache"))


def clip_key(job: Job, chapter: str, model_sha: str, image_sha: str) -> str:
    parts = {
        "v": CACHE_VERSION,
        "chapter": chapter,
        "example": job.example,
        "model": model_sha,
        "image": image_sha,
        "label": job.label,
        "settings": asdict(job.settings),
        "source": source_digest(chapter),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def default_output(example: str, image: Path) -> Path:
    return ROOT / "renders" / f"{example}-{image.stem}"


def make_job(
    chapters: tuple[str, ...],
    example: str,
    image: Path | None = None,
    label: str | None = None,
    model: Path | None = None,
    settings: Settings | None = None,
    output: Path | None = None,
) -> Job:
    """Validate everything up front (bad input fails before any rendering starts)."""
    ex = engine.get_example(example)
    wanted = [c.id for c in chapters_for(example)]
    if not chapters or "all" in chapters:
        ids, joined = tuple(wanted), True
    else:
        for c in chapters:
            get_chapter(c)
            if c not in wanted:
                raise ValueError(f"chapter {c!r} is not available for the {example} example")
        ids, joined = tuple(dict.fromkeys(chapters)), False
    image = Path(image) if image is not None else ex.image_path()
    net = engine.load_model(model if model is not None else example)
    x = ex.load_image(image)  # raises ImageError with a one-line message
    if label is not None:
        label = net.class_names[net.class_index(label)]
    net.trace(x)
    model_path = Path(model) if model is not None else ex.model_path
    return Job(
        ids,
        example,
        image.resolve(),
        label,
        model_path.resolve(),
        settings or Settings(),
        Path(output or default_output(example, image)),
        joined,
    )


def _ext(settings: Settings) -> str:
    return "." + settings.format


def _spec(job: Job, chapter: str, entry: Path) -> dict:
    return {
        "chapter": chapter,
        "example": job.example,
        "image": str(job.image),
        "label": job.label,
        "model": str(job.model),
        "quality": job.settings.quality,
        "format": job.settings.format,
        "transparent": job.settings.transparent,
        "resolution": list(job.settings.resolution) if job.settings.resolution else None,
        "fps": job.settings.fps,
        "entry": str(entry),
        "owner": os.getpid(),
    }


def _worker(spec: dict, conn) -> None:
    """Process entry point: render one clip and report ("done", meta) or ("failed", message)."""
    try:
        from convreel.clip import render_clip

        conn.send(("done", render_clip(spec)))
    except KeyboardInterrupt:
        pass
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("failed", f"{exc.__class__.__name__}: {exc}".splitlines()[0]))
    finally:
        conn.close()


Event = Callable[[str, str, dict], None]  # (kind, chapter, info): "cached", "queued", "done", "failed"


def run(job: Job, jobs: int | None = None, force: bool = False, on_event: Event | None = None) -> list[ClipResult]:
    """Render ``job``: reuse cached clips, render the rest in ``jobs`` processes, publish outputs."""
    notify = on_event or (lambda *_: None)
    jobs = max(1, jobs or os.cpu_count() or 1)
    model_sha, image_sha = sha256_file(job.model), sha256_file(job.image)
    root = cache_root()
    entries = {c: root / clip_key(job, c, model_sha, image_sha) for c in job.chapters}
    todo = []
    for c in job.chapters:
        if force or not (entries[c] / "meta.json").exists():
            todo.append(c)
        else:
            notify("cached", c, {})
    failures = _render_all(job, todo, entries, jobs, force, notify) if todo else {}
    cached = set(job.chapters) - set(todo)
    results = publish(job, entries, failures, cached, model_sha, image_sha)
    if failures:
        names = ", ".join(f"{c} ({msg})" for c, msg in failures.items())
        raise RenderError(f"{len(failures)} of {len(job.chapters)} chapters failed: {names}")
    return results


def _render_all(
    job: Job, todo: list[str], entries: dict[str, Path], jobs: int, force: bool, notify: Event
) -> dict[str, str]:
    """Render ``todo`` with at most ``jobs`` worker processes, one chapter per process."""
    ctx = multiprocessing.get_context("spawn")
    pending = list(todo)
    running: dict[str, tuple] = {}  # chapter -> (process, connection)
    failures: dict[str, str] = {}
    root = cache_root()
    try:
        while pending or running:
            while pending and len(running) < jobs:
                c = pending.pop(0)
                if force:
                    shutil.rmtree(entries[c], ignore_errors=True)
                receive, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker, args=(_spec(job, c, entries[c]), send), daemon=True)
                proc.start()
                send.close()
                running[c] = (proc, receive)
                notify("queued", c, {})
            connection.wait([p.sentinel for p, _ in running.values()], timeout=1.0)
            for c, (proc, receive) in list(running.items()):
                if proc.is_alive():
                    continue
                proc.join()
                del running[c]
                kind, info = (
                    receive.recv() if receive.poll() else ("failed", f"worker exited with code {proc.exitcode}")
                )
                receive.close()
                if kind == "done":
                    notify("done", c, info)
                else:
                    failures[c] = info
                    notify("failed", c, {"error": info})
    except BaseException:
        _stop([p for p, _ in running.values()], root)
        raise
    return failures


def _stop(procs: list, root: Path, grace: float = 10.0) -> None:
    """Stop the workers of an interrupted render and remove their unfinished work folders.

    Ctrl-C reaches the workers too and they clean up after themselves; give them ``grace``
    seconds, then terminate what is left.
    """
    deadline = time.monotonic() + grace
    for proc in procs:
        proc.join(max(0.0, deadline - time.monotonic()))
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
    for work in root.glob(f".work-{os.getpid()}-*"):
        shutil.rmtree(work, ignore_errors=True)


def clip_name(job: Job, chapter: str) -> str:
    return f"{chapter_number(chapter, job.example):02d}-{chapter}"


def _copy_atomic(src: Path, dst: Path) -> None:
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}.tmp")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def publish(
    job: Job, entries: dict[str, Path], failures: dict[str, str], cached: set[str], model_sha: str, image_sha: str
) -> list[ClipResult]:
    """Copy finished clips from the cache into the output folder, then the joined movie,
    manifest and gallery page. Files appear under their final names only when complete."""
    job.output.mkdir(parents=True, exist_ok=True)
    results = []
    for c in job.chapters:
        if c in failures:
            continue
        entry = entries[c]
        meta = json.loads((entry / "meta.json").read_text())
        stem = clip_name(job, c)
        ext = Path(meta["video"]).suffix
        files = {"video": f"{stem}{ext}", "poster": f"{stem}.png", "srt": f"{stem}.srt", "vtt": f"{stem}.vtt"}
        _copy_atomic(entry / meta["video"], job.output / files["video"])
        _copy_atomic(entry / "poster.png", job.output / files["poster"])
        _copy_atomic(entry / "captions.srt", job.output / files["srt"])
        _copy_atomic(entry / "captions.vtt", job.output / files["vtt"])
        order = chapter_number(c, job.example)
        results.append(ClipResult(c, order, cached=c in cached, meta=meta, files=files))
    joined = None
    if job.joined and not failures and results and job.settings.format != "gif":
        joined = job.output / f"explainer.{job.settings.format}"
        media.join([job.output / r.files["video"] for r in results], joined)
    manifest.update(job, results, joined, model_sha, image_sha)
    gallery.write(job.output)
    present.write(job.output)
    return results
