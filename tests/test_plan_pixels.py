import numpy as np
import pytest

from scenes.plans.colour import Channel, Diverging
from scenes.plans.pixels import PATCH, plan
from scenes.story import load_story


@pytest.fixture(scope="module")
def plans():
    return {ex: plan(load_story(ex)) for ex in ("tick-cross", "face")}


def test_drawing_plan_is_the_input(plans):
    p = plans["tick-cross"]
    story = load_story("tick-cross")
    assert not p.photo
    np.testing.assert_array_equal(p.image, story.trace.image)
    assert p.ink == int((story.trace.image > 0).sum())
    assert p.scales == (Diverging(1.0),)
    assert p.count == story.trace.input.size


def test_photo_plan_zooms_on_the_busiest_patch(plans):
    p = plans["face"]
    story = load_story("face")
    assert p.photo and p.channel_names == ("R", "G", "B")
    assert all(isinstance(s, Channel) for s in p.scales)
    r, c, n = p.patch
    assert n == PATCH
    for k in range(3):
        np.testing.assert_array_equal(p.patch_values(k), story.trace.image[k, r : r + n, c : c + n])
    # the patch has edges in it: not a flat stretch of skin or backdrop
    assert np.ptp(p.patch_values(0)) > 50
    assert p.input_scale == pytest.approx(1 / 255)
