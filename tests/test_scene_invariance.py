import numpy as np
import pytest
from PIL import Image

from scenes.plans.numbers import prob
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_training_folder import folder_model  # noqa: F401 - a fixture

EXAMPLES = ["tick-cross", "face"]
RATIOS = {"4:3": ("face", (960, 720)), "1:1": ("tick-cross", (720, 720)), "9:16": ("face", (720, 1280))}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, folder_model):  # noqa: F811
    tmp = tmp_path_factory.mktemp("invariance")
    out = {ex: build("invariance", ex, tmp_path=tmp) for ex in EXAMPLES}
    # A custom photo: the shipped professor moved 3 pixels down, no label.
    rgb = np.array(Image.open(load_story("face").example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, 3, axis=0)).save(tmp / "lower.png")
    out["custom"] = build("invariance", "face", image=tmp / "lower.png", tmp_path=tmp)
    out["folder"] = build("invariance", "tick-cross", model=folder_model, tmp_path=tmp)
    return out


ALL = [*EXAMPLES, "custom", "folder"]


def check_column(scene, col, version):
    p = scene.plan
    np.testing.assert_array_equal(col["picture"].values, version.picture)
    np.testing.assert_array_equal(col["conv"].values, version.conv)
    np.testing.assert_array_equal(col["pool"].values, version.pool)
    np.testing.assert_array_equal(col["conv"].rgb, p.conv_scale.rgb(version.conv))
    np.testing.assert_array_equal(col["pool"].rgb, p.pool_scale.rgb(version.pool))
    # The box sits on the strongest cell of each map.
    for key, peak in (("conv", version.conv_peak), ("pool", version.pool_peak)):
        assert col[f"{key}_peak"] == peak
        np.testing.assert_allclose(col[f"{key}_box"].get_center(), col[key].point(*peak), atol=1e-6)
    assert [m.original_text for m in col["numbers"]] == [prob(q) for q in version.probabilities]
    assert tuple(fill_rgb(col["numbers"][version.prediction])) == (0x5E, 0xF3, 0x8C)  # style.WINNER
    assert col["head"].original_text == version.head


@pytest.mark.parametrize("key", ALL)
def test_shift_table_is_the_plan(scenes, key):
    scene = scenes[key]
    versions = scene.plan.shifted
    assert len(scene.columns) == len(versions)
    for col, v in zip(scene.columns, versions):
        check_column(scene, col, v)
    np.testing.assert_array_equal(scene.columns[0]["conv"].values, scene.trace.step(scene.plan.conv_name).output[0])
    assert [m.original_text for m in scene.row_labels] == list(scene.plan.row_labels)


@pytest.mark.parametrize("key", ["face", "custom"])
def test_scale_table_is_the_plan(scenes, key):
    scene = scenes[key]
    assert [v.factor for v in scene.plan.scaled] == [None, 0.85, 1.15]
    for col, v in zip(scene.scale_columns, scene.plan.scaled):
        check_column(scene, col, v)


def test_drawings_are_not_scaled(scenes):
    assert scenes["tick-cross"].plan.scaled == ()
    assert [name for name, _ in scenes["tick-cross"].sections] == ["title", "shift", "limits"]
    assert [name for name, _ in scenes["face"].sections] == ["title", "shift", "scale", "limits"]


@pytest.mark.parametrize("key", ALL)
def test_the_scan_shown_is_the_plan(scenes, key):
    scene = scenes[key]
    p = scene.plan
    f = p.failed
    dy, dx = p.scan.direction
    assert scene.fail_shift == (dy * f.k, dx * f.k)
    np.testing.assert_array_equal(scene.fail_picture.values, f.picture)
    bars = scene.fail_bars
    np.testing.assert_allclose(bars.values, f.probabilities, atol=1e-12)
    for c, q in enumerate(f.probabilities):
        assert bars.bars[c].height == pytest.approx(max(bars.max_height * q, 1e-4))
        assert bars.numbers[c].original_text == prob(q)
    assert scene.fail_readout.original_text == f.readout
    assert scene.fail_note[1][0].original_text == p.limit_note
    # The chart: p(reference) after every move up to the one shown, a dot per move.
    drawn = np.array([scene.chart.p2c(d.get_center()) for d in scene.trail_dots.dots])
    np.testing.assert_allclose(drawn[:, 0], np.arange(f.k + 1), atol=1e-6)
    np.testing.assert_allclose(drawn[:, 1], p.chart_values[: f.k + 1], atol=1e-6)


@pytest.mark.parametrize("key", ALL)
def test_captions_tell_the_plan(scenes, key):
    scene = scenes[key]
    p = scene.plan
    texts = [t for *_, t in scene.captions]
    for claim in (p.shift_intro, p.conv_claim, p.pool_claim, p.shift_verdict, p.limit_intro, p.limit_text):
        assert claim in texts
    # Captions never overlap (up to half a frame: skipped animations advance the clock by their exact
    # run time, rendered ones by whole frames).
    starts = [c[0] for c in scene.captions]
    ends = [c[1] for c in scene.captions]
    assert all(e <= s + 0.5 / 15 for e, s in zip(ends, starts[1:]))
    assert 20 <= scene.time <= 90
    assert any(str(p.failed.k) in t for t in texts)


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    example, resolution = RATIOS[ratio]
    build("invariance", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
