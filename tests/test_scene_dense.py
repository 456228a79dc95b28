import numpy as np
import pytest

from scenes.plans.colour import Diverging
from scenes.plans.numbers import fmt, num
from scenes.plans.terms import dense_terms
from tests.scene_helpers import build, fill_rgb
from tests.test_plan_relu import custom_image, folder_model

EXAMPLES = ("tick-cross", "face")
RATIOS = {"4:3": ((960, 720), "tick-cross"), "1:1": ((720, 720), "face"), "9:16": ((720, 1280), "face")}
# A user's folder of four suspects: more than the chapter tells one by one.
FOUR = (("anna", "Countess"), ("ben", "Captain"), ("cleo", "Professor"), ("dora", "Countess"))


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    return {ex: build("dense", ex, tmp_path=tmp_path_factory.mktemp(ex)) for ex in EXAMPLES}


@pytest.fixture(scope="module")
def custom(tmp_path_factory):
    """A hand-drawn tick in blue pen, classified by the bundled model."""
    return build("dense", "tick-cross", image=custom_image("tick-cross"), tmp_path=tmp_path_factory.mktemp("custom"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A photo-like portrait, and a model trained on a user's folder of four people."""
    tmp = tmp_path_factory.mktemp("folder")
    return build("dense", "face", image=custom_image("face"), model=folder_model("face", FOUR), tmp_path=tmp)


def dense(scene):
    return scene.trace.steps_of("Dense")[-1]


def check_pages(scene):
    """The evidence, every suspect's weights and products, as pages of the trace's numbers."""
    p, step = scene.plan, dense(scene)
    flat = scene.trace.flat
    np.testing.assert_array_equal(step.input, flat)
    np.testing.assert_array_equal(scene.pages[0].values, flat)
    np.testing.assert_array_equal(scene.pages[0].rgb, Diverging.for_values(flat).rgb(flat))
    weights = step.params["weight"]
    assert p.weight_scale == Diverging.for_values(weights)
    for k in range(len(scene.trace.class_names)):
        np.testing.assert_array_equal(scene.weights[k].values, weights[k])
        np.testing.assert_array_equal(scene.weights[k].rgb, p.weight_scale.rgb(weights[k]))
        t = dense_terms(scene.trace, step.name, k)
        np.testing.assert_array_equal(scene.products[k].values, t.products)
        np.testing.assert_array_equal(scene.products[k].rgb, p.product_scale.rgb(t.products))
    assert len(scene.pages[0].lines) == scene.trace.steps_of("Flatten")[0].input.shape[0]  # one line per map


def check_multiply_add(scene):
    trace = scene.trace
    pred = trace.prediction
    t = dense_terms(trace, dense(scene).name, pred)
    top = list(np.argsort(-np.abs(t.products), kind="stable")[: len(scene.rows)])
    assert [term.index for term in scene.plan.top] == top
    assert np.all(np.abs(t.products[top]).min() >= np.delete(np.abs(t.products), top))
    for row, i in zip(scene.rows, top):
        place, x, _times, w, _eq, prod = (m.original_text for m in row)
        assert place == str(i + 1)  # places count from 1, as in the flatten chapter
        assert x == fmt(t.inputs[i]) == fmt(trace.flat[i])
        w_text = scene.plan.top[top.index(i)].weight
        assert w == (f"({w_text})" if w_text.startswith("-") else w_text)
        assert prod == num(t.products[i], 3)
    # the terms are framed on the evidence, the winner's weights and its products
    pages = (scene.pages[0], scene.weights[pred], scene.products[pred])
    assert len(scene.marks) == 3 * len(top)
    for n, mark in enumerate(scene.marks):
        i, page = top[n // 3], pages[n % 3]
        np.testing.assert_allclose(mark.get_center(), page.point(i), atol=1e-6)


def check_sums(scene):
    p = scene.plan
    for k, box in scene.sums.items():
        v = p.verdicts[k]
        texts = [m.original_text for m in box[1]]
        assert texts[1::2] == [v.texts["for"], v.texts["against"], v.texts["bias"], v.texts["score"]]
        assert texts[-2] == f"score of {p.names[k]}"
        assert v.support + v.against + v.terms.bias == pytest.approx(scene.trace.logits[k])


def check_logits(scene):
    trace = scene.trace
    cmap = Diverging.for_values(trace.logits)
    for j, z in enumerate(trace.logits):
        assert scene.scores[j].original_text == fmt(z)
        np.testing.assert_array_equal(fill_rgb(scene.neurons[j]), cmap.rgb(np.array(z)))
        assert scene.names[j].original_text == trace.class_names[j]
        # each score sits by its own neuron
        assert abs(scene.scores[j].get_center()[1] - scene.neurons[j].get_center()[1]) < 0.5
    np.testing.assert_allclose(scene.winner_ring.get_center(), scene.neurons[trace.prediction].get_center())
    assert scene.plan.verdict in [t for _, _, t in scene.captions]


@pytest.mark.parametrize("example", EXAMPLES)
def test_pages_are_the_evidence_weights_and_products(scenes, example):
    check_pages(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_multiply_add_is_dense_terms(scenes, example):
    check_multiply_add(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_suspects_sums(scenes, example):
    check_sums(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_logits_by_their_neurons(scenes, example):
    check_logits(scenes[example])


@pytest.mark.parametrize("example", EXAMPLES)
def test_sections_beats_and_captions(scenes, example):
    scene = scenes[example]
    assert [name for name, _ in scene.sections] == ["title", "evidence", "weights", "weigh", "scores"]
    assert all(b.id.startswith("dense.") for b in scene.beats)
    caps = scene.captions
    assert all(end <= nxt + 1e-9 for (_, end, _), (nxt, _, _) in zip(caps, caps[1:]))
    assert 20 <= scene.time <= 90
    texts = [t for _, _, t in caps]
    assert any("jury" in t for t in texts)
    assert all(v.sentence in texts for v in scene.plan.verdicts)  # every suspect's sum is told
    assert not any("#" in t or "map 0" in t for t in texts)


def test_custom_image(custom):
    assert custom.story.custom_image
    check_pages(custom)
    check_multiply_add(custom)
    check_sums(custom)
    check_logits(custom)


def test_users_model_with_four_suspects(folder):
    p = folder.plan
    assert folder.story.network.class_names == ("anna", "ben", "cleo", "dora")
    check_pages(folder)
    check_multiply_add(folder)
    check_sums(folder)
    check_logits(folder)
    texts = [t for _, _, t in folder.captions]
    assert p.others in texts  # the fourth suspect's score comes with the rest, not one by one
    assert p.verdicts[p.order[-1]].texts["score"] in p.others


@pytest.mark.parametrize("ratio", RATIOS)
def test_every_aspect_ratio_keeps_the_layout_rules(ratio, tmp_path):
    resolution, example = RATIOS[ratio]
    build("dense", example, tmp_path=tmp_path, resolution=resolution)  # checks run at every play
