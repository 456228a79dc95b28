import numpy as np
import pytest
from scipy import signal

import engine
from engine import functional as F
from tests.reference import conv2d_loops, max_pool_loops

CONV_CASES = [
    # (N, C, H, W, F, K, stride, padding)
    (2, 1, 7, 7, 2, 3, 1, 0),
    (2, 3, 8, 6, 4, 3, 1, 1),
    (1, 2, 9, 9, 3, 3, 2, 0),
    (3, 3, 10, 7, 2, 3, 2, 1),
    (1, 4, 6, 6, 2, 2, 3, 2),
    (2, 2, 5, 5, 3, 5, 1, 0),
]


@pytest.mark.parametrize("case", CONV_CASES)
def test_conv2d_matches_naive_loops(case, rng):
    n, c, h, w, f, k, s, p = case
    x, wt, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    np.testing.assert_allclose(engine.conv2d(x, wt, b, s, p), conv2d_loops(x, wt, b, s, p), atol=1e-12)


def test_conv2d_is_cross_correlation_like_scipy(rng):
    x, wt = rng.normal(size=(1, 3, 9, 8)), rng.normal(size=(2, 3, 3, 3))
    for f in range(2):
        expected = sum(signal.correlate2d(x[0, c], wt[f, c], mode="valid") for c in range(3))
        np.testing.assert_allclose(engine.conv2d(x, wt)[0, f], expected, atol=1e-12)
    # An asymmetric kernel tells correlation from convolution: no flip.
    k = np.zeros((1, 1, 3, 3))
    k[0, 0, 0, 0] = 1
    img = np.arange(25.0).reshape(1, 1, 5, 5)
    assert engine.conv2d(img, k)[0, 0, 0, 0] == img[0, 0, 0, 0]


def test_conv2d_output_size_rule():
    for i, k, s, p in [(5, 3, 1, 0), (5, 3, 2, 0), (5, 3, 1, 1), (28, 3, 1, 1), (10, 3, 2, 1), (7, 2, 3, 0)]:
        y = engine.conv2d(np.zeros((1, 1, i, i)), np.zeros((1, 1, k, k)), stride=s, padding=p)
        assert y.shape[-1] == engine.output_size(i, k, s, p) == (i + 2 * p - k) // s + 1


def test_conv2d_rejects_channel_mismatch():
    with pytest.raises(ValueError, match="conv2d expects"):
        engine.conv2d(np.zeros((1, 3, 5, 5)), np.zeros((2, 1, 3, 3)))


@pytest.mark.parametrize("size,stride,h,w", [(2, 2, 8, 8), (2, 2, 7, 9), (3, 2, 9, 8), (2, 1, 5, 6), (3, 3, 10, 10)])
def test_max_pool_matches_loops_including_winners(size, stride, h, w, rng):
    x = rng.normal(size=(2, 3, h, w))
    y, winners = engine.max_pool2d_with_indices(x, size, stride)
    y_ref, arg_ref = max_pool_loops(x, size, stride)
    np.testing.assert_array_equal(y, y_ref)
    np.testing.assert_array_equal(winners, arg_ref)
    np.testing.assert_array_equal(engine.max_pool2d(x, size, stride), y_ref)


def test_max_pool_ties_go_to_first_cell():
    x = np.ones((1, 1, 2, 2))
    _, winners = engine.max_pool2d_with_indices(x)
    assert winners[0, 0, 0, 0].tolist() == [0, 0]


def test_relu():
    np.testing.assert_array_equal(engine.relu(np.array([-2.0, 0.0, 3.5])), [0.0, 0.0, 3.5])


@pytest.mark.parametrize("scale", [1.0, 1e2, 1e4, 1e6])
def test_softmax_is_stable_for_huge_logits(scale):
    z = np.array([[1.0, -2.0, 0.5], [-1.0, -1.0, 3.0]]) * scale
    p = engine.softmax(z)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p.sum(axis=-1), 1.0)
    assert (p.argmax(axis=-1) == z.argmax(axis=-1)).all()


def test_softmax_values():
    z = np.array([2.0, 1.0, 0.1])
    np.testing.assert_allclose(engine.softmax(z), np.exp(z) / np.exp(z).sum())


@pytest.mark.parametrize("scale", [1.0, 1e4, -1e4, 1e8])
def test_cross_entropy_finite_for_any_logits(scale):
    logits = np.array([[1.0, -3.0], [2.0, 0.5], [-0.5, 0.25]]) * scale
    labels = np.array([1, 0, 1])
    loss, dlogits = engine.cross_entropy(logits, labels)
    assert np.isfinite(loss) and np.all(np.isfinite(dlogits))
    # The gradient of a batch mean is (softmax - onehot) / N.
    expected = (engine.softmax(logits) - np.eye(2)[labels]) / 3
    np.testing.assert_allclose(dlogits, expected, atol=1e-12)


def test_cross_entropy_value_at_huge_wrong_logit():
    loss, _ = engine.cross_entropy(np.array([[1e4, 0.0]]), np.array([1]))
    np.testing.assert_allclose(loss, 1e4)


def test_cross_entropy_gradient_by_finite_differences(rng):
    from tests.reference import numeric_grad

    z = rng.normal(size=(4, 3))
    y = np.array([0, 2, 1, 2])
    _, d = engine.cross_entropy(z, y)
    np.testing.assert_allclose(d, numeric_grad(lambda: engine.cross_entropy(z, y)[0], z), atol=1e-8)


def test_match_map_is_the_average_for_unit_filters_and_bounded(rng):
    x = np.where(rng.random((1, 1, 6, 6)) > 0.5, 1.0, -1.0)
    w = np.where(rng.random((2, 1, 3, 3)) > 0.5, 1.0, -1.0)
    # For +-1 filters: the plain average of the nine products, as the teaching convention says.
    np.testing.assert_allclose(F.match_map(x, w), engine.conv2d(x, w) / 9)
    learned = rng.normal(size=(2, 1, 3, 3))
    m = F.match_map(x, learned)
    assert m.min() >= -1 and m.max() <= 1
    perfect = np.sign(learned[0:1])  # a patch equal to the filter's sign pattern scores exactly 1
    np.testing.assert_allclose(F.match_map(perfect, learned[0:1]), [[[[1.0]]]])


@pytest.mark.parametrize("smoothing", [0.0, 0.05, 0.1, 0.5])
def test_label_smoothed_cross_entropy_gradient_by_finite_differences(rng, smoothing):
    from tests.reference import numeric_grad

    z = rng.normal(size=(4, 3)) * 3
    y = np.array([0, 2, 1, 2])
    _, d = engine.cross_entropy(z, y, label_smoothing=smoothing)
    numeric = numeric_grad(lambda: engine.cross_entropy(z, y, label_smoothing=smoothing)[0], z)
    np.testing.assert_allclose(d, numeric, atol=1e-8)


def test_label_smoothing_by_hand():
    # Two classes, e = 0.1: targets 0.95 / 0.05. Logits (0, 0) give p = (0.5, 0.5): loss ln 2 and
    # gradient p - target = (-0.45, 0.45).
    loss, d = engine.cross_entropy(np.array([[0.0, 0.0]]), np.array([0]), label_smoothing=0.1)
    assert loss == pytest.approx(np.log(2))
    np.testing.assert_allclose(d, [[-0.45, 0.45]])
    # The loss is lowest where the network gives the true class 1 - e + e / K, not 1.
    best = np.log(0.95 / 0.05)
    losses = [
        engine.cross_entropy(np.array([[v, 0.0]]), np.array([0]), label_smoothing=0.1)[0]
        for v in (best - 1, best, best + 1)
    ]
    assert losses[1] < losses[0] and losses[1] < losses[2]
    np.testing.assert_allclose(engine.cross_entropy(np.array([[best, 0.0]]), [0], 0.1)[1], 0.0, atol=1e-12)
    # Without smoothing it is the plain negative log-likelihood.
    z, y = np.array([[2.0, -1.0, 0.5]]), np.array([2])
    assert engine.cross_entropy(z, y, 0.0)[0] == pytest.approx(-engine.log_softmax(z)[0, 2])
    with pytest.raises(ValueError, match="label_smoothing"):
        engine.cross_entropy(z, y, 1.5)


@pytest.mark.parametrize("smoothing", [0.05, 0.1, 0.3])
def test_label_smoothed_cross_entropy_matches_torch(rng, smoothing):
    torch = pytest.importorskip("torch")
    for scale in (1.0, 100.0):
        z, y = rng.normal(size=(5, 3)) * scale, rng.integers(0, 3, 5)
        loss, d = engine.cross_entropy(z, y, label_smoothing=smoothing)
        tz = torch.tensor(z, dtype=torch.float64, requires_grad=True)
        tl = torch.nn.functional.cross_entropy(tz, torch.tensor(y), label_smoothing=smoothing)
        tl.backward()
        np.testing.assert_allclose(loss, tl.item(), rtol=1e-12)
        np.testing.assert_allclose(d, tz.grad.numpy(), atol=1e-12)
