"""The dense plan against the trace, for the bundled models, custom images and a user's model."""

import numpy as np
import pytest

from scenes.plans.colour import Diverging
from scenes.plans.dense import CLOSE, TOP, closing, plan, verdict_sentence
from scenes.plans.names import shown
from scenes.plans.numbers import fmt, num
from scenes.plans.terms import dense_terms
from tests.test_plan_relu import STORIES, story


@pytest.fixture(scope="module", params=STORIES)
def case(request):
    s = story(request.param)
    return s, plan(s)


def dense(s):
    return s.trace.steps_of("Dense")[-1]


def test_evidence_and_weights_are_the_trace(case):
    s, p = case
    step = dense(s)
    np.testing.assert_array_equal(p.evidence, s.trace.flat)
    np.testing.assert_array_equal(step.input, s.trace.flat)
    np.testing.assert_array_equal(p.weights, step.params["weight"])
    np.testing.assert_array_equal(p.bias, step.params["bias"])
    assert p.weight_scale == Diverging.for_values(step.params["weight"])
    assert p.evidence_scale == Diverging.for_values(s.trace.flat)
    assert p.lines == s.trace.steps_of("Flatten")[0].input.shape[0]
    assert p.names == tuple(shown(n) for n in s.trace.class_names)


def test_every_verdict_adds_up(case):
    s, p = case
    for k, v in enumerate(p.verdicts):
        t = dense_terms(s.trace, dense(s).name, k)
        np.testing.assert_array_equal(v.terms.products, t.products)
        assert v.support == pytest.approx(t.products[t.products > 0].sum())
        assert v.against == pytest.approx(t.products[t.products < 0].sum()) and v.against <= 0
        assert v.support + v.against + t.bias == pytest.approx(s.trace.logits[k])
        shown = {"for": fmt(v.support), "against": fmt(v.against), "bias": fmt(t.bias), "score": fmt(t.output)}
        assert v.texts == shown
        assert v.sentence == verdict_sentence(
            p.names[k], fmt(v.support), fmt(v.against), fmt(t.bias), fmt(t.output), v.support > 0, v.against < 0
        )
        assert f"scores {fmt(s.trace.logits[k])}." in v.sentence
    assert p.scores == tuple(fmt(z) for z in s.trace.logits)
    assert p.score_scale == Diverging.for_values(s.trace.logits)


def test_the_close_up_is_the_winners_largest_terms(case):
    s, p = case
    pred = s.trace.prediction
    t = dense_terms(s.trace, dense(s).name, pred)
    top = list(np.argsort(-np.abs(t.products), kind="stable")[:TOP])
    assert [term.index for term in p.top] == top
    assert np.abs(t.products[top]).min() >= np.delete(np.abs(t.products), top).max()
    for term, i in zip(p.top, top):
        assert term.place == str(i + 1)  # 1-based, like the flatten chapter's places
        assert term.evidence == fmt(t.inputs[i]) == fmt(s.trace.flat[i])
        assert term.weight == num(t.weights[i], 3)
        assert term.product == num(t.products[i], 3)
    assert p.order[0] == pred and sorted(p.order) == list(range(len(p.names)))


def test_the_verdict_follows_the_scores(case):
    s, p = case
    z = s.trace.logits
    ranked = np.argsort(-z, kind="stable")
    winner, runner = p.names[ranked[0]], p.names[ranked[1]]
    assert p.verdict.startswith(winner) and runner in p.verdict
    margin = z[ranked[0]] - z[ranked[1]]
    assert ("close call" in p.verdict) == (margin < CLOSE and fmt(margin) != "0")
    assert fmt(margin) in p.verdict or "tie" in p.verdict
    assert str(len(p.evidence)) in p.intro and "one per map" in p.intro


def test_verdicts_for_every_outcome():
    names = ("a", "b", "c")
    assert closing(names, np.array([3.0, 0.5, -1.0])) == "a has the highest score, 3: 2.50 above b, the next best."
    assert "close call" in closing(names, np.array([0.2, 0.5, -1.0]))
    assert closing(names, np.array([0.2, 0.5, -1.0])).startswith("b leads with 0.50, but only 0.30 above a")
    assert "tie" in closing(names, np.array([1.0, 1.0, 0.0]))
    assert verdict_sentence("a", "1", "0", "0.5", "1.50", True, False).startswith("No clue speaks against a")
    assert verdict_sentence("a", "0", "-1", "0.5", "-0.50", False, True).startswith("No clue speaks for a")
    assert "only the bias" in verdict_sentence("a", "0", "0", "0.5", "0.50", False, False)


def test_a_users_model_reads_as_a_close_call():
    """The briefly trained folder models are unsure: the chapter must say so, not crown a winner."""
    for name in ("tick-cross/folder", "face/folder"):
        s = story(name)
        p = plan(s)
        z = np.sort(s.trace.logits)[::-1]
        if z[0] - z[1] < CLOSE:
            assert "close call" in p.verdict
        assert len(p.names) == 2 and p.others is None
