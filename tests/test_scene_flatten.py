import numpy as np
import pytest

from scenes.plans.colour import Diverging
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_relu import custom_image, folder_model

EXAMPLES = ("tick-cross", "face")
RATIOS = {"4:3": ((960, 720), "face"), "1:1": ((720, 720), "face"), "9:16": ((720, 1280), "tick-cross")}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("flatten", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A photo-like portrait, and a model trained on a user's own folder of faces."""
    tmp = tmp_path_factory.mktemp("custom")
    return build("flatten", "face", image=custom_image("face"), model=folder_model("face"), tmp_path=tmp)


def pooled(scene):
    return scene.trace.steps_of("Flatten")[0].input


def check_page_is_the_flat_vector(scene):
    """Every entry of the line drawn in order, one map per line, in the plan's colours."""
    p, flat = scene.plan, scene.trace.flat
    page = scene.page
    c, h, w = pooled(scene).shape
    np.testing.assert_array_equal(page.values, flat)
    assert len(page.lines) == c and page.per_line == h * w
    for m, line in enumerate(page.lines):
        np.testing.assert_array_equal(line.values[0], flat[m * h * w : (m + 1) * h * w])
        np.testing.assert_array_equal(line.rgb[0], p.scale.rgb(flat[m * h * w : (m + 1) * h * w]))
        np.testing.assert_array_equal(line.pixel_array[..., :3], line.rgb)  # as drawn: every entry filled in
    assert page.revealed == len(flat)  # every entry filled in at the end
    # entry k sits left to right on its line, lines top to bottom
    xs = [page.point(k)[0] for k in range(h * w)]
    assert all(a < b for a, b in zip(xs, xs[1:]))
    ys = [page.point(m * h * w)[1] for m in range(c)]
    assert all(a > b for a, b in zip(ys, ys[1:]))
    assert [r.original_text for r in scene.ranges] == list(p.ranges)
    assert p.scale == Diverging.for_values(pooled(scene), flat)


def check_maps(scene):
    p, maps = scene.plan, pooled(scene)
    assert len(scene.minis) == maps.shape[0]
    for k, grid in enumerate(scene.minis):
        np.testing.assert_array_equal(grid.values, maps[k])
        np.testing.assert_array_equal(grid.rgb, p.scale.rgb(maps[k]))
    big = scene.big
    np.testing.assert_array_equal(big.values, maps[0])
    for (r, x), v in np.ndenumerate(maps[0]):
        assert big.number(r, x).original_text == p.text(v)
        np.testing.assert_array_equal(fill_rgb(big.cell(r, x)), p.scale.rgb(np.array(v)))
    assert scene.big_title.original_text == "map 1"
    assert [n.original_text for n in scene.tiles.names] == [f"map {k + 1}" for k in range(maps.shape[0])]


def check_strongest(scene):
    p, flat, maps = scene.plan, scene.trace.flat, pooled(scene)
    k = p.strongest
    m, r, x = p.where
    assert k == int(np.argmax(flat)) and maps[m, r, x] == flat[k]
    np.testing.assert_allclose(scene.spot.get_center(), scene.minis[m].point(r, x), atol=1e-6)
    np.testing.assert_allclose(scene.marker.get_center(), scene.page.point(k), atol=1e-6)
    value, where = scene.clue[1][0], scene.clue[1][1]
    assert value.text == f"number {k + 1} = {p.value}"
    assert where.text == f"map {m + 1}, row {r + 1}, column {x + 1}"
    c, h, w = maps.shape
    assert scene.summary[1][0].original_text == f"{c} × {h} × {w} = {len(flat)}"


@pytest.mark.parametrize("example", EXAMPLES)
def test_page_is_the_flat_vector(scenes, example):
    check_page_is_the_flat_vector(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_maps_are_the_pooled_output(scenes, example):
    check_maps(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_strongest_clue_keeps_its_place(scenes, example):
    check_strongest(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_sections_beats_and_captions(scenes, example):
    scene = scenes[example]
    assert [name for name, _ in scene.sections] == ["title", "maps", "read", "row-1", "rows", "stack", "line-up"]
    assert all(b.id.startswith("flatten.") for b in scene.beats)
    caps = scene.captions
    assert all(end <= nxt + 1e-9 for (_, end, _), (nxt, _, _) in zip(caps, caps[1:]))
    assert 20 <= scene.time <= 90
    texts = [t for _, _, t in caps]
    assert any("jury" in t for t in texts) and scene.plan.clue in texts
    assert not any("map 0" in t or "#" in t or "row 0" in t for t in texts)


def test_custom_image_and_users_model(custom):
    assert custom.story.custom_image and custom.story.network.class_names == ("anna", "ben")
    check_page_is_the_flat_vector(custom)
    check_maps(custom)
    check_strongest(custom)


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    resolution, example = RATIOS[ratio]
    build("flatten", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
