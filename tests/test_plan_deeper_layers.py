"""The deeper-layers plan, and the receptive-field arithmetic it owns (moved from the engine)."""

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageOps

import engine
from engine.datasets import draw_face
from scenes.plans.colour import Diverging
from scenes.plans.deeper_layers import (
    DATASET_SEED,
    DATASET_SIZE,
    N_CHANNELS,
    N_PATCHES,
    dataset,
    plan,
    receptive_chain,
    receptive_field,
    top_patches,
)
from scenes.plans.terms import channel_sums, conv_terms
from scenes.story import load_story
from tests.test_plan_convolution import train_on_folder


@pytest.fixture(scope="module")
def net():
    return engine.load_model("face")


def run_until(net, x, layer):
    for name, lay in net.named_layers():
        x = lay.forward(x)
        if name == layer:
            return x
    raise KeyError(layer)


# -- receptive fields (from engine/experiments.py and tests/test_receptive_chain.py) -------------
def _depends_on(net, layer, r, c, channel=0):
    """Brute force: input pixels whose large change moves cell (r, c) of ``layer``."""
    x0 = np.random.default_rng(0).uniform(0, 1, net.input_shape) / net.input_scale
    base = net.trace(x0).step(layer).output[channel, r, c]
    _, h, w = net.input_shape
    hit = np.zeros((h, w), dtype=bool)
    for i in range(h):
        for j in range(w):
            for v in (-50.0, 50.0):
                x = x0.copy()
                x[:, i, j] += v / net.input_scale
                if any(net.trace(x).step(layer).output[ch, r, c] != base for ch in [channel]):
                    hit[i, j] = True
                    break
    return hit


def test_receptive_field_matches_brute_force(models):
    net = models["face"].copy()
    # All-positive weights keep every ReLU open, so a change anywhere in the field shows up.
    for layer in net.layers:
        if layer.params:
            layer.weight = np.abs(layer.weight) + 0.01
    for layer_name, r, c in [("conv2", 5, 6), ("pool2", 3, 3), ("conv1", 0, 0), ("pool2", 0, 6)]:
        t, lft, b, rt = receptive_field(net, layer_name, r, c)
        hit = _depends_on(net, layer_name, r, c)
        rows, cols = np.nonzero(hit)
        assert (rows.min(), cols.min(), rows.max(), cols.max()) == (t, lft, b, rt), layer_name
    # By hand: pool2 row 3 <- conv2 rows 6-7 <- pool1 rows 5-8 <- conv1 rows 10-17 <- input rows 9-18.
    assert receptive_field(net, "pool2", 3, 3) == (9, 9, 18, 18)


def test_top_patches(models):
    net = models["face"]
    x, _ = engine.get_example("face").generate(60, 3)
    top = top_patches(net, "relu2", 2, x, k=4)
    values = [p["value"] for p in top]
    assert values == sorted(values, reverse=True) and len({p["image"] for p in top}) == 4
    for p in top:
        tr = net.trace(x[p["image"]])
        assert tr.step("relu2").output[2, p["row"], p["col"]] == pytest.approx(p["value"])
        t, lft, b, rt = p["box"]
        np.testing.assert_array_equal(p["patch"], x[p["image"]][:, t : b + 1, lft : rt + 1])
    assert values[0] == pytest.approx(max(net.trace(img).step("relu2").output[2].max() for img in x))


def test_receptive_field_rejects_a_flat_layer(net):
    with pytest.raises(ValueError, match="no spatial receptive field"):
        receptive_field(net, "dense1", 0, 0)


def test_chain_of_a_middle_cell(net):
    chain = receptive_chain(net, "pool2", 3, 3)
    assert [lv.grid for lv in chain] == ["pool2", "relu2", "pool1", "relu1", "input"]
    assert [lv.size for lv in chain] == [(1, 1), (2, 2), (4, 4), (8, 8), (10, 10)]
    assert [lv.via for lv in chain] == [None, "pool2", "conv2", "pool1", "conv1"]
    assert [lv.shape for lv in chain] == [(7, 7), (14, 14), (14, 14), (28, 28), (28, 28)]
    assert chain[-1].box == receptive_field(net, "pool2", 3, 3) == (9, 9, 18, 18)


@pytest.mark.parametrize("layer", ["pool2", "relu2", "conv2", "pool1", "conv1"])
def test_last_box_is_receptive_field_everywhere(net, layer):
    h, w = run_until(net, np.zeros((1, 3, 28, 28)), layer).shape[2:]
    for r in range(h):
        for c in range(w):
            chain = receptive_chain(net, layer, r, c)
            assert chain[-1].box == receptive_field(net, layer, r, c)
            for lv in chain:  # clipped to each grid
                t, left, b, rt = lv.box
                assert 0 <= t <= b < lv.shape[0] and 0 <= left <= rt < lv.shape[1]


def test_input_outside_the_box_does_not_move_the_cell(net):
    """The box is the whole story: changing every pixel outside it leaves the deep cell unchanged,
    and changing pixels inside it changes it."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (1, 3, 28, 28))
    for r, c in [(3, 3), (0, 0), (6, 2)]:
        t, left, b, rt = receptive_chain(net, "pool2", r, c)[-1].box
        y = x.copy()
        outside = np.ones((28, 28), bool)
        outside[t : b + 1, left : rt + 1] = False
        y[:, :, outside] = rng.uniform(0, 255, (1, 3, int(outside.sum())))
        a = run_until(net, x * net.input_scale, "conv2")[0, :, :, :]
        z = run_until(net, y * net.input_scale, "conv2")[0, :, :, :]
        # conv2 before ReLU/pool: the cells of pool2 (r, c)'s window depend only on the box
        win = (slice(2 * r, 2 * r + 2), slice(2 * c, 2 * c + 2))
        np.testing.assert_allclose(a[:, win[0], win[1]], z[:, win[0], win[1]], atol=1e-12)
        y2 = x.copy()
        y2[:, :, t : b + 1, left : rt + 1] = rng.uniform(0, 255, (1, 3, b - t + 1, rt - left + 1))
        assert not np.allclose(
            run_until(net, y2 * net.input_scale, "conv2")[0][:, win[0], win[1]], a[:, win[0], win[1]]
        )


def test_corner_cell_is_clipped(net):
    chain = receptive_chain(net, "pool2", 0, 6)
    assert chain[-1].box == (0, 21, 6, 27)
    assert chain[1].box == (0, 12, 1, 13)


# -- the plan -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def mirrored(tmp_path_factory):
    """The shipped captain, mirrored, shifted and at another size: a portrait the network never saw."""
    img = Image.open(engine.get_example("face").image_path("captain")).convert("RGB")
    img = ImageChops.offset(ImageOps.mirror(img), img.width // 7, -img.height // 9).resize((64, 64))
    path = tmp_path_factory.mktemp("custom") / "mirrored_captain.png"
    img.save(path)
    return path


@pytest.fixture(scope="module")
def folder_model(tmp_path_factory):
    """A face model trained on a user's folder with classes of their own: bearded or not."""
    return train_on_folder(
        "face",
        tmp_path_factory.mktemp("folder"),
        {"beard": ["Captain"], "no beard": ["Countess", "Professor"]},
        draw_face,
    )


@pytest.fixture(scope="module")
def plans(mirrored, folder_model):
    return {
        "face": plan(load_story("face")),
        "custom": plan(load_story("face", mirrored)),
        "folder": plan(load_story("face", mirrored, model=folder_model)),
    }


@pytest.fixture(params=["face", "custom", "folder"])
def case(request, plans, mirrored, folder_model):
    story = {
        "face": lambda: load_story("face"),
        "custom": lambda: load_story("face", mirrored),
        "folder": lambda: load_story("face", mirrored, model=folder_model),
    }[request.param]()
    return plans[request.param], story


def test_the_chosen_cell_is_a_real_pool_winner(case):
    p, story = case
    pool, conv = story.trace.step("pool2"), story.trace.step("conv2")
    assert p.cell == tuple(int(v) for v in pool.winners[p.f, p.r, p.c])
    assert conv.output[p.f, p.cell[0], p.cell[1]] == pool.output[p.f, p.r, p.c]
    # the strongest pooled value among the cells whose receptive field is not clipped
    assert pool.output[p.f, p.r, p.c] == pool.output[:, 1:-1, 1:-1].max()


def test_one_cell_is_36_products_plus_bias(case):
    p, story = case
    t = conv_terms(story.trace, "conv2", p.f, *p.cell)
    assert p.terms.products.size == 36 == t.products.size
    np.testing.assert_array_equal(p.terms.products, t.products)
    np.testing.assert_allclose(p.sums, channel_sums(t))
    assert p.sums.sum() + p.terms.bias == pytest.approx(story.trace.step("conv2").output[p.f, *p.cell])
    assert np.abs(p.sums[p.open_channel]) == np.abs(p.sums).max()  # the map adding most is opened
    np.testing.assert_array_equal(p.low_maps, story.trace.step("pool1").output)


def test_colours_use_the_house_maps(case):
    p, story = case
    t = story.trace
    assert isinstance(p.weight_scale, Diverging) and isinstance(p.deep_scale, Diverging)
    assert p.low_scale.vmax == pytest.approx(np.abs(t.step("relu1").output).max())
    assert p.weight_scale.vmax == pytest.approx(max(np.abs(p.terms.weights).max(), np.abs(p.terms.products).max()))
    assert p.deep_scale.vmax == pytest.approx(np.abs(t.step("conv2").output).max())


def test_receptive_walk_and_its_words(case):
    p, story = case
    assert p.chain[-1].box == receptive_field(story.network, "pool2", p.r, p.c)
    assert [lv.size for lv in p.chain] == [(1, 1), (2, 2), (4, 4), (8, 8), (10, 10)]
    fr, fc = p.chain[3].box[:2]
    assert p.conv1_box == receptive_field(story.network, "conv1", fr, fc)
    assert p.growth == "Level by level the box grows: 1, 2, 4, 8 cells across, then 10 pixels on the photo."
    assert p.bigger.startswith("A first-layer cell sees 3 by 3 pixels. This deep cell sees 10 by 10: 11 times")


def test_favourite_patches_are_the_strongest(case):
    p, story = case
    images, labels = dataset("face")
    np.testing.assert_array_equal(images, engine.get_example("face").generate(DATASET_SIZE, DATASET_SEED)[0])
    assert [fav.channel for fav in p.favourites][0] == p.f and len({fav.channel for fav in p.favourites}) == N_CHANNELS
    peaks = story.trace.step("pool2").output.max(axis=(1, 2))
    others = [fav.channel for fav in p.favourites[1:]]
    assert sorted(peaks[others], reverse=True) == list(peaks[others])  # the next strongest maps here
    names = engine.get_example("face").class_names
    for fav in p.favourites:
        want = top_patches(story.network, "pool2", fav.channel, images, N_PATCHES)
        assert [(d["image"], d["row"], d["col"], d["box"]) for d in fav.patches] == [
            (d["image"], d["row"], d["col"], d["box"]) for d in want
        ]
        assert [d["value"] for d in fav.patches] == pytest.approx([d["value"] for d in want])
        classes = [names[labels[d["image"]]] for d in fav.patches]
        assert fav.count == classes.count(fav.suspect) == max(classes.count(c) for c in classes)
        assert fav.note == f"{fav.count} of {N_PATCHES}: {fav.suspect}"


def test_the_portraits_note_says_whose_model_it_is(plans):
    assert plans["face"].portraits_note == "from 300 portraits like the ones it learned from"
    assert plans["custom"].learned_from_these
    assert not plans["folder"].learned_from_these
    assert "not its own training images" in plans["folder"].portraits_note


def test_the_custom_image_is_its_own(plans):
    assert not np.array_equal(plans["custom"].image, plans["face"].image)
