import numpy as np
import pytest

from scenes.parts import Grid
from scenes.plans.terms import switched_off
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_relu import custom_image, folder_model

EXAMPLES = ("tick-cross", "face")
RATIOS = {"4:3": ((960, 720), "face"), "1:1": ((720, 720), "tick-cross"), "9:16": ((720, 1280), "face")}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("relu", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A photo-like portrait the network never saw."""
    return build("relu", "face", image=custom_image("face"), tmp_path=tmp_path_factory.mktemp("custom"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A user's tick, and a model trained on the user's own folder."""
    tmp = tmp_path_factory.mktemp("folder")
    return build("relu", "tick-cross", image=custom_image("tick-cross"), model=folder_model("tick-cross"), tmp_path=tmp)


def relu(scene):
    return scene.trace.step("relu1")


def shown_ids(scene) -> set[int]:
    return {id(m) for top in scene.mobjects for m in top.get_family()}


def check_maps(scene):
    """The maps drawn before, flagged and after ReLU are the trace's, in the plan's colours."""
    p, x, y = scene.plan, relu(scene).input, relu(scene).output
    mask = switched_off(scene.trace, "relu1")
    assert p.scale.vmax == pytest.approx(np.abs(x).max())
    for f, (a, flag, b) in enumerate(zip(scene.inputs, scene.flagged, scene.outputs)):
        np.testing.assert_array_equal(a.values, x[f])
        np.testing.assert_array_equal(b.values, y[f])
        np.testing.assert_array_equal(a.rgb, p.scale.rgb(x[f]))
        np.testing.assert_array_equal(flag.rgb, p.flagged.rgb(x[f]))
        np.testing.assert_array_equal(b.rgb, p.scale.rgb(y[f]))
        # switched off: drawn in the colour of 0
        np.testing.assert_array_equal(b.rgb[mask[f]].reshape(-1, 3), p.scale.rgb(np.zeros(mask[f].sum())))
        if isinstance(b, Grid):  # small maps: every cell as drawn
            for (r, c), v in np.ndenumerate(y[f]):
                np.testing.assert_array_equal(fill_rgb(b.cell(r, c)), p.scale.rgb(np.array(v)))
    # the final frame shows the maps after ReLU, not before
    shown = shown_ids(scene)
    assert all(id(b) in shown for b in scene.outputs) and id(scene.patch_out) in shown
    assert not any(id(a) in shown for a in scene.inputs) and id(scene.patch_in) not in shown


def check_patch(scene):
    p, x, y = scene.plan, relu(scene).input, relu(scene).output
    f, r0, c0, n = p.patch
    mask = switched_off(scene.trace, "relu1")[f, r0 : r0 + n, c0 : c0 + n]
    np.testing.assert_array_equal(scene.patch_in.values, x[f, r0 : r0 + n, c0 : c0 + n])
    np.testing.assert_array_equal(scene.patch_out.values, y[f, r0 : r0 + n, c0 : c0 + n])
    if (x[f] < 0).any() and (x[f] > 0).any():
        assert mask.any() and (~mask).any(), "the zoom should show both signs"
    for (r, c), v in np.ndenumerate(scene.patch_in.values):
        out = y[f, r0 + r, c0 + c]
        assert scene.patch_in.number(r, c).original_text == p.text(v)
        # switched off: exactly 0; kept: the very same number and colour as before
        assert scene.patch_out.number(r, c).original_text == ("0" if mask[r, c] else p.text(v))
        np.testing.assert_array_equal(fill_rgb(scene.patch_in.cell(r, c)), p.scale.rgb(np.array(v)))
        np.testing.assert_array_equal(fill_rgb(scene.patch_out.cell(r, c)), p.scale.rgb(np.array(out)))
    assert scene.patch_title.original_text == f"{p.names[f]}: {n} × {n} patch"


def check_dots(scene):
    p, x, y = scene.plan, relu(scene).input, relu(scene).output
    assert len(scene.dots) == len(p.dots) >= 3
    signs = set()
    for (dot, d), text in zip(scene.dots, scene.readouts):
        v, out = x[d.map, d.row, d.col], y[d.map, d.row, d.col]
        signs.add(np.sign(v))
        np.testing.assert_allclose(dot.get_center(), scene.axes.c2p(v, out), atol=1e-6)
        np.testing.assert_array_equal(fill_rgb(dot), p.scale.rgb(np.array(out)))
        assert text.original_text == f"max(0, {p.text(v)}) = {p.text(out)}"
        assert out == (0.0 if v < 0 else v)
    assert signs >= {-1.0, 1.0}
    assert max(abs(x[d.map, d.row, d.col]) for _, d in scene.dots) <= p.lim  # the graph holds every dot


@pytest.mark.parametrize("example", EXAMPLES)
def test_maps_are_conv1_maps_then_relu_output(scenes, example):
    check_maps(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_zoomed_patch_before_and_after(scenes, example):
    check_patch(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_dots_on_the_graph_are_trace_values(scenes, example):
    check_dots(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_sections_beats_and_captions(scenes, example):
    scene = scenes[example]
    names = [name for name, _ in scene.sections]
    assert names == ["title", "maps", "zoom", "graph", "switch", "switch-off"]
    assert all(b.id.startswith("relu.") for b in scene.beats)
    for (_, end, _), (start, _, _) in zip(scene.captions, scene.captions[1:]):
        assert end <= start + 1e-6, "captions overlap"
    texts = [t for _, _, t in scene.captions]
    assert scene.plan.switch in texts and all(d.sentence in texts for d in scene.plan.dots)
    assert 20 <= scene.time <= 90


@pytest.mark.parametrize("example", EXAMPLES)
def test_maps_are_named_from_one(scenes, example):
    scene = scenes[example]
    assert [n.original_text for n in scene.tiles.names] == [f"map {k + 1}" for k in range(len(scene.inputs))]
    assert not any("map 0" in t for _, _, t in scene.captions)


def test_face_mentions_relu2(scenes):
    texts = " ".join(t for _, _, t in scenes["face"].captions)
    assert "second convolution" in texts
    assert "second convolution" not in " ".join(t for _, _, t in scenes["tick-cross"].captions)


def test_custom_image(custom):
    assert custom.story.custom_image
    check_maps(custom)
    check_patch(custom)
    check_dots(custom)


def test_users_folder_model(folder):
    assert folder.story.network.class_names == ("no", "yes")
    check_maps(folder)
    check_patch(folder)
    check_dots(folder)


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    resolution, example = RATIOS[ratio]
    build("relu", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
