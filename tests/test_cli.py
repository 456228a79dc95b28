import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from PIL import Image

import engine
from convreel.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_help_on_every_command():
    for cmd in ([], ["predict"], ["train"], ["list"]):
        result = run(*cmd, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output


@pytest.mark.parametrize("name", ["tick-cross", "face"])
def test_predict_json(name):
    ex = engine.get_example(name)
    for c in ex.class_names:
        result = run("predict", ex.image_path(c), "--example", name, "--json")
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        assert out["prediction"] == c
        assert list(out["probabilities"]) == list(ex.class_names)
        assert abs(sum(out["probabilities"].values()) - 1) < 1e-9


def test_predict_table():
    ex = engine.get_example("face")
    result = run("predict", ex.image_path("Professor"), "-e", "face")
    assert result.exit_code == 0
    assert "Countess" in result.output and "prediction: Professor" in result.output


def test_predict_with_model_file(tmp_path, models):
    path = models["tick-cross"].save(tmp_path / "copy.npz")
    ex = engine.get_example("tick-cross")
    result = run("predict", ex.image_path("cross"), "-e", "tick-cross", "--model", path, "--json")
    assert json.loads(result.output)["prediction"] == "cross"


def _cli(*args):
    """The installed entry point in a subprocess: what a user sees on stderr, and the exit code."""
    return subprocess.run([sys.executable, "-m", "convreel", *map(str, args)], capture_output=True, text=True)


def test_bad_inputs_one_line_no_traceback(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "w.npz").write_bytes(b"garbage")
    image = engine.get_example("face").image_path("Captain")
    cases = [
        (("predict", tmp_path / "nope.png", "-e", "face"), 1, "file not found"),
        (("predict", tmp_path / "notes.txt", "-e", "face"), 1, "not an image file"),
        (("predict", tmp_path, "-e", "face"), 1, "is a directory"),
        (("predict", image, "-e", "face", "--model", tmp_path / "w.npz"), 1, "not a readable ConvReel weights"),
        (("predict", image, "-e", "tick-cross", "--model", engine.get_example("face").model_path), 1, "expects input"),
        (("predict", image, "-e", "circle"), 2, "Invalid value"),
        (("predict", image), 2, "Missing option"),
    ]
    for args, code, message in cases:
        proc = _cli(*args)
        assert proc.returncode == code, (args, proc.stderr)
        assert message in proc.stderr
        assert "Traceback" not in proc.stderr
        if code == 1:
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_enormous_image_is_refused(tmp_path):
    Image.new("1", (10000, 10000)).save(tmp_path / "huge.png")
    proc = _cli("predict", tmp_path / "huge.png", "-e", "face")
    assert proc.returncode == 1 and "too large" in proc.stderr and "Traceback" not in proc.stderr


def test_train_writes_weights_that_predict(tmp_path):
    out = tmp_path / "tc.npz"
    result = run("train", "tick-cross", "--output", out)
    assert result.exit_code == 0, result.output
    acc = float(result.output.split("held-out accuracy:")[1].split()[0])
    assert acc >= 0.98
    assert engine.load_model(out).class_names == ("tick", "cross")


def test_train_on_folder_errors_are_clear(tmp_path):
    result = run("train", "face", "--data", tmp_path / "none")
    assert result.exit_code == 1 and "not a directory" in result.output
    (tmp_path / "only").mkdir()
    result = run("train", "face", "--data", tmp_path)
    assert result.exit_code == 1 and "at least two class sub-folders" in result.output


def test_list():
    result = run("list")
    assert "tick-cross" in result.output and "face" in result.output


def test_train_without_output_writes_example_npz_in_the_current_folder(tmp_path, monkeypatch):
    bundled = engine.get_example("tick-cross").model_path
    before = bundled.read_bytes()
    monkeypatch.chdir(tmp_path)
    result = run("train", "tick-cross")
    assert result.exit_code == 0, result.output
    assert "saved tick-cross.npz" in result.output
    assert engine.load_model(tmp_path / "tick-cross.npz").class_names == ("tick", "cross")
    assert bundled.read_bytes() == before
