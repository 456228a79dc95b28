import numpy as np
import pytest
from manim import Text
from PIL import Image

import engine
from scenes import legacy_style as style
from scenes.legacy_style import fmt
from scenes.prob_parts import precise_prob
from scenes.story import load_story
from scenes.training import percent
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ["tick-cross", "face"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("training")
    out = {ex: build("training", ex, tmp_path=tmp) for ex in EXAMPLES}
    # A custom drawing: the shipped cross, mirrored left to right, with no label.
    cross = np.array(Image.open(load_story("tick-cross").example.image_path("cross")).convert("L"))
    Image.fromarray(cross[:, ::-1]).save(tmp / "mirrored.png")
    out["custom"] = build("training", "tick-cross", image=tmp / "mirrored.png", tmp_path=tmp)
    return out


ALL = [*EXAMPLES, "custom"]


def corners(curve) -> np.ndarray:
    """The points a PlotLine passes through, in order."""
    return np.vstack([curve.get_start_anchors(), curve.get_end_anchors()[-1:]])


@pytest.mark.parametrize("example", EXAMPLES)
def test_history_curves_are_the_history(scenes, example):
    scene = scenes[example]
    h = engine.History.from_dict(scene.story.network.meta["history"])
    epochs = h.column("epoch")
    for column, ax in [
        ("train_loss", scene.loss_axes),
        ("val_loss", scene.loss_axes),
        ("train_accuracy", scene.acc_axes),
        ("val_accuracy", scene.acc_axes),
    ]:
        values = h.column(column)
        curve = scene.curves[column]
        np.testing.assert_allclose(curve.xs, epochs)
        np.testing.assert_allclose(curve.ys, values)
        drawn = np.array([ax.p2c(p) for p in corners(curve)])
        np.testing.assert_allclose(drawn[:, 0], epochs, atol=1e-6)
        np.testing.assert_allclose(drawn[:, 1], values, atol=1e-6)
        dots = np.array([ax.p2c(d.get_center()) for d in scene.points[column]])
        np.testing.assert_allclose(dots[:, 1], values, atol=1e-6)
    # The exam box quotes the last validation accuracy and the held-out accuracy.
    texts = [m.original_text for m in scene.exam_box[1]]
    assert percent(h.column("val_accuracy")[-1]) in texts[0]
    assert percent(scene.story.network.meta["held_out_accuracy"]) in texts[1]


@pytest.mark.parametrize("example", EXAMPLES)
def test_learning_rate_curves_are_the_sweep(scenes, example):
    scene = scenes[example]
    sweep = scene.story.network.meta["lr_sweep"]
    assert len(scene.lr_curves) == len(sweep) == 3
    for curve, run in zip(scene.lr_curves, sweep):
        drawn = np.array([scene.lr_axes.p2c(p) for p in corners(curve)])
        steps = run["every"] * np.arange(1, len(run["losses"]) + 1)
        np.testing.assert_allclose(drawn[:, 0], steps, atol=1e-6)
        np.testing.assert_allclose(10 ** (drawn[:, 1] + scene.lr_log_floor), run["losses"], rtol=1e-6)
    key = [t.original_text for t in scene.lr_key.get_family() if isinstance(t, Text)]
    for run in sweep:
        assert f"lr = {run['lr']:g}" in key
    assert "too small: slow" in key and any(k.startswith("too large") for k in key)


@pytest.mark.parametrize("example", ALL)
def test_guess_before_and_after(scenes, example):
    scene = scenes[example]
    net = scene.story.network
    first, last = net.snapshots[0].epoch, net.snapshots[-1].epoch
    early = net.at_snapshot(first).trace(scene.trace.image)
    late = net.at_snapshot(last).trace(scene.trace.image)
    bars = scene.bars
    np.testing.assert_allclose(bars.before, early.probabilities)
    np.testing.assert_allclose(bars.after, scene.trace.probabilities)
    np.testing.assert_allclose(bars.after, late.probabilities, atol=1e-12)  # the final snapshot is the model
    for k in range(len(scene.trace.class_names)):
        assert bars.bars_before[k].height == pytest.approx(max(bars.max_height * early.probabilities[k], 1e-4))
        assert bars.bars_after[k].height == pytest.approx(max(bars.max_height * late.probabilities[k], 1e-4))
        assert bars.numbers_before[k].original_text == precise_prob(early.probabilities[k])
        assert bars.numbers_after[k].original_text == precise_prob(scene.trace.probabilities[k])
    win = scene.trace.prediction
    assert tuple(fill_rgb(bars.bars_after[win])) == (0x5E, 0xF3, 0x8C)  # style.WINNER


@pytest.mark.parametrize("example", ALL)
def test_filters_and_maps_early_and_late(scenes, example):
    scene = scenes[example]
    net = scene.story.network
    conv = scene.trace.steps_of("Conv2D")[0].name
    early = net.at_snapshot(net.snapshots[0].epoch).trace(scene.trace.image)
    np.testing.assert_array_equal(scene.maps[0].values, early.step(conv).output[0])
    np.testing.assert_array_equal(scene.maps[1].values, scene.trace.step(conv).output[0])
    for group, trace in zip(scene.filters, (early, scene.trace)):
        w = trace.step(conv).params["weight"]
        assert len(group) == w.shape[0]
        for f, column in enumerate(group):
            for ch, grid in enumerate(column):
                np.testing.assert_array_equal(grid.values, w[f, ch])
    # Both maps share one colour scale, so the colours of equal values match.
    cmap = style.Diverging.for_values(scene.maps[0].values, scene.maps[1].values)
    for m in scene.maps:
        np.testing.assert_array_equal(m.rgb, cmap.rgb(m.values))
    if not scene.is_rgb:  # tick-cross filters carry their numbers
        for group, trace in zip(scene.filters, (early, scene.trace)):
            w = trace.step(conv).params["weight"]
            for f, column in enumerate(group):
                for (r, c), v in np.ndenumerate(w[f, 0]):
                    assert column[0].number(r, c).original_text == fmt(v, 2)


@pytest.mark.parametrize("example", ALL)
def test_nothing_off_screen_and_steps(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    assert [name for name, _ in scene.steps] == ["title", "curves", "exam", "guess", "filters", "learning-rate"]
    ends = [c[1] for c in scene.captions]
    starts = [c[0] for c in scene.captions]
    assert all(e <= s + 1e-6 for e, s in zip(ends, starts[1:]))  # captions never overlap
    assert 20 <= scene.time <= 90


def test_custom_image_is_traced(scenes, tmp_path_factory):
    scene = scenes["custom"]
    assert scene.story.custom_image and scene.story.label_assumed
    ex = scene.story.example
    shipped = ex.load_image(ex.image_path("cross"))
    np.testing.assert_array_equal(scene.trace.image[0], shipped[0, :, ::-1])
    assert not np.array_equal(scene.maps[1].values, scenes["tick-cross"].maps[1].values)
