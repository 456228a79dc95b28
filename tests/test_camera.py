"""ClipCamera draws images exactly as Manim's camera does, only faster."""

from __future__ import annotations

import numpy as np
import pytest
from manim import DOWN, LEFT, ORIGIN, RIGHT, UP, ImageMobject, Square, tempconfig
from manim.camera.camera import Camera

from convreel.camera import ClipCamera


def image(seed: int, shape: tuple[int, int], alpha: bool) -> ImageMobject:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(0, 256, (*shape, 4), dtype=np.uint8)
    if not alpha:
        pixels[..., 3] = 255
    return ImageMobject(pixels)


def placed(seed: int) -> list:
    """Images on a drawn square: inside, half off every edge, rotated, squashed, faded, tiny."""
    crisp = image(seed, (3, 5), alpha=False)
    crisp.set_resampling_algorithm(0)  # nearest, as the maps and pages are drawn
    return [
        Square(3, fill_opacity=0.6, color="#3366cc"),
        crisp.set(height=2.5).move_to(LEFT * 2),
        image(seed + 1, (8, 8), alpha=True).set(height=3).move_to(RIGHT * 7 + UP * 3.5),
        image(seed + 2, (4, 6), alpha=False).set(height=2).move_to(LEFT * 7.2 + DOWN * 4),
        image(seed + 3, (6, 6), alpha=True).set(height=2).rotate(0.4).move_to(ORIGIN),
        image(seed + 4, (1, 40), alpha=False).stretch_to_fit_height(0.05).move_to(DOWN * 2),
        image(seed + 5, (5, 5), alpha=False).set(height=1.5).set_opacity(0.4).move_to(UP * 2),
        image(seed + 6, (2, 2), alpha=False).set(height=0.001),
        image(seed + 7, (4, 4), alpha=False).set(height=2).move_to(RIGHT * 30),
    ]


@pytest.mark.parametrize("size", [(854, 480), (1920, 1080), (640, 1136)])
@pytest.mark.parametrize("seed", [0, 1])
@pytest.mark.parametrize("opacity", [1.0, 0.0])  # 0: a transparent render (webm, mov)
def test_same_pixels_as_manim(size, seed, opacity):
    w, h = size
    with tempconfig({"pixel_width": w, "pixel_height": h, "frame_width": 8.0 * w / h}):
        frames = []
        for cls in (Camera, ClipCamera):
            camera = cls(background_opacity=opacity)
            camera.capture_mobjects(placed(seed))
            frames.append(camera.get_image())
    manim, ours = (np.asarray(f) for f in frames)
    assert manim.any()
    assert np.array_equal(manim, ours)


def test_image_changes_the_frame_only_where_it_lies():
    with tempconfig({"pixel_width": 854, "pixel_height": 480}):
        camera = ClipCamera()
        before = camera.pixel_array.copy()
        camera.capture_mobjects([image(3, (4, 4), alpha=False).set(height=2).move_to(ORIGIN)])
        changed = np.argwhere((camera.pixel_array != before).any(axis=2))
    (top, left), (bottom, right) = changed.min(axis=0), changed.max(axis=0)
    # 2 units of an 8-unit-tall frame of 480 pixels: a 120-pixel square in the middle
    assert 115 <= bottom - top + 1 <= 121
    assert 115 <= right - left + 1 <= 121
    assert abs((top + bottom) / 2 - 240) <= 1 and abs((left + right) / 2 - 427) <= 1
