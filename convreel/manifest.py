"""``manifest.json``: what a render folder holds, for course pages and scripts.

The schema is documented in the README and versioned by ``schema_version``; fields are only ever
added within a version.
"""

from __future__ import annotations

import fcntl
import json
from contextlib import contextmanager
from pathlib import Path

from convreel import __version__, media

SCHEMA_VERSION = 1
NAME = "manifest.json"


@contextmanager
def locked(folder: Path):
    """Serialise manifest updates of concurrent renders into the same folder."""
    with open(folder / ".manifest.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def read(folder: Path) -> dict:
    path = folder / NAME
    if not path.exists():
        return {"schema_version": SCHEMA_VERSION, "clips": [], "movie": None}
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("schema_version") != SCHEMA_VERSION:
        return {"schema_version": SCHEMA_VERSION, "clips": [], "movie": None}
    return data


def clip_record(job, result, model_sha: str, image_sha: str) -> dict:
    folder = job.output
    m = result.meta
    files = result.files
    from engine import get_example

    bundled = get_example(job.example).model_path.resolve() == job.model
    return {
        "chapter": result.chapter,
        "title": m["title"],
        "order": result.order,
        "example": job.example,
        "model": {"name": job.example if bundled else job.model.stem, "file": job.model.name, "sha256": model_sha},
        "image": {"file": job.image.name, "sha256": image_sha},
        "label": m["label"],
        "label_assumed": m["label_assumed"],
        "prediction": m["prediction"],
        "probabilities": m["probabilities"],
        "duration": m["duration"],
        "resolution": m["resolution"],
        "fps": m["fps"],
        "format": job.settings.format,
        "transparent": job.settings.transparent,
        "quality": job.settings.quality,
        "codec": m["codec"],
        "language": m["language"],
        "voice": m["voice"],
        "audio": m["audio"],  # None: a silent clip; else its codec, loudness and true peak
        "files": {
            "video": files["video"],
            "poster": files["poster"],
            "captions": {"srt": files["srt"], "vtt": files["vtt"]},
            "tracks": [
                {"language": code, "srt": files[f"srt{sfx}"], "vtt": files[f"vtt{sfx}"]}
                for code, sfx in (
                    (t["language"], "" if t["language"] == m["language"] else f".{t['language']}")
                    for t in m["caption_tracks"]
                )
            ],  # fmt: skip
        },
        "bytes": {role: (folder / name).stat().st_size for role, name in files.items()},
        "sections": m["sections"],
        "cached": result.cached,
    }


def update(job, results, movie: Path | None, model_sha: str, image_sha: str) -> dict:
    """Merge this render's clips into the folder's manifest (replacing same-chapter entries)."""
    folder = job.output
    with locked(folder):
        data = read(folder)
        fresh = {r.chapter: clip_record(job, r, model_sha, image_sha) for r in results}
        clips = [c for c in data["clips"] if c["chapter"] not in fresh] + list(fresh.values())
        clips.sort(key=lambda c: c["order"])
        data = {
            "schema_version": SCHEMA_VERSION,
            "generator": f"convreel {__version__}",
            "clips": clips,
            "movie": data.get("movie"),
        }
        if movie is not None:
            info = media.probe(movie)
            data["movie"] = {
                "file": movie.name,
                "bytes": movie.stat().st_size,
                "duration": info.duration,
                "chapters": [c["chapter"] for c in clips],
            }
        media.write_atomic(folder / NAME, json.dumps(data, indent=2) + "\n")
        return data
