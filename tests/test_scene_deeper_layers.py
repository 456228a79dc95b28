"""The deeper-layers scene draws its plan: the deep cell's terms, the maps, the walk and the patches."""

import numpy as np
import pytest
from PIL import Image, ImageChops, ImageOps

import engine
from scenes.plans.deeper_layers import DATASET_SEED, DATASET_SIZE, N_PATCHES, receptive_field, top_patches
from scenes.plans.numbers import fmt, signed
from scenes.plans.terms import channel_sums, conv_terms
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_convolution import draw_photo_face, train_on_folder


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def face(media):
    return build("deeper-layers", "face", tmp_path=media)


@pytest.fixture(scope="module")
def custom(media, tmp_path_factory):
    """The shipped captain, mirrored, shifted and at another size: a portrait the network never saw
    (on a 4:3 frame)."""
    tmp = tmp_path_factory.mktemp("custom")
    img = Image.open(engine.get_example("face").image_path("captain")).convert("RGB")
    img = ImageChops.offset(ImageOps.mirror(img), img.width // 7, -img.height // 9).resize((64, 64))
    path = tmp / "mirrored_captain.png"
    img.save(path)
    return build("deeper-layers", "face", image=path, tmp_path=media, resolution=(960, 720))


@pytest.fixture(scope="module")
def folder(media, tmp_path_factory):
    """A model trained on a user's folder (bearded or not), shown a drawn photo-like portrait, 9:16."""
    from engine.datasets import draw_face

    tmp = tmp_path_factory.mktemp("folder")
    model = train_on_folder("face", tmp, {"beard": ["Captain"], "no beard": ["Countess", "Professor"]}, draw_face)
    return build("deeper-layers", "face", image=draw_photo_face(tmp / "someone.png"), model=model, tmp_path=media,
                 resolution=(720, 1280))  # fmt: skip


@pytest.fixture(scope="module")
def square(media):
    return build("deeper-layers", "face", tmp_path=media, resolution=(720, 720))


@pytest.fixture(params=["face", "custom", "folder"])
def scene(request):
    return request.getfixturevalue(request.param)


def close(a, b, atol=1e-6):
    np.testing.assert_allclose(np.asarray(a)[:2], np.asarray(b)[:2], atol=atol)


def check_grid(grid, values, scale, numbers=True):
    np.testing.assert_array_equal(grid.values, values)
    for (r, c), v in np.ndenumerate(values):
        if numbers:
            assert grid.number(r, c).original_text == fmt(v, 2)
        np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), scale.rgb(np.array(v)))


def test_the_chosen_cell_is_a_real_pool_winner(scene):
    pool, conv = scene.trace.step("pool2"), scene.trace.step("conv2")
    p = scene.plan
    assert p.cell == tuple(int(v) for v in pool.winners[p.f, p.r, p.c])
    assert conv.output[p.f, p.cell[0], p.cell[1]] == pool.output[p.f, p.r, p.c]
    assert pool.output[p.f, p.r, p.c] == pool.output[:, 1:-1, 1:-1].max()


def test_filter_slices_are_the_conv2_weights(scene):
    weights = scene.trace.step("conv2").params["weight"][scene.plan.f]
    assert len(scene.slices) == weights.shape[0] == scene.trace.step("pool1").output.shape[0] == 4
    for ch, g in enumerate(scene.slices):
        check_grid(g, weights[ch], scene.plan.weight_scale)


def test_one_cell_is_36_products_plus_bias(scene):
    p = scene.plan
    terms = conv_terms(scene.trace, "conv2", p.f, *p.cell)
    assert terms.products.size == 36
    ch = p.open_channel
    o = scene.open  # the map adding most, in full and readable
    check_grid(o.patch, terms.patch[ch], p.low_scale)
    check_grid(o.weights, terms.weights[ch], p.weight_scale)
    check_grid(o.products, terms.products[ch], p.weight_scale)
    assert o.headers[0].original_text == f"map {ch + 1} under the glass"
    total = scene.total  # every map by its sum
    sums = channel_sums(terms)
    for k, row in enumerate(total.rows):
        assert row.name.original_text == f"map {k + 1}"
        check_grid(row.patch, terms.patch[k], p.low_scale, numbers=False)
        check_grid(row.weights, terms.weights[k], p.weight_scale, numbers=False)
    assert [t.original_text for t in total.sums] == [fmt(s) for s in sums]
    assert [t.original_text.strip("()") for t in total.sum_line.terms] == [fmt(s) for s in sums]
    assert total.total.original_text == total.total_again.original_text == fmt(terms.total)
    assert total.bias.original_text == signed(terms.bias)
    assert total.out.number(0, 0).original_text == fmt(scene.trace.step("conv2").output[p.f, *p.cell])
    # the windows sit on the pool1 cells the filter multiplies (top-left from conv_terms)
    for k, (m, w) in enumerate(zip(scene.low_maps, scene.low_windows)):
        np.testing.assert_array_equal(m.values, scene.trace.step("pool1").output[k])
        close(w.lens.get_center(), m.point(terms.top + 1, terms.left + 1))
        assert w.lens.width == pytest.approx(3 * m.cell_size)


def test_the_maps_are_the_trace_outputs(scene):
    t, p = scene.trace, scene.plan
    for views, name in ((scene.conv_maps, "conv2"), (scene.relu_maps, "relu2"), (scene.pool_maps, "pool2")):
        out = t.step(name).output
        assert len(views) == out.shape[0] == 8
        for v, m in zip(views, out):
            np.testing.assert_array_equal(v.values, m)
            np.testing.assert_array_equal(v.rgb, p.deep_scale.rgb(m))
    assert p.deep_scale.vmax == pytest.approx(np.abs(t.step("conv2").output).max())
    titles = [m.original_text for m in scene.map_titles]
    assert titles[0].endswith("8 maps · 14×14") and titles[2].endswith("8 maps · 7×7")
    assert [m.original_text for m in scene.map_numbers] == [str(j + 1) for j in range(8)]  # counted from 1
    # the marks: the computed cell, its pooling window and the pooled cell
    f = p.f
    close(scene.map_marks[0].get_center(), scene.conv_maps[f].point(*p.cell))
    close(scene.map_marks[2].get_center(), scene.pool_maps[f].point(p.r, p.c))
    close(scene.map_marks[1].get_center(), scene.relu_maps[f].point(2 * p.r + 0.5, 2 * p.c + 0.5))


def test_receptive_field_box_is_over_the_right_pixels(scene):
    p = scene.plan
    box = receptive_field(scene.story.network, "pool2", p.r, p.c)
    assert p.chain[-1].box == box
    assert [lv.size for lv in p.chain] == [(1, 1), (2, 2), (4, 4), (8, 8), (10, 10)]
    assert [lv.grid for lv in p.chain] == ["pool2", "relu2", "pool1", "relu1", "input"]
    photo, frame = scene.field_views[-1], scene.field_boxes[-1]
    np.testing.assert_array_equal(photo.values, scene.trace.image)
    top, left, bottom, right = box
    close(frame.get_center(), (photo.point(top, left) + photo.point(bottom, right)) / 2)
    assert frame.width == pytest.approx((right - left + 1) * photo.cell_size)
    assert frame.height == pytest.approx((bottom - top + 1) * photo.cell_size)
    # every level: the right map, its box, its caption
    for level, view, b, cap in zip(p.chain, scene.field_views, scene.field_boxes, scene.field_captions):
        t, lft, btm, rt = level.box
        close(b.get_center(), (view.point(t, lft) + view.point(btm, rt)) / 2)
        bh, bw = level.size
        assert cap[2].original_text.startswith(f"sees {bh}×{bw}")
        if level.grid != "input":
            out = scene.trace.step(level.grid).output
            np.testing.assert_array_equal(view.values, out[p.f] if out.shape[0] == 8 else out[0])
    # the first-layer cell for comparison
    fr, fc = p.chain[3].box[:2]
    assert p.conv1_box == receptive_field(scene.story.network, "conv1", fr, fc)
    assert scene.conv1_note.original_text.endswith("sees 3×3")
    t, lft, btm, rt = p.conv1_box
    close(scene.conv1_mark.get_center(), (photo.point(t, lft) + photo.point(btm, rt)) / 2)


@pytest.fixture(scope="module")
def portraits():
    return engine.get_example("face").generate(DATASET_SIZE, DATASET_SEED)[0]


def test_top_patches_are_the_engines(face, custom, portraits):
    for scene in (face, custom):
        p = scene.plan
        channels = [fav.channel for fav in p.favourites]
        assert channels[0] == p.f and len(set(channels)) == 3
        for fav in p.favourites:
            want = top_patches(scene.story.network, "pool2", fav.channel, portraits, N_PATCHES)
            got = fav.patches
            assert [(d["image"], d["row"], d["col"], d["box"]) for d in got] == [
                (d["image"], d["row"], d["col"], d["box"]) for d in want
            ]
            ch = fav.channel
            for d, view, thumb, tbox, value in zip(
                want, scene.patch_views[ch], scene.thumbs[ch], scene.thumb_boxes[ch], scene.value_labels[ch]
            ):
                assert d["value"] == pytest.approx(next(g["value"] for g in got if g["image"] == d["image"]))
                np.testing.assert_array_equal(view.values, d["patch"])
                np.testing.assert_array_equal(thumb.values, portraits[d["image"]])
                t, lft, b, r = d["box"]
                close(tbox.get_center(), (thumb.point(t, lft) + thumb.point(b, r)) / 2)
                assert value.original_text == fmt(d["value"])
            assert scene.heads[ch][1].original_text == fav.note
    # the portraits do not depend on the traced image: the same patches for the same map
    shared = {f.channel for f in face.plan.favourites} & {f.channel for f in custom.plan.favourites}
    for ch in shared:
        a = next(f for f in face.plan.favourites if f.channel == ch)
        b = next(f for f in custom.plan.favourites if f.channel == ch)
        assert [d["image"] for d in a.patches] == [d["image"] for d in b.patches]


def test_custom_image_is_its_own_trace(face, custom, folder):
    for other in (custom, folder):
        assert other.story.custom_image and not face.story.custom_image
        assert not np.array_equal(other.trace.image, face.trace.image)
        np.testing.assert_array_equal(other.field_views[-1].values, other.trace.image)
    assert folder.story.network.class_names == ("beard", "no beard")
    assert folder.patch_note.original_text == folder.plan.portraits_note
    assert "not its own training images" in folder.patch_note.original_text


def test_layout_and_timing(scene):
    names = [n for n, _ in scene.sections]
    assert names == ["title", "glass", "sum", "maps", "field", "patches"]
    caps = scene.captions
    for (_, e0, _), (s1, _, _) in zip(caps, caps[1:]):
        assert e0 <= s1 + 0.5 / 15 + 1e-6  # beats end on whole 15 fps frames
    assert 20 <= scene.time <= 90
    texts = [t for _, _, t in caps]
    assert any("300 portraits" in t for t in texts)
    assert scene.patch_note.original_text == scene.plan.portraits_note
    assert scene.plan.bigger in texts and scene.plan.growth in texts
    assert "11 times as much of the face" in scene.plan.bigger
    assert any("built out of earlier clues" in t for t in texts)
    first = scene.plan.favourites[0]
    assert any(first.words(f"pool2 map {first.channel + 1}") in t for t in texts)


def test_every_aspect_ratio_keeps_the_layout_rules(square):
    assert square.time > 20  # checks ran at every play: nothing outside, nothing unreadable
