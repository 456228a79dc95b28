"""The chapters in teaching order. Plain data (no manim import) so the CLI can list them fast."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chapter:
    id: str  # the CLI name
    module: str  # scenes.<module>
    scene: str  # the Scene class in it
    title: str
    examples: tuple[str, ...] = ("tick-cross", "face")

    @property
    def import_path(self) -> str:
        return f"scenes.{self.module}"


CHAPTERS: tuple[Chapter, ...] = (
    Chapter("pixels", "pixels", "PixelsScene", "The image becomes numbers"),
    Chapter("convolution", "convolution", "ConvolutionScene", "Convolution: sliding a filter"),
    Chapter("stride-padding", "stride_padding", "StridePaddingScene", "Stride and padding"),
    Chapter("relu", "relu", "ReluScene", "ReLU: switching off the negatives"),
    Chapter("max-pooling", "max_pooling", "MaxPoolingScene", "Max pooling: keeping the best clues"),
    Chapter("deeper-layers", "deeper_layers", "DeeperLayersScene", "Deeper layers: clues of clues", ("face",)),
    Chapter("flatten", "flatten", "FlattenScene", "Flatten: lining up the evidence"),
    Chapter("dense", "dense", "DenseScene", "The dense layer: weighing the evidence"),
    Chapter("softmax", "softmax", "SoftmaxScene", "Softmax: scores become probabilities"),
    Chapter("loss", "loss", "LossScene", "Loss: how wrong was the guess?"),
    Chapter("overview", "overview", "OverviewScene", "The whole network at once"),
    Chapter("learning-step", "learning_step", "LearningStepScene", "One step of learning"),
    Chapter("training", "training", "TrainingScene", "Training: many small steps"),
    Chapter("invariance", "invariance", "InvarianceScene", "Moving the suspect"),
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
