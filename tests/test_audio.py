"""Narration audio: mixing, loudness, peaks, muxing into each container, and joining with sound.

Every video here is generated with PyAV from NumPy frames (no scene rendering), so these run in
seconds.
"""

from pathlib import Path

import av
import numpy as np
import pytest

from convreel import audio, media
from convreel.voice import Narrator, add_narration, parse_voice
from tests.browser import page_at, serve

RATE = audio.RATE
SENTENCES = [
    "To us this is a drawing. To the network it is 12 by 12 little squares.",
    "Every square becomes one number: +1 where there is ink, -1 where there is none.",
    "Multiply each pixel by the weight on top of it, then add the nine products.",
]


def make_video(path: Path, seconds: float, fps: int = 15, codec: str = "libx264", pix_fmt: str = "yuv420p") -> Path:
    """A small silent test clip whose frames change every frame (so no encoder drops any)."""
    alpha = pix_fmt in ("argb", "yuva420p")
    with av.open(str(path), "w") as c:
        s = c.add_stream(codec, rate=fps)
        s.width, s.height, s.pix_fmt = 64, 48, pix_fmt
        for i in range(round(seconds * fps)):
            img = np.full((48, 64, 4 if alpha else 3), (i * 7) % 256, np.uint8)
            if alpha:
                img[:, 32:, 3] = 0
            for p in s.encode(av.VideoFrame.from_ndarray(img, format="rgba" if alpha else "rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def tone(seconds: float, freq: float = 440.0, amp: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def active(track: np.ndarray, threshold_db: float = -50.0) -> np.ndarray:
    """Boolean per 10 ms frame: is there sound?"""
    return audio.frame_rms_db(track) > threshold_db


@pytest.fixture(scope="module")
def speeches(tmp_path_factory):
    narrator = Narrator(parse_voice("espeak"), tmp_path_factory.mktemp("speech"))
    return [narrator.speak(s, f"test.speech.{i}") for i, s in enumerate(SENTENCES)]


def windows(speeches, gap: float = 0.7, lead: float = 0.5):
    """(start, speech) laid one after another with ``gap`` seconds of silence between."""
    out, t = [], lead
    for sp in speeches:
        out.append((t, sp))
        t += sp.duration + gap
    return out, t + 0.5


def test_mix_places_speech_in_its_window_and_silence_between(speeches):
    laid, duration = windows(speeches)
    track = audio.narration_track([(t, sp.path) for t, sp in laid], duration)
    assert len(track) == round(duration * RATE)
    frames = active(track)
    inside = np.zeros_like(frames)
    for t, sp in laid:
        a, b = int(t * 100), int(np.ceil((t + sp.duration) * 100))
        inside[a:b] = True
        # Speech throughout its window: sound in most of it, and at both of its ends.
        assert frames[a:b].mean() > 0.6
        assert frames[a : a + 20].any() and frames[b - 20 : b].any()
    assert not frames[~inside].any()
    gaps = np.ones(len(track), bool)
    for t, sp in laid:
        gaps[round(t * RATE) : round((t + sp.duration) * RATE)] = False
    assert np.all(track[gaps] == 0.0)  # silence between beats is digital silence


def test_loudness_and_peaks_after_normalising(speeches):
    laid, duration = windows(speeches)
    raw = audio.mix([(t, audio.read_audio(sp.path)) for t, sp in laid], duration)
    assert abs(audio.loudness(raw) - audio.TARGET_LUFS) > 2  # espeak is quieter: there is work to do
    track = audio.normalise(raw)
    assert audio.loudness(track) == pytest.approx(audio.TARGET_LUFS, abs=1.0)
    assert audio.true_peak_db(track) <= audio.CEILING_DBTP + 0.05
    assert np.abs(track).max() < 1.0


def test_limiter_holds_a_hot_signal_under_the_ceiling_and_leaves_quiet_parts():
    loud = np.concatenate([tone(1.0, amp=0.2), tone(0.05, amp=1.5), tone(1.0, amp=0.2)])
    out = audio.limit(loud, -1.0)
    assert audio.true_peak_db(out) <= -0.95
    # Far from the burst the gain is untouched.
    assert np.allclose(out[: RATE // 2], loud[: RATE // 2])
    assert np.allclose(out[-RATE // 2 :], loud[-RATE // 2 :])


def test_normalise_silence_and_very_short_sound():
    assert np.all(audio.normalise(np.zeros(RATE, np.float32)) == 0)
    blip = np.concatenate([tone(0.1), np.zeros(RATE // 10, np.float32)])
    assert np.array_equal(audio.normalise(blip), blip)  # under one 400 ms block: nothing to measure


def test_mix_rejects_speech_running_past_the_clip():
    with pytest.raises(ValueError, match="past the end"):
        audio.mix([(1.5, tone(1.0))], 2.0)
    assert len(audio.mix([(1.0, tone(1.04))], 2.0)) == 2 * RATE  # last-frame rounding is cut


def test_trim_silence_keeps_the_sound_with_short_pads():
    x = np.concatenate([np.zeros(RATE // 2), tone(1.0), np.zeros(RATE)]).astype(np.float32)
    x += np.random.default_rng(0).normal(0, 1e-4, len(x)).astype(np.float32)  # room tone
    out = audio.trim_silence(x)
    assert len(out) / RATE == pytest.approx(1.06, abs=0.02)
    assert abs(out[0]) < 1e-3 and abs(out[-1]) < 1e-3  # faded: no click


@pytest.mark.parametrize(
    "name, codec, pix_fmt, sound",
    [
        ("clip.mp4", "libx264", "yuv420p", "aac"),
        ("clip.webm", "libvpx-vp9", "yuv420p", "opus"),
        ("alpha.webm", "libvpx-vp9", "yuva420p", "opus"),
        ("clip.mov", "libx264", "yuv420p", "aac"),
        ("alpha.mov", "qtrle", "argb", "aac"),
    ],
)
def test_mux_gives_a_sound_track_as_long_as_the_picture(tmp_path, name, codec, pix_fmt, sound):
    video = make_video(tmp_path / name, 3.4, codec=codec, pix_fmt=pix_fmt)
    before = media.probe(video)
    with open(video, "rb") as fh:
        picture = [bytes(p) for p in av.open(fh).demux(video=0) if p.size]
    track = np.zeros(round(before.duration * RATE), np.float32)
    track[RATE : 2 * RATE] = tone(1.0)
    media.mux_audio(video, track)
    after = media.probe(video)
    assert (after.frames, after.codec, after.pix_fmt) == (before.frames, before.codec, before.pix_fmt)
    with av.open(str(video)) as c:
        assert c.streams.audio[0].codec_context.name == sound
        assert [bytes(p) for p in c.demux(c.streams.video[0]) if p.size] == picture  # picture not re-encoded
        if video.suffix == ".webm" and pix_fmt == "yuva420p":
            assert c.streams.video[0].metadata.get("alpha_mode", c.streams.video[0].metadata.get("ALPHA_MODE")) == "1"
    assert media.audio_duration(video) == pytest.approx(before.duration, abs=0.1)
    if video.suffix in (".mp4", ".mov"):
        assert media.is_faststart(video)
    back = audio.read_audio(video)
    frames = active(back, -40)
    assert frames[102:198].all() and not frames[:98].any() and not frames[202:].any()


def test_mux_refuses_gif(tmp_path):
    gif = tmp_path / "c.gif"
    gif.write_bytes(b"GIF89a")
    with pytest.raises(ValueError, match="cannot carry sound"):
        media.mux_audio(gif, np.zeros(10, np.float32))


def test_published_track_loudness_and_no_full_scale_sample_after_encoding(tmp_path, speeches):
    laid, duration = windows(speeches)
    track = audio.narration_track([(t, sp.path) for t, sp in laid], duration)
    for suffix, codec in ((".mp4", "libx264"), (".webm", "libvpx-vp9")):
        video = make_video(tmp_path / f"v{suffix}", duration, codec=codec)
        media.mux_audio(video, track[: round(media.probe(video).duration * RATE)])
        decoded = audio.read_audio(video)
        assert audio.loudness(decoded) == pytest.approx(audio.TARGET_LUFS, abs=1.0)
        # The codec's overshoot stays under -1 dBTP in the published file, far from full scale.
        assert audio.true_peak_db(decoded) < -1.0 and np.abs(decoded).max() < 0.9


def test_faststart_keeps_the_sound(tmp_path):
    video = make_video(tmp_path / "v.mp4", 2.0)
    media.mux_audio(video, tone(2.0))
    plain = tmp_path / "plain.mp4"
    media._remux([video], plain)  # index at the end, as encoders write it
    assert not media.is_faststart(plain)
    media.faststart(plain)
    assert media.is_faststart(plain) and media.audio_duration(plain) == pytest.approx(2.0, abs=0.05)
    assert np.abs(audio.read_audio(plain) - audio.read_audio(video)).max() < 1e-6  # copied, not re-encoded


@pytest.mark.parametrize("suffix, codec", [(".mp4", "libx264"), (".webm", "libvpx-vp9")])
def test_join_keeps_sound_in_sync_with_silent_clips_between(tmp_path, suffix, codec):
    fps = 15
    lengths = [1.4, 2.0, 1.8667, 2.2]  # 21, 30, 28, 33 frames: offsets that are not whole seconds
    clips, bursts = [], []
    offset = 0.0
    for i, seconds in enumerate(lengths):
        clip = make_video(tmp_path / f"c{i}{suffix}", seconds, fps, codec)
        span = media.probe(clip).duration
        if i != 1:  # clip 1 stays silent
            track = np.zeros(round(span * RATE), np.float32)
            a = round(0.3 * RATE)
            track[a : a + RATE // 2] = tone(0.5)
            # The tone runs up to the clip's very last frame in the last clip: the end must survive.
            if i == len(lengths) - 1:
                track[-RATE // 4 :] = tone(0.25, 880)
                bursts.append((offset + span - 0.25, offset + span))
            media.mux_audio(clip, track)
            bursts.append((offset + 0.3, offset + 0.8))
        clips.append(clip)
        offset += span
    out = tmp_path / f"joined{suffix}"
    media.join(clips, out)
    info = media.probe(out)
    assert info.frames == sum(media.probe(c).frames for c in clips)
    assert info.duration == pytest.approx(offset, abs=1 / fps)
    assert media.audio_duration(out) == pytest.approx(info.duration, abs=1 / fps)  # sound ends with the picture
    back = audio.read_audio(out)
    frames = active(back, -40)
    expected = np.zeros(len(frames), bool)
    for a, b in bursts:
        expected[round(a * 100) : round(b * 100)] = True
        assert frames[round(a * 100) + 1 : round(b * 100) - 1].all(), (a, b)
    edges = np.zeros_like(expected)
    for a, b in bursts:  # allow one 10 ms frame of codec smear at each edge
        edges[max(0, round(a * 100) - 2) : round(a * 100) + 2] = True
        edges[round(b * 100) - 2 : round(b * 100) + 2] = True
    assert not (frames & ~expected & ~edges).any()
    if suffix == ".mp4":
        assert media.is_faststart(out)


def test_join_keeps_the_published_ceiling(tmp_path):
    """A harsh sound (a square wave in noise, peaking at -1.2 dBTP) overshoots when its AAC is
    decoded and encoded again: the joined movie still peaks under the ceiling, limited only where
    it peaks (its loudness and its quiet parts kept)."""
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 1, RATE // 50)  # 20 ms fades: the clips start and end as speech does
    clips, tracks = [], []
    for i in range(3):
        clip = make_video(tmp_path / f"c{i}.mp4", 2.0)
        t = np.arange(round(media.probe(clip).duration * RATE)) / RATE
        x = np.sign(np.sin(2 * np.pi * 220 * t)) * 0.3 + rng.normal(0, 0.05, len(t))
        x[: RATE // 2] *= 0.1  # a quiet start, which limiting must not touch
        x[: len(ramp)] *= ramp
        x[-len(ramp) :] *= ramp[::-1]
        media.mux_audio(clip, (x * 10 ** ((-1.2 - audio.true_peak_db(x)) / 20)).astype(np.float32))
        clips.append(clip)
        tracks.append(audio.read_audio(clip))
    out = tmp_path / "joined.mp4"
    media.join(clips, out)
    joined = audio.read_audio(out)
    assert audio.true_peak_db(joined) <= audio.PUBLISHED_CEILING_DBTP
    assert audio.loudness(joined) == pytest.approx(audio.loudness(np.concatenate(tracks)), abs=0.5)
    quiet = slice(RATE // 10, RATE * 4 // 10)
    assert np.abs(joined[quiet]).max() == pytest.approx(np.abs(tracks[0][quiet]).max(), rel=0.1)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # nothing staged is left


def test_join_of_silent_clips_stays_silent(tmp_path):
    clips = [make_video(tmp_path / f"c{i}.mp4", 1.0) for i in range(2)]
    media.join(clips, tmp_path / "j.mp4")
    assert not media.has_audio(tmp_path / "j.mp4")


def test_read_audio_of_any_format_and_rate(tmp_path):
    path = tmp_path / "s.flac"
    with av.open(str(path), "w") as c:
        s = c.add_stream("flac", rate=22050, layout="stereo")
        x = np.stack([tone(1.0, rate=22050), tone(1.0, rate=22050)])
        frame = av.AudioFrame.from_ndarray((x * 32767).astype(np.int16).reshape(1, -1), format="s16", layout="stereo")
        frame.sample_rate = 22050
        for p in [*s.encode(frame), *s.encode(None)]:
            c.mux(p)
    y = audio.read_audio(path)
    assert len(y) == pytest.approx(RATE, abs=64)
    assert np.abs(y).max() == pytest.approx(0.3 * np.sqrt(2), abs=0.02)  # both channels, each at -3 dB
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF nonsense")
    with pytest.raises(ValueError, match="bad.wav"):
        audio.read_audio(bad)


def test_add_narration_gives_a_clip_its_voice(tmp_path, speeches):
    laid, duration = windows(speeches)
    video = make_video(tmp_path / "clip.mp4", duration)
    info = add_narration(video, laid)
    assert info["codec"] == "aac" and info["loudness_lufs"] == pytest.approx(audio.TARGET_LUFS, abs=0.5)
    # What the manifest records is the published sound, measured after encoding.
    heard = audio.read_audio(video)
    assert info["true_peak_dbtp"] == round(audio.true_peak_db(heard), 1) <= audio.PUBLISHED_CEILING_DBTP
    assert info["loudness_lufs"] == round(audio.loudness(heard), 1)
    assert media.audio_duration(video) == pytest.approx(media.probe(video).duration, abs=0.1)
    frames = active(audio.read_audio(video), -45)
    inside = np.zeros_like(frames)
    for t, sp in laid:  # speech in every cue, and nothing outside the cues but codec smear
        a, b = int(t * 100), int(np.ceil((t + sp.duration) * 100))
        assert frames[a:b].mean() > 0.6
        inside[max(0, a - 2) : b + 2] = True
    assert not frames[~inside].any()
    webm = make_video(tmp_path / "clip.webm", duration, codec="libvpx-vp9")
    assert add_narration(webm, laid)["codec"] == "opus"


def test_an_encoder_overshoot_is_measured_and_limited_harder(tmp_path, speeches, monkeypatch):
    """An encoder can push a peak dB above the limiter's ceiling (seen with espeak's Mandarin on a
    whole clip): the published sound is measured and the track limited harder until it holds.
    Here the overshoot is made certain: the encoder is handed the track 3 dB hotter."""
    laid, duration = windows(speeches)
    video = make_video(tmp_path / "clip.mp4", duration)
    ceilings, mux, track = [], media.mux_audio, audio.narration_track
    monkeypatch.setattr(media, "mux_audio", lambda v, x, *a, **k: mux(v, x * 10 ** (3 / 20), *a, **k))
    monkeypatch.setattr(audio, "narration_track", lambda *a, **k: ceilings.append(k["ceiling_db"]) or track(*a, **k))
    info = add_narration(video, laid)
    heard = audio.true_peak_db(audio.read_audio(video))
    assert info["true_peak_dbtp"] == round(heard, 1) and heard <= audio.PUBLISHED_CEILING_DBTP
    assert ceilings[0] == audio.CEILING_DBTP and len(ceilings) >= 2 and ceilings[-1] < ceilings[0] - 2


def test_add_narration_leaves_silent_clips_and_gifs_alone(tmp_path, speeches):
    video = make_video(tmp_path / "clip.mp4", 2.0)
    before = video.read_bytes()
    assert add_narration(video, []) is None and video.read_bytes() == before
    gif = make_video(tmp_path / "clip.gif", 2.0, codec="gif", pix_fmt="rgb8")
    before = gif.read_bytes()
    assert add_narration(gif, [(0.1, speeches[0])]) is None and gif.read_bytes() == before


def test_chromium_plays_the_sound_of_each_format(tmp_path):
    """The gallery's browser decodes the narration: AAC in MP4, Opus in WebM (a silent clip: none)."""
    (tmp_path / "index.html").write_text("<!doctype html><title>sound</title><body></body>")
    for name, codec in (("voiced.mp4", "libx264"), ("voiced.webm", "libvpx-vp9"), ("silent.mp4", "libx264")):
        video = make_video(tmp_path / name, 3.0, codec=codec)
        if name.startswith("voiced"):
            media.mux_audio(video, tone(3.0))
    # Muted, so headless autoplay is allowed; Chromium still decodes the sound and counts its bytes.
    play = """async (src) => {
        const v = document.createElement('video');
        v.muted = true; v.src = src; document.body.append(v);
        await v.play(); await new Promise(r => setTimeout(r, 1200));
        return {audio: v.webkitAudioDecodedByteCount, time: v.currentTime, error: v.error && v.error.code};
    }"""
    with serve(tmp_path) as url, page_at(f"{url}/index.html") as page:
        played = {name: page.evaluate(play, name) for name in ("voiced.mp4", "voiced.webm", "silent.mp4")}
    assert all(p["error"] is None and p["time"] > 0.5 for p in played.values()), played
    assert played["voiced.mp4"]["audio"] > 10_000 and played["voiced.webm"]["audio"] > 10_000, played
    assert played["silent.mp4"]["audio"] == 0
