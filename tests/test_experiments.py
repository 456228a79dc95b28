import numpy as np
import pytest

import engine
from engine.experiments import learning_step, receptive_field, top_patches


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


def _depends_on(net, layer, r, c, channel=0):
    """Brute force: input pixels whose large change moves cell (r, c) of ``layer``."""
    x0 = np.random.default_rng(0).uniform(0, 1, net.input_shape) / net.input_scale
    base = net.trace(x0).step(layer).output[channel, r, c]
    _, h, w = net.input_shape
    hit = np.zeros((h, w), dtype=bool)
    for i in range(h):
        for j in range(w):
            for v in (-50.0, 50.0):
                x = x0.copy()
                x[:, i, j] += v / net.input_scale
                if any(net.trace(x).step(layer).output[ch, r, c] != base for ch in [channel]):
                    hit[i, j] = True
                    break
    return hit


def test_receptive_field_matches_brute_force(models):
    net = models["face"].copy()
    # All-positive weights keep every ReLU open, so a change anywhere in the field shows up.
    for layer in net.layers:
        if layer.params:
            layer.weight = np.abs(layer.weight) + 0.01
    for layer_name, r, c in [("conv2", 5, 6), ("pool2", 3, 3), ("conv1", 0, 0), ("pool2", 0, 6)]:
        t, lft, b, rt = receptive_field(net, layer_name, r, c)
        hit = _depends_on(net, layer_name, r, c)
        rows, cols = np.nonzero(hit)
        assert (rows.min(), cols.min(), rows.max(), cols.max()) == (t, lft, b, rt), layer_name
    # By hand: pool2 row 3 <- conv2 rows 6-7 <- pool1 rows 5-8 <- conv1 rows 10-17 <- input rows 9-18.
    assert receptive_field(net, "pool2", 3, 3) == (9, 9, 18, 18)


def test_top_patches(models):
    net = models["face"]
    x, _ = engine.get_example("face").generate(60, 3)
    top = top_patches(net, "relu2", 2, x, k=4)
    values = [p["value"] for p in top]
    assert values == sorted(values, reverse=True) and len({p["image"] for p in top}) == 4
    for p in top:
        tr = net.trace(x[p["image"]])
        assert tr.step("relu2").output[2, p["row"], p["col"]] == pytest.approx(p["value"])
        t, lft, b, rt = p["box"]
        np.testing.assert_array_equal(p["patch"], x[p["image"]][:, t : b + 1, lft : rt + 1])
    assert values[0] == pytest.approx(max(net.trace(img).step("relu2").output[2].max() for img in x))
