"""`convreel export pptx`: the deck read back with python-pptx, its clips probed and decoded with PyAV."""

import datetime as dt
import json
import shutil
from fractions import Fraction

import av
import numpy as np
import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.opc.constants import RELATIONSHIP_TYPE as RT

from convreel import cues, deck, media
from tests.conftest import convreel

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def video_slides(path):
    """(slide, video part, poster part, notes text) for every slide holding a video."""
    out = []
    for slide in Presentation(str(path)).slides:
        rels = {r.reltype: r.target_part for r in slide.part.rels.values() if not r.is_external}
        if RT.VIDEO in rels:
            assert rels[RT.MEDIA] is rels[RT.VIDEO]  # PowerPoint 2010+ and 2007 both point at it
            out.append((slide, rels[RT.VIDEO], rels[RT.IMAGE], slide.notes_slide.notes_text_frame.text))
    return out


def check_autoplay(slide) -> None:
    """The slide's timing starts its video by itself, on the video shape."""
    (movie,) = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
    cmds = slide.element.findall(f".//{P}cmd")
    assert [c.get("cmd") for c in cmds] == ["playFrom(0.0)"]
    assert cmds[0].find(f".//{P}spTgt").get("spid") == str(movie.shape_id)
    trigger = slide.element.find(f".//{P}cTn[@nodeType='mainSeq']//{P}cond[@evt='onBegin']")
    assert trigger is not None
    ids = [int(c.get("id")) for c in slide.element.iter(f"{P}cTn")]
    assert len(ids) == len(set(ids))


def test_chapter_deck_embeds_clips_posters_and_narration(rendered, tmp_path):
    out = tmp_path / "deck.pptx"
    proc = convreel("export", "pptx", rendered, "-o", out)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((rendered / "manifest.json").read_text())
    prs = Presentation(str(out))
    assert len(prs.slides) == 1 + len(data["clips"])
    title = " ".join(sh.text_frame.text for sh in prs.slides[0].shapes if sh.has_text_frame)
    clip = data["clips"][0]
    today = dt.date.today()
    for needed in ["How a CNN sees", "tick-cross", clip["image"]["file"], f"{today.day} {today:%B %Y}"]:
        assert needed in title
    slides = video_slides(out)
    assert len(slides) == len(data["clips"])
    for clip, (slide, video, poster, notes) in zip(data["clips"], slides):
        assert video.content_type == "video/mp4"
        assert video.blob == (rendered / clip["files"]["video"]).read_bytes()  # H.264 clips go in as they are
        assert poster.blob == (rendered / clip["files"]["poster"]).read_bytes()
        assert notes == "\n".join(c.text for c in cues.clip_cues(rendered, clip)) != ""
        assert slide.shapes.title.text == f"{clip['order']}  {clip['title']}"
        assert slide.shapes.title.element.nvSpPr.cNvPr.get("hidden") == "1"  # the clip has the whole slide
        check_autoplay(slide)
    assert not [p.name for p in tmp_path.iterdir() if p.name != "deck.pptx"]  # no temporary left


def test_per_section_deck_cuts_each_section_exactly(rendered, tmp_path):
    out = tmp_path / "steps.pptx"
    proc = convreel("export", "pptx", rendered, "-o", out, "--per-section")
    assert proc.returncode == 0, proc.stderr
    (clip,) = json.loads((rendered / "manifest.json").read_text())["clips"]
    slides = video_slides(out)
    bounds = cues.section_bounds(clip)
    assert len(Presentation(str(out)).slides) == 1 + len(bounds) == 1 + len(slides)
    narration = cues.clip_cues(rendered, clip)
    fps = clip["fps"]
    with av.open(str(rendered / clip["files"]["video"])) as c:
        source = [f.to_ndarray(format="rgb24").astype(np.int16) for f in c.decode(video=0)]
    for (name, start, end), (slide, video, poster, notes) in zip(bounds, slides):
        part = tmp_path / f"{name}.mp4"
        part.write_bytes(video.blob)
        info = media.probe(part)
        assert (info.codec, info.pix_fmt) == ("h264", "yuv420p")
        assert abs(info.duration - (end - start)) <= 1 / fps + 1e-3, name
        assert media.is_faststart(part)
        # The cut starts on the section's first frame: its first picture matches that source
        # frame at least as well as the frames either side of it (a tie when the picture did not
        # change: the held end of a beat and the first frame of the next animation can be equal).
        with av.open(str(part)) as c:
            first = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(np.int16)
        k = round(start * fps)
        diffs = {j: np.abs(first - source[j]).mean() for j in (k - 1, k, k + 1) if 0 <= j < len(source)}
        assert diffs[k] == min(diffs.values()) and diffs[k] < 3, (name, diffs)
        assert notes == "\n".join(c.text for c in cues.section_cues(narration, start, end))
        assert poster.content_type == "image/png"
        assert slide.shapes.title.text.endswith(f"({bounds.index((name, start, end)) + 1}/{len(bounds)})")
        check_autoplay(slide)
    assert "".join(n for *_, n in slides).replace("\n", "") == "".join(c.text for c in narration)


def _synthetic_folder(folder, fmt="webm"):
    """Two chapters of a webm render with sound: frame k is grey level 8k; the audio is silent for
    the first section and a 440 Hz tone in the second."""
    folder.mkdir()
    fps, n = 10, 30
    clips = []
    for order in (1, 2):
        stem = f"0{order}-synthetic{order}"
        with av.open(str(folder / f"{stem}.{fmt}"), "w") as out:
            v = out.add_stream("libvpx-vp9", rate=fps)
            v.width, v.height, v.pix_fmt = 64, 36, "yuv420p"
            a = out.add_stream("libopus", rate=48000)
            a.layout = "mono"
            for k in range(n):
                frame = av.VideoFrame.from_ndarray(np.full((36, 64, 3), 8 * k, np.uint8), format="rgb24")
                frame.pts, frame.time_base = k, Fraction(1, fps)
                out.mux(v.encode(frame))
            out.mux(v.encode(None))
            t = np.arange(48000 * n // fps) / 48000
            wave = np.where(t >= 1.5, 0.5 * np.sin(2 * np.pi * 440 * t), 0.0).astype(np.float32)
            for i in range(0, len(wave), 960):
                chunk = av.AudioFrame.from_ndarray(wave[None, i : i + 960], format="flt", layout="mono")
                chunk.sample_rate, chunk.pts, chunk.time_base = 48000, i, Fraction(1, 48000)
                out.mux(a.encode(chunk))
            out.mux(a.encode(None))
        media.poster(folder / f"{stem}.{fmt}", 1.0, folder / f"{stem}.png")
        vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.400\nQuiet grey.\n\n00:00:01.500 --> 00:00:03.000\nA tone.\n\n"
        (folder / f"{stem}.vtt").write_text(vtt)
        clips.append(
            {
                "chapter": f"synthetic{order}",
                "title": f"Synthetic {order}",
                "order": order,
                "example": "tick-cross",
                "image": {"file": "grey.png"},
                "label": "tick",
                "label_assumed": False,
                "prediction": "tick",
                "probabilities": {"tick": 0.9, "cross": 0.1},
                "duration": 3.0,
                "resolution": [64, 36],
                "fps": float(fps),
                "format": fmt,
                "files": {"video": f"{stem}.{fmt}", "poster": f"{stem}.png", "captions": {"vtt": f"{stem}.vtt"}},
                "sections": [
                    {"name": "quiet", "start": 0.0, "duration": 1.5},
                    {"name": "tone", "start": 1.5, "duration": 1.5},
                ],
            }
        )
    (folder / "manifest.json").write_text(json.dumps({"schema_version": 1, "clips": clips, "movie": None}))
    return folder


def _decode(path):
    with av.open(str(path)) as c:
        frames = [f.to_ndarray(format="rgb24").mean() for f in c.decode(video=0)]
    with av.open(str(path)) as c:
        audio = np.concatenate([f.to_ndarray().mean(axis=0) for f in c.decode(audio=0)])
    return frames, audio


def test_sound_and_other_formats_are_cut_and_reencoded(tmp_path):
    folder = _synthetic_folder(tmp_path / "webm")
    whole, steps = tmp_path / "whole.pptx", tmp_path / "steps.pptx"
    assert deck.export_pptx(folder, whole) == (whole, 3)
    assert deck.export_pptx(folder, steps, per_section=True) == (steps, 5)
    for i, (_, video, _, notes) in enumerate(video_slides(whole)):
        part = tmp_path / f"whole{i}.mp4"
        part.write_bytes(video.blob)
        info = media.probe(part)
        assert (info.codec, info.pix_fmt, info.frames) == ("h264", "yuv420p", 30)  # VP9 re-encoded
        assert notes == "Quiet grey.\nA tone."
    for i, (_, video, _, notes) in enumerate(video_slides(steps)):
        part = tmp_path / f"step{i}.mp4"
        part.write_bytes(video.blob)
        frames, audio = _decode(part)
        assert len(frames) == 15
        first = 0 if i % 2 == 0 else 15  # the grey level tells which source frame each one is
        assert [round(g / 8) for g in frames] == list(range(first, first + 15))
        assert abs(len(audio) / 48000 - 1.5) < 0.03  # AAC pads to whole 1024-sample frames
        loud = np.sqrt(np.mean(audio[2400:-2400] ** 2))
        assert (loud < 0.01) if i % 2 == 0 else (0.3 < loud < 0.4), (i, loud)  # 0.5 sine: rms 0.354
        assert notes == ("Quiet grey." if i % 2 == 0 else "A tone.")


def test_transparent_webm_is_laid_on_the_background(tmp_path):
    """A transparent render (VP9 with alpha) comes out opaque: white stays white, and what was
    transparent takes the videos' background colour instead of black."""
    src = tmp_path / "alpha.webm"
    with av.open(str(src), "w") as out:
        v = out.add_stream("libvpx-vp9", rate=10)
        v.width, v.height, v.pix_fmt = 64, 36, "yuva420p"
        for k in range(10):
            rgba = np.zeros((36, 64, 4), np.uint8)
            rgba[:18] = 255  # opaque white on top, fully transparent below
            frame = av.VideoFrame.from_ndarray(rgba, format="rgba")
            frame.pts, frame.time_base = k, Fraction(1, 10)
            out.mux(v.encode(frame))
        out.mux(v.encode(None))
    assert deck.cut(src, 0.3, 0.7, 10.0, tmp_path / "cut.mp4") == 4
    with av.open(str(tmp_path / "cut.mp4")) as c:
        picture = next(c.decode(video=0)).to_ndarray(format="rgb24").astype(int)
    assert (np.abs(picture[4:14] - 255) <= 3).all()
    assert (np.abs(picture[22:32] - (0x11, 0x14, 0x1A)) <= 3).all()


@pytest.mark.parametrize(
    "damage, message",
    [
        ("no folder", "not a folder"),
        ("no manifest", "no manifest.json here"),
        ("missing clip", "missing 01-synthetic1.webm"),
        ("broken clip", "synthetic2: cannot read"),
        ("bad manifest", "not valid JSON"),
        ("no clips", "lists no clips"),
        ("bad name", "must end in .pptx"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, damage, message):
    folder = _synthetic_folder(tmp_path / "render")
    target = tmp_path / "out"
    target.mkdir()
    output = target / ("deck.ppt" if damage == "bad name" else "deck.pptx")
    if damage == "no folder":
        shutil.rmtree(folder)
    elif damage == "no manifest":
        (folder / "manifest.json").unlink()
    elif damage == "missing clip":
        (folder / "01-synthetic1.webm").unlink()
    elif damage == "broken clip":
        (folder / "02-synthetic2.webm").write_bytes(b"\x1aE\xdf\xa3 not really a webm")
    elif damage == "bad manifest":
        (folder / "manifest.json").write_text("{")
    elif damage == "no clips":
        (folder / "manifest.json").write_text(json.dumps({"schema_version": 1, "clips": [], "movie": None}))
    proc = convreel("export", "pptx", folder, "-o", output, "--per-section")
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], proc.stderr
    assert list(target.iterdir()) == []  # nothing half-written, no temporary left


def test_default_output_is_named_after_the_folder_in_the_current_directory(tmp_path, monkeypatch):
    folder = _synthetic_folder(tmp_path / "my render")
    monkeypatch.chdir(tmp_path)
    path, slides = deck.export_pptx(folder, deck.default_output(folder))
    assert path == tmp_path / "my render.pptx" and path.exists() and slides == 3
