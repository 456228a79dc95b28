"""The two bundled examples: their architecture, data, training recipe and shipped files."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from . import datasets
from .experiments import loss_curve
from .images import load_binary, load_rgb, save_image
from .layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU
from .network import ModelError, Network
from .train import History, evaluate, train


def _assets() -> Path:
    """The bundled weights and example images: ``$CONVREEL_ASSETS``; else the package data of an
    installed wheel (``engine/assets``, where the build puts the repository's ``assets/``); else
    the ``assets/`` folder of a source checkout."""
    if os.environ.get("CONVREEL_ASSETS"):
        return Path(os.environ["CONVREEL_ASSETS"])
    installed = Path(str(resources.files(__package__) / "assets"))
    return installed if installed.is_dir() else Path(__file__).resolve().parent.parent / "assets"


ASSETS = _assets()


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    class_names: tuple[str, ...]
    input_shape: tuple[int, int, int]
    input_scale: float
    build: Callable[[np.random.Generator], Network]
    generate: Callable[[int, int], tuple[np.ndarray, np.ndarray]]
    recipe: dict  # keyword arguments for ``train`` plus n (dataset size)
    lr_sweep: tuple[float, float, float]  # too small, good, too large: short runs for the training chapter

    @property
    def model_path(self) -> Path:
        return ASSETS / f"{self.name}.npz"

    @property
    def image_dir(self) -> Path:
        return ASSETS / "images" / self.name

    def image_path(self, class_name: str | None = None) -> Path:
        """The shipped example image of a class (default: the first class)."""
        return self.image_dir / f"{(class_name or self.class_names[0]).lower()}.png"

    def label_of(self, path: str | Path) -> str | None:
        """The class of a shipped example image, or None for any other file."""
        path = Path(path).resolve()
        for c in self.class_names:
            if self.image_path(c).resolve() == path:
                return c
        return None

    def load_image(self, path: str | Path) -> np.ndarray:
        """A user's image as this example's network input (see ``engine.images``)."""
        c, h, _ = self.input_shape
        return load_binary(path, h) if c == 1 else load_rgb(path, h)


def _tick_cross_net(rng: np.random.Generator) -> Network:
    n = datasets.TICK_CROSS_SIZE
    layers = [Conv2D(1, 2, 3, rng=rng), ReLU(), MaxPool2D(2, 2), Flatten(), Dense(2 * ((n - 2) // 2) ** 2, 2, rng=rng)]
    return Network(layers, datasets.TICK_CROSS_CLASSES, 1.0, (1, n, n), {"example": "tick-cross"})


def _face_net(rng: np.random.Generator) -> Network:
    n = datasets.FACE_SIZE
    layers = [
        Conv2D(3, 4, 3, padding=1, rng=rng),
        ReLU(),
        MaxPool2D(2, 2),
        Conv2D(4, 8, 3, padding=1, rng=rng),
        ReLU(),
        MaxPool2D(2, 2),
        Flatten(),
        Dense(8 * (n // 4) ** 2, 3, rng=rng),
    ]
    return Network(layers, datasets.FACE_CLASSES, 1 / 255, (3, n, n), {"example": "face"})


EXAMPLES: dict[str, Example] = {
    "tick-cross": Example(
        name="tick-cross",
        title="Tick or cross",
        class_names=datasets.TICK_CROSS_CLASSES,
        input_shape=(1, datasets.TICK_CROSS_SIZE, datasets.TICK_CROSS_SIZE),
        input_scale=1.0,
        build=_tick_cross_net,
        generate=datasets.tick_cross_dataset,
        recipe={"n": 4000, "epochs": 12, "batch_size": 32, "lr": 0.02, "momentum": 0.9, "seed": 1},
        lr_sweep=(0.0005, 0.02, 1.0),
    ),
    "face": Example(
        name="face",
        title="Which suspect?",
        class_names=datasets.FACE_CLASSES,
        input_shape=(3, datasets.FACE_SIZE, datasets.FACE_SIZE),
        input_scale=1 / 255,
        build=_face_net,
        generate=datasets.face_dataset,
        recipe={"n": 3000, "epochs": 10, "batch_size": 32, "lr": 0.005, "momentum": 0.9, "seed": 2},
        lr_sweep=(0.0002, 0.005, 0.1),
    ),
}
HELD_OUT_SEED = 12345
LR_SWEEP_STEPS = 150  # held-out test sets use a seed no training run uses


def get_example(name: str) -> Example:
    try:
        return EXAMPLES[name]
    except KeyError:
        raise ValueError(f"unknown example {name!r}; choose from {', '.join(EXAMPLES)}") from None


def load_model(name_or_path: str | Path) -> Network:
    """A bundled model by example name (``"tick-cross"``, ``"face"``) or a ``.npz`` weights file."""
    if isinstance(name_or_path, str) and name_or_path in EXAMPLES:
        path = EXAMPLES[name_or_path].model_path
        if not path.exists():
            raise ModelError(f"{path}: bundled weights missing; run `convreel train {name_or_path}`")
        return Network.load(path)
    return Network.load(name_or_path)


def train_example(
    name: str,
    data: tuple[np.ndarray, np.ndarray, tuple[str, ...]] | None = None,
    on_epoch=None,
    **overrides,
) -> tuple[Network, History]:
    """Train an example's network from scratch on generated data (or ``data``: x, y, classes).

    Keeps weight snapshots at every epoch and records the history in ``network.meta``.
    """
    ex = get_example(name)
    recipe = {**ex.recipe, **overrides}
    n = recipe.pop("n")
    rng = np.random.default_rng(recipe["seed"])
    net = ex.build(rng)
    if data is None:
        x, y = ex.generate(n, recipe["seed"])
        source = {"generator": name, "n": n, "seed": recipe["seed"]}
    else:
        x, y, classes = data
        if len(classes) != len(ex.class_names):
            net.layers[-1] = Dense(net.layers[-1].in_features, len(classes), rng=rng)
        net = Network(net.layers, classes, net.input_scale, net.input_shape, net.meta)
        source = {"folder": True, "n": len(x)}
    untrained = net.copy()
    history = train(net, x, y, snapshot_epochs=None, on_epoch=on_epoch, **recipe)
    # Short runs from the same starting weights with three learning rates, kept with the model so
    # the training chapter shows real curves without retraining.
    sweep = [loss_curve(untrained, x, y, lr, steps=LR_SWEEP_STEPS, seed=recipe["seed"]) for lr in ex.lr_sweep]
    net.meta.update({"history": history.to_dict(), "data": source, "lr_sweep": sweep})
    return net, history


def example_images(name: str, seed: int = 7) -> dict[str, np.ndarray]:
    """One clean (noise-free) drawing per class, the same every time, for ``assets/images``."""
    ex = get_example(name)
    rng = np.random.default_rng(seed)
    if name == "tick-cross":
        return {c: datasets.draw_tick_cross(c, rng, noise=0.0)[None] for c in ex.class_names}
    return {c: datasets.draw_face(c, rng) for c in ex.class_names}


def write_example_images(name: str) -> list[Path]:
    ex = get_example(name)
    scale = 20 if ex.input_shape[0] == 1 else 1
    return [save_image(img, ex.image_path(c), scale) for c, img in example_images(name).items()]


def held_out_accuracy(net: Network, name: str, n: int = 1000) -> float:
    x, y = get_example(name).generate(n, HELD_OUT_SEED)
    return evaluate(net, x, y)[1]
