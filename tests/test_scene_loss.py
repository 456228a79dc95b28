import numpy as np
import pytest
from manim import Text

from scenes import style
from scenes.loss import LossScene
from tests.scene_helpers import build, fill_rgb, text_clashes
from tests.test_plan_softmax_models import drawn_face, folder_model, soft_model, synthetic, user_folder
from tests.test_scene_softmax import build_story, tex_checks  # noqa: F401 - tex_checks is a fixture


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, custom_tick, tex_checks):  # noqa: F811
    tmp = tmp_path_factory.mktemp("loss")  # one media folder: LaTeX is compiled once for all builds
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    folder = user_folder(base, "face") / "basil" / "05.png"
    return {
        "face": build("loss", "face", tmp_path=tmp),
        # The shipped tick, told that it is a cross: a confident wrong answer.
        "wrong": build("loss", "tick-cross", label="cross", tmp_path=tmp),
        # A custom photo without a label: the prediction is assumed and the screen says so.
        "custom": build("loss", "face", image=drawn_face(base), tmp_path=tmp),
        "soft": build("loss", "face", model=soft_model(base, "face"), tmp_path=tmp),
        "folder": build("loss", "face", image=folder, label="basil", model=folder_model(base, "face"), tmp_path=tmp),
        "tick-custom": build("loss", "tick-cross", image=custom_tick, label="cross", tmp_path=tmp),
        "five": build_story(synthetic()["five"], tmp, scene_class=LossScene),  # five classes, wrong
    }


ALL = ["face", "wrong", "custom", "soft", "folder", "tick-custom", "five"]


def texts(group):
    return [m.original_text for m in group]


@pytest.mark.parametrize("example", ALL)
def test_truth_and_guess_charts(scenes, example):
    scene = scenes[example]
    p = scene.plan
    np.testing.assert_array_equal(scene.target_bars.values, p.target)
    np.testing.assert_array_equal(scene.guess_bars.values, p.probabilities)
    for chart, values, shown in ((scene.target_bars, p.target, p.target_texts),
                                 (scene.guess_bars, p.probabilities, p.guess_texts)):  # fmt: skip
        heights = np.array([b.height for b in chart.bars])
        np.testing.assert_allclose(heights / heights.max(), values / values.max(), atol=2e-3)
        assert texts(chart.numbers) == list(shown)
        assert texts(chart.names) == list(p.names)
    np.testing.assert_array_equal(fill_rgb(scene.target_bars.bars[p.label]), style.hex_to_rgb(style.HIGHLIGHT))
    np.testing.assert_array_equal(fill_rgb(scene.guess_bars.bars[p.prediction]), style.hex_to_rgb(style.WINNER))
    # the highlighted box is around the true class's bar in the guess
    box, bar = scene.true_box, scene.guess_bars.bars[p.label]
    assert box.get_left()[0] < bar.get_left()[0] and bar.get_right()[0] < box.get_right()[0]


@pytest.mark.parametrize("example", ALL)
def test_negative_log_of_the_true_class(scenes, example):
    scene = scenes[example]
    p = scene.plan
    assert scene.p_line.original_text == f"= -log({p.p_text})"
    assert scene.loss_line.original_text == f"= {p.loss_text}"
    assert p.loss == pytest.approx(scene.trace.loss, rel=1e-9)


@pytest.mark.parametrize("example", ALL)
def test_points_on_the_penalty_curve(scenes, example):
    scene = scenes[example]
    p, ax = scene.plan, scene.chart.axes
    top = (p.zoom or p.chart).top
    assert ax.y_range[1] == pytest.approx(top)
    for point in scene.chart.curve.points[::16]:  # the drawn curve is -log p
        x, y = ax.p2c(point)
        assert y == pytest.approx(-np.log(x), abs=1e-6 * max(1, y))
    np.testing.assert_allclose(scene.true_dot.get_center(), ax.c2p(p.p_true, p.loss), atol=1e-9)
    np.testing.assert_allclose(scene.other_dot.get_center(), ax.c2p(p.other_point.p, p.other_point.penalty), atol=1e-9)
    assert scene.other_tag[0].original_text == p.other_point.text
    assert scene.true_tag[0].original_text == p.true_point.text
    # The plan's references, less any whose tag found no room (left out, dot and all); their tags go
    # when the chart zooms out.
    shown = [q for q, _d, _t in scene.references]
    assert shown == [q for q in p.references if q in shown]
    for q, dot, tag in scene.references:
        np.testing.assert_allclose(dot.get_center(), ax.c2p(q.p, q.penalty), atol=1e-9)
        assert (tag is None) == (p.zoom is not None) and (tag is None or tag[0].original_text == q.text)
    ticks = [m.original_text for m in scene.chart.ruler if isinstance(m, Text)]
    assert ticks[:3] == ["0", "0.5", "1"] and ticks[3:-1] == list((p.zoom or p.chart).y_texts)
    assert ticks[-1] == p.x_label


def test_reference_points_labelled(scenes):
    scene = scenes["wrong"]  # no zoom: the labels stay
    # a confident wrong answer (p = 0.023 for the truth): high on the chart, which needs no zoom
    assert scene.plan.zoom is None and scene.trace.loss > 3 and scene.plan.chart.top > scene.trace.loss
    # The other class's tag goes in first; a reference tag that finds no room then goes, dot and all
    # (here p = 0.5, where the tag of "if it were tick" sits); the rest are the plan's, in order.
    shown = [tag[0].original_text for *_, tag in scene.references]
    planned = [q.text for q in scene.plan.references]
    assert shown and shown == [t for t in planned if t in shown] and scene.other_tag[0].original_text


@pytest.mark.parametrize("example", ALL)
def test_curve_labels_do_not_collide(scenes, example):
    scene = scenes[example]
    tags = [tag for *_, tag in scene.references if tag is not None]
    assert not text_clashes([scene.chart.ruler, scene.true_tag, scene.other_tag, *tags])


@pytest.mark.parametrize("example", ALL)
def test_three_readings_are_one_number(scenes, example):
    scene = scenes[example]
    p = scene.plan
    assert texts(scene.results) == [r.value for r in p.readings] == [p.loss_text] * 3
    for row, r in zip(scene.readings, p.readings):
        words = [m.original_text for m in row.get_family() if isinstance(m, Text)]
        assert r.title in words and r.gloss in words and r.numbers in words and r.value in words
    assert scene.entropy_note.original_text == p.entropy_note
    assert scene.same.original_text == p.same and p.same.endswith(p.loss_text)


def test_label_note(scenes):
    custom = scenes["custom"]
    assert custom.story.label_assumed
    assert custom.note_text.original_text == custom.story.label_note
    assert custom.note_text in custom.mobjects  # still on screen at the end
    assert scenes["face"].note_text is None and scenes["wrong"].note_text is None


@pytest.mark.parametrize("example", ALL)
def test_final_frame_steps_and_captions(scenes, example, tex_checks):  # noqa: F811
    scene = scenes[example]
    p = scene.plan
    assert not text_clashes(scene.mobjects)
    assert [n for n, _ in scene.sections] == ["title", "truth", "nll", "curve", "what-if", "three"]
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 0.5 / 15 + 1e-6  # beats end on whole frames, up to half a frame early
    assert 20 <= scene.time < 90
    said = [text for *_, text in scene.captions][1:]
    assert said == [p.truth_sentence, p.nll_sentence, p.curve_sentence, p.what_if_sentence, *p.three_sentences]
    assert tex_checks.get(id(scene), 0) > 0


@pytest.mark.parametrize(
    ("example", "label", "custom", "resolution"),
    [("face", None, True, (960, 720)), ("tick-cross", "cross", False, (720, 720)), ("face", None, True, (720, 1280))],
)
def test_every_aspect_ratio_keeps_the_layout_rules(example, label, custom, resolution, tmp_path_factory, tex_checks):  # noqa: F811
    tmp = tmp_path_factory.getbasetemp() / "loss-ratios"
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    image = drawn_face(base) if custom else None
    scene = build("loss", example, image=image, label=label, tmp_path=tmp, resolution=resolution)
    assert tex_checks.get(id(scene), 0) > 0
