"""Batch scaling: N images x every chapter at low quality on 1 and on 2 local Dask workers.

    .venv/bin/python benchmarks/batch.py                  # 2 tick-cross images, 1 and 2 workers
    .venv/bin/python benchmarks/batch.py --images 4 --example face --workers 1,2

Each run starts a LocalCluster of worker processes (one thread each, like `dask worker --nthreads
1`), a fresh empty cache and output folder, and runs `convreel batch`'s pipeline against it:
every clip is rendered by a worker in its own process and sent back to the client as bytes.
Prints wall time, clips per minute, worker-seconds per clip (what a clip costs on one core) and
the speed-up over one worker.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ["PYTHONPATH"] = str(REPO)  # workers and their render processes import this tree
import numpy as np  # noqa: E402

import engine  # noqa: E402
from convreel import batch  # noqa: E402
from convreel.render import Settings  # noqa: E402


def student_images(example: str, n: int, folder: Path) -> None:
    """``n`` different drawings of the example's classes, as a teacher's folder of PNGs."""
    ex = engine.get_example(example)
    rng = np.random.default_rng(2026)
    folder.mkdir(parents=True)
    for i in range(n):
        c = ex.class_names[i % len(ex.class_names)]
        if example == "tick-cross":
            img, scale = engine.datasets.draw_tick_cross(c, rng)[None], 20
        else:
            img, scale = engine.datasets.draw_face(c, rng), 8
        engine.images.save_image(img, folder / f"student-{i + 1:02d}.png", scale)


def run_once(images: Path, example: str, workers: int, tmp: Path) -> tuple[float, int, float]:
    """Wall seconds, clips rendered and seconds of video for one batch on ``workers`` workers."""
    from distributed import LocalCluster

    os.environ["CONVREEL_CACHE"] = tempfile.mkdtemp(dir=tmp)
    plan = batch.plan(images, ("all",), example, settings=Settings("low"), output=tmp / f"out-{workers}")
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
    ) as cluster:
        t0 = time.perf_counter()
        outcomes = batch.run(plan, scheduler=cluster.scheduler_address)
        wall = time.perf_counter() - t0
    failed = batch.failures(plan, outcomes)
    if failed:
        raise SystemExit("\n".join(failed.values()))
    clips = [r for o in outcomes.values() for r in o.results]
    assert not any(r.cached for r in clips)
    return wall, len(clips), sum(r.meta["duration"] for r in clips)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=2)
    parser.add_argument("--example", default="tick-cross", choices=sorted(engine.EXAMPLES))
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, e.g. 1,2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        student_images(args.example, args.images, tmp / "class")
        print(f"{args.images} {args.example} images x all chapters, low quality, {os.cpu_count()} cores")
        print(f"{'workers':>7s} {'clips':>5s} {'wall s':>8s} {'clips/min':>9s} {'worker-s/clip':>13s} {'speed-up':>8s}")
        first = None
        for w in (int(n) for n in args.workers.split(",")):
            wall, clips, video = run_once(tmp / "class", args.example, w, tmp)
            first = first or wall
            print(
                f"{w:7d} {clips:5d} {wall:8.1f} {clips / wall * 60:9.2f} {wall * w / clips:13.1f} {first / wall:8.2f}"
                f"   ({video:.0f} s of video)",
                flush=True,
            )


if __name__ == "__main__":
    main()
