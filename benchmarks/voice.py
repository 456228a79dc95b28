"""Narration speed and sound: synthesis per sentence for each voice, and the audio work on a clip.

    .venv/bin/python benchmarks/voice.py
    .venv/bin/python benchmarks/voice.py --piper ~/voices/en_US-lessac-medium.onnx
    .venv/bin/python benchmarks/voice.py --clip-seconds 600     # mux and join a 10-minute clip

Part 1, per voice: cold synthesis time per sentence (an empty speech cache), the cached time, the
speech duration and its pace in words a second. Part 2, per voice: the loudness and peaks of the
raw speech and of the clip track after levelling. Part 3: mixing, levelling and muxing the
narration of a clip of ``--clip-seconds`` (AAC into MP4, Opus into WebM), and joining two such
clips with their sound.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import av
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from convreel import audio, media  # noqa: E402
from convreel.voice import Narrator, add_narration, parse_voice  # noqa: E402

# Our kind of sentence: captions as the chapters write them.
SENTENCES = [
    "To us this is a drawing. To the network it is 12 by 12 little squares.",
    "Every square becomes one number: +1 where there is ink, -1 where there is none.",
    "Put the glass on the top-left corner. The 3x3 patch under it is its receptive field.",
    "Multiply each pixel by the weight on top of it, then add the 9 products and the bias.",
    "ReLU is one rule for every number: keep it if it is positive, otherwise write 0.",
    "The jury multiplies each clue by the weight of its wire to the Captain.",
]
GAP = 0.8  # seconds of silence between beats in the measured tracks


def row(*cells: str) -> None:
    print(" ".join(cells), flush=True)


def words(text: str) -> int:
    return len(text.split())


def synthesis(spec: str, work: Path) -> list:
    narrator = Narrator(parse_voice(spec), work / spec.replace("/", "_"))
    speeches, cold, warm = [], [], []
    for i, text in enumerate(SENTENCES):
        t0 = time.perf_counter()
        speech = narrator.speak(text, f"bench.beat.{i}")
        cold.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        narrator.speak(text, f"bench.beat.{i}")
        warm.append(time.perf_counter() - t0)
        speeches.append(speech)
    pace = [words(t) / s.duration for t, s in zip(SENTENCES, speeches)]
    name = spec if len(spec) < 22 else spec[:10] + "..." + spec[-9:]
    row(
        f"{name:22}",
        f"{statistics.mean(cold) * 1000:9.0f}",
        f"{max(cold) * 1000:9.0f}",
        f"{statistics.mean(warm) * 1000:9.1f}",
        f"{statistics.mean(s.duration for s in speeches):9.2f}",
        f"{min(pace):5.2f}-{max(pace):4.2f} ({statistics.mean(pace):.2f})",
    )
    return speeches


def levels(spec: str, speeches: list) -> None:
    raw = [audio.read_audio(s.path) for s in speeches]
    starts = np.cumsum([0.5] + [s.duration + GAP for s in speeches[:-1]])
    duration = float(starts[-1] + speeches[-1].duration + 0.5)
    mixed = audio.mix(list(zip(starts, raw)), duration)
    done = audio.normalise(mixed)
    per = [audio.loudness(x) for x in raw]
    row(
        f"{spec[:22]:22}",
        f"{min(per):6.1f} to {max(per):5.1f}",
        f"{audio.loudness(mixed):7.1f}",
        f"{audio.sample_peak_db(mixed):7.1f}",
        f"{audio.true_peak_db(mixed):7.1f}",
        f"{audio.loudness(done):7.2f}",
        f"{audio.sample_peak_db(done):7.2f}",
        f"{audio.true_peak_db(done):7.2f}",
    )


def make_video(path: Path, seconds: float, fps: int, size: tuple[int, int], codec: str) -> Path:
    """A synthetic clip at render size: a moving gradient, so the encoder has real work."""
    w, h = size
    ramp = np.linspace(0, 255, w, dtype=np.float32)[None, :, None]
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for i in range(round(seconds * fps)):
            img = np.broadcast_to((ramp + i * 3) % 256, (h, w, 3)).astype(np.uint8)
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def clip_work(seconds: float, speeches: list, work: Path) -> None:
    """Narrate a ``seconds``-long clip with beats spaced like a chapter's, per container."""
    laid, t = [], 0.5
    while t + speeches[len(laid) % len(speeches)].duration <= seconds - 0.5:
        speech = speeches[len(laid) % len(speeches)]
        laid.append((t, speech))
        t += speech.duration + GAP
    for suffix, codec in ((".mp4", "libx264"), (".webm", "libvpx-vp9")):
        video = make_video(work / f"clip{suffix}", seconds, 15, (854, 480), codec)
        t0 = time.perf_counter()
        track = audio.narration_track([(a, s.path) for a, s in laid], media.probe(video).duration)
        t1 = time.perf_counter()
        media.mux_audio(video, track)
        t2 = time.perf_counter()
        copy = work / f"copy{suffix}"
        copy.write_bytes(video.read_bytes())
        joined = work / f"joined{suffix}"
        media.join([video, copy], joined)
        t3 = time.perf_counter()
        info = media.probe(joined)
        drift = media.audio_duration(joined) - info.duration
        row(
            f"{suffix:6}",
            f"{len(laid):6}",
            f"{(t1 - t0) * 1000:9.0f}",
            f"{(t2 - t1) * 1000:9.0f}",
            f"{(t3 - t2) * 1000:10.0f}",
            f"{drift * 1000:+10.1f}",
        )
    # The one call the clip writer makes: mix, level and mux in place.
    video = make_video(work / "whole.mp4", seconds, 15, (854, 480), "libx264")
    t0 = time.perf_counter()
    add_narration(video, laid)
    row(f"add_narration (mp4, {seconds:g} s clip): {(time.perf_counter() - t0) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--piper", type=Path, help="a downloaded Piper voice (.onnx) to measure as well")
    parser.add_argument("--clip-seconds", type=float, default=60.0, help="length of the muxed clip (default 60)")
    args = parser.parse_args()
    specs = ["espeak", "festival"] + ([f"piper:{args.piper}"] if args.piper else [])
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        row(f"Synthesis of {len(SENTENCES)} lesson sentences ({statistics.mean(map(words, SENTENCES)):.1f} words each)")
        row(f"{'voice':22} {'cold ms':>9} {'max ms':>9} {'cached ms':>9} {'speech s':>9}  words/s min-max (mean)")
        spoken = {spec: synthesis(spec, work) for spec in specs}
        row("")
        row(f"Levels: raw speech, then the track of all sentences {GAP} s apart before and after levelling")
        row(
            f"{'voice':22} {'raw LUFS':>15} {'LUFS':>7} {'peak':>7} {'TP':>7} {'->LUFS':>7} {'peak':>7} {'TP':>7}"
            "   (peak: sample peak dBFS; TP: true peak dBTP)"
        )
        for spec, speeches in spoken.items():
            levels(spec, speeches)
        row("")
        row(f"A {args.clip_seconds:g} s clip (854x480, 15 fps) narrated with espeak sentences, {GAP} s apart")
        row(f"{'format':6} {'beats':>6} {'mix ms':>9} {'mux ms':>9} {'join2 ms':>10} {'A-V end ms':>10}")
        clip_work(args.clip_seconds, spoken["espeak"], work)


if __name__ == "__main__":
    main()
