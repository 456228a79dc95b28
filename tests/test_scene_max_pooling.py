import numpy as np
import pytest

from scenes.parts import Grid
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_relu import custom_image, folder_model

EXAMPLES = ("tick-cross", "face")
RATIOS = {"4:3": ((960, 720), "tick-cross"), "1:1": ((720, 720), "face"), "9:16": ((720, 1280), "tick-cross")}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("max-pooling", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A tick in blue pen on paper, and a model trained on a user's own folder."""
    tmp = tmp_path_factory.mktemp("custom")
    return build(
        "max-pooling", "tick-cross", image=custom_image("tick-cross"), model=folder_model("tick-cross"), tmp_path=tmp
    )


def pool(scene):
    return scene.trace.step("pool1")


def close(a, b):
    np.testing.assert_allclose(np.asarray(a)[:2], np.asarray(b)[:2], atol=1e-6)


def filled(view) -> np.ndarray:
    """Which cells of a pooled view are drawn filled in."""
    if isinstance(view, Grid):
        return np.array(
            [[view.cell(r, c).get_fill_opacity() == 1 for c in range(view.shape[1])] for r in range(view.shape[0])]
        )
    return (view.pixel_array[..., :3] == view.rgb).all(axis=-1)


def check_windows(scene):
    """The windows taken one by one mark the trace's winners on the readable patch."""
    p, step = scene.plan, pool(scene)
    assert (p.size, p.stride) == (step.config["size"], step.config["stride"])
    assert p.scale.vmax == pytest.approx(np.abs(step.input).max())
    r0, c0, _side = p.patch
    assert len(scene.marks) == len(p.details) >= 3
    contested = 0
    for w, mark in zip(p.details, scene.marks):
        assert w.winner == tuple(int(v) for v in step.winners[p.map, w.row, w.col])
        r, c = p.window_cells(w.row, w.col)
        window = step.input[p.map, r : r + p.size, c : c + p.size]
        assert step.input[p.map, w.winner[0], w.winner[1]] == window.max() == step.output[p.map, w.row, w.col]
        close(mark.get_center(), scene.patch_view.cell(w.winner[0] - r0, w.winner[1] - c0).get_center())
        contested += np.ptp(window) > 0
    assert contested >= 2, "the detailed windows should show real contests"


def check_views(scene):
    """The map, the readable patches and the pooled map as the trace has them, every cell filled at the end."""
    p, step = scene.plan, pool(scene)
    f = p.map
    x, y = step.input[f], step.output[f]
    np.testing.assert_array_equal(scene.in_view.values, x)
    np.testing.assert_array_equal(scene.in_view.rgb, p.scale.rgb(x))
    np.testing.assert_array_equal(scene.out_view.values, y)
    np.testing.assert_array_equal(scene.out_view.rgb, p.scale.rgb(y))
    assert filled(scene.out_view).all() and filled(scene.pooled_view).all()
    r0, c0, side = p.patch
    np.testing.assert_array_equal(scene.patch_view.values, x[r0 : r0 + side, c0 : c0 + side])
    for (r, c), v in np.ndenumerate(scene.patch_view.values):
        assert scene.patch_view.number(r, c).original_text == p.text(v)
        np.testing.assert_array_equal(fill_rgb(scene.patch_view.cell(r, c)), p.scale.rgb(np.array(v)))
    wi, wj, n = p.region
    np.testing.assert_array_equal(scene.pooled_view.values, y[wi : wi + n, wj : wj + n])
    for (r, c), v in np.ndenumerate(scene.pooled_view.values):
        assert scene.pooled_view.number(r, c).original_text == p.text(v)
        np.testing.assert_array_equal(fill_rgb(scene.pooled_view.cell(r, c)), p.scale.rgb(np.array(v)))
    assert scene.titles[0].text.startswith(p.names[f])


def check_stack(scene):
    p, step = scene.plan, pool(scene)
    x, y = step.input, step.output
    assert len(scene.outputs) == len(y) == len(scene.inputs) == len(scene.names)
    for m, (a, b) in enumerate(zip(scene.inputs, scene.outputs)):
        np.testing.assert_array_equal(a.values, x[m])
        np.testing.assert_array_equal(b.values, y[m])
        np.testing.assert_array_equal(b.rgb, p.scale.rgb(y[m]))
        # the pooled map is drawn at the input's cell size: it visibly shrinks
        assert b.height == pytest.approx(a.height * y.shape[1] / x.shape[1])
        assert scene.names[m].original_text == f"map {m + 1}"
    n, h, w = x.shape
    summary = scene.summary[1][0].original_text
    assert f"{x.size}" in summary and f"{y.size}" in summary and f"{h} × {w}" in summary


@pytest.mark.parametrize("example", EXAMPLES)
def test_detailed_windows_highlight_the_trace_winners(scenes, example):
    check_windows(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_pooled_map_is_the_trace_output(scenes, example):
    check_views(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_sweep_follows_the_winners(scenes, example):
    scene = scenes[example]
    p, step = scene.plan, pool(scene)
    frame, winner = scene.sweep_frame.copy(), scene.sweep_winner.copy()
    _c, ho, wo = step.output.shape
    detailed = {(w.row, w.col) for w in p.details}
    try:
        for n in (0, p.count // 3, p.count // 2 + 1, p.count - 1):
            scene.place_frame(frame, n)
            scene.place_winner(winner, n)
            i, j = divmod(n, wo)
            wr, wc = step.winners[p.map, i, j]
            close(winner.get_center(), scene.in_view.point(wr, wc))
            top_left = scene.in_view.point(i * p.stride, j * p.stride)
            bottom_right = scene.in_view.point(i * p.stride + p.size - 1, j * p.stride + p.size - 1)
            close(frame.get_center(), (top_left + bottom_right) / 2)
            scene.out_view.reveal(p.filled(n))  # what the sweep's updater draws at window n
            expected = (np.arange(ho * wo) <= n).reshape(ho, wo)
            for a, b in detailed:
                expected[a, b] = True
            np.testing.assert_array_equal(filled(scene.out_view), expected)
    finally:
        scene.out_view.reveal(p.filled(p.count))
    assert filled(scene.out_view).all()


@pytest.mark.parametrize("example", EXAMPLES)
def test_stack_of_all_pooled_maps(scenes, example):
    check_stack(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_sections_beats_and_captions(scenes, example):
    scene = scenes[example]
    names = [name for name, _ in scene.sections]
    assert names == ["title", "maps", "zoom", "windows", "sweep", "stack"]
    assert all(b.id.startswith("max-pooling.") for b in scene.beats)
    for (_, end, _), (start, _, _) in zip(scene.captions, scene.captions[1:]):
        assert end <= start + 1e-6, "captions overlap"
    texts = [t for _, _, t in scene.captions]
    assert all(w.sentence in texts for w in scene.plan.details) and scene.plan.shrink in texts
    assert not any("map 0" in t for t in texts)
    assert 20 <= scene.time <= 90


def test_custom_image_and_users_model(custom):
    assert custom.story.custom_image and custom.story.network.class_names == ("no", "yes")
    step = pool(custom)
    for w in custom.plan.details:
        assert w.winner == tuple(int(v) for v in step.winners[custom.plan.map, w.row, w.col])
    check_windows(custom)
    check_views(custom)
    check_stack(custom)


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    resolution, example = RATIOS[ratio]
    build("max-pooling", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
