import numpy as np
import pytest

import engine
from scenes.plans.invariance_scan import background, failures, object_box, room, scale, shift, shift_scan, small_shifts


def drawing(h=12, w=12, box=(2, 3, 6, 8)):
    """A -1 background with a +1 rectangle at rows box[0]..box[2], cols box[1]..box[3]."""
    img = -np.ones((1, h, w))
    t, left, b, r = box
    img[0, t : b + 1, left : r + 1] = 1
    return img


def test_shift_and_scale():
    img = np.arange(2 * 4 * 5, dtype=float).reshape(2, 4, 5)
    s = shift(img, 1, -2, fill=np.array([-1.0, -2.0]))
    np.testing.assert_array_equal(s[:, 1:, :3], img[:, :3, 2:])
    assert (s[0, 0] == -1).all() and (s[1, :, 3:] == -2).all()
    np.testing.assert_array_equal(shift(img, 0, 0, 0.0), img)
    np.testing.assert_array_equal(scale(img, 1.0, 0.0), img)
    big = scale(np.pad(np.ones((1, 2, 2)), ((0, 0), (3, 3), (3, 3))), 2.0, 0.0)
    assert big.sum() > 4  # the square grew
    np.testing.assert_array_equal(background(np.ones((3, 5, 5)) * [[[1]], [[2]], [[3]]]), [1, 2, 3])


def test_object_box_and_room():
    img = drawing()
    assert object_box(img) == (2, 3, 6, 8)
    assert room(img) == {"up": 2, "down": 5, "left": 3, "right": 3}
    # An RGB photo: a bright square on a uniform grey background, with faint noise ignored.
    photo = np.full((3, 10, 10), 100.0) + np.random.default_rng(0).uniform(-3, 3, (3, 10, 10))
    photo[:, 4:7, 1:3] = 250
    assert object_box(photo) == (4, 1, 6, 2)
    assert object_box(np.zeros((1, 5, 5))) == (0, 0, 4, 4)  # nothing drawn: the whole image


def test_small_shifts_keep_the_object_in_view():
    img = drawing(box=(2, 3, 10, 11))  # touching the right edge: only left moves keep it whole
    shifts = small_shifts(img)
    assert shifts == [(0, -1), (0, -2), (-2, -2)]
    for dy, dx in shifts:
        moved = shift(img, dy, dx, background(img))
        assert (moved > 0).sum() == (img > 0).sum()  # no ink lost
    # No room anywhere: still moves of one pixel, never (0, 0), no repeats.
    full = drawing(box=(0, 0, 11, 11))
    s = small_shifts(full)
    assert (0, 0) not in s and len(set(s)) == len(s) and all(max(abs(a), abs(b)) == 1 for a, b in s)


def test_failures():
    p = np.array([[0.9, 0.1], [0.6, 0.4], [0.45, 0.55], [0.2, 0.8]])
    np.testing.assert_array_equal(failures(p, 0), [False, False, True, True])
    p3 = np.array([[0.6, 0.3, 0.1], [0.45, 0.35, 0.2]])  # still on top but below 0.5
    np.testing.assert_array_equal(failures(p3, 0), [False, True])


@pytest.mark.parametrize("example", ["tick-cross", "face"])
def test_shift_scan_is_the_first_failure(example):
    ex = engine.get_example(example)
    net = engine.load_model(example)
    img = ex.load_image(ex.image_path())
    scan = shift_scan(net, img)
    fill = background(img)
    r = room(img)
    assert scan.direction == ((0, 1) if r["right"] >= r["left"] else (0, -1))
    assert scan.steps[-1] == img.shape[2] // 2
    ref = net.trace(img).prediction
    assert scan.reference == ref
    first = None
    for k in scan.steps:
        t = net.trace(shift(img, *scan.offset(k), fill))
        np.testing.assert_allclose(scan.probabilities[k], t.probabilities, atol=1e-12)
        if first is None and (t.prediction != ref or t.probabilities[ref] < 0.5):
            first = int(k)
    assert scan.failure == first
    assert scan.shown == (first if first is not None else scan.steps[-1])
    assert scan.cut_off == max(0, scan.shown - scan.room)


def test_shift_scan_held_and_unsure_start():
    net = engine.load_model("tick-cross")
    img = engine.get_example("tick-cross").load_image(engine.get_example("tick-cross").image_path())
    scan = shift_scan(net, img, direction=(0, -1), max_shift=2)  # two pixels left: the tick holds
    assert scan.failure is None and scan.shown == 2
    with pytest.raises(ValueError):
        shift_scan(net, img, direction=(0, 2))
    # A network unsure from the start: only a change of verdict counts as failure.
    flat = net.copy()
    dense = flat.layers[-1]
    dense.weight = dense.weight * 0
    dense.bias = np.array([0.1, 0.0])
    scan = shift_scan(flat, img, max_shift=3)
    assert scan.threshold == 0.5  # 2 classes: p = 0.525 for class 0, above 0.5
    three = engine.load_model("face")
    d = three.layers[-1]
    d.weight = d.weight * 0
    d.bias = np.array([0.1, 0.0, 0.0])  # p ~ 0.36: below 0.5 from the start
    face = engine.get_example("face")
    s3 = shift_scan(three, face.load_image(face.image_path()), max_shift=2)
    assert s3.threshold == 0 and s3.failure is None
