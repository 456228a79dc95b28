"""Every chapter of both examples, rendered at low quality, looked at frame by frame: nothing in the
outer 3.5% of the frame, nothing in the caption band, title cards included."""

import pytest

from scenes.registry import chapters_for
from tests.conftest import convreel
from tests.frame_check import scan

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="session")
def explainers(tmp_path_factory, cache_env):
    out = {}
    for ex in EXAMPLES:
        folder = tmp_path_factory.mktemp(f"all-{ex}")
        proc = convreel("render", "all", "-e", ex, "-q", "low", "-o", folder, env=cache_env)
        assert proc.returncode == 0, proc.stderr
        out[ex] = folder
    return out


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_chapter_keeps_clear_of_the_edges_and_the_caption_band(explainers, example):
    clips = sorted(explainers[example].glob("[0-9][0-9]-*.mp4"))
    assert [c.stem.split("-", 1)[1] for c in clips] == [c.id for c in chapters_for(example)]
    reports = [scan(c) for c in clips]
    bad = [f"{r.clip}: edge at {r.edge[:5]}, band at {r.band[:5]}" for r in reports if not r.ok]
    assert not bad, "\n".join(bad)
    assert all(r.frames >= 10 for r in reports)
