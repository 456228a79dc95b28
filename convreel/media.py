"""Video files after Manim: probing, fast start, sound, posters, joining clips, caption formats."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from convreel import audio


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


def _time(packet: av.Packet) -> float:
    stamp = packet.dts if packet.dts is not None else packet.pts
    return float(stamp * packet.time_base) if stamp is not None and packet.time_base else 0.0


def _frame_step(stream) -> int:
    """One frame's duration in the stream's time base, for packets that do not carry their own
    (WebM blocks usually do not)."""
    rate = stream.average_rate or stream.guessed_rate
    return round(1 / (rate * stream.time_base)) if rate and stream.time_base else 0


def _video_span(path: Path) -> int:
    """End of the last video frame (pts + duration), in the stream's time base: where the next
    clip of a join starts."""
    with av.open(str(path)) as src:
        s = src.streams.video[0]
        step = _frame_step(s)
        return max(((p.pts or 0) + (p.duration or step) for p in src.demux(s) if p.dts is not None), default=0)


def _copied_audio(path: Path, stream) -> Iterator[av.Packet]:
    """The audio packets of ``path`` re-addressed to ``stream`` (no re-encoding)."""
    with av.open(str(path)) as src:
        for packet in src.demux(src.streams.audio[0]):
            if packet.dts is not None:
                packet.stream = stream
                yield packet


def _encoded_audio(samples: np.ndarray, rate: int, stream) -> Iterator[av.Packet]:
    """Encode mono float samples into ``stream``, a second at a time (PyAV cuts each second into
    the codec's frame size)."""
    formats = [f.name for f in stream.codec_context.codec.audio_formats]
    fmt = next(f for f in ("fltp", "flt", "s16") if f in formats)  # float when the encoder takes it
    resampler = av.AudioResampler(format=fmt, layout="mono", rate=rate)
    for start in range(0, len(samples), rate):
        chunk = np.ascontiguousarray(samples[start : start + rate], dtype=np.float32)
        frame = av.AudioFrame.from_ndarray(chunk.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = rate
        frame.pts = start
        frame.time_base = Fraction(1, rate)
        for converted in resampler.resample(frame):
            yield from stream.encode(converted)
    for converted in resampler.resample(None):
        yield from stream.encode(converted)
    yield from stream.encode(None)


def _remux(
    inputs: list[Path],
    output: Path,
    options: dict[str, str] | None = None,
    audio_track: np.ndarray | None = None,
    rate: int = audio.RATE,
) -> None:
    """Copy the video packets of ``inputs``, one after another, into ``output`` (no re-encoding).

    All inputs must share codec, size and frame rate (clips of one render do). Timestamps of each
    input are shifted to start where the previous one ended. With ``audio_track`` (mono float
    samples at ``rate``, time 0 = the first frame) the output gets it as its sound, encoded for
    the container; without one, a single input's own sound is copied as it is.
    """
    tmp = output.with_name(f".{output.name}.tmp{output.suffix}")
    try:
        with av.open(str(tmp), mode="w", format=_container_format(output), options=options or {}) as out:
            with av.open(str(inputs[0])) as first:
                stream = out.add_stream_from_template(first.streams.video[0])
                # WebM marks a picture with alpha by a track tag the template does not carry.
                if "alpha_mode" in first.streams.video[0].metadata:
                    stream.metadata["alpha_mode"] = first.streams.video[0].metadata["alpha_mode"]
                copy_sound = audio_track is None and len(inputs) == 1 and bool(first.streams.audio)
                sound = out.add_stream_from_template(first.streams.audio[0]) if copy_sound else None
            if audio_track is not None:
                codec = AUDIO_CODECS[output.suffix]
                sound = out.add_stream(codec, rate=rate, layout="mono")
                sound.bit_rate = AUDIO_BITRATE[codec]
                audio_packets = _encoded_audio(audio_track, rate, sound)
            else:
                audio_packets = _copied_audio(inputs[0], sound) if sound is not None else iter(())
            # Interleave: before each video packet, every audio packet due by then.
            pending = next(audio_packets, None)
            offset = 0
            for path in inputs:
                with av.open(str(path)) as src:
                    s = src.streams.video[0]
                    frame_step = _frame_step(s)
                    last = 0
                    for packet in src.demux(s):
                        if packet.dts is None:
                            continue
                        packet.stream = stream
                        step = packet.duration or frame_step
                        packet.pts = (packet.pts or 0) + offset
                        packet.dts = packet.dts + offset
                        last = max(last, packet.pts + step)
                        while pending is not None and _time(pending) <= _time(packet):
                            out.mux(pending)
                            pending = next(audio_packets, None)
                        out.mux(packet)
                    offset = last
            while pending is not None:
                out.mux(pending)
                pending = next(audio_packets, None)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


def _container_format(path: Path) -> str:
    return {".mp4": "mp4", ".mov": "mov", ".webm": "webm"}[path.suffix]


# Sound codec per container, and its bit rate for mono speech.
AUDIO_CODECS = {".mp4": "aac", ".mov": "aac", ".webm": "libopus"}
AUDIO_BITRATE = {"aac": 128_000, "libopus": 96_000}


def faststart(path: Path) -> None:
    """Move an MP4's index (moov atom) to the front, so browsers play before the download ends
    (its sound, if any, is copied along)."""
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


def _fast(output: Path) -> dict[str, str] | None:
    return {"movflags": "+faststart"} if output.suffix in (".mp4", ".mov") else None


def has_audio(path: str | Path) -> bool:
    with av.open(str(path)) as c:
        return bool(c.streams.audio)


def audio_duration(path: str | Path) -> float:
    """Duration of a file's first audio stream in seconds (0.0 without one)."""
    with av.open(str(path)) as c:
        if not c.streams.audio:
            return 0.0
        s = c.streams.audio[0]
        if s.duration is not None and s.time_base is not None:
            return float(s.duration * s.time_base)
        return sum(f.samples for f in c.decode(s)) / (s.rate or 1)


def mux_audio(video: Path, track: np.ndarray, rate: int = audio.RATE, output: Path | None = None) -> None:
    """Give ``video`` the sound ``track`` (mono float samples at ``rate`` from its first frame),
    replacing any it had, without re-encoding the picture: AAC in MP4 and MOV (MOV with QuickTime
    RLE and alpha too), Opus in WebM. MP4 and MOV keep their index at the front. Written
    atomically, to ``output`` or in place. A GIF has no sound: ValueError.
    """
    if video.suffix not in AUDIO_CODECS:
        raise ValueError(f"{video.name}: a {video.suffix or 'file without extension'} video cannot carry sound")
    target = output or video
    _remux([video], target, _fast(target), audio_track=track, rate=rate)


def join(clips: list[Path], output: Path) -> None:
    """Concatenate clips of one render into one movie (MP4, MOV or WebM).

    The picture is copied. If any clip has sound, the movie's sound is each clip's own sound laid
    at the clip's start and cut or padded to its picture's length (a silent clip contributes
    silence), so sound and picture stay together to the last frame however many clips are joined,
    encoded once more and kept under ``audio.PUBLISHED_CEILING_DBTP`` as every clip is.
    """
    track = None
    if any(has_audio(c) for c in clips):
        spans, bases = [], []
        for clip in clips:
            with av.open(str(clip)) as c:
                bases.append(c.streams.video[0].time_base)
            spans.append(_video_span(clip))
        # Sample positions from the same integer offsets the picture uses: no rounding drift.
        ends = [round(float(sum(spans[: i + 1]) * bases[i]) * audio.RATE) for i in range(len(clips))]
        starts = [0, *ends[:-1]]
        track = np.zeros(ends[-1], np.float32)
        for clip, a, b in zip(clips, starts, ends):
            if has_audio(clip):
                sound = audio.read_audio(clip)[: b - a]
                track[a : a + len(sound)] = sound
    if track is None:
        _remux(clips, output, _fast(output))
        return
    # The clips' sound is decoded and encoded again, and a second encoding can push peaks above
    # the ceiling every clip kept: the movie is staged, measured and, if need be, staged again
    # with the track limited harder; only then is it published.
    staged = output.with_name(f".{output.name}.staged{output.suffix}")

    def publish(ceiling: float) -> Path:
        _remux(clips, staged, _fast(output), audio_track=audio.limit(track, ceiling))
        return staged

    try:
        audio.publish_under_ceiling(publish, audio.PUBLISHED_CEILING_DBTP)
        os.replace(staged, output)
    finally:
        staged.unlink(missing_ok=True)


def poster(video: Path, at: float, output: Path) -> None:
    """Save the frame shown at ``at`` seconds as a PNG (atomically)."""
    tmp = output.with_name(f".{output.name}.tmp.png")
    chosen = None
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        if at > 0 and s.time_base:
            # Start at the keyframe before ``at`` rather than decoding the whole clip up to it.
            try:
                c.seek(int(at / s.time_base), stream=s, backward=True)
            except av.error.FFmpegError:
                c.seek(0)
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
