import numpy as np
import pytest
from manim import Text
from PIL import Image

from scenes.plans.numbers import fmt, percent
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_training_folder import folder_model  # noqa: F401 - a fixture

EXAMPLES = ["tick-cross", "face"]
RATIOS = {"4:3": ("face", (960, 720)), "1:1": ("tick-cross", (720, 720)), "9:16": ("face", (720, 1280))}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, folder_model):  # noqa: F811
    tmp = tmp_path_factory.mktemp("training")
    out = {ex: build("training", ex, tmp_path=tmp) for ex in EXAMPLES}
    # A custom drawing: the shipped cross, mirrored left to right, with no label.
    cross = np.array(Image.open(load_story("tick-cross").example.image_path("cross")).convert("L"))
    Image.fromarray(cross[:, ::-1]).save(tmp / "mirrored.png")
    out["custom"] = build("training", "tick-cross", image=tmp / "mirrored.png", tmp_path=tmp)
    out["folder"] = build("training", "tick-cross", model=folder_model, tmp_path=tmp)
    return out


ALL = [*EXAMPLES, "custom", "folder"]


def corners(curve) -> np.ndarray:
    """The points a PlotLine passes through, in order."""
    return np.vstack([curve.get_start_anchors(), curve.get_end_anchors()[-1:]])


def texts_of(mob) -> list[str]:
    return [t.original_text for t in mob.get_family() if isinstance(t, Text)]


@pytest.mark.parametrize("example", ALL)
def test_history_curves_are_the_history(scenes, example):
    scene = scenes[example]
    c = scene.plan.curves
    for column, ax in [
        ("train_loss", scene.loss_axes),
        ("val_loss", scene.loss_axes),
        ("train_accuracy", scene.acc_axes),
        ("val_accuracy", scene.acc_axes),
    ]:
        values = getattr(c, column)
        curve = scene.curves[column]
        np.testing.assert_allclose(curve.xs, c.epochs)
        np.testing.assert_allclose(curve.ys, values)
        drawn = np.array([ax.p2c(p) for p in corners(curve)])
        np.testing.assert_allclose(drawn[:, 0], c.epochs, atol=1e-6)
        np.testing.assert_allclose(drawn[:, 1], values, atol=1e-6)
        dots = np.array([ax.p2c(d.get_center()) for d in scene.points[column]])
        np.testing.assert_allclose(dots[:, 1], values, atol=1e-6)
    # The exam line quotes the last validation accuracy and the held-out accuracy.
    texts = texts_of(scene.exam_box)
    assert texts == list(c.exam_lines)
    assert percent(c.val_accuracy[-1]) in texts[0]
    held = scene.story.network.meta.get("held_out_accuracy")
    if held is not None:
        assert percent(held) in texts[1]


@pytest.mark.parametrize("example", ALL)
def test_learning_rate_curves_are_the_runs(scenes, example):
    scene = scenes[example]
    r = scene.plan.rates
    sweep = scene.story.network.meta["lr_sweep"]
    assert len(scene.lr_curves) == len(sweep) == len(r.runs)
    for curve, run in zip(scene.lr_curves, r.runs):
        drawn = np.array([scene.lr_axes.p2c(p) for p in corners(curve)])
        np.testing.assert_allclose(drawn[:, 0], run.steps, atol=1e-6)
        np.testing.assert_allclose(10 ** (drawn[:, 1] + scene.lr_log_floor), run.drawn, rtol=1e-6)
        np.testing.assert_array_equal(fill_rgb_stroke(curve), hex_rgb(run.colour))
    key = texts_of(scene.lr_key)
    words = " ".join(key)
    for run in r.runs:
        assert run.rate in key and run.label in words  # every label as the plan chose it from its run
    assert (r.guess_y is not None) == ("blind guess" in key)


def fill_rgb_stroke(mob) -> np.ndarray:
    return np.round(np.array(mob.get_stroke_color().to_rgb()) * 255).astype(int)


def hex_rgb(h: str) -> np.ndarray:
    return np.array([int(h[i : i + 2], 16) for i in (1, 3, 5)])


@pytest.mark.parametrize("example", ALL)
def test_guess_before_and_after(scenes, example):
    scene = scenes[example]
    g, bars = scene.plan.guess, scene.pairs
    np.testing.assert_allclose(bars.before, g.before)
    np.testing.assert_allclose(bars.after, g.after)
    for k in range(len(g.before)):
        assert bars.bars_before[k].height == pytest.approx(max(bars.max_height * g.before[k], 1e-4), abs=1e-6)
        assert bars.bars_after[k].height == pytest.approx(max(bars.max_height * g.after[k], 1e-4), abs=1e-6)
        assert bars.numbers_before[k].original_text == g.before_texts[k]
        assert bars.numbers_after[k].original_text == g.after_texts[k]
    win = scene.trace.prediction
    assert tuple(fill_rgb(bars.bars_after[win])) == (0x5E, 0xF3, 0x8C)  # style.WINNER
    # the chance line sits at 1 / classes of the bars' height
    assert scene.chance.get_y() - bars.baseline.get_y() == pytest.approx(bars.max_height * g.chance, abs=1e-6)


@pytest.mark.parametrize("example", ALL)
def test_filters_and_maps_early_and_late(scenes, example):
    scene = scenes[example]
    f = scene.plan.filters
    np.testing.assert_array_equal(scene.maps[0].values, f.map_early)
    np.testing.assert_array_equal(scene.maps[1].values, f.map_late)
    for group, w in zip(scene.filters, (f.early, f.late)):
        assert len(group) == w.shape[0]
        for i, column in enumerate(group):
            for ch, grid in enumerate(column):
                np.testing.assert_array_equal(grid.values, w[i, ch])
                np.testing.assert_array_equal(grid.rgb, f.weight_scale.rgb(w[i, ch]))
    for m in scene.maps:  # both maps share one colour scale
        np.testing.assert_array_equal(m.rgb, f.map_scale.rgb(m.values))
    if not scene.is_rgb:  # tick-cross filters carry their numbers (a texture: the pattern is the point)
        for group, w in zip(scene.filters, (f.early, f.late)):
            for i, column in enumerate(group):
                for (r, c), v in np.ndenumerate(w[i, 0]):
                    assert column[0].number(r, c).original_text == fmt(v, 2)


@pytest.mark.parametrize("example", ALL)
def test_sections_and_captions(scenes, example):
    scene = scenes[example]
    p = scene.plan
    assert [name for name, _ in scene.sections] == ["title", "curves", "exam", "guess", "filters", "learning-rate"]
    texts = [t for *_, t in scene.captions]
    for claim in (p.curves.story, p.curves.exam_text, p.guess.before_text, p.guess.after_text, p.filters.late_text,
                  p.rates.story):  # fmt: skip
        assert claim in texts
    # Captions never overlap (up to half a frame: skipped animations advance the clock by their exact
    # run time, rendered ones by whole frames).
    ends, starts = [c[1] for c in scene.captions], [c[0] for c in scene.captions]
    assert all(e <= s + 0.5 / 15 for e, s in zip(ends, starts[1:]))
    assert 20 <= scene.time <= 120


def test_custom_image_is_traced(scenes):
    scene = scenes["custom"]
    assert scene.story.custom_image and scene.story.label_assumed
    ex = scene.story.example
    shipped = ex.load_image(ex.image_path("cross"))
    np.testing.assert_array_equal(scene.trace.image[0], shipped[0, :, ::-1])
    assert not np.array_equal(scene.maps[1].values, scenes["tick-cross"].maps[1].values)


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    example, resolution = RATIOS[ratio]
    build("training", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
