"""The clip cache: checksums, verification, size bound and the `convreel cache` command (no rendering)."""

import json
import os
import re
import time

import pytest
from click.testing import CliRunner

from convreel import cache
from convreel.cli import main


def make_entry(root, key: str, size: int = 1000, used: float | None = None, chapter: str = "pixels"):
    """A well-formed entry like the clip writer leaves one, ``size`` bytes of video."""
    entry = root / key
    entry.mkdir(parents=True)
    (entry / "clip.mp4").write_bytes(os.urandom(size))
    (entry / "poster.png").write_bytes(b"png")
    (entry / "captions.srt").write_text("1\n")
    (entry / "captions.vtt").write_text("WEBVTT\n")
    meta = {"video": "clip.mp4", "input": {"chapter": chapter, "example": "face", "image": "me.png", "quality": "low"}}
    (entry / "meta.json").write_text(json.dumps(meta))
    cache.write_sums(entry)
    if used is not None:
        os.utime(entry, (used, used))
    return entry


def key(n: int) -> str:
    return f"{n:032x}"


def test_intact_entry_verifies(tmp_path):
    entry = make_entry(tmp_path, key(1))
    meta, problem = cache.verify(entry)
    assert problem is None and meta["video"] == "clip.mp4"
    assert (entry / cache.SUMS).read_text().count("\n") == 5


@pytest.mark.parametrize(
    "damage,problem",
    [
        (lambda e: (e / "clip.mp4").write_bytes((e / "clip.mp4").read_bytes()[:100]), "clip.mp4 does not match"),
        (lambda e: (e / "poster.png").unlink(), "poster.png is missing"),
        (lambda e: (e / cache.SUMS).unlink(), "SHA256SUMS is missing"),
        (lambda e: (e / cache.SUMS).write_text("not a checksum list\n"), "unreadable"),
        (
            lambda e: (e / cache.SUMS).write_text(
                "".join(line for line in (e / cache.SUMS).read_text().splitlines(True) if "vtt" not in line)
            ),
            "captions.vtt is not recorded",
        ),
        (lambda e: (e / "meta.json").write_text("{}"), "meta.json does not match"),
    ],
)
def test_damaged_entries_are_refused(tmp_path, damage, problem):
    entry = make_entry(tmp_path, key(1))
    damage(entry)
    meta, found = cache.verify(entry)
    assert meta is None and problem in found


def test_files_received_as_bytes_are_verified_then_stored(tmp_path):
    files = {p.name: p.read_bytes() for p in make_entry(tmp_path / "worker", key(1)).iterdir()}
    assert cache.verify_files(files)[1] is None
    bad = {**files, "clip.mp4": files["clip.mp4"][:-1]}
    assert "clip.mp4 does not match" in cache.verify_files(bad)[1]
    assert "poster.png is missing" in cache.verify_files({k: v for k, v in files.items() if k != "poster.png"})[1]
    entry = tmp_path / "cache" / key(2)
    cache.store(entry, files)
    assert cache.verify(entry)[1] is None
    assert [p.name for p in entry.parent.iterdir()] == [key(2)]  # no temporary folder left


def test_prune_removes_least_recently_used_first(tmp_path):
    now = time.time()
    for n, age in enumerate([50, 10, 40, 20]):  # entry 1 is the newest, entry 0 the oldest
        make_entry(tmp_path, key(n), size=10_000, used=now - age)
    one = cache.entries(tmp_path)[0].bytes
    removed = cache.prune(4 * one - 1, tmp_path)
    assert [e.key for e in removed] == [key(0)]
    cache.touch(tmp_path / key(2))  # used again: now the newest
    removed = cache.prune(one, tmp_path)
    assert [e.key for e in removed] == [key(3), key(1)]
    assert [e.key for e in cache.entries(tmp_path)] == [key(2)]


def test_leftovers_of_dead_renders_are_removed(tmp_path):
    make_entry(tmp_path, key(1))
    dead = tmp_path / ".work-999999999-abc"
    live = tmp_path / f".work-{os.getpid()}-abc"
    dead.mkdir()
    live.mkdir()
    cache.prune(10**9, tmp_path)
    assert not dead.exists() and live.exists() and (tmp_path / key(1)).exists()


def test_parse_size():
    assert cache.parse_size("500M") == 500 * 2**20
    assert cache.parse_size("1.5 GB") == int(1.5 * 2**30)
    assert cache.parse_size("0") == 0
    with pytest.raises(cache.CacheError, match="cannot read size"):
        cache.parse_size("lots")


def test_default_location_is_the_user_cache_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("CONVREEL_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.root() == tmp_path / "xdg" / "convreel"
    monkeypatch.setenv("CONVREEL_CACHE", str(tmp_path / "mine"))
    assert cache.root() == tmp_path / "mine"


def test_cache_command_reports_bounds_and_clears(monkeypatch, tmp_path):
    monkeypatch.setenv("CONVREEL_CACHE", str(tmp_path))
    now = time.time()
    for n in range(3):
        make_entry(tmp_path, key(n), size=300_000, used=now - 100 * (3 - n), chapter=f"chapter{n}")
    run = CliRunner().invoke
    result = run(main, ["cache"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"cache: {tmp_path}  ($CONVREEL_CACHE overrides)"
    total = sum(e.bytes for e in cache.entries(tmp_path))
    assert lines[1] == f"3 clips, {total / 1024:.1f} KB of 5.0 GB"
    listed = [re.search(r"chapter\d", line).group() for line in lines[2:]]
    assert listed == ["chapter2", "chapter1", "chapter0"]  # most recent first
    assert "3 min ago" in lines[3] and "me.png" in lines[3] and key(1)[:12] in lines[3]

    result = run(main, ["cache", "--max-size", "700K"])  # room for two of the three
    assert result.exit_code == 0, result.output
    assert "size bound set to 700.0 KB; removed 1 least recently used clips" in result.output
    assert {e.key for e in cache.entries(tmp_path)} == {key(1), key(2)}
    assert cache.max_size(tmp_path) == 700 * 1024  # remembered for later renders

    result = run(main, ["cache", "--max-size", "huge"])
    assert result.exit_code == 1 and "cannot read size 'huge'" in result.output

    result = run(main, ["cache", "--clear"])
    assert result.exit_code == 0 and "removed 2 cached clips" in result.output
    assert cache.entries(tmp_path) == []


def test_cache_help():
    result = CliRunner().invoke(main, ["cache", "--help"])
    assert result.exit_code == 0 and "--max-size" in result.output and "--clear" in result.output


def test_a_clip_built_by_other_code_is_refused():
    from convreel.render import check_rendered
    from convreel.sources import chapter_build

    built = chapter_build("pixels")
    assert check_rendered({"input": dict(built)}, None, "pixels") is None
    other = {"input": {**built, "source": "0" * 64}}
    assert "rendered by different code" in check_rendered(other, None, "pixels")
    older = {"input": {**built, "manim": "0.18.0"}}
    assert "rendered by different code" in check_rendered(older, None, "pixels")
    assert "failed verification (clip.mp4 is missing)" in check_rendered(None, "clip.mp4 is missing", "pixels")


def test_lookup_discards_a_damaged_entry_and_asks_for_a_render(tmp_path):
    from convreel.render import lookup

    good, bad, absent = make_entry(tmp_path, key(1)), make_entry(tmp_path, key(2)), tmp_path / key(3)
    (bad / "poster.png").unlink()  # deleted by hand: before, every later render failed for good
    events = []
    todo = lookup({"a": good, "b": bad, "c": absent}, False, lambda *e: events.append(e))
    assert todo == ["b", "c"]
    assert [(kind, task) for kind, task, _ in events] == [("cached", "a"), ("damaged", "b")]
    assert events[1][2] == {"error": "poster.png is missing"}
    assert good.exists() and not bad.exists()
    assert lookup({"a": good}, True, lambda *e: None) == ["a"] and not good.exists()  # --force
