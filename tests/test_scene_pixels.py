import numpy as np
import pytest

from scenes.plans.numbers import fmt
from tests.scene_helpers import build, fill_rgb

RATIOS = {"4:3": (960, 720), "1:1": (720, 720), "9:16": (720, 1280)}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("pixels", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in ("tick-cross", "face")}


def test_tick_cross_grid_is_the_input(scenes):
    scene = scenes["tick-cross"]
    grid = scene.grid
    np.testing.assert_array_equal(grid.values, scene.trace.image[0])
    for (r, c), v in np.ndenumerate(scene.trace.image[0]):
        assert grid.number(r, c).original_text == fmt(v)
        np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scene.plan.scales[0].rgb(np.array(v)))


def test_face_patches_are_the_channels(scenes):
    scene = scenes["face"]
    r0, c0, n = scene.plan.patch
    for k, grid in enumerate(scene.grids):
        patch = scene.trace.image[k, r0 : r0 + n, c0 : c0 + n]
        np.testing.assert_array_equal(grid.values, patch)
        for (r, c), v in np.ndenumerate(patch):
            assert grid.number(r, c).original_text == str(int(v))
            np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scene.plan.scales[k].rgb(np.array(v)))


@pytest.mark.parametrize("example", ["tick-cross", "face"])
def test_sections_and_beats(scenes, example):
    scene = scenes[example]
    names = [name for name, _ in scene.sections]
    assert names[0] == "title" and names[-1] == "shape"
    assert all(b.id.startswith("pixels.") for b in scene.beats)
    summary = scene.box[1][0]
    c, h, w = scene.trace.input.shape
    assert f"{h} × {w} × {c} = {c * h * w}" in summary.text


@pytest.mark.parametrize("ratio", RATIOS)
@pytest.mark.parametrize("example", ["tick-cross", "face"])
def test_every_aspect_ratio_keeps_the_layout_rules(example, ratio, tmp_path):
    build("pixels", example, tmp_path=tmp_path, resolution=RATIOS[ratio])  # checks run at every play
