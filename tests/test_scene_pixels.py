import numpy as np
import pytest

from scenes import style
from tests.scene_helpers import build, fill_rgb, on_screen


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("pixels", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in ("tick-cross", "face")}


def test_tick_cross_grid_is_the_input(scenes):
    scene = scenes["tick-cross"]
    grid = scene.grid
    np.testing.assert_array_equal(grid.values, scene.trace.image[0])
    h, w = grid.shape
    for r in range(h):
        for c in range(w):
            v = scene.trace.image[0, r, c]
            assert grid.number(r, c).original_text == str(int(v))
            np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), style.Diverging(1.0).rgb(np.array(v)))


def test_face_patches_are_the_channels(scenes):
    scene = scenes["face"]
    r0, c0 = scene.patch
    for k, grid in enumerate(scene.grids):
        patch = scene.trace.image[k, r0 : r0 + grid.shape[0], c0 : c0 + grid.shape[1]]
        np.testing.assert_array_equal(grid.values, patch)
        for (r, c), v in np.ndenumerate(patch):
            assert grid.number(r, c).original_text == str(int(v))
            np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), grid.cmap.rgb(np.array(v)))


@pytest.mark.parametrize("example", ["tick-cross", "face"])
def test_nothing_off_screen_and_sections(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    assert [name for name, _ in scene.steps][0] == "title"
    assert scene.captions
