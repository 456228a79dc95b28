import pytest
from manim import DOWN, LEFT, RIGHT, UP, Square, tempconfig

from scenes.layout import CAPTION_BAND, SAFE_MARGIN, Zone, layout

RATIOS = {"16:9": (1920, 1080), "4:3": (1440, 1080), "1:1": (1080, 1080), "9:16": (1080, 1920)}


def frame(w, h):
    return tempconfig({"pixel_width": w, "pixel_height": h, "frame_width": 8.0 * w / h})


@pytest.mark.parametrize("ratio", RATIOS)
def test_zones_stay_inside_the_safe_area_and_above_the_caption_band(ratio):
    w, h = RATIOS[ratio]
    with frame(w, h):
        lay = layout()
        fw, fh = lay.frame.width, lay.frame.height
        assert lay.safe.left >= lay.frame.left + SAFE_MARGIN * fw
        assert lay.safe.top <= lay.frame.top - SAFE_MARGIN * fh
        assert lay.caption.top == pytest.approx(lay.frame.bottom + CAPTION_BAND * fh)
        for zone in (lay.header, lay.body, lay.footer, lay.main, lay.left, lay.centre, lay.right):
            assert lay.safe.left - 1e-9 <= zone.left < zone.right <= lay.safe.right + 1e-9
            assert lay.caption.top < zone.bottom < zone.top <= lay.safe.top + 1e-9
        assert lay.header.bottom > lay.body.top
        assert lay.stacked == (w / h < 1.2)
        if lay.stacked:  # square and portrait frames stack the columns
            assert lay.left.bottom > lay.centre.top > lay.centre.bottom > lay.right.top
        else:
            assert lay.left.right < lay.centre.left < lay.centre.right < lay.right.left


def test_place_fits_without_enlarging_and_aligns():
    z = Zone(-2, -1, 2, 1)
    big = z.place(Square(5), UP + LEFT, buff=0.1)
    assert z.contains(big)
    assert big.get_top()[1] == pytest.approx(0.9) and big.get_left()[0] == pytest.approx(-1.9)
    small = z.place(Square(0.5), DOWN + RIGHT)
    assert small.width == pytest.approx(0.5)
    assert small.get_corner(DOWN + RIGHT)[:2] == pytest.approx([2, -1])


def test_splits_cover_the_zone_with_gaps():
    z = Zone(0, 0, 10, 4)
    a, b = z.columns(1, 3, gap=1)
    assert (a.left, a.right, b.left, b.right) == pytest.approx((0, 2.25, 3.25, 10))
    top, bottom = z.rows(1, 1, gap=0)
    assert (top.top, top.bottom, bottom.bottom) == pytest.approx((4, 2, 0))
