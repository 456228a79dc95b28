import numpy as np
import pytest

import engine
from engine.datasets import draw_tick_cross, image_folder
from engine.images import save_image
from engine.train import calibration, expected_calibration_error, split


@pytest.mark.parametrize("name", ["tick-cross", "face"])
def test_training_from_scratch_reaches_98_percent_held_out(name):
    net, history = engine.train_example(name)
    assert engine.held_out_accuracy(net, name) >= 0.98
    assert history.records[0].epoch == 0 and len(history.records) == history.config["epochs"] + 1
    # Label smoothing stops the loss short of 0 (about 0.05 at best): a drop by 5x is most of the way.
    assert history.column("train_loss")[-1] < history.column("train_loss")[0] / 5
    assert [s.epoch for s in net.snapshots] == list(range(history.config["epochs"] + 1))


def test_bundled_models_reach_98_percent_held_out(models):
    for name, net in models.items():
        assert engine.held_out_accuracy(net, name) >= 0.98


def test_training_is_deterministic(tmp_path):
    small = {"n": 400, "epochs": 2, "augment": {"n": 200, "extent": [0.35, 0.85], "width": [0.5, 1.6], "jitter": 0.06}}
    a, ha = engine.train_example("tick-cross", **small)
    b, hb = engine.train_example("tick-cross", **small)
    assert ha.to_dict() == hb.to_dict()
    for k, v in a.state_dict().items():
        np.testing.assert_array_equal(b.state_dict()[k], v)
    # Same seed, same bytes: the weights file (history, learning-rate runs, figures and all).
    assert a.save(tmp_path / "a.npz").read_bytes() == b.save(tmp_path / "b.npz").read_bytes()


def test_recipe_and_figures_are_recorded(tmp_path):
    net, history = engine.train_example("tick-cross", n=400, epochs=2)
    recipe = {**engine.get_example("tick-cross").recipe, "n": 400, "epochs": 2}
    saved = engine.load_model(net.save(tmp_path / "m.npz"))
    assert saved.meta["recipe"] == recipe
    assert history.config["label_smoothing"] == recipe["label_smoothing"] > 0
    assert saved.meta["data"]["augment"]["n"] == recipe["augment"]["n"]
    assert history.config["n_train"] + history.config["n_val"] == 400 + recipe["augment"]["n"]
    x, y = engine.examples.held_out_set("tick-cross")
    assert saved.meta["held_out"] == calibration(net, x, y)
    assert saved.meta["held_out_accuracy"] == saved.meta["held_out"]["accuracy"] == engine.evaluate(net, x, y)[1]
    assert 0 <= saved.meta["validation"]["ece"] <= 1


def test_history_records_plain_cross_entropy_under_label_smoothing():
    x, y = engine.get_example("tick-cross").generate(200, 3)
    net = engine.get_example("tick-cross").build(np.random.default_rng(0))
    h = engine.train(net, x, y, epochs=1, label_smoothing=0.2, seed=0, snapshot_epochs=None)
    x_tr, y_tr, x_val, y_val = split(x, y, 0.2, 0)
    # Epoch 0 is the untrained network, measured with the plain loss on both splits.
    assert h.records[0].train_loss == pytest.approx(engine.evaluate(net.at_snapshot(0), x_tr, y_tr)[0])
    assert h.records[1].val_loss == pytest.approx(engine.evaluate(net, x_val, y_val)[0])


def test_expected_calibration_error_by_hand():
    p = np.array([[0.95, 0.05], [0.92, 0.08], [0.35, 0.65], [0.5, 0.5], [0.55, 0.45]])
    y = np.array([0, 1, 1, 0, 1])
    # Bins (0.9, 1]: two predictions, one right, mean confidence 0.935 -> |0.5 - 0.935| * 2/5 = 0.174
    #      (0.6, 0.7]: 0.65, right -> 0.35 / 5 = 0.07
    #      (0.5, 0.6]: 0.55, wrong -> 0.55 / 5 = 0.11
    #      (0.4, 0.5]: 0.5 (a tie goes to class 0), right -> 0.5 / 5 = 0.1; 0.5 is the top of its bin
    assert expected_calibration_error(p, y) == pytest.approx(0.174 + 0.07 + 0.11 + 0.1)
    # Says 75% and is right three times in four: calibrated.
    q = np.array([[0.75, 0.25]] * 4)
    assert expected_calibration_error(q, np.array([0, 0, 0, 1])) == pytest.approx(0.0)
    # Sure and always right: 0; says 95% and always right: 0.05.
    assert expected_calibration_error(np.eye(3), np.arange(3)) == 0.0
    assert expected_calibration_error(np.array([[0.95, 0.05]] * 3), np.zeros(3, int)) == pytest.approx(0.05)
    # Five bins merge (0.4, 0.6]: 0.5 right and 0.55 wrong together -> |0.5 - 0.525| * 2/5 = 0.01
    assert expected_calibration_error(p, y, bins=5) == pytest.approx(0.174 + 0.07 + 0.01)
    with pytest.raises(ValueError, match="one label per prediction"):
        expected_calibration_error(p, y[:3])


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
