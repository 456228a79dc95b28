"""The engine against PyTorch (an optional, independent reference; skipped when absent)."""

import numpy as np
import pytest

import engine

torch = pytest.importorskip("torch")
tF = torch.nn.functional


def t(a):
    return torch.tensor(a, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 0), (2, 1), (3, 2)])
def test_conv2d_and_its_gradients_match_torch(stride, padding, rng):
    x, w, b = rng.normal(size=(2, 3, 9, 8)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    layer = engine.Conv2D(3, 4, 3, stride=stride, padding=padding)
    layer.weight, layer.bias = w, b
    y = layer.forward(x)
    dy = rng.normal(size=y.shape)
    dx = layer.backward(dy)
    tx, tw, tb = t(x), t(w), t(b)
    ty = tF.conv2d(tx, tw, tb, stride=stride, padding=padding)
    ty.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, ty.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(layer.grads["weight"], tw.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(layer.grads["bias"], tb.grad.numpy(), atol=1e-10)


@pytest.mark.parametrize("size,stride,shape", [(2, 2, (2, 3, 8, 8)), (2, 2, (1, 2, 7, 9)), (3, 2, (2, 2, 9, 9))])
def test_max_pool_and_gradient_match_torch(size, stride, shape, rng):
    x = rng.normal(size=shape)
    layer = engine.MaxPool2D(size, stride)
    y = layer.forward(x)
    dy = rng.normal(size=y.shape)
    tx = t(x)
    ty, idx = tF.max_pool2d(tx, size, stride, return_indices=True)
    ty.backward(torch.tensor(dy))
    np.testing.assert_array_equal(y, ty.detach().numpy())
    flat = layer.winners[..., 0] * shape[3] + layer.winners[..., 1]
    np.testing.assert_array_equal(flat, idx.numpy())
    np.testing.assert_allclose(layer.backward(dy), tx.grad.numpy(), atol=1e-12)


def test_cross_entropy_matches_torch(rng):
    for scale in (1.0, 100.0, 1e4):
        z, y = rng.normal(size=(5, 3)) * scale, rng.integers(0, 3, 5)
        loss, d = engine.cross_entropy(z, y)
        tz = t(z)
        tl = tF.cross_entropy(tz, torch.tensor(y))
        tl.backward()
        np.testing.assert_allclose(loss, tl.item(), rtol=1e-12)
        np.testing.assert_allclose(d, tz.grad.numpy(), atol=1e-12)


def test_face_network_forward_and_all_gradients_match_torch(models, rng):
    net = models["face"].copy()
    x = rng.uniform(0, 255, size=(4, 3, 28, 28))
    y = np.array([0, 1, 2, 1])
    logits = net.forward(x)
    loss, d = engine.cross_entropy(logits, y)
    dx = net.backward(d)

    params = {k: t(v) for k, v in net.state_dict().items()}
    tx = t(x)
    h = tx * net.input_scale
    for name, layer in net.named_layers():
        if layer.kind == "Conv2D":
            h = tF.conv2d(h, params[f"{name}.weight"], params[f"{name}.bias"], layer.stride, layer.padding)
        elif layer.kind == "ReLU":
            h = torch.relu(h)
        elif layer.kind == "MaxPool2D":
            h = tF.max_pool2d(h, layer.size, layer.stride)
        elif layer.kind == "Flatten":
            h = torch.flatten(h, 1)
        elif layer.kind == "Dense":
            h = tF.linear(h, params[f"{name}.weight"], params[f"{name}.bias"])
    tl = tF.cross_entropy(h, torch.tensor(y))
    tl.backward()
    np.testing.assert_allclose(logits, h.detach().numpy(), atol=1e-10)
    np.testing.assert_allclose(loss, tl.item(), rtol=1e-10)
    np.testing.assert_allclose(dx, tx.grad.numpy(), atol=1e-12)
    for name, layer in net.named_layers():
        for k in layer.params:
            np.testing.assert_allclose(layer.grads[k], params[f"{name}.{k}"].grad.numpy(), atol=1e-10)
