import json
import zipfile

import numpy as np
import pytest

import engine


def test_layer_names_and_repr(models):
    assert models["face"].names == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten1", "dense1"]
    assert "Conv2D(in_channels=3" in repr(models["face"])


def test_trace_records_every_step(models):
    net = models["face"]
    ex = engine.get_example("face")
    image = ex.load_image(ex.image_path("Captain"))
    tr = net.trace(image, label="captain")
    assert tr.image.max() > 1 and np.allclose(tr.input, tr.image / 255)
    x = tr.input
    for step in tr.steps:  # each step's input is the previous output, and its output is recomputable
        np.testing.assert_array_equal(step.input, x)
        x = step.output
    conv1 = tr.step("conv1")
    np.testing.assert_allclose(
        conv1.output, engine.conv2d(tr.input[None], conv1.params["weight"], conv1.params["bias"], padding=1)[0]
    )
    pool1 = tr.step("pool1")
    rows, cols = pool1.winners[..., 0], pool1.winners[..., 1]
    c = np.arange(pool1.output.shape[0])[:, None, None]
    np.testing.assert_array_equal(pool1.input[c, rows, cols], pool1.output)
    np.testing.assert_array_equal(tr.flat, tr.step("pool2").output.ravel())
    np.testing.assert_allclose(tr.logits, tr.step("dense1").output)
    np.testing.assert_allclose(tr.probabilities, engine.softmax(tr.logits))
    assert tr.predicted_class == "Captain" and tr.label_name == "Captain"
    np.testing.assert_allclose(tr.loss, -np.log(tr.probabilities[tr.label]))
    assert [s for s, _ in tr.shapes()][:3] == ["input", "conv1", "relu1"]
    assert dict(tr.shapes())["pool2"] == (8, 7, 7)
    with pytest.raises(ValueError):
        tr.input[0, 0, 0] = 1.0  # traces are read-only: scenes only read


def test_trace_matches_batched_forward(models, rng):
    net = models["tick-cross"]
    x = np.where(rng.random((3, 1, 12, 12)) > 0.5, 1.0, -1.0)
    logits = net.forward(x)
    for i in range(3):
        np.testing.assert_allclose(net.trace(x[i]).logits, logits[i])


def test_unknown_label_is_clear(models):
    with pytest.raises(ValueError, match="classes are tick, cross"):
        models["tick-cross"].trace(np.ones((1, 12, 12)), label="circle")


def test_save_load_round_trip_with_snapshots_and_history(models, tmp_path):
    net = models["tick-cross"]
    assert [s.epoch for s in net.snapshots][:2] == [0, 1]
    assert len(net.meta["history"]["records"]) == net.meta["history"]["config"]["epochs"] + 1
    path = net.save(tmp_path / "m.npz")
    again = engine.load_model(path)
    for k, v in net.state_dict().items():
        np.testing.assert_array_equal(again.state_dict()[k], v)
    assert again.class_names == net.class_names and again.meta == net.meta
    early = again.at_snapshot(0)
    assert not np.allclose(early.state_dict()["conv1.weight"], net.state_dict()["conv1.weight"])
    assert not list(tmp_path.glob(".*tmp"))
    assert again.save(tmp_path / "again.npz").read_bytes() == path.read_bytes()  # byte-for-byte stable


def _write_npz(path, **arrays):
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda p: None, "weights file not found"),
        (lambda p: p.write_bytes(b""), "not a readable ConvReel weights file"),
        (lambda p: p.write_bytes(b"PK\x03\x04 garbage that is not a zip"), "not a readable ConvReel weights file"),
        (lambda p: p.write_text("hello"), "not a readable ConvReel weights file"),
        (lambda p: _write_npz(p, x=np.zeros(3)), "invalid architecture record"),
        (lambda p: _write_npz(p, architecture=np.array("{not json")), "invalid architecture record"),
        (lambda p: _write_npz(p, architecture=np.array([{"a": 1}], dtype=object)), "not a readable"),
    ],
)
def test_bad_weights_files_give_clear_errors(tmp_path, make, message):
    path = tmp_path / "bad.npz"
    make(path)
    with pytest.raises(engine.ModelError, match=message):
        engine.load_model(path)


def test_truncated_and_mismatched_weights(models, tmp_path):
    good = models["face"].save(tmp_path / "good.npz")
    cut = tmp_path / "cut.npz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(engine.ModelError, match="not a readable"):
        engine.load_model(cut)

    with zipfile.ZipFile(good) as z:
        arrays = {n[:-4]: np.load(z.open(n)) for n in z.namelist()}
    wrong = dict(arrays)
    wrong["param/conv1.weight"] = np.zeros((4, 3, 5, 5))
    _write_npz(tmp_path / "shape.npz", **wrong)
    with pytest.raises(engine.ModelError, match=r"conv1.weight has shape \(4, 3, 5, 5\)"):
        engine.load_model(tmp_path / "shape.npz")

    missing = {k: v for k, v in arrays.items() if k != "param/dense1.bias"}
    _write_npz(tmp_path / "missing.npz", **missing)
    with pytest.raises(engine.ModelError, match="missing dense1.bias"):
        engine.load_model(tmp_path / "missing.npz")

    nan = dict(arrays)
    nan["param/dense1.bias"] = np.array([np.nan, 0, 0])
    _write_npz(tmp_path / "nan.npz", **nan)
    with pytest.raises(engine.ModelError, match="NaN"):
        engine.load_model(tmp_path / "nan.npz")

    arch = json.loads(str(arrays["architecture"]))
    arch["layers"][-1]["config"]["in_features"] = 10
    bad_arch = dict(arrays)
    bad_arch["architecture"] = np.array(json.dumps(arch))
    bad_arch["param/dense1.weight"] = np.zeros((3, 10))
    _write_npz(tmp_path / "arch.npz", **bad_arch)
    with pytest.raises(engine.ModelError, match="do not fit together"):
        engine.load_model(tmp_path / "arch.npz")


def test_directory_is_not_a_weights_file(tmp_path):
    with pytest.raises(engine.ModelError, match="is a directory"):
        engine.load_model(tmp_path)
