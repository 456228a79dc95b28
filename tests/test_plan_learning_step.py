import numpy as np
import pytest
from PIL import Image, ImageDraw

from engine.train import learning_step
from scenes.plans.learning_step import (
    BIGGER_RATES,
    LR,
    MIN_MOVE,
    change,
    common_exponent,
    distinct_digits,
    largest_gradient,
    mantissa,
    plan,
    runner_up,
    top_gradients,
    visible,
    where,
)
from scenes.plans.numbers import fmt, num, prob
from scenes.story import load_story
from tests.test_plan_training_folder import folder_model  # noqa: F401 - a fixture

SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
ALL = ["tick-cross", "face", "wrong", "custom", "custom-face", "custom-tick", "folder"]


def value_of(text: str) -> float:
    """The number a ``num`` string stands for: "-2.30×10⁻⁹" -> -2.3e-09."""
    if "×10" in text:
        m, e = text.split("×10")
        return float(m) * 10.0 ** int(e.translate(SUPER))
    return float(text)


def drawn_face(path):
    """A photo-like portrait drawn from scratch: nothing like the shipped suspects' pixels."""
    img = Image.new("RGB", (300, 360), (70, 120, 140))
    d = ImageDraw.Draw(img)
    d.ellipse((60, 40, 240, 300), fill=(60, 40, 30))  # dark hair behind
    d.ellipse((85, 80, 215, 260), fill=(200, 150, 120))  # face
    d.ellipse((115, 140, 135, 155), fill=(30, 30, 30))
    d.ellipse((165, 140, 185, 155), fill=(30, 30, 30))
    d.arc((120, 190, 180, 230), 20, 160, fill=(120, 40, 40), width=6)
    d.rectangle((100, 240, 200, 300), fill=(50, 35, 30))  # beard
    img.save(path)
    return path


@pytest.fixture(scope="module")
def stories(tmp_path_factory, custom_tick, folder_model):  # noqa: F811
    tmp = tmp_path_factory.mktemp("learn")
    rgb = np.array(Image.open(load_story("face").example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, (2, 3), axis=(0, 1))).save(tmp / "moved.png")
    return {
        "tick-cross": load_story("tick-cross"),
        "face": load_story("face"),
        # the shipped tick, told it is a cross: a confident wrong verdict, big gradients
        "wrong": load_story("tick-cross", label="cross"),
        # a custom photo without a label: the prediction is assumed and the screen says so
        "custom": load_story("face", image=tmp / "moved.png"),
        "custom-face": load_story("face", image=drawn_face(tmp / "drawn.png"), label="Captain"),
        "custom-tick": load_story("tick-cross", image=custom_tick, label="tick"),
        "folder": load_story("tick-cross", model=folder_model),
    }


@pytest.fixture(scope="module")
def plans(stories):
    return {k: plan(s) for k, s in stories.items()}


def reference(p, story):
    """The step recomputed on the network the plan chose, at the rate it chose."""
    return learning_step(p.where.network, story.trace.image, story.trace.label, p.lr)


# -- helpers ---------------------------------------------------------------------------------------
def test_step_arithmetic():
    story = load_story("tick-cross", label="cross")
    ls = learning_step(story.network, story.trace.image, story.trace.label, 0.05)
    for name in ls.grads:
        np.testing.assert_allclose(change(ls, name), -0.05 * ls.grads[name], rtol=1e-6, atol=1e-15)
    g = ls.grads["dense1.weight"][1]
    idx = top_gradients(g, 3)
    assert np.all(np.abs(g[idx])[:, None] >= np.abs(np.delete(g, idx))[None, :])
    assert largest_gradient(ls) == max(np.abs(v).max() for v in ls.grads.values())
    assert runner_up(np.array([0.2, 0.5, 0.3]), 1) == 2
    assert distinct_digits(0.12341, 0.12349, text=fmt) == 4 and distinct_digits(1.0, 2.0) == 2
    assert mantissa(-3.21e-3, -3) == "-3.21" and mantissa(0.456, 0) == "0.46"
    assert common_exponent(np.array([0.0384, -0.001])) == -2 and common_exponent(np.array([2.0])) == 0


# -- which network takes the step ------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_the_step_is_taken_where_learning_shows(stories, plans, key):
    story, p = stories[key], plans[key]
    w = p.where
    ls = reference(p, story)
    assert w.visible and visible(ls)
    # "visible": lower, different at 3 significant digits, the true class's probability moves
    assert ls.new_loss < ls.loss and num(ls.loss, 3) != num(ls.new_loss, 3)
    assert abs(ls.new_probabilities[ls.label] - ls.probabilities[ls.label]) >= MIN_MOVE
    # It is the first visible step of the search: the latest snapshot at LR, then bigger rates.
    net = story.network
    epochs = [s.epoch for s in net.snapshots][::-1]
    order = [(e, lr) for lr in (LR, *BIGGER_RATES) for e in epochs]
    chosen = order.index((w.epoch, w.lr))
    for e, lr in order[:chosen]:
        assert not visible(learning_step(net.at_snapshot(e), story.trace.image, story.trace.label, lr))
    np.testing.assert_array_equal(
        w.network.state_dict()["dense1.weight"], net.at_snapshot(w.epoch).state_dict()["dense1.weight"]
    )
    # The screen names the network and the caption says why it is not the trained one.
    last = epochs[0]
    if w.epoch == last:
        assert p.network_line == "The trained network" and p.where_text == ""
    elif w.epoch == 0:
        assert p.network_line == f"The untrained network (epoch 0 of {last})"
    else:
        assert p.network_line == f"The network after {w.epoch} of {last} epochs of training"
    if w.epoch != last:
        assert "already knows this picture" in p.where_text or "bigger" in p.where_text


def test_a_network_that_cannot_show_a_step_says_so():
    """No snapshots to go back to and a network so sure that no rate moves it visibly."""
    story = load_story("tick-cross")
    net = story.network.copy()
    net.snapshots = []
    net.layers[-1].weight = net.layers[-1].weight * 40
    w = where(net, story.trace.image, story.trace.label)
    assert not w.visible and w.epoch is None and w.lr == LR
    assert len(w.tried) == 1 + len(BIGGER_RATES) and not any(v for *_, v in w.tried)


# -- the guess and its loss --------------------------------------------------------------------------
@pytest.mark.parametrize("key", ALL)
def test_guess_and_loss(stories, plans, key):
    story, p = stories[key], plans[key]
    ls = reference(p, story)
    assert ls.loss == pytest.approx(p.step.loss, rel=1e-12)
    if p.where.trained:
        assert ls.loss == pytest.approx(story.trace.loss, rel=1e-9)
    assert p.loss_text == f"= {num(ls.loss, p.loss_digits)}"
    assert p.probability_texts == tuple(prob(q) for q in ls.probabilities)
    assert p.prediction == int(np.argmax(ls.probabilities))
    assert p.truth_line.endswith(story.trace.label_name)
    assert p.truth_line.startswith("answer assumed" if story.label_assumed else "case file says")
    k, pred, pk = ls.label, p.prediction, ls.probabilities[ls.label]
    if story.label_assumed:
        assert p.guess_text.startswith("No answer came")
    elif pred == k and pk >= 0.9:
        assert "agrees. Right and sure" in p.guess_text
    elif pred == k:
        assert "it is not sure" in p.guess_text
    else:
        assert f"but the case file says {story.trace.label_name}" in p.guess_text
    assert num(ls.loss, p.loss_digits) in p.guess_text


@pytest.mark.parametrize("key", ALL)
def test_gradient_is_probabilities_minus_truth(stories, plans, key):
    story, p = stories[key], plans[key]
    ls = reference(p, story)
    onehot = np.eye(len(story.trace.class_names))[story.trace.label]
    np.testing.assert_allclose(ls.dlogits, ls.probabilities - onehot, atol=1e-15)
    for col, values, texts in zip(
        p.columns,
        (ls.probabilities, onehot, ls.dlogits),
        ([prob(q) for q in ls.probabilities], [fmt(v) for v in onehot], [num(v) for v in ls.dlogits]),
    ):
        np.testing.assert_allclose(col.values, values, rtol=1e-12, atol=0)
        assert list(col.texts) == texts
    assert f"it is {num(ls.dlogits[ls.label])}: raise it" in p.sign_text


@pytest.mark.parametrize("key", ALL)
def test_dense_weights_and_their_update(stories, plans, key):
    story, p = stories[key], plans[key]
    ls, k = reference(p, story), story.trace.label
    dense = p.where.network.trace(story.trace.image).steps_of("Dense")[-1]
    key_ = f"{dense.name}.weight"
    grad, before, after = ls.grads[key_], ls.before[key_], ls.after[key_]
    x = dense.input
    shown = list(p.rows)
    others = np.delete(np.abs(grad[k]), shown)
    assert len(shown) == 4 and np.abs(grad[k, shown]).min() >= others.max()
    for i, cells in zip(shown, p.cells):
        assert grad[k, i] == pytest.approx(ls.dlogits[k] * x[i], rel=1e-9)  # the chain rule shown
        assert cells[0] == str(i + 1)  # 1-based, like every position on screen
        assert cells[1:4] == (num(x[i]), num(ls.dlogits[k]), num(grad[k, i]))
        d = len(cells[5].split(".")[1])
        assert value_of(cells[5]) == pytest.approx(-p.lr * grad[k, i], abs=0.51 * 10**-d)
        assert value_of(cells[4]) == pytest.approx(before[k, i], abs=0.51 * 10**-d)
        assert value_of(cells[6]) == pytest.approx(after[k, i], abs=0.51 * 10**-d)
        assert cells[4] != cells[6]  # written precisely enough for the step to show
        assert all(len(c.lstrip("-").replace(".", "").lstrip("0")) <= 4 for c in cells[1:])  # <= 4 digits


@pytest.mark.parametrize("key", ALL)
def test_new_loss_after_the_step(stories, plans, key):
    """The drawn loss before and after differ at 3 significant digits and the new one is lower."""
    story, p = stories[key], plans[key]
    ls = reference(p, story)
    assert p.new_probability_texts == tuple(prob(q) for q in ls.new_probabilities)
    before, after = p.loss_before.removeprefix("loss "), p.loss_after.removeprefix("loss ")
    assert before != after and p.loss_digits >= 3
    assert value_of(before) == pytest.approx(ls.loss, rel=5e-3)
    assert value_of(after) == pytest.approx(ls.new_loss, rel=5e-3)
    assert ls.new_loss < ls.loss and value_of(after) < value_of(before)
    assert f"the loss falls from {before} to {after}" in p.after_text
    pa, pb = prob(ls.probabilities[ls.label]), prob(ls.new_probabilities[ls.label])
    assert pa != pb and f"rises from {pa} to {pb}" in p.after_text
    assert ("The verdict flips" in p.after_text) == (p.new_prediction != p.prediction)


@pytest.mark.parametrize("key", ALL)
def test_filter_gradient_and_update(stories, plans, key):
    story, p = stories[key], plans[key]
    ls = reference(p, story)
    f = p.filter
    conv = story.trace.steps_of("Conv2D")[0].name
    key_ = f"{conv}.weight"
    g = ls.grads[key_]
    # the slice of the filters where the gradient is largest
    assert np.abs(g[f.filter, f.channel]).max() == np.abs(g).max()
    np.testing.assert_allclose(f.before, ls.before[key_][f.filter, f.channel], rtol=1e-12)
    np.testing.assert_allclose(f.after, ls.after[key_][f.filter, f.channel], rtol=1e-12)
    np.testing.assert_allclose(f.gradient, g[f.filter, f.channel], rtol=1e-12)
    e = f.exponent
    assert 1 <= np.abs(f.gradient).max() / 10.0**e < 10 or e == 0
    for (r, c), v in np.ndenumerate(f.gradient):
        assert f.gradient_texts[r, c] == mantissa(v, e)
        assert float(f.gradient_texts[r, c]) * 10.0**e == pytest.approx(v, abs=0.0051 * 10.0**e + 1e-300)
        assert f.before_texts[r, c] == fmt(f.before[r, c], f.decimals)
        assert len(f.before_texts[r, c].lstrip("-").replace(".", "").lstrip("0")) <= 4
    assert f.biggest == pytest.approx(np.abs(change(ls, key_)[f.filter]).max(), rel=1e-12)
    assert f.note == "largest change: " + num(f.biggest)
    assert (f"filter {f.filter + 1}" in f.title) and (f"filter {f.filter + 1} " in p.filter_text)
    assert ("× 10" in f.gradient_head) == (e != 0)
    same = bool(np.all(f.before_texts == f.after_texts))
    assert ("too small to show" in p.filter_change_text) == same


@pytest.mark.parametrize("key", ALL)
def test_what_if_the_verdict_were_wrong(stories, plans, key):
    story, p = stories[key], plans[key]
    ls = reference(p, story)
    if p.prediction != story.trace.label:
        assert p.what_if is None and p.mistake_text == ""
        return
    other = runner_up(ls.probabilities, story.trace.label)
    wi = learning_step(p.where.network, story.trace.image, other, p.lr)
    assert p.other == other
    assert [r[2] for r in p.compare_rows[:2]] == [num(wi.loss), num(largest_gradient(wi))]
    assert value_of(p.compare_rows[2][2].lstrip("<")) == pytest.approx(max(wi.new_loss, 1e-3), rel=5e-3)
    assert value_of(p.compare_rows[0][1]) == pytest.approx(ls.loss, rel=5e-3)
    np.testing.assert_allclose(p.what_if.new_probabilities, wi.new_probabilities, rtol=1e-12)
    ratio = largest_gradient(wi) / largest_gradient(ls)
    assert ("far more" in p.mistake_text) == (ratio >= 2)
    swung = int(np.argmax(wi.new_probabilities)) == other
    assert ("swing the verdict right over" in p.swing_text) == swung
    if not swung:
        assert ("would cut that loss" in p.swing_text) == (wi.new_loss < wi.loss)
