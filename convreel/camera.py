"""How a clip's images are drawn: Manim's Cairo camera, compositing an image only where it lies.

Manim's camera draws an ``ImageMobject`` by pasting it into a transparent picture as large as the
frame and blending that whole picture over the frame: four full-frame copies per image per frame,
about 8 ms at 1080p even for a thin strip. ConvReel's maps, pages and photos are images, several
on screen at once, so that was most of the rasterising of the face explainer's overview, dense
and deeper-layers chapters (``benchmarks/render.py --profile``). ``ClipCamera`` blends the image
over the rectangle it covers only. Outside it the transparent picture left the frame unchanged,
and inside it the blend is the same, so the frame is the same pixel for pixel
(``tests/test_camera.py``).

Imports Manim: only worker processes import this module.
"""

from __future__ import annotations

import numpy as np
from manim.camera.camera import Camera
from manim.mobject.types.image_mobject import AbstractImageMobject
from PIL import Image


def _coefficients(target: np.ndarray, original: np.ndarray) -> np.ndarray | None:
    """PIL's perspective coefficients mapping the ``target`` corners onto the ``original`` ones,
    or None if the corners are collinear."""
    rows = []
    for (x, y), (u, v) in zip(target, original, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    try:
        return np.linalg.solve(np.array(rows, dtype=np.float64), original.reshape(8).astype(np.float64))
    except np.linalg.LinAlgError:
        return None


def _too_thin(target: np.ndarray) -> bool:
    """Manim's test for a quadrilateral that covers no pixel (under half a pixel across its longest
    side), kept as it is so that the same images are skipped."""
    ordered = [target[i] for i in (0, 1, 3, 2)]
    sides = [ordered[(i + 1) % 4] - ordered[i] for i in range(4)]
    lengths = np.linalg.norm(sides, axis=1)
    longest = int(np.argmax(lengths))
    if lengths[longest] == 0:
        return True
    # Manim measures the height against the side before the longest one twice; so do we.
    before = sides[(longest - 1) % 4]
    height = abs(sides[longest][0] * before[1] - sides[longest][1] * before[0]) / lengths[longest]
    return height < 0.5


class ClipCamera(Camera):
    """Manim's Cairo camera; an image is blended over the rectangle it covers, not the whole frame."""

    def display_image_mobject(self, image_mobject: AbstractImageMobject, pixel_array: np.ndarray) -> None:
        sub_image = Image.fromarray(image_mobject.get_pixel_array(), mode="RGBA")
        w, h = sub_image.size
        original = np.array([[0, 0], [w, 0], [0, h], [w, h]])
        target = self.points_to_subpixel_coords(image_mobject, image_mobject.points)
        # The same integer corner and size as Manim's, so the transform samples the same pixels.
        corners = target.astype(np.int64)
        shift = corners.min(axis=0)
        target = target - shift
        size = tuple(int(s) for s in (corners - shift).max(axis=0))
        if _too_thin(target):
            return
        coefficients = _coefficients(target, original)
        if coefficients is None:
            return
        sub_image = sub_image.transform(
            size=size,
            method=Image.Transform.PERSPECTIVE,
            data=coefficients,
            resample=image_mobject.resampling_algorithm,
        )
        x0, y0 = (int(v) for v in shift)
        left, top = max(x0, 0), max(y0, 0)
        right, bottom = min(x0 + size[0], self.pixel_width), min(y0 + size[1], self.pixel_height)
        if right <= left or bottom <= top:
            return
        piece = sub_image.crop((left - x0, top - y0, right - x0, bottom - y0))
        region = pixel_array[top:bottom, left:right]
        region[:] = np.asarray(Image.alpha_composite(Image.fromarray(region), piece))
