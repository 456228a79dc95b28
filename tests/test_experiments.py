import numpy as np
import pytest

import engine
from engine.experiments import background, learning_step, scale, shift


def _image(name, cls=None):
    ex = engine.get_example(name)
    return ex.load_image(ex.image_path(cls))


@pytest.mark.parametrize("name", ["tick-cross", "face"])
def test_learning_step_follows_the_gradient(models, name):
    net = models[name]
    ex = engine.get_example(name)
    x = _image(name)
    wrong = ex.class_names[-1]  # a wrong label gives a large loss and gradient
    st = learning_step(net, x, wrong, lr=0.05)
    tr = net.trace(x, label=wrong)
    assert st.loss == pytest.approx(tr.loss)
    np.testing.assert_allclose(st.dlogits, tr.probabilities - np.eye(len(ex.class_names))[st.label])
    # dLoss/dW of the dense layer is the outer product of dlogits and the flattened evidence.
    np.testing.assert_allclose(st.grads["dense1.weight"], np.outer(st.dlogits, tr.flat))
    for key, g in st.grads.items():
        np.testing.assert_allclose(st.after[key], st.before[key] - 0.05 * g)
    assert st.new_loss < st.loss
    np.testing.assert_allclose(st.new_probabilities, net.copy_with(st.after).trace(x).probabilities)
    np.testing.assert_array_equal(net.state_dict()["dense1.weight"], st.before["dense1.weight"])  # unchanged


def test_bundled_models_carry_history_snapshots_and_lr_runs(models):
    for name, net in models.items():
        hist = engine.History.from_dict(net.meta["history"])
        assert len(hist.records) == hist.config["epochs"] + 1
        assert [s.epoch for s in net.snapshots] == [r.epoch for r in hist.records]
        sweep = net.meta["lr_sweep"]
        assert [r["lr"] for r in sweep] == list(engine.get_example(name).lr_sweep)
        small, good, large = (r["losses"] for r in sweep)
        assert good[-1] < small[-1] and good[-1] < large[-1]  # the good rate ends lowest


def test_shift_and_scale():
    img = np.arange(2 * 4 * 5, dtype=float).reshape(2, 4, 5)
    s = shift(img, 1, -2, fill=np.array([-1.0, -2.0]))
    np.testing.assert_array_equal(s[:, 1:, :3], img[:, :3, 2:])
    assert (s[0, 0] == -1).all() and (s[1, :, 3:] == -2).all()
    np.testing.assert_array_equal(shift(img, 0, 0, 0.0), img)
    np.testing.assert_array_equal(scale(img, 1.0, 0.0), img)
    big = scale(np.pad(np.ones((1, 2, 2)), ((0, 0), (3, 3), (3, 3))), 2.0, 0.0)
    assert big.sum() > 4  # the square grew
    np.testing.assert_array_equal(background(np.ones((3, 5, 5)) * [[[1]], [[2]], [[3]]]), [1, 2, 3])
