"""Narration voices: a beat's text (or a teacher's recording of it) in, a WAV and its duration out.

Like manim-voiceover's ``SpeechService``, every engine is a small ``Voice`` subclass: ``settings``
(everything that changes its sound, for cache keys), ``source`` (what one beat's sound is made
from) and ``synthesize`` (produce the audio file). A ``Narrator`` wraps a voice for a render: it
turns each beat into a ``Speech`` (trimmed, 48 kHz mono WAV and its exact duration), cached on
disk by (voice settings, beat source), so a re-render never synthesises the same sentence twice.

    narrator = Narrator.from_spec("festival", cache_dir=cache / "speech")
    speech = narrator.speak("A filter is a small grid of weights.", "convolution.filter.2")
    speech.path, speech.duration   # None for the default voice "none": silent clips
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import tempfile
import unicodedata
import wave
from abc import ABC, abstractmethod
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import ClassVar

from convreel import audio, media
from convreel.cache import sha256_file
from scenes import i18n
from scenes.beat import Speech  # a 48 kHz mono WAV trimmed to the sound, and its exact duration

RATES = (0.5, 2.0)  # speaking-rate multipliers accepted: half to double the voice's own pace
VOICE_HELP = "none, espeak[:VOICE], festival, piper:MODEL.onnx or recorded:DIR"


class VoiceError(ValueError):
    """A voice that cannot speak: bad name, missing engine, model or recording. One line."""


# What our captions write that engines read badly, in the order applied (English only: other
# languages have their own ways of saying these).
_SPOKEN_EN = [
    (re.compile(r"\bReLU\b"), "ray-loo"),
    (re.compile(r"(\d)x(\d)"), r"\1 by \2"),
    (re.compile(r"\s*[×·]\s*"), " times "),
    (re.compile(r"(?<![\w.])\+(?=\d)"), "plus "),
    (re.compile(r"(?<![\w.])[-−](?=\d)"), "minus "),
    (re.compile(r"\s*−\s*"), " minus "),
    (re.compile(r"(\d)\s*[–-]\s*(\d)"), r"\1 to \2"),
    (re.compile(r"\s*→\s*"), " to "),
    (re.compile(r"\s*≈\s*"), " about "),
    (re.compile(r"#(?=\d)"), "number "),
    (re.compile(r"%"), " percent"),
    (re.compile(r"η"), "eta"),
    (re.compile(r"Σ"), "sum"),
]


def spoken(text: str, language: str = "en") -> str:
    """The caption as a speech engine should read it: ``+1`` as "plus 1", ``3x3`` as "3 by 3",
    ``ReLU`` as "ray-loo"; whitespace collapsed."""
    if language == "en":
        for pattern, said in _SPOKEN_EN:
            text = pattern.sub(said, text)
    return " ".join(text.split())


def _run(cmd: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(cmd, capture_output=True, check=False, **kwargs)
    except FileNotFoundError:
        raise VoiceError(f"{what} is not installed (run `make setup`, or apt-get install {what})") from None


def _first_line(data: bytes) -> str:
    lines = data.decode(errors="replace").strip().splitlines()
    return lines[0] if lines else "no message"


class Voice(ABC):
    """One speech engine. ``rate`` multiplies the engine's own speaking pace (1.0: unchanged)."""

    name: ClassVar[str]

    def __init__(self, language: str = "en", rate: float = 1.0) -> None:
        if not RATES[0] <= rate <= RATES[1]:
            raise VoiceError(f"speaking rate {rate:g} is out of range; choose {RATES[0]:g} to {RATES[1]:g}")
        self.language = language
        self.rate = rate

    @abstractmethod
    def settings(self) -> dict:
        """Everything about this voice that changes its sound (JSON-serialisable): engine, voice,
        rate, model hash. Two voices with equal settings say the same text identically."""

    def source(self, text: str, beat_id: str) -> dict:
        """What one beat's sound is made from, besides the settings: the text as spoken."""
        return {"text": spoken(text, self.language)}

    def render_key(self, chapter: str | None = None) -> dict:
        """The voice's part of a chapter clip's cache key (the recorded voice adds its files)."""
        return self.settings()

    @abstractmethod
    def synthesize(self, text: str, beat_id: str, workdir: Path) -> Path:
        """Produce the beat's speech as an audio file (any format PyAV reads) and return its path;
        ``workdir`` is an empty scratch folder for it."""


class Espeak(Voice):
    """eSpeak NG (Debian ``espeak-ng``): offline, instant, robotic; has Mandarin (``cmn``). Other
    languages use espeak-ng's voice of the same code (``fr``, ``de``, ...)."""

    name = "espeak"
    VOICES = {"en": "en-us", "zh": "cmn"}
    # espeak's -s ("words" a minute) at rate 1.0. English: about 3 words a second, like Festival;
    # espeak's own 175 is brisk for a lesson. Its Mandarin is slow at any -s: 220 gives about
    # 3 characters a second.
    WPM = {"en": 160, "zh": 220}

    def __init__(self, language: str = "en", rate: float = 1.0, voice: str | None = None) -> None:
        super().__init__(language, rate)
        self.voice = voice or self.VOICES.get(language, language)
        probe = _run(["espeak-ng", "-q", "-v", self.voice, "test"], "espeak-ng")
        if probe.returncode != 0:
            raise VoiceError(f"espeak-ng has no voice {self.voice!r} (see `espeak-ng --voices`)")

    @cached_property
    def _version(self) -> str:
        return _first_line(_run(["espeak-ng", "--version"], "espeak-ng").stdout)

    def settings(self) -> dict:
        wpm = round(self.WPM.get(self.language, 160) * self.rate)
        return {"voice": self.name, "espeak_voice": self.voice, "wpm": wpm, "engine": self._version}

    def synthesize(self, text: str, beat_id: str, workdir: Path) -> Path:
        out = workdir / "espeak.wav"
        cmd = ["espeak-ng", "--stdin", "-b", "1", "-v", self.voice, "-s", str(self.settings()["wpm"]), "-w", str(out)]
        proc = _run(cmd, "espeak-ng", input=spoken(text, self.language).encode())
        if proc.returncode != 0 or not out.exists():
            raise VoiceError(f"espeak-ng failed on beat {beat_id}: {_first_line(proc.stderr)}")
        return out


class Festival(Voice):
    """Festival with CMU's US English "slt" HTS voice (Debian ``festival festvox-us-slt-hts``):
    offline, slower than espeak, far more natural. English only."""

    name = "festival"
    VOICE = "cmu_us_slt_arctic_hts"

    def __init__(self, language: str = "en", rate: float = 1.0) -> None:
        super().__init__(language, rate)
        if language != "en":
            raise VoiceError(f"festival speaks English only; for {language!r} use --voice espeak")
        probe = _run(["festival", "--batch", f"(voice_{self.VOICE})"], "festival")
        if probe.returncode != 0:
            raise VoiceError(f"festival's voice {self.VOICE} is not installed (apt-get install festvox-us-slt-hts)")

    @cached_property
    def _version(self) -> str:
        return _first_line(_run(["festival", "--version"], "festival").stdout)

    def settings(self) -> dict:
        return {"voice": self.name, "festival_voice": self.VOICE, "rate": self.rate, "engine": self._version}

    def synthesize(self, text: str, beat_id: str, workdir: Path) -> Path:
        src, out = workdir / "text.txt", workdir / "festival.wav"
        # Festival reads Latin-1 and garbles anything else: fold accents, drop the rest.
        said = unicodedata.normalize("NFKD", spoken(text, self.language)).encode("ascii", "ignore").decode()
        src.write_text(said + "\n", encoding="ascii")
        # HTS voices ignore Duration_Stretch; hts_engine's own "-r" (speech speed) sets the pace.
        speed = f'(set! hts_engine_params (append hts_engine_params (list (list "-r" {self.rate:g}))))'
        cmd = ["text2wave", "-eval", f"(voice_{self.VOICE})", "-eval", speed, "-o", str(out), str(src)]
        proc = _run(cmd, "festival")
        # text2wave exits 0 even when Festival fails: the missing file is the real signal.
        if proc.returncode != 0 or not out.exists():
            raise VoiceError(f"festival failed on beat {beat_id}: {_first_line(proc.stderr)}")
        return out


class Piper(Voice):
    """A Piper neural voice the user downloaded: ``MODEL.onnx`` with ``MODEL.onnx.json`` (or
    ``MODEL.json``) beside it. Needs the optional ``piper-tts`` package (``convreel[piper]``)."""

    name = "piper"

    def __init__(self, model: Path, language: str = "en", rate: float = 1.0) -> None:
        super().__init__(language, rate)
        self.model = Path(model).expanduser()
        if self.model.suffix != ".onnx" or not self.model.is_file():
            raise VoiceError(f"piper voice model {model} not found (give the path of a .onnx file)")
        configs = [self.model.with_name(self.model.name + ".json"), self.model.with_suffix(".json")]
        self.config = next((c for c in configs if c.is_file()), None)
        if self.config is None:
            raise VoiceError(f"piper voice {self.model.name} has no {configs[0].name} beside it")
        try:
            config = json.loads(self.config.read_text(encoding="utf-8"))
            self.sample_rate = int(config["audio"]["sample_rate"])
            self.length_scale = float(config.get("inference", {}).get("length_scale", 1.0))
        except (ValueError, KeyError, TypeError):
            raise VoiceError(f"{self.config} is not a Piper voice configuration") from None
        family = str(config.get("language", {}).get("family", language))
        if family.split("_")[0] != language:
            raise VoiceError(f"piper voice {self.model.name} speaks {family!r}, not {language!r}")
        try:
            import piper  # noqa: F401
        except ImportError:
            raise VoiceError("the piper voice needs the piper-tts package: pip install 'convreel[piper]'") from None

    @cached_property
    def _hashes(self) -> tuple[str, str]:
        return sha256_file(self.model), sha256_file(self.config)

    @cached_property
    def _engine(self):
        from piper import PiperVoice

        return PiperVoice.load(self.model, config_path=self.config)

    def settings(self) -> dict:
        from importlib.metadata import version

        model, config = self._hashes
        return {
            "voice": self.name,
            "model_sha256": model,
            "config_sha256": config,
            "rate": self.rate,
            "engine": f"piper-tts {version('piper-tts')}",
        }

    def synthesize(self, text: str, beat_id: str, workdir: Path) -> Path:
        from piper import SynthesisConfig

        out = workdir / "piper.wav"
        config = SynthesisConfig(length_scale=self.length_scale / self.rate)
        with wave.open(str(out), "wb") as w:
            self._engine.synthesize_wav(spoken(text, self.language), w, syn_config=config)
        return out


class Recorded(Voice):
    """A teacher's own recordings: one audio file per beat, named by the beat id as the script
    prints it (``DIR/convolution.filter.2.wav``; FLAC, MP3, M4A and OGG are read as well)."""

    name = "recorded"
    EXTENSIONS = (".wav", ".flac", ".mp3", ".m4a", ".ogg")

    def __init__(self, folder: Path, language: str = "en", rate: float = 1.0) -> None:
        if rate != 1.0:
            raise VoiceError("recordings play at the pace they were recorded; the speaking rate does not apply")
        super().__init__(language, rate)
        self.folder = Path(folder).expanduser()
        if not self.folder.is_dir():
            raise VoiceError(f"recordings folder {folder} not found")

    def recording(self, beat_id: str) -> Path | None:
        names = {f"{beat_id}{ext}" for ext in self.EXTENSIONS} | {f"{beat_id}{ext.upper()}" for ext in self.EXTENSIONS}
        found = sorted(p for p in (self.folder / name for name in names) if p.is_file())
        if len(found) > 1:
            raise VoiceError(f"beat {beat_id} has {len(found)} recordings: {', '.join(p.name for p in found)}")
        return found[0] if found else None

    def missing(self, beat_ids: list[str]) -> list[str]:
        """The beats, of ``beat_ids``, that have no recording."""
        return [b for b in beat_ids if self.recording(b) is None]

    def check(self, beat_ids: list[str]) -> None:
        """Raise one line naming every missing recording (before rendering starts)."""
        gone = self.missing(beat_ids)
        if gone:
            names = ", ".join(f"{b}.wav" for b in gone)
            raise VoiceError(f"{len(gone)} recording(s) missing in {self.folder}: {names}")

    def _found(self, beat_id: str) -> Path:
        path = self.recording(beat_id)
        if path is None:
            raise VoiceError(f"recording missing for beat {beat_id}: {self.folder / beat_id}.wav")
        return path

    def settings(self) -> dict:
        return {"voice": self.name}

    def source(self, text: str, beat_id: str) -> dict:
        return {"recording": sha256_file(self._found(beat_id))}

    def render_key(self, chapter: str | None = None) -> dict:
        """The hashes of the chapter's recordings (every recording without a chapter): replacing,
        adding or removing one re-renders that chapter only. The folder's own path is left out,
        so moving it keeps the cache."""
        files = sorted(
            p
            for p in self.folder.iterdir()
            if p.suffix.lower() in self.EXTENSIONS and (chapter is None or p.name.startswith(f"{chapter}."))
        )
        return {**self.settings(), "files": {p.name: sha256_file(p) for p in files}}

    def synthesize(self, text: str, beat_id: str, workdir: Path) -> Path:
        return self._found(beat_id)


def parse_voice(spec: str, language: str = "en", rate: float = 1.0) -> Voice | None:
    """``--voice NAME`` as a voice (None for ``none``), checked now: a bad name, a missing engine,
    model or folder raises VoiceError with one line."""
    if language not in i18n.languages():  # a language is spoken where it has a catalog
        raise VoiceError(f"unknown language {language!r}; choose from {', '.join(i18n.languages())}")
    kind, _, arg = spec.strip().partition(":")
    kind = kind.lower()
    if kind == "none" and not arg:
        return None
    if kind == "espeak":
        return Espeak(language, rate, voice=arg or None)
    if kind == "festival" and not arg:
        return Festival(language, rate)
    if kind in ("piper", "recorded"):
        if not arg:
            raise VoiceError(f"--voice {kind} needs a path: {kind}:{'MODEL.onnx' if kind == 'piper' else 'DIR'}")
        return Piper(Path(arg), language, rate) if kind == "piper" else Recorded(Path(arg), language, rate)
    raise VoiceError(f"unknown voice {spec!r}; choose {VOICE_HELP}")


class Narrator:
    """Speech for the beats of a render, cached in ``cache_dir`` (shared by concurrent renders:
    files appear under their final name only when complete)."""

    def __init__(self, voice: Voice | None, cache_dir: Path) -> None:
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.missing: list[str] = []  # beats of a recorded voice without a recording (see ``check``)

    @classmethod
    def from_spec(cls, spec: str, cache_dir: Path, language: str = "en", rate: float = 1.0) -> Narrator:
        return cls(parse_voice(spec, language, rate), cache_dir)

    def render_key(self, chapter: str | None = None) -> dict:
        """The narration's part of a chapter's cache key: the voice, its settings and the mix."""
        if self.voice is None:
            return {"voice": "none"}
        return {**self.voice.render_key(chapter), "mix": audio.MIX_SETTINGS}

    def speak(self, text: str, beat_id: str) -> Speech | None:
        """The beat's speech, synthesised once and then read from the cache; None when there is no
        voice or nothing to say."""
        if self.voice is None or not text.strip():
            return None
        if isinstance(self.voice, Recorded) and self.voice.recording(beat_id) is None:
            self.missing.append(beat_id)  # named with all the others by ``check``, after the clip
            return None
        ident = {
            "language": self.voice.language,  # the same words may be read differently in another language
            "settings": self.voice.settings(),
            "source": self.voice.source(text, beat_id),
            "mix": audio.MIX_SETTINGS,
        }
        digest = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:32]
        path = self.cache_dir / f"{digest}.wav"
        if not path.exists():
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.cache_dir, prefix=".speak-") as work:
                raw = self.voice.synthesize(text, beat_id, Path(work))
                samples = audio.trim_silence(audio.read_audio(raw))
                if samples.size == 0:
                    raise VoiceError(f"the {self.voice.name} voice gave silence for beat {beat_id}")
                audio.write_wav(path, samples)
        with wave.open(str(path), "rb") as w:
            return Speech(path, w.getnframes() / w.getframerate())

    def check(self) -> None:
        """Raise one line naming every beat that had no recording (recorded voices)."""
        if self.missing:
            self.voice.check(self.missing)


def add_narration(video: Path, speeches: Sequence[tuple[float, Speech]]) -> dict | None:
    """Give a rendered clip its narration: every (start seconds, Speech) of the clip mixed onto one
    track as long as the picture, levelled to -16 LUFS under -1.5 dBTP, and muxed in place (AAC in
    MP4 and MOV, Opus in WebM; the picture is copied, MP4/MOV keep their index at the front).

    Returns what the manifest records about the sound (codec, measured loudness and true peak),
    or None when the clip stays silent: no speech (the voice ``none``) or a GIF.
    """
    if not speeches or video.suffix not in media.AUDIO_CODECS:
        return None
    duration = media.probe(video).duration
    parts = [(start, s.path) for start, s in speeches]

    def publish(ceiling: float) -> Path:
        media.mux_audio(video, audio.narration_track(parts, duration, ceiling_db=ceiling))
        return video

    heard = audio.publish_under_ceiling(publish, audio.CEILING_DBTP)
    return {
        "codec": media.AUDIO_CODECS[video.suffix].removeprefix("lib"),
        "sample_rate": audio.RATE,
        "channels": 1,
        "loudness_lufs": round(audio.loudness(heard), 1),
        "true_peak_dbtp": round(audio.true_peak_db(heard), 1),
    }
