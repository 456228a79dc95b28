import numpy as np
import pytest

import engine
from engine.datasets import draw_tick_cross, image_folder
from engine.images import save_image


@pytest.mark.parametrize("name", ["tick-cross", "face"])
def test_training_from_scratch_reaches_98_percent_held_out(name):
    net, history = engine.train_example(name)
    assert engine.held_out_accuracy(net, name) >= 0.98
    assert history.records[0].epoch == 0 and len(history.records) == history.config["epochs"] + 1
    assert history.column("train_loss")[-1] < history.column("train_loss")[0] / 10
    assert [s.epoch for s in net.snapshots] == list(range(history.config["epochs"] + 1))


def test_bundled_models_reach_98_percent_held_out(models):
    for name, net in models.items():
        assert engine.held_out_accuracy(net, name) >= 0.98


def test_training_is_deterministic():
    a, ha = engine.train_example("tick-cross", n=400, epochs=2)
    b, hb = engine.train_example("tick-cross", n=400, epochs=2)
    assert ha.to_dict() == hb.to_dict()
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k], v)


def test_sgd_momentum_matches_torch_formula():
    layer = engine.Dense(2, 1)
    net = engine.Network([layer], ["a"])
    layer.weight, layer.bias = np.array([[1.0, 2.0]]), np.array([0.5])
    opt = engine.SGD(net, lr=0.1, momentum=0.9)
    for _ in range(2):
        layer.grads = {"weight": np.array([[1.0, -1.0]]), "bias": np.array([2.0])}
        opt.step()
    # v1 = g, v2 = 0.9 g + g = 1.9 g; total step = 0.1 * (1 + 1.9) g = 0.29 g
    np.testing.assert_allclose(layer.weight, [[1 - 0.29, 2 + 0.29]])
    np.testing.assert_allclose(layer.bias, [0.5 - 0.58])


def test_train_on_an_image_folder(tmp_path):
    rng = np.random.default_rng(5)
    for cls in ("cross", "tick"):
        for i in range(40):
            save_image(draw_tick_cross(cls, rng)[None], tmp_path / cls / f"{i}.png", scale=4)
    ex = engine.get_example("tick-cross")
    x, y, classes = image_folder(tmp_path, ex.load_image)
    assert classes == ("cross", "tick") and x.shape == (80, 1, 12, 12)
    net, history = engine.train_example("tick-cross", data=(x, y, classes), epochs=20)
    assert net.class_names == ("cross", "tick")
    # Folder classes sort alphabetically: generated labels (0 tick, 1 cross) map to 1 - label.
    xs, ys = engine.get_example("tick-cross").generate(400, engine.examples.HELD_OUT_SEED)
    assert engine.evaluate(net, xs, 1 - ys)[1] > 0.9
