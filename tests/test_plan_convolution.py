"""The convolution plan: the explained positions, the colour scales and the match it claims."""

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

import engine
from engine.datasets import draw_tick_cross, image_folder
from engine.images import save_image
from scenes.plans.colour import Channel, Diverging, Photo
from scenes.plans.convolution import EXPLAINED, FILTER, best_match, plan
from scenes.plans.numbers import fmt
from scenes.plans.terms import channel_sums, conv_terms, match_map
from scenes.story import load_story


def train_on_folder(example: str, folder, per_class: dict, draw, epochs: int = 3):
    """What a user does with `convreel train EXAMPLE --data DIR -o my.npz`: a folder of their own
    classes, trained briefly (the learning-rate runs kept with the model are cut short: no chapter
    of this test shows them). ``per_class``: class name -> what ``draw(what, rng)`` draws for it."""
    rng = np.random.default_rng(11)
    for cls, kinds in per_class.items():
        for i in range(18):
            save_image(draw(kinds[i % len(kinds)], rng), folder / "data" / cls / f"{i}.png")
    x, y, classes = image_folder(folder / "data", engine.get_example(example).load_image)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(engine.examples, "LR_SWEEP_STEPS", 3)
        network, _ = engine.train_example(example, data=(x, y, classes), epochs=epochs)
    return network.save(folder / "my.npz")


def draw_photo_face(path):
    """A photo-like portrait drawn with Pillow (lit backdrop, hair, shaded face, eyes, mouth, blur and
    sensor noise), larger than the network's input and not square: nothing like the shipped ones."""
    h, w = 300, 240
    y, x = np.mgrid[0:h, 0:w]
    backdrop = np.stack([90 + 60 * x / w, 120 + 40 * y / h, 170 - 40 * x / w], axis=-1)
    img = Image.fromarray(backdrop.astype(np.uint8))
    d = ImageDraw.Draw(img)
    d.ellipse((40, 20, 200, 210), fill=(70, 45, 30))  # hair
    d.rectangle((95, 200, 145, 300), fill=(215, 170, 140))  # neck
    d.ellipse((62, 52, 178, 232), fill=(232, 188, 158))  # face
    d.ellipse((70, 120, 120, 220), fill=(215, 168, 138))  # shadow on one cheek
    for cx in (98, 142):
        d.ellipse((cx - 10, 112, cx + 10, 128), fill=(245, 245, 245))
        d.ellipse((cx - 5, 115, cx + 5, 125), fill=(40, 50, 80))
    d.arc((95, 160, 145, 200), 20, 160, fill=(150, 60, 60), width=5)
    img = img.filter(ImageFilter.GaussianBlur(1.5))
    noisy = np.asarray(img, dtype=np.float64) + np.random.default_rng(3).normal(0, 6, (h, w, 3))
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(path)
    return path


def draw_tick_or_cross(kind, rng):
    return draw_tick_cross(kind, rng)[None]


@pytest.fixture(scope="module")
def drawn_cross(tmp_path_factory):
    """A hand-drawn cross, off centre: not one of the shipped images."""
    img = Image.new("L", (120, 120), 255)
    draw = ImageDraw.Draw(img)
    draw.line((10, 20, 80, 100), fill=0, width=12)
    draw.line((80, 20, 10, 100), fill=0, width=12)
    path = tmp_path_factory.mktemp("custom") / "my-cross.png"
    img.save(path)
    return path


@pytest.fixture(scope="module")
def folder_model(tmp_path_factory):
    """A tick-cross model trained on a user's folder of their own classes."""
    folder = tmp_path_factory.mktemp("folder")
    return train_on_folder("tick-cross", folder, {"ticks": ["tick"], "crosses": ["cross"]}, draw_tick_or_cross)


@pytest.fixture(scope="module")
def stories(drawn_cross, custom_tick, folder_model):
    return {
        "tick-cross": load_story("tick-cross"),
        "face": load_story("face"),
        "cross": load_story("tick-cross", drawn_cross),
        "pen tick": load_story("tick-cross", custom_tick),
        "folder": load_story("tick-cross", drawn_cross, model=folder_model),
    }


@pytest.fixture(scope="module")
def plans(stories):
    return {name: plan(s) for name, s in stories.items()}


CASES = ["tick-cross", "face", "cross", "pen tick", "folder"]


@pytest.mark.parametrize("case", CASES)
def test_explained_positions_are_conv_terms(plans, stories, case):
    p, tr = plans[case], stories[case].trace
    step = tr.step("conv1")
    assert [(q.terms.row, q.terms.col) for q in p.positions] == [(0, 0), (0, 1), (0, 2)][:EXPLAINED]
    for q in p.positions:
        t = conv_terms(tr, "conv1", FILTER, q.terms.row, q.terms.col)
        np.testing.assert_array_equal(q.terms.products, t.products)
        np.testing.assert_allclose(q.sums, channel_sums(t))
        assert q.sums.sum() + q.terms.bias == pytest.approx(step.output[FILTER, t.row, t.col])
    np.testing.assert_array_equal(p.maps, step.output)
    np.testing.assert_array_equal(p.weights, step.params["weight"])
    # the channel shown in full is the one adding most over the explained positions
    weight = sum(np.abs(q.sums) for q in p.positions)
    assert weight[p.open_channel] == weight.max()


@pytest.mark.parametrize("case", CASES)
def test_scales(plans, stories, case):
    p, tr = plans[case], stories[case].trace
    step = tr.step("conv1")
    assert p.map_scale == Diverging.for_values(step.output)
    assert p.weight_scale == Diverging.for_values(step.params["weight"], *[q.terms.products for q in p.positions])
    if p.photo:
        assert p.picture_scale == Photo() and p.channel_names == ("R", "G", "B")
        assert all(isinstance(s, Channel) and s.top == pytest.approx(1.0) for s in p.input_scales)
    else:
        assert p.input_scales == (Diverging(1.0),) and p.picture_scale == Diverging(1.0)


def test_face_padding(plans):
    p = plans["face"]
    first = p.positions[0]
    assert first.terms.top == -1 and first.terms.left == -1
    np.testing.assert_array_equal(first.terms.patch[:, 0, :], 0)
    assert [q.padded for q in p.positions] == [5, 3, 3]  # the corner, then the top edge
    np.testing.assert_array_equal(p.positions[0].in_padding, [[1, 1, 1], [1, 0, 0], [1, 0, 0]])
    np.testing.assert_array_equal(p.positions[1].in_padding, [[1, 1, 1], [0, 0, 0], [0, 0, 0]])
    assert p.window(0) == (-1, -1) and p.window(29) == (0, 0)


def test_drawings_have_no_padding(plans):
    assert all(q.padded == 0 for q in plans["tick-cross"].positions)
    assert plans["tick-cross"].window(11) == (1, 1)


@pytest.mark.parametrize("case", CASES)
def test_strongest_cell(plans, case):
    p = plans[case]
    r, c = p.strongest
    assert p.map[r, c] == p.map.max()


def check_claim(m, tr):
    """The match plan of ``tr`` holds the best spot of the match map and a claim true to it."""
    mm = match_map(tr, "conv1")[FILTER]
    np.testing.assert_array_equal(m.map, mm)
    r, c = m.cell
    assert mm[r, c] == mm.max() and (r, c) == np.unravel_index(np.argmax(mm), mm.shape)
    t = conv_terms(tr, "conv1", FILTER, r, c)
    assert m.terms.match == pytest.approx(mm[r, c])
    assert m.weight_total == pytest.approx(np.abs(tr.step("conv1").params["weight"][FILTER]).sum())
    assert m.terms.total / m.weight_total == pytest.approx(mm[r, c])
    # a pixel agrees when it has its weight's sign; all agree exactly when the match is 1
    np.testing.assert_array_equal(m.agree, t.patch[0] * np.sign(t.weights[0]) > 0)
    np.testing.assert_array_equal(m.signs, np.sign(t.weights[0]))
    assert m.perfect == bool(m.agree.all()) == bool(np.isclose(mm[r, c], 1.0))
    if m.perfect:
        assert m.tag == "1 = perfect match"
        assert m.claim.startswith("The best spot scores 1: all 9 pixels") and "perfect match" in m.claim
    else:
        assert m.tag == f"best match: {fmt(mm[r, c])}"
        assert m.claim.startswith(f"The best spot scores {fmt(mm[r, c])}: {int(m.agree.sum())} of the 9 pixels")
        assert "Only all 9 would score 1" in m.claim


@pytest.mark.parametrize("case", ["tick-cross", "cross", "pen tick", "folder"])
def test_match_claim_follows_the_numbers(plans, stories, case):
    check_claim(plans[case].match, stories[case].trace)


def painted(story):
    """The shipped tick with the first filter's pattern painted at its best spot (each pixel +1 or -1,
    the sign of its weight), and that spot."""
    tr = story.trace
    r, c = best_match(tr, "conv1", FILTER).cell
    x = np.array(tr.input)
    x[0, r : r + 3, c : c + 3] = np.where(tr.step("conv1").params["weight"][FILTER, 0] >= 0, 1.0, -1.0)
    return x, (r, c)


def test_the_shipped_tick_and_its_best_spot(stories, plans):
    tr = stories["tick-cross"].trace
    m = plans["tick-cross"].match
    check_claim(m, tr)
    assert m.tag == f"best match: {fmt(m.terms.match)}" and not m.perfect  # 7 of 9 agree: 0.90


def test_perfect_match_only_when_the_patch_is_the_pattern(stories):
    net = stories["tick-cross"].network
    x, cell = painted(stories["tick-cross"])
    tr = net.trace(x)
    m = best_match(tr, "conv1", FILTER)
    check_claim(m, tr)
    assert m.perfect and m.cell == cell and m.tag == "1 = perfect match"


def test_a_patch_that_is_not_the_pattern_is_not_perfect(stories):
    """Flip the pixel under the heaviest weight at the perfect spot: that spot no longer scores 1,
    and the claim (about whichever spot is now best) still follows the numbers."""
    net = stories["tick-cross"].network
    x, (r, c) = painted(stories["tick-cross"])
    m = best_match(net.trace(x), "conv1", FILTER)
    dr, dc = np.unravel_index(np.argmax(np.abs(m.terms.weights[0])), (3, 3))
    x[0, r + dr, c + dc] *= -1
    other = net.trace(x)
    m2 = best_match(other, "conv1", FILTER)
    assert match_map(other, "conv1")[FILTER][r, c] < 1 - 1e-6
    check_claim(m2, other)
    if m2.cell == (r, c):
        assert not m2.perfect and "8 of the 9 pixels" in m2.claim


def test_face_has_no_match(plans):
    assert plans["face"].match is None
