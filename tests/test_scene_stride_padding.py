import numpy as np
import pytest
from PIL import Image

import engine
from engine.experiments import variant
from scenes.legacy_style import fmt
from scenes.plans.pick import busiest_patch
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, on_screen

ALL = ["tick-cross", "face", "custom"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stride")  # one media folder: LaTeX is compiled once for all builds
    story = load_story("face")
    rgb = np.array(Image.open(story.example.image_path("Captain")).convert("RGB"))
    Image.fromarray(255 - np.roll(rgb, (3, -2), axis=(0, 1))).save(tmp / "odd.png")  # moved and inverted
    return {
        "tick-cross": build("stride-padding", "tick-cross", tmp_path=tmp),
        "face": build("stride-padding", "face", tmp_path=tmp),
        "custom": build("stride-padding", "face", image=tmp / "odd.png", tmp_path=tmp),
    }


# -- the engine helper ------------------------------------------------------------------------
def test_variant_is_conv2d_and_the_size_rule():
    rng = np.random.default_rng(0)
    patch, w, b = rng.normal(size=(3, 5, 5)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    for s, p, expect in ((1, 0, 3), (2, 0, 2), (1, 1, 5), (2, 1, 3)):
        v = variant(patch, w, b, (0, 2), s, p)
        np.testing.assert_array_equal(v.output, engine.conv2d(patch[None], w[[0, 2]], b[[0, 2]], s, p)[0])
        assert v.size == expect == engine.output_size(5, 3, s, p)
        assert (v.given, v.kept) == (75, 2 * expect * expect)
        assert v.windows[0] == (-p, -p) and v.windows[1] == (-p, s - p) and len(v.windows) == expect**2


def test_busiest_patch_finds_the_edges():
    x = np.zeros((1, 12, 12))
    x[0, 2:5, 7:10] = 1.0  # a small square: its edges are the only thing going on
    r, c = busiest_patch(x, 5)
    assert r <= 2 and r + 4 >= 4 and c <= 7 and c + 4 >= 9  # the window holds the whole square
    assert busiest_patch(np.zeros((1, 9, 9)), 5) == (2, 2)  # nothing anywhere: the centre


# -- the scene ----------------------------------------------------------------------------------
@pytest.mark.parametrize("example", ALL)
def test_patch_is_the_network_input(scenes, example):
    scene = scenes[example]
    r0, c0 = scene.patch_at
    grid = scene.input_grid
    n = grid.n
    np.testing.assert_array_equal(grid.values, scene.trace.input[:, r0 : r0 + n, c0 : c0 + n])
    for r in range(n):
        for c in range(n):
            if scene.is_rgb:  # the photo's own colours
                np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scene.trace.image[:, r0 + r, c0 + c])
            else:
                v = scene.trace.input[0, r0 + r, c0 + c]
                assert grid.numbers[r * n + c].original_text == fmt(v)
                np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scene.input_cmap.rgb(np.array(v)))
    # the padding ring: zeros all around, one cell wide for a 3x3 glass
    ring = scene.ring
    assert set(ring.positions) == {(r, c) for r in range(-1, n + 1) for c in range(-1, n + 1)} - {
        (r, c) for r in range(n) for c in range(n)
    }
    assert all(t.original_text == "0" for t in ring.numbers)
    for (r, c), sq in zip(ring.positions, ring.cells):
        np.testing.assert_allclose(sq.get_center(), grid.point(r, c), atol=1e-9)


@pytest.mark.parametrize("example", ALL)
def test_maps_are_conv2d_of_the_patch(scenes, example):
    scene = scenes[example]
    conv = scene.trace.step("conv1")
    w, b = conv.params["weight"], conv.params["bias"]
    patch = scene.input_grid.values
    expected = [(1, 0, (0, 1)), (2, 0, (0, 1)), (1, 1, (0, 1))]
    if w.shape[0] > 2:
        expected.append((1, 1, (0, 1, 2)))
    assert [(v.stride, v.padding, v.filters) for v in scene.variants] == expected
    for v in scene.variants:
        out = engine.conv2d(patch[None], w[list(v.filters)], b[list(v.filters)], v.stride, v.padding)[0]
        maps = scene.shown_maps[id(v)]
        assert [m.filter_index for m in maps] == list(v.filters)
        for grid, values in zip(maps, out):
            np.testing.assert_allclose(grid.values, values, rtol=1e-12, atol=1e-12)
            assert grid.shape == (engine.output_size(patch.shape[-1], 3, v.stride, v.padding),) * 2
            for (r, c), x in np.ndenumerate(values):
                assert grid.number(r, c).original_text == fmt(x, grid.digits)
                np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scene.map_cmap.rgb(np.array(x)))
                assert grid.cell(r, c).get_fill_opacity() == 1  # every cell revealed by the end
        # the glass visited exactly the windows the stride and padding allow
        path = scene.glass_path.get(id(v))
        if path is not None:
            assert len(path) == out.shape[1] * out.shape[2]
            step = path[1][0] - path[0][0]
            assert step == pytest.approx(v.stride * scene.input_grid.cell_size)
            np.testing.assert_allclose(path[0], scene.input_grid.point(1 - v.padding, 1 - v.padding), atol=1e-9)


@pytest.mark.parametrize("example", ALL)
def test_sizes_and_counts_come_from_shapes(scenes, example):
    scene = scenes[example]
    c = scene.trace.input.shape[0]
    given = 5 * 5 * c
    counts = {"tick-cross": [18, 8, 50], "face": [18, 8, 50, 75], "custom": [18, 8, 50, 75]}[example]
    assert [v.kept for v in scene.variants] == counts
    for v in scene.variants:
        o = engine.output_size(5, 3, v.stride, v.padding)
        tex = scene.formulas[id(v)].tex_string if id(v) in scene.formulas else None
        if tex is not None:
            assert rf"\frac{{5 + 2\cdot {v.padding} - 3}}{{{v.stride}}}" in tex and tex.endswith(f"= {o}")
        line = scene.counts[id(v)]
        dims = "5 × 5" if c == 1 else "5 × 5 × 3"
        assert line.in_text.original_text == f"in  {dims} = {given}"
        assert line.out_text.original_text == f"out  {len(v.filters)} × {o} × {o} = {len(v.filters) * o * o}"
    assert [n for _, n, _, _ in scene.tally_rows] == [given, *counts]
    bars = [bar.width for _, _, bar, _ in scene.tally_rows]
    assert np.allclose(np.array(bars) / bars[0], np.array([given, *counts]) / given, rtol=1e-6)
    # the real first layer: the rule gives the trace's own output size
    h, o, ho = scene.real
    assert o == ho == scene.trace.step("conv1").output.shape[1]
    cfg = scene.trace.step("conv1").config
    assert (
        scene.real_tex.tex_string.endswith(f"= {ho}") and f"{h} + 2\\cdot {cfg['padding']}" in scene.real_tex.tex_string
    )
    if example == "tick-cross":
        text = scene.filters_note.original_text.replace("\n", " ")
        assert "only 2 filters" in text and "keep 50 numbers" in text and "the 25 that came in" in text


@pytest.mark.parametrize("example", ALL)
def test_nothing_off_screen_and_timing(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    names = [name for name, _ in scene.steps]
    assert names[0] == "title" and {"patch", "stride-1", "stride-2", "padding", "filters", "tally"} <= set(names)
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 1e-6
    assert 20 <= scene.time <= 90
