import numpy as np
import pytest
from PIL import Image, ImageOps

from scenes import legacy_style as style
from scenes.legacy_style import fmt
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("flatten", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """The captain photo mirrored and inverted: a face the network never saw."""
    from engine import get_example

    tmp = tmp_path_factory.mktemp("custom")
    src = Image.open(get_example("face").image_path("Captain")).convert("RGB")
    path = tmp / "odd-face.png"
    ImageOps.invert(ImageOps.mirror(src)).save(path)
    return build("flatten", "face", image=path, tmp_path=tmp)


def check_column_is_the_flat_vector(scene):
    flat = scene.trace.flat
    col = scene.column
    np.testing.assert_array_equal(col.values, flat)
    assert col.shown[0] == 0 and col.shown[-1] == len(flat) - 1
    assert col.shown == sorted(col.shown)
    for k, i in enumerate(col.shown):
        assert col.numbers[k].original_text == fmt(flat[i])
        assert scene.index_labels[k].original_text == f"#{i}"
        np.testing.assert_array_equal(fill_rgb(col.neurons[k]), scene.cmap.rgb(np.array(flat[i])))
    # the column is drawn top to bottom in index order
    ys = [n.get_center()[1] for n in col.neurons]
    assert all(a > b for a, b in zip(ys, ys[1:]))


@pytest.mark.parametrize("example", EXAMPLES)
def test_flatten_order_is_map_row_column(scenes, example):
    scene = scenes[example]
    pooled = scene.trace.steps_of("Flatten")[0].input
    c, h, w = pooled.shape
    # the engine's order: map 0 row 0 left to right, then row 1, ..., then map 1 ...
    expected = np.array([pooled[m, r, x] for m in range(c) for r in range(h) for x in range(w)])
    np.testing.assert_array_equal(scene.trace.flat, expected)
    np.testing.assert_array_equal(scene.strip.values, expected)
    # the first entries of the column are row 0 of map 0, the last ones the bottom row of the last map
    head = scene.head
    np.testing.assert_array_equal(scene.column.values[scene.column.shown[:head]], pooled[0].ravel()[:head])
    np.testing.assert_array_equal(scene.column.values[scene.column.shown[-w:]], pooled[-1, -1])
    check_column_is_the_flat_vector(scene)


@pytest.mark.parametrize("example", EXAMPLES)
def test_strip_shows_every_entry_in_order(scenes, example):
    scene = scenes[example]
    flat = scene.trace.flat
    cells = scene.strip.cells
    assert len(cells) == len(flat)
    rgb = np.array([fill_rgb(cell) for cell in cells])
    np.testing.assert_array_equal(rgb, scene.cmap.rgb(flat))
    ys = np.array([cell.get_center()[1] for cell in cells])
    assert np.all(np.diff(ys) < 0)
    assert scene.cmap.vmax == pytest.approx(np.abs(flat).max())


@pytest.mark.parametrize("example", EXAMPLES)
def test_maps_are_the_pooled_output(scenes, example):
    scene = scenes[example]
    pooled = scene.trace.steps_of("Flatten")[0].input
    assert len(scene.small_maps) == pooled.shape[0]
    for k, grid in enumerate(scene.small_maps):
        np.testing.assert_array_equal(grid.values, pooled[k])
        np.testing.assert_array_equal(grid.rgb, scene.cmap.rgb(pooled[k]))
    big = scene.big
    np.testing.assert_array_equal(big.values, pooled[0])
    for (r, x), v in np.ndenumerate(pooled[0]):
        assert big.number(r, x).original_text == fmt(v)
        np.testing.assert_array_equal(fill_rgb(big.cell(r, x)), scene.cmap.rgb(np.array(v)))


@pytest.mark.parametrize("example", EXAMPLES)
def test_strongest_clue_keeps_its_place(scenes, example):
    scene = scenes[example]
    flat = scene.trace.flat
    pooled = scene.trace.steps_of("Flatten")[0].input
    k, m, r, x = scene.strongest
    assert k == int(np.argmax(flat))
    assert pooled[m, r, x] == flat[k]
    assert scene.clue_value.original_text == f"#{k} = {fmt(flat[k])}"
    np.testing.assert_allclose(scene.spot.get_center(), scene.small_maps[m].cell_center(r, x), atol=1e-6)
    assert scene.marker.get_center()[1] == pytest.approx(scene.strip.cells[k].get_center()[1], abs=1e-6)
    assert (
        scene.summary[1][0].original_text == f"{pooled.shape[0]} × {pooled.shape[1]} × {pooled.shape[2]} = {len(flat)}"
    )


@pytest.mark.parametrize("example", EXAMPLES)
def test_nothing_off_screen_steps_and_captions(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    assert [name for name, _ in scene.steps] == ["title", "maps", "row-0", "rows", "stack", "line-up"]
    caps = scene.captions
    assert all(end <= nxt + 1e-9 for (_, end, _), (nxt, _, _) in zip(caps, caps[1:]))
    assert 20 <= scene.time <= 90
    assert any("jury" in text for _, _, text in caps)


def test_custom_image(custom):
    assert custom.story.custom_image
    check_column_is_the_flat_vector(custom)
    np.testing.assert_array_equal(custom.strip.values, custom.trace.flat)
    assert custom.cmap == style.Diverging.for_values(custom.trace.flat)
    assert not on_screen(custom)
