import dataclasses

import numpy as np
import pytest
from manim import tempconfig
from PIL import Image

from engine import functional as F
from scenes import legacy_style as style
from scenes.plans.terms import shifted_logits, softmax_terms
from scenes.prob_parts import num
from scenes.softmax import SoftmaxScene
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, on_screen, text_clashes


class NoTitleSoftmax(SoftmaxScene):
    """The chapter without its title card (the shared title animation is the slow part of a build)."""

    def title_card(self) -> None:
        self.step("title")
        self.caption(self.chapter.title + ".", 2.5)
        self.wait(2.8)


def build_story(story, tmp_path):
    settings = {"quality": "low_quality", "dry_run": True, "disable_caching": True, "verbosity": "ERROR"}
    with tempconfig({**settings, "media_dir": str(tmp_path)}):
        scene = NoTitleSoftmax(story=story, skip_animations=True)
        scene.render()
    return scene


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("softmax")  # one media folder: LaTeX is compiled once for all builds
    out = {ex: build("softmax", ex, tmp_path=tmp) for ex in ("tick-cross", "face")}
    # A custom photo: the professor shifted 4 pixels to the right, no label.
    story = load_story("face")
    rgb = np.array(Image.open(story.example.image_path("Professor")).convert("RGB"))
    Image.fromarray(np.roll(rgb, 4, axis=1)).save(tmp / "moved.png")
    out["custom"] = build("softmax", "face", image=tmp / "moved.png", tmp_path=tmp)
    # Logits so large that e^z overflows: only the shifted version can be drawn.
    z = story.trace.logits * 80
    huge = dataclasses.replace(story.trace, logits=z, probabilities=F.softmax(z))
    out["huge"] = build_story(dataclasses.replace(story, trace=huge), tmp)
    return out


ALL = ["tick-cross", "face", "custom", "huge"]


def texts(group):
    return [m.original_text for m in group]


def test_shifted_logits():
    trace = load_story("tick-cross").trace
    s = shifted_logits(trace)
    np.testing.assert_allclose(s, trace.logits - trace.logits.max())
    np.testing.assert_allclose(np.exp(s), softmax_terms(trace).shifted_exps)
    assert s.max() == 0


@pytest.mark.parametrize("example", ALL)
def test_table_shows_the_trace(scenes, example):
    scene = scenes[example]
    tr, t = scene.trace, softmax_terms(scene.trace)
    assert texts(scene.names) == list(tr.class_names)
    assert texts(scene.p_texts) == [num(p) for p in tr.probabilities]
    # Final table: the shifted version (z - max, e^(z - max) and its sum), same probabilities.
    assert texts(scene.z_texts) == [num(v) for v in shifted_logits(tr)]
    assert texts(scene.exp_texts) == [num(v) for v in t.shifted_exps]
    assert scene.sum_text.original_text == f"Σ = {num(t.shifted_total)}"
    assert texts(scene.division) == [
        f"{num(e)} ÷ {num(t.shifted_total)} = {num(p)}" for e, p in zip(t.shifted_exps, tr.probabilities)
    ]


@pytest.mark.parametrize("example", ["tick-cross", "face", "custom"])
def test_raw_exponentials_shown_first(scenes, example):
    scene = scenes[example]
    tr, t = scene.trace, softmax_terms(scene.trace)
    assert scene.raw and "shift" in [n for n, _ in scene.steps]
    assert texts(scene.z_raw) == [num(v) for v in tr.logits]
    assert texts(scene.exp_raw) == [num(v) for v in t.exps]
    assert scene.sum_raw.original_text == f"Σ = {num(t.total)}"
    assert texts(scene.division_raw) == [
        f"{num(e)} ÷ {num(t.total)} = {num(p)}" for e, p in zip(t.exps, tr.probabilities)
    ]


@pytest.mark.parametrize("example", ALL)
def test_dots_sit_on_the_curve_at_the_trace_values(scenes, example):
    scene = scenes[example]
    t = softmax_terms(scene.trace)
    shifted = scene._axes(True)
    for k, dot in enumerate(scene.dots):
        np.testing.assert_allclose(dot.get_center(), shifted.c2p(shifted_logits(scene.trace)[k], t.shifted_exps[k]))
        if scene.raw:  # e^z and e^(z - max) axes share one geometry: the dot is also at (z, e^z)
            np.testing.assert_allclose(dot.get_center(), scene._axes(False).c2p(t.logits[k], t.exps[k]), atol=1e-9)
        assert shifted.x_range[0] < shifted_logits(scene.trace)[k] < shifted.x_range[1]
        assert t.shifted_exps[k] < shifted.y_range[1]
    # The curve is e^x: its top end is on the frame of the plot.
    end = scene.curve.get_end()
    np.testing.assert_allclose(end[1], scene.axes.c2p(0, scene.axes.y_range[1])[1], atol=0.02)


def test_huge_logits_skip_the_raw_plot(scenes):
    scene = scenes["huge"]
    assert not scene.raw and scene.axes_raw is None
    assert "shift" not in [n for n, _ in scene.steps]
    assert not np.all(np.isfinite(softmax_terms(scene.trace).exps))


@pytest.mark.parametrize("example", ALL)
def test_bars_are_the_probabilities(scenes, example):
    scene = scenes[example]
    tr, bars = scene.trace, scene.bars
    np.testing.assert_array_equal(bars.values, tr.probabilities)
    base = bars.baseline.get_center()[1]
    for k, p in enumerate(tr.probabilities):
        bar = bars.bars[k]
        assert bar.height == pytest.approx(bars.max_height * p, abs=1e-3)
        assert bar.get_bottom()[1] == pytest.approx(base, abs=1e-6)
        assert bars.names[k].original_text == tr.class_names[k]
        assert bars.names[k].get_top()[1] < base  # name under its bar
        assert abs(bars.names[k].get_center()[0] - bar.get_center()[0]) < 1e-6
        assert bars.numbers[k].original_text == num(p)
        want = style.WINNER if k == tr.prediction else style.MUTED
        np.testing.assert_array_equal(fill_rgb(bar), style._hex_to_rgb(want))
    win = tr.prediction
    assert scene.winner_box.get_left()[0] <= scene.names[win].get_left()[0]
    assert scene.winner_box.get_bottom()[1] <= scene.names[win].get_bottom()[1] <= scene.winner_box.get_top()[1]


@pytest.mark.parametrize("example", ALL)
def test_final_frame_on_screen_without_overlapping_text(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    clashes = text_clashes(scene.mobjects)
    assert not clashes, clashes


@pytest.mark.parametrize("example", ALL)
def test_steps_and_captions(scenes, example):
    scene = scenes[example]
    names = [n for n, _ in scene.steps]
    assert names[0] == "title" and {"logits", "exp", "divide", "bars"} <= set(names)
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 1e-6
    assert 20 <= scene.time <= 90
    assert scene.trace.class_names[scene.trace.prediction] in scene.captions[-1][2]
