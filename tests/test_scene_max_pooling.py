import numpy as np
import pytest
from PIL import Image, ImageChops

import engine
from scenes.legacy_parts import ValueGrid
from scenes.legacy_style import fmt
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("max-pooling", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """The shipped cross, shifted: a drawing the network never saw."""
    tmp = tmp_path_factory.mktemp("custom")
    ex = engine.get_example("tick-cross")
    img = Image.open(ex.image_path("cross")).convert("L")
    path = tmp / "shifted.png"
    ImageChops.offset(img, img.width // 6, img.height // 8).save(path)
    return build("max-pooling", "tick-cross", image=path, tmp_path=tmp)


def pool(scene):
    return scene.trace.step("pool1")


def close(a, b):
    np.testing.assert_allclose(np.asarray(a)[:2], np.asarray(b)[:2], atol=1e-6)


@pytest.mark.parametrize("example", EXAMPLES)
def test_window_size_and_stride_from_the_trace(scenes, example):
    scene = scenes[example]
    assert (scene.k, scene.s) == (pool(scene).config["size"], pool(scene).config["stride"])
    assert scene.cmap.vmax == pytest.approx(np.abs(pool(scene).input).max())


@pytest.mark.parametrize("example", EXAMPLES)
def test_detailed_windows_highlight_the_trace_winners(scenes, example):
    scene = scenes[example]
    step, f, k, s = pool(scene), scene.f, scene.k, scene.s
    r0, c0 = scene.patch_offset
    assert len(scene.detail) >= 3
    contested = 0
    for d in scene.detail:
        i, j = d["window"]
        assert d["winner"] == tuple(int(v) for v in step.winners[f, i, j])
        wr, wc = d["winner"]
        window = step.input[f, i * s : i * s + k, j * s : j * s + k]
        assert step.input[f, wr, wc] == window.max() == step.output[f, i, j]
        contested += np.ptp(window) > 0
        if d["zoom"] is not None:  # the window's numbers, bigger, with the winner marked among them
            np.testing.assert_array_equal(d["zoom"].values, window)
            close(d["mark"].get_center(), d["zoom"].cell(wr - i * s, wc - j * s).get_center())
            close(d["in_mark"].get_center(), scene.in_view.cell(wr, wc).get_center())
        else:  # marked on the zoomed patch
            close(d["mark"].get_center(), scene.patch_view.cell(wr - r0, wc - c0).get_center())
    assert contested >= 2, "the detailed windows should show real contests"


@pytest.mark.parametrize("example", EXAMPLES)
def test_sweep_follows_the_winners(scenes, example):
    scene = scenes[example]
    step, f, k, s = pool(scene), scene.f, scene.k, scene.s
    _, ho, wo = step.output.shape
    total = ho * wo
    detailed = {d["window"] for d in scene.detail}
    try:
        for n in (0, total // 3, total // 2 + 1, total - 1):
            scene.sweep_set(n + 0.5)
            i, j = divmod(n, wo)
            wr, wc = step.winners[f, i, j]
            close(scene.sweep_winner.get_center(), scene.in_view.cell_center(wr, wc))
            top_left, bottom_right = (
                scene.in_view.cell_center(i * s, j * s),
                scene.in_view.cell_center(i * s + k - 1, j * s + k - 1),
            )
            close(scene.sweep_frame.get_center(), (top_left + bottom_right) / 2)
            expected = (np.arange(total) <= n).reshape(ho, wo)
            for a, b in detailed:
                expected[a, b] = True
            np.testing.assert_array_equal(scene.reveal.mask, expected)
    finally:
        scene.sweep_set(total)
    assert scene.reveal.mask.all()


@pytest.mark.parametrize("example", EXAMPLES)
def test_pooled_map_is_the_trace_output(scenes, example):
    scene = scenes[example]
    y = pool(scene).output[scene.f]
    np.testing.assert_array_equal(scene.out_view.values, y)
    np.testing.assert_array_equal(scene.out_view.rgb, scene.cmap.rgb(y))
    if isinstance(scene.out_view, ValueGrid):
        for (r, c), v in np.ndenumerate(y):
            assert scene.out_view.number(r, c).original_text == fmt(v, 1)
            np.testing.assert_array_equal(fill_rgb(scene.out_view.cell(r, c)), scene.cmap.rgb(np.array(v)))
            assert scene.out_view.cell(r, c).get_fill_opacity() == 1
    else:  # the picture as drawn, every cell filled in
        np.testing.assert_array_equal(scene.out_view.pixel_array[..., :3], scene.out_view.rgb)
        wi, wj = scene.pooled_offset
        h, w = scene.pooled_view.shape
        np.testing.assert_array_equal(scene.pooled_view.values, pool(scene).output[scene.f, wi : wi + h, wj : wj + w])
        for (r, c), v in np.ndenumerate(scene.pooled_view.values):
            assert scene.pooled_view.number(r, c).original_text == fmt(v)


@pytest.mark.parametrize("example", EXAMPLES)
def test_stack_of_all_pooled_maps(scenes, example):
    scene = scenes[example]
    x, y = pool(scene).input, pool(scene).output
    assert len(scene.outputs) == len(y) == len(scene.inputs)
    for m, (a, b) in enumerate(zip(scene.inputs, scene.outputs)):
        np.testing.assert_array_equal(a.values, x[m])
        np.testing.assert_array_equal(b.values, y[m])
        np.testing.assert_array_equal(b.rgb, scene.cmap.rgb(y[m]))
        # the pooled map is drawn at the input's cell size: it visibly shrinks
        assert b.height == pytest.approx(a.height * y.shape[1] / x.shape[1])
    n, h, w = x.shape
    summary = scene.summary[1][0].original_text
    assert f"{x.size}" in summary and f"{y.size}" in summary and f"{h} × {w}" in summary


@pytest.mark.parametrize("example", EXAMPLES)
def test_layout_steps_and_captions(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    names = [name for name, _ in scene.steps]
    assert names[0] == "title" and {"maps", "windows", "sweep", "stack"} <= set(names)
    for (_, end, _), (start, _, _) in zip(scene.captions, scene.captions[1:]):
        assert end <= start + 1e-6, "captions overlap"
    assert 20 <= scene.time <= 90


def test_custom_image(custom):
    scene = custom
    assert scene.story.custom_image
    step = pool(scene)
    for d in scene.detail:
        assert d["winner"] == tuple(int(v) for v in step.winners[scene.f, d["window"][0], d["window"][1]])
    for m, b in enumerate(scene.outputs):
        np.testing.assert_array_equal(b.values, step.output[m])
    assert not on_screen(scene)
