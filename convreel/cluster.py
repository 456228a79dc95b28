"""Render batch clips on a Dask distributed cluster (``convreel batch --scheduler tcp://HOST:PORT``).

The cluster is the standard one: ``dask scheduler`` on one machine, ``dask worker tcp://HOST:PORT``
on each machine that renders (with ConvReel installed, ``pip install 'convreel[cluster]'``). No
shared disk is needed: the client sends each image and the model as bytes, a worker renders the
clip in a fresh Python process (Manim's configuration is process-global, so two clips never share
one), and returns the clip's files as bytes. The client verifies them against their SHA-256 list,
checks that the worker ran the same code the cache key names, and stores them in its cache
atomically; ``convreel.batch`` publishes from there.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Hashable
from pathlib import Path

from convreel import cache
from convreel.render import Event, check_rendered

WAIT_FOR_WORKERS = 60.0  # seconds to wait for the first worker to join the scheduler


class ClusterError(RuntimeError):
    """The cluster cannot be used; the message is one line."""


def render_on_worker(spec: dict, image: bytes, model: bytes) -> dict[str, bytes]:
    """Runs on a Dask worker: render one clip in its own Python process and return its cache
    entry's files (clip, poster, captions, meta.json, SHA256SUMS) as bytes."""
    with tempfile.TemporaryDirectory(prefix="convreel-clip-") as tmp:
        tmp = Path(tmp)
        inputs = tmp / "inputs"
        inputs.mkdir()
        # The file names are kept: the scene shows the image's name on screen.
        (inputs / spec["image"]).write_bytes(image)
        (inputs / spec["model"]).write_bytes(model)
        local = {
            **spec,
            "image": str(inputs / spec["image"]),
            "model": str(inputs / spec["model"]),
            "entry": str(tmp / "entry"),
            "owner": os.getpid(),
        }
        proc = subprocess.run(
            [sys.executable, "-m", "convreel.clip"], input=json.dumps(local), capture_output=True, text=True
        )
        if proc.returncode != 0:
            lines = proc.stderr.strip().splitlines()
            raise RuntimeError(lines[-1] if lines else f"render process exited with code {proc.returncode}")
        return {p.name: p.read_bytes() for p in (tmp / "entry").iterdir()}


def connect(address: str):
    """A Dask client for the scheduler at ``address``, once at least one worker has joined."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("--scheduler needs the distributed package: pip install 'convreel[cluster]'") from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {address} ({exc})".splitlines()[0]) from None
    try:
        client.wait_for_workers(1, timeout=WAIT_FOR_WORKERS)
    except TimeoutError:
        client.close()
        raise ClusterError(
            f"no Dask worker joined the scheduler at {address} within {WAIT_FOR_WORKERS:.0f} s"
        ) from None
    return client


def render(address: str, tasks: dict[Hashable, dict], notify: Event) -> dict[Hashable, str]:
    """Render every task's spec (``convreel.render.clip_spec``) on the cluster; store each verified
    clip in its cache entry. Returns the failed tasks with a one-line reason each."""
    from distributed import as_completed

    client = connect(address)
    failures: dict[Hashable, str] = {}
    futures = {}
    try:
        uploads = {}  # each image and model file is sent to the cluster once

        def upload(path: str, broadcast: bool = False):
            if path not in uploads:
                uploads[path] = client.scatter(Path(path).read_bytes(), broadcast=broadcast)
            return uploads[path]

        for task, spec in tasks.items():
            portable = {**spec, "image": Path(spec["image"]).name, "model": Path(spec["model"]).name}
            image, model = upload(spec["image"]), upload(spec["model"], broadcast=True)
            future = client.submit(render_on_worker, portable, image, model, pure=False)
            futures[future] = task
            notify("queued", task, {})
        for future in as_completed(futures, loop=client.loop):
            task, spec = futures[future], tasks[futures[future]]
            try:
                files = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker's error, reported as one line
                problem = f"{exc.__class__.__name__}: {exc}".splitlines()[0]
            else:
                meta, problem = cache.verify_files(files)
                problem = check_rendered(meta, problem, spec["chapter"])
                if problem is None:
                    cache.store(Path(spec["entry"]), files)
                    notify("done", task, meta)
                    continue
            failures[task] = problem
            notify("failed", task, {"error": problem})
    except BaseException:
        client.cancel(list(futures))
        raise
    finally:
        client.close()
    return failures
