import numpy as np
import pytest
from PIL import Image, ImageChops, ImageOps

import engine
from scenes.legacy_style import Diverging, fmt
from scenes.plans.terms import switched_off
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("relu", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """The shipped face, shifted and colour-inverted: an image the network never saw."""
    tmp = tmp_path_factory.mktemp("custom")
    img = Image.open(engine.get_example("face").image_path()).convert("RGB")
    path = tmp / "odd.png"
    ImageOps.invert(ImageChops.offset(img, img.width // 7, -img.height // 9)).save(path)
    return build("relu", "face", image=path, tmp_path=tmp)


def relu(scene):
    return scene.trace.step("relu1")


def test_colour_scale_covers_the_maps(scenes):
    for scene in scenes.values():
        assert scene.cmap.vmax == pytest.approx(np.abs(relu(scene).input).max())


def test_tick_cross_grids_are_conv1_maps_then_relu_output(scenes):
    scene = scenes["tick-cross"]
    x, y = relu(scene).input, relu(scene).output
    mask = switched_off(scene.trace, "relu1")
    assert mask.any() and (~mask).any()
    for f, (gin, gout) in enumerate(zip(scene.inputs, scene.outputs)):
        np.testing.assert_array_equal(gin.values, x[f])
        np.testing.assert_array_equal(gout.values, y[f])
        for (r, c), v in np.ndenumerate(x[f]):
            assert gin.number(r, c).original_text == fmt(v, 1)
            if mask[f, r, c]:  # switched off: exactly 0, drawn in the colour of 0
                assert gout.number(r, c).original_text == "0"
                np.testing.assert_array_equal(fill_rgb(gout.cell(r, c)), scene.cmap.rgb(np.array(0.0)))
            else:  # kept: the very same number and colour as before
                assert gout.number(r, c).original_text == fmt(v, 1)
                np.testing.assert_array_equal(fill_rgb(gout.cell(r, c)), scene.cmap.rgb(np.array(v)))
    # the final frame shows the output grids, not the inputs
    shown = {id(m) for top in scene.mobjects for m in top.get_family()}
    assert all(id(g) in shown for g in scene.outputs)
    assert not any(id(g) in shown for g in scene.inputs)


def test_face_maps_and_zoomed_patch(scenes):
    scene = scenes["face"]
    x, y = relu(scene).input, relu(scene).output
    mask = switched_off(scene.trace, "relu1")
    for f, (a, b) in enumerate(zip(scene.inputs, scene.outputs)):
        np.testing.assert_array_equal(a.values, x[f])
        np.testing.assert_array_equal(a.rgb, scene.cmap.rgb(x[f]))
        np.testing.assert_array_equal(b.rgb, scene.cmap.rgb(y[f]))
        np.testing.assert_array_equal(b.rgb[mask[f]].reshape(-1, 3), scene.cmap.rgb(np.zeros(mask[f].sum())))
    f, r0, c0 = scene.patch
    h, w = scene.patch_in.shape
    np.testing.assert_array_equal(scene.patch_in.values, x[f, r0 : r0 + h, c0 : c0 + w])
    pmask = mask[f, r0 : r0 + h, c0 : c0 + w]
    assert pmask.any() and (~pmask).any(), "the zoom should show both signs"
    for (r, c), v in np.ndenumerate(scene.patch_out.values):
        assert v == y[f, r0 + r, c0 + c]
        expected = "0" if pmask[r, c] else fmt(x[f, r0 + r, c0 + c])
        assert scene.patch_out.number(r, c).original_text == expected
        np.testing.assert_array_equal(fill_rgb(scene.patch_out.cell(r, c)), scene.cmap.rgb(np.array(v)))


@pytest.mark.parametrize("example", EXAMPLES)
def test_dots_on_the_graph_are_trace_values(scenes, example):
    scene = scenes[example]
    x, y = relu(scene).input, relu(scene).output
    digits = 2 if scene.big else 1
    assert len(scene.dots) >= 3
    signs = set()
    for (dot, (f, r, c)), text in zip(scene.dots, scene.readouts):
        v, out = x[f, r, c], y[f, r, c]
        signs.add(np.sign(v))
        np.testing.assert_allclose(dot.get_center(), scene.axes.c2p(v, out), atol=1e-6)
        np.testing.assert_array_equal(fill_rgb(dot), scene.cmap.rgb(np.array(out)))
        assert text.original_text == f"max(0, {fmt(v, digits)}) = {fmt(out, digits)}"
        assert out == (0.0 if v < 0 else v)
        assert fmt(v, digits) != "0", "a dot that reads 0 shows nothing"
    assert signs >= {-1.0, 1.0}
    # the graph's range holds every dot
    assert max(abs(x[p]) for _, p in scene.dots) <= scene.lim


@pytest.mark.parametrize("example", EXAMPLES)
def test_layout_steps_and_captions(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    names = [name for name, _ in scene.steps]
    assert names[0] == "title" and {"maps", "graph", "switch"} <= set(names)
    for (_, end, _), (start, _, _) in zip(scene.captions, scene.captions[1:]):
        assert end <= start + 1e-6, "captions overlap"
    assert 20 <= scene.time <= 90


def test_face_mentions_relu2(scenes):
    texts = " ".join(t for _, _, t in scenes["face"].captions)
    assert "second convolution" in texts
    assert "second convolution" not in " ".join(t for _, _, t in scenes["tick-cross"].captions)


def test_custom_image(custom):
    scene = custom
    assert scene.story.custom_image
    y = relu(scene).output
    for f, b in enumerate(scene.outputs):
        np.testing.assert_array_equal(b.rgb, scene.cmap.rgb(y[f]))
    for dot, (f, r, c) in scene.dots:
        np.testing.assert_allclose(dot.get_center(), scene.axes.c2p(relu(scene).input[f, r, c], y[f, r, c]), atol=1e-6)
    assert not on_screen(scene)
    assert isinstance(scene.cmap, Diverging)
