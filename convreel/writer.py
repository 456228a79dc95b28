"""How a clip's frames become a video file: Manim's file writer, tuned for ConvReel's clips.

Encoding was most of a 1080p60 render (``benchmarks/render.py --profile``). Three changes, each
measured there and checked for picture quality with ``benchmarks/quality.py``:

- x264 settings for flat animation (``encoder_options``): the ultrafast preset at CRF 23 (SSIM 0.998
  against the old output, still well under 25 MB a minute at 1080p60).
- One encoder for the whole clip. Manim encodes every ``play`` and ``wait`` into a file of its own
  (a cache we switch off) and then joins them: each file restarts the encoder and opens with a full
  keyframe. One continuous stream does neither; keyframes come every two seconds for seeking.
- A held frame (a ``wait`` with nothing moving, every beat's tail) is converted from RGBA to the
  codec's pixel format once, not once per repeated frame.

Imports Manim: only worker processes import this module.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from manim.scene.scene_file_writer import SceneFileWriter, _PartialMovieEncodeJob, _SceneFileWriterSettings
from manim.scene.video_segment_encoder import VideoSegmentEncoder

# Chosen with benchmarks/render.py and benchmarks/quality.py (README, "Speed").
X264 = {"preset": "ultrafast", "crf": "23"}
KEYFRAME_SECONDS = 2


def encoder_options(codec: str, fps: float) -> dict[str, str]:
    """Manim's ``video_encoder_options`` for a clip encoded with ``codec`` at ``fps``."""
    if codec == "libx264":
        return {**X264, "g": str(max(1, round(KEYFRAME_SECONDS * fps)))}
    return {}


class HeldFrameEncoder(VideoSegmentEncoder):
    """Manim's segment encoder, converting a repeated frame to the codec's format only once."""

    def write_frame(self, pixels: np.ndarray, *, repeat: int = 1) -> None:
        self._validate_frame(pixels, repeat)
        time_base = Fraction(self.spec.frame_rate.denominator, self.spec.frame_rate.numerator)
        try:
            # The same conversion PyAV makes inside encode() when formats differ, done up front.
            frame = av.VideoFrame.from_ndarray(pixels, format="rgba").reformat(format=self.spec.pixel_format)
            for _ in range(repeat):
                frame.pts = self._next_pts
                frame.time_base = time_base
                self._next_pts += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
        except BaseException as error:
            raise self._operation_error("encode", error) from error


class ClipWriter(SceneFileWriter):
    """Manim's file writer with one encoder (on its own thread, as Manim's are) for the whole clip.

    Frames of every animation go to one stream; at the end Manim's own joining step copies that
    single file into the movie (with any sound, or converted to GIF). Not for Manim's sections
    output or per-animation cache, which need one file per animation (ConvReel uses neither).
    """

    def __init__(self, settings: _SceneFileWriterSettings) -> None:
        super().__init__(settings)
        self._clip_job: _PartialMovieEncodeJob | None = None

    @property
    def stream_path(self) -> Path:
        return self.partial_movie_directory / f"stream{self.output_plan.segment_extension}"

    def begin_animation(
        self, allow_write: bool = False, *, animation_index: int, file_path: Path | None = None
    ) -> None:
        if not (self.output_spec.is_video and allow_write):
            return
        if self._clip_job is None:
            self.stream_path.parent.mkdir(parents=True, exist_ok=True)
            self._clip_job = _PartialMovieEncodeJob(
                animation_index=animation_index,
                encoder=HeldFrameEncoder(target=self.stream_path, spec=self.video_encoder),
                frame_queue_size=self.settings.encoder_queue_size,
            )
        self._current_encode_job = self._clip_job  # where Manim's write_frame sends frames

    def end_animation(self, allow_write: bool = False) -> None:
        self._current_encode_job = None  # frames between animations are not part of the movie

    def abort_encode_jobs(self, reraise_encoder_failures: bool = False) -> None:
        # The stream's thread is alive between animations too: hand it to Manim's abort.
        if self._clip_job is not None:
            self._current_encode_job, self._clip_job = self._clip_job, None
        super().abort_encode_jobs(reraise_encoder_failures)

    def finish(self) -> None:
        if self.output_spec.is_video and self._clip_job is not None:
            job, self._clip_job = self._clip_job, None
            job.seal()
            job.join()
            self.partial_movie_files = [str(self.stream_path)]
        super().finish()
