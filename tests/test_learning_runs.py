import numpy as np
import pytest

import engine
from engine.train import learning_step


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
    for net in models.values():
        hist = engine.History.from_dict(net.meta["history"])
        assert len(hist.records) == hist.config["epochs"] + 1
        assert [s.epoch for s in net.snapshots] == [r.epoch for r in hist.records]
        sweep = net.meta["lr_sweep"]
        assert [r["lr"] for r in sweep] == [net.meta["lr_search"]["grid"][i] for i in net.meta["lr_search"]["chosen"]]
        small, good, large = (r["final"] for r in sweep)
        assert good < small and good < large  # the good rate ends lowest
