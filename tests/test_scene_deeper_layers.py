import numpy as np
import pytest
from PIL import Image, ImageChops, ImageOps

import engine
from engine.experiments import receptive_field, top_patches
from scenes import legacy_style as style
from scenes.deeper_layers import DATASET_SEED, DATASET_SIZE, N_PATCHES
from scenes.legacy_style import fmt
from scenes.plans.terms import channel_sums, conv_terms
from tests.scene_helpers import build, fill_rgb, on_screen


@pytest.fixture(scope="module")
def face(tmp_path_factory):
    return build("deeper-layers", "face", tmp_path=tmp_path_factory.mktemp("face"))


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """The shipped captain, mirrored, shifted and at another size: a portrait the network never saw."""
    tmp = tmp_path_factory.mktemp("custom")
    img = Image.open(engine.get_example("face").image_path("captain")).convert("RGB")
    img = ImageChops.offset(ImageOps.mirror(img), img.width // 7, -img.height // 9).resize((64, 64))
    path = tmp / "mirrored_captain.png"
    img.save(path)
    return build("deeper-layers", "face", image=path, tmp_path=tmp)


@pytest.fixture(params=["face", "custom"])
def scene(request, face, custom):
    return face if request.param == "face" else custom


def close(a, b, atol=1e-6):
    np.testing.assert_allclose(np.asarray(a)[:2], np.asarray(b)[:2], atol=atol)


def check_grid(grid, values, cmap):
    np.testing.assert_array_equal(grid.values, values)
    for (r, c), v in np.ndenumerate(values):
        assert grid.number(r, c).original_text == fmt(v, 2)
        np.testing.assert_array_equal(fill_rgb(grid.cell(r, c)), cmap.rgb(np.array(v)))


def test_the_chosen_cell_is_a_real_pool_winner(scene):
    pool, conv = scene.trace.step("pool2"), scene.trace.step("conv2")
    f, r, c = scene.f, scene.r, scene.c
    assert scene.cell == tuple(int(v) for v in pool.winners[f, r, c])
    assert conv.output[f, scene.cell[0], scene.cell[1]] == pool.output[f, r, c] > 0
    # the strongest pooled value among the cells whose receptive field is not clipped
    assert pool.output[f, r, c] == pool.output[:, 1:-1, 1:-1].max()


def test_filter_slices_are_the_conv2_weights(scene):
    weights = scene.trace.step("conv2").params["weight"][scene.f]
    assert len(scene.slices) == weights.shape[0] == scene.trace.step("pool1").output.shape[0] == 4
    for ch, g in enumerate(scene.slices):
        check_grid(g, weights[ch], scene.w_cmap)
    assert scene.w_cmap.vmax == pytest.approx(max(np.abs(weights).max(), np.abs(scene.terms.products).max()))


def test_one_cell_is_36_products_plus_bias(scene):
    terms = conv_terms(scene.trace, "conv2", scene.f, *scene.cell)
    assert terms.products.size == 36
    for ch in range(4):
        check_grid(scene.patches[ch], terms.patch[ch], scene.low_cmap)
        check_grid(scene.products[ch], terms.products[ch], scene.w_cmap)
    sums = channel_sums(terms)
    assert [t.original_text for t in scene.sum_labels] == [f"sum {fmt(s)}" for s in sums]
    texts = [m.original_text for m in scene.sum_line]
    shown = [t.strip("()") for t in texts[0::2]]
    assert shown == [fmt(s) for s in sums] + [fmt(terms.total)]
    line2 = [m.original_text for m in scene.bias_line[:4]]
    assert line2[0] == fmt(terms.total) and line2[2].strip("()") == fmt(terms.bias)
    assert scene.out_cell.number(0, 0).original_text == fmt(scene.trace.step("conv2").output[scene.f, *scene.cell])
    # the windows sit on the pool1 cells the filter multiplies (top-left from conv_terms)
    for m, w in zip(scene.low_maps, scene.low_windows):
        np.testing.assert_array_equal(m.values, scene.trace.step("pool1").output[scene.low_maps.index(m)])
        close(w.get_center(), m.cell_center(terms.top + 1, terms.left + 1))
        assert w.width == pytest.approx(3 * m.cell_size)


def test_the_maps_are_the_trace_outputs(scene):
    t = scene.trace
    for views, name in ((scene.conv_maps, "conv2"), (scene.relu_maps, "relu2"), (scene.pool_maps, "pool2")):
        out = t.step(name).output
        assert len(views) == out.shape[0] == 8
        for v, m in zip(views, out):
            np.testing.assert_array_equal(v.values, m)
            np.testing.assert_array_equal(v.rgb, scene.deep_cmap.rgb(m))
    assert scene.deep_cmap.vmax == pytest.approx(np.abs(t.step("conv2").output).max())
    titles = [m.original_text for m in scene.map_titles]
    assert titles[0].endswith("8 maps · 14×14") and titles[2].endswith("8 maps · 7×7")
    # the marks: the computed cell, its pooling window and the pooled cell
    f = scene.f
    close(scene.map_marks[0].get_center(), scene.conv_maps[f].cell_center(*scene.cell))
    close(scene.map_marks[2].get_center(), scene.pool_maps[f].cell_center(scene.r, scene.c))
    close(scene.map_marks[1].get_center(), scene.relu_maps[f].cell_center(2 * scene.r + 0.5, 2 * scene.c + 0.5))


def test_receptive_field_box_is_over_the_right_pixels(scene):
    box = receptive_field(scene.network, "pool2", scene.r, scene.c)
    assert scene.chain[-1].box == box
    assert [lv.size for lv in scene.chain] == [(1, 1), (2, 2), (4, 4), (8, 8), (10, 10)]
    assert [lv.grid for lv in scene.chain] == ["pool2", "relu2", "pool1", "relu1", "input"]
    photo, frame = scene.field_views[-1], scene.field_boxes[-1]
    np.testing.assert_array_equal(photo.values, scene.trace.image)
    top, left, bottom, right = box
    close(frame.get_center(), (photo.cell_center(top, left) + photo.cell_center(bottom, right)) / 2)
    assert frame.width == pytest.approx((right - left + 1) * photo.cell_size)
    assert frame.height == pytest.approx((bottom - top + 1) * photo.cell_size)
    # every level: the right map, its box, its caption
    for level, view, b, cap in zip(scene.chain, scene.field_views, scene.field_boxes, scene.field_captions):
        t, lft, btm, rt = level.box
        close(b.get_center(), (view.cell_center(t, lft) + view.cell_center(btm, rt)) / 2)
        bh, bw = level.size
        assert cap[2].original_text.startswith(f"sees {bh}×{bw}")
        if level.grid != "input":
            out = scene.trace.step(level.grid).output
            np.testing.assert_array_equal(view.values, out[scene.f] if out.shape[0] == 8 else out[0])
    # the first-layer cell for comparison
    fr, fc = scene.chain[3].box[:2]
    assert scene.conv1_box == receptive_field(scene.network, "conv1", fr, fc)
    assert scene.conv1_note.original_text.endswith("sees 3×3")


@pytest.fixture(scope="module")
def portraits():
    return engine.get_example("face").generate(DATASET_SIZE, DATASET_SEED)[0]


def test_top_patches_are_the_engines(face, custom, portraits):
    for scene in (face, custom):
        assert scene.channels[0] == scene.f and len(set(scene.channels)) == 3
        for ch in scene.channels:
            want = top_patches(scene.network, "pool2", ch, portraits, N_PATCHES)
            got = scene.top[ch]
            assert [(d["image"], d["row"], d["col"], d["box"]) for d in got] == [
                (d["image"], d["row"], d["col"], d["box"]) for d in want
            ]
            for d, view, thumb, tbox, value in zip(
                want, scene.patch_views[ch], scene.thumbs[ch], scene.thumb_boxes[ch], scene.value_labels[ch]
            ):
                assert d["value"] == pytest.approx(next(g["value"] for g in got if g["image"] == d["image"]))
                np.testing.assert_array_equal(view.values, d["patch"])
                np.testing.assert_array_equal(thumb.values, portraits[d["image"]])
                t, lft, b, r = d["box"]
                close(tbox.get_center(), (thumb.cell_center(t, lft) + thumb.cell_center(b, r)) / 2)
                assert value.original_text == fmt(d["value"])
    # the dataset does not depend on the traced image: the same patches for the same map
    shared = set(face.channels) & set(custom.channels)
    for ch in shared:
        assert [d["image"] for d in face.top[ch]] == [d["image"] for d in custom.top[ch]]


def test_custom_image_is_its_own_trace(face, custom):
    assert custom.story.custom_image and not face.story.custom_image
    assert not np.array_equal(custom.trace.image, face.trace.image)
    np.testing.assert_array_equal(custom.field_views[-1].values, custom.trace.image)


def test_layout_and_timing(scene):
    assert not on_screen(scene)
    names = [n for n, _ in scene.steps]
    assert names == ["title", "glass", "sum", "maps", "field", "patches"]
    caps = scene.captions
    for (_, e0, _), (s1, _, _) in zip(caps, caps[1:]):
        assert e0 <= s1 + 1e-6
    assert 20 <= scene.time <= 90
    assert any("300 training-style portraits" in t for _, _, t in caps)
    assert scene.patch_note.original_text == "from 300 training-style portraits"
    assert any("bigger piece of the face" in t for _, _, t in caps)
    assert any("built out of earlier clues" in t for _, _, t in caps)


def test_colours_use_the_house_maps(face):
    assert isinstance(face.w_cmap, style.Diverging) and isinstance(face.deep_cmap, style.Diverging)
    assert face.low_cmap.vmax == pytest.approx(np.abs(face.trace.step("relu1").output).max())
