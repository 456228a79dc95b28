"""One rich progress display for a whole render job."""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .render import ClipResult, Job, run


def run_with_progress(job: Job, jobs: int | None, force: bool) -> list[ClipResult]:
    console = Console(stderr=True)
    started: dict[str, float] = {}
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        overall = progress.add_task(f"{job.example}: {len(job.chapters)} clips", total=len(job.chapters))

        def on_event(kind: str, chapter: str, info: dict) -> None:
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
                progress.console.print(f"  [red]failed[/red]   {chapter}: {info['error']}")
                progress.advance(overall)

        return run(job, jobs, force, on_event)
