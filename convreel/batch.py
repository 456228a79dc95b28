"""``convreel batch``: one explainer per image of a folder (a whole class), and a class index page.

Every image is validated before anything renders; a bad one is reported in one line and left out.
The unit of work is one (image, chapter) clip, looked up in the same verified cache as ``render``
(so a re-run resumes), rendered on the local process pool or on a Dask cluster
(``convreel.cluster``). An image's folder is published as soon as its last clip is in.
"""

from __future__ import annotations

import csv
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

import engine
from convreel import cache, classpage, render
from convreel.render import ClipResult, Event, Job, Settings, clip_key, clip_spec, make_job
from scenes.registry import chapters_for

# File names Pillow can open; other files in the folder (notes, a labels.csv) are not images.
IMAGE_SUFFIXES = frozenset(ext for ext, fmt in Image.registered_extensions().items() if fmt in Image.OPEN)


@dataclass(frozen=True)
class Student:
    """One image of the batch and the explainer made from it."""

    name: str  # the image's file name
    path: Path  # as found in the folder the user named
    folder: str  # its explainer's folder inside the batch output
    job: Job
    prediction: str
    probability: float
    label: str | None


@dataclass
class Batch:
    images: Path
    output: Path
    example: str
    chapters: tuple[str, ...]
    students: list[Student]
    problems: dict[str, str]  # image file name -> what is wrong with it (one line)
    ignored: list[str]  # files in the folder that are not images by their name


@dataclass
class Outcome:
    student: Student
    results: list[ClipResult] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # chapter -> one-line reason
    error: str | None = None  # the explainer folder could not be written

    def problem(self) -> str | None:
        """One line saying why this image has no complete explainer (None: it has one)."""
        path = self.student.path
        if self.error:
            return f"{path}: could not write its explainer ({self.error})"
        if self.failures:
            what = ", ".join(f"{c} ({msg})" for c, msg in self.failures.items())
            return f"{path}: {len(self.failures)} of {len(self.student.job.chapters)} clips failed: {what}"
        return None


def read_labels(path: Path) -> dict[str, str]:
    """``IMAGE,LABEL`` rows (an ``image,label`` header and ``#`` comments allowed) -> {image: label}."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable CSV file ({exc.__class__.__name__})") from None
    labels: dict[str, str] = {}
    first = True
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        cells = [c.strip() for c in row]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if len(cells) != 2 or not all(cells):
            raise ValueError(f"{path}, line {n}: expected IMAGE,LABEL")
        is_header = first and [c.lower() for c in cells] in (["image", "label"], ["file", "label"])
        first = False
        if is_header:
            continue
        if cells[0] in labels:
            raise ValueError(f"{path}, line {n}: {cells[0]} is labelled twice")
        labels[cells[0]] = cells[1]
    return labels


def _folder_names(images: list[Path]) -> dict[Path, str]:
    """Each image's explainer folder: its file name without the extension, unless two images
    share that stem (``ann.png`` and ``ann.jpg`` become ``ann-png`` and ``ann-jpg``)."""
    stems: dict[str, int] = {}
    for p in images:
        stems[p.stem] = stems.get(p.stem, 0) + 1
    return {p: p.stem if stems[p.stem] == 1 else f"{p.stem}-{p.suffix[1:].lower()}" for p in images}


def plan(
    images: Path,
    chapters: tuple[str, ...],
    example: str,
    labels: Path | None = None,
    model: Path | None = None,
    settings: Settings | None = None,
    output: Path | None = None,
) -> Batch:
    """Validate the folder, the labels and every image up front. Problems with the whole batch
    (no images, a bad model or labels file, a chapter the example lacks) raise ``ValueError``;
    problems with single images are collected in ``Batch.problems``."""
    images = Path(images)
    if not images.is_dir():
        raise ValueError(f"{images}: not a directory")
    files = sorted(p for p in images.iterdir() if p.is_file() and not p.name.startswith("."))
    found = [p for p in files if p.suffix.lower() in IMAGE_SUFFIXES]
    ignored = [p.name for p in files if p not in found and (labels is None or p.resolve() != labels.resolve())]
    if not found:
        raise ValueError(f"{images}: no image files (.png, .jpg, .webp, ...)")
    wanted = [c.id for c in chapters_for(example)]
    missing = [c for c in chapters if c != "all" and c not in wanted]
    if missing:
        raise ValueError(f"chapter {missing[0]!r} is not available for the {example} example")
    ids = tuple(wanted) if not chapters or "all" in chapters else tuple(dict.fromkeys(chapters))
    net = engine.load_model(model if model is not None else example)  # a bad model fails the whole batch
    given = read_labels(labels) if labels is not None else {}
    by_name = {p.name: p for p in found}
    by_stem = {p.stem: p for p in found}
    label_of: dict[Path, str] = {}
    problems: dict[str, str] = {}
    for key, value in given.items():
        path = by_name.get(key) or by_stem.get(key)
        if path is None:
            problems[key] = f"{images / key}: listed in {labels.name} but not in the folder"
        else:
            label_of[path] = value
    output = Path(output) if output is not None else Path("renders") / images.resolve().name
    folders = _folder_names(found)
    ex = engine.get_example(example)
    students = []
    for path in found:
        try:
            job = make_job(chapters, example, path, label_of.get(path), model, settings, output / folders[path])
            trace = net.trace(ex.load_image(path))
        except (engine.ImageError, engine.ModelError, ValueError) as exc:
            message = str(exc).splitlines()[0]  # image errors name the file; a bad label does not
            problems[path.name] = message if message.startswith(str(path)) else f"{path}: {message}"
            continue
        p = float(trace.probabilities[trace.class_names.index(trace.predicted_class)])
        students.append(Student(path.name, path, folders[path], job, trace.predicted_class, p, job.label))
    return Batch(images, output, example, ids, students, problems, ignored)


def run(
    batch: Batch,
    jobs: int | None = None,
    force: bool = False,
    scheduler: str | None = None,
    on_event: Event | None = None,
) -> dict[str, Outcome]:
    """Render every (image, chapter) clip not in the cache, publish each image's explainer as soon
    as its clips are in, then write the class index. Events as ``render.run``'s, with tasks
    ``(image name, chapter)``, plus ("published", image name, {"outcome": Outcome})."""
    notify = on_event or (lambda *_: None)
    model_sha = cache.sha256_file(batch.students[0].job.model) if batch.students else ""
    root = cache.root()
    entries: dict[tuple[str, str], Path] = {}
    image_sha: dict[str, str] = {}
    for s in batch.students:
        image_sha[s.name] = cache.sha256_file(s.job.image)
        for c in s.job.chapters:
            entries[(s.name, c)] = root / clip_key(s.job, c, model_sha, image_sha[s.name])
    by_name = {s.name: s for s in batch.students}
    outcomes = {s.name: Outcome(s) for s in batch.students}
    waiting = {s.name: set(s.job.chapters) for s in batch.students}
    cached: dict[str, set[str]] = {s.name: set() for s in batch.students}

    def publish(name: str) -> None:
        s, out = by_name[name], outcomes[name]
        mine = {c: entries[(name, c)] for c in s.job.chapters}
        if len(out.failures) == len(mine):  # nothing to show: no folder
            notify("published", name, {"outcome": out})
            return
        try:
            out.results = render.publish(s.job, mine, out.failures, cached[name], model_sha, image_sha[name])
        except Exception as exc:  # noqa: BLE001 - one image's failure must not stop the class
            out.error = f"{exc.__class__.__name__}: {exc}".splitlines()[0]
        notify("published", name, {"outcome": out})

    def event(kind: str, task: Hashable, info: dict) -> None:
        notify(kind, task, info)
        if kind not in ("cached", "done", "failed"):
            return
        name, chapter = task
        if kind == "cached":
            cached[name].add(chapter)
        elif kind == "failed":
            outcomes[name].failures[chapter] = info["error"]
        waiting[name].discard(chapter)
        if not waiting[name]:
            publish(name)

    todo = render.lookup(entries, force, event)
    tasks = {t: clip_spec(by_name[t[0]].job, t[1], entries[t]) for t in todo}
    if tasks and scheduler:
        from convreel import cluster

        cluster.render(scheduler, tasks, event)
    elif tasks:
        render.render_local(tasks, jobs, event)
    batch.output.mkdir(parents=True, exist_ok=True)
    classpage.write(batch, outcomes)
    render.prune(notify)
    return outcomes


def failures(batch: Batch, outcomes: dict[str, Outcome]) -> dict[str, str]:
    """Every image that did not give a complete explainer, with one line saying why."""
    failed = dict(batch.problems)
    failed.update((name, out.problem()) for name, out in outcomes.items() if out.problem())
    return failed
