"""A PowerPoint deck from a render folder: a title slide, then one video slide per chapter (or per
section), each clip starting by itself when its slide appears, its narration in the speaker notes.

PowerPoint plays H.264 (yuv420p) MP4 best, so clips in any other form, and every section cut, are
re-encoded with PyAV: a cut starts on the section's first frame, not on the nearest keyframe.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from convreel import cues, media
from convreel.gallery import page_language, section_title
from scenes import i18n
from scenes.i18n import _, ngettext
from scenes.plans.names import shown

BACKGROUND = RGBColor(0x11, 0x14, 0x1A)  # the videos' background
INK = RGBColor(0xEC, 0xEB, 0xE8)
DIM = RGBColor(0x9A, 0xA3, 0xB2)
ACCENT = RGBColor(0xFF, 0xD8, 0x4D)
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)  # 16:9
TITLE_ONLY, TITLE_SLIDE = 5, 0  # layouts of python-pptx's default template


class DeckError(ValueError):
    """An export that cannot be made; the message is one line."""


@dataclass(frozen=True)
class VideoSlide:
    title: str
    number: str  # the chapter's number
    video: Path
    poster: Path
    width: int
    height: int
    duration: float
    notes: str


def _frame_rate(fps: float) -> Fraction:
    return Fraction(fps).limit_denominator(1001)


def _is_powerpoint_ready(path: Path) -> bool:
    info = media.probe(path)
    return path.suffix == ".mp4" and info.codec == "h264" and info.pix_fmt == "yuv420p"


def _flatten(frame: av.VideoFrame) -> av.VideoFrame:
    """A frame with transparency composited onto the videos' background (H.264 has no alpha)."""
    if not any(c.is_alpha for c in frame.format.components):
        return frame
    rgba = frame.to_ndarray(format="rgba").astype(np.float32)
    alpha = rgba[..., 3:] / 255.0
    bg = np.array([BACKGROUND[0], BACKGROUND[1], BACKGROUND[2]], np.float32)
    rgb = rgba[..., :3] * alpha + bg * (1.0 - alpha)
    return av.VideoFrame.from_ndarray(np.round(rgb).astype(np.uint8), format="rgb24")


def _decode_video(inp, stream):
    """The stream's frames. A transparent WebM keeps its alpha in a side channel that only
    libvpx's decoder reads (FFmpeg's own VP8/VP9 decoders drop it)."""
    if stream.codec_context.name in ("vp8", "vp9") and stream.metadata.get("alpha_mode") == "1":
        decoder = av.CodecContext.create(f"libvpx-{'vp9' if stream.codec_context.name == 'vp9' else 'vp8'}", "r")
        for packet in inp.demux(stream):
            yield from decoder.decode(packet)  # the final empty packet flushes the decoder
    else:
        yield from inp.decode(stream)


def cut(src: Path, start: float, end: float | None, fps: float, dst: Path) -> int:
    """Re-encode ``src`` from ``start`` to ``end`` seconds into an H.264 yuv420p MP4 at ``dst``
    (audio, when there is any, as AAC cut at the same times). Returns the number of video frames.

    Frame k of the clip shows from k / fps, so the cut holds the frames whose times fall in
    [start, end) and its first frame is the one shown at ``start``; ``end=None`` keeps the rest.
    """
    end = float("inf") if end is None else end
    rate = _frame_rate(fps)
    half = 0.5 / float(rate)
    tmp = dst.with_name(f".{dst.name}.tmp.mp4")
    frames = 0
    try:
        with av.open(str(src)) as inp, av.open(str(tmp), "w", format="mp4", options={"movflags": "+faststart"}) as out:
            vin = inp.streams.video[0]
            vout = out.add_stream("libx264", rate=rate)
            vout.width = vin.codec_context.width
            vout.height = vin.codec_context.height
            vout.pix_fmt = "yuv420p"
            tick = 1 / rate  # one frame: the encoder counts in frames
            vout.codec_context.time_base = tick
            # crf 18: visually lossless for these flat-coloured animations; fast enough on 2 cores.
            vout.codec_context.options = {"crf": "18", "preset": "medium", "profile": "high"}
            ain = inp.streams.audio[0] if inp.streams.audio else None
            aout = None
            if ain is not None:
                aout = out.add_stream("aac", rate=ain.codec_context.sample_rate or 48000)
                aout.layout = ain.codec_context.layout.name if ain.codec_context.layout else "stereo"
            if start > 1.0:
                # Land on a keyframe a little before the cut and decode forward from there.
                inp.seek(int((start - 1.0) / vin.time_base), stream=vin)
            for index, frame in enumerate(_decode_video(inp, vin)):
                tb = frame.time_base or vin.time_base
                t = float(frame.pts * tb) if frame.pts is not None else index / float(rate)
                if t < start - half:
                    continue
                if t >= end - half:
                    break
                picture = _flatten(frame).reformat(format="yuv420p")
                picture.pts = frames
                picture.time_base = tick
                out.mux(vout.encode(picture))
                frames += 1
            out.mux(vout.encode(None))
            if ain is not None:
                _cut_audio(inp, ain, aout, out, start, end)
        if frames == 0:
            raise DeckError(f"{src.name}: no frames between {start:.3f} s and {end:.3f} s")
        os.replace(tmp, dst)
    finally:
        tmp.unlink(missing_ok=True)
    return frames


def _samples(inp, ain, rate: int, resampler):
    """(first sample index, chunk) of the input's audio, resampled for the encoder."""
    done = 0
    for frame in inp.decode(ain):
        for chunk in resampler.resample(frame):
            at = round(float(chunk.pts * chunk.time_base) * rate) if chunk.pts is not None else done
            yield at, chunk
            done = at + chunk.samples


def _cut_audio(inp, ain, aout, out, start: float, end: float) -> None:
    """Copy the samples in [start, end) of the input's audio into ``aout``, starting at time 0."""
    rate = aout.codec_context.sample_rate
    resampler = av.AudioResampler(format=aout.codec_context.format.name, layout=aout.layout.name, rate=rate)
    first, last = round(start * rate), round(end * rate) if end != float("inf") else None
    inp.seek(0)
    for at, chunk in _samples(inp, ain, rate, resampler):
        lo, hi = max(first, at), at + chunk.samples if last is None else min(last, at + chunk.samples)
        if last is not None and at >= last:
            break
        if hi <= lo:
            continue
        data = np.ascontiguousarray(chunk.to_ndarray()[:, lo - at : hi - at])
        piece = av.AudioFrame.from_ndarray(data, format=chunk.format.name, layout=chunk.layout.name)
        piece.sample_rate = rate
        piece.pts = lo - first
        piece.time_base = Fraction(1, rate)
        out.mux(aout.encode(piece))
    out.mux(aout.encode(None))


def _narration(items: list[cues.Cue]) -> str:
    return "\n".join(c.text for c in items)


def _clip_slides(folder: Path, clip: dict, work: Path, per_section: bool, notify) -> list[VideoSlide]:
    video = folder / clip["files"]["video"]
    poster = folder / clip["files"]["poster"]
    with Image.open(poster) as im:
        im.verify()  # PowerPoint shows a damaged preview as a broken picture
    w, h = clip["resolution"]
    narration = cues.clip_cues(folder, clip)
    stem = video.stem
    number = str(clip["order"])
    if not per_section:
        if not _is_powerpoint_ready(video):
            notify(f"re-encoding {video.name} as H.264")
            ready = work / f"{stem}.mp4"
            cut(video, 0.0, None, clip["fps"], ready)
            video = ready
        return [VideoSlide(clip["title"], number, video, poster, w, h, clip["duration"], _narration(narration))]
    slides = []
    bounds = cues.section_bounds(clip)
    for i, (name, start, end) in enumerate(bounds, 1):
        notify(f"cutting {clip['chapter']}: {name}")
        part = work / f"{stem}-{i:02d}.mp4"
        frames = cut(video, start, end, clip["fps"], part)
        still = work / f"{stem}-{i:02d}.png"
        # A slide's clip starts where the previous slide's stopped, so its first frame is the
        # seamless preview; a chapter's opening title card starts blank: it shows its middle.
        media.poster(part, (end - start) / 2 if start == 0 else 0.0, still)
        title = f"{clip['title']}: {section_title(name)} ({i}/{len(bounds)})"
        notes = _narration(cues.section_cues(narration, start, end))
        slides.append(VideoSlide(title, number, part, still, w, h, frames / clip["fps"], notes))
    return slides


def plan(folder: Path, data: dict, work: Path, per_section: bool, notify: Callable[[str], None]) -> list[VideoSlide]:
    """The video slides of the deck, cutting (or re-encoding) clips into ``work`` as needed."""
    slides = []
    for clip in sorted(data["clips"], key=lambda c: c["order"]):
        try:
            slides += _clip_slides(folder, clip, work, per_section, notify)
        except (av.FFmpegError, OSError, SyntaxError) as exc:  # PIL reports a bad PNG as SyntaxError
            raise DeckError(f"{clip['chapter']}: cannot read its video or poster ({exc})") from None
    return slides


def _background(slide) -> None:
    fill = slide.background.fill
    fill.solid()
    fill.fore_color.rgb = BACKGROUND


def _style(paragraph, size: float, color: RGBColor, bold: bool = False) -> None:
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.color.rgb = color
        run.font.bold = bold


def _title_slide(prs, data: dict, slides: int, per_section: bool) -> None:
    from engine import get_example

    first = data["clips"][0]
    today = dt.date.today()
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_SLIDE])
    _background(slide)
    title, subtitle = slide.placeholders[0], slide.placeholders[1]
    title.left, title.top, title.width, title.height = Inches(1), Inches(1.9), Inches(11.333), Inches(1.6)
    title.text_frame.text = _("How a CNN sees")
    title.text_frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    _style(title.text_frame.paragraphs[0], 54, INK, bold=True)
    rule = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Inches(6.067), Inches(3.7), Inches(1.2), Inches(0.06))
    rule.fill.solid()
    rule.fill.fore_color.rgb = ACCENT
    rule.line.fill.background()
    try:
        example = shown(get_example(first["example"]).title)
    except ValueError:  # a manifest from a newer ConvReel with another example
        example = first["example"]
    p_top = max(first["probabilities"].values()) if first.get("probabilities") else None
    verdict = _("Prediction: {name}").format(name=shown(str(first["prediction"])))
    if p_top is not None:
        verdict += f" ({100 * p_top:.1f}%)"
    if first["label"] is not None:
        label = _("label: {name} (assumed)") if first.get("label_assumed") else _("label: {name}")
        verdict += " · " + label.format(name=shown(str(first["label"])))
    n = len(data["clips"])
    count = (
        ngettext("{n} chapter, {k} step", "{n} chapters, {k} steps", slides)
        if per_section
        else ngettext("{n} chapter, {k} clip", "{n} chapters, {k} clips", slides)
    ).format(n=n, k=slides)
    lines = [
        (f"{example} ({first['example']}) · {first['image']['file']}", 24, INK),
        (verdict, 20, DIM),
        (f"{count} · {_date(today)}", 20, DIM),
    ]
    subtitle.left, subtitle.top, subtitle.width, subtitle.height = Inches(1), Inches(4.0), Inches(11.333), Inches(1.8)
    frame = subtitle.text_frame
    frame.vertical_anchor = MSO_ANCHOR.TOP
    for i, (text, size, color) in enumerate(lines):
        p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        p.text = text
        p.alignment = PP_ALIGN.CENTER
        p.space_after = Pt(6)
        _style(p, size, color)
    slide.notes_slide.notes_text_frame.text = _(
        "Each clip starts by itself when its slide appears; click it to pause or play it again."
    )


def _date(day: dt.date) -> str:
    """The day as the deck's language writes it ("30 November 2026", "2026年11月30日")."""
    if i18n.language() == i18n.DEFAULT_LANGUAGE:
        return f"{day.day} {day:%B %Y}"
    from babel.dates import format_date

    return format_date(day, "long", locale=i18n.language())


def _autoplay(slide, shape_id: int, duration: float) -> None:
    """Make the slide's video start by itself when the slide appears ("Start: Automatically").

    python-pptx only registers the video (click to play). PowerPoint's own file for an automatic
    start adds a main sequence whose first step runs on the slide's beginning and calls
    playFrom(0.0) on the video shape.
    """
    root = slide.element.find(qn("p:timing")).find(qn("p:tnLst")).find(qn("p:par")).find(qn("p:cTn"))
    children = root.find(qn("p:childTnLst"))
    ids = (int(x) for x in slide.element.xpath("//p:timing//p:cTn/@id"))
    n = max(ids) + 1
    P = "http://schemas.openxmlformats.org/presentationml/2006/main"
    seq = parse_xml(
        f'<p:seq xmlns:p="{P}" concurrent="1" nextAc="seek">'
        f'<p:cTn id="{n}" dur="indefinite" nodeType="mainSeq"><p:childTnLst>'
        f'<p:par><p:cTn id="{n + 1}" fill="hold"><p:stCondLst><p:cond delay="indefinite"/>'
        f'<p:cond evt="onBegin" delay="0"><p:tn val="{n}"/></p:cond></p:stCondLst><p:childTnLst>'
        f'<p:par><p:cTn id="{n + 2}" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:par><p:cTn id="{n + 3}" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold"'
        f' nodeType="afterEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>'
        f'<p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="{n + 4}" dur="{round(duration * 1000)}"'
        f' fill="hold"/><p:tgtEl><p:spTgt spid="{shape_id}"/></p:tgtEl></p:cBhvr></p:cmd>'
        "</p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par></p:childTnLst></p:cTn></p:par>"
        "</p:childTnLst></p:cTn>"
        '<p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>'
        '<p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>'
        "</p:seq>"
    )
    children.insert(0, seq)  # the schema wants the sequence before the p:video media node
    # Stop the clip when the slide is left, as PowerPoint does for its own automatic videos.
    media_ctn = children.find(qn("p:video")).find(qn("p:cMediaNode")).find(qn("p:cTn"))
    media_ctn.append(
        parse_xml(
            f'<p:endCondLst xmlns:p="{P}"><p:cond evt="onStopAudio" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl>'
            "</p:cond></p:endCondLst>"
        )
    )


def _video_slide(prs, spec: VideoSlide) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[TITLE_ONLY])
    _background(slide)
    # The clips carry their own title line, so the slide's title is hidden (as PowerPoint's
    # Selection pane hides a shape): it still names the slide in the outline, the slide list and
    # to screen readers, and the clip has the whole slide.
    title = slide.shapes.title
    title.text_frame.text = f"{spec.number}  {spec.title}"
    _style(title.text_frame.paragraphs[0], 28, INK, bold=True)
    title.element.nvSpPr.cNvPr.set("hidden", "1")
    scale = min(SLIDE_W / spec.width, SLIDE_H / spec.height)
    w, h = Emu(int(spec.width * scale)), Emu(int(spec.height * scale))
    left, top = Emu(int((SLIDE_W - w) / 2)), Emu(int((SLIDE_H - h) / 2))
    movie = slide.shapes.add_movie(str(spec.video), left, top, w, h, str(spec.poster), mime_type="video/mp4")
    movie.name = _("Clip {n}").format(n=spec.number)
    _autoplay(slide, movie.shape_id, spec.duration)
    slide.notes_slide.notes_text_frame.text = spec.notes


def default_output(folder: Path) -> Path:
    """The deck's name when none is given: the render folder's name, in the current folder."""
    return Path.cwd() / f"{Path(folder).resolve().name}.pptx"


def export_pptx(
    folder: Path, output: Path, per_section: bool = False, notify: Callable[[str], None] | None = None
) -> tuple[Path, int]:
    """Write the deck of render folder ``folder`` to ``output`` (atomically); return its path and
    its number of slides."""
    folder, output = Path(folder), Path(output)
    say = notify or (lambda _: None)
    data = cues.read_render(folder)
    if output.suffix.lower() != ".pptx":
        raise DeckError(f"{output}: the deck's name must end in .pptx")
    if not output.parent.is_dir():
        raise DeckError(f"{output.parent}: no such folder for the deck")
    with tempfile.TemporaryDirectory(prefix="convreel-deck-") as tmp, i18n.speaking(page_language(data)):
        slides = plan(folder, data, Path(tmp), per_section, say)
        prs = Presentation()
        prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
        prs.core_properties.title = _("How a CNN sees")
        prs.core_properties.subject = _("ConvReel explainer: {example}").format(example=data["clips"][0]["example"])
        prs.core_properties.author = "ConvReel"
        prs.core_properties.last_modified_by = "ConvReel"
        _title_slide(prs, data, len(slides), per_section)
        for spec in slides:
            say(f"slide: {spec.title}")
            _video_slide(prs, spec)
        part = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        try:
            prs.save(str(part))
            os.replace(part, output)
        finally:
            part.unlink(missing_ok=True)
    return output, len(slides) + 1
