"""The max-pooling plan against the trace, for the bundled models, custom images and a user's model."""

import numpy as np
import pytest

from scenes.plans.max_pooling import N_DETAIL, contested, plan, share, shrink_sentence, window_sentence
from scenes.plans.numbers import fmt
from tests.test_plan_relu import STORIES, story


@pytest.fixture(scope="module", params=STORIES)
def case(request):
    s = story(request.param)
    return s, plan(s)


def test_window_size_stride_and_scale_from_the_trace(case):
    s, p = case
    step = s.trace.step("pool1")
    assert (p.size, p.stride) == (step.config["size"], step.config["stride"])
    np.testing.assert_array_equal(p.before, step.input)
    np.testing.assert_array_equal(p.after, step.output)
    assert p.scale.vmax == pytest.approx(np.abs(step.input).max())
    assert p.count == step.output.shape[1] * step.output.shape[2]


def test_patch_and_pooled_patch_are_the_maps(case):
    _s, p = case
    r0, c0, side = p.patch
    np.testing.assert_array_equal(p.patch_values(), p.before[p.map, r0 : r0 + side, c0 : c0 + side])
    wi, wj, n = p.region
    np.testing.assert_array_equal(p.pooled_values(), p.after[p.map, wi : wi + n, wj : wj + n])
    for (a, b), v in np.ndenumerate(p.pooled_values()):
        r, c = p.window_cells(wi + a, wj + b)
        assert v == p.before[p.map, r : r + p.size, c : c + p.size].max()
    assert all(len(p.text(v)) <= 4 for v in p.patch_values().ravel())


def test_detailed_windows_are_the_trace_winners(case):
    s, p = case
    step = s.trace.step("pool1")
    assert len(p.details) >= 3
    contests = 0
    for w in p.details:
        r, c = p.window_cells(w.row, w.col)
        window = step.input[p.map, r : r + p.size, c : c + p.size]
        np.testing.assert_array_equal(w.values, window)
        assert w.winner == tuple(int(v) for v in step.winners[p.map, w.row, w.col])
        assert step.input[p.map, w.winner[0], w.winner[1]] == window.max() == step.output[p.map, w.row, w.col]
        assert w.value == window.max()
        assert w.sentence == window_sentence([fmt(v, p.decimals) for v in window.ravel()], p.text(w.value))
        assert p.text(w.value) in w.sentence
        contests += np.ptp(window) > 0
    if p.details and contested(p.details[0].values, p.decimals):
        assert contests >= 2, "the detailed windows should show real contests"
    assert [(w.row, w.col) for w in p.details] == sorted((w.row, w.col) for w in p.details)


def test_the_sweep_fills_the_pooled_map(case):
    s, p = case
    step = s.trace.step("pool1")
    _c, ho, wo = p.after.shape
    detailed = {(w.row, w.col) for w in p.details}
    for n in (0, p.count // 3, p.count - 1):
        i, j = p.position(n)
        assert (i, j) == divmod(n, wo)
        assert p.winner_at(n) == tuple(int(v) for v in step.winners[p.map, i, j])
        expected = (np.arange(ho * wo) <= n).reshape(ho, wo)
        for a, b in detailed:
            expected[a, b] = True
        np.testing.assert_array_equal(p.filled(n), expected)
    assert p.filled(p.count - 1).all()
    assert not p.shown_after(-1).any() and p.shown_after(len(p.details) - 1).sum() == len(p.details)


def test_the_summary_follows_the_shapes(case):
    _s, p = case
    c, h, w = p.before.shape
    _c, ho, wo = p.after.shape
    assert f"{h} by {w} becomes {ho} by {wo}" in p.shrink
    assert "a quarter" in p.shrink and "a quarter" in p.kept  # both bundled architectures pool 2x2, stride 2
    assert f"the strongest clue, {fmt(p.before.max())}, is still there" in p.shrink
    assert p.names[0] == "map 1" and f"map {p.map + 1}:" in p.zoom
    assert f"{p.count} windows" in p.sweep
    for text in (p.zoom, p.windows, p.sweep, p.stack, p.shrink, *(w.sentence for w in p.details)):
        assert "map 0" not in text


def test_sentences_for_every_outcome():
    assert window_sentence(["0", "0", "0", "0"], "0") == "All 4 numbers read 0: that 0 goes on."
    assert window_sentence(["1", "2.5", "0", "2"], "2.5") == "Of 1, 2.5, 0 and 2, the largest is 2.5: only it goes on."
    assert (share(10, 10, 5, 5), share(4, 4, 4, 2), share(9, 9, 3, 3), share(5, 5, 2, 2)) == (
        "a quarter",
        "half",
        "one in 9",
        "4 of 25",
    )
    assert "is still there" in shrink_sentence(10, 10, 5, 5, 6.8, 6.8)
    assert "the strongest clue left is 5.2" in shrink_sentence(5, 5, 2, 2, 6.8, 5.2)
    assert not contested(np.array([[2.31, 2.34], [0, 1]]), 1) and contested(np.array([[2.31, 2.34], [0, 1]]), 2)
    assert N_DETAIL == 3
