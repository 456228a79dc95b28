import numpy as np
import pytest

from scenes.plans.colour import Diverging, Photo
from scenes.plans.confidence import how_sure
from scenes.plans.numbers import fmt, prob, shape_text
from scenes.plans.overview import MAP_KINDS, VECTOR_SHOWN, plan
from tests.test_plan_softmax_models import stories

CASES = ["tick-cross", "face", "face-wrong", "face-soft", "face-folder", "tick-folder", "drawn-face", "custom-tick",
         "unsure", "five"]  # fmt: skip


@pytest.fixture(scope="module")
def cases(tmp_path_factory, custom_tick):
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    all_stories = stories(base, custom_tick)
    return {name: (all_stories[name], plan(all_stories[name])) for name in CASES}


@pytest.mark.parametrize("case", CASES)
def test_stage_names_and_shapes_come_from_the_trace(cases, case):
    story, p = cases[case]
    tr = story.trace
    shapes = tr.shapes()
    assert [s.name for s in p.stages] == [n for n, _ in shapes] + ["softmax"]
    want = [shape_text(s) for _, s in shapes] + [shape_text(tr.probabilities.shape)]
    assert [s.shape_text for s in p.stages] == want
    if story.example.name == "face":
        assert want[:3] == ["28×28×3", "28×28×4", "28×28×4"] and want[-3:-1] == ["392", str(len(tr.class_names))]
    chain = " → ".join(shape_text(s) for _, s in shapes)
    assert p.chain == chain and chain in p.shapes_sentence
    assert p.maps == tuple(i for i, s in enumerate(p.stages) if s.values.ndim == 3)
    assert p.vectors == tuple(range(len(p.maps), len(p.stages)))  # maps first, then vectors


@pytest.mark.parametrize("case", CASES)
def test_every_stage_holds_its_numbers(cases, case):
    story, p = cases[case]
    tr = story.trace
    stages = {s.name: s for s in p.stages}
    inp = stages["input"]
    np.testing.assert_array_equal(inp.values, tr.image)
    assert isinstance(inp.scale, Photo) if tr.image.shape[0] == 3 else inp.scale == Diverging(1.0)
    block = None
    for i, step in enumerate(tr.steps):
        stage = stages[step.name]
        np.testing.assert_array_equal(stage.values, step.output)
        if step.kind == "Conv2D":
            block = [s.output for s in tr.steps[i : i + 3] if s.kind in MAP_KINDS]
        if step.kind in MAP_KINDS:
            assert stage.scale.vmax == Diverging.for_values(*block).vmax
        elif step.kind == "Flatten":
            n = step.output.size
            assert stage.shown == tuple(range(5)) + tuple(range(n - 5, n)) and len(stage.shown) == VECTOR_SHOWN
            assert stage.texts == ()  # a texture: its pattern, not its values
        elif step.kind == "Dense":
            assert stage.texts == tuple(fmt(v) for v in tr.logits)
            assert stage.scale.vmax == Diverging.for_values(tr.logits).vmax
    last = p.stages[-1]
    np.testing.assert_array_equal(last.values, tr.probabilities)
    assert last.texts == tuple(prob(v) for v in tr.probabilities)


@pytest.mark.parametrize("case", CASES)
def test_verdict_follows_the_numbers(cases, case):
    story, p = cases[case]
    tr = story.trace
    name = p.names[tr.prediction]
    assert p.verdict == (f"prediction: {name}", f"p = {prob(tr.probabilities[tr.prediction])}")
    assert name in p.verdict_sentence
    if story.label_assumed:
        assert p.outcome == "assumed"
        assert "right answer" not in p.verdict_sentence and "wrong" not in p.verdict_sentence
    elif tr.label == tr.prediction:
        assert p.outcome == "right" and "is the right answer" in p.verdict_sentence
    else:
        assert p.outcome == "wrong" and f"the true class is {p.names[tr.label]}" in p.verdict_sentence
    sure = how_sure(float(tr.probabilities[tr.prediction]))
    phrase = {"certain": "all but certain", "sure": "Sherlock is sure", "leans": "leans to", "unsure": "unsure"}
    assert phrase[sure] in p.verdict_sentence
    what = "photo" if tr.image.shape[0] == 3 else "drawing"
    assert f"for this {what}" in p.stages_sentence
    assert f"the {tr.flat.size} numbers" in p.vectors_sentence
    assert f"each of the {len(tr.class_names)} classes" in p.vectors_sentence
