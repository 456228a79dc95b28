"""The bundled models: honest probabilities, typical example images, figures that match, and
learning-rate runs chosen by measuring."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

import engine
from convreel.cli import main
from engine.datasets import draw_tick_cross
from engine.examples import TYPICAL_FLOOR, TYPICAL_TOP, example_images, learning_rate_runs, unsteady
from engine.images import save_image
from engine.train import calibration, predict_proba

EXAMPLES = list(engine.EXAMPLES)


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.parametrize("name", EXAMPLES)
def test_predict_on_every_shipped_image_reads_as_plain_decimals(name):
    ex = engine.get_example(name)
    for c in ex.class_names:
        result = run("predict", ex.image_path(c), "-e", name, "--json")
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        p = out["probabilities"]
        assert out["prediction"] == c
        assert 0.85 <= p[c] <= 0.99, (c, p)
        assert min(p.values()) >= 0.001, (c, p)


@pytest.mark.parametrize("name", EXAMPLES)
def test_shipped_images_are_the_typical_ones_the_rule_picks(models, name):
    ex = engine.get_example(name)
    for c, img in example_images(name, models[name]).items():
        np.testing.assert_array_equal(ex.load_image(ex.image_path(c)), img)


def test_typical_is_nearest_the_median_within_bounds(models):
    net = models["face"]
    batches = engine.examples.candidate_images("face")
    chosen = example_images("face", net)
    for k, (c, batch) in enumerate(batches.items()):
        p = predict_proba(net, batch)
        own = p[:, k]
        pick = net.trace(chosen[c]).probabilities
        assert TYPICAL_TOP[0] <= pick[k] <= TYPICAL_TOP[1] and pick.min() >= TYPICAL_FLOOR
        # No other drawing of the batch that meets the bounds lies nearer the batch's median.
        ok = (p.argmax(1) == k) & (own >= TYPICAL_TOP[0]) & (own <= TYPICAL_TOP[1]) & (p.min(1) >= TYPICAL_FLOOR)
        assert abs(pick[k] - np.median(own)) == pytest.approx(np.abs(own[ok] - np.median(own)).min())
        assert pick[k] < own.max()  # not the most extreme drawing


@pytest.mark.parametrize("name", EXAMPLES)
def test_bundled_figures_are_what_they_claim(models, name):
    net = models[name]
    ex = engine.get_example(name)
    assert net.meta["recipe"] == ex.recipe
    held_out = net.meta["held_out"]
    assert held_out == calibration(net, *engine.examples.held_out_set(name))
    assert held_out["accuracy"] >= 0.98 and held_out["n"] == 1000
    assert net.meta["held_out_accuracy"] == held_out["accuracy"]
    # Label smoothing keeps the model short of certainty: on average it says less than it knows.
    assert held_out["mean_confidence"] < held_out["accuracy"]
    assert 0 < held_out["ece"] < 0.1


def test_train_prints_held_out_accuracy_and_ece(tmp_path):
    out = tmp_path / "tc.npz"
    result = run("train", "tick-cross", "--output", out)
    assert result.exit_code == 0, result.output
    saved = engine.load_model(out).meta["held_out"]
    assert f"held-out accuracy: {saved['accuracy']:.4f} (1000 images)" in result.output
    assert f"held-out ECE (10 bins): {saved['ece']:.4f}" in result.output
    assert saved["accuracy"] >= 0.98


def _tiny_folder(root, per_class=24, seed=5):
    rng = np.random.default_rng(seed)
    for cls in ("cross", "tick"):
        for i in range(per_class):
            save_image(draw_tick_cross(cls, rng)[None], root / cls / f"{i}.png", scale=4)
    return root


def test_train_on_a_folder_reports_its_validation_split(tmp_path):
    out = tmp_path / "mine.npz"
    result = run("train", "tick-cross", "--data", _tiny_folder(tmp_path / "data"), "--output", out)
    assert result.exit_code == 0, result.output
    meta = engine.load_model(out).meta
    val = meta["validation"]
    assert "held_out" not in meta and "held-out" not in result.output
    assert f"validation accuracy: {val['accuracy']:.4f} ({val['n']} images)" in result.output
    assert f"validation ECE (10 bins): {val['ece']:.4f}" in result.output
    assert val["n"] == meta["history"]["config"]["n_val"] == 10


def _check_choice(sweep: list[dict], search: dict) -> None:
    """The three runs are what the rule picks from the measured facts of every run."""
    runs = search["runs"]
    crawl, best, wild = search["chosen"]
    assert [r["lr"] for r in sweep] == [search["grid"][i] for i in search["chosen"]]
    for run_, i in zip(sweep, search["chosen"]):
        assert {k: v for k, v in run_.items() if k != "losses"} == runs[i]
        curve = np.array(run_["losses"])
        assert run_["min"] == curve.min() and run_["max"] == curve.max()
        assert run_["final"] == pytest.approx(curve[-max(1, len(curve) // 4) :].mean())
    stable = [r["final"] for r in runs if not r["diverged"]]
    assert runs[best]["final"] == min(stable)
    drop = runs[best]["start"] - runs[best]["final"]
    slower = [i for i in range(best) if runs[i]["start"] - runs[i]["final"] <= search["clearly_slower"] * drop]
    assert search["crawl_found"] == bool(slower)
    assert crawl == (max(slower) if slower else 0)
    wilder = [i for i in range(best + 1, len(runs)) if unsteady(runs[i])]
    assert search["unsteady_found"] == bool(wilder)
    assert wild == (min(wilder) if wilder else len(runs) - 1)


@pytest.mark.parametrize("name", EXAMPLES)
def test_bundled_learning_rate_runs_are_chosen_by_measuring(models, name):
    net = models[name]
    sweep, search = net.meta["lr_sweep"], net.meta["lr_search"]
    _check_choice(sweep, search)
    crawl, best, wild = sweep
    # The bundled story holds by the numbers: a crawl, a best, and one that fails to settle.
    assert search["crawl_found"] and search["unsteady_found"]
    assert crawl["lr"] < best["lr"] < wild["lr"]
    assert crawl["final"] > best["final"] and wild["final"] > best["final"]
    assert crawl["start"] - crawl["final"] <= 0.5 * (best["start"] - best["final"])
    assert unsteady(wild) and not best["diverged"]


def test_learning_rates_of_a_tiny_folder_are_chosen_by_measuring(tmp_path):
    ex = engine.get_example("tick-cross")
    x, y, classes = engine.datasets.image_folder(_tiny_folder(tmp_path), ex.load_image)
    net, _ = engine.train_example("tick-cross", data=(x, y, classes))
    _check_choice(net.meta["lr_sweep"], net.meta["lr_search"])
    assert net.meta["lr_search"]["runs"][0]["batch_size"] == 32  # 48 images: full batches still fit
    # A grid that never reaches an unsteady rate says so, and shows the largest rate it tried.
    start = ex.build(np.random.default_rng(0))
    sweep, search = learning_rate_runs(start, x, y, lr=1e-5, seed=0, steps=30)
    _check_choice(sweep, search)
    assert not search["unsteady_found"] and search["chosen"][2] == len(search["grid"]) - 1
