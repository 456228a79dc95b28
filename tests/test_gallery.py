"""The gallery page in a real headless Chromium, served from localhost."""

import json

from tests.browser import page_at, serve

ALL_READY = "Array.from(document.querySelectorAll('video')).every(v => v.readyState >= 1)"
CUES_LOADED = (
    "Array.from(document.querySelectorAll('video'))"
    ".every(v => v.textTracks[0] && v.textTracks[0].cues && v.textTracks[0].cues.length > 0)"
)


def test_gallery_plays_every_clip_with_captions_and_no_errors(rendered):
    data = json.loads((rendered / "manifest.json").read_text())
    with serve(rendered) as base, page_at(f"{base}/index.html") as page:
        page.wait_for_function(ALL_READY, timeout=20_000)
        videos = page.evaluate(
            "Array.from(document.querySelectorAll('video')).map(v => ({id: v.id, duration: v.duration,"
            " width: v.videoWidth, height: v.videoHeight, poster: v.poster, tracks: v.textTracks.length}))"
        )
        assert len(videos) == len(data["clips"]) > 0
        for clip, video in zip(data["clips"], videos):
            assert abs(video["duration"] - clip["duration"]) < 0.05
            assert [video["width"], video["height"]] == clip["resolution"]
            assert video["poster"].endswith(clip["files"]["poster"])
            assert video["tracks"] == 1
        page.evaluate("document.querySelectorAll('video').forEach(v => v.textTracks[0].mode = 'showing')")
        page.wait_for_function(CUES_LOADED, timeout=20_000)
        cues = page.evaluate("Array.from(document.querySelectorAll('video')).map(v => v.textTracks[0].cues.length)")
        expected = [(rendered / c["files"]["captions"]["vtt"]).read_text().count(" --> ") for c in data["clips"]]
        assert cues == expected and all(cues)
        # A section link jumps the video to the section's start.
        first = data["clips"][0]
        section = first["sections"][2]
        page.click(f"#clip-{first['order']:02d} ~ nav a:nth-child(3)")
        page.wait_for_function(
            f"document.getElementById('clip-{first['order']:02d}').currentTime >= {section['start']}"
        )
        assert page.errors == []
