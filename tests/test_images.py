import numpy as np
import pytest
from PIL import Image

import engine
from engine import images


def test_shipped_example_images_round_trip_exactly():
    for name in engine.EXAMPLES:
        ex = engine.get_example(name)
        for c, original in engine.examples.example_images(name).items():
            np.testing.assert_array_equal(ex.load_image(ex.image_path(c)), original)


def test_bundled_models_classify_their_example_images(models):
    for name, net in models.items():
        ex = engine.get_example(name)
        for c in ex.class_names:
            assert net.trace(ex.load_image(ex.image_path(c))).predicted_class == c


def test_exif_orientation_is_honoured(tmp_path):
    a = np.zeros((20, 40, 3), dtype=np.uint8)
    a[:, :20] = 255  # left half white, right half black
    img = Image.fromarray(a)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to display"
    img.save(tmp_path / "r.jpg", exif=exif, quality=100)
    x = images.load_rgb(tmp_path / "r.jpg", 4)
    # Upright, the white half is on top.
    assert x[:, 0].mean() > 200 and x[:, -1].mean() < 50


def test_transparency_is_composited_on_white(tmp_path):
    a = np.zeros((8, 8, 4), dtype=np.uint8)
    a[..., 0] = 255  # red, fully transparent except one opaque pixel
    a[0, 0, 3] = 255
    Image.fromarray(a, "RGBA").save(tmp_path / "t.png")
    x = images.load_rgb(tmp_path / "t.png", 8)
    assert x[:, 7, 7].tolist() == [255, 255, 255]
    assert x[:, 0, 0].tolist() == [255, 0, 0]


@pytest.mark.parametrize("mode", ["L", "P", "CMYK", "I;16", "LA", "1"])
def test_any_mode_converts(tmp_path, mode):
    rgb = Image.new("RGB", (30, 30), (200, 120, 40))
    if mode == "I;16":
        img = Image.fromarray(np.full((30, 30), 40000, dtype=np.uint16))
        img.save(tmp_path / "x.png")
        x = images.load_rgb(tmp_path / "x.png", 10)
        assert x.shape == (3, 10, 10) and abs(x[0, 0, 0] - 40000 / 257) < 1
        return
    suffix = "jpg" if mode == "CMYK" else "png"
    if mode == "1":
        suffix = "bmp"
    rgb.convert(mode).save(tmp_path / f"x.{suffix}")
    x = images.load_rgb(tmp_path / f"x.{suffix}", 10)
    assert x.shape == (3, 10, 10) and x.dtype == np.float64


def test_centre_crop_to_square(tmp_path):
    a = np.zeros((10, 30), dtype=np.uint8)
    a[:, 10:20] = 255
    Image.fromarray(a).save(tmp_path / "wide.png")
    x = images.load_rgb(tmp_path / "wide.png", 10)
    assert x.min() == 255  # only the white centre square survives


@pytest.mark.parametrize("ink,paper", [(0, 255), (255, 0), (90, 200)])
def test_drawings_threshold_to_ink_plus_one(tmp_path, ink, paper):
    a = np.full((120, 120), paper, dtype=np.uint8)
    a[50:70, 10:110] = ink  # a horizontal bar
    Image.fromarray(a).save(tmp_path / "bar.png")
    x = images.load_binary(tmp_path / "bar.png", 12)
    assert set(np.unique(x)) == {-1.0, 1.0}
    assert (x[0, 5:7, 1:11] == 1).all() and (x[0, :4] == -1).all()


def test_blank_drawing_is_all_background(tmp_path):
    Image.new("L", (50, 50), 255).save(tmp_path / "blank.png")
    assert (images.load_binary(tmp_path / "blank.png", 12) == -1).all()


def test_bad_inputs_name_the_file_and_problem(tmp_path):
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("not a picture")
    good = tmp_path / "good.png"
    Image.new("RGB", (64, 64), (10, 200, 30)).save(good)
    (tmp_path / "cut.png").write_bytes(good.read_bytes()[:60])
    cases = {
        tmp_path / "missing.png": "file not found",
        tmp_path: "is a directory",
        tmp_path / "empty.png": "file is empty",
        tmp_path / "notes.txt": "not an image file",
        tmp_path / "cut.png": "truncated or corrupted",
    }
    for path, message in cases.items():
        with pytest.raises(engine.ImageError, match=message) as err:
            images.load_rgb(path, 28)
        assert str(path) in str(err.value) and "\n" not in str(err.value)


def test_decompression_bomb_is_refused_before_decoding(tmp_path):
    bomb = tmp_path / "bomb.png"
    Image.new("1", (10000, 10000)).save(bomb)  # 100 Mpx that compresses to a few kB
    assert bomb.stat().st_size < 100_000
    with pytest.raises(engine.ImageError, match="too large"):
        images.load_rgb(bomb, 28)
