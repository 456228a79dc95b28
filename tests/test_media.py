import av
import pytest

from convreel import media


def test_join_concatenates_clips_without_reencoding(rendered, tmp_path):
    clip = rendered / "01-pixels.mp4"
    out = tmp_path / "joined.mp4"
    media.join([clip, clip], out)
    one, two = media.probe(clip), media.probe(out)
    assert two.duration == pytest.approx(2 * one.duration, abs=0.1)
    assert two.frames == 2 * one.frames and (two.width, two.height, two.codec) == (one.width, one.height, "h264")
    assert media.is_faststart(out)
    with av.open(str(out)) as c:
        pts = [f.pts for f in c.decode(video=0)]
    assert pts == sorted(pts) and len(set(pts)) == len(pts)  # one continuous timeline


def test_caption_formats():
    caps = [(0.0, 2.5, "First."), (2.8, 3661.25, "Second, long.")]
    assert media.captions_srt(caps) == (
        "1\n00:00:00,000 --> 00:00:02,500\nFirst.\n\n2\n00:00:02,800 --> 01:01:01,250\nSecond, long.\n\n"
    )
    assert media.captions_vtt(caps).startswith("WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nFirst.\n\n")


def test_poster_and_faststart_detection(rendered, tmp_path):
    out = tmp_path / "p.png"
    media.poster(rendered / "01-pixels.mp4", 5.0, out)
    assert out.stat().st_size > 1000
    plain = tmp_path / "plain.mp4"
    # Re-mux without the faststart flag: the index goes to the end, as encoders write it.
    media._remux([rendered / "01-pixels.mp4"], plain)
    assert not media.is_faststart(plain) and media.is_faststart(rendered / "01-pixels.mp4")
