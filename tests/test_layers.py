"""Every layer's backward pass against central finite differences of its forward pass."""

import numpy as np
import pytest

import engine
from tests.reference import numeric_grad


def _check_layer(layer, x, rng, atol=1e-6):
    y = layer.forward(x)
    r = rng.normal(size=y.shape)  # loss = sum(r * y) has dL/dy = r

    def loss():
        return float((layer.forward(x) * r).sum())

    dx = layer.backward(r)
    np.testing.assert_allclose(dx, numeric_grad(loss, x), atol=atol)
    for name, value in layer.params.items():
        analytic = layer.grads[name]
        assert analytic.shape == value.shape
        np.testing.assert_allclose(analytic, numeric_grad(loss, value), atol=atol)


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)])
def test_conv2d_gradients(stride, padding, rng):
    layer = engine.Conv2D(3, 2, 3, stride=stride, padding=padding, rng=1)
    layer.bias = rng.normal(size=2)
    _check_layer(layer, rng.normal(size=(2, 3, 7, 6)), rng)


def test_dense_gradients(rng):
    layer = engine.Dense(5, 3, rng=2)
    layer.bias = rng.normal(size=3)
    _check_layer(layer, rng.normal(size=(4, 5)), rng)


def test_relu_gradients(rng):
    x = rng.normal(size=(2, 3, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep away from the kink where the derivative jumps
    _check_layer(engine.ReLU(), x, rng)


@pytest.mark.parametrize("size,stride", [(2, 2), (3, 2), (2, 1)])
def test_max_pool_gradients(size, stride, rng):
    _check_layer(engine.MaxPool2D(size, stride), rng.normal(size=(2, 2, 7, 7)), rng)


def test_flatten_order_and_gradient(rng):
    x = rng.normal(size=(2, 3, 4, 5))
    layer = engine.Flatten()
    y = layer.forward(x)
    np.testing.assert_array_equal(y[1], np.concatenate([x[1, c].ravel() for c in range(3)]))
    _check_layer(layer, x, rng)


def test_parameters_are_assignable_with_shape_check():
    layer = engine.Conv2D(1, 2, 3)
    layer.weight = np.ones((2, 1, 3, 3))
    assert layer.weight.dtype == np.float64 and layer.weight.sum() == 18
    with pytest.raises(ValueError, match="shape"):
        layer.weight = np.ones((3, 3))


def test_whole_network_gradients_by_finite_differences(rng):
    net = engine.Network(
        [
            engine.Conv2D(2, 3, 3, padding=1, rng=3),
            engine.ReLU(),
            engine.MaxPool2D(),
            engine.Flatten(),
            engine.Dense(3 * 3 * 3, 2, rng=4),
        ],
        ["a", "b"],
    )
    x = rng.normal(size=(3, 2, 6, 6))
    y = np.array([0, 1, 1])
    _, d = engine.cross_entropy(net.forward(x), y)
    net.backward(d)
    analytic = {f"{n}.{k}": layer.grads[k].copy() for n, layer in net.named_layers() for k in layer.params}
    for n, layer in net.named_layers():
        for k, value in layer.params.items():
            num = numeric_grad(lambda: engine.cross_entropy(net.forward(x), y)[0], value)
            np.testing.assert_allclose(analytic[f"{n}.{k}"], num, atol=1e-6)
