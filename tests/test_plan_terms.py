import numpy as np
import pytest

import engine
from scenes.plans.terms import conv_terms, dense_terms, loss_terms, match_map, softmax_terms, switched_off


@pytest.fixture(scope="module")
def traces(models):
    out = {}
    for name, net in models.items():
        ex = engine.get_example(name)
        out[name] = net.trace(ex.load_image(ex.image_path()), label=ex.class_names[-1])
    return out


@pytest.mark.parametrize("name", ["tick-cross", "face"])
def test_conv_terms_everywhere_including_padding(traces, name):
    tr = traces[name]
    for step in tr.steps_of("Conv2D"):
        f_count, h, w = step.output.shape
        for f in range(f_count):
            for r, c in [(0, 0), (h - 1, w - 1), (h // 2, w // 3)]:
                t = conv_terms(tr, step.name, f, r, c)
                assert t.products.shape == step.params["weight"][f].shape
                np.testing.assert_allclose(t.total + t.bias, step.output[f, r, c])
                np.testing.assert_array_equal(t.products, t.patch * t.weights)
                assert -1 <= t.match <= 1
    if name == "face":  # the top-left receptive field hangs over the zero padding
        t = conv_terms(tr, "conv1", 0, 0, 0)
        assert (t.top, t.left) == (-1, -1)
        assert (t.patch[:, 0, :] == 0).all() and (t.patch[:, :, 0] == 0).all()
        np.testing.assert_array_equal(t.patch[:, 1:, 1:], tr.input[:, :2, :2])
    else:
        m = match_map(tr, "conv1")
        assert conv_terms(tr, "conv1", 1, 2, 3).match == pytest.approx(m[1, 2, 3])


@pytest.mark.parametrize("name", ["tick-cross", "face"])
def test_dense_softmax_loss_terms(traces, name):
    tr = traces[name]
    for k in range(len(tr.class_names)):
        d = dense_terms(tr, "dense1", k)
        np.testing.assert_allclose(d.products.sum() + d.bias, tr.logits[k])
    s = softmax_terms(tr)
    np.testing.assert_allclose(s.exps / s.total, tr.probabilities)
    np.testing.assert_allclose(s.shifted_exps / s.shifted_total, tr.probabilities)
    loss = loss_terms(tr)
    assert loss.target_entropy == 0
    for v in (loss.nll, loss.kl, loss.cross_entropy):
        assert v == pytest.approx(tr.loss)
    assert tr.loss == pytest.approx(-np.log(tr.probabilities[tr.label]))


def test_relu_switched_off(traces):
    tr = traces["tick-cross"]
    mask = switched_off(tr, "relu1")
    np.testing.assert_array_equal(tr.step("relu1").output[mask], 0)
    np.testing.assert_array_equal(tr.step("relu1").output[~mask], tr.step("relu1").input[~mask])


def test_terms_refuse_wrong_layers(traces):
    with pytest.raises(ValueError, match="not a Conv2D"):
        conv_terms(traces["face"], "dense1", 0, 0, 0)
    with pytest.raises(ValueError, match="not a Dense"):
        dense_terms(traces["face"], "conv1", 0)


def test_tick_cross_match_map_in_unit_range(models):
    ex = engine.get_example("tick-cross")
    tr = models["tick-cross"].trace(ex.load_image(ex.image_path("tick")))
    m = match_map(tr, "conv1")
    assert m.shape == tr.step("conv1").output.shape
    assert m.min() >= -1 and m.max() <= 1
    w = tr.step("conv1").params["weight"]
    raw = tr.step("conv1").output - tr.step("conv1").params["bias"][:, None, None]
    np.testing.assert_allclose(m, raw / np.abs(w).sum(axis=(1, 2, 3))[:, None, None])
