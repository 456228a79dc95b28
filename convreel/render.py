"""Render jobs: chapters x (example, image, label) -> clips, cached and in parallel.

Data flows one way: image -> engine trace -> scene -> video file -> manifest. The parent process
resolves the job, looks every clip up in a content-addressed cache (``convreel.cache``; every
reused entry is verified first), renders the missing ones in worker processes (one clip per
process: Manim's config is process-global), then copies the clips into the output folder
atomically and writes the manifest and gallery page.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import threading
from collections.abc import Callable, Hashable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from multiprocessing import connection
from pathlib import Path

import engine
from convreel import cache, gallery, manifest, media, present
from convreel.sources import chapter_build
from convreel.voice import Narrator, parse_voice
from scenes import i18n
from scenes.registry import chapter_number, chapters_for, get_chapter

QUALITIES = ("low", "medium", "high", "4k")
FORMATS = ("mp4", "webm", "gif", "mov")
CACHE_VERSION = 3  # 2: entries carry SHA256SUMS and what they were made from; 3: languages, voice, sound


# Typical clip lengths in seconds (the bundled examples, 2026-11): only the order in which
# chapters start depends on them, longest first, so a stale figure costs a little speed, no more.
TYPICAL_SECONDS = {
    "pixels": 25,
    "convolution": 85,
    "stride-padding": 88,
    "relu": 50,
    "max-pooling": 52,
    "deeper-layers": 86,
    "flatten": 45,
    "dense": 60,
    "softmax": 55,
    "loss": 64,
    "overview": 46,
    "learning-step": 97,
    "training": 90,
    "invariance": 57,
}


class RenderError(RuntimeError):
    """A render that could not complete; the message is one line saying what failed."""


@dataclass(frozen=True)
class Settings:
    quality: str = "low"
    format: str = "mp4"
    transparent: bool = False
    resolution: tuple[int, int] | None = None
    fps: int | None = None
    language: str = "en"  # every word on screen, in the captions and in the voice
    captions: tuple[str, ...] = ()  # further caption tracks, in these languages (the picture stays)
    voice: str = "none"  # see convreel.voice.parse_voice
    speech_rate: float = 1.0
    burn_captions: bool = False  # captions drawn into the caption band of the frames

    def __post_init__(self) -> None:
        if self.quality not in QUALITIES:
            raise ValueError(f"unknown quality {self.quality!r}; choose from {', '.join(QUALITIES)}")
        if self.format not in FORMATS:
            raise ValueError(f"unknown format {self.format!r}; choose from {', '.join(FORMATS)}")
        if self.transparent and self.format not in ("webm", "mov"):
            raise ValueError("--transparent needs --format webm or mov (mp4 and gif have no alpha channel)")
        known = i18n.languages()
        for code in (self.language, *self.captions):
            if code not in known:
                raise ValueError(f"unknown language {code!r}; choose from {', '.join(known)}")
        parse_voice(self.voice, self.language, self.speech_rate)  # a bad voice fails before any rendering

    @property
    def caption_languages(self) -> tuple[str, ...]:
        """The languages of the caption tracks: the picture's first, then the others asked for."""
        return tuple(dict.fromkeys((self.language, *self.captions)))


def speech_cache() -> Path:
    """Where synthesised speech is kept (shared by every render; a sentence is synthesised once)."""
    return cache.root() / "speech"


def narration_key(settings: Settings, chapter: str) -> dict:
    """The narration's part of a clip's cache key: the voice, its settings, recordings and mix."""
    voice = parse_voice(settings.voice, settings.language, settings.speech_rate)
    return Narrator(voice, speech_cache()).render_key(chapter)


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


def clip_key(job: Job, chapter: str, model_sha: str, image_sha: str) -> str:
    parts = {
        "v": CACHE_VERSION,
        "chapter": chapter,
        "example": job.example,
        "model": model_sha,
        "image": image_sha,
        "label": job.label,
        "settings": asdict(job.settings),
        "narration": narration_key(job.settings, chapter),
        **chapter_build(chapter),  # the code and data files the chapter imports, and Manim's version
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def default_output(example: str, image: Path, language: str = i18n.DEFAULT_LANGUAGE) -> Path:
    """``renders/EXAMPLE-IMAGE`` in the current folder (as Manim writes ``./media``), with the
    language for any but English (``renders/face-countess-zh``): languages never share a folder."""
    suffix = "" if language == i18n.DEFAULT_LANGUAGE else f"-{language}"
    return Path("renders") / f"{example}-{image.stem}{suffix}"


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
        Path(output or default_output(example, image, (settings or Settings()).language)),
        joined,
    )


def _ext(settings: Settings) -> str:
    return "." + settings.format


def clip_spec(job: Job, chapter: str, entry: Path) -> dict:
    """Everything a worker needs to render one clip into the cache entry ``entry``."""
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
        "language": job.settings.language,
        "captions": list(job.settings.caption_languages),
        "voice": job.settings.voice,
        "speech_rate": job.settings.speech_rate,
        "speech_cache": str(speech_cache()),
        "burn_captions": job.settings.burn_captions,
        "entry": str(entry),
        "owner": os.getpid(),
    }


def _worker(spec: dict, conn) -> None:
    """Process entry point: render one clip and report ("done", meta) or ("failed", message).

    Ctrl-C reaches every process of the terminal's group; a worker ignores it and the parent
    stops it (``_stop``), so the interrupt never lands half-way through some library's cleanup
    code in a worker and prints a stray traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from convreel.clip import render_clip

        conn.send(("done", render_clip(spec)))
    except Exception as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("failed", f"{exc.__class__.__name__}: {exc}".splitlines()[0]))
    finally:
        conn.close()


# (kind, task, info): "cached", "damaged" (a bad cache entry, discarded), "queued", "done", "failed".
# A task is a chapter for `render` and an (image, chapter) pair for `batch`.
Event = Callable[[str, Hashable, dict], None]


def lookup(entries: dict[Hashable, Path], force: bool, notify: Event) -> list[Hashable]:
    """The tasks whose clip must be rendered: no entry, ``force``, or a damaged entry (discarded,
    with a "damaged" event). Reused entries are verified and marked as used."""
    todo = []
    for task, entry in entries.items():
        if entry.exists() and not force:
            meta, problem = cache.verify(entry)
            if problem is None:
                cache.touch(entry)
                notify("cached", task, {"meta": meta})
                continue
            notify("damaged", task, {"error": problem})
        cache.discard(entry)
        todo.append(task)
    return todo


def check_rendered(meta: dict | None, problem: str | None, chapter: str) -> str | None:
    """What is wrong with a freshly rendered entry (None: it can be published): its files must be
    intact and it must have been built by the code and Manim its cache key names."""
    if problem is not None:
        return f"the rendered clip failed verification ({problem})"
    built = {k: meta.get("input", {}).get(k) for k in ("source", "manim")}
    if built != chapter_build(chapter):
        return "the clip was rendered by different code than its cache key names (source changed or another version)"
    return None


def run(job: Job, jobs: int | None = None, force: bool = False, on_event: Event | None = None) -> list[ClipResult]:
    """Render ``job``: reuse cached clips, render the rest in ``jobs`` processes, publish outputs."""
    notify = on_event or (lambda *_: None)
    model_sha, image_sha = cache.sha256_file(job.model), cache.sha256_file(job.image)
    root = cache.root()
    entries = {c: root / clip_key(job, c, model_sha, image_sha) for c in job.chapters}
    todo = lookup(entries, force, notify)
    tasks = {c: clip_spec(job, c, entries[c]) for c in todo}
    failures = render_local(tasks, jobs, notify) if todo else {}
    cached = set(job.chapters) - set(todo)
    results = publish(job, entries, failures, cached, model_sha, image_sha)
    prune(notify)
    if failures:
        names = ", ".join(f"{c} ({msg})" for c, msg in failures.items())
        raise RenderError(f"{len(failures)} of {len(job.chapters)} chapters failed: {names}")
    return results


def prune(notify: Event) -> None:
    """Keep the cache within its size bound after a run (least recently used entries go first)."""
    removed = cache.prune()
    if removed:
        notify("pruned", None, {"entries": len(removed), "bytes": sum(e.bytes for e in removed)})


@contextmanager
def _ctrl_c_as_flag():
    """While workers run, Ctrl-C sets a flag that the render loop turns into KeyboardInterrupt.

    Python raises KeyboardInterrupt wherever the main thread happens to be, which can be inside a
    garbage-collector callback that swallows it (printing "Exception ignored"); a handler that only
    sets a flag cannot be lost. Outside the main thread signals cannot be handled: nothing changes.
    """
    hit = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield hit
        return
    previous = signal.signal(signal.SIGINT, lambda *_: hit.set())
    try:
        yield hit
    finally:
        signal.signal(signal.SIGINT, previous)


def longest_first(tasks: dict[Hashable, dict]) -> list[Hashable]:
    """The order to start tasks in: a long chapter started last would leave the other cores idle
    at the end. Chapters of the same typical length keep their given order."""
    return sorted(tasks, key=lambda t: -TYPICAL_SECONDS.get(tasks[t]["chapter"], 60))


def render_local(tasks: dict[Hashable, dict], jobs: int | None, notify: Event) -> dict[Hashable, str]:
    """Render every task's spec with at most ``jobs`` worker processes (default: the number of
    cores), one clip per process; return the failed tasks with a one-line reason each."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    ctx = multiprocessing.get_context("spawn")
    pending = longest_first(tasks)
    running: dict[Hashable, tuple] = {}  # task -> (process, connection)
    failures: dict[Hashable, str] = {}
    with _ctrl_c_as_flag() as interrupted:
        try:
            while pending or running:
                while pending and len(running) < jobs and not interrupted.is_set():
                    task = pending.pop(0)
                    receive, send = ctx.Pipe(duplex=False)
                    proc = ctx.Process(target=_worker, args=(tasks[task], send), daemon=True)
                    proc.start()
                    send.close()
                    running[task] = (proc, receive)
                    notify("queued", task, {})
                connection.wait([p.sentinel for p, _ in running.values()], timeout=0.5)
                if interrupted.is_set():
                    raise KeyboardInterrupt
                for task, (proc, receive) in list(running.items()):
                    if proc.is_alive():
                        continue
                    proc.join()
                    del running[task]
                    kind, info = (
                        receive.recv() if receive.poll() else ("failed", f"worker exited with code {proc.exitcode}")
                    )
                    receive.close()
                    if kind == "done":
                        spec = tasks[task]
                        meta, problem = cache.verify(Path(spec["entry"]))
                        info = check_rendered(meta, problem, spec["chapter"])
                        if info is None:
                            notify("done", task, meta)
                            continue
                        cache.discard(Path(spec["entry"]))
                    failures[task] = info
                    notify("failed", task, {"error": info})
        except BaseException:
            _stop([p for p, _ in running.values()], cache.root())
            raise
    return failures


def _stop(procs: list, root: Path) -> None:
    """Stop the workers of an interrupted render and remove their unfinished work folders."""
    for proc in procs:
        proc.terminate()
    for proc in procs:
        proc.join(10)
        if proc.is_alive():
            proc.kill()
            proc.join()
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
        meta = json.loads((entry / "meta.json").read_text(encoding="utf-8"))
        stem = clip_name(job, c)
        ext = Path(meta["video"]).suffix
        files = {"video": f"{stem}{ext}", "poster": f"{stem}.png"}
        for track in meta["caption_tracks"]:  # the picture's language first: NN-chapter.srt/.vtt
            suffix = "" if track["language"] == meta["language"] else f".{track['language']}"
            for kind in ("srt", "vtt"):
                files[f"{kind}{suffix}"] = f"{stem}{suffix}.{kind}"
                _copy_atomic(entry / track[kind], job.output / files[f"{kind}{suffix}"])
        _copy_atomic(entry / meta["video"], job.output / files["video"])
        _copy_atomic(entry / "poster.png", job.output / files["poster"])
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
