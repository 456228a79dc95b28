"""The ReLU plan against the trace, for the bundled models, custom images and a model trained on a
user's own folder.

The stories (``STORIES``, ``story``) and the user's-folder models (``folder_model``) defined here
are shared by the plan and scene tests of the feature-map chapters (ReLU, max pooling, flatten,
dense)."""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

import engine
from engine import Dense, Network, datasets
from engine.images import save_image
from scenes.plans.colour import hex_to_rgb
from scenes.plans.numbers import fmt
from scenes.plans.relu import Flagged, dot_sentence, left_sentence, off_sentence, plan
from scenes.story import load_story

# A user's folder: class names of their own, a dozen drawings each (what `convreel train EXAMPLE
# --data DIR` reads), trained briefly, so the model is far less sure than the bundled ones.
FOLDERS = {"tick-cross": (("yes", "tick"), ("no", "cross")), "face": (("anna", "Countess"), ("ben", "Captain"))}
STORIES = ("tick-cross", "face", "tick-cross/custom", "face/custom", "tick-cross/folder", "face/folder")


@functools.cache
def workdir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="convreel-maps-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)  # built outside fixtures: removed at exit
    return path


@functools.cache
def folder_model(example: str, classes: tuple[tuple[str, str], ...] | None = None) -> Path:
    """A model trained on a small folder of a user's own images, as `convreel train` does:
    ``classes`` are (folder name, what its images show), by default ``FOLDERS[example]``."""
    ex = engine.get_example(example)
    rng = np.random.default_rng(5)
    classes = classes or FOLDERS[example]
    root = workdir() / f"{example}-data-{len(classes)}"
    for name, kind in classes:
        (root / name).mkdir(parents=True)
        for i in range(12):
            if example == "tick-cross":
                save_image(datasets.draw_tick_cross(kind, rng)[None], root / name / f"{i}.png", scale=10)
            else:
                save_image(datasets.draw_face(kind, rng), root / name / f"{i}.png")
    x, y, names = datasets.image_folder(root, ex.load_image)
    base = ex.build(np.random.default_rng(0))
    layers = base.layers[:-1] + [Dense(base.layers[-1].in_features, len(names), rng=np.random.default_rng(1))]
    net = Network(layers, names, base.input_scale, base.input_shape)
    engine.train(net, x, y, epochs=4, batch_size=8, lr=ex.recipe["lr"], seed=0)
    return net.save(workdir() / f"my-{example}-{len(names)}.npz")


@functools.cache
def custom_image(example: str) -> Path:
    """An image a user brings: a tick in blue pen on paper, or a photo-like portrait drawn here."""
    path = workdir() / f"my-{example}.png"
    if example == "tick-cross":
        img = Image.new("RGB", (600, 480), (250, 248, 240))
        ImageDraw.Draw(img).line([(170, 260), (260, 360), (430, 120)], fill=(20, 40, 160), width=38)
    else:
        img = Image.new("RGB", (360, 420), (96, 120, 150))  # a blue-grey backdrop
        d = ImageDraw.Draw(img)
        d.ellipse((70, 40, 290, 330), fill=(70, 45, 30))  # dark hair
        d.ellipse((105, 90, 255, 290), fill=(225, 180, 150))  # face
        d.ellipse((140, 160, 165, 180), fill=(40, 30, 30))  # eyes
        d.ellipse((195, 160, 220, 180), fill=(40, 30, 30))
        d.arc((145, 215, 215, 255), 20, 160, fill=(150, 60, 60), width=6)  # smile
        d.rectangle((120, 330, 240, 420), fill=(40, 60, 110))  # collar
        img = img.filter(ImageFilter.GaussianBlur(2))
    img.save(path)
    return path


@functools.cache
def story(name: str):
    """A story by name: "face", "face/custom" (a user's image) or "face/folder" (a user's image and a
    model trained on the user's folder; no label given, so the prediction is assumed)."""
    example, _, kind = name.partition("/")
    if kind == "custom":
        return load_story(example, custom_image(example))
    if kind == "folder":
        return load_story(example, custom_image(example), model=folder_model(example))
    return load_story(example)


@pytest.fixture(scope="module", params=STORIES)
def case(request):
    s = story(request.param)
    return s, plan(s)


def test_folder_models_are_a_users_own(case):
    s, _p = case
    if s.network.class_names != engine.get_example(s.example.name).class_names:
        assert s.network.class_names == tuple(sorted(n for n, _ in FOLDERS[s.example.name]))  # like ImageFolder
        assert s.trace.probabilities.max() < 0.99  # briefly trained: nothing like the bundled certainty


def test_before_and_after_are_the_trace(case):
    s, p = case
    step = s.trace.step("relu1")
    np.testing.assert_array_equal(p.before, step.input)
    np.testing.assert_array_equal(p.after, step.output)
    np.testing.assert_array_equal(p.off, step.input < 0)
    np.testing.assert_array_equal(p.after, np.where(p.off, 0.0, p.before))
    assert p.scale.vmax == pytest.approx(np.abs(step.input).max())
    assert (p.off_count, p.total) == (int(p.off.sum()), p.off.size)


def test_flagged_paints_the_negatives(case):
    _s, p = case
    rgb = p.flagged.rgb(p.before)
    np.testing.assert_array_equal(rgb[p.off], np.broadcast_to(hex_to_rgb(p.flagged.colour), rgb[p.off].shape))
    np.testing.assert_array_equal(rgb[~p.off], p.scale.rgb(p.before)[~p.off])
    assert isinstance(p.flagged, Flagged)


def test_patch_shows_both_signs_readably(case):
    _s, p = case
    f, r, c, n = p.patch
    patch = p.patch_of(p.before)
    np.testing.assert_array_equal(patch, p.before[f, r : r + n, c : c + n])
    if (p.before[f] < 0).any() and (p.before[f] > 0).any():
        assert (patch < 0).any() and (patch > 0).any(), "the zoom should show both signs"
    for v in np.concatenate([patch.ravel(), p.patch_of(p.after).ravel()]):
        assert len(p.text(v)) <= 4
    assert p.patch_cells_off() == [(int(a), int(b)) for a, b in zip(*np.nonzero(patch < 0))]


def test_dots_are_real_values_on_the_rule(case):
    _s, p = case
    assert len(p.dots) >= 3
    signs = set()
    for d in p.dots:
        assert d.value == p.before[d.map, d.row, d.col] and d.output == p.after[d.map, d.row, d.col]
        assert d.output == (0.0 if d.value < 0 else d.value)
        assert d.text == f"max(0, {fmt(d.value, p.decimals)}) = {fmt(d.output, p.decimals)}"
        assert fmt(d.value, p.decimals) != "0", "a dot that reads 0 shows nothing"
        assert d.sentence == dot_sentence(p.text(d.value), p.text(d.output), d.value < 0)
        assert ("writes 0" in d.sentence) == (d.value < 0)
        signs.add(np.sign(d.value))
    assert len({d.text for d in p.dots}) == len(p.dots)
    if (p.patch_of(p.before) < 0).any() and (p.patch_of(p.before) > 0).any():
        assert signs >= {-1.0, 1.0}
    assert max(abs(d.value) for d in p.dots) <= p.lim and float(p.lim).is_integer()


def test_sentences_follow_the_counts(case):
    s, p = case
    assert p.switch == off_sentence(p.off_count, p.total) and p.switched == left_sentence(p.off_count, p.total)
    assert f"{p.off_count} of the {p.total}" in p.switch
    relus = s.trace.steps_of("ReLU")
    if len(relus) > 1:
        second = relus[1].input < 0
        assert f"there {int(second.sum())} of {second.size} numbers switch off" in p.later
    else:
        assert p.later is None


def test_outcome_sentences_for_every_count():
    assert "changes nothing" in off_sentence(0, 10) and "unchanged" in left_sentence(0, 10)
    assert "every one of them" in off_sentence(10, 10) and "nothing is left" in left_sentence(10, 10)
    assert off_sentence(3, 10) == "3 of the 10 numbers (30%) are negative: all of them become 0 at once."
    assert "other 7 stay" in left_sentence(3, 10)


def test_names_count_from_one(case):
    _s, p = case
    assert p.names[0] == "map 1" and p.names[-1] == f"map {len(p.before)}"
    assert f"map {p.patch[0] + 1}:" in p.zoom
    for text in (p.intro, p.zoom, p.switch, p.switched, *(d.sentence for d in p.dots)):
        assert "map 0" not in text and "#" not in text
