"""Beats: the unit of narration. Pure Python (no Manim), shared by the scenes and the pipeline.

A beat is one caption (one spoken sentence or two) and the animations that go with it. It lasts its
planned length (given, or the time to read its text) or, when a voice speaks it, at least as long as
the speech plus a short pause, so the animation never cuts a sentence.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

READING_RATE = {"en": 16.0, "zh": 6.5}  # characters per second a viewer reads comfortably
MIN_BEAT = 2.0  # seconds: even a short caption stays up this long
PAUSE = 0.4  # seconds of silence after a spoken sentence, before the next beat
_CJK = re.compile(r"[\u3000-\u9fff\uff00-\uffef]")


def reading_time(text: str, language: str = "en") -> float:
    """Seconds to read ``text`` as a caption: its characters at the language's reading rate (CJK
    characters count at the Chinese rate), never under ``MIN_BEAT``."""
    cjk = len(_CJK.findall(text))
    other = len(text) - cjk
    seconds = other / READING_RATE["en"] + cjk / READING_RATE["zh"]
    return max(MIN_BEAT, seconds + PAUSE)


def whole_frames(seconds: float, fps: float) -> float:
    """``seconds`` rounded up to a whole number of frames."""
    return math.ceil(seconds * fps - 1e-6) / fps


@dataclass(frozen=True)
class Speech:
    """A beat's narration as audio: a WAV file and its length in seconds."""

    path: Path
    duration: float


class Narrator(Protocol):
    """What a voice offers the scenes: the speech for a beat's text (None: this beat is silent)."""

    def speak(self, text: str, beat_id: str) -> Speech | None: ...


@dataclass
class Beat:
    """One beat as it was played: ``start`` and ``duration`` in seconds of the clip."""

    id: str  # chapter.section.n, stable across renders: names recordings and script lines
    section: str
    text: str
    start: float
    duration: float
    planned: float  # the length asked for (or the reading time), before any speech lengthened it
    speech: Speech | None = None
    extra: dict = field(default_factory=dict)

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def cue(self) -> tuple[float, float]:
        """When the caption shows: while the voice speaks, else for the whole beat."""
        if self.speech is not None:
            return self.start, self.start + self.speech.duration
        return self.start, self.end


class BeatOverrun(RuntimeError):
    """A beat's animations took longer than the beat (raised when a scene runs with checks)."""
