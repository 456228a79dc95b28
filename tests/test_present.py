"""present.html driven by keys in a real headless Chromium, from file:// and from localhost."""

import json
import shutil
import subprocess
import sys
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from convreel import cues, present
from tests.browser import page_at, serve

VIDEO = "document.querySelector('#stage video:not([hidden])')"
# Every frame each player presents, as (chapter order, media time), via requestVideoFrameCallback.
FRAME_LOG = """() => {
  window.frames_seen = [];
  document.querySelectorAll('#stage video').forEach(v => {
    const log = (now, meta) => {
      window.frames_seen.push([v.dataset.order, meta.mediaTime]);
      v.requestVideoFrameCallback(log);
    };
    v.requestVideoFrameCallback(log);
  });
}"""
STOPPED = f"document.body.dataset.state === 'stopped' && !{VIDEO}.seeking"


@pytest.fixture(scope="module")
def two_chapters(rendered, tmp_path_factory):
    """The session's rendered chapter, plus a copy of it as a second chapter (a render folder with
    two chapters, without rendering a second one)."""
    folder = tmp_path_factory.mktemp("present")
    for f in rendered.iterdir():
        if f.is_file():
            shutil.copy(f, folder / f.name)
    data = json.loads((folder / "manifest.json").read_text())
    first = data["clips"][0]
    second = json.loads(json.dumps(first))
    second.update(chapter="again", order=first["order"] + 1, title="The same clip, once more")
    for role, name in [("video", first["files"]["video"]), ("poster", first["files"]["poster"])]:
        new = name.replace(f"{first['order']:02d}-{first['chapter']}", f"{second['order']:02d}-again")
        shutil.copy(folder / name, folder / new)
        second["files"][role] = new
    vtt = (
        first["files"]["captions"]["vtt"]
        .replace(first["chapter"], "again")
        .replace(f"{first['order']:02d}", f"{second['order']:02d}")
    )
    shutil.copy(folder / first["files"]["captions"]["vtt"], folder / vtt)
    second["files"]["captions"]["vtt"] = vtt
    data["clips"].append(second)
    (folder / "manifest.json").write_text(json.dumps(data))
    present.write(folder)
    return folder


@contextmanager
def opened(folder, how):
    if how == "file":
        with page_at((folder / "present.html").as_uri()) as page:
            yield page
    else:
        with serve(folder) as base, page_at(f"{base}/present.html") as page:
            yield page


def state(page) -> dict:
    return page.evaluate(
        f"""() => {{ const v = {VIDEO}; const t = v.textTracks[0];
        return {{chapter: +document.body.dataset.chapter, boundary: +document.body.dataset.boundary,
                 state: document.body.dataset.state, time: v.currentTime, paused: v.paused,
                 played: Array.from({{length: v.played.length}}, (_, i) => [v.played.start(i), v.played.end(i)]),
                 active: t && t.activeCues ? Array.from(t.activeCues).map(c => [c.startTime, c.endTime]) : [],
                 cover: !document.getElementById('cover').classList.contains('gone')}}; }}"""
    )


def press_and_wait(page, key: str) -> dict:
    page.evaluate("window.frames_seen = []")
    page.keyboard.press(key)
    page.wait_for_function(STOPPED, timeout=30_000)
    return state(page)


def check_played_to_end(page, clip: dict, index: int, s: dict) -> None:
    """Section ``index`` really played and the player now stands on its end, within one frame."""
    name, start, end = cues.section_bounds(clip)[index]
    frame = 1 / clip["fps"]
    assert abs(s["time"] - end) <= frame, (name, s["time"], end)
    assert s["paused"] and s["state"] == "stopped"
    # It played (not jumped) from the section's start to within a frame of its end ...
    assert any(a <= start + frame and b >= end - frame for a, b in s["played"]), (name, s["played"])
    # ... and never showed a frame more than one frame past the end.
    shown = [t for order, t in page.evaluate("window.frames_seen") if int(order) == clip["order"]]
    assert shown and max(shown) <= end + frame + 1e-3, (name, max(shown), end)
    # Standing on a boundary shows no caption of the step just played nor of the next one.
    assert all(a < end - 1e-4 and b > end + 1e-4 for a, b in s["active"]), (name, s["active"])


def test_keys_step_through_sections_and_chapters(two_chapters):
    data = json.loads((two_chapters / "manifest.json").read_text())
    first, second = data["clips"]
    n = len(first["sections"])
    bounds = cues.section_bounds(first)
    assert n >= 3
    with opened(two_chapters, "file") as page:
        page.wait_for_function(f"{VIDEO}.readyState >= 2", timeout=20_000)
        page.evaluate(FRAME_LOG)
        s = state(page)
        assert (s["chapter"], s["boundary"], s["state"], s["cover"]) == (first["order"], 0, "stopped", True)
        assert s["time"] == 0

        # The three keys a clicker sends each play exactly the next section.
        keys = ["ArrowRight", " ", "PageDown"]
        for i in range(n):
            s = press_and_wait(page, keys[i % 3])
            assert (s["chapter"], s["boundary"], s["cover"]) == (first["order"], i + 1, False)
            check_played_to_end(page, first, i, s)

        # At a chapter's end, the next press opens the next chapter and plays its first section.
        s = press_and_wait(page, "ArrowRight")
        assert (s["chapter"], s["boundary"]) == (second["order"], 1)
        check_played_to_end(page, second, 0, s)

        # Back: to the start of the section just played, then across into the previous chapter's end.
        s = press_and_wait(page, "ArrowLeft")
        assert (s["chapter"], s["boundary"], s["time"], s["cover"]) == (second["order"], 0, 0, True)
        s = press_and_wait(page, "ArrowLeft")
        assert (s["chapter"], s["boundary"]) == (first["order"], n)
        assert abs(s["time"] - bounds[-1][2]) <= 1 / first["fps"]
        s = press_and_wait(page, "PageUp")
        assert (s["boundary"], s["time"]) == (n - 1, pytest.approx(bounds[n - 1][1], abs=1e-3))
        s = press_and_wait(page, "ArrowLeft")
        assert (s["boundary"], s["time"]) == (n - 2, pytest.approx(bounds[n - 2][1], abs=1e-3))

        # After going back, the next press plays that section again.
        s = press_and_wait(page, "ArrowRight")
        assert s["boundary"] == n - 1
        check_played_to_end(page, first, n - 2, s)

        # Back while a section plays: stop at once, at the start of that section.
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"{VIDEO}.currentTime > {bounds[n - 1][1] + 0.3}", timeout=10_000)
        s = press_and_wait(page, "ArrowLeft")
        assert (s["boundary"], s["state"]) == (n - 1, "stopped")
        assert s["time"] == pytest.approx(bounds[n - 1][1], abs=1e-3)

        # A second press during a section finishes it at once.
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"{VIDEO}.currentTime > {bounds[n - 1][1] + 0.3}", timeout=10_000)
        s = press_and_wait(page, "ArrowRight")
        assert s["boundary"] == n and abs(s["time"] - bounds[-1][2]) <= 1 / first["fps"]

        # End, Home and number keys.
        s = press_and_wait(page, "End")
        assert (s["chapter"], s["boundary"]) == (second["order"], len(second["sections"]))
        assert abs(s["time"] - second["duration"]) <= 1 / second["fps"]
        s = press_and_wait(page, "Home")
        assert (s["chapter"], s["boundary"], s["time"], s["cover"]) == (first["order"], 0, 0, True)
        s = press_and_wait(page, str(second["order"]))
        assert (s["chapter"], s["boundary"], s["time"]) == (second["order"], 0, 0)
        s = press_and_wait(page, str(first["order"]))
        assert (s["chapter"], s["boundary"]) == (first["order"], 0)

        # C toggles the caption track, whose cues are the clip's .vtt cues.
        mode = f"{VIDEO}.textTracks[0].mode"
        assert page.evaluate(mode) == "showing"
        assert page.evaluate(f"{VIDEO}.textTracks[0].cues.length") == len(cues.clip_cues(two_chapters, first))
        page.keyboard.press("c")
        assert page.evaluate(mode) == "hidden"
        page.keyboard.press("C")
        assert page.evaluate(mode) == "showing"

        # Sound is left on for clips with narration.
        assert page.evaluate(f"{VIDEO}.muted") is False
        assert page.errors == []


def test_served_from_localhost_steps_and_seeks(two_chapters):
    """The same page from a static server without range requests (Python's http.server), where
    the browser cannot seek in a streamed clip: each clip is fetched whole, so stops still land
    on section ends and jumps still land where they should."""
    first, second = json.loads((two_chapters / "manifest.json").read_text())["clips"]
    bounds = cues.section_bounds(first)
    frame = 1 / first["fps"]
    seekable = f"(v => v.seekable.length && v.seekable.end(0) >= v.duration - 0.5)({VIDEO})"
    with opened(two_chapters, "http") as page:
        page.wait_for_function(f"{VIDEO}.readyState >= 2 && {seekable}", timeout=20_000)
        page.evaluate(FRAME_LOG)
        for i, key in enumerate(["PageDown", " "]):
            s = press_and_wait(page, key)
            assert s["boundary"] == i + 1
            check_played_to_end(page, first, i, s)
        page.keyboard.press("ArrowRight")
        page.wait_for_function(f"{VIDEO}.currentTime > {bounds[2][1] + 0.3}", timeout=10_000)
        s = press_and_wait(page, "PageUp")
        assert (s["boundary"], s["time"]) == (2, pytest.approx(bounds[2][1], abs=1e-3))
        page.keyboard.press("End")  # the second clip is fetched on arrival, then the page seeks
        page.wait_for_function(
            f"{STOPPED} && {seekable} && Math.abs({VIDEO}.currentTime - {second['duration']}) <= {frame}",
            timeout=20_000,
        )
        assert state(page)["chapter"] == second["order"]
        s = press_and_wait(page, "Home")
        assert (s["chapter"], s["boundary"], s["time"]) == (first["order"], 0, 0)
        assert page.errors == []


def test_render_writes_present_page_linked_from_gallery(rendered):
    page = (rendered / "present.html").read_text()
    assert '<a class="present" href="present.html"' in (rendered / "index.html").read_text()
    # Self-contained: nothing is fetched but the clips and posters next to it.
    assert "http://" not in page and "https://" not in page and '<link rel="stylesheet"' not in page
    data = json.loads(page.split('<script type="application/json" id="deck">')[1].split("</script>")[0])
    clip = json.loads((rendered / "manifest.json").read_text())["clips"][0]
    (chapter,) = data["chapters"]
    assert chapter["video"] == clip["files"]["video"] and chapter["poster"] == clip["files"]["poster"]
    assert [s["name"] for s in chapter["sections"]] == [s["name"] for s in clip["sections"]]
    assert [c[2] for c in chapter["cues"]] == [c.text for c in cues.clip_cues(rendered, clip)]


def test_markup_in_titles_and_captions_stays_text(two_chapters, tmp_path):
    folder = tmp_path / "f"
    shutil.copytree(two_chapters, folder)
    data = json.loads((folder / "manifest.json").read_text())
    data["clips"][0]["title"] = "</script><script>window.hacked = 1</script> <b>bold</b>"
    (folder / "manifest.json").write_text(json.dumps(data))
    vtt = folder / data["clips"][0]["files"]["captions"]["vtt"]
    vtt.write_text(vtt.read_text().replace("\n\n", "\n<!-- not a comment --></script>\n\n", 1))
    present.write(folder)
    with page_at((folder / "present.html").as_uri()) as page:
        page.wait_for_function(f"{VIDEO}.readyState >= 1", timeout=20_000)
        assert page.evaluate("window.hacked") is None
        assert page.inner_text("#chapter span") == data["clips"][0]["title"]
        assert page.errors == []


def test_gif_render_steps_chapter_by_chapter(tmp_path):
    """A GIF render has no sections to stop at: each press shows the next chapter."""
    clips = []
    for k in (1, 2):
        frames = [Image.new("RGB", (64, 36), (17 * k, 20, 26 + 40 * j)) for j in range(3)]
        frames[0].save(tmp_path / f"0{k}-c{k}.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
        frames[0].save(tmp_path / f"0{k}-c{k}.png")
        (tmp_path / f"0{k}-c{k}.vtt").write_text("WEBVTT\n\n00:00:00.000 --> 00:00:00.300\nHello.\n\n")
        clips.append(
            {
                "chapter": f"c{k}",
                "title": f"Chapter {k}",
                "order": k,
                "example": "tick-cross",
                "image": {"file": "x.png"},
                "duration": 0.3,
                "fps": 10.0,
                "format": "gif",
                "files": {"video": f"0{k}-c{k}.gif", "poster": f"0{k}-c{k}.png", "captions": {"vtt": f"0{k}-c{k}.vtt"}},
                "sections": [{"name": "all", "start": 0.0, "duration": 0.3}],
            }
        )
    (tmp_path / "manifest.json").write_text(json.dumps({"schema_version": 1, "clips": clips, "movie": None}))
    present.write(tmp_path)
    with page_at((tmp_path / "present.html").as_uri()) as page:
        shown = "document.querySelector('#stage img:not([hidden]):not(#cover img)').getAttribute('src')"
        assert page.evaluate(shown) == "01-c1.gif"
        page.keyboard.press("ArrowRight")
        assert page.evaluate(shown) == "02-c2.gif"
        page.keyboard.press("ArrowLeft")
        assert page.evaluate(shown) == "01-c1.gif"
        assert page.errors == []


def test_empty_folder_page_says_so(tmp_path):
    present.write(tmp_path)
    with page_at((tmp_path / "present.html").as_uri()) as page:
        assert "No clips" in page.inner_text("body")
        assert page.errors == []


def test_wheel_ships_the_page_template(tmp_path):
    root = Path(__file__).resolve().parent.parent
    src = tmp_path / "src"
    for name in ["engine", "scenes", "convreel", "assets"]:
        shutil.copytree(root / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ["pyproject.toml", "setup.py", "README.md"]:  # setup.py: the package layout
        shutil.copy(root / name, src / name)
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist", src],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("convreel-*.whl")
    with zipfile.ZipFile(wheel) as z:
        assert z.read("convreel/templates/present.html") == (root / "convreel/templates/present.html").read_bytes()
