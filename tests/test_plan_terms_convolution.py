import numpy as np
import pytest

from scenes.plans.terms import ConvTerms, channel_sums, conv_terms, match_map, weight_scale


def terms(patch, weights, match=None):
    patch, weights = np.asarray(patch, float), np.asarray(weights, float)
    products = patch * weights
    total = float(products.sum())
    if match is None:
        match = float(np.clip(total / np.abs(weights).sum(), -1, 1))
    return ConvTerms(0, 0, 0, 0, 0, patch, weights, products, total, 0.0, total, match)


def test_channel_sums_add_up_per_channel():
    rng = np.random.default_rng(0)
    t = terms(rng.normal(size=(3, 3, 3)), rng.normal(size=(3, 3, 3)))
    sums = channel_sums(t)
    np.testing.assert_allclose(sums, [t.products[c].sum() for c in range(3)])
    assert np.isclose(sums.sum(), t.total)


def test_weight_scale_turns_the_sum_into_the_match():
    w = np.array([[[1, -1, 1], [1, 1, -1], [-1, -1, 1]]], float)
    t = terms(np.sign(w), w)  # the patch is the filter's sign pattern: a perfect match
    assert weight_scale(t) == 9
    assert t.total / weight_scale(t) == 1 == t.match


def test_weight_scale_rejects_terms_that_disagree():
    w = np.ones((1, 3, 3))
    with pytest.raises(AssertionError):
        weight_scale(terms(np.ones((1, 3, 3)), w, match=0.5))


def test_on_a_real_trace():
    import engine

    ex = engine.get_example("tick-cross")
    trace = engine.load_model("tick-cross").trace(ex.load_image(ex.image_path()))
    t = conv_terms(trace, "conv1", 1, 4, 5)
    assert np.isclose(channel_sums(t).sum(), t.total)
    assert np.isclose(t.total / weight_scale(t), match_map(trace, "conv1")[1, 4, 5])
