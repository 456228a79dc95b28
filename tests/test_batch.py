"""``convreel batch``: a class folder on a Dask LocalCluster, then resumed on the local process pool."""

import json
import os
import re
import shutil

import pytest

import engine
from convreel import batch
from tests.conftest import convreel

SMALL = ["--resolution", "320x180", "--fps", "5"]


@pytest.fixture(scope="module")
def class_folder(tmp_path_factory, custom_tick):
    """Two good images (a shipped tick under another name, a photo of a pen tick), one broken
    file with an image name, and a note that is not an image."""
    folder = tmp_path_factory.mktemp("class") / "7B"
    folder.mkdir()
    shutil.copy(engine.get_example("tick-cross").image_path("tick"), folder / "ann.png")
    shutil.copy(custom_tick, folder / "bob.jpg")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n and then nothing")
    (folder / "notes.txt").write_text("bring pens")
    labels = folder.parent / "labels.csv"
    labels.write_text("image,label\nann.png,tick\nbob,cross\n")
    return folder, labels


@pytest.fixture(scope="module")
def batch_env(tmp_path_factory):
    return {**os.environ, "CONVREEL_CACHE": str(tmp_path_factory.mktemp("batch-cache"))}


@pytest.fixture(scope="module")
def on_cluster(class_folder, batch_env, tmp_path_factory):
    """The batch run against a scheduler and two workers (threads here; each clip still renders
    in its own process), the way `dask scheduler` / `dask worker` serve it."""
    from distributed import LocalCluster

    folder, labels = class_folder
    out = tmp_path_factory.mktemp("batch-out") / "class"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None, protocol="tcp") as lc:
        args = ["batch", folder, "pixels", "-e", "tick-cross", "--labels", labels, "-o", out, *SMALL]
        proc = convreel(*args, "--scheduler", lc.scheduler_address, env=batch_env)
    return proc, out


def test_one_folder_per_good_image_and_one_line_for_the_broken_one(on_cluster):
    proc, out = on_cluster
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    broken = [line for line in proc.stderr.splitlines() if "broken.png" in line]
    assert len(broken) == 1 and broken[0].startswith("bad image ")
    assert broken[0].endswith("7B/broken.png: not an image file Pillow can read")
    assert proc.stderr.strip().splitlines()[-1] == "Error: 1 of 3 images failed"
    assert "ignored (not image files): notes.txt" in proc.stderr
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["ann", "bob"]
    for name, label in [("ann", "tick"), ("bob", "cross")]:
        (clip,) = json.loads((out / name / "manifest.json").read_text())["clips"]
        assert clip["chapter"] == "pixels" and clip["cached"] is False and clip["label"] == label
        assert clip["resolution"] == [320, 180]
        video = out / name / clip["files"]["video"]
        assert video.stat().st_size == clip["bytes"]["video"] > 0
        assert (out / name / "index.html").exists()


def test_class_index_links_every_explainer_with_prediction_and_poster(on_cluster):
    _, out = on_cluster
    page = (out / "index.html").read_text()
    summary = json.loads(re.search(r'<script type="application/json" id="batch">(.*?)</script>', page).group(1))
    assert [e["image"] for e in summary["explainers"]] == ["ann.png", "bob.jpg"]
    assert [e["prediction"] for e in summary["explainers"]] == ["tick", "tick"]
    assert list(summary["failed"]) == ["broken.png"]
    for e in summary["explainers"]:
        assert f'href="{e["folder"]}/index.html"' in page
        poster = re.search(rf'<img src="({e["folder"]}/[^"]+\.png)"', page).group(1)
        assert (out / poster).stat().st_size > 0
    assert "label: cross" in page  # bob's drawing is predicted tick but labelled cross
    assert "broken.png: not an image file" in page


def test_rerun_on_the_local_pool_resumes_from_the_cache(on_cluster, class_folder, batch_env):
    proc, out = on_cluster
    folder, labels = class_folder
    args = ["batch", folder, "pixels", "-e", "tick-cross", "--labels", labels, "-o", out, *SMALL]
    again = convreel(*args, env=batch_env)  # no --scheduler: the local process pool
    assert again.returncode == 1, again.stderr  # broken.png is still there
    assert again.stderr.count("(prediction tick; 1 clip, 1 cached)") == 2  # ann and bob
    cached = {p: json.loads((out / p / "manifest.json").read_text())["clips"][0]["cached"] for p in ("ann", "bob")}
    assert cached == {"ann": True, "bob": True}
    assert "2 explainers in" in again.stdout


def test_labels_file(tmp_path):
    path = tmp_path / "labels.csv"
    path.write_text("# class 7B\nimage,label\n ann.png , tick\n\nbob,cross\n")
    assert batch.read_labels(path) == {"ann.png": "tick", "bob": "cross"}
    path.write_text("ann.png,tick,extra\n")
    with pytest.raises(ValueError, match="line 1: expected IMAGE,LABEL"):
        batch.read_labels(path)
    path.write_text("ann.png,tick\nann.png,cross\n")
    with pytest.raises(ValueError, match="ann.png is labelled twice"):
        batch.read_labels(path)


def test_bad_labels_and_unknown_images_are_reported_per_image(tmp_path, models):
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(engine.get_example("tick-cross").image_path("tick"), folder / "ann.png")
    shutil.copy(engine.get_example("tick-cross").image_path("cross"), folder / "ann.jpg")
    labels = tmp_path / "labels.csv"
    labels.write_text("ann.png,circle\nzoe.png,tick\n")
    plan = batch.plan(folder, ("pixels",), "tick-cross", labels, output=tmp_path / "out")
    assert [s.folder for s in plan.students] == ["ann-jpg"]  # two images named ann: the extension tells them apart
    assert plan.problems["ann.png"].startswith(f"{folder / 'ann.png'}: unknown label 'circle'")
    assert plan.problems["zoe.png"].endswith("listed in labels.csv but not in the folder")
    with pytest.raises(ValueError, match="not available for the tick-cross example"):
        batch.plan(folder, ("deeper-layers",), "tick-cross")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no image files"):
        batch.plan(empty, ("all",), "face")


def test_batch_help_and_usage_errors(tmp_path):
    from click.testing import CliRunner

    from convreel.cli import main

    result = CliRunner().invoke(main, ["batch", "--help"])
    assert result.exit_code == 0 and "--scheduler" in result.output and "--labels" in result.output
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "nowhere"), "-e", "face"])
    assert result.exit_code == 2 and "does not exist" in result.output
    (tmp_path / "a.png").write_bytes(b"not a png")
    result = CliRunner().invoke(main, ["batch", str(tmp_path), "-e", "face", "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "none of the images can be rendered" in result.output
    assert not (tmp_path / "out").exists()
