"""The base of every chapter: the story, the layout, sections, beats and the title card.

A chapter's ``construct`` is a short list of beats over a rig built from ``scenes.parts``::

    self.section("sweep")
    with self.beat(_("The glass slides on, one pixel at a time.")) as b:
        self.play(sweep.run(b.left))

``beat`` starts the caption (and the voice, if any), runs the animations of its block, then waits
out the rest of the beat in whole frames.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

from manim import DOWN, UP, Mobject, Scene, Text, config

from scenes import style
from scenes.beat import Beat, BeatOverrun, Narrator, reading_time, whole_frames
from scenes.i18n import _, language, set_language, tidy
from scenes.layout import layout
from scenes.parts import Header, QuickFade, TitleCard, fade_out, label, readable, wrapped
from scenes.parts.text import is_texture
from scenes.registry import chapter_number, get_chapter
from scenes.story import Story, load_story

TOLERANCE = 1e-3  # units: how far a mobject's box may poke past a zone edge (stroke rounding)


class BeatClock:
    """What the block of a ``beat`` may ask about its time."""

    def __init__(self, scene: ChapterScene, beat: Beat) -> None:
        self.scene, self.beat = scene, beat

    @property
    def duration(self) -> float:
        return self.beat.duration

    @property
    def left(self) -> float:
        """Seconds left in the beat now (e.g. the run time of a sweep that fills the rest)."""
        return max(0.0, self.beat.end - self.scene.time)


class ChapterScene(Scene):
    """One chapter: a short story told from the engine's trace of one image.

    Subclasses set ``chapter_id`` and ``subtitle`` and implement ``construct``. The story comes from
    ``story=`` or, with the plain manim CLI, from ``load_story()`` (environment variables or the
    default example). ``narrator`` gives beats a voice. ``checks=True`` (tests; or
    ``CONVREEL_CHECKS=1``) makes every ``play`` verify the layout rules and a beat overrun an error.
    ``burn_captions=True`` draws each caption into the caption band.
    """

    chapter_id: ClassVar[str]
    subtitle: ClassVar[str] = ""

    def __init__(
        self,
        story: Story | None = None,
        narrator: Narrator | None = None,
        checks: bool | None = None,
        burn_captions: bool = False,
        **kwargs,
    ) -> None:
        # Manim hashes every mobject on every play() for its cache; on data-heavy scenes that
        # costs more than re-rendering (benchmarks/render.py --manim-cache measures it), so
        # chapters turn it off unless CONVREEL_MANIM_CACHE=1 asks for it.
        if os.environ.get("CONVREEL_MANIM_CACHE") != "1":
            config.disable_caching = True
        if story is None:  # the plain manim CLI: everything from the environment (CONVREEL_LANG too)
            set_language()
            story = load_story()
        self.story = story
        self.trace = self.story.trace
        self.chapter = get_chapter(self.chapter_id)
        self.narrator = narrator
        self.checks = os.environ.get("CONVREEL_CHECKS") == "1" if checks is None else checks
        self.burn_captions = burn_captions
        self.sections: list[tuple[str, float]] = []  # (section name, start time in seconds)
        self.beats: list[Beat] = []
        self.lay = layout()
        self.header: Mobject | None = None
        self._burned: Text | None = None
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.camera.background_color = style.BACKGROUND

    # -- the story -------------------------------------------------------------------------------
    @property
    def example(self) -> str:
        return self.story.example.name

    @property
    def is_rgb(self) -> bool:
        return self.trace.image.shape[0] == 3

    @property
    def captions(self) -> list[tuple[float, float, str]]:
        """(start, end, text) of every caption cue."""
        return [(*b.cue, b.text) for b in self.beats]

    # -- sections and beats ----------------------------------------------------------------------
    def section(self, name: str) -> None:
        """Start the section ``name`` (a short id, e.g. "sweep"): a course page can jump to it."""
        self.next_section(name)
        self.sections.append((name, self.time))

    @contextmanager
    def beat(self, text: str, seconds: float | None = None) -> Iterator[BeatClock]:
        """One caption and its animations (see the module docstring). ``seconds`` sets the planned
        length (default: the time to read ``text``); a voice may lengthen it to fit its speech."""
        fps = config.frame_rate
        text = tidy(text)
        section = self.sections[-1][0] if self.sections else "start"
        n = sum(b.section == section for b in self.beats) + 1
        beat_id = f"{self.chapter_id}.{section}.{n}"
        planned = whole_frames(seconds if seconds is not None else reading_time(text, language()), fps)
        speech = self.narrator.speak(text, beat_id) if self.narrator is not None else None
        duration = planned if speech is None else max(planned, whole_frames(speech.duration + 0.4, fps))
        beat = Beat(beat_id, section, text, self.time, duration, planned, speech)
        self.beats.append(beat)
        if self.burn_captions:
            self._burn(beat)
        yield BeatClock(self, beat)
        overrun = self.time - beat.end
        if overrun > 0.5 / fps:
            if self.checks:
                raise BeatOverrun(
                    f"beat {beat_id} ran {self.time - beat.start:.2f} s, planned {beat.duration:.2f} s: {text[:60]!r}"
                )
            beat.duration = self.time - beat.start  # the caption stays up until the animation ends
        self._wait_until(beat.end)
        if self.time < beat.end:  # frame rounding stopped short: the cue ends where the next beat starts
            beat.duration = self.time - beat.start
        if self._burned is not None:
            self.remove(self._burned)
            self._burned = None

    def _wait_until(self, end: float) -> None:
        """Wait in whole frames until ``end`` (Manim rounds a wait to frames, so top it up). When
        animations are skipped (tests) time is not counted in frames: wait exactly."""
        if self.renderer.skip_animations:
            if end - self.time > 1e-9:
                self.wait(end - self.time)
            return
        fps = config.frame_rate
        while (frames := round((end - self.time) * fps)) > 0:
            self.wait(frames / fps)

    def _burn(self, beat: Beat) -> None:
        """Draw the beat's caption into the caption band while its cue lasts."""
        zone = self.lay.caption.inset(self.lay.safe.left - self.lay.frame.left, 0.08)
        text = wrapped(beat.text, zone.width, size=style.SMALL, colour=style.TEXT)
        zone.place(text)
        cue_end = beat.cue[1]
        # Time-based (it takes dt), so Manim redraws it on every frame of a wait instead of freezing it.
        text.add_updater(lambda m, dt: m.set_opacity(1.0 if self.time < cue_end - 1e-6 else 0.0))
        text.burned = True
        self._burned = text
        self.add(text)

    # -- the title card and clearing ---------------------------------------------------------------
    def title_card(self) -> None:
        """The chapter's name, then its heading stays in the header for the whole clip."""
        self.section("title")
        number = chapter_number(self.chapter_id, self.example)
        title = _(self.chapter.title)
        card = TitleCard(number, title, _(self.subtitle), self.lay)
        source = _("{example} · {image}").format(example=_(self.story.example.title), image=self.story.image_name)
        header = Header(number, title, source, self.lay)
        with self.beat(_("{title}.").format(title=title), seconds=3.2):
            self.play(QuickFade(card, shift=0.3 * DOWN), run_time=style.NORMAL)
            self.wait(1.2)
            # A cross-fade: morphing dozens of glyphs into others costs more than it shows.
            self.play(QuickFade(card, appear=False, shift=0.3 * UP), QuickFade(header, shift=0.3 * UP),
                      run_time=style.NORMAL)  # fmt: skip
        self.header = header

    def clear(self, run_time: float = style.QUICK) -> None:
        """Fade out everything but the header (and a burned caption)."""
        keep = {id(m) for m in (self.header, self._burned) if m is not None}
        gone = [m for m in self.mobjects if id(m) not in keep]
        if gone:
            self.play(*fade_out(*gone), run_time=run_time)

    def note(self, text: str, colour: str = style.MUTED) -> Mobject:
        """A one-line remark placed in the footer (e.g. "Label assumed: ..."), fitted to it."""
        mob = label(text, size=style.SMALL, colour=colour)
        return self.lay.footer.place(mob)

    # -- checks ---------------------------------------------------------------------------------
    def play(self, *args, **kwargs) -> None:
        super().play(*args, **kwargs)
        if self.checks:
            self.check_layout()

    def check_layout(self) -> None:
        """The layout rules, on what is on screen now: every mobject inside the safe area and out of
        the caption band (burned captions aside), every text readable or marked as a texture."""
        safe, band, smallest = self.lay.safe, self.lay.caption, self.lay.readable
        for m in self.mobjects:
            if getattr(m, "burned", False) or (m.width == 0 and m.height == 0):
                continue
            if not safe.contains(m, TOLERANCE) or m.get_bottom()[1] < band.top - TOLERANCE:
                raise AssertionError(
                    f"{type(m).__name__} at x {m.get_left()[0]:.2f}..{m.get_right()[0]:.2f}, "
                    f"y {m.get_bottom()[1]:.2f}..{m.get_top()[1]:.2f} leaves the safe area "
                    f"x {safe.left:.2f}..{safe.right:.2f}, y {band.top:.2f}..{safe.top:.2f}"
                    f" at {self.time:.2f} s"
                )
            for t in m.get_family():
                if not isinstance(t, Text) or t.height == 0 or is_texture(t) or t.get_fill_opacity() == 0:
                    continue  # an empty Text has no size to check
                if not readable(t, smallest):
                    raise AssertionError(
                        f"text {t.text!r} is too small to read ({t.font_size:.1f} pt) at {self.time:.2f} s"
                    )
