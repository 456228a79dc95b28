"""Independent, deliberately naive implementations to check the engine against."""

import numpy as np


def conv2d_loops(x, w, b=None, stride=1, padding=0):
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + 2 * padding, wd + 2 * padding))
    xp[:, :, padding : padding + h, padding : padding + wd] = x
    ho = (h + 2 * padding - kh) // stride + 1
    wo = (wd + 2 * padding - kw) // stride + 1
    out = np.zeros((n, f, ho, wo))
    for i in range(n):
        for j in range(f):
            for r in range(ho):
                for s in range(wo):
                    patch = xp[i, :, r * stride : r * stride + kh, s * stride : s * stride + kw]
                    out[i, j, r, s] = (patch * w[j]).sum() + (0 if b is None else b[j])
    return out


def max_pool_loops(x, size, stride):
    n, c, h, w = x.shape
    ho, wo = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((n, c, ho, wo))
    arg = np.zeros((n, c, ho, wo, 2), dtype=int)
    for i in range(n):
        for j in range(c):
            for r in range(ho):
                for s in range(wo):
                    win = x[i, j, r * stride : r * stride + size, s * stride : s * stride + size]
                    k = int(np.argmax(win))
                    out[i, j, r, s] = win.flat[k]
                    arg[i, j, r, s] = (r * stride + k // size, s * stride + k % size)
    return out, arg


def numeric_grad(f, x, eps=1e-6):
    """Central finite differences of scalar f() with respect to array x (modified in place)."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = x[idx]
        x[idx] = old + eps
        fp = f()
        x[idx] = old - eps
        fm = f()
        x[idx] = old
        g[idx] = (fp - fm) / (2 * eps)
    return g
