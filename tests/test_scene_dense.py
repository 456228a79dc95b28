import numpy as np
import pytest
from PIL import Image, ImageDraw

from scenes import legacy_style as style
from scenes.legacy_style import fmt
from scenes.plans.terms import dense_terms
from tests.scene_helpers import build, fill_rgb, on_screen

EXAMPLES = ("tick-cross", "face")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("dense", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A hand-drawn cross, off centre: black strokes on white, as a user would draw it."""
    tmp = tmp_path_factory.mktemp("custom")
    img = Image.new("L", (120, 120), 255)
    draw = ImageDraw.Draw(img)
    draw.line((40, 10, 110, 80), fill=0, width=12)
    draw.line((110, 10, 40, 80), fill=0, width=12)
    path = tmp / "my-cross.png"
    img.save(path)
    return build("dense", "tick-cross", image=path, tmp_path=tmp)


def stroke_rgb(mob) -> np.ndarray:
    return np.round(np.array(mob.get_stroke_color().to_rgb()) * 255).astype(int)


def paren(text: str) -> str:
    return f"({text})" if text.startswith("-") else text


def check_wires_follow_the_weights(scene):
    weights = scene.trace.steps_of("Dense")[-1].params["weight"]
    cmap = style.Diverging.for_values(weights)
    assert scene.wcmap == cmap
    widths = []
    for i in scene.column.shown:
        for j in range(len(scene.trace.class_names)):
            line = scene.lines[(i, j)]
            w = weights[j, i]
            np.testing.assert_array_equal(stroke_rgb(line), cmap.rgb(np.array(w)))
            widths.append((line.get_stroke_width(), abs(w)))
            np.testing.assert_allclose(line.get_start(), scene.column.neuron(i).get_right(), atol=1e-6)
            np.testing.assert_allclose(line.get_end(), scene.outputs[j].get_left(), atol=1e-6)
    widths = np.array(widths)
    # width proportional to |weight|: one constant ratio, and the thickest wire is the largest |weight| shown
    np.testing.assert_allclose(widths[:, 0], widths[:, 1] * scene.stroke_per_weight, rtol=1e-9, atol=1e-9)
    assert np.argmax(widths[:, 0]) == np.argmax(widths[:, 1])
    assert len(scene.lines) == len(scene.column.shown) * len(scene.trace.class_names)


def check_column(scene):
    flat = scene.trace.flat
    col = scene.column
    np.testing.assert_array_equal(col.values, flat)
    np.testing.assert_array_equal(scene.trace.steps_of("Dense")[-1].input, flat)
    assert col.shown == sorted(col.shown) and col.shown[0] == 0 and col.shown[-1] == len(flat) - 1
    assert set(scene.top) <= set(col.shown)
    cmap = style.Diverging.for_values(flat)
    for k, i in enumerate(col.shown):
        assert col.numbers[k].original_text == fmt(flat[i])
        assert col.indices[k].original_text == f"#{i}"
        np.testing.assert_array_equal(fill_rgb(col.neurons[k]), cmap.rgb(np.array(flat[i])))
    ys = [n.get_center()[1] for n in col.neurons]
    assert all(a > b for a, b in zip(ys, ys[1:]))
    # a gap in the indices is always marked by an ellipsis
    gaps = sum(b != a + 1 for a, b in zip(col.shown, col.shown[1:])) + (col.shown[-1] != len(flat) - 1)
    assert len(col.ellipses) == gaps


def check_multiply_add(scene):
    trace = scene.trace
    pred = trace.prediction
    t = dense_terms(trace, trace.steps_of("Dense")[-1].name, pred)
    n = len(t.products)
    top = list(np.argsort(-np.abs(t.products), kind="stable")[: len(scene.top)])
    assert scene.top == top
    assert np.all(np.abs(t.products[top]).min() >= np.delete(np.abs(t.products), top))
    for row, i in zip(scene.term_rows, top):
        assert row["index"].original_text == f"#{i}"
        assert row["x"].original_text == fmt(t.inputs[i]) == fmt(trace.flat[i])
        assert row["w"].original_text == paren(fmt(t.weights[i]))
        assert row["p"].original_text == fmt(t.products[i])
    assert scene.more.original_text == f"+ {n - len(top)} more terms"
    assert scene.sum_text.original_text == fmt(t.total)
    assert scene.bias_text.original_text == paren(fmt(t.bias))
    assert scene.logit_text.original_text == fmt(t.output) == fmt(trace.logits[pred])


def check_logits(scene):
    trace = scene.trace
    cmap = style.Diverging.for_values(trace.logits)
    for j, z in enumerate(trace.logits):
        assert scene.score_labels[j].original_text == fmt(z)
        np.testing.assert_array_equal(fill_rgb(scene.outputs[j]), cmap.rgb(np.array(z)))
        assert scene.names[j].original_text == trace.class_names[j]
        # each score sits by its own neuron
        assert abs(scene.score_labels[j].get_center()[1] - scene.outputs[j].get_center()[1]) < 0.5
    np.testing.assert_allclose(scene.winner_ring.get_center(), scene.outputs[trace.prediction].get_center())


@pytest.mark.parametrize("example", EXAMPLES)
def test_wires_follow_the_weights(scenes, example):
    check_wires_follow_the_weights(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_column_is_the_flat_vector(scenes, example):
    check_column(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_multiply_add_is_dense_terms(scenes, example):
    check_multiply_add(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_logits_by_their_neurons(scenes, example):
    check_logits(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_nothing_off_screen_steps_and_captions(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    assert [name for name, _ in scene.steps] == ["title", "evidence", "wires", "weigh", "scores"]
    caps = scene.captions
    assert all(end <= nxt + 1e-9 for (_, end, _), (nxt, _, _) in zip(caps, caps[1:]))
    assert 20 <= scene.time <= 90
    assert any("jury" in text for _, _, text in caps)


def test_custom_image(custom):
    assert custom.story.custom_image
    check_wires_follow_the_weights(custom)
    check_column(custom)
    check_multiply_add(custom)
    check_logits(custom)
    assert not on_screen(custom)
