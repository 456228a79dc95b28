"""The beat: whole frames, lengths from text or speech, overruns are errors under checks."""

from pathlib import Path

import pytest
from manim import Square, tempconfig

from scenes.base import ChapterScene
from scenes.beat import MIN_BEAT, BeatOverrun, Speech, reading_time, whole_frames
from scenes.story import load_story


class Talky:
    """A narrator whose speech lasts 3.5 s for every beat."""

    def speak(self, text, beat_id):
        return Speech(Path(f"/nowhere/{beat_id}.wav"), 3.5)


def run(body, narrator=None, checks=True):
    class Probe(ChapterScene):
        chapter_id = "pixels"

        def construct(self):
            self.section("probe")
            body(self)

    with tempconfig({"quality": "low_quality", "dry_run": True, "disable_caching": True, "verbosity": "ERROR"}):
        scene = Probe(story=load_story("tick-cross"), narrator=narrator, checks=checks)
        scene.render()
    return scene


def test_reading_time():
    assert reading_time("Hi.") == MIN_BEAT
    long = "word " * 40
    assert reading_time(long) > reading_time(long[:100]) > MIN_BEAT
    # Chinese reads slower per character
    assert reading_time("卷积核在图像上滑动，特征图一格一格地填满。") > reading_time("abcdefghijklmnopqrstu")


def test_beats_last_their_planned_length_in_whole_frames():
    def body(s):
        with s.beat("One short sentence.", seconds=1.23):
            s.play(Square().animate.shift([1, 0, 0]), run_time=0.5)
        with s.beat("Another, whose length comes from its text."):
            pass

    scene = run(body)
    fps = 15
    a, b = scene.beats
    assert a.duration == pytest.approx(whole_frames(1.23, fps)) and round(a.duration * fps, 6).is_integer()
    assert b.start == pytest.approx(a.end, abs=1e-9)
    assert b.duration == pytest.approx(whole_frames(reading_time(b.text), fps))
    assert scene.time == pytest.approx(b.end, abs=0.5 / fps)
    assert [bt.id for bt in scene.beats] == ["pixels.probe.1", "pixels.probe.2"]
    assert scene.captions[0] == (a.start, a.end, "One short sentence.")


def test_an_animation_that_overruns_its_beat_is_an_error():
    def body(s):
        with s.beat("Too short for what follows.", seconds=1.0):
            s.play(Square().animate.shift([1, 0, 0]), run_time=2.0)

    with pytest.raises(BeatOverrun, match="pixels.probe.1"):
        run(body)


def test_speech_lengthens_the_beat_and_sets_the_cue():
    def body(s):
        with s.beat("Said aloud.", seconds=2.0):
            pass

    scene = run(body, narrator=Talky())
    (b,) = scene.beats
    assert b.duration >= 3.5 + 0.4 - 1e-9  # never cuts the sentence, a pause after it
    assert b.cue == pytest.approx((b.start, b.start + 3.5))
    assert b.speech.path.name == "pixels.probe.1.wav"
