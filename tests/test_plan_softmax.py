import math
import re

import numpy as np
import pytest

from scenes.plans.confidence import how_sure
from scenes.plans.numbers import SIGNIFICANT, fmt, prob
from scenes.plans.softmax import EXP_READABLE, plan, score, value
from scenes.plans.terms import shifted_logits, softmax_terms
from scenes.story import load_story
from tests.test_plan_softmax_models import stories

CASES = [
    "tick-cross", "face", "face-soft", "tick-soft-wrong", "face-folder", "tick-folder", "drawn-face", "custom-tick",
    "overflow", "huge", "unsure", "positive", "negative", "five", "sure-wrong",
]  # fmt: skip


@pytest.fixture(scope="module")
def cases(tmp_path_factory, custom_tick):
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    all_stories = stories(base, custom_tick)
    return {name: (all_stories[name], plan(all_stories[name])) for name in CASES}


def significant(text: str) -> int:
    mantissa = text.split("×")[0]
    digits = re.sub(r"[^0-9]", "", mantissa).lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return len(digits)


def numbers_in(text: str) -> list[str]:
    """The numbers written in ``text`` (scientific ones whole: 2.25×10⁻⁸)."""
    return re.findall(r"-?\d+(?:\.\d+)?(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?", text)


def test_shifted_logits():
    trace = load_story("tick-cross").trace
    s = shifted_logits(trace)
    np.testing.assert_allclose(s, trace.logits - trace.logits.max())
    np.testing.assert_allclose(np.exp(s), softmax_terms(trace).shifted_exps)
    assert s.max() == 0


@pytest.mark.parametrize("case", CASES)
def test_tables_are_the_trace(cases, case):
    story, p = cases[case]
    tr, t = story.trace, softmax_terms(story.trace)
    np.testing.assert_array_equal(p.logits, tr.logits)
    assert p.logit_texts == tuple(score(v) for v in tr.logits)
    assert p.p_texts == tuple(prob(v) for v in tr.probabilities)
    # the shifted table: z - max, e^(z - max) and its sum, the same probabilities
    s = p.shifted
    np.testing.assert_allclose(s.z, shifted_logits(tr))
    np.testing.assert_allclose(s.exps, t.shifted_exps)
    assert s.total == pytest.approx(t.shifted_total)
    assert s.z_texts == tuple(score(v) for v in shifted_logits(tr))
    assert s.exp_texts == tuple(value(v) for v in t.shifted_exps)
    assert s.sum_text == f"Σ = {value(t.shifted_total)}"
    np.testing.assert_allclose(s.exps / s.total, tr.probabilities)
    if p.raw is not None:  # e^z itself, shown first
        r = p.raw
        np.testing.assert_allclose(r.z, tr.logits)
        np.testing.assert_allclose(r.exps, t.exps)
        assert r.exp_texts == tuple(value(v) for v in t.exps)
        assert r.sum_text == f"Σ = {value(t.total)}"
        np.testing.assert_allclose(r.exps / r.total, tr.probabilities)
    for table in filter(None, (p.raw, p.shifted)):
        for line, e, pk in zip(table.division, table.exps, tr.probabilities):
            if 0 < pk < 5e-4:  # a share that rounds to 0 reads "< 0.001", never 2.3e-9
                assert line == f"{value(e)} ÷ {value(table.total)} < 0.001"
            else:
                assert line == f"{value(e)} ÷ {value(table.total)} = {prob(pk)}"


@pytest.mark.parametrize("case", CASES)
def test_raw_exponentials_only_when_they_read_at_a_glance(cases, case):
    story, p = cases[case]
    with np.errstate(over="ignore"):
        exps = np.exp(story.trace.logits)
    readable = np.isfinite(exps).all() and exps.max() < EXP_READABLE
    assert (p.raw is not None) == readable
    assert p.shift_first == (not readable)
    assert p.first is (p.raw if readable else p.shifted)
    if not np.isfinite(exps).all():
        assert "more than a computer number can hold" in p.shift_sentence
    elif not readable:
        assert "grow out of hand" in p.shift_sentence
    else:  # the lesson after the raw e^z: why a computer subtracts the max, and that nothing changes
        assert "overflow" in p.shift_sentence and "stay exactly the same" in p.shift_sentence
        change = "shrinks" if story.trace.logits.max() > 0 else "grows"
        assert change in p.shift_sentence


def test_bundled_and_overflowing_roads(cases):
    assert cases["overflow"][1].raw is None and cases["huge"][1].raw is None
    for case in ("face-soft", "unsure", "positive", "negative", "five"):
        assert cases[case][1].raw is not None, case


@pytest.mark.parametrize("case", CASES)
def test_every_number_reads(cases, case):
    """At most four significant digits; scientific notation only for values below 0.001."""
    _story, p = cases[case]
    texts = [*p.logit_texts, *p.p_texts, p.verdict, p.scores_sentence, p.shift_sentence, p.exp_sentence,
             p.divide_sentence, p.verdict_sentence]  # fmt: skip
    for table in filter(None, (p.raw, p.shifted)):
        texts += [*table.z_texts, *table.exp_texts, table.sum_text, *table.division]
        texts += [*table.plot.x_texts, *table.plot.y_texts]
    for text in texts:
        assert "e-" not in text and "e+" not in text, text
        for number in numbers_in(text):
            if "×10" in number:
                assert abs(float(number.split("×")[0])) * 10**-1 < 1, number
                assert "⁻" in number, text  # only small numbers are scientific
            else:
                assert significant(number) <= SIGNIFICANT, (number, text)


@pytest.mark.parametrize("case", CASES)
def test_sentences_follow_the_numbers(cases, case):
    story, p = cases[case]
    tr = story.trace
    z, probs = tr.logits, tr.probabilities
    win = tr.prediction
    runner = int(np.argsort(-z, kind="stable")[1])
    assert p.winner == win and p.runner_up == runner
    names = p.names
    assert f"{names[win]} leads with {score(z[win])}, {score(z[win] - z[runner])} ahead of {names[runner]}" in (
        p.scores_sentence
    )
    assert ("even negative" in p.scores_sentence) == bool((z < 0).any())
    assert ("close race" in p.exp_sentence) == (z[win] - z[runner] < math.log(1.5))  # e^a / e^b < 1.5
    assert f"the sum is {value(p.first.total)}" in p.divide_sentence
    sure = how_sure(float(probs[win]))
    phrase = {"certain": "all but certain", "sure": "Sherlock is sure", "leans": "leans to", "unsure": "unsure"}
    assert phrase[sure] in p.verdict_sentence
    assert names[win] in p.verdict_sentence and names[win] in p.verdict
    assert p.verdict.endswith(prob(probs[win]))
    if sure == "sure":
        assert f"the others share {prob(np.delete(probs, win).sum())}" in p.verdict_sentence
    if sure in ("leans", "unsure"):
        assert prob(probs[runner]) in p.verdict_sentence


def test_certain_verdicts_say_so_in_words(cases):
    """A top probability that rounds to 1.000 is said in words, not as 0.9999999977."""
    _story, p = cases["overflow"]
    assert "1.000 to three decimals" in p.verdict_sentence and "0.999" not in p.verdict_sentence


@pytest.mark.parametrize("case", CASES)
def test_plot_holds_every_point(cases, case):
    _story, p = cases[case]
    for table in filter(None, (p.raw, p.shifted)):
        plot = table.plot
        x0, x1 = plot.x_range
        assert all(x0 < z < x1 for z in table.z)
        assert table.exps.max() < plot.y_top
        assert all(x0 <= v <= x1 for v in plot.x_ticks) and all(0 < v <= plot.y_top for v in plot.y_ticks)
        assert plot.x_texts == tuple(fmt(v) for v in plot.x_ticks)
        assert len(plot.y_ticks) >= 1
