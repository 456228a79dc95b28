"""The stride-and-padding plan: the variants, the counts and the verdicts it draws from them."""

import numpy as np
import pytest
from PIL import Image

import engine
from scenes.plans.colour import Diverging, Photo
from scenes.plans.pick import busiest_patch
from scenes.plans.stride_padding import coverage, plan, variant
from scenes.story import load_story
from tests.test_plan_convolution import draw_tick_or_cross, train_on_folder


def test_variant_is_conv2d_and_the_size_rule():
    rng = np.random.default_rng(0)
    patch, w, b = rng.normal(size=(3, 5, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    for s, p, expect in ((1, 0, 3), (2, 0, 2), (1, 1, 5), (2, 1, 3)):
        v = variant(patch, w, b, (0, 2), s, p)
        np.testing.assert_array_equal(v.output, engine.conv2d(patch[None], w[[0, 2]], b[[0, 2]], s, p)[0])
        assert v.size == expect == engine.output_size(5, 3, s, p)
        assert (v.given, v.kept) == (75, 2 * expect * expect)
        assert v.windows[0] == (-p, -p) and v.windows[1] == (-p, s - p) and len(v.windows) == expect**2
        assert v.rounded == ((5 + 2 * p - 3) % s != 0)
    assert variant(patch, w, b, (0,), 2, 0).rounded is False  # (5 - 3) / 2 = 1 exactly
    assert variant(np.zeros((3, 6, 6)), w, b, (0,), 2, 0).rounded is True  # (6 - 3) / 2 = 1.5 -> 1


def test_busiest_patch_finds_the_edges():
    x = np.zeros((1, 12, 12))
    x[0, 2:5, 7:10] = 1.0  # a small square: its edges are the only thing going on
    r, c = busiest_patch(x, 5)
    assert r <= 2 and r + 4 >= 4 and c <= 7 and c + 4 >= 9  # the window holds the whole square
    assert busiest_patch(np.zeros((1, 9, 9)), 5) == (2, 2)  # nothing anywhere: the centre


def test_coverage_counts_the_looks():
    v = variant(np.zeros((1, 5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1), (0,), 1, 0)
    seen = coverage(v)
    assert seen[0, 0] == 1 and seen[2, 2] == 9 and seen.sum() == 9 * 9  # 9 looks of 9 pixels
    padded = coverage(variant(np.zeros((1, 5, 5)), np.ones((1, 1, 3, 3)), np.zeros(1), (0,), 1, 1))
    assert padded[0, 0] == 4 and padded[2, 2] == 9


@pytest.fixture(scope="module")
def stories(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stride")
    rgb = np.array(Image.open(engine.get_example("face").image_path("Captain")).convert("RGB"))
    Image.fromarray(255 - np.roll(rgb, (3, -2), axis=(0, 1))).save(tmp / "odd.png")  # moved and inverted
    model = train_on_folder("tick-cross", tmp, {"yes": ["tick"], "no": ["cross"]}, draw_tick_or_cross)
    return {
        "tick-cross": load_story("tick-cross"),
        "face": load_story("face"),
        "custom": load_story("face", tmp / "odd.png"),
        "folder": load_story("tick-cross", engine.get_example("tick-cross").image_path("cross"), "no", model),
    }


@pytest.fixture(scope="module")
def plans(stories):
    return {k: plan(s) for k, s in stories.items()}


ALL = ["tick-cross", "face", "custom", "folder"]


@pytest.mark.parametrize("case", ALL)
def test_patch_and_variants(plans, stories, case):
    p, tr = plans[case], stories[case].trace
    r0, c0 = p.patch_at
    assert (r0, c0) == busiest_patch(tr.input, 5)
    np.testing.assert_array_equal(p.patch, tr.input[:, r0 : r0 + 5, c0 : c0 + 5])
    np.testing.assert_array_equal(p.patch_image, tr.image[:, r0 : r0 + 5, c0 : c0 + 5])
    w, b = tr.step("conv1").params["weight"], tr.step("conv1").params["bias"]
    expected = [(1, 0, (0, 1)), (2, 0, (0, 1)), (1, 1, (0, 1))]
    if w.shape[0] > 2:
        expected.append((1, 1, (0, 1, 2)))
    assert [(v.stride, v.padding, v.filters) for v in p.variants] == expected
    for v in p.variants:
        out = engine.conv2d(p.patch[None], w[list(v.filters)], b[list(v.filters)], v.stride, v.padding)[0]
        np.testing.assert_allclose(v.output, out, rtol=1e-12, atol=1e-12)
    assert p.map_scale == Diverging.for_values(*[v.output for v in p.variants])
    assert p.weight_scale == Diverging.for_values(w[list(p.filters)])
    assert p.patch_scale == (Photo() if p.photo else Diverging(1.0))


@pytest.mark.parametrize("case", ALL)
def test_counts_and_verdicts(plans, case):
    p = plans[case]
    c = p.patch.shape[0]
    given = 5 * 5 * c
    counts = [18, 8, 50, 75] if c == 3 else [18, 8, 50]
    assert [v.kept for v in p.variants] == counts and all(v.given == given for v in p.variants)
    assert p.corner_looks == 1 and p.centre_looks == 9
    assert p.lost == "Quicker, but only 8 numbers survive, not 18: clues can fall between the jumps."
    assert p.padded_note == "2 maps now keep 50 numbers, 32 more than without the tape."
    if c == 3:
        assert p.more.startswith("Want every clue kept? Add a glass: with filter 3, 3 maps of 5 × 5 make 75")
        assert p.more.endswith("as many numbers as came in.")
    else:
        assert "just 2 glasses" in p.more and "hold 50 numbers, more than the 25 that came in" in p.more


@pytest.mark.parametrize("case", ALL)
def test_the_real_layer(plans, stories, case):
    p, tr = plans[case], stories[case].trace
    conv = tr.step("conv1")
    assert p.real.size == conv.output.shape[1] == engine.output_size(conv.input.shape[1], 3, 1, p.real.padding)
    assert p.real.output_shape == conv.output.shape and p.real.input_shape == conv.input.shape
    if conv.output.shape[1:] == conv.input.shape[1:]:
        assert p.real.verdict == "so the picture keeps its size"
    else:
        assert p.real.verdict == f"so the picture shrinks from {conv.input.shape[1]} to {conv.output.shape[1]} across"
