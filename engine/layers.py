"""Layers with ``forward`` and ``backward``, in the spirit of ``torch.nn`` and micrograd.

Each layer caches what its backward pass needs during ``forward``; after ``backward`` the
parametrised layers hold ``grads["weight"]`` and ``grads["bias"]``.
"""

from __future__ import annotations

import numpy as np

from . import functional as F


def _rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


class Layer:
    """Base class: a parameter-free identity with the common interface."""

    kind = "Layer"

    def __init__(self) -> None:
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dy: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        """dL/dx from dL/dy; with ``input_grad=False`` a layer may skip it (the network's first
        layer during training, like PyTorch's ``needs_input_grad``) and return None."""
        raise NotImplementedError

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {}

    def config(self) -> dict:
        """Constructor arguments, enough to rebuild the layer (saved with the weights)."""
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v}" for k, v in self.config().items())
        return f"{self.kind}({args})"


class _Parametrised(Layer):
    weight: np.ndarray
    bias: np.ndarray

    @property
    def params(self) -> dict[str, np.ndarray]:
        return {"weight": self.weight, "bias": self.bias}

    def __setattr__(self, name: str, value) -> None:
        if name in ("weight", "bias"):
            value = np.array(value, dtype=np.float64)
            old = self.__dict__.get(name)
            if old is not None and old.shape != value.shape:
                raise ValueError(f"{self.kind}.{name} must have shape {old.shape}, got {value.shape}")
        super().__setattr__(name, value)


class Conv2D(_Parametrised):
    """2-D cross-correlation over NCHW input; weight (F, C, K, K), bias (F,)."""

    kind = "Conv2D"

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int,
        stride: int = 1,
        padding: int = 0,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        super().__init__()
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
        fan_in = in_channels * kernel_size * kernel_size
        # He initialisation keeps activations' scale steady through ReLU layers.
        g = _rng(rng)
        self.weight = g.normal(0.0, np.sqrt(2.0 / fan_in), (out_channels, in_channels, kernel_size, kernel_size))
        self.bias = np.zeros(out_channels)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = np.asarray(x, dtype=np.float64)
        k = self.kernel_size
        self._cols = F.im2col(self._x, k, k, self.stride, self.padding)
        return F.conv2d(self._x, self.weight, self.bias, self.stride, self.padding, cols=self._cols)

    def backward(self, dy: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        dx, dw, db = F.conv2d_backward(
            self._x, self.weight, dy, self.stride, self.padding, cols=self._cols, input_grad=input_grad
        )
        self.grads = {"weight": dw, "bias": db}
        return dx

    def config(self) -> dict:
        return {
            "in_channels": self.in_channels,
            "out_channels": self.out_channels,
            "kernel_size": self.kernel_size,
            "stride": self.stride,
            "padding": self.padding,
        }


class ReLU(Layer):
    kind = "ReLU"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._mask = x > 0
        return np.maximum(x, 0.0)

    def backward(self, dy: np.ndarray, input_grad: bool = True) -> np.ndarray:
        return dy * self._mask


class MaxPool2D(Layer):
    """Max pooling in floor mode; ``winners`` holds each output's (row, col) in the input."""

    kind = "MaxPool2D"

    def __init__(self, size: int = 2, stride: int = 2) -> None:
        super().__init__()
        self.size, self.stride = size, stride

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._shape = x.shape
        y, self._argmax = F.max_pool2d_argmax(x, self.size, self.stride)
        return y

    @property
    def winners(self) -> np.ndarray:
        """(N, C, Ho, Wo, 2): the input (row, col) of each output's maximum in the last forward."""
        return F.winners_from_argmax(self._argmax, self.size, self.stride)

    def backward(self, dy: np.ndarray, input_grad: bool = True) -> np.ndarray:
        return F.max_pool2d_backward(dy, self._argmax, self._shape, self.size, self.stride)

    def config(self) -> dict:
        return {"size": self.size, "stride": self.stride}


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W) in C, H, W order, like ``torch.flatten(x, 1)``."""

    kind = "Flatten"

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy: np.ndarray, input_grad: bool = True) -> np.ndarray:
        return dy.reshape(self._shape)


class Dense(_Parametrised):
    """Fully connected layer y = x W^T + b; weight (out, in), bias (out,)."""

    kind = "Dense"

    def __init__(self, in_features: int, out_features: int, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        bound = 1.0 / np.sqrt(in_features)
        self.weight = _rng(rng).uniform(-bound, bound, (out_features, in_features))
        self.bias = np.zeros(out_features)

    def forward(self, x: np.ndarray) -> np.ndarray:
        self._x = np.asarray(x, dtype=np.float64)
        return self._x @ self.weight.T + self.bias

    def backward(self, dy: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        self.grads = {"weight": dy.T @ self._x, "bias": dy.sum(axis=0)}
        return dy @ self.weight if input_grad else None

    def config(self) -> dict:
        return {"in_features": self.in_features, "out_features": self.out_features}


LAYER_TYPES: dict[str, type[Layer]] = {cls.kind: cls for cls in (Conv2D, ReLU, MaxPool2D, Flatten, Dense)}
