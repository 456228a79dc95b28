"""Narration audio: decode speech, mix it onto a clip's timeline, make it ready to publish.

Every speech file is decoded to mono float samples at 48 kHz (the rate Opus needs and AAC
handles), placed at its beat's start, and the whole track is normalised to an integrated loudness
of about -16 LUFS (ITU-R BS.1770, measured with pyloudnorm; its gating ignores the silence between
beats) under a true-peak ceiling of -1.5 dBTP, so no sample ever reaches full scale. Silence between
beats stays digital silence: the limiter only scales, it never adds.
"""

from __future__ import annotations

import os
import wave
from collections.abc import Callable, Sequence
from pathlib import Path

import av
import numpy as np
import pyloudnorm
from scipy import ndimage, signal

RATE = 48_000
TARGET_LUFS = -16.0
# -1.5 dBTP before encoding: AAC and Opus usually overshoot by up to about 0.5 dB on speech, and the
# published file should stay under the -1 dBTP that EBU R 128 and the platforms ask for (a harsher
# voice can overshoot by 3 dB: the published sound is measured, and limited harder if needed).
CEILING_DBTP = -1.5
PUBLISHED_CEILING_DBTP = -1.0  # what the encoded sound may reach (AAC and Opus overshoot a little)
# Changing how speech is trimmed or the track is levelled changes every voiced clip: this is part
# of the voice settings that key the render cache.
MIX_SETTINGS = {"rate": RATE, "target_lufs": TARGET_LUFS, "ceiling_dbtp": CEILING_DBTP, "version": 2}


def read_audio(path: str | Path, rate: int = RATE) -> np.ndarray:
    """Decode any audio file PyAV can read (WAV of any sample format, FLAC, MP3, AAC, Opus...), or
    the first audio stream of a video, into mono float32 samples at ``rate``.

    Samples before the stream's time zero (encoder priming) are dropped, and a stream that starts
    late is preceded by silence, so sample ``i`` plays at ``i / rate`` seconds.
    """
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    chunks: list[np.ndarray] = []
    start = None
    try:
        with av.open(str(path)) as c:
            if not c.streams.audio:
                raise ValueError(f"{path}: no audio stream")
            stream = c.streams.audio[0]
            for frame in c.decode(stream):
                if start is None and frame.pts is not None and frame.time_base is not None:
                    start = float(frame.pts * frame.time_base)
                for out in resampler.resample(frame):
                    chunks.append(out.to_ndarray().reshape(-1))
            for out in resampler.resample(None):
                chunks.append(out.to_ndarray().reshape(-1))
    except av.error.FFmpegError as exc:
        raise ValueError(f"{path}: not a readable audio file ({exc.strerror or exc})") from None
    samples = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    shift = round((start or 0.0) * rate)
    if shift > 0:
        samples = np.concatenate([np.zeros(shift, np.float32), samples])
    elif shift < 0:
        samples = samples[-shift:]
    return samples.astype(np.float32, copy=False)


def write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> None:
    """Write mono 16-bit PCM, atomically (a temporary name, then rename)."""
    pcm = np.round(np.clip(samples, -1.0, 32767 / 32768) * 32768).astype("<i2")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with wave.open(str(tmp), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            w.writeframes(pcm.tobytes())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def frame_rms_db(samples: np.ndarray, rate: int = RATE, frame: float = 0.01) -> np.ndarray:
    """RMS level of consecutive ``frame``-second frames, in dB relative to full scale."""
    n = max(1, round(frame * rate))
    whole = len(samples) // n * n
    frames = samples[:whole].reshape(-1, n).astype(np.float64)
    return 10 * np.log10(np.mean(frames**2, axis=1) + 1e-20)


def trim_silence(samples: np.ndarray, rate: int = RATE, below_peak_db: float = 40.0, pad: float = 0.03) -> np.ndarray:
    """Cut the silence before the first and after the last sound, keeping ``pad`` seconds of each,
    and fade the edges over 5 ms so the cut never clicks.

    Sound is any 10 ms frame within ``below_peak_db`` of the loudest frame and above -60 dBFS:
    speech engines and microphones leave different amounts of room tone (Festival's sits near
    -60 dBFS), and a recording's own peak is the fair scale.
    """
    frame = round(0.01 * rate)
    db = frame_rms_db(samples, rate)
    loud = np.flatnonzero(db > max(db.max(initial=-200.0) - below_peak_db, -60.0))
    if loud.size == 0:
        return np.zeros(0, np.float32)
    keep = round(pad * rate)
    a = max(0, loud[0] * frame - keep)
    b = min(len(samples), (loud[-1] + 1) * frame + keep)
    out = samples[a:b].astype(np.float32, copy=True)
    fade = min(round(0.005 * rate), len(out) // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade, endpoint=False, dtype=np.float32)
        out[:fade] *= ramp
        out[len(out) - fade :] *= ramp[::-1]
    return out


def mix(segments: Sequence[tuple[float, np.ndarray]], duration: float, rate: int = RATE) -> np.ndarray:
    """Place each (start seconds, samples) on a silent track ``duration`` seconds long.

    A segment may end up to 50 ms past the end (the last frame's rounding) and is then cut; one
    running further is a timing bug upstream and raises ValueError.
    """
    n = round(duration * rate)
    track = np.zeros(n, np.float32)
    for start, samples in segments:
        a = round(start * rate)
        if a < 0 or a > n:
            raise ValueError(f"speech at {start:.3f} s starts outside the {duration:.3f} s clip")
        over = (a + len(samples) - n) / rate
        if over > 0.05:
            raise ValueError(f"speech at {start:.3f} s runs {over:.3f} s past the end of the {duration:.3f} s clip")
        part = samples[: n - a]
        track[a : a + len(part)] += part
    return track


def loudness(samples: np.ndarray, rate: int = RATE) -> float:
    """Integrated loudness in LUFS (ITU-R BS.1770-4); -inf for silence or under 0.4 s of audio."""
    if len(samples) < round(0.4 * rate) or not np.any(samples):
        return float("-inf")
    return float(pyloudnorm.Meter(rate).integrated_loudness(samples.astype(np.float64)))


# BS.1770-4 annex 2's true-peak meter: 4x oversampling through a 48-tap interpolation filter
# (12 taps per phase). Run as four short convolutions, it costs a few passes over the samples.
_TP_FILTER = signal.firwin(48, 0.25, window=("kaiser", 8.0)) * 4
_TP_DELAY = 6  # input samples: the filter's group delay of 23.5 oversampled samples, rounded


def _oversampled_peaks(samples: np.ndarray) -> np.ndarray:
    """Per-sample magnitude envelope including the inter-sample peaks a 4x oversampler finds
    (the true peak of BS.1770's annex 2), aligned with ``samples`` to within a sample."""
    x = samples.astype(np.float64)
    env = np.abs(x)
    n = len(x)
    for phase in range(4):
        y = np.convolve(x, _TP_FILTER[phase::4])[_TP_DELAY : _TP_DELAY + n]
        env[: len(y)] = np.maximum(env[: len(y)], np.abs(y))
    return env


def true_peak_db(samples: np.ndarray) -> float:
    """True peak in dBTP (4x oversampled)."""
    if not np.any(samples):
        return float("-inf")
    return float(20 * np.log10(_oversampled_peaks(samples).max()))


def sample_peak_db(samples: np.ndarray) -> float:
    peak = float(np.abs(samples).max(initial=0.0))
    return 20 * np.log10(peak) if peak else float("-inf")


def _limiter_gain(env: np.ndarray, ceiling: float, rate: int, window: float) -> np.ndarray:
    """Per-sample gain that keeps the magnitude envelope ``env`` under ``ceiling``, smoothly.

    The gain needed at each sample is spread by a minimum filter over +-``window`` and then
    smoothed by a moving average over half of that: every sample of the average's span already
    carries the peak's gain or less, so the ceiling holds and the gain moves without clicks.
    """
    need = np.minimum(1.0, ceiling / np.maximum(env, 1e-12))
    if need.min() >= 1.0:
        return np.ones_like(need)
    half = max(1, round(window * rate))
    gain = ndimage.minimum_filter1d(need, size=2 * half + 1, mode="nearest")
    return ndimage.uniform_filter1d(gain, size=half | 1, mode="nearest")


def limit(samples: np.ndarray, ceiling_db: float = CEILING_DBTP, rate: int = RATE, window: float = 0.005) -> np.ndarray:
    """Scale down the neighbourhood of every (true) peak above ``ceiling_db``; leave the rest alone."""
    gain = _limiter_gain(_oversampled_peaks(samples), 10 ** (ceiling_db / 20), rate, window)
    return (samples * gain).astype(np.float32)


def publish_under_ceiling(publish: Callable[[float], Path], ceiling_db: float, tries: int = 4) -> np.ndarray:
    """Publish sound with ``publish(ceiling)`` (encode the track limited to ``ceiling`` dBTP, return
    the file written) and measure what was published: an encoder can push a peak above the ceiling
    it was given (a few dB for a harsh voice, and again when encoded sound is encoded once more).
    While the published true peak is above ``PUBLISHED_CEILING_DBTP``, the ceiling is lowered by
    the overshoot and 0.2 dB more and the sound published again, at most ``tries`` times in all.
    Returns the published samples."""
    for _ in range(tries):
        heard = read_audio(publish(ceiling_db))
        over = true_peak_db(heard) - PUBLISHED_CEILING_DBTP
        if over <= 0:
            break
        ceiling_db -= over + 0.2
    return heard


def normalise(
    samples: np.ndarray, rate: int = RATE, target: float = TARGET_LUFS, ceiling_db: float = CEILING_DBTP
) -> np.ndarray:
    """Bring the integrated loudness to ``target`` LUFS with no true peak above ``ceiling_db``.

    A gain, then the limiter on what now exceeds the ceiling; limiting lowers the loudness a
    little, so the gain is raised and the limiter re-run until the loudness is
    within 0.05 LU (two or three rounds for speech). The true-peak envelope is measured once: a
    gain scales it. Silent tracks, and sound too short to measure, come back unchanged.
    """
    x = samples.astype(np.float32, copy=True)
    now = loudness(x, rate)
    if not np.isfinite(now):
        return x
    env = _oversampled_peaks(x)
    ceiling = 10 ** (ceiling_db / 20)
    level, last = target - now, None  # dB of gain before the limiter; the previous (level, shortfall)
    for _ in range(6):
        gain = 10 ** (level / 20)
        out = (x * (gain * _limiter_gain(env * gain, ceiling, rate, 0.005))).astype(np.float32)
        short = target - loudness(out, rate)
        if abs(short) < 0.05:
            break
        # The limiter takes back part of any extra gain: step by the secant through the last two
        # rounds (a plain `level += short` converges too, but about twice as slowly).
        step = short if last is None or last[1] == short else short * (level - last[0]) / (last[1] - short)
        last, level = (level, short), level + step
    return out


def narration_track(
    speeches: Sequence[tuple[float, Path]], duration: float, rate: int = RATE, ceiling_db: float = CEILING_DBTP
) -> np.ndarray:
    """A clip's finished narration: each speech file decoded, placed at its start, then levelled."""
    mixed = mix([(start, read_audio(path, rate)) for start, path in speeches], duration, rate)
    return normalise(mixed, rate, ceiling_db=ceiling_db)
