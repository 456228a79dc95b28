"""Video files after Manim: probing, fast start, posters, joining clips, caption formats."""

from __future__ import annotations

import os
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av


@dataclass(frozen=True)
class VideoInfo:
    duration: float  # seconds
    width: int
    height: int
    fps: float
    codec: str
    pix_fmt: str
    frames: int


def probe(path: str | Path) -> VideoInfo:
    """Duration, size, frame rate and codec of a video (or GIF) file."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        rate = s.average_rate or s.guessed_rate or Fraction(0)
        frames = s.frames
        if s.duration is not None and s.time_base is not None:
            duration = float(s.duration * s.time_base)
        elif c.duration is not None:
            duration = c.duration / av.time_base
        else:
            duration = 0.0
        if not frames:
            frames = sum(1 for _ in c.demux(s) if _.size)
        if duration == 0.0 and rate:
            duration = frames / float(rate)
        return VideoInfo(
            duration=round(duration, 3),
            width=s.codec_context.width,
            height=s.codec_context.height,
            fps=round(float(rate), 3),
            codec=s.codec_context.name,
            pix_fmt=s.codec_context.format.name if s.codec_context.format else "",
            frames=frames,
        )


def _remux(inputs: list[Path], output: Path, options: dict[str, str] | None = None) -> None:
    """Copy the video packets of ``inputs``, one after another, into ``output`` (no re-encoding).

    All inputs must share codec, size and frame rate (clips of one render do). Timestamps of each
    input are shifted to start where the previous one ended.
    """
    tmp = output.with_name(f".{output.name}.tmp{output.suffix}")
    try:
        with av.open(str(tmp), mode="w", format=_container_format(output), options=options or {}) as out:
            stream = None
            offset = 0
            for path in inputs:
                with av.open(str(path)) as src:
                    s = src.streams.video[0]
                    if stream is None:
                        stream = out.add_stream_from_template(s)
                    last = 0
                    for packet in src.demux(s):
                        if packet.dts is None:
                            continue
                        packet.stream = stream
                        step = packet.duration or 0
                        packet.pts = (packet.pts or 0) + offset
                        packet.dts = packet.dts + offset
                        last = max(last, packet.pts + step)
                        out.mux(packet)
                    offset = last
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def _container_format(path: Path) -> str:
    return {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[path.suffix]


def faststart(path: Path) -> None:
    """Move an MP4's index (moov atom) to the front, so browsers play before the download ends."""
    _remux([path], path, {"movflags": "+faststart"})


def is_faststart(path: str | Path) -> bool:
    """Whether the 'moov' atom comes before 'mdat' in an MP4/MOV file."""
    with open(path, "rb") as fh:
        while True:
            header = fh.read(8)
            if len(header) < 8:
                return False
            size, kind = int.from_bytes(header[:4], "big"), header[4:8]
            if kind == b"moov":
                return True
            if kind == b"mdat":
                return False
            if size == 1:
                size = int.from_bytes(fh.read(8), "big") - 8
            fh.seek(size - 8, os.SEEK_CUR)


def join(clips: list[Path], output: Path) -> None:
    """Concatenate clips of one render into one movie (MP4, MOV or WebM)."""
    options = {"movflags": "+faststart"} if output.suffix in (".mp4", ".mov") else None
    _remux(clips, output, options)


def poster(video: Path, at: float, output: Path) -> None:
    """Save the frame shown at ``at`` seconds as a PNG (atomically)."""
    tmp = output.with_name(f".{output.name}.tmp.png")
    chosen = None
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        for frame in c.decode(s):
            chosen = frame
            if frame.pts is not None and float(frame.pts * s.time_base) >= at:
                break
    if chosen is None:
        raise ValueError(f"{video}: no frames to make a poster from")
    chosen.to_image().save(tmp)
    os.replace(tmp, output)


def _stamp(seconds: float, sep: str) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def captions_srt(captions: list[tuple[float, float, str]]) -> str:
    return "".join(
        f"{i}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n{text}\n\n" for i, (a, b, text) in enumerate(captions, 1)
    )


def captions_vtt(captions: list[tuple[float, float, str]]) -> str:
    return "WEBVTT\n\n" + "".join(f"{_stamp(a, '.')} --> {_stamp(b, '.')}\n{text}\n\n" for a, b, text in captions)


def write_atomic(path: Path, data: str | bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    os.replace(tmp, path)
