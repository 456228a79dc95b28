"""Prediction and training jobs behind the CLI (the CLI only parses and prints)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import engine


@dataclass(frozen=True)
class Prediction:
    example: str
    image: Path
    class_names: tuple[str, ...]
    probabilities: tuple[float, ...]
    prediction: str

    def to_json(self) -> dict:
        return {
            "prediction": self.prediction,
            "probabilities": {c: float(p) for c, p in zip(self.class_names, self.probabilities)},
        }


def predict(image: str | Path, example: str, model: str | Path | None = None) -> Prediction:
    ex = engine.get_example(example)
    net = engine.load_model(model if model is not None else example)
    x = ex.load_image(image)
    if net.input_shape is not None and x.shape != net.input_shape:
        raise engine.ModelError(f"{model}: expects input {net.input_shape}, the {example} example gives {x.shape}")
    trace = net.trace(x)
    return Prediction(example, Path(image), net.class_names, tuple(trace.probabilities), trace.predicted_class)


@dataclass(frozen=True)
class Training:
    """What `convreel train` reports: where the weights went and how good they are."""

    path: Path
    validation: dict  # accuracy, ece, n on the validation split
    held_out: dict | None  # the same on the held-out set (generated data only)
    images: tuple[Path, ...]  # example images rewritten (bundled model only)


def train(example: str, output: Path | None = None, data: Path | None = None, on_epoch=None) -> Training:
    """Train an example from scratch and save it; report accuracy and calibration error.

    Without ``output`` this rewrites the bundled weights and example images in ``assets/``.

    With ``data`` (a folder of class sub-folders) there is no generated held-out set: the
    validation split is the measure.
    """
    ex = engine.get_example(example)
    folder = None
    if data is not None:
        folder = engine.datasets.image_folder(data, ex.load_image)
    net, _ = engine.train_example(example, data=folder, on_epoch=on_epoch)
    images = ()
    if output is None and folder is None:
        images = tuple(engine.examples.write_example_images(example, net))
    path = net.save(output if output is not None else ex.model_path)
    return Training(path, net.meta["validation"], net.meta.get("held_out"), images)
