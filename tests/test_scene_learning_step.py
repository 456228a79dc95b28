import numpy as np
import pytest
from PIL import Image

from scenes.plans.learning_step import mantissa
from scenes.plans.numbers import fmt, prob
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_training_folder import folder_model  # noqa: F401 - a fixture

ALL = ["tick-cross", "face", "custom", "folder"]  # a wrong label's step: tests/test_plan_learning_step.py
RATIOS = {"4:3": ("tick-cross", (960, 720)), "1:1": ("face", (720, 720)), "9:16": ("tick-cross", (720, 1280))}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, folder_model):  # noqa: F811
    tmp = tmp_path_factory.mktemp("learn")  # one media folder: LaTeX is compiled once for all builds
    rgb = np.array(Image.open(load_story("face").example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, (2, 3), axis=(0, 1))).save(tmp / "moved.png")
    return {
        "tick-cross": build("learning-step", "tick-cross", tmp_path=tmp),
        "face": build("learning-step", "face", tmp_path=tmp),
        # a custom photo without a label: the prediction is assumed and the screen says so
        "custom": build("learning-step", "face", image=tmp / "moved.png", tmp_path=tmp),
        "folder": build("learning-step", "tick-cross", model=folder_model, tmp_path=tmp),
    }


def check_bars(bars, values, texts):
    """Values, texts, and heights in proportion to the values (the bars may have been fitted to a zone)."""
    np.testing.assert_allclose(bars.values, values, rtol=1e-12)
    top = int(np.argmax(bars.values))
    unit = bars.bars[top].height / bars.values[top]
    assert unit <= bars.max_height + 1e-9
    for k, q in enumerate(bars.values):
        assert bars.bars[k].height == pytest.approx(max(unit * q, 1e-4 * unit / bars.max_height), abs=1e-3)
        assert bars.numbers[k].original_text == texts[k]


@pytest.mark.parametrize("example", ALL)
def test_guess_and_loss(scenes, example):
    scene = scenes[example]
    p = scene.plan
    assert scene.network_head.text == p.network_line
    assert scene.loss_text.original_text == p.loss_text
    check_bars(scene.verdict_bars, p.step.probabilities, p.probability_texts)
    box, bar = scene.true_box, scene.verdict_bars.bars[scene.trace.label]
    assert box.get_left()[0] < bar.get_left()[0] and bar.get_right()[0] < box.get_right()[0]
    assert (scene.note_mob is not None) == (example == "custom")


@pytest.mark.parametrize("example", ALL)
def test_gradient_columns_are_the_plan(scenes, example):
    scene = scenes[example]
    p = scene.plan
    for drawn, col in zip((scene.p_col, scene.y_col, scene.g_col), p.columns):
        np.testing.assert_allclose(drawn.values, col.values, rtol=1e-12, atol=0)
        assert [t.original_text for t in drawn.texts] == list(col.texts)
        for box, v in zip(drawn.boxes, col.values):
            np.testing.assert_array_equal(fill_rgb(box), p.vector_scale.rgb(np.array(v)))


@pytest.mark.parametrize("example", ALL)
def test_weights_table_is_the_plan(scenes, example):
    scene = scenes[example]
    p = scene.plan
    rows = scene.table_rows
    assert scene.table_heads == list(p.heads)
    for row, cells in zip(rows, p.cells):
        assert row[0] == f"clue {cells[0]}" and row[1:] == list(cells[1:])
    assert scene.table_note.original_text == p.table_note


@pytest.mark.parametrize("example", ALL)
def test_new_loss_after_the_step(scenes, example):
    scene = scenes[example]
    p = scene.plan
    check_bars(scene.before_bars, p.step.probabilities, p.probability_texts)
    check_bars(scene.after_bars, p.step.new_probabilities, p.new_probability_texts)
    before, after = scene.loss_before.original_text, scene.loss_after.original_text
    assert (before, after) == (p.loss_before, p.loss_after) and before != after


@pytest.mark.parametrize("example", ALL)
def test_filter_gradient_and_update(scenes, example):
    scene = scenes[example]
    f = scene.plan.filter
    b, gr, a = (scene.filter_grids[n] for n in ("before", "gradient", "after"))
    np.testing.assert_allclose(b.values, f.before, rtol=1e-12)
    np.testing.assert_allclose(a.values, f.after, rtol=1e-12)
    np.testing.assert_allclose(gr.values, f.gradient, rtol=1e-12)
    for (r, c), v in np.ndenumerate(f.gradient):
        assert gr.number(r, c).original_text == f.gradient_texts[r, c] == mantissa(v, f.exponent)
        np.testing.assert_array_equal(fill_rgb(gr.cell(r, c)), f.gradient_scale.rgb(np.array(v)))
        assert b.number(r, c).original_text == f.before_texts[r, c] == fmt(f.before[r, c], f.decimals)
        assert a.number(r, c).original_text == f.after_texts[r, c]
        assert gr.number(r, c).font_size >= 22 - 1e-6  # the numbers the narration talks about are readable
    assert scene.filter_note.original_text == f.note
    assert scene.filter_heads[1].original_text == f.gradient_head


@pytest.mark.parametrize("example", ALL)
def test_what_if_the_verdict_were_wrong(scenes, example):
    scene = scenes[example]
    p = scene.plan
    if p.what_if is None:
        assert "mistake" not in [n for n, _ in scene.sections]
        return
    assert scene.compare_table.texts() == [list(r) for r in p.compare_rows]
    check_bars(scene.what_if_bars, p.what_if.new_probabilities, [prob(q) for q in p.what_if.new_probabilities])


@pytest.mark.parametrize("example", ALL)
def test_sections_and_captions(scenes, example):
    scene = scenes[example]
    p = scene.plan
    names = [n for n, _ in scene.sections]
    assert names[:6] == ["title", "guess", "gradient", "weights", "after", "filter"]
    texts = [t for *_, t in scene.captions]
    for claim in (p.guess_text, p.sign_text, p.after_text, p.filter_change_text):
        assert claim in texts
    assert (p.where_text in texts) == bool(p.where_text)
    # Captions never overlap (up to half a frame: skipped animations advance the clock by their exact
    # run time, rendered ones by whole frames).
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 0.5 / 15
    assert 20 <= scene.time <= 120
    assert "0.05" in " ".join(texts) or p.lr != 0.05


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    example, resolution = RATIOS[ratio]
    build("learning-step", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
