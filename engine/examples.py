"""The two bundled examples: their architecture, data, training recipe and shipped files."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from . import datasets
from .images import load_binary, load_rgb, save_image
from .layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU
from .network import ModelError, Network
from .train import History, calibration, evaluate, loss_curve, predict_proba, split, train


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
    recipe: dict  # keyword arguments for ``train`` plus n (dataset size) and augment (extra drawings)

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
        recipe={
            "n": 4000,
            "epochs": 12,
            "batch_size": 32,
            "lr": 0.02,
            "momentum": 0.9,
            "seed": 1,
            "label_smoothing": 0.1,
            # As many drawings again, made like users' photos of their own: smaller, thinner, by a
            # less steady hand, shrunk and thresholded by the image loader (see README).
            "augment": {
                "n": 4000,
                "extent": [0.35, 0.85],
                "width": [0.5, 1.6],
                "jitter": 0.06,
                "noise": 0.0,
                "photo": True,
            },
        },
    ),
    "face": Example(
        name="face",
        title="Which suspect?",
        class_names=datasets.FACE_CLASSES,
        input_shape=(3, datasets.FACE_SIZE, datasets.FACE_SIZE),
        input_scale=1 / 255,
        build=_face_net,
        generate=datasets.face_dataset,
        recipe={
            "n": 3000,
            "epochs": 10,
            "batch_size": 32,
            "lr": 0.005,
            "momentum": 0.9,
            "seed": 2,
            "label_smoothing": 0.05,
        },
    ),
}
HELD_OUT_SEED = 12345  # held-out test sets use a seed no training run uses
AUGMENT_SEED = 1000  # augmented drawings are drawn with the recipe's seed + this
# The learning-rate runs: candidates lr * 4**k for k = -3..3 around the recipe's rate, 150 steps each.
LR_SWEEP_STEPS = 150
LR_GRID_FACTOR = 4
LR_GRID_SPAN = 3
VISIBLE_REBOUND = 0.25  # a climb back by a quarter of the starting loss shows on any plot
CLEARLY_SLOWER = 0.5  # a crawl loses at most half as much loss as the best run in the same steps


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

    Keeps weight snapshots at every epoch and records in ``network.meta`` the recipe, the history,
    the learning-rate runs, accuracy and calibration error on the validation split
    (``"validation"``) and, for generated data, on the held-out set (``"held_out"``,
    ``"held_out_accuracy"``).
    """
    ex = get_example(name)
    recipe = {**ex.recipe, **overrides}
    kwargs = {k: v for k, v in recipe.items() if k not in ("n", "augment")}
    n, augment, seed = recipe["n"], recipe.get("augment"), recipe["seed"]
    rng = np.random.default_rng(seed)
    net = ex.build(rng)
    if data is None:
        x, y = ex.generate(n, seed)
        source = {"generator": name, "n": n, "seed": seed}
        if augment:
            style = {k: v for k, v in augment.items() if k != "n"}
            xa, ya = ex.generate(augment["n"], seed + AUGMENT_SEED, **style)
            x, y = np.concatenate([x, xa]), np.concatenate([y, ya])
            source["augment"] = {**augment, "seed": seed + AUGMENT_SEED}
    else:
        x, y, classes = data
        if len(classes) != len(ex.class_names):
            net.layers[-1] = Dense(net.layers[-1].in_features, len(classes), rng=rng)
        net = Network(net.layers, classes, net.input_scale, net.input_shape, net.meta)
        source = {"folder": True, "n": len(x)}
    untrained = net.copy()
    history = train(net, x, y, snapshot_epochs=None, on_epoch=on_epoch, **kwargs)
    # Short runs from the same starting weights, kept with the model so the training chapter shows
    # real curves without retraining: three rates chosen by what their runs did on this data.
    sweep, search = learning_rate_runs(
        untrained, x, y, recipe["lr"], seed, recipe["momentum"], recipe.get("label_smoothing", 0.0)
    )
    _, _, x_val, y_val = split(x, y, history.config["val_fraction"], seed)
    net.meta.update(
        {
            "history": history.to_dict(),
            "data": source,
            "recipe": recipe,
            "validation": calibration(net, x_val, y_val),
            "lr_sweep": sweep,
            "lr_search": search,
        }
    )
    if data is None:
        held_out = calibration(net, *held_out_set(name))
        net.meta.update({"held_out": held_out, "held_out_accuracy": held_out["accuracy"]})
    return net, history


def unsteady(run: dict) -> bool:
    """Whether a learning-rate run visibly failed to settle: it diverged, climbed above its start,
    or climbed back by a visible share of its starting loss."""
    return run["diverged"] or run["rose_above_start"] or run["rebound"] >= VISIBLE_REBOUND * run["start"]


def learning_rate_runs(
    network: Network,
    x: np.ndarray,
    y: np.ndarray,
    lr: float,
    seed: int,
    momentum: float = 0.9,
    label_smoothing: float = 0.0,
    steps: int = LR_SWEEP_STEPS,
) -> tuple[list[dict], dict]:
    """Three learning rates for the training chapter, chosen by measuring.

    Runs ``loss_curve`` from ``network``'s weights on the same batches for every rate of the grid
    lr * 4**k (k = -3..3), then picks, in increasing order of rate:

    - the best: the lowest ``final`` loss among runs that did not diverge;
    - a crawl: the largest rate below the best whose loss fell at most half as far as the best's
      (if none did, the smallest rate tried);
    - an unsteady rate: the smallest rate above the best whose run diverged, rose above its start
      or climbed back visibly (``unsteady``); if none did, the largest rate tried.

    Returns the three runs (curves and facts) and the search record: the grid, every run's facts,
    the indices chosen, and whether a crawl and an unsteady rate were found.
    """
    grid = [lr * float(LR_GRID_FACTOR) ** k for k in range(-LR_GRID_SPAN, LR_GRID_SPAN + 1)]
    runs = [
        loss_curve(network, x, y, r, steps, seed=seed, momentum=momentum, label_smoothing=label_smoothing) for r in grid
    ]
    stable = [i for i, r in enumerate(runs) if not r["diverged"]] or [0]
    best = min(stable, key=lambda i: runs[i]["final"])
    drop = runs[best]["start"] - runs[best]["final"]
    slow = [i for i in range(best) if runs[i]["start"] - runs[i]["final"] <= CLEARLY_SLOWER * drop]
    wild = [i for i in range(best + 1, len(runs)) if unsteady(runs[i])]
    chosen = [slow[-1] if slow else 0, best, wild[0] if wild else len(runs) - 1]
    search = {
        "grid": grid,
        "steps": steps,
        "runs": [{k: v for k, v in r.items() if k != "losses"} for r in runs],
        "chosen": chosen,
        "crawl_found": bool(slow),
        "unsteady_found": bool(wild),
        "clearly_slower": CLEARLY_SLOWER,
        "visible_rebound": VISIBLE_REBOUND,
    }
    return [runs[i] for i in chosen], search


# Shipped example images must read as plain decimals: a clear but not certain top class.
TYPICAL_TOP = (0.85, 0.99)
TYPICAL_FLOOR = 0.001


def _clean_drawing(name: str, class_name: str, rng: np.random.Generator) -> np.ndarray:
    if name == "tick-cross":
        return datasets.draw_tick_cross(class_name, rng, noise=0.0)[None]
    return datasets.draw_face(class_name, rng)


def candidate_images(name: str, seed: int = 7, per_class: int = 25) -> dict[str, np.ndarray]:
    """A seeded batch of drawings per class, (per_class, C, H, W) each: ticks and crosses without
    pixel noise, portraits as the generator draws them."""
    rng = np.random.default_rng(seed)
    classes = get_example(name).class_names
    return {c: np.stack([_clean_drawing(name, c, rng) for _ in range(per_class)]) for c in classes}


def example_images(
    name: str, network: Network | None = None, seed: int = 7, per_class: int = 25
) -> dict[str, np.ndarray]:
    """One typical drawing per class for ``assets/images``, chosen by a rule, the same every time.

    Per class, a seeded batch of clean drawings; keep those ``network`` (default: the bundled
    model) classifies right with a top probability in ``TYPICAL_TOP`` and no class below
    ``TYPICAL_FLOOR``, and of those take the one whose probability is nearest the median of the
    whole batch (ties: the earlier drawing). If none qualifies, the nearest to the median among all.
    """
    network = network if network is not None else load_model(name)
    out = {}
    for k, (c, batch) in enumerate(candidate_images(name, seed, per_class).items()):
        p = predict_proba(network, batch)
        own = p[:, k]
        ok = (p.argmax(axis=1) == k) & (TYPICAL_TOP[0] <= own) & (own <= TYPICAL_TOP[1])
        ok &= p.min(axis=1) >= TYPICAL_FLOOR
        pool = np.flatnonzero(ok) if ok.any() else np.arange(len(batch))
        distance = np.abs(own[pool] - np.median(own))
        out[c] = batch[pool[np.argmin(distance)]]
    return out


def write_example_images(name: str, network: Network) -> list[Path]:
    """Write ``example_images`` to ``assets/images/<example>/<class>.png`` (drawings enlarged 20x
    with nearest-neighbour, so the loader recovers the exact pixels)."""
    ex = get_example(name)
    scale = 20 if ex.input_shape[0] == 1 else 1
    return [save_image(img, ex.image_path(c), scale) for c, img in example_images(name, network).items()]


def held_out_set(name: str, n: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """The example's test set: ``n`` drawings from a seed no training run uses."""
    return get_example(name).generate(n, HELD_OUT_SEED)


def held_out_accuracy(net: Network, name: str, n: int = 1000) -> float:
    x, y = held_out_set(name, n)
    return evaluate(net, x, y)[1]
