import numpy as np
import pytest
from PIL import Image

from scenes.plans.colour import Diverging
from scenes.plans.invariance import SCALES, moved, plan
from scenes.plans.invariance_scan import background, scale, shift, small_shifts
from scenes.plans.numbers import prob
from scenes.story import load_story
from tests.test_plan_training_folder import folder_model  # noqa: F401 - a fixture

EXAMPLES = ["tick-cross", "face"]
ALL = [*EXAMPLES, "custom", "folder"]


@pytest.fixture(scope="module")
def stories(tmp_path_factory, folder_model):  # noqa: F811
    out = {ex: load_story(ex) for ex in EXAMPLES}
    # A custom photo: the shipped professor moved 3 pixels down, no label.
    tmp = tmp_path_factory.mktemp("invariance")
    rgb = np.array(Image.open(out["face"].example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, 3, axis=0)).save(tmp / "lower.png")
    out["custom"] = load_story("face", image=tmp / "lower.png")
    out["folder"] = load_story("tick-cross", model=folder_model)
    return out


@pytest.fixture(scope="module")
def plans(stories):
    return {k: plan(s) for k, s in stories.items()}


def first_failure(net, img, direction, limit):
    """Brute force, independent of the scan: the first k pixels whose trace changes the verdict or
    drops its probability below 0.5 (None if none up to ``limit``)."""
    fill = background(img)
    ref = net.trace(img).prediction
    for k in range(limit + 1):
        t = net.trace(shift(img, direction[0] * k, direction[1] * k, fill))
        if t.prediction != ref or t.probabilities[ref] < 0.5:
            return k, t
    return None, t


def check_version(story, p, v, image):
    t = story.network.trace(image)
    np.testing.assert_array_equal(v.image, image)
    np.testing.assert_array_equal(v.picture, image if p.photo else image[0])
    conv, pool = t.step(p.conv_name).output[0], t.step(p.pool_name).output[0]
    np.testing.assert_array_equal(v.conv, conv)
    np.testing.assert_array_equal(v.pool, pool)
    for peak, values in ((v.conv_peak, conv), (v.pool_peak, pool)):
        assert peak == np.unravel_index(np.argmax(values), values.shape)
    np.testing.assert_array_equal(v.probabilities, t.probabilities)
    assert v.prediction == t.prediction
    assert v.texts == tuple(prob(q) for q in t.probabilities)


@pytest.mark.parametrize("key", ALL)
def test_shifted_versions_are_the_traces(stories, plans, key):
    story, p = stories[key], plans[key]
    img = story.trace.image
    fill = background(img)
    shifts = small_shifts(img, fill)
    assert [v.move for v in p.shifted] == [(0, 0), *shifts]
    assert [v.head for v in p.shifted] == [moved(*m) for m in [(0, 0), *shifts]]
    for v in p.shifted:
        check_version(story, p, v, shift(img, *v.move, fill))
    # The first version is the picture as it is, traced by the story itself.
    np.testing.assert_array_equal(p.shifted[0].conv, story.trace.step(p.conv_name).output[0])
    # One colour scale per kind of map, over every version shown.
    everything = p.shifted + p.scaled
    assert p.conv_scale == Diverging.for_values(*[v.conv for v in everything])
    assert p.pool_scale == Diverging.for_values(*[v.pool for v in everything])


@pytest.mark.parametrize("key", ["face", "custom"])
def test_scaled_versions_are_the_traces(stories, plans, key):
    story, p = stories[key], plans[key]
    img = story.trace.image
    assert [v.factor for v in p.scaled] == [None, *SCALES]
    for v in p.scaled[1:]:
        check_version(story, p, v, scale(img, v.factor, background(img)))


def test_drawings_are_not_scaled(plans):
    assert plans["tick-cross"].scaled == () and plans["folder"].scaled == ()
    assert plans["face"].scale_text


def test_moves_in_words():
    assert moved(0, 0) == "as it is"
    assert moved(0, -2) == "2 px left" and moved(1, 0) == "1 px down"
    assert moved(-2, 2) == "2 up, 2 right"


@pytest.mark.parametrize("key", ALL)
def test_claims_follow_the_versions(stories, plans, key):
    """Every sentence about the small moves says what their traces did."""
    p = plans[key]
    c0, p0 = p.shifted[0].conv_peak, p.shifted[0].pool_peak
    exact = all(v.conv_peak == (c0[0] + v.move[0], c0[1] + v.move[1]) for v in p.shifted)
    assert ("exactly the same pixels" in p.conv_claim) == exact
    assert ("not always in step" in p.conv_claim) == (not exact)
    near = all(max(abs(v.pool_peak[0] - p0[0]), abs(v.pool_peak[1] - p0[1])) <= 1 for v in p.shifted)
    assert ("same or a neighbouring cell" in p.pool_claim) == near
    for versions, text in ((p.shifted, p.shift_verdict), (p.scaled, p.scale_text)):
        if not versions:
            continue
        ref = versions[0].prediction
        flips = [v for v in versions if v.prediction != ref]
        if flips:
            kept = len(versions) - len(flips)
            assert f"wins in {kept} of {len(versions)} columns; {flips[0].head} flips it" in text
        else:
            assert "wins in every column" in text
        assert p.class_names[ref] in text


@pytest.mark.parametrize("key", ALL)
def test_failure_is_the_first_failing_shift(stories, plans, key):
    story, p = stories[key], plans[key]
    img, net, scan = story.trace.image, story.network, plans[key].scan
    limit = img.shape[2] // 2
    k, t = first_failure(net, img, scan.direction, limit)
    assert scan.failure == k
    shown = k if k is not None else limit
    assert p.failed.k == shown and [f.k for f in p.frames] == list(range(shown + 1))
    dy, dx = scan.direction
    image = shift(img, dy * shown, dx * shown, background(img))
    np.testing.assert_array_equal(p.failed.picture, image if p.photo else image[0])
    np.testing.assert_allclose(p.failed.probabilities, t.probabilities, atol=1e-12)
    assert p.failed.texts == tuple(prob(q) for q in t.probabilities)
    assert str(shown) in p.failed.readout and p.side in p.failed.readout
    ref = net.trace(img).prediction
    expected = [net.trace(shift(img, dy * j, dx * j, background(img))).probabilities[ref] for j in scan.steps]
    np.testing.assert_allclose(p.chart_values, expected, atol=1e-12)
    assert p.chart_ticks[0] == 0 and p.chart_ticks[-1] <= scan.steps[-1]


@pytest.mark.parametrize("key", ALL)
def test_the_limit_is_told_as_it_happened(stories, plans, key):
    """ "first failure at N px", "held", "still on top but unsure", "slid out", "small moves are
    harmless": each chosen from the scan's numbers."""
    p = plans[key]
    scan, names = p.scan, p.class_names
    f = p.failed
    now, ref = int(np.argmax(f.probabilities)), scan.reference
    if scan.failure is None:
        assert f"held for every move up to {f.k} px" == p.limit_note
        assert "held across the whole scan" in p.limit_text
    elif now != ref:
        assert p.limit_note == f"first failure: {f.k} px → {names[now]}"
        assert f"At {f.k} pixels the verdict gives way: {names[now]} now gets {prob(f.probabilities[now])}" in (
            p.limit_text
        )
    else:
        assert f.probabilities[ref] < scan.threshold
        assert p.limit_note.startswith(f"first failure: {f.k} px, p({names[ref]}) <")
    if scan.failure is not None:
        assert ("slid out of the picture" in p.limit_text) == (scan.cut_off > 0)
        assert ("still in view" in p.limit_text) == (scan.cut_off == 0)
    small = max(max(abs(dy), abs(dx)) for dy, dx in (v.move for v in p.shifted[1:]))
    held = all(v.prediction == p.shifted[0].prediction for v in p.shifted)
    harmless = "Small moves are harmless; big ones are not." in p.limit_text
    assert harmless == (held and scan.failure is not None and f.k > small)
    assert ("one of the small moves above was already enough" in p.limit_text) == (not held)
