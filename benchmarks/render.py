"""Render speed: where the time goes, per chapter and for the whole explainer, against plain Manim.

    .venv/bin/python benchmarks/render.py --versus-manim --examples tick-cross,face   # the headline
    .venv/bin/python benchmarks/render.py --versus-manim --chapters pixels,relu       # a short check
    .venv/bin/python benchmarks/render.py --profile --chapters relu --qualities high   # the split
    .venv/bin/python benchmarks/render.py --skip-chapters       # whole-explainer table only
    .venv/bin/python benchmarks/render.py --voices pixels       # narration's cost: none, espeak, festival
    .venv/bin/python benchmarks/render.py                       # per chapter and whole (long)

``--versus-manim``: for each example, the chapters rendered with plain ``manim -qh`` (Manim's
defaults, its cache on), one after another, then with ``convreel render all -q high`` (default
jobs: one process per core) from an empty cache, in one run; prints both wall times, the video
length, wall/video and the ratio, and the size of the clips in MB per minute of video.

``--profile``: one clip at a time in its own process, instrumented: CPU seconds of worker start-up
(Python, imports), scene building (construct, updaters, interpolation), rasterisation (Cairo),
encoding (RGBA to YUV and x264, on the encoder's threads), joining (the movie file, fast start)
and finishing (poster, probe, checksums), with the wall time and how long the scene waited for
the encoder. CPU seconds hardly change with other load on the machine; wall times do.

Default tables: per chapter (jobs=1, one process per chapter): wall time, video duration and their
ratio; the whole explainer (`render all`) with jobs=1 and 2, size in MB per minute and the time to
join the clips, then a fully cached re-run. Every render uses a fresh, empty cache. Every figure
line ends with the machine's load average (1 minute) when it was printed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convreel import media  # noqa: E402
from convreel.render import Settings, make_job, run  # noqa: E402
from scenes.registry import chapter_number, chapters_for, get_chapter  # noqa: E402

MANIM_FLAG = {"low": "-ql", "medium": "-qm", "high": "-qh", "4k": "-qk"}


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def row(*cells: str) -> None:
    print(" ".join(cells), load(), flush=True)


def mb_per_minute(videos: list[Path]) -> float:
    size = sum(v.stat().st_size for v in videos)
    return size / 1e6 / (sum(media.probe(v).duration for v in videos) / 60)


def timed_render(
    chapters: tuple[str, ...], example: str, quality: str, jobs: int | None, out: Path, voice: str = "none"
):
    """Wall seconds, video seconds, MB per minute of the clips, seconds spent joining them."""
    job = make_job(chapters, example, settings=Settings(quality=quality, voice=voice), output=out)
    joining = [0.0]
    join = media.join

    def timed_join(*args, **kwargs):
        t0 = time.perf_counter()
        join(*args, **kwargs)
        joining[0] += time.perf_counter() - t0

    media.join = timed_join
    try:
        t0 = time.perf_counter()
        results = run(job, jobs=jobs)
        wall = time.perf_counter() - t0
    finally:
        media.join = join
    clips = [out / r.files["video"] for r in results]
    return wall, sum(r.meta["duration"] for r in results), mb_per_minute(clips), joining[0]


def chosen_chapters(example: str, chapters: list[str] | None) -> tuple[str, ...]:
    ids = [c.id for c in chapters_for(example)]
    return tuple(c for c in ids if c in chapters) if chapters else tuple(ids)


# -- plain Manim against ConvReel -------------------------------------------------------------------
def versus_manim(
    examples: list[str], chapters: list[str] | None, quality: str, jobs: int | None, keep: Path | None
) -> None:
    print(f"{'example':11s} {'renderer':34s} {'wall s':>8s} {'video s':>8s} {'wall/video':>10s} {'MB/min':>7s}")
    for example in examples:
        ids = chosen_chapters(example, chapters)
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            # Plain Manim: its defaults, its per-animation cache on, one chapter after another.
            env = {**os.environ, "CONVREEL_EXAMPLE": example, "CONVREEL_MANIM_CACHE": "1", "PYTHONPATH": str(ROOT)}
            t0 = time.perf_counter()
            for cid in ids:
                ch = get_chapter(cid)
                cmd = [sys.executable, "-m", "manim", MANIM_FLAG[quality], "--media_dir", str(tmp / "manim")]
                cmd += [str(ROOT / "scenes" / f"{ch.module}.py"), ch.scene]
                subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=tmp)
            manim_wall = time.perf_counter() - t0
            movies = [m for m in (tmp / "manim" / "videos").rglob("*.mp4") if "partial_movie_files" not in m.parts]
            if keep:  # under convreel's clip names, for benchmarks/quality.py
                (keep / f"{example}-manim").mkdir(parents=True, exist_ok=True)
                for cid in ids:
                    name = f"{get_chapter(cid).scene}.mp4"
                    (movie,) = [m for m in movies if m.name == name]
                    shutil.copyfile(movie, keep / f"{example}-manim" / f"{chapter_number(cid, example):02d}-{cid}.mp4")
            manim_video = sum(media.probe(m).duration for m in movies)
            row(
                f"{example:11s} {'manim ' + MANIM_FLAG[quality] + ' (cache on), in turn':34s}",
                f"{manim_wall:8.1f} {manim_video:8.1f} {manim_wall / manim_video:10.2f} {mb_per_minute(movies):7.2f}",
            )
            # ConvReel from an empty cache, the way a user runs it.
            os.environ["CONVREEL_CACHE"] = str(tmp / "cache")
            what = "all" if set(ids) == {c.id for c in chapters_for(example)} else " ".join(ids)
            out = keep / example if keep else tmp / "convreel"
            wall, video, mb, _ = timed_render(ids, example, quality, jobs, out)
            name = f"convreel render {what} -q {quality}"
            row(
                f"{example:11s} {name[:34]:34s}",
                f"{wall:8.1f} {video:8.1f} {wall / video:10.2f} {mb:7.2f}",
            )
            print(f"{example:11s} ratio manim / convreel: {manim_wall / wall:.2f}x", flush=True)


# -- where the time goes --------------------------------------------------------------------------
def profile(examples: list[str], chapters: list[str] | None, qualities: list[str]) -> None:
    stages = ("start-up", "building", "raster", "encoding", "joining", "finishing")
    head = " ".join(f"{s:>9s}" for s in stages)
    print("CPU seconds by stage; waits: wall seconds the scene waited for the encoder")
    print(f"{'example':11s} {'chapter':15s} {'quality':7s} {'video s':>7s} {'wall s':>7s} {'CPU s':>6s} "
          f"{head} {'waits s':>7s}")  # fmt: skip
    for example in examples:
        for cid in chosen_chapters(example, chapters):
            for q in qualities:
                with tempfile.TemporaryDirectory() as tmp:
                    env = {**os.environ, "CONVREEL_CACHE": tmp}
                    cmd = [sys.executable, __file__, "--profile-one", cid, example, q]
                    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, cwd=ROOT)
                r = json.loads(out.stdout.strip().splitlines()[-1])
                cells = " ".join(f"{r['cpu'][s]:9.1f}" for s in stages)
                row(
                    f"{example:11s} {cid:15s} {q:7s} {r['video']:7.1f} {r['wall']:7.1f} {r['total_cpu']:6.1f}",
                    f"{cells} {r['waits']:7.1f}",
                )


def profile_one(chapter: str, example: str, quality: str) -> None:
    """Render one clip in this process with timers on each stage; print one JSON line."""
    from manim.camera.camera import Camera
    from manim.renderer.cairo_renderer import CairoRenderer
    from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob

    from convreel import cache
    from convreel.clip import render_clip
    from convreel.render import clip_spec

    cpu: dict[str, float] = defaultdict(float)
    wall: dict[str, float] = defaultdict(float)

    def timed(owner, name: str, stage: str) -> None:
        method = getattr(owner, name)

        def wrapper(*args, **kwargs):
            t0, c0 = time.perf_counter(), time.thread_time()
            try:
                return method(*args, **kwargs)
            finally:
                wall[stage] += time.perf_counter() - t0
                cpu[stage] += time.thread_time() - c0

        setattr(owner, name, wrapper)

    for name in ("capture_mobjects", "set_frame_to_background", "reset"):
        timed(Camera, name, "raster")
    timed(CairoRenderer, "get_frame", "raster")
    timed(SceneFileWriter, "combine_to_movie", "joining")
    timed(media, "faststart", "joining")
    for name in ("poster", "probe"):
        timed(media, name, "finishing")
    timed(cache, "write_sums", "finishing")
    for name in ("put", "join"):
        timed(_PartialMovieEncodeJob, name, "waits")

    job = make_job((chapter,), example, settings=Settings(quality=quality))
    entry = Path(tempfile.mkdtemp(dir=os.environ["CONVREEL_CACHE"])) / "entry"
    startup = time.process_time()  # since the process started: Python, imports, the job
    t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
    meta = render_clip(clip_spec(job, chapter, entry))
    wall_s, total, main = time.perf_counter() - t0, time.process_time() - c0, time.thread_time() - m0
    split = {
        "start-up": startup,
        "building": main - cpu["raster"] - cpu["joining"] - cpu["finishing"],
        "raster": cpu["raster"],
        "encoding": total - main,  # every other thread: the encoder's, x264's
        "joining": cpu["joining"],
        "finishing": cpu["finishing"],
    }
    print(json.dumps({"video": meta["duration"], "wall": wall_s, "total_cpu": total + startup, "cpu": split,
                      "waits": wall["waits"]}))  # fmt: skip


# -- per chapter and whole explainer --------------------------------------------------------------
def tables(args, examples: list[str], qualities: list[str], chapters: list[str] | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def fresh_cache() -> None:
            os.environ["CONVREEL_CACHE"] = tempfile.mkdtemp(dir=tmp)

        if not args.skip_chapters:
            print(f"{'example':11s} {'chapter':15s} {'quality':7s} {'wall s':>8s} {'video s':>8s} {'wall/video':>10s} "
                  f"{'MB/min':>7s}")  # fmt: skip
            for example in examples:
                for cid in chosen_chapters(example, chapters):
                    for q in qualities:
                        fresh_cache()
                        out = tmp / f"{example}-{cid}-{q}"
                        wall, video, mb, _ = timed_render((cid,), example, q, 1, out)
                        figures = f"{wall:8.1f} {video:8.1f} {wall / video:10.2f} {mb:7.2f}"
                        row(f"{example:11s} {cid:15s} {q:7s}", figures)

        if not args.skip_whole:
            print(f"\n{'example':11s} {'quality':7s} {'jobs':>4s} {'wall s':>8s} {'video s':>8s} {'wall/video':>10s} "
                  f"{'MB/min':>7s} {'join s':>6s}")  # fmt: skip
            for example in examples:
                ids = chosen_chapters(example, chapters) if chapters else ("all",)
                for q in qualities:
                    for jobs in (args.jobs,) if args.jobs else (1, 2):
                        fresh_cache()
                        out = tmp / f"{example}-all-{q}-{jobs}"
                        wall, video, mb, joining = timed_render(ids, example, q, jobs, out)
                        row(
                            f"{example:11s} {q:7s} {jobs:4d}",
                            f"{wall:8.1f} {video:8.1f} {wall / video:10.2f} {mb:7.2f} {joining:6.1f}",
                        )
                    # The cached re-run is timed as a user runs it: the whole CLI command.
                    cmd = [sys.executable, "-m", "convreel", "render", *ids, "-e", example, "-q", q, "-o", str(out)]
                    t0 = time.perf_counter()
                    subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT)
                    wall = time.perf_counter() - t0
                    print(f"{example:11s} {q:7s} cached re-run (`convreel render`): {wall:.2f} s", load(), flush=True)


def voices(chapter: str, examples: list[str], quality: str) -> None:
    """One chapter silent and narrated by each offline voice, from an empty cache (speech included):
    a voice costs its synthesis, the mixing, and the frames of beats it lengthens."""
    print(f"{'example':11s} {'chapter':13s} {'voice':9s} {'wall s':>8s} {'video s':>8s} {'wall/video':>10s}")
    for example in examples:
        for voice in ("none", "espeak", "festival"):
            with tempfile.TemporaryDirectory() as tmp:
                os.environ["CONVREEL_CACHE"] = str(Path(tmp) / "cache")
                wall, video, _mb, _ = timed_render((chapter,), example, quality, 1, Path(tmp) / "out", voice)
                row(f"{example:11s} {chapter:13s} {voice:9s}", f"{wall:8.1f} {video:8.1f} {wall / video:10.2f}")


def manim_cache(chapter: str, examples: list[str], quality: str) -> None:
    """Plain `manim` renders of one chapter: Manim's cache off, on and cold, on and warm."""
    ch = get_chapter(chapter)
    print(f"{'example':11s} {'chapter':13s} {'manim cache':22s} {'wall s':>8s}")
    for example in examples:
        with tempfile.TemporaryDirectory() as tmp:
            runs = [("off", "0"), ("on, cold (empty cache)", "1"), ("on, warm (re-run)", "1")]
            for name, on in runs:
                env = {**os.environ, "CONVREEL_EXAMPLE": example, "CONVREEL_MANIM_CACHE": on, "PYTHONPATH": str(ROOT)}
                cmd = [sys.executable, "-m", "manim", MANIM_FLAG[quality], "--media_dir", tmp]
                cmd += [str(ROOT / "scenes" / f"{ch.module}.py"), ch.scene]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=tmp)
                row(f"{example:11s} {chapter:13s} {name:22s}", f"{time.perf_counter() - t0:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", default="tick-cross,face")
    parser.add_argument("--qualities", default="low,high", help="default tables and --profile (comma-separated)")
    parser.add_argument("--chapters", help="only these chapters (comma-separated), e.g. a short check: pixels,relu")
    parser.add_argument(
        "--jobs", type=int, help="convreel's processes (default: one per core; the whole-explainer table: 1 and 2)"
    )
    parser.add_argument(
        "--keep", type=Path, help="--versus-manim: keep convreel's clips in KEEP/EXAMPLE, Manim's in KEEP/EXAMPLE-manim"
    )
    parser.add_argument("--skip-chapters", action="store_true", help="skip the per-chapter table")
    parser.add_argument("--skip-whole", action="store_true", help="skip the whole-explainer table")
    parser.add_argument("--versus-manim", action="store_true", help="plain manim -qh against convreel -q high")
    parser.add_argument("--profile", action="store_true", help="CPU seconds by stage, one clip at a time")
    parser.add_argument("--profile-one", nargs=3, metavar=("CHAPTER", "EXAMPLE", "QUALITY"), help=argparse.SUPPRESS)
    parser.add_argument("--voices", metavar="CHAPTER", help="one chapter silent, with espeak and with festival")
    parser.add_argument(
        "--manim-cache",
        metavar="CHAPTER",
        help="only compare Manim's own per-play cache (cold and warm) with no cache, on one chapter",
    )
    args = parser.parse_args()
    examples, qualities = args.examples.split(","), args.qualities.split(",")
    chapters = args.chapters.split(",") if args.chapters else None
    if args.profile_one:
        profile_one(*args.profile_one)
    elif args.manim_cache:
        manim_cache(args.manim_cache, examples, qualities[0])
    elif args.voices:
        voices(args.voices, examples, qualities[0])
    elif args.versus_manim:
        versus_manim(examples, chapters, "high", args.jobs, args.keep)
    elif args.profile:
        profile(examples, chapters, qualities)
    else:
        tables(args, examples, qualities, chapters)


if __name__ == "__main__":
    main()
