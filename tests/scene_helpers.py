"""Build a chapter scene without rendering a video: construct() runs with animations skipped and
the layout checks on (every play keeps mobjects in the safe area and out of the caption band, every
text readable; a beat overrun is an error), so a test can compare what the scene holds with the
engine's trace."""

from __future__ import annotations

import importlib

import numpy as np
from manim import Mobject, tempconfig

from scenes.registry import get_chapter
from scenes.story import load_story


def build(chapter_id: str, example: str, image=None, label=None, tmp_path=None, resolution=None, model=None):
    chapter = get_chapter(chapter_id)
    cls = getattr(importlib.import_module(chapter.import_path), chapter.scene)
    settings = {
        "quality": "low_quality",
        "dry_run": True,
        "disable_caching": True,
        "verbosity": "ERROR",
        "progress_bar": "none",
    }
    if resolution is not None:
        w, h = resolution
        settings.update(pixel_width=w, pixel_height=h, frame_width=8.0 * w / h)
    if tmp_path is not None:
        settings["media_dir"] = str(tmp_path)
    with tempconfig(settings):
        scene = cls(story=load_story(example, image, label, model), skip_animations=True, checks=True)
        scene.render()
    return scene


def fill_rgb(mob: Mobject) -> np.ndarray:
    """The 0-255 RGB fill of a VMobject, as drawn."""
    return np.round(np.array(mob.get_fill_color().to_rgb()) * 255).astype(int)


def _overlaps(a: Mobject, b: Mobject, tol: float = 0.01) -> bool:
    return (
        a.get_left()[0] + tol < b.get_right()[0]
        and b.get_left()[0] + tol < a.get_right()[0]
        and a.get_bottom()[1] + tol < b.get_top()[1]
        and b.get_bottom()[1] + tol < a.get_top()[1]
    )


def text_clashes(mobjects) -> list[tuple]:
    """Pairs of texts (Text or MathTex) among ``mobjects`` whose boxes overlap, by their text."""
    from manim import MathTex, Text

    words = [m for top in mobjects for m in top.get_family() if isinstance(m, Text | MathTex)]
    return [
        (getattr(a, "original_text", a), getattr(b, "original_text", b))
        for i, a in enumerate(words)
        for b in words[i + 1 :]
        if _overlaps(a, b)
    ]
