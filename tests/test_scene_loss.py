import numpy as np
import pytest
from PIL import Image

from scenes import legacy_style as style
from scenes.loss import REFERENCE_P
from scenes.plans.terms import class_penalties, loss_terms, penalty
from scenes.prob_parts import num, precise_prob
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, on_screen, text_clashes


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("loss")  # one media folder: LaTeX is compiled once for all builds
    story = load_story("face")
    rgb = np.array(Image.open(story.example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, 4, axis=1)).save(tmp / "moved.png")
    return {
        "face": build("loss", "face", tmp_path=tmp),
        # The shipped tick, told that it is a cross: a confident wrong answer.
        "wrong": build("loss", "tick-cross", label="cross", tmp_path=tmp),
        # A custom photo without a label: the prediction is assumed and the screen says so.
        "custom": build("loss", "face", image=tmp / "moved.png", tmp_path=tmp),
    }


ALL = ["face", "wrong", "custom"]


def test_extra_loss_matches_the_trace():
    trace = load_story("face", label="Captain").trace
    pens = class_penalties(trace)
    np.testing.assert_allclose(pens, -np.log(trace.probabilities), rtol=1e-6)
    assert pens[trace.label] == pytest.approx(trace.loss, rel=1e-12)
    np.testing.assert_allclose(penalty([0.5, 0.01]), [np.log(2), np.log(100)])


@pytest.mark.parametrize("example", ALL)
def test_truth_and_guess_charts(scenes, example):
    scene = scenes[example]
    tr, t = scene.trace, loss_terms(scene.trace)
    assert t.label == tr.label
    np.testing.assert_array_equal(scene.target_bars.values, t.target)
    np.testing.assert_array_equal(scene.guess_bars.values, tr.probabilities)
    for chart, values in ((scene.target_bars, t.target), (scene.guess_bars, tr.probabilities)):
        for k, v in enumerate(values):
            assert chart.bars[k].height == pytest.approx(chart.max_height * v, abs=1e-3)
            assert chart.numbers[k].original_text == num(v)
            assert chart.names[k].original_text == tr.class_names[k]
    np.testing.assert_array_equal(fill_rgb(scene.target_bars.bars[tr.label]), style._hex_to_rgb(style.HIGHLIGHT))
    np.testing.assert_array_equal(fill_rgb(scene.guess_bars.bars[tr.prediction]), style._hex_to_rgb(style.WINNER))
    # the highlighted box is around the true class's bar in the guess
    box, bar = scene.true_box, scene.guess_bars.bars[tr.label]
    assert box.get_left()[0] < bar.get_left()[0] and bar.get_right()[0] < box.get_right()[0]


@pytest.mark.parametrize("example", ALL)
def test_negative_log_of_the_true_class(scenes, example):
    scene = scenes[example]
    tr, t = scene.trace, loss_terms(scene.trace)
    assert scene.p_line.original_text == f"= -log({precise_prob(tr.probabilities[tr.label])})"
    assert scene.loss_line.original_text == f"= {num(t.nll)}"
    assert t.nll == pytest.approx(tr.loss, rel=1e-9)


@pytest.mark.parametrize("example", ALL)
def test_points_on_the_penalty_curve(scenes, example):
    scene = scenes[example]
    tr, t, ax = scene.trace, loss_terms(scene.trace), scene.axes
    # the drawn curve is -log p
    for point in scene.curve.points[::16]:  # every 4th cubic, its start anchor
        p, y = ax.p2c(point)
        assert y == pytest.approx(-np.log(p), abs=1e-6 * max(1, y))
    top = ax.y_range[1]
    np.testing.assert_allclose(scene.true_dot.get_center(), ax.c2p(tr.probabilities[tr.label], t.nll), atol=1e-9)
    assert t.nll < top
    pen = class_penalties(tr)[scene.other]
    np.testing.assert_allclose(scene.other_dot.get_center(), ax.c2p(tr.probabilities[scene.other], pen), atol=1e-9)
    assert pen < top
    assert scene.other != tr.label
    if tr.prediction == tr.label:  # right: compared with the least likely class
        assert tr.probabilities[scene.other] == tr.probabilities[np.arange(len(tr.class_names)) != tr.label].min()
    else:  # wrong: compared with the predicted class
        assert scene.other == tr.prediction
    assert scene.other_tag[0].original_text == f"if it were {tr.class_names[scene.other]}: {num(pen)}"
    assert scene.true_tag[0].original_text == f"{tr.label_name}: {num(t.nll)}"
    for p, pen_ref, dot, _ in scene.references:
        assert p in REFERENCE_P and pen_ref == pytest.approx(-np.log(p))
        np.testing.assert_allclose(dot.get_center(), ax.c2p(p, pen_ref), atol=1e-9)


def test_reference_points_labelled(scenes):
    scene = scenes["wrong"]  # no zoom: the labels stay
    tags = [tag[0].original_text for *_, tag in scene.references]
    assert tags == [f"p = {style.fmt(p)}: {num(-np.log(p))}" for p in REFERENCE_P]
    assert scene.trace.loss > 15  # a confident wrong answer: the point is high on the chart


@pytest.mark.parametrize("example", ALL)
def test_curve_labels_do_not_collide(scenes, example):
    scene = scenes[example]
    tags = [tag for *_, tag in scene.references if tag is not None]
    assert not text_clashes([scene.ruler, scene.true_tag, scene.other_tag, *tags])


@pytest.mark.parametrize("example", ALL)
def test_three_readings_are_one_number(scenes, example):
    scene = scenes[example]
    t = loss_terms(scene.trace)
    assert t.target_entropy == 0
    assert t.nll == pytest.approx(t.kl, abs=1e-12) == pytest.approx(t.cross_entropy, abs=1e-12)
    assert [r.original_text for r in scene.results] == [num(t.nll), num(t.cross_entropy), num(t.kl)]
    assert len(set(r.original_text for r in scene.results)) == 1
    ce_line = scene.readings[1][2][0].original_text
    for tk, lp in zip(t.target, t.log_probabilities):
        assert f"{style.fmt(tk)} × ({num(lp)})" in ce_line
    assert scene.entropy_note.original_text.startswith(f"H(t) = {num(t.target_entropy)}")
    assert scene.same.original_text.endswith(num(t.nll))


def test_label_note(scenes):
    custom = scenes["custom"]
    assert custom.story.label_assumed
    assert custom.note.original_text == custom.story.label_note
    assert custom.note in custom.mobjects  # still on screen at the end
    assert scenes["face"].note is None and scenes["wrong"].note is None


@pytest.mark.parametrize("example", ALL)
def test_final_frame_steps_and_captions(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    assert not text_clashes(scene.mobjects)
    names = [n for n, _ in scene.steps]
    assert names == ["title", "truth", "nll", "curve", "what-if", "three"]
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 1e-6
    assert 20 <= scene.time < 90
