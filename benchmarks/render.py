"""Render speed: per chapter and for the whole explainer, against the video duration produced.

    .venv/bin/python benchmarks/render.py                       # everything (long at high quality)
    .venv/bin/python benchmarks/render.py --qualities low --examples tick-cross
    .venv/bin/python benchmarks/render.py --skip-chapters       # only whole-explainer figures

Part 1, per chapter (jobs=1, one process per chapter): wall time, video duration and their ratio
at each quality. Part 2, the whole explainer (`render all`) at each quality with jobs=1 and jobs=2,
then a fully cached re-run. Every render uses a fresh, empty cache.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from convreel.render import Settings, make_job, run  # noqa: E402
from scenes.registry import chapters_for, get_chapter  # noqa: E402


def timed_render(chapters: tuple[str, ...], example: str, quality: str, jobs: int, out: Path) -> tuple[float, float]:
    job = make_job(chapters, example, settings=Settings(quality=quality), output=out)
    t0 = time.perf_counter()
    results = run(job, jobs=jobs)
    return time.perf_counter() - t0, sum(r.meta["duration"] for r in results)


def row(*cells: str) -> None:
    print(" ".join(cells), flush=True)


def manim_cache(chapter: str, examples: list[str], quality: str) -> None:
    """Plain `manim` renders of one chapter: Manim's cache off, on and cold, on and warm."""
    ch = get_chapter(chapter)
    flag = {"low": "-ql", "medium": "-qm", "high": "-qh", "4k": "-qk"}[quality]
    root = Path(__file__).resolve().parent.parent
    print(f"{'example':11s} {'chapter':13s} {'manim cache':22s} {'wall s':>8s}")
    for example in examples:
        with tempfile.TemporaryDirectory() as media:
            runs = [("off", "0", []), ("on, cold (empty cache)", "1", []), ("on, warm (re-run)", "1", [])]
            for name, on, extra in runs:
                env = {**os.environ, "CONVREEL_EXAMPLE": example, "CONVREEL_MANIM_CACHE": on}
                cmd = [sys.executable, "-m", "manim", flag, "--media_dir", media, *extra]
                cmd += [str(root / "scenes" / f"{ch.module}.py"), ch.scene]
                t0 = time.perf_counter()
                subprocess.run(cmd, check=True, capture_output=True, env=env)
                row(f"{example:11s} {chapter:13s} {name:22s}", f"{time.perf_counter() - t0:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", default="tick-cross,face")
    parser.add_argument("--qualities", default="low,high")
    parser.add_argument("--skip-chapters", action="store_true", help="skip the per-chapter table")
    parser.add_argument("--skip-whole", action="store_true", help="skip the whole-explainer table")
    parser.add_argument(
        "--manim-cache",
        metavar="CHAPTER",
        help="only compare Manim's own per-play cache (cold and warm) with no cache, on one chapter",
    )
    args = parser.parse_args()
    examples, qualities = args.examples.split(","), args.qualities.split(",")
    if args.manim_cache:
        manim_cache(args.manim_cache, examples, qualities[0])
        return

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)

        def fresh_cache() -> None:
            os.environ["CONVREEL_CACHE"] = tempfile.mkdtemp(dir=tmp)

        if not args.skip_chapters:
            print(f"{'example':11s} {'chapter':13s} {'quality':7s} {'wall s':>8s} {'video s':>8s} {'wall/video':>10s}")
            for example in examples:
                for ch in chapters_for(example):
                    for q in qualities:
                        fresh_cache()
                        wall, video = timed_render((ch.id,), example, q, 1, tmp / f"{example}-{ch.id}-{q}")
                        row(f"{example:11s} {ch.id:13s} {q:7s}", f"{wall:8.1f} {video:8.1f} {wall / video:10.2f}")

        if not args.skip_whole:
            print(f"\n{'example':11s} {'quality':7s} {'jobs':>4s} {'wall s':>8s} {'video s':>8s} {'wall/video':>10s}")
            for example in examples:
                for q in qualities:
                    for jobs in (1, 2):
                        fresh_cache()
                        out = tmp / f"{example}-all-{q}-{jobs}"
                        wall, video = timed_render(("all",), example, q, jobs, out)
                        row(f"{example:11s} {q:7s} {jobs:4d}", f"{wall:8.1f} {video:8.1f} {wall / video:10.2f}")
                    # The cached re-run is timed as a user runs it: the whole CLI command.
                    cmd = [sys.executable, "-m", "convreel", "render", "all", "-e", example, "-q", q, "-o", str(out)]
                    t0 = time.perf_counter()
                    subprocess.run(cmd, check=True, capture_output=True)
                    wall = time.perf_counter() - t0
                    print(f"{example:11s} {q:7s} cached re-run (`convreel render all`): {wall:.2f} s", flush=True)


if __name__ == "__main__":
    main()
