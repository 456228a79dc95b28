"""The flatten plan against the trace, for the bundled models, custom images and a user's model."""

import numpy as np
import pytest

from scenes.plans.flatten import place_of, plan
from scenes.plans.numbers import fmt
from tests.test_plan_relu import STORIES, story


@pytest.fixture(scope="module", params=STORIES)
def case(request):
    s = story(request.param)
    return s, plan(s)


def test_flatten_order_is_map_row_column(case):
    s, p = case
    pooled = s.trace.steps_of("Flatten")[0].input
    c, h, w = pooled.shape
    # the engine's order: map 1 row 1 left to right, then row 2, ..., then map 2 ...
    expected = np.array([pooled[m, r, x] for m in range(c) for r in range(h) for x in range(w)])
    np.testing.assert_array_equal(s.trace.flat, expected)
    np.testing.assert_array_equal(p.flat, expected)
    np.testing.assert_array_equal(p.maps, pooled)
    assert p.scale.vmax == pytest.approx(np.abs(s.trace.flat).max())
    for m in range(c):
        for r in range(h):
            for x in range(w):
                assert p.flat[place_of((m, r, x), p.shape)] == pooled[m, r, x]


def test_places_count_from_one(case):
    _s, p = case
    c, h, w = p.shape
    assert p.ranges[0] == f"1–{h * w}" and p.ranges[-1] == f"{(c - 1) * h * w + 1}–{c * h * w}"
    assert p.span(0) == f"1–{w}" and p.span(h - 1) == f"{(h - 1) * w + 1}–{h * w}"
    assert p.names[0] == "map 1"
    assert f"places 1 to {w}" in p.first_row and f"from place {w + 1}" in p.rows
    for text in (p.intro, p.read, p.first_row, p.rows, p.stack, p.page, p.clue, p.jury):
        assert "map 0" not in text and "#" not in text and "row 0" not in text


def test_the_strongest_clue_keeps_its_place(case):
    _s, p = case
    c, h, w = p.shape
    k = p.strongest
    m, r, x = p.where
    assert k == int(np.argmax(p.flat)) and p.maps[m, r, x] == p.flat[k]
    # the formula on screen, worked out as written, gives the 1-based place
    formula = " ".join(p.place).replace("−", "-").replace("×", "*")
    left, right = formula.split("=")
    assert eval(left) == int(right) == k + 1  # noqa: S307 - our own arithmetic string
    assert p.place[0].startswith(f"({m + 1} − 1) × {h * w}")
    assert p.value == fmt(p.flat[k])
    if p.flat[k] > 0:
        assert f"{p.names[m]}, row {r + 1}, column {x + 1}" in p.clue and f"number {k + 1}," in p.clue
        assert p.value in p.clue


def test_readable_map_and_story(case):
    _s, p = case
    c, h, w = p.shape
    assert all(len(p.text(v)) <= (4 if h <= 5 else 3) for v in p.maps[0].ravel())
    assert f"{c} maps" in p.intro or c == 1
    assert f"{len(p.flat)} numbers in one line" in p.stack
    assert "jury" in p.jury
