import numpy as np
import pytest
from PIL import Image

from engine.experiments import change, largest_gradient, learning_step, runner_up, top_gradients
from scenes.learning_step import LR, decimals, distinct_digits, mantissa
from scenes.legacy_style import fmt
from scenes.prob_parts import num, precise_prob
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, on_screen

ALL = ["tick-cross", "face", "wrong", "custom"]
SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")


def value_of(text: str) -> float:
    """The number a ``num`` string stands for: "-2.30×10⁻⁹" -> -2.3e-09."""
    if "×10" in text:
        m, e = text.split("×10")
        return float(m) * 10.0 ** int(e.translate(SUPER))
    return float(text)


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("learn")  # one media folder: LaTeX is compiled once for all builds
    story = load_story("face")
    rgb = np.array(Image.open(story.example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, (2, 3), axis=(0, 1))).save(tmp / "moved.png")
    return {
        "tick-cross": build("learning-step", "tick-cross", tmp_path=tmp),
        "face": build("learning-step", "face", tmp_path=tmp),
        # the shipped tick, told it is a cross: a confident wrong verdict, big gradients
        "wrong": build("learning-step", "tick-cross", label="cross", tmp_path=tmp),
        # a custom photo without a label: the prediction is assumed and the screen says so
        "custom": build("learning-step", "face", image=tmp / "moved.png", tmp_path=tmp),
    }


def reference(scene):
    return learning_step(scene.story.network, scene.trace.image, scene.trace.label, LR)


# -- helpers -------------------------------------------------------------------------------------
def test_extra_learning_step():
    story = load_story("tick-cross", label="cross")
    ls = learning_step(story.network, story.trace.image, story.trace.label, 0.05)
    for name in ls.grads:
        np.testing.assert_allclose(change(ls, name), -0.05 * ls.grads[name], rtol=1e-6, atol=1e-15)
    g = ls.grads["dense1.weight"][1]
    idx = top_gradients(g, 3)
    assert np.all(np.abs(g[idx])[:, None] >= np.abs(np.delete(g, idx))[None, :])
    assert largest_gradient(ls) == max(np.abs(v).max() for v in ls.grads.values())
    assert runner_up(np.array([0.2, 0.5, 0.3]), 1) == 2
    assert distinct_digits(0.1234567, 0.1234569, text=decimals) == 7
    assert mantissa(-3.21e-8, -8) == "-3.2" and mantissa(0.456, 0) == "0.46"


# -- the scene -----------------------------------------------------------------------------------
@pytest.mark.parametrize("example", ALL)
def test_guess_and_loss(scenes, example):
    scene = scenes[example]
    ls = reference(scene)
    assert ls.loss == pytest.approx(scene.trace.loss, rel=1e-9)
    assert scene.loss_text.original_text == f"= {num(ls.loss)}"
    bars = scene.verdict_bars
    np.testing.assert_array_equal(bars.values, scene.trace.probabilities)
    for k, p in enumerate(bars.values):
        assert bars.bars[k].height == pytest.approx(bars.max_height * p, abs=1e-3)
        assert bars.numbers[k].original_text == precise_prob(p)
    box, bar = scene.true_box, bars.bars[scene.trace.label]
    assert box.get_left()[0] < bar.get_left()[0] and bar.get_right()[0] < box.get_right()[0]
    assert (scene.note is not None) == (example == "custom")


@pytest.mark.parametrize("example", ALL)
def test_gradient_is_probabilities_minus_truth(scenes, example):
    scene = scenes[example]
    ls = reference(scene)
    onehot = np.eye(len(scene.trace.class_names))[scene.trace.label]
    np.testing.assert_allclose(ls.dlogits, ls.probabilities - onehot, atol=1e-15)
    for col, values, texts in (
        (scene.p_col, ls.probabilities, [precise_prob(p) for p in ls.probabilities]),
        (scene.y_col, onehot, [fmt(v) for v in onehot]),
        (scene.g_col, ls.dlogits, [num(v) for v in ls.dlogits]),
    ):
        np.testing.assert_allclose(col.values, values, rtol=1e-12, atol=0)
        assert [t.original_text for t in col.texts] == texts
        for box, v in zip(col.boxes, values):
            np.testing.assert_array_equal(fill_rgb(box), scene.vector_cmap.rgb(np.array(v)))


@pytest.mark.parametrize("example", ALL)
def test_dense_weights_and_their_update(scenes, example):
    scene = scenes[example]
    ls, k = reference(scene), scene.trace.label
    key = f"{scene.trace.steps_of('Dense')[-1].name}.weight"
    grad, before, after = ls.grads[key], ls.before[key], ls.after[key]
    x = scene.trace.steps_of("Dense")[-1].input
    shown = [i for i, _ in scene.table_rows]
    others = np.delete(np.abs(grad[k]), shown)
    assert len(shown) == 4 and np.abs(grad[k, shown]).min() >= others.max()
    for i, cells in scene.table_rows:
        assert grad[k, i] == pytest.approx(ls.dlogits[k] * x[i], rel=1e-9)  # the chain rule shown
        assert cells[1:4] == [num(x[i]), num(ls.dlogits[k]), num(grad[k, i])]
        assert cells[5] == num(change(ls, key)[k, i])
        assert value_of(cells[5]) == pytest.approx(-LR * grad[k, i], rel=2e-2)
        w0, w1 = value_of(cells[4]), value_of(cells[6])
        d = len(cells[4].split(".")[1])
        assert w0 == pytest.approx(before[k, i], abs=0.6 * 10**-d)
        assert w1 == pytest.approx(after[k, i], abs=0.6 * 10**-d)
        assert cells[4] != cells[6]  # written precisely enough for the step to show
    for row, (_, cells) in zip(scene.cells, scene.table_rows):
        assert [m.original_text for m in row] == cells


@pytest.mark.parametrize("example", ALL)
def test_new_loss_after_the_step(scenes, example):
    scene = scenes[example]
    ls = reference(scene)
    np.testing.assert_allclose(scene.before_bars.values, ls.probabilities, rtol=1e-12)
    np.testing.assert_allclose(scene.after_bars.values, ls.new_probabilities, rtol=1e-12)
    for bars in (scene.before_bars, scene.after_bars):
        for k, p in enumerate(bars.values):
            assert bars.bars[k].height == pytest.approx(bars.max_height * p, abs=1e-3)
    before, after = scene.loss_before.original_text, scene.loss_after.original_text
    assert before != after
    assert value_of(before.removeprefix("loss ")) == pytest.approx(ls.loss, rel=1e-2)
    assert value_of(after.removeprefix("loss ")) == pytest.approx(ls.new_loss, rel=1e-2, abs=1e-12)
    assert ls.new_loss < ls.loss


@pytest.mark.parametrize("example", ALL)
def test_filter_gradient_and_update(scenes, example):
    scene = scenes[example]
    ls = reference(scene)
    key = f"{scene.trace.steps_of('Conv2D')[0].name}.weight"
    e = scene.grad_exponent
    g = ls.grads[key][0]
    for ch in range(g.shape[0]):
        b, gr, a = (scene.filter_grids[n][ch] for n in ("before", "gradient", "after"))
        np.testing.assert_allclose(b.values, ls.before[key][0, ch], rtol=1e-12)
        np.testing.assert_allclose(a.values, ls.after[key][0, ch], rtol=1e-12)
        np.testing.assert_allclose(gr.values, g[ch], rtol=1e-12)
        for (r, c), v in np.ndenumerate(g[ch]):
            text = gr.number(r, c).original_text
            assert text == mantissa(v, e)
            assert float(text) * 10.0**e == pytest.approx(v, abs=0.051 * 10.0**e + 1e-300)
            np.testing.assert_array_equal(fill_rgb(gr.cell(r, c)), gr.cmap.rgb(np.array(v)))
            assert b.number(r, c).original_text == fmt(ls.before[key][0, ch, r, c])
    assert scene.filter_delta == pytest.approx(np.abs(change(ls, key)[0]).max(), rel=1e-12)
    assert "largest change: " + num(scene.filter_delta) in scene.filter_note.original_text.replace("\n", " ")


@pytest.mark.parametrize("example", ALL)
def test_what_if_the_verdict_were_wrong(scenes, example):
    scene = scenes[example]
    tr = scene.trace
    if tr.prediction != tr.label:
        assert scene.what_if is None and "mistake" not in [n for n, _ in scene.steps]
        return
    other = runner_up(tr.probabilities, tr.label)
    wi = learning_step(scene.story.network, tr.image, other, LR)
    assert scene.other == other
    texts = [[m.original_text for m in cells] for cells in scene.compare_cells]
    assert [t[2] for t in texts] == [num(wi.loss), num(largest_gradient(wi)), num(wi.new_loss)]
    assert value_of(texts[0][1]) == pytest.approx(tr.loss, rel=1e-2)
    np.testing.assert_allclose(scene.what_if_bars.values, wi.new_probabilities, rtol=1e-12)


@pytest.mark.parametrize("example", ALL)
def test_nothing_off_screen_and_timing(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    names = [n for n, _ in scene.steps]
    assert names[:6] == ["title", "guess", "gradient", "weights", "after", "filter"]
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 1e-6
    assert 20 <= scene.time <= 90
    assert "0.05" in " ".join(t for *_, t in scene.captions)
