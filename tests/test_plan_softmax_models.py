"""Models, images and traces the softmax, loss and overview tests share, so that every chapter is
tested on more than the bundled models: a bundled model made less sure (its last layer's scores
divided by a temperature, as a calibrated model would be), models trained on a user's folder of
images with their own class names (four classes for the face network), a drawn photo-like face and
traces with chosen scores (unsure, close, so large that e^z overflows). The tests of this file check
that these stand-ins are what they claim to be."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

import engine
from engine import datasets
from engine import examples as engine_examples
from engine import functional as F
from engine.images import save_image
from scenes.story import Story, load_story

# The user's classes: (folder name, what is drawn in it, transform). The face folder has a fourth
# suspect: the Captain mirrored with red and blue swapped.
FOLDERS = {
    "tick-cross": (("yes", "tick", None), ("no", "cross", None)),
    "face": (("amber", "Countess", None), ("basil", "Professor", None), ("cyrus", "Captain", None),
             ("dora", "Captain", "swap")),
}  # fmt: skip
PER_CLASS = 16  # at least 32 images: train_example's learning-rate sweep draws batches of 32 without replacement
TEMPERATURE = {"tick-cross": 4.0, "face": 5.0}


def soft_model(base: Path, example: str) -> Path:
    """The bundled model with its scores divided by a temperature: right as often, far less sure."""
    path = base / f"{example}-soft.npz"
    if not path.exists():
        net = engine.load_model(example)
        state = net.state_dict()
        name = net.names[-1]
        for key in ("weight", "bias"):
            state[f"{name}.{key}"] = state[f"{name}.{key}"] / TEMPERATURE[example]
        net.copy_with(state).save(path)
    return path


def user_folder(base: Path, example: str) -> Path:
    """A user's folder of images: one sub-folder per class, PER_CLASS PNGs each."""
    root = base / f"{example}-folder"
    if root.exists():
        return root
    rng = np.random.default_rng(11)
    for folder, drawn, change in FOLDERS[example]:
        for i in range(PER_CLASS):
            if example == "tick-cross":
                img = datasets.draw_tick_cross(drawn, rng)[None]
                scale = 20
            else:
                img = datasets.draw_face(drawn, rng)
                if change == "swap":
                    img = img[::-1, :, ::-1]
                scale = 4
            save_image(img, root / folder / f"{i:02d}.png", scale)
    return root


def folder_model(base: Path, example: str) -> Path:
    """A model trained with ``engine.train_example(example, data=...)`` on ``user_folder``: a few
    epochs, and the learning-rate sweep it keeps for the training chapter cut to two steps (this
    file's chapters never show it)."""
    path = base / f"{example}-folder.npz"
    if not path.exists():
        ex = engine.get_example(example)
        data = datasets.image_folder(user_folder(base, example), ex.load_image)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(engine_examples, "LR_SWEEP_STEPS", 2)
            net, _history = engine.train_example(example, data=data, epochs=6, batch_size=8, n=len(data[0]))
        net.save(path)
    return path


def drawn_face(base: Path) -> Path:
    """A photo-like portrait drawn with Pillow: a wall with a gradient, a face, dark hair, eyes and
    a mouth, soft edges and sensor noise. Nothing like the shipped suspects."""
    path = base / "drawn face.png"
    if not path.exists():
        size = 320
        yy = np.linspace(0, 1, size)[:, None]
        wall = np.stack([120 + 60 * yy + 0 * yy.T, 140 + 30 * yy + 0 * yy.T, 90 + 20 * yy + 0 * yy.T], axis=-1)
        img = Image.fromarray(np.clip(wall, 0, 255).astype(np.uint8), "RGB")
        d = ImageDraw.Draw(img)
        d.ellipse([70, 30, 250, 250], fill=(60, 40, 30))  # hair
        d.ellipse([95, 70, 225, 250], fill=(225, 180, 150))  # face
        d.rectangle([125, 240, 195, 320], fill=(215, 170, 140))  # neck
        d.ellipse([122, 135, 146, 152], fill=(40, 60, 90))
        d.ellipse([174, 135, 198, 152], fill=(40, 60, 90))
        d.arc([130, 180, 190, 215], 20, 160, fill=(150, 50, 60), width=6)
        img = img.filter(ImageFilter.GaussianBlur(2))
        noise = np.random.default_rng(5).normal(0, 6, (size, size, 3))
        Image.fromarray(np.clip(np.asarray(img) + noise, 0, 255).astype(np.uint8)).save(path)
    return path


def with_scores(story: Story, logits, label: int | None = None, names: tuple[str, ...] | None = None) -> Story:
    """``story`` with chosen scores (and class names): the last layer's output, probabilities,
    prediction and loss follow."""
    z = np.asarray(logits, dtype=np.float64)
    tr = story.trace
    last = dataclasses.replace(tr.steps[-1], output=z)
    names = names or tr.class_names
    label = tr.label if label is None else label
    p = F.softmax(z)
    dlogits = p.copy()
    dlogits[label] -= 1
    trace = dataclasses.replace(
        tr, steps=(*tr.steps[:-1], last), class_names=names, logits=z, probabilities=p,
        prediction=int(np.argmax(z)), label=label, loss=float(-F.log_softmax(z)[label]), dlogits=dlogits,
    )  # fmt: skip
    return dataclasses.replace(story, trace=trace)


def synthetic(example: str = "face") -> dict[str, Story]:
    """Traces with chosen scores: each makes a chapter take another road."""
    face = load_story(example)
    return {
        # e^z is inf: subtract the max first
        "overflow": with_scores(face, face.trace.logits * 800 / np.abs(face.trace.logits).max()),
        "huge": with_scores(face, [50.0, 49.5, 10.0]),  # finite but 22 digits; a lead of 0.5
        "unsure": with_scores(face, [0.3, 0.1, 0.2]),
        "unsure-wrong": with_scores(face, [0.3, 0.1, 0.2], label=2),
        "positive": with_scores(face, [3.2, 1.1, 0.4]),
        "negative": with_scores(face, [-1.0, -3.0, -2.5]),  # the largest score is below 0
        "five": with_scores(face, [2.0, 0.5, -1.0, 1.2, -0.3], label=3, names=("ant", "bee", "cat", "dog", "eel")),
        "sure-wrong": with_scores(face, [4.0, -2.0, 0.0], label=1),
    }


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.getbasetemp() / "probs-models"
    path.mkdir(exist_ok=True)
    return path


@pytest.mark.parametrize("example", ["tick-cross", "face"])
def test_soft_model_is_as_right_and_less_sure(base, example):
    ex = engine.get_example(example)
    net, soft = engine.load_model(example), engine.load_model(soft_model(base, example))
    for c in ex.class_names:
        x = ex.load_image(ex.image_path(c))
        a, b = net.trace(x), soft.trace(x)
        assert a.prediction == b.prediction
        assert b.probabilities.max() < a.probabilities.max()
        np.testing.assert_allclose(b.logits, a.logits / TEMPERATURE[example])


@pytest.mark.parametrize("example", ["tick-cross", "face"])
def test_folder_model_has_the_users_classes(base, example):
    net = engine.load_model(folder_model(base, example))
    assert net.class_names == tuple(sorted(f for f, _d, _c in FOLDERS[example]))
    assert net.meta["data"]["folder"] is True
    ex = engine.get_example(example)
    x, y, _classes = datasets.image_folder(user_folder(base, example), ex.load_image)
    assert engine.evaluate(net, x, y)[1] > 1 / len(net.class_names)  # it learned something


def test_drawn_face_and_chosen_scores(base):
    story = load_story("face", image=drawn_face(base))
    assert story.custom_image and story.label_assumed
    s = synthetic()
    with np.errstate(over="ignore"):
        assert not np.isfinite(np.exp(s["overflow"].trace.logits)).all()
    five = s["five"].trace
    assert five.class_names[five.label] == "dog" and five.predicted_class == "ant"
    assert five.loss == pytest.approx(-np.log(five.probabilities[3]))


def stories(base: Path, custom_tick: Path) -> dict[str, Story]:
    """Every road the chapters can take: bundled, less sure, trained on a folder, custom images, a
    wrong label, and chosen scores."""
    face_root = user_folder(base, "face")
    return {
        "tick-cross": load_story("tick-cross"),
        "face": load_story("face"),
        "face-wrong": load_story("face", label="Captain"),
        "tick-wrong": load_story("tick-cross", label="cross"),
        "face-soft": load_story("face", model=soft_model(base, "face")),
        "tick-soft-wrong": load_story("tick-cross", label="cross", model=soft_model(base, "tick-cross")),
        "face-folder": load_story("face", image=face_root / "basil" / "00.png", label="basil",
                                  model=folder_model(base, "face")),
        "tick-folder": load_story("tick-cross", image=custom_tick, label="yes", model=folder_model(base, "tick-cross")),
        "drawn-face": load_story("face", image=drawn_face(base)),
        "custom-tick": load_story("tick-cross", image=custom_tick),
        **synthetic(),
    }  # fmt: skip
