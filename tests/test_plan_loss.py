import math
import re

import numpy as np
import pytest

from scenes.plans.loss import (
    CONFIDENT_WRONG,
    HIGH,
    MAX_REFERENCES,
    MIN_TOP,
    REFERENCES,
    SURE,
    ZOOM_AT,
    chance,
    cost,
    plan,
    short,
)
from scenes.plans.numbers import SIGNIFICANT, fmt, prob
from scenes.plans.terms import class_penalties, loss_terms, penalty
from scenes.story import load_story
from tests.test_plan_softmax import numbers_in, significant
from tests.test_plan_softmax_models import stories

CASES = [
    "tick-cross", "face", "face-wrong", "tick-wrong", "face-soft", "tick-soft-wrong", "face-folder", "tick-folder",
    "drawn-face", "custom-tick", "overflow", "huge", "unsure", "unsure-wrong", "five", "sure-wrong",
]  # fmt: skip


@pytest.fixture(scope="module")
def cases(tmp_path_factory, custom_tick):
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    all_stories = stories(base, custom_tick)
    return {name: (all_stories[name], plan(all_stories[name])) for name in CASES}


def test_extra_loss_matches_the_trace():
    trace = load_story("face", label="Captain").trace
    pens = class_penalties(trace)
    np.testing.assert_allclose(pens, -np.log(trace.probabilities), rtol=1e-6)
    assert pens[trace.label] == pytest.approx(trace.loss, rel=1e-12)
    np.testing.assert_allclose(penalty([0.5, 0.01]), [np.log(2), np.log(100)])


def test_chance_is_precise_where_the_loss_needs_it():
    assert chance(0.95334) == "0.9533" and chance(0.01838) == "0.01838"
    assert chance(0.999999975) == "1 − 2.50×10⁻⁸"  # not 0.999999975, not 1.000
    assert chance(2.3e-9) == "2.30×10⁻⁹"
    assert short(0.5) == "0.5" and short(0.01) == "0.01" and short(1) == "1"


@pytest.mark.parametrize("case", CASES)
def test_truth_guess_and_penalty_are_the_trace(cases, case):
    story, p = cases[case]
    tr, t = story.trace, loss_terms(story.trace)
    assert p.label == tr.label == t.label and p.prediction == tr.prediction
    assert p.right == (tr.label == tr.prediction) and p.assumed == story.label_assumed
    np.testing.assert_array_equal(p.target, t.target)
    np.testing.assert_array_equal(p.probabilities, tr.probabilities)
    assert p.target_texts == tuple(fmt(v) for v in t.target)
    assert p.guess_texts == tuple(prob(v) for v in tr.probabilities)
    assert p.loss == pytest.approx(tr.loss, rel=1e-9) and p.loss_text == cost(tr.loss)
    assert p.p_true == tr.probabilities[tr.label] and p.p_text == chance(tr.probabilities[tr.label])
    # -log of the probability as written gives the loss as written
    if "−" not in p.p_text:
        shown = float(p.p_text.replace("×10", "e").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")))
        assert -math.log(shown) == pytest.approx(tr.loss, rel=2e-3, abs=1e-4)
    else:  # 1 - gap: -log(1 - gap) is the gap itself to 3 digits
        assert p.p_text == f"1 − {cost(1 - p.p_true)}" and cost(1 - p.p_true) == p.loss_text


@pytest.mark.parametrize("case", CASES)
def test_chart_references_and_what_if(cases, case):
    story, p = cases[case]
    tr = story.trace
    pens = class_penalties(tr)
    assert p.chart.top == pytest.approx(max(MIN_TOP, 1.15 * tr.loss))
    assert p.true_point.penalty == pytest.approx(tr.loss) and p.true_point.p == p.p_true
    assert p.true_point.text == f"{p.names[tr.label]}: {p.loss_text}"
    assert p.other != tr.label
    if tr.prediction == tr.label:  # right: compared with the least likely class
        others = np.delete(tr.probabilities, tr.label)
        assert tr.probabilities[p.other] == others.min()
    else:  # wrong: compared with the predicted class
        assert p.other == tr.prediction
    assert p.other_point.penalty == pytest.approx(pens[p.other])
    assert p.other_point.text == f"if it were {p.names[p.other]}: {cost(pens[p.other])}"
    zoomed = pens[p.other] > ZOOM_AT * p.chart.top
    assert (p.zoom is not None) == zoomed
    top = (p.zoom or p.chart).top
    assert p.other_point.penalty < top and p.true_point.penalty < top
    assert len(p.references) <= MAX_REFERENCES
    for q in p.references:
        assert q.p in REFERENCES and q.penalty == pytest.approx(-np.log(q.p))
        assert q.text == f"p = {short(q.p)}: {cost(q.penalty)}"
        for point in (p.true_point, p.other_point):  # never on top of a point that matters
            assert math.hypot(q.p - point.p, (q.penalty - point.penalty) / top) >= 0.15
    for ticks in filter(None, (p.chart, p.zoom)):
        assert all(0 < v <= ticks.top for v in ticks.y_ticks) and ticks.y_texts == tuple(fmt(v) for v in ticks.y_ticks)


def test_reference_points_when_nothing_is_in_the_way(cases):
    # Right and sure: the point sits near p = 1, the other class high up the wall (face: p = 0.0048,
    # crowding p = 0.01; tick-cross: p = 0.023, clear of both): the preferred references that are free.
    assert [q.p for q in cases["face"][1].references] == [0.5, 0.1]
    assert [q.p for q in cases["tick-cross"][1].references] == [0.5, 0.01]
    _story, p = cases["tick-wrong"]  # a confident wrong answer: the point is high on the chart
    assert p.loss > 15 and p.zoom is None and p.chart.top > p.loss


@pytest.mark.parametrize("case", CASES)
def test_three_readings_are_one_number(cases, case):
    story, p = cases[case]
    t = loss_terms(story.trace)
    assert t.target_entropy == 0
    assert t.nll == pytest.approx(t.kl, abs=1e-12) == pytest.approx(t.cross_entropy, abs=1e-12)
    assert [r.value for r in p.readings] == [cost(t.nll), cost(t.cross_entropy), cost(t.kl)]
    assert len({r.value for r in p.readings}) == 1
    ce_line = p.readings[1].numbers
    if len(t.target) <= 3:
        for tk, lp in zip(t.target, t.log_probabilities):
            assert f"{fmt(tk)} × ({cost(lp)})" in ce_line
    else:
        assert f"1 × ({cost(t.log_probabilities[t.label])})" in ce_line and f"{len(t.target) - 1} other" in ce_line
    assert p.readings[0].numbers == f"= -log({p.p_text}) ="
    assert p.readings[2].numbers == f"= {cost(t.cross_entropy)} - 0 ="
    assert p.entropy_note.startswith(f"H(t) = {cost(t.target_entropy)}")
    assert p.same.endswith(p.loss_text)
    assert f"All three give {p.loss_text}." in p.three_sentences[1]


@pytest.mark.parametrize("case", CASES)
def test_sentences_follow_the_numbers(cases, case):
    story, p = cases[case]
    name = p.names[p.label]
    assert ("none was given" in p.truth_sentence) == story.label_assumed
    assert f"the guess for {name}: {p.p_text}" in p.truth_sentence
    nll = p.nll_sentence
    if p.right:
        if p.loss < 1e-3:
            assert "practically nothing" in nll
        elif p.p_true >= SURE:
            assert "costs little" in nll
        else:
            assert "unsure" in nll
    else:
        assert ("high" in nll) == (p.loss >= HIGH) and ("moderate" in nll) == (p.loss < HIGH)
    what = p.what_if_sentence
    if p.right:
        assert ("Confident and wrong" in what) == (p.other_point.p <= CONFIDENT_WRONG)
        assert ("hedged" in what) == (p.other_point.p > CONFIDENT_WRONG)
    else:
        assert ("only" in what) == (p.other_point.penalty < 0.5 * p.loss)
    for q in p.references:
        assert f"at p = {short(q.p)} it costs {cost(q.penalty)}" in p.curve_sentence
    assert p.curve_sentence.endswith(f"This guess sits at p = {p.p_text}.")


@pytest.mark.parametrize("case", CASES)
def test_every_number_reads(cases, case):
    _story, p = cases[case]
    texts = [*p.target_texts, *p.guess_texts, p.p_text, p.loss_text, p.true_point.text, p.other_point.text,
             *[q.text for q in p.references], p.entropy_note, p.same, p.truth_sentence, p.nll_sentence,
             p.curve_sentence, p.what_if_sentence, *p.three_sentences]  # fmt: skip
    texts += [part for r in p.readings for part in (r.numbers, r.value)]
    for text in texts:
        for number in numbers_in(text):
            if "×10" in number:
                assert "⁻" in number and abs(float(number.split("×")[0])) < 10, text
            else:
                assert significant(number) <= SIGNIFICANT, (number, text)
        assert not re.search(r"0\.9999", text), text
