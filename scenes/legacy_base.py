"""The base of every chapter: the story, the title card, steps (sections) and captions."""

from __future__ import annotations

import os
from typing import ClassVar

from manim import DOWN, RIGHT, UP, FadeIn, FadeOut, Scene, config

from scenes import legacy_style as style
from scenes.legacy_parts import TitleCard, fade_out, label
from scenes.registry import chapter_number, get_chapter
from scenes.story import Story, load_story


class ChapterScene(Scene):
    """One chapter: a short story told from the engine's trace of one image.

    Subclasses set ``chapter_id`` and implement ``construct``, calling ``self.step(name, caption)``
    at each step: it starts a named section (so a course page can jump to it) and adds the
    narration caption. The story comes from ``story=`` or, with the plain manim CLI, from
    ``load_story()`` (environment variables or the default example).
    """

    chapter_id: ClassVar[str]
    subtitle: ClassVar[str] = ""

    def __init__(self, story: Story | None = None, **kwargs) -> None:
        # Manim hashes every mobject on every play() for its cache; on data-heavy scenes that
        # costs more than re-rendering (benchmarks/render.py --manim-cache measures it), so
        # chapters turn it off unless CONVREEL_MANIM_CACHE=1 asks for it.
        if os.environ.get("CONVREEL_MANIM_CACHE") != "1":
            config.disable_caching = True
        self.story = story if story is not None else load_story()
        self.trace = self.story.trace
        self.chapter = get_chapter(self.chapter_id)
        self.steps: list[tuple[str, float]] = []  # (section name, start time in seconds)
        self.captions: list[tuple[float, float, str]] = []  # (start, end, text)
        super().__init__(**kwargs)

    def setup(self) -> None:
        self.camera.background_color = style.BACKGROUND

    # -- story helpers -----------------------------------------------------------------------
    @property
    def example(self) -> str:
        return self.story.example.name

    @property
    def is_rgb(self) -> bool:
        return self.trace.image.shape[0] == 3

    def step(self, name: str) -> None:
        """Start the section ``name`` (names are short ids, e.g. "sweep")."""
        self.next_section(name)
        self.steps.append((name, self.time))

    def caption(self, text: str, duration: float) -> None:
        """Narration from now for ``duration`` seconds (written to .srt next to the clip)."""
        self.add_subcaption(text, duration=duration)
        self.captions.append((self.time, self.time + duration, text))

    def say(self, text: str, seconds: float) -> None:
        """A caption whose animations follow; ``settle()`` then waits out the rest of its time."""
        self.caption(text, seconds)
        self._until = self.time + seconds

    def settle(self) -> None:
        if self.time < getattr(self, "_until", 0.0) - 1e-6:
            self.wait(self._until - self.time)

    def title_card(self) -> None:
        """The chapter's name, then the header stays in the top-left corner for the whole clip."""
        self.step("title")
        card = TitleCard(chapter_number(self.chapter_id, self.example), self.chapter.title, self.subtitle)
        source = label(f"{self.example} · {self.story.image_name}", size=style.SMALL_SIZE, colour=style.MUTED)
        source.to_corner(DOWN + RIGHT, buff=0.2)
        self.source = source
        self.caption(self.chapter.title + ".", 2.5)
        self.play(FadeIn(card, shift=0.3 * DOWN), FadeIn(source), run_time=1)
        self.wait(1)
        header = card.header()
        # A cross-fade: morphing dozens of glyphs into others costs more than it shows.
        self.play(FadeOut(card, shift=0.3 * UP), FadeIn(header, shift=0.3 * UP), run_time=0.8)
        self.header = header

    def clear_content(self, run_time: float = 0.6) -> None:
        """Fade out everything but the header and the source line."""
        keep = {id(m) for m in (getattr(self, "header", None), getattr(self, "source", None)) if m is not None}
        gone = [m for m in self.mobjects if id(m) not in keep]
        if gone:
            self.play(*fade_out(*gone), run_time=run_time)
