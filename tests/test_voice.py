"""Voices: each engine speaks a sentence, settings key the cache, recordings and their errors."""

import json
import os
import wave
from pathlib import Path

import numpy as np
import pytest

from convreel import audio
from convreel.voice import Espeak, Festival, Narrator, Piper, Recorded, Speech, VoiceError, parse_voice, spoken

SENTENCE = "A filter is a small grid of weights that slides across the image, one patch at a time."
WORDS = len(SENTENCE.split())


def speak(spec: str, tmp_path: Path, text: str = SENTENCE, language: str = "en", rate: float = 1.0) -> Speech:
    return Narrator.from_spec(spec, tmp_path / "speech", language, rate).speak(text, "convolution.filter.2")


def check_speech(speech: Speech, low: float, high: float) -> np.ndarray:
    """A cached 48 kHz mono WAV, as long as it says, with sound from its first to its last 50 ms."""
    with wave.open(str(speech.path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (48000, 1, 2)
        assert w.getnframes() / 48000 == speech.duration
    assert low < speech.duration < high, speech.duration
    x = audio.read_audio(speech.path)
    db = audio.frame_rms_db(x)
    assert db[:5].max() > -50 and db[-5:].max() > -50  # trimmed: the pads are short
    assert audio.loudness(x) > -35  # a real voice, not a whisper of noise
    return x


@pytest.mark.parametrize("spec", ["espeak", "festival"])
def test_debian_voices_speak_a_sentence_at_a_lesson_pace(spec, tmp_path):
    speech = speak(spec, tmp_path)
    check_speech(speech, WORDS / 4.0, WORDS / 1.8)  # 1.8 to 4 words a second


def test_espeak_speaks_mandarin(tmp_path):
    speech = speak("espeak", tmp_path, "卷积核在图像上一格一格地滑动。", language="zh")
    check_speech(speech, 1.0, 6.0)


@pytest.mark.parametrize("spec", ["espeak", "festival"])
def test_rate_changes_the_pace(spec, tmp_path):
    slow, fast = speak(spec, tmp_path, rate=0.8), speak(spec, tmp_path, rate=1.25)
    assert slow.duration / fast.duration == pytest.approx(1.25 / 0.8, rel=0.2)
    assert slow.path != fast.path


def test_narrator_caches_speech_by_voice_and_text(tmp_path, monkeypatch):
    narrator = Narrator.from_spec("espeak", tmp_path)
    calls = []
    synthesize = narrator.voice.synthesize
    monkeypatch.setattr(narrator.voice, "synthesize", lambda *a: calls.append(a) or synthesize(*a))
    first = narrator.speak(SENTENCE, "a.b.1")
    again = Narrator(narrator.voice, tmp_path).speak(SENTENCE, "c.d.7")  # same text, another beat
    other = narrator.speak("Another sentence.", "a.b.2")
    assert first == again and other.path != first.path
    assert len(calls) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first.path.name, other.path.name])  # no leftovers


def test_no_voice_means_silent_clips(tmp_path):
    narrator = Narrator.from_spec("none", tmp_path)
    assert narrator.speak(SENTENCE, "a.b.1") is None
    assert narrator.render_key("convolution") == {"voice": "none"}
    assert Narrator.from_spec("espeak", tmp_path).speak("   ", "a.b.1") is None


def test_settings_differ_between_voices_rates_and_languages(tmp_path):
    keys = [
        Narrator.from_spec(spec, tmp_path, lang, rate).render_key("convolution")
        for spec, lang, rate in [
            ("espeak", "en", 1.0),
            ("espeak", "en", 1.2),
            ("espeak", "zh", 1.0),
            ("espeak:en-gb", "en", 1.0),
            ("festival", "en", 1.0),
            ("festival", "en", 0.9),
        ]
    ]
    assert len({json.dumps(k, sort_keys=True) for k in keys}) == len(keys)
    assert keys[0]["voice"] == "espeak" and keys[0]["wpm"] == Espeak.WPM["en"] and "mix" in keys[0]
    assert keys[0] == Narrator.from_spec("espeak", tmp_path / "elsewhere").render_key("convolution")


def write_tone(path: Path, seconds: float, freq: float = 440.0, rate: int = 44100, channels: int = 2, lead=0.4):
    """A recording as a phone or microphone makes it: silence, a tone, silence; 16-bit stereo."""
    t = np.arange(round(seconds * rate)) / rate
    x = np.concatenate([np.zeros(round(lead * rate)), 0.4 * np.sin(2 * np.pi * freq * t), np.zeros(rate // 2)])
    pcm = (np.repeat(x[:, None], channels, axis=1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())


def test_recorded_voice_plays_each_beats_recording(tmp_path):
    rec = tmp_path / "rec"
    rec.mkdir()
    write_tone(rec / "convolution.filter.1.wav", 1.5)
    write_tone(rec / "convolution.filter.2.WAV", 2.25, 660, channels=1, rate=48000)
    narrator = Narrator.from_spec(f"recorded:{rec}", tmp_path / "speech")
    one = narrator.speak("Whatever the caption says.", "convolution.filter.1")
    two = narrator.speak("Whatever the caption says.", "convolution.filter.2")
    # The leading and trailing silence is trimmed to 30 ms pads.
    assert one.duration == pytest.approx(1.56, abs=0.02) and two.duration == pytest.approx(2.31, abs=0.02)
    x = audio.read_audio(two.path)
    spectrum = np.abs(np.fft.rfft(x))
    assert np.argmax(spectrum) * 48000 / len(x) == pytest.approx(660, abs=2)
    # Re-recording a beat changes its speech, even with the same caption text.
    write_tone(rec / "convolution.filter.1.wav", 1.0)
    assert narrator.speak("Whatever the caption says.", "convolution.filter.1").duration == pytest.approx(
        1.06, abs=0.02
    )


def test_missing_recording_is_named_in_one_line(tmp_path):
    rec = tmp_path / "rec"
    rec.mkdir()
    write_tone(rec / "relu.rule.1.wav", 1.0)
    narrator = Narrator.from_spec(f"recorded:{rec}", tmp_path / "speech")
    # A missing recording does not stop the clip at its first gap: it is collected, and every gap
    # is named together in one line once the clip's beats are known.
    assert narrator.speak("Text.", "relu.rule.1") is not None
    assert narrator.speak("Text.", "relu.rule.2") is None
    assert narrator.missing == ["relu.rule.2"]
    voice = narrator.voice
    assert voice.missing(["relu.rule.1", "relu.rule.2", "relu.maps.1"]) == ["relu.rule.2", "relu.maps.1"]
    with pytest.raises(VoiceError, match=r"2 recording\(s\) missing in .*: relu.rule.2.wav, relu.maps.1.wav$"):
        voice.check(["relu.rule.1", "relu.rule.2", "relu.maps.1"])
    voice.check(["relu.rule.1"])


def test_silent_or_broken_recordings_are_errors(tmp_path):
    rec = tmp_path / "rec"
    rec.mkdir()
    write_tone(rec / "a.b.1.wav", 1.0)
    with wave.open(str(rec / "a.b.2.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(bytes(32000))
    (rec / "a.b.3.wav").write_bytes(b"not audio at all")
    write_tone(rec / "a.b.4.flac", 1.0)  # a WAV in disguise: PyAV reads by content, which is fine
    write_tone(rec / "a.b.4.wav", 1.0)
    narrator = Narrator.from_spec(f"recorded:{rec}", tmp_path / "speech")
    with pytest.raises(VoiceError, match="silence for beat a.b.2"):
        narrator.speak("x", "a.b.2")
    with pytest.raises(ValueError, match="a.b.3.wav: not a readable audio file"):
        narrator.speak("x", "a.b.3")
    with pytest.raises(VoiceError, match="beat a.b.4 has 2 recordings"):
        narrator.speak("x", "a.b.4")


def test_recorded_render_key_follows_the_chapters_own_recordings(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        write_tone(folder / "relu.rule.1.wav", 1.0)
        write_tone(folder / "pixels.grid.1.wav", 1.0)
    voice_a, voice_b = Recorded(a), Recorded(b)
    assert voice_a.render_key("relu") == voice_b.render_key("relu")  # same recordings, another folder
    write_tone(b / "relu.rule.1.wav", 1.2)
    assert voice_a.render_key("relu") != voice_b.render_key("relu")
    assert voice_a.render_key("pixels") == voice_b.render_key("pixels")  # other chapters keep their clips
    write_tone(b / "pixels.grid.2.wav", 1.0)
    assert voice_a.render_key("pixels") != voice_b.render_key("pixels")  # a new recording counts too
    assert set(voice_a.render_key()["files"]) == {"relu.rule.1.wav", "pixels.grid.1.wav"}


@pytest.mark.parametrize(
    "spec, language, rate, message",
    [
        ("bogus", "en", 1.0, "unknown voice 'bogus'; choose none, espeak"),
        ("festival:loud", "en", 1.0, "unknown voice"),
        ("piper", "en", 1.0, "needs a path: piper:MODEL.onnx"),
        ("piper:/no/such/voice.onnx", "en", 1.0, "piper voice model /no/such/voice.onnx not found"),
        ("recorded:/no/such/folder", "en", 1.0, "recordings folder /no/such/folder not found"),
        ("recorded:.", "en", 1.2, "the speaking rate does not apply"),
        ("espeak:xx-nonexistent", "en", 1.0, "espeak-ng has no voice 'xx-nonexistent'"),
        ("festival", "zh", 1.0, "festival speaks English only"),
        ("espeak", "fr", 1.0, "unknown language 'fr'"),
        ("espeak", "en", 3.0, "speaking rate 3 is out of range"),
    ],
)
def test_bad_voices_fail_in_one_line(spec, language, rate, message):
    with pytest.raises(VoiceError) as err:
        parse_voice(spec, language, rate)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_parse_voice_kinds(tmp_path):
    assert parse_voice("none") is None
    assert isinstance(parse_voice("espeak"), Espeak) and parse_voice("espeak:en-gb").voice == "en-gb"
    assert parse_voice("espeak", "zh").voice == "cmn"
    assert isinstance(parse_voice("Festival"), Festival)
    assert isinstance(parse_voice(f"recorded:{tmp_path}"), Recorded)


def test_missing_engine_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(VoiceError, match=r"espeak-ng is not installed \(run `make setup`"):
        parse_voice("espeak")
    with pytest.raises(VoiceError, match="festival is not installed"):
        parse_voice("festival")


def test_piper_model_checks(tmp_path):
    model = tmp_path / "en_US-test-medium.onnx"
    model.write_bytes(b"onnx")
    with pytest.raises(VoiceError, match="has no en_US-test-medium.onnx.json beside it"):
        Piper(model)
    (tmp_path / "en_US-test-medium.onnx.json").write_text("{not json")
    with pytest.raises(VoiceError, match="is not a Piper voice configuration"):
        Piper(model)
    config = {"audio": {"sample_rate": 22050}, "language": {"family": "en"}, "espeak": {"voice": "en-us"}}
    (tmp_path / "en_US-test-medium.onnx.json").write_text(json.dumps(config))
    with pytest.raises(VoiceError, match="speaks 'en', not 'zh'"):
        Piper(model, language="zh")


def fake_piper(folder: Path, rate: int = 22050, per_id: float = 0.05) -> Path:
    """A Piper voice made here, not downloaded: an ONNX graph with Piper's inputs and output that
    sings a 220 Hz tone, ``per_id`` seconds per phoneme id times the length scale, with a real
    espeak phoneme map. It exercises the whole Piper path: config, phonemes, rate, WAV."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    def c(name, v, dt=np.float32):
        return numpy_helper.from_array(np.array(v, dtype=dt), name)

    nodes = [
        helper.make_node("Shape", ["input"], ["shape"]),
        helper.make_node("Gather", ["shape", "one_i"], ["n"], axis=0),
        helper.make_node("Cast", ["n"], ["nf"], to=TensorProto.FLOAT),
        helper.make_node("Gather", ["scales", "one_i"], ["ls"], axis=0),
        helper.make_node("Mul", ["nf", "ls"], ["a"]),
        helper.make_node("Mul", ["a", "per_id"], ["lenf"]),
        helper.make_node("Cast", ["lenf"], ["len"], to=TensorProto.INT64),
        helper.make_node("Range", ["zero_i", "len", "one_i"], ["idx"]),
        helper.make_node("Cast", ["idx"], ["t"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["t", "w"], ["ph"]),
        helper.make_node("Sin", ["ph"], ["s"]),
        helper.make_node("Mul", ["s", "amp"], ["y"]),
        helper.make_node("Unsqueeze", ["y", "axes"], ["output"]),
    ]
    graph = helper.make_graph(
        nodes,
        "fake-piper",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, None])],
        [
            c("one_i", 1, np.int64),
            c("zero_i", 0, np.int64),
            c("per_id", rate * per_id),
            c("w", 2 * np.pi * 220 / rate),
            c("amp", 0.5),
            c("axes", [0, 1], np.int64),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / "en_US-fake-low.onnx"
    onnx.save(model, path)
    ids = {ch: [i + 4] for i, ch in enumerate("abcdefghijklmnopqrstuvwxyzæðŋɐɑɒɔəɚɛɜɡɪɹɾʃʊʌʒʔˈˌː .,?!")}
    ids.update({"_": [0], "^": [1], "$": [2], " ": [3]})
    config = {
        "audio": {"sample_rate": rate},
        "espeak": {"voice": "en-us"},
        "language": {"code": "en_US", "family": "en"},
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_type": "espeak",
        "phoneme_id_map": ids,
        "num_symbols": 256,
        "num_speakers": 1,
    }
    path.with_name(path.name + ".json").write_text(json.dumps(config))
    return path


def test_piper_voice_with_a_generated_model(tmp_path):
    pytest.importorskip("piper")
    pytest.importorskip("onnx")
    model = fake_piper(tmp_path)
    speech = speak(f"piper:{model}", tmp_path)
    x = check_speech(speech, 2.0, 10.0)
    spectrum = np.abs(np.fft.rfft(x))
    assert np.argmax(spectrum) * 48000 / len(x) == pytest.approx(220, abs=2)
    slow = speak(f"piper:{model}", tmp_path, rate=0.8)
    assert slow.duration / speech.duration == pytest.approx(1.25, abs=0.02)  # rate -> length scale
    key = Narrator.from_spec(f"piper:{model}", tmp_path).render_key()
    model.with_name(model.name + ".json").write_text(model.with_name(model.name + ".json").read_text() + " ")
    assert key != Narrator.from_spec(f"piper:{model}", tmp_path).render_key()  # the config counts too


PIPER_MODEL = os.environ.get("CONVREEL_PIPER_MODEL")


@pytest.mark.skipif(not PIPER_MODEL, reason="set CONVREEL_PIPER_MODEL to a downloaded Piper .onnx voice")
def test_piper_voice_speaks(tmp_path):
    pytest.importorskip("piper")
    speech = speak(f"piper:{PIPER_MODEL}", tmp_path)
    check_speech(speech, WORDS / 4.5, WORDS / 1.5)
    slow = speak(f"piper:{PIPER_MODEL}", tmp_path, rate=0.8)
    assert slow.duration > speech.duration * 1.1
    key = Narrator.from_spec(f"piper:{PIPER_MODEL}", tmp_path).render_key()
    assert key["voice"] == "piper" and len(key["model_sha256"]) == 64


@pytest.mark.parametrize(
    "caption, said",
    [
        ("Every square becomes +1 where there is ink, -1 where there is none.", ["plus 1", "minus 1"]),
        ("A 3x3 filter: 9 weights.", ["3 by 3"]),
        ("ReLU keeps positives; −0.5 becomes 0.", ["ray-loo", "minus 0.5"]),
        ("Entries #0 to #49 → the jury.", ["number 0", "number 49", " to the jury"]),
        ("Rows 2-5 of the map, 45% of it, 2 × 0.5 = 1.", ["2 to 5", "45 percent", "2 times 0.5"]),
        ("conv-1 and max-pooling stay as they are.", ["conv-1", "max-pooling"]),
    ],
)
def test_spoken_text(caption, said):
    out = spoken(caption)
    for part in said:
        assert part in out, out
    assert spoken("卷积 -1", "zh") == "卷积 -1"  # only English gets the English readings
