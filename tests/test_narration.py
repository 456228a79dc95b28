"""Narrated clips end to end: a voice times the beats, the captions are the spoken segments, the
sound is levelled; the script round-trips through a teacher's recordings; burned-in captions."""

import json
import re

import av
import numpy as np
import pytest

from convreel import audio
from tests.conftest import convreel
from tests.frame_check import BAND, THRESHOLD

BG = np.array([17, 20, 26])


def cues(folder, stem="01-pixels"):
    text = (folder / f"{stem}.srt").read_text(encoding="utf-8")
    stamps = re.findall(r"(\d\d):(\d\d):(\d\d),(\d\d\d) --> (\d\d):(\d\d):(\d\d),(\d\d\d)", text)
    to_s = lambda h, m, s, ms: int(h) * 3600 + int(m) * 60 + int(s) + int(ms) / 1000  # noqa: E731
    return [(to_s(*t[:4]), to_s(*t[4:])) for t in stamps]


def clip(folder):
    return json.loads((folder / "manifest.json").read_text())["clips"][0]


def rms_db(x):
    return 20 * np.log10(np.sqrt(np.mean(np.square(x))) + 1e-12)


@pytest.fixture(scope="module")
def voiced(tmp_path_factory, cache_env):
    out = tmp_path_factory.mktemp("voiced")
    args = ("render", "pixels", "-e", "tick-cross", "--voice", "espeak", "--burn-captions", "-o", out, "-j", "1")
    proc = convreel(*args, env=cache_env)
    assert proc.returncode == 0, proc.stderr
    return out, args


def test_speech_fills_every_cue_and_silence_the_gaps(voiced):
    folder, _ = voiced
    samples = audio.read_audio(folder / "01-pixels.mp4")
    info = clip(folder)
    assert info["voice"] == "espeak" and info["audio"]["codec"] == "aac"
    assert abs(len(samples) / audio.RATE - info["duration"]) <= 0.1  # the sound is as long as the picture
    spans = cues(folder)
    for a, b in spans:
        window = samples[int(a * audio.RATE) : int(b * audio.RATE)]
        assert rms_db(window) > -35, (a, b)  # speech all through the cue
        head, tail = (
            samples[int(a * audio.RATE) : int((a + 0.15) * audio.RATE)],
            samples[int((b - 0.15) * audio.RATE) : int(b * audio.RATE)],
        )
        assert max(np.abs(head).max(), np.abs(tail).max()) > 0.01  # it starts and ends with the cue
    for (_, end), (start, _) in zip(spans, spans[1:]):
        gap = samples[int((end + 0.05) * audio.RATE) : int((start - 0.02) * audio.RATE)]
        if len(gap):
            assert rms_db(gap) < -50  # near silence between beats


def test_loudness_and_peaks(voiced):
    folder, _ = voiced
    samples = audio.read_audio(folder / "01-pixels.mp4")
    assert abs(audio.loudness(samples) - audio.TARGET_LUFS) <= 1.0
    assert np.abs(samples).max() < 0.99  # no sample at full scale
    assert audio.true_peak_db(samples) <= -1.0


def test_sections_still_match_and_a_voiced_rerender_comes_from_the_cache(voiced, cache_env):
    folder, args = voiced
    info = clip(folder)
    starts = [s["start"] for s in info["sections"]]
    assert starts == sorted(starts) and starts[0] == 0
    proc = convreel(*args, env=cache_env)
    assert proc.returncode == 0, proc.stderr
    assert clip(folder)["cached"] is True


def test_burned_captions_are_in_the_band_exactly_while_a_cue_is_active(voiced):
    folder, _ = voiced
    spans = cues(folder)
    inside = [(a + b) / 2 for a, b in spans]
    between = [(b + a2) / 2 for (_, b), (a2, _) in zip(spans, spans[1:]) if a2 - b > 0.3]
    assert between, "the voiced clip has pauses between its beats"
    wanted = sorted([(t, True) for t in inside] + [(t, False) for t in between])
    seen = []
    with av.open(str(folder / "01-pixels.mp4")) as c:
        stream = c.streams.video[0]
        k = 0
        for frame in c.decode(video=0):
            t = float(frame.pts * stream.time_base)
            while k < len(wanted) and t >= wanted[k][0]:
                img = frame.to_ndarray(format="rgb24").astype(int)
                band = img[int(img.shape[0] * (1 - BAND)) :]
                seen.append((wanted[k][1], int((np.abs(band - BG).max(axis=-1) > THRESHOLD).sum())))
                k += 1
    assert len(seen) == len(wanted)
    for active, pixels in seen:
        assert (pixels > 200) if active else (pixels == 0), seen


def test_script_round_trips_through_recordings(tmp_path, cache_env):
    script = tmp_path / "script"
    proc = convreel("script", "pixels", "-e", "tick-cross", "-o", script, env=cache_env)
    assert proc.returncode == 0, proc.stderr
    md = (script / "script.md").read_text(encoding="utf-8")
    ids = re.findall(r"`(pixels\.[\w-]+\.\d+)`", md)
    assert ids[0] == "pixels.title.1" and len(ids) == len(set(ids)) >= 5
    silent = cues(script)
    # The teacher's recordings: a tone per beat; the first one longer than its beat.
    rec = tmp_path / "rec"
    rec.mkdir()
    lengths = {b: 1.0 for b in ids}
    lengths[ids[0]] = silent[0][1] + 2.0
    for b, seconds in lengths.items():
        t = np.arange(int(seconds * 44100)) / 44100
        audio_path = rec / f"{b}.wav"
        audio.write_wav(audio_path, 0.3 * np.sin(2 * np.pi * 330 * t), rate=44100)
    out = tmp_path / "out"
    proc = convreel(
        "render", "pixels", "-e", "tick-cross", "--voice", f"recorded:{rec}", "-o", out, "-j", "1", env=cache_env
    )
    assert proc.returncode == 0, proc.stderr
    spoken = cues(out)
    assert len(spoken) == len(silent)
    assert spoken[0][1] - spoken[0][0] == pytest.approx(lengths[ids[0]], abs=0.05)  # the cue is the recording
    assert spoken[1][0] >= spoken[0][1] + 0.3  # the beat grew to fit it: no sentence runs into the next
    assert clip(out)["audio"] is not None
    # A missing recording is named in one line, and nothing is published.
    (rec / f"{ids[2]}.wav").unlink()
    (rec / f"{ids[3]}.wav").unlink()
    out2 = tmp_path / "out2"
    proc = convreel("render", "pixels", "-e", "tick-cross", "--voice", f"recorded:{rec}", "-o", out2, env=cache_env)
    assert proc.returncode != 0
    assert f"{ids[2]}.wav" in proc.stderr and f"{ids[3]}.wav" in proc.stderr and "Traceback" not in proc.stderr
    assert not (out2 / "01-pixels.mp4").exists()


def test_the_script_times_are_the_silent_clip_times(tmp_path, rendered, custom_tick, cache_env):
    proc = convreel("script", "pixels", "-e", "tick-cross", "--image", custom_tick, "-o", tmp_path, env=cache_env)
    assert proc.returncode == 0, proc.stderr
    script, clip_cues = cues(tmp_path), cues(rendered)
    assert len(script) == len(clip_cues)
    for a, b in zip(script, clip_cues):  # the clip's last cue is cut at the video's end, to the ms
        assert a == pytest.approx(b, abs=0.002)


def test_a_bad_voice_is_one_line(tmp_path):
    proc = convreel("render", "pixels", "--voice", "shouty", "-o", tmp_path)
    assert proc.returncode != 0 and "unknown voice" in proc.stderr and "Traceback" not in proc.stderr
    proc = convreel("render", "pixels", "--voice", f"recorded:{tmp_path / 'nowhere'}", "-o", tmp_path)
    assert proc.returncode != 0 and "not found" in proc.stderr
