"""The stride-and-padding scene draws its plan: the patch, the maps, the rule and the counts."""

import numpy as np
import pytest
from PIL import Image

import engine
from scenes.plans.numbers import fmt
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_convolution import draw_photo_face

ALL = ["tick-cross", "face", "custom", "photo"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("stride")  # one media folder: LaTeX is compiled once for all builds
    rgb = np.array(Image.open(engine.get_example("face").image_path("Captain")).convert("RGB"))
    Image.fromarray(255 - np.roll(rgb, (3, -2), axis=(0, 1))).save(tmp / "odd.png")  # moved and inverted
    return {
        "tick-cross": build("stride-padding", "tick-cross", tmp_path=tmp),
        "face": build("stride-padding", "face", tmp_path=tmp),
        "custom": build("stride-padding", "face", image=tmp / "odd.png", tmp_path=tmp, resolution=(960, 720)),
        "photo": build("stride-padding", "face", image=draw_photo_face(tmp / "someone.png"), tmp_path=tmp,
                       resolution=(720, 1280)),
    }  # fmt: skip


@pytest.mark.parametrize("example", ALL)
def test_patch_is_the_network_input(scenes, example):
    scene = scenes[example]
    p = scene.plan
    r0, c0 = p.patch_at
    view = scene.view
    n = view.shape[0]
    np.testing.assert_array_equal(p.patch, scene.trace.input[:, r0 : r0 + n, c0 : c0 + n])
    if scene.is_rgb:  # the photo's own colours
        np.testing.assert_array_equal(view.values, scene.trace.image[:, r0 : r0 + n, c0 : c0 + n])
        for r in range(n):
            for c in range(n):
                np.testing.assert_array_equal(view.rgb[r, c], scene.trace.image[:, r0 + r, c0 + c])
    else:
        np.testing.assert_array_equal(view.values, scene.trace.input[0, r0 : r0 + n, c0 : c0 + n])
        for r in range(n):
            for c in range(n):
                v = scene.trace.input[0, r0 + r, c0 + c]
                assert view.number(r, c).original_text == fmt(v)
                np.testing.assert_array_equal(fill_rgb(view.cell(r, c)), p.patch_scale.rgb(np.array(v)))
    # the padding ring: zeros all around, one cell wide for a 3x3 glass
    ring = scene.ring
    assert set(ring.positions) == {(r, c) for r in range(-1, n + 1) for c in range(-1, n + 1)} - {
        (r, c) for r in range(n) for c in range(n)
    }
    assert all(t.original_text == "0" for t in ring.numbers)
    for (r, c), sq in zip(ring.positions, ring.cells):
        np.testing.assert_allclose(sq.get_center(), view.point(r, c), atol=1e-9)
    # how often each pixel is looked at, as drawn over the patch
    np.testing.assert_array_equal(scene.seen_grid.values, p.seen)
    assert scene.seen_grid.number(0, 0).original_text == "1" and scene.seen_grid.number(2, 2).original_text == "9"


@pytest.mark.parametrize("example", ALL)
def test_maps_are_conv2d_of_the_patch(scenes, example):
    scene = scenes[example]
    conv = scene.trace.step("conv1")
    w, b = conv.params["weight"], conv.params["bias"]
    patch = scene.plan.patch
    expected = [(1, 0, (0, 1)), (2, 0, (0, 1)), (1, 1, (0, 1))]
    if w.shape[0] > 2:
        expected.append((1, 1, (0, 1, 2)))
    assert [(v.stride, v.padding, v.filters) for v in scene.plan.variants] == expected
    for v in scene.plan.variants:
        out = engine.conv2d(patch[None], w[list(v.filters)], b[list(v.filters)], v.stride, v.padding)[0]
        maps = scene.shown_maps[id(v)]
        assert [m.filter_index for m in maps] == list(v.filters)
        for grid, values in zip(maps, out):
            np.testing.assert_allclose(grid.values, values, rtol=1e-12, atol=1e-12)
            assert grid.shape == (engine.output_size(patch.shape[-1], 3, v.stride, v.padding),) * 2
            for (r, c), x in np.ndenumerate(values):
                assert grid.number(r, c).original_text == fmt(x, grid.digits)
                np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scene.plan.map_scale.rgb(np.array(x)))
                assert grid.cell(r, c).get_fill_opacity() == 1  # every cell revealed by the end
        # the glass visited exactly the windows the stride and padding allow
        path = scene.glass_path.get(id(v))
        if path is not None:
            assert len(path) == out.shape[1] * out.shape[2]
            step = path[1][0] - path[0][0]
            assert step == pytest.approx(v.stride * scene.view.cell_size)
            np.testing.assert_allclose(path[0], scene.view.point(1 - v.padding, 1 - v.padding), atol=1e-9)
    assert set(scene.glass_path) == {id(v) for v in scene.plan.variants[:3]}  # the trio is not swept


@pytest.mark.parametrize("example", ALL)
def test_sizes_and_counts_come_from_shapes(scenes, example):
    scene = scenes[example]
    c = scene.trace.input.shape[0]
    given = 5 * 5 * c
    counts = [18, 8, 50, 75] if c == 3 else [18, 8, 50]
    assert [v.kept for v in scene.plan.variants] == counts
    for v in scene.plan.variants:
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
    assert [v.original_text for _, _, _, v in scene.tally_rows] == [str(n) for n in [given, *counts]]
    # the real first layer: the rule gives the trace's own output size
    real = scene.plan.real
    h, o, ho = real.input_shape[1], real.size, scene.trace.step("conv1").output.shape[1]
    assert o == ho
    cfg = scene.trace.step("conv1").config
    tex = scene.real_tex.tex_string
    assert tex.endswith(f"= {ho}") and f"{h} + 2\\cdot {cfg['padding']}" in tex
    assert real.verdict in scene.real_label.text
    if c == 1:
        text = scene.filters_note.text
        assert "Only 2 filters" in text and "50 numbers kept" in text and "the 25 that came in" in text
    else:
        assert (
            scene.third_block[0][0].original_text
            == f"filter 3 · bias {fmt(scene.trace.step('conv1').params['bias'][2])}"
        )


@pytest.mark.parametrize("example", ALL)
def test_captions_say_what_the_numbers_say(scenes, example):
    scene = scenes[example]
    names = [name for name, _ in scene.sections]
    assert names == ["title", "patch", "stride-1", "stride-2", "padding", "filters", "tally"]
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 0.5 / 15 + 1e-6  # beats end on whole 15 fps frames
    assert 20 <= scene.time <= 90
    texts = [b.text for b in scene.beats]
    p = scene.plan
    assert any(t.endswith(p.lost) for t in texts) and any(t.endswith(p.padded_note) for t in texts)
    assert p.more in texts and p.tally in texts
    assert any("a corner pixel is seen once, the centre one 9 times" in t for t in texts)
