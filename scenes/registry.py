"""The chapters in teaching order. Plain data (no manim import) so the CLI can list them fast."""

from __future__ import annotations

from dataclasses import dataclass

from scenes.i18n import N_


@dataclass(frozen=True)
class Chapter:
    id: str  # the CLI name
    module: str  # scenes.<module>
    scene: str  # the Scene class in it
    title: str  # a message id: show it as _(chapter.title)
    examples: tuple[str, ...] = ("tick-cross", "face")

    @property
    def import_path(self) -> str:
        return f"scenes.{self.module}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("pixels", "pixels", "PixelsScene", N_("The image becomes numbers")),
    Chapter("convolution", "convolution", "ConvolutionScene", N_("Convolution: sliding a filter")),
    Chapter("stride-padding", "stride_padding", "StridePaddingScene", N_("Stride and padding")),
    Chapter("relu", "relu", "ReluScene", N_("ReLU: switching off the negatives")),
    Chapter("max-pooling", "max_pooling", "MaxPoolingScene", N_("Max pooling: keeping the best clues")),
    Chapter("deeper-layers", "deeper_layers", "DeeperLayersScene", N_("Deeper layers: clues of clues"), ("face",)),
    Chapter("flatten", "flatten", "FlattenScene", N_("Flatten: lining up the evidence")),
    Chapter("dense", "dense", "DenseScene", N_("The dense layer: weighing the evidence")),
    Chapter("softmax", "softmax", "SoftmaxScene", N_("Softmax: scores become probabilities")),
    Chapter("loss", "loss", "LossScene", N_("Loss: how wrong was the guess?")),
    Chapter("overview", "overview", "OverviewScene", N_("The whole network at once")),
    Chapter("learning-step", "learning_step", "LearningStepScene", N_("One step of learning")),
    Chapter("training", "training", "TrainingScene", N_("Training: many small steps")),
    Chapter("invariance", "invariance", "InvarianceScene", N_("Moving the suspect")),
)


def get_chapter(chapter_id: str) -> Chapter:
    for ch in CHAPTERS:
        if ch.id == chapter_id:
            return ch
    raise ValueError(f"unknown chapter {chapter_id!r}; choose from {', '.join(c.id for c in CHAPTERS)}")


def chapters_for(example: str) -> tuple[Chapter, ...]:
    """The chapters of one example's explainer, in teaching order."""
    return tuple(c for c in CHAPTERS if example in c.examples)


def chapter_number(chapter_id: str, example: str) -> int:
    """The chapter's place (from 1) in the example's explainer."""
    return [c.id for c in chapters_for(example)].index(chapter_id) + 1
