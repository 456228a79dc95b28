"""Forward + backward time of the face network on a batch of 64: the engine against PyTorch CPU.

Run: .venv/bin/python benchmarks/engine.py [--repeats N]

Timings alternate between the engine and PyTorch in blocks of 20 calls, so that a busy machine
slows both alike; each figure is the median over the repeats. The engine skips the input gradient, as PyTorch does for
an input that does not require grad.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

# This file is named like the package it measures: keep its own folder off the import path.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
import engine  # noqa: E402


def torch_model(net: engine.Network, dtype):
    import torch

    layers = []
    for layer in net.layers:
        if layer.kind == "Conv2D":
            m = torch.nn.Conv2d(layer.in_channels, layer.out_channels, layer.kernel_size, layer.stride, layer.padding)
        elif layer.kind == "Dense":
            m = torch.nn.Linear(layer.in_features, layer.out_features)
        elif layer.kind == "ReLU":
            m = torch.nn.ReLU()
        elif layer.kind == "MaxPool2D":
            m = torch.nn.MaxPool2d(layer.size, layer.stride)
        else:
            m = torch.nn.Flatten()
        if layer.params:
            m.weight.data = torch.tensor(layer.weight)
            m.bias.data = torch.tensor(layer.bias)
        layers.append(m)
    return torch.nn.Sequential(*layers).to(dtype)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=200)
    parser.add_argument("--batch", type=int, default=64)
    args = parser.parse_args()

    net = engine.load_model("face")
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, size=(args.batch, 3, 28, 28))
    y = rng.integers(0, 3, args.batch)

    def ours() -> None:
        _, d = engine.cross_entropy(net.forward(x), y)
        net.backward(d, input_grad=False)

    runners = {"engine  float64": ours}
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch not installed: no reference timing (pip install torch==2.13.0)")
    if torch is not None:
        for dtype in (torch.float64, torch.float32):
            model = torch_model(net, dtype)
            tx = torch.tensor(x * net.input_scale, dtype=dtype)
            ty = torch.tensor(y)

            def theirs(model=model, tx=tx, ty=ty) -> None:
                model.zero_grad()
                torch.nn.functional.cross_entropy(model(tx), ty).backward()

            runners[f"pytorch {str(dtype).replace('torch.', ''):7s}"] = theirs

    times: dict[str, list[float]] = {name: [] for name in runners}
    for fn in runners.values():
        fn()  # warm-up
    block = 20
    for _ in range(max(1, args.repeats // block)):
        for name, fn in runners.items():
            for _ in range(block):
                t0 = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - t0)
    med = {name: float(np.median(t)) for name, t in times.items()}
    base = med["engine  float64"]
    threads = f" (torch threads: {torch.get_num_threads()})" if torch is not None else ""
    print(f"face network, forward+backward, batch {args.batch}, median of {len(times['engine  float64'])}{threads}")
    for name, t in med.items():
        ratio = "" if name.startswith("engine") else f"   engine / this = {base / t:.2f}x"
        print(f"  {name}: {t * 1e3:7.2f} ms{ratio}")


if __name__ == "__main__":
    main()
