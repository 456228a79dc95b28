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


def train(
    example: str, output: Path | None = None, data: Path | None = None, on_epoch=None
) -> tuple[Path, float | None]:
    """Train an example from scratch; return where the weights went and the held-out accuracy.

    Without ``output`` this rewrites the bundled weights and example images in ``assets/``.

    With ``data`` (a folder of class sub-folders) there is no generated held-out set, so the
    accuracy returned is None and the history's validation accuracy is the measure.
    """
    ex = engine.get_example(example)
    folder = None
    if data is not None:
        folder = engine.datasets.image_folder(data, ex.load_image)
    net, _ = engine.train_example(example, data=folder, on_epoch=on_epoch)
    accuracy = None if folder is not None else engine.held_out_accuracy(net, example)
    if accuracy is not None:
        net.meta["held_out_accuracy"] = accuracy
    if output is None:
        engine.examples.write_example_images(example)
    return net.save(output if output is not None else ex.model_path), accuracy
