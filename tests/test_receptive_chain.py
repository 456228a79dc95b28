import numpy as np
import pytest

import engine
from engine.experiments import receptive_chain, receptive_field


@pytest.fixture(scope="module")
def net():
    return engine.load_model("face")


def run_until(net, x, layer):
    for name, lay in net.named_layers():
        x = lay.forward(x)
        if name == layer:
            return x
    raise KeyError(layer)


def test_chain_of_a_middle_cell(net):
    chain = receptive_chain(net, "pool2", 3, 3)
    assert [lv.grid for lv in chain] == ["pool2", "relu2", "pool1", "relu1", "input"]
    assert [lv.size for lv in chain] == [(1, 1), (2, 2), (4, 4), (8, 8), (10, 10)]
    assert [lv.via for lv in chain] == [None, "pool2", "conv2", "pool1", "conv1"]
    assert [lv.shape for lv in chain] == [(7, 7), (14, 14), (14, 14), (28, 28), (28, 28)]
    assert chain[-1].box == receptive_field(net, "pool2", 3, 3) == (9, 9, 18, 18)


@pytest.mark.parametrize("layer", ["pool2", "relu2", "conv2", "pool1", "conv1"])
def test_last_box_is_receptive_field_everywhere(net, layer):
    h, w = run_until(net, np.zeros((1, 3, 28, 28)), layer).shape[2:]
    for r in range(h):
        for c in range(w):
            chain = receptive_chain(net, layer, r, c)
            assert chain[-1].box == receptive_field(net, layer, r, c)
            for lv in chain:  # clipped to each grid
                t, left, b, rt = lv.box
                assert 0 <= t <= b < lv.shape[0] and 0 <= left <= rt < lv.shape[1]


def test_input_outside_the_box_does_not_move_the_cell(net):
    """The box is the whole story: changing every pixel outside it leaves the deep cell unchanged,
    and changing pixels inside it changes it."""
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (1, 3, 28, 28))
    for r, c in [(3, 3), (0, 0), (6, 2)]:
        t, left, b, rt = receptive_chain(net, "pool2", r, c)[-1].box
        y = x.copy()
        outside = np.ones((28, 28), bool)
        outside[t : b + 1, left : rt + 1] = False
        y[:, :, outside] = rng.uniform(0, 255, (1, 3, int(outside.sum())))
        a = run_until(net, x * net.input_scale, "conv2")[0, :, :, :]
        z = run_until(net, y * net.input_scale, "conv2")[0, :, :, :]
        # conv2 before ReLU/pool: the cells of pool2 (r, c)'s window depend only on the box
        win = (slice(2 * r, 2 * r + 2), slice(2 * c, 2 * c + 2))
        np.testing.assert_allclose(a[:, win[0], win[1]], z[:, win[0], win[1]], atol=1e-12)
        y2 = x.copy()
        y2[:, :, t : b + 1, left : rt + 1] = rng.uniform(0, 255, (1, 3, b - t + 1, rt - left + 1))
        assert not np.allclose(
            run_until(net, y2 * net.input_scale, "conv2")[0][:, win[0], win[1]], a[:, win[0], win[1]]
        )


def test_corner_cell_is_clipped(net):
    chain = receptive_chain(net, "pool2", 0, 6)
    assert chain[-1].box == (0, 21, 6, 27)
    assert chain[1].box == (0, 12, 1, 13)
