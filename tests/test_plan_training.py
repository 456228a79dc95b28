import math

import numpy as np
import pytest
from PIL import Image

import engine
from scenes.plans.colour import Diverging
from scenes.plans.numbers import num, percent, prob
from scenes.plans.training import LOSS_FLOOR, history_story, plan, rates
from scenes.story import load_story
from tests.test_plan_training_folder import folder_model  # noqa: F401 - a fixture

ALL = ["tick-cross", "face", "custom", "folder"]


@pytest.fixture(scope="module")
def stories(tmp_path_factory, folder_model):  # noqa: F811
    tmp = tmp_path_factory.mktemp("training")
    # A custom drawing: the shipped cross, mirrored left to right, with no label.
    cross = np.array(Image.open(load_story("tick-cross").example.image_path("cross")).convert("L"))
    Image.fromarray(cross[:, ::-1]).save(tmp / "mirrored.png")
    return {
        "tick-cross": load_story("tick-cross"),
        "face": load_story("face"),
        "custom": load_story("tick-cross", image=tmp / "mirrored.png"),
        "folder": load_story("tick-cross", model=folder_model),
    }


@pytest.fixture(scope="module")
def plans(stories):
    return {k: plan(s) for k, s in stories.items()}


# -- the history ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_curves_are_the_history(stories, plans, key):
    net, c = stories[key].network, plans[key].curves
    h = engine.History.from_dict(net.meta["history"])
    for name in ("train_loss", "val_loss", "train_accuracy", "val_accuracy"):
        np.testing.assert_array_equal(getattr(c, name), h.column(name))
    np.testing.assert_array_equal(c.epochs, h.column("epoch"))
    assert c.loss_top >= max(h.column("train_loss").max(), h.column("val_loss").max())
    assert c.exam_lines[0] == f"exam (validation): {percent(h.column('val_accuracy')[-1])} right"
    held = net.meta.get("held_out_accuracy")
    assert (len(c.exam_lines) == 2) == (held is not None)
    if held is not None:
        assert percent(held) in c.exam_lines[1] and percent(held) in c.exam_text
    assert f"({h.config['n_train']})" in c.train_key and f"({h.config['n_val']})" in c.val_key


@pytest.mark.parametrize("key", ALL)
def test_the_history_is_told_as_it_happened(stories, plans, key):
    h = engine.History.from_dict(stories[key].network.meta["history"])
    check_history_story(h.column("epoch"), h.column("train_loss"), h.column("val_accuracy"), 2, plans[key].curves.story)


def check_history_story(epochs, loss, acc, n, text):
    """Each claim of the history's story against its numbers, computed here independently."""
    assert text.startswith(f"Untrained, at epoch {int(epochs[0])}, it gets {percent(acc[0])} of the exam right")
    assert ("no better than guessing" in text) == (acc[0] <= 1.25 / n)
    drops = -np.diff(loss)
    falling = bool(np.all(drops > 0))
    fastest = falling and len(drops) > 1 and drops[0] == drops.max()
    assert ("falls fastest in the first epoch" in text) == fastest
    assert ("comes down epoch by epoch" in text) == (falling and not fastest)
    assert ("comes down overall, though not in epoch" in text) == (not falling and loss[-1] < loss[0])
    assert ("does not come down" in text) == (not falling and loss[-1] >= loss[0])
    assert (f"climbs to {percent(acc[-1])}" in text) == (acc[-1] > acc[0])
    assert (f"falls to {percent(acc[-1])}" in text) == (acc[-1] < acc[0])


@pytest.mark.parametrize(
    "loss, acc",
    [
        ([1.0, 0.5, 0.4, 0.35], [0.5, 0.9, 0.95, 0.97]),  # fastest first
        ([1.0, 0.9, 0.6, 0.5], [0.3, 0.4, 0.8, 0.9]),  # steadily, not fastest first
        ([1.0, 0.7, 0.8, 0.6], [0.8, 0.85, 0.8, 0.9]),  # a rise in epoch 2; better than guessing from the start
        ([0.7, 0.7, 0.71, 0.72], [0.55, 0.5, 0.5, 0.45]),  # nothing learned: the folder of a stuck model
    ],
)
def test_every_history_story(loss, acc):
    epochs, loss, acc = np.arange(4.0), np.array(loss), np.array(acc)
    text = history_story(epochs, loss, acc, 2)
    check_history_story(epochs, loss, acc, 2, text)
    if not np.all(np.diff(loss) < 0) and loss[-1] < loss[0]:
        assert "not in epoch 2" in text


# -- this picture before and after ----------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_guess_before_and_after(stories, plans, key):
    story, g = stories[key], plans[key].guess
    net = story.network
    first, last = net.snapshots[0].epoch, net.snapshots[-1].epoch
    early = net.at_snapshot(first).trace(story.trace.image)
    late = net.at_snapshot(last).trace(story.trace.image)
    np.testing.assert_allclose(g.before, early.probabilities)
    np.testing.assert_allclose(g.after, story.trace.probabilities)
    np.testing.assert_allclose(g.after, late.probabilities, atol=1e-12)  # the final snapshot is the model
    assert g.before_texts == tuple(prob(q) for q in early.probabilities)
    assert g.after_texts == tuple(prob(q) for q in story.trace.probabilities)
    assert (g.first, g.last, g.after_winner) == (first, last, story.trace.prediction)
    n = len(story.trace.class_names)
    top = int(np.argmax(early.probabilities))
    assert ("a guess" in g.before_text) == (early.probabilities[top] <= 1.5 / n)
    assert ("already leans" in g.before_text) == (early.probabilities[top] > 1.5 / n)
    known = not story.label_assumed
    assert ("a wrong one" in g.before_text) == (known and top != story.trace.label)
    assert ("Still wrong" in g.after_text) == (known and story.trace.prediction != story.trace.label)
    assert prob(g.after[g.after_winner]) in g.after_text
    assert g.before_key == (f"epoch {first} (untrained)" if first == 0 else f"epoch {first}")


@pytest.mark.parametrize("key", ALL)
def test_filters_and_maps_early_and_late(stories, plans, key):
    story, f = stories[key], plans[key].filters
    net = story.network
    conv = story.trace.steps_of("Conv2D")[0].name
    early = net.at_snapshot(net.snapshots[0].epoch).trace(story.trace.image)
    np.testing.assert_array_equal(f.map_early, early.step(conv).output[0])
    np.testing.assert_array_equal(f.map_late, story.trace.step(conv).output[0])
    np.testing.assert_array_equal(f.early, early.step(conv).params["weight"])
    np.testing.assert_array_equal(f.late, story.trace.step(conv).params["weight"])
    # Both maps share one colour scale, so the colours of equal values match; the same for weights.
    assert f.map_scale == Diverging.for_values(f.map_early, f.map_late)
    assert f.weight_scale == Diverging.for_values(f.early, f.late)
    assert f.numbers == (story.trace.image.shape[0] == 1)
    delta = np.abs(f.late - f.early)
    assert f.biggest == delta.max() and num(delta.max()) in f.late_text
    assert ("every weight has been nudged" in f.late_text) == bool(np.all(delta > 0))
    assert ("random numbers" in f.early_text) == (net.snapshots[0].epoch == 0)


# -- the learning rates ------------------------------------------------------------------------------------
def outcomes(sweep, n_classes):
    """The facts of each run, computed here independently from lr, losses and diverged only."""
    runs = sorted(sweep, key=lambda r: r["lr"])
    curves = [np.asarray(r["losses"], dtype=float) for r in runs]
    start = max(c[0] for c in curves if len(c))
    ends = [
        c[-max(1, len(c) // 4) :].mean() if len(c) and not r["diverged"] else math.inf for c, r in zip(curves, runs)
    ]
    best = int(np.argmin(ends))
    out = []
    for i, (r, c) in enumerate(zip(runs, curves)):
        jumps = len(c) > 0 and (
            max(c[k] - c[:k].min() for k in range(1, len(c))) >= 0.25 * start or c.max() > 1.1 * c[0]
        )
        progress = (start - ends[i]) / (start - ends[best]) if math.isfinite(ends[i]) else 0
        out.append({
            "lr": r["lr"], "best": i == best, "diverged": r["diverged"], "jumps": jumps,
            "crawls": i != best and not r["diverged"] and not jumps and progress <= 0.5,
            "smaller": r["lr"] < runs[best]["lr"], "end": ends[i],
            "stuck": i != best and abs(ends[i] - math.log(n_classes)) <= 0.1 * math.log(n_classes),
        })  # fmt: skip
    return out


def check_rates(r, sweep, n_classes):
    facts = outcomes(sweep, n_classes)
    assert [run.lr for run in r.runs] == sorted(x["lr"] for x in sweep)
    for run, fact, raw in zip(r.runs, facts, sorted(sweep, key=lambda x: x["lr"])):
        np.testing.assert_array_equal(run.losses, raw["losses"])
        np.testing.assert_array_equal(run.steps, raw["every"] * np.arange(1, len(raw["losses"]) + 1))
        np.testing.assert_array_equal(run.drawn, np.maximum(raw["losses"], LOSS_FLOOR))
        label = run.label
        assert label.startswith("best here") == fact["best"]
        assert ("ends lowest" in label) == fact["best"]
        assert label.startswith("too small") == (fact["smaller"] and fact["crawls"])
        assert label.startswith("too large") == (
            not fact["best"] and not fact["smaller"] and (fact["diverged"] or fact["jumps"])
        )
        assert ("blew up" in label) == fact["diverged"]
        assert ("crawls" in label) == (fact["crawls"] and not fact["diverged"])
        assert ("jump" in label) == (fact["jumps"] and not fact["diverged"])
        assert ("blind guess" in label) == (fact["stuck"] and not fact["diverged"] and not fact["crawls"])
        assert run.sentence in r.story and f"At {run.rate.removeprefix('lr = ')} " in run.sentence
        if math.isfinite(fact["end"]) and not fact["stuck"]:
            assert num(fact["end"]) in run.sentence or num(run.peak) in run.sentence
    low = any(np.any(np.asarray(x["losses"]) < LOSS_FLOOR) for x in sweep)
    assert ("drawn at" in r.y_label) == low  # the chart says when it draws a loss higher than it is
    largest_best = facts[-1]["best"]
    assert ("the largest rate did best" in r.story) == largest_best
    # The best run is drawn in the winner's green, the others in colours of their own.
    assert len({run.colour for run in r.runs}) == len(r.runs)


@pytest.mark.parametrize("key", ALL)
def test_rates_are_labelled_by_what_happened(stories, plans, key):
    net = stories[key].network
    check_rates(plans[key].rates, net.meta["lr_sweep"], len(net.class_names))


def run(lr, losses, diverged=False):
    return {"lr": lr, "every": 5, "batch_size": 32, "losses": list(losses), "diverged": diverged}


STORIES = {
    # the usual story: a crawl, the best, one that jumps and sticks near a blind guess (ln 2 = 0.69)
    "usual": [
        run(0.001, np.linspace(0.9, 0.6, 20)),
        run(0.02, np.geomspace(0.8, 0.05, 20)),
        run(1.0, [0.7, 2.5, 1.2, *[0.7] * 17]),
    ],  # fmt: skip
    # a user's folder: the largest rate ends lowest (issue 8), so it is not "too large"
    "largest best": [
        run(0.0005, np.linspace(0.63, 0.3, 30)),
        run(0.02, np.geomspace(0.58, 0.002, 30)),
        run(1.0, [0.17, *[1e-9] * 29]),
    ],  # fmt: skip
    # the largest blows up after a few points; the smallest is the best
    "blow up": [
        run(0.001, np.geomspace(0.9, 0.1, 20)),
        run(0.01, np.geomspace(0.9, 0.3, 20)),
        run(5.0, [0.9, 40.0], diverged=True),
    ],  # fmt: skip
    # blows up before its first point
    "at once": [run(0.001, np.linspace(0.9, 0.6, 20)), run(0.02, np.geomspace(0.8, 0.05, 20)), run(9.0, [], True)],
    # the best jumps on its way down
    "best jumps": [run(0.001, np.linspace(1.1, 1.0, 20)), run(0.1, [1.0, 1.55, 1.1, 1.1, 0.7, 0.2, *[0.01] * 14])],
}


@pytest.mark.parametrize("name", STORIES)
def test_every_story_of_the_rates(name):
    sweep = STORIES[name]
    r = rates(sweep, 2)
    check_rates(r, sweep, 2)
    labels = [run.label for run in r.runs]
    if name == "largest best":
        assert labels[-1] == "best here: ends lowest" and not any(lb.startswith("too large") for lb in labels)
        assert "Here the largest rate did best" in r.story
    if name in ("blow up", "at once"):
        assert labels[-1] == "too large: blew up" and "blow up" in r.story
    if name == "best jumps":
        assert labels[-1] == "best here: ends lowest, after a jump"
    assert all(math.isfinite(v) for v in (r.floor, r.top, r.x_max))
