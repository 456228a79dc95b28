"""One rich progress display for a whole render job, or a whole batch."""

from __future__ import annotations

import time
from collections.abc import Hashable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from . import batch as batches
from .cache import human
from .render import ClipResult, Job, run


def _progress(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def _cache_line(progress: Progress, kind: str, name: str, info: dict) -> bool:
    """Print the cache's own events; False for any other event."""
    if kind == "damaged":
        progress.console.print(
            f"  [yellow]warning[/yellow]  cached {name} was damaged ({info['error']}): rendering again",
            highlight=False,
            soft_wrap=True,
        )
    elif kind == "pruned":
        progress.console.print(
            f"  [dim]cache: removed {info['entries']} least recently used clips ({human(info['bytes'])})"
            " to stay within its size bound (see `convreel cache`)[/dim]",
            soft_wrap=True,
        )
    else:
        return False
    return True


def run_with_progress(job: Job, jobs: int | None, force: bool) -> list[ClipResult]:
    console = Console(stderr=True)
    started: dict[str, float] = {}
    with _progress(console) as progress:
        overall = progress.add_task(f"{job.example}: {len(job.chapters)} clips", total=len(job.chapters))

        def on_event(kind: str, chapter: str, info: dict) -> None:
            if _cache_line(progress, kind, chapter, info):
                return
            if kind == "queued":
                started[chapter] = time.monotonic()
            elif kind == "cached":
                progress.console.print(f"  [dim]cached[/dim]   {chapter}")
                progress.advance(overall)
            elif kind == "done":
                took = time.monotonic() - started.get(chapter, time.monotonic())
                progress.console.print(
                    f"  [green]rendered[/green] {chapter} ({info['duration']:.1f} s of video in {took:.0f} s)"
                )
                progress.advance(overall)
            elif kind == "failed":
                progress.console.print(
                    f"  [red]failed[/red]   {chapter}: {info['error']}", highlight=False, soft_wrap=True
                )
                progress.advance(overall)

        return run(job, jobs, force, on_event)


def run_batch_with_progress(
    batch: batches.Batch, jobs: int | None, force: bool, scheduler: str | None
) -> dict[str, batches.Outcome]:
    """Run a batch under one progress bar over every clip; one line per finished or failed image."""
    console = Console(stderr=True)
    total = len(batch.students) * len(batch.chapters)
    where = f"on {scheduler}" if scheduler else "locally"
    with _progress(console) as progress:
        overall = progress.add_task(
            f"{len(batch.students)} images × {len(batch.chapters)} chapters {where}", total=total
        )

        def on_event(kind: str, task: Hashable, info: dict) -> None:
            if _cache_line(progress, kind, "/".join(task) if isinstance(task, tuple) else "", info):
                return
            if kind in ("cached", "done", "failed"):
                progress.advance(overall)
            if kind == "published":
                out = info["outcome"]
                s = out.student
                if out.problem():
                    progress.console.print(f"  [red]failed[/red]   {out.problem()}", highlight=False, soft_wrap=True)
                else:
                    n, cached = len(out.results), sum(r.cached for r in out.results)
                    progress.console.print(
                        f"  [green]done[/green]     {s.name} -> {batch.output / s.folder}"
                        f"  (prediction {s.prediction}; {n} clip{'' if n == 1 else 's'}, {cached} cached)",
                        highlight=False,
                        soft_wrap=True,
                    )

        return batches.run(batch, jobs, force, scheduler, on_event)
