import numpy as np
import pytest
from PIL import Image

from engine.experiments import background, scale, shift
from engine.invariance import small_shifts
from scenes.prob_parts import precise_prob
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ["tick-cross", "face"]


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("invariance")
    out = {ex: build("invariance", ex, tmp_path=tmp) for ex in EXAMPLES}
    # A custom photo: the shipped professor moved 3 pixels down, no label.
    story = load_story("face")
    rgb = np.array(Image.open(story.example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, 3, axis=0)).save(tmp / "lower.png")
    out["custom"] = build("invariance", "face", image=tmp / "lower.png", tmp_path=tmp)
    return out


ALL = [*EXAMPLES, "custom"]


def first_failure(net, img, direction, limit):
    """Brute force, independent of engine.extra_invariance: the first k pixels whose trace changes
    the verdict or drops its probability below 0.5 (None if none up to ``limit``)."""
    fill = background(img)
    ref = net.trace(img).prediction
    for k in range(limit + 1):
        t = net.trace(shift(img, direction[0] * k, direction[1] * k, fill))
        if t.prediction != ref or t.probabilities[ref] < 0.5:
            return k, t
    return None, t


def check_column(scene, col, version, image):
    net = scene.story.network
    t = net.trace(image)
    np.testing.assert_array_equal(version.image, image)
    np.testing.assert_array_equal(col["picture"].values, image if scene.is_rgb else image[0])
    conv = t.step(scene.conv_name).output[0]
    pool = t.step(scene.pool_name).output[0]
    np.testing.assert_array_equal(col["conv"].values, conv)
    np.testing.assert_array_equal(col["pool"].values, pool)
    np.testing.assert_array_equal(col["conv"].rgb, scene.conv_cmap.rgb(conv))
    # The box sits on the strongest cell of each map.
    for key, values in (("conv", conv), ("pool", pool)):
        r, c = np.unravel_index(np.argmax(values), values.shape)
        assert col[f"{key}_peak"] == (r, c)
        np.testing.assert_allclose(col[f"{key}_box"].get_center(), col[key].cell_center(r, c), atol=1e-6)
    texts = [m.original_text for m in col["numbers"]]
    assert texts == [precise_prob(p) for p in t.probabilities]
    assert tuple(fill_rgb(col["numbers"][t.prediction])) == (0x5E, 0xF3, 0x8C)  # style.WINNER


@pytest.mark.parametrize("example", ALL)
def test_shift_table_is_the_traces(scenes, example):
    scene = scenes[example]
    img = scene.trace.image
    fill = background(img)
    shifts = small_shifts(img, fill)
    assert [v.move for v in scene.shifted] == [(0, 0), *shifts]
    assert len(scene.columns) == len(shifts) + 1
    for col, v in zip(scene.columns, scene.shifted):
        check_column(scene, col, v, shift(img, *v.move, fill))
    # The first column is the picture as it is, traced by the story itself.
    np.testing.assert_array_equal(scene.columns[0]["conv"].values, scene.trace.step(scene.conv_name).output[0])


@pytest.mark.parametrize("example", ["face", "custom"])
def test_scale_table_is_the_traces(scenes, example):
    scene = scenes[example]
    img = scene.trace.image
    fill = background(img)
    assert [v.factor for v in scene.scaled] == [None, 0.85, 1.15]
    for col, v in zip(scene.scale_columns[1:], scene.scaled[1:]):
        check_column(scene, col, v, scale(img, v.factor, fill))


def test_drawings_are_not_scaled(scenes):
    assert scenes["tick-cross"].scaled == []
    assert [name for name, _ in scenes["tick-cross"].steps] == ["title", "shift", "limits"]
    assert [name for name, _ in scenes["face"].steps] == ["title", "shift", "scale", "limits"]


@pytest.mark.parametrize("example", ALL)
def test_failure_is_the_first_failing_shift(scenes, example):
    scene = scenes[example]
    img = scene.trace.image
    net = scene.story.network
    scan = scene.scan
    limit = img.shape[2] // 2
    k, t = first_failure(net, img, scan.direction, limit)
    assert scan.failure == k
    shown = k if k is not None else limit
    dy, dx = scan.direction
    assert scene.fail_shift == (dy * shown, dx * shown)
    image = shift(img, dy * shown, dx * shown, background(img))
    np.testing.assert_array_equal(scene.fail_picture.values, image if scene.is_rgb else image[0])
    bars = scene.fail_bars
    np.testing.assert_allclose(bars.values, t.probabilities, atol=1e-12)
    for c, p in enumerate(t.probabilities):
        assert bars.bars[c].height == pytest.approx(max(bars.max_height * p, 1e-4))
        assert bars.numbers[c].original_text == precise_prob(p)
    assert str(shown) in scene.fail_readout.original_text
    # The chart: p(reference) after every move up to the one shown.
    ref = net.trace(img).prediction
    dots = scene.trail[1:] if len(scene.trail) > shown + 1 else scene.trail
    drawn = np.array([scene.chart.p2c(d.get_center()) for d in dots])
    expected = [net.trace(shift(img, dy * j, dx * j, background(img))).probabilities[ref] for j in range(shown + 1)]
    np.testing.assert_allclose(drawn[:, 0], np.arange(shown + 1), atol=1e-6)
    np.testing.assert_allclose(drawn[:, 1], expected, atol=1e-6)


def test_failure_cases_of_the_shipped_images(scenes):
    # Numbers of the bundled models, so a change of the story shows up here.
    tick, face = scenes["tick-cross"].scan, scenes["face"].scan
    assert tick.direction == (0, -1) and tick.failure == 6 and tick.cut_off > 0
    assert face.direction == (0, 1) and face.failure == 8
    assert "6 px → cross" in scenes["tick-cross"].fail_note[1][0].original_text


@pytest.mark.parametrize("example", ALL)
def test_nothing_off_screen_and_captions(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    starts = [c[0] for c in scene.captions]
    ends = [c[1] for c in scene.captions]
    assert all(e <= s + 1e-6 for e, s in zip(ends, starts[1:]))
    assert 20 <= scene.time <= 90
    assert any(str(scene.scan.shown) in c[2] for c in scene.captions)
