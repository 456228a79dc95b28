import numpy as np
import pytest
from PIL import Image, ImageDraw

from scenes import legacy_style as style
from scenes.legacy_style import fmt
from scenes.plans.terms import conv_terms, match_map
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("convolution", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A hand-drawn cross, off centre: not one of the shipped images."""
    d = tmp_path_factory.mktemp("custom")
    img = Image.new("L", (120, 120), 255)
    draw = ImageDraw.Draw(img)
    draw.line((10, 20, 80, 100), fill=0, width=12)
    draw.line((80, 20, 10, 100), fill=0, width=12)
    path = d / "my-cross.png"
    img.save(path)
    return build("convolution", "tick-cross", image=path, tmp_path=d)


def conv(scene):
    return scene.trace.step("conv1")


def text_of(mob) -> str:
    """The number a Text shows, without the brackets around a negative term."""
    return mob.original_text.strip("()")


def assert_grid(grid, values, cmap, numbers=True):
    values = np.asarray(values)
    np.testing.assert_allclose(grid.values, values)
    for (r, c), v in np.ndenumerate(values):
        np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), cmap.rgb(np.array(v)))
        if numbers:
            assert grid.number(r, c).original_text == fmt(v)


def assert_map(fmap, values, cmap):
    """A feature map (cells or one image) shows every value in its Diverging colour, all revealed."""
    values = np.asarray(values)
    np.testing.assert_allclose(fmap.values, values)
    expected = cmap.rgb(values)
    if hasattr(fmap, "cells"):
        for (r, c), _ in np.ndenumerate(values):
            np.testing.assert_array_equal(fill_rgb(fmap.cell(r, c)), expected[r, c])
            assert fmap.cell(r, c).get_fill_opacity() == 1
    else:
        np.testing.assert_array_equal(fmap.pixel_array[:, :, :3], expected)


def all_scenes(scenes, custom):
    return [*scenes.values(), custom]


@pytest.mark.parametrize("example", EXAMPLES)
def test_feature_map_is_the_trace(scenes, example):
    scene = scenes[example]
    out = conv(scene).output
    cmap = style.Diverging.for_values(out)
    assert scene.map_cmap == cmap
    assert_map(scene.fmap, out[0], cmap)
    assert scene.fmap.revealed == out.shape[1] * out.shape[2]


@pytest.mark.parametrize("example", EXAMPLES)
def test_explained_cells_are_conv_terms(scenes, example):
    scene = scenes[example]
    step = conv(scene)
    c_in = step.input.shape[0]
    assert [(e["terms"].row, e["terms"].col) for e in scene.explained] == [(0, 0), (0, 1), (0, 2)]
    for e in scene.explained:
        t = conv_terms(scene.trace, "conv1", 0, e["terms"].row, e["terms"].col)
        table = e["table"]
        assert len(table.patches) == len(table.weights) == len(table.products) == c_in
        for ch in range(c_in):
            assert_grid(table.patches[ch], t.patch[ch], scene.in_cmaps[ch])
            assert_grid(table.weights[ch], step.params["weight"][0, ch], scene.value_cmap)
            assert_grid(table.products[ch], t.products[ch], scene.value_cmap)
        if c_in > 1:
            assert [text_of(s) for s in table.sums] == [fmt(t.products[ch].sum()) for ch in range(c_in)]
        assert text_of(table.total) == fmt(t.total)
        assert text_of(table.total_again) == fmt(t.total)
        assert text_of(table.bias) == fmt(step.params["bias"][0])
        assert table.out.number(0, 0).original_text == fmt(step.output[0, t.row, t.col])
        np.testing.assert_array_equal(
            fill_rgb(table.out.cell(0, 0)), scene.map_cmap.rgb(np.array(step.output[0, t.row, t.col]))
        )


@pytest.mark.parametrize("example", EXAMPLES)
def test_window_sits_over_the_receptive_field(scenes, example):
    scene = scenes[example]
    step = conv(scene)
    k, s, p = (step.config[n] for n in ("kernel_size", "stride", "padding"))
    inp = scene.input_mob
    _, h, w = step.input.shape
    cell = inp.width / w
    for e in scene.explained:
        r, c = e["terms"].row, e["terms"].col
        top, left = r * s - p, c * s - p
        # centre of the k x k block of input cells starting at (top, left), padding cells included
        x = inp.get_left()[0] + (left + k / 2) * cell
        y = inp.get_top()[1] - (top + k / 2) * cell
        np.testing.assert_allclose(e["window"].get_center()[:2], [x, y], atol=1e-6)
        np.testing.assert_allclose([e["window"].width, e["window"].height], [k * cell, k * cell], atol=1e-6)


def test_face_padding_is_zeros_with_tape(scenes):
    scene = scenes["face"]
    t = scene.explained[0]["terms"]
    table = scene.explained[0]["table"]
    assert t.top == -1 and t.left == -1
    np.testing.assert_array_equal(t.patch[:, 0, :], 0)
    # the top row and the left column of each channel's 3x3 patch lie in the padding: 5 cells each
    assert len(table.pad_marks) == 5 * 3
    ring, inp = scene.ring_mob, scene.input_mob
    w = scene.trace.input.shape[2]
    np.testing.assert_allclose(ring[0].width, inp.width * (w + 2) / w, rtol=1e-6)
    np.testing.assert_allclose(ring[0].get_center(), inp.get_center(), atol=1e-6)


def test_tick_cross_has_no_padding_marks(scenes):
    scene = scenes["tick-cross"]
    assert all(len(e["table"].pad_marks) == 0 for e in scene.explained)
    assert not hasattr(scene, "ring_mob")


@pytest.mark.parametrize("example", EXAMPLES)
def test_stack_has_one_map_per_filter(scenes, example):
    scene = scenes[example]
    step = conv(scene)
    assert len(scene.stack) == step.output.shape[0]
    for f, entry in enumerate(scene.stack):
        assert entry["filter"] == f
        assert_map(entry["map"], step.output[f], scene.map_cmap)
        for ch, grid in enumerate(entry["weights"]):
            assert_grid(grid, step.params["weight"][f, ch], scene.value_cmap, numbers=len(grid.numbers) > 0)
    # the one-channel filters are small enough to print their weights
    if example == "tick-cross":
        assert all(len(g.numbers) == 9 for e in scene.stack for g in e["weights"])


def check_match(scene):
    mm = match_map(scene.trace, "conv1")[0]
    grid = scene.match_grid
    assert_grid(grid, mm, style.Diverging(1.0))
    r, c = scene.match_cell
    assert mm[r, c] == mm.max()
    t = conv_terms(scene.trace, "conv1", 0, r, c)
    assert scene.match_value.original_text == fmt(t.match) == fmt(mm[r, c])
    assert text_of(scene.match_total) == fmt(t.total)
    assert text_of(scene.match_scale) == fmt(np.abs(conv(scene).params["weight"][0]).sum())
    np.testing.assert_allclose(scene.match_box.get_center(), grid.cell_center(r, c), atol=1e-6)
    inp, cell = scene.match_input, scene.match_input.width / scene.trace.input.shape[2]
    x, y = inp.get_left()[0] + (c + 1.5) * cell, inp.get_top()[1] - (r + 1.5) * cell
    np.testing.assert_allclose(scene.match_window.get_center()[:2], [x, y], atol=1e-6)
    return mm[r, c]


def test_tick_cross_match_map(scenes):
    best = check_match(scenes["tick-cross"])
    assert np.isclose(best, 1.0)  # the shipped tick holds a perfect match
    assert scenes["tick-cross"].match_value.original_text == "1"


def test_face_has_no_match_step(scenes):
    assert "match" not in [name for name, _ in scenes["face"].steps]


def test_custom_image(custom):
    step = conv(custom)
    assert custom.story.custom_image
    assert_map(custom.fmap, step.output[0], custom.map_cmap)
    t = conv_terms(custom.trace, "conv1", 0, 0, 1)
    assert_grid(custom.explained[1]["table"].products[0], t.products[0], custom.value_cmap)
    check_match(custom)


def test_frames_steps_and_captions(scenes, custom):
    for scene in all_scenes(scenes, custom):
        assert not on_screen(scene)
        names = [name for name, _ in scene.steps]
        assert names[0] == "title"
        assert {"filter", "first", "stride", "sweep", "filters"} <= set(names)
        assert 20 <= scene.time <= 90
        for (_, end, _), (start, _, _) in zip(scene.captions, scene.captions[1:]):
            assert start >= end - 1e-9  # captions never overlap


@pytest.mark.parametrize("example", EXAMPLES)
def test_stack_summary_and_legend_sit_below_the_maps(scenes, example):
    scene = scenes[example]
    lowest = min(e["map"].get_bottom()[1] for e in scene.stack)
    assert scene.stack_summary.get_top()[1] < lowest
    assert scene.stack_legend.get_top()[1] < scene.stack_summary.get_bottom()[1]
