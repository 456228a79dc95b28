"""The convolution scene draws its plan: every number and colour on screen is the trace's."""

import numpy as np
import pytest

from scenes.plans.colour import Diverging
from scenes.plans.numbers import fmt, signed
from scenes.plans.terms import channel_sums, conv_terms, match_map
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_convolution import draw_photo_face, draw_tick_or_cross, train_on_folder

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def scenes(media):
    return {ex: build("convolution", ex, tmp_path=media) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(media, tmp_path_factory):
    """A hand-drawn cross, off centre (not one of the shipped images), on a 4:3 frame."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (120, 120), 255)
    draw = ImageDraw.Draw(img)
    draw.line((10, 20, 80, 100), fill=0, width=12)
    draw.line((80, 20, 10, 100), fill=0, width=12)
    path = tmp_path_factory.mktemp("custom") / "my-cross.png"
    img.save(path)
    return build("convolution", "tick-cross", image=path, tmp_path=media, resolution=(960, 720))


@pytest.fixture(scope="module")
def photo(media, tmp_path_factory):
    """A drawn, photo-like portrait of someone new, on a 9:16 frame."""
    path = draw_photo_face(tmp_path_factory.mktemp("photo") / "someone.png")
    return build("convolution", "face", image=path, tmp_path=media, resolution=(720, 1280))


@pytest.fixture(scope="module")
def folder(media, tmp_path_factory, custom_tick):
    """A model trained on a user's folder, shown a pen-drawn tick, on a square frame."""
    model = train_on_folder(
        "tick-cross", tmp_path_factory.mktemp("folder"), {"ticks": ["tick"], "crosses": ["cross"]}, draw_tick_or_cross
    )
    return build("convolution", "tick-cross", image=custom_tick, model=model, tmp_path=media, resolution=(720, 720))


@pytest.fixture(scope="module")
def face43(media):
    """The shipped suspect on a 4:3 frame: the three colour layers are the widest row of the chapter."""
    return build("convolution", "face", tmp_path=media, resolution=(960, 720))


@pytest.fixture(params=["tick-cross", "face", "custom", "photo", "folder", "face43"])
def scene(request, scenes):
    if request.param in scenes:
        return scenes[request.param]
    return request.getfixturevalue(request.param)


def conv(scene):
    return scene.trace.step("conv1")


def text_of(mob) -> str:
    """The number a Text shows, without the brackets around a negative term."""
    return mob.original_text.strip("()")


def assert_grid(grid, values, scale, numbers=True):
    values = np.asarray(values)
    np.testing.assert_allclose(grid.values, values)
    for (r, c), v in np.ndenumerate(values):
        np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scale.rgb(np.array(v)))
        if numbers:
            assert grid.number(r, c).original_text == fmt(v)


def assert_map(fmap, values, scale):
    """A feature map (cells or one image) shows every value in its Diverging colour, all revealed."""
    values = np.asarray(values)
    np.testing.assert_allclose(fmap.values, values)
    expected = scale.rgb(values)
    if hasattr(fmap, "cells"):
        for (r, c), _ in np.ndenumerate(values):
            np.testing.assert_array_equal(fill_rgb(fmap.cell(r, c)), expected[r, c])
            assert fmap.cell(r, c).get_fill_opacity() == 1
    else:
        np.testing.assert_array_equal(fmap.pixel_array[:, :, :3], expected)
    assert fmap.revealed == values.size


def test_feature_map_is_the_trace(scene):
    out = conv(scene).output
    scale = Diverging.for_values(out)
    assert scene.plan.map_scale == scale
    assert_map(scene.fmap, out[0], scale)
    r, c = scene.plan.strongest
    assert out[0, r, c] == out[0].max()
    np.testing.assert_allclose(scene.strongest_mark.get_center(), scene.fmap.point(r, c), atol=1e-9)
    assert scene.map_legend.marks[-1].original_text == fmt(np.abs(out).max())


def test_explained_cells_are_conv_terms(scene):
    step, p = conv(scene), scene.plan
    c_in = step.input.shape[0]
    assert [(e["terms"].row, e["terms"].col) for e in scene.explained] == [(0, 0), (0, 1), (0, 2)]
    ch = p.open_channel
    for i, e in enumerate(scene.explained):
        t = conv_terms(scene.trace, "conv1", 0, e["terms"].row, e["terms"].col)
        o = e["open"]
        if c_in == 1 or i == 0:  # the channel shown in full: field x weights = products, readable
            assert_grid(o.patch, t.patch[ch], p.input_scales[ch])
            assert_grid(o.weights, step.params["weight"][0, ch], p.weight_scale)
            assert_grid(o.products, t.products[ch], p.weight_scale)
        else:
            assert o is None  # a photo's later positions show every channel by its sum
        total = e["sum"]
        sums = channel_sums(t)
        if c_in > 1:
            assert [s.original_text for s in total.sums] == [fmt(s) for s in sums]
            assert [text_of(s) for s in total.sum_line.terms] == [fmt(s) for s in sums]
            for k, row in enumerate(total.rows):
                assert_grid(row.patch, t.patch[k], p.input_scales[k], numbers=False)
                assert_grid(row.weights, step.params["weight"][0, k], p.weight_scale, numbers=False)
        assert text_of(total.total) == fmt(t.total)
        assert text_of(total.total_again) == fmt(t.total)
        assert total.bias.original_text == signed(step.params["bias"][0])
        assert total.out.number(0, 0).original_text == fmt(step.output[0, t.row, t.col])
        np.testing.assert_array_equal(
            fill_rgb(total.out.cell(0, 0)), p.map_scale.rgb(np.array(step.output[0, t.row, t.col]))
        )


def test_window_sits_over_the_receptive_field(scene):
    step = conv(scene)
    k, s, p = (step.config[n] for n in ("kernel_size", "stride", "padding"))
    for e in scene.explained:
        r, c = e["terms"].row, e["terms"].col
        top, left = r * s - p, c * s - p
        x0, y0, cell = e["origin"]
        # centre of the k x k block of input cells starting at (top, left), padding cells included
        np.testing.assert_allclose(e["lens"][:2], [x0 + (left + k / 2) * cell, y0 - (top + k / 2) * cell], atol=1e-6)
        assert e["lens_size"] == pytest.approx(k * cell)


def test_face_padding_is_zeros_with_tape(scenes):
    scene = scenes["face"]
    t = scene.explained[0]["terms"]
    o = scene.explained[0]["open"]
    assert t.top == -1 and t.left == -1
    np.testing.assert_array_equal(t.patch[:, 0, :], 0)
    # the top row and the left column of the 3x3 field lie in the padding: 5 cells
    assert len(o.pad_marks) == 5 == scene.plan.positions[0].padded
    for mark in o.pad_marks:
        assert any(np.allclose(mark.get_center(), o.patch.cell(0, j).get_center()) for j in range(3)) or any(
            np.allclose(mark.get_center(), o.patch.cell(i, 0).get_center()) for i in range(3)
        )
    ring, inp = scene.ring, scene.input_mob
    w = scene.trace.input.shape[2]
    np.testing.assert_allclose(ring.cells[0].width, inp.width * (w + 2) / w, rtol=1e-6)
    np.testing.assert_allclose(ring.cells[0].get_center(), inp.get_center(), atol=1e-6)
    np.testing.assert_array_equal(fill_rgb(ring.cells[0]), [0, 0, 0])  # zeros: no light in any colour


def test_tick_cross_has_no_padding_marks(scenes):
    scene = scenes["tick-cross"]
    assert all(len(e["open"].pad_marks) == 0 for e in scene.explained)
    assert scene.ring is None


def test_stack_has_one_map_per_filter(scene):
    step = conv(scene)
    assert len(scene.stack) == step.output.shape[0]
    for f, entry in enumerate(scene.stack):
        assert entry["filter"] == f and entry["head"].original_text == f"filter {f + 1}"
        assert_map(entry["map"], step.output[f], scene.plan.map_scale)
        for ch, grid in enumerate(entry["weights"]):
            assert_grid(grid, step.params["weight"][f, ch], scene.plan.weight_scale, numbers=len(grid.numbers) > 0)
    # the one-channel filters are small enough to print their weights
    if step.input.shape[0] == 1:
        assert all(len(g.numbers) == 9 for e in scene.stack for g in e["weights"])
    lowest = min(e["map"].get_bottom()[1] for e in scene.stack)
    assert scene.stack_summary.get_top()[1] < lowest and scene.stack_legend.get_top()[1] < lowest
    f, h, w = step.output.shape
    assert scene.stack_summary.original_text == f"conv1 output: {f} feature maps of {h} × {w}"


def check_match(scene):
    m = scene.plan.match
    mm = match_map(scene.trace, "conv1")[0]
    grid = scene.match_grid
    assert_grid(grid, mm, Diverging(1.0), numbers=False)
    assert all(grid.number(r, c).original_text == fmt(v, 2) for (r, c), v in np.ndenumerate(mm))
    r, c = m.cell
    assert mm[r, c] == mm.max()
    t = conv_terms(scene.trace, "conv1", 0, r, c)
    assert scene.match_value.original_text == fmt(t.match) == fmt(mm[r, c])
    assert text_of(scene.match_total) == fmt(t.total)
    assert text_of(scene.match_scale) == fmt(np.abs(conv(scene).params["weight"][0]).sum())
    np.testing.assert_allclose(scene.match_box.get_center(), grid.point(r, c), atol=1e-6)
    inp, cell = scene.input_mob, scene.input_mob.cell_size
    x, y = inp.get_left()[0] + (c + 1.5) * cell, inp.get_top()[1] - (r + 1.5) * cell
    np.testing.assert_allclose(scene.match_glass.lens.get_center()[:2], [x, y], atol=1e-6)
    # the patch, the filter's signs and which pixels agree, as the claim counts them
    assert_grid(scene.match_patch, t.patch[0], Diverging(1.0))
    for (i, j), w in np.ndenumerate(t.weights[0]):
        assert scene.match_signs.number(i, j).original_text == ("+" if w > 0 else "−" if w < 0 else "0")
        agrees = t.patch[0, i, j] * np.sign(w) > 0
        assert scene.match_agree.number(i, j).original_text == ("✓" if agrees else "✗")
    assert scene.match_tag.original_text == m.tag
    assert scene.beats[-1].text == m.claim
    return mm[r, c]


def test_tick_cross_match_map(scenes):
    scene = scenes["tick-cross"]
    best = check_match(scene)
    # The shipped tick: 7 of the 9 pixels agree at its best spot, short of a perfect match.
    assert not scene.plan.match.perfect and best < 1
    assert scene.match_tag.original_text == scene.plan.match.tag == f"best match: {fmt(best)}"


def test_custom_images_and_models(custom, folder):
    for scene in (custom, folder):
        step = conv(scene)
        assert scene.story.custom_image
        assert_map(scene.fmap, step.output[0], scene.plan.map_scale)
        t = conv_terms(scene.trace, "conv1", 0, 0, 1)
        assert_grid(scene.explained[1]["open"].products, t.products[0], scene.plan.weight_scale)
        check_match(scene)
    assert folder.story.network.class_names == ("crosses", "ticks")


def test_photo_is_its_own(photo, scenes):
    assert photo.story.custom_image and not np.array_equal(photo.trace.image, scenes["face"].trace.image)
    assert photo.plan.match is None


def test_sections_and_captions(scene):
    names = [name for name, _ in scene.sections]
    assert names[0] == "title"
    assert {"filter", "first", "stride", "sweep", "filters"} <= set(names)
    assert ("padding" in names) == (conv(scene).config["padding"] > 0)
    assert ("match" in names) == (scene.trace.image.shape[0] == 1)
    assert 20 <= scene.time <= 90
    for (_, end, _), (start, _, _) in zip(scene.captions, scene.captions[1:]):
        assert start >= end - 0.5 / 15 - 1e-9  # captions never overlap (beats end on whole 15 fps frames)
    assert all(b.id.startswith("convolution.") for b in scene.beats)
    # the stride captions say what the explained positions did
    assert [b.text for b in scene.beats if b.section == "stride"] == [q.note for q in scene.plan.positions[1:]]
