"""What a chapter is about: the example, the image, its label and the engine's trace of it.

Scenes get everything they show from here; nothing in ``scenes/`` computes a number.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import engine
from scenes.i18n import _

DEFAULT_EXAMPLE = "tick-cross"


@dataclass(frozen=True)
class Story:
    example: engine.Example
    network: engine.Network
    trace: engine.Trace
    image_path: Path
    custom_image: bool  # not one of the shipped example images
    label_assumed: bool  # no label given for a custom image: the prediction stands in for it

    @property
    def image_name(self) -> str:
        return self.image_path.name

    @property
    def label_note(self) -> str | None:
        """What the screen must say when the true label was assumed rather than given."""
        if not self.label_assumed:
            return None
        return _("Label assumed: {label} (the prediction); set it with --label").format(label=_(self.trace.label_name))


def load_story(
    example: str | None = None,
    image: str | Path | None = None,
    label: str | None = None,
    model: str | Path | None = None,
) -> Story:
    """Build the story for a chapter.

    Arguments left out come from ``CONVREEL_EXAMPLE``, ``CONVREEL_IMAGE``, ``CONVREEL_LABEL`` and
    ``CONVREEL_MODEL`` (so the plain ``manim`` CLI can render any image), else the defaults: the
    tick-cross example and its shipped tick. The true label defaults to the shipped image's class;
    for a custom image without one, the prediction is assumed and the story says so.
    """
    example = example or os.environ.get("CONVREEL_EXAMPLE") or DEFAULT_EXAMPLE
    image = image or os.environ.get("CONVREEL_IMAGE") or None
    label = label or os.environ.get("CONVREEL_LABEL") or None
    model = model or os.environ.get("CONVREEL_MODEL") or None
    ex = engine.get_example(example)
    net = engine.load_model(model or example)
    path = Path(image) if image is not None else ex.image_path()
    x = ex.load_image(path)
    shipped = ex.label_of(path)
    assumed = label is None and shipped is None
    if label is None:
        label = shipped if shipped is not None else net.trace(x).predicted_class
    trace = net.trace(x, label=label)
    return Story(ex, net, trace, path, custom_image=shipped is None, label_assumed=assumed)
