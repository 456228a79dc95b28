import numpy as np
import pytest
from manim import MathTex, Text, tempconfig

from scenes import style
from scenes.base import ChapterScene
from scenes.plans.softmax import plan
from scenes.softmax import SoftmaxScene, class_colour
from tests.scene_helpers import build, fill_rgb, text_clashes
from tests.test_plan_softmax_models import drawn_face, folder_model, soft_model, synthetic, user_folder

SCRIPT = 0.7  # TeX sets sub- and superscripts at 70% of the size


def tex_to_text(tmp) -> float:
    """How tall a TeX digit is against a Text digit at one font size (about two thirds)."""
    with tempconfig({"media_dir": str(tmp), "verbosity": "ERROR"}):
        return MathTex("0", font_size=48).height / Text("0", font=style.font(), font_size=48).height


def tex_size(tex: MathTex, ratio: float) -> float:
    """The Text font size whose digits are as tall as ``tex``'s smallest (scripts included)."""
    scripts = any(c in tex.tex_string for c in "^_") or r"\sum" in tex.tex_string
    return tex.font_size * ratio * (SCRIPT if scripts else 1.0)


def visible(tex: MathTex) -> bool:
    return max((g.get_fill_opacity() for g in tex.family_members_with_points()), default=0) > 0


@pytest.fixture(scope="module")
def tex_checks(tmp_path_factory):
    """While this module builds scenes, every play also checks every visible formula (MathTex) is as
    readable as the layout rule asks of Text; the checked formulas are counted per scene."""
    ratio = tex_to_text(tmp_path_factory.mktemp("tex"))
    seen: dict[int, int] = {}
    original = ChapterScene.check_layout

    def check(self):
        original(self)
        for m in self.mobjects:
            for t in m.get_family():
                if isinstance(t, MathTex) and t.height > 0 and visible(t):
                    size = tex_size(t, ratio)
                    assert size >= self.lay.readable - 1e-6, f"{t.tex_string!r} reads like {size:.1f} pt text"
                    seen[id(self)] = seen.get(id(self), 0) + 1

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ChapterScene, "check_layout", check)
        yield seen


def build_story(story, tmp_path, resolution=None, scene_class=SoftmaxScene):
    """Build a chapter for a story made in the test (chosen scores), with the layout checks on."""
    settings = {"quality": "low_quality", "dry_run": True, "disable_caching": True, "verbosity": "ERROR",
                "progress_bar": "none", "media_dir": str(tmp_path)}  # fmt: skip
    if resolution is not None:
        w, h = resolution
        settings.update(pixel_width=w, pixel_height=h, frame_width=8.0 * w / h)
    with tempconfig(settings):
        scene = scene_class(story=story, checks=True, skip_animations=True)
        scene.render()
    return scene


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, tex_checks):
    tmp = tmp_path_factory.mktemp("softmax")  # one media folder: LaTeX is compiled once for all builds
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    out = {ex: build("softmax", ex, tmp_path=tmp) for ex in ("tick-cross", "face")}
    out["custom"] = build("softmax", "face", image=drawn_face(base), tmp_path=tmp)
    out["soft"] = build("softmax", "face", model=soft_model(base, "face"), tmp_path=tmp)
    folder = user_folder(base, "face") / "dora" / "03.png"
    out["folder"] = build("softmax", "face", image=folder, label="dora", model=folder_model(base, "face"), tmp_path=tmp)
    out["overflow"] = build_story(synthetic()["overflow"], tmp)  # e^z overflows: only the shifted table
    return out


ALL = ["tick-cross", "face", "custom", "soft", "folder", "overflow"]


def texts(group):
    return [m.original_text for m in group]


@pytest.mark.parametrize("example", ALL)
def test_table_shows_the_plan(scenes, example):
    scene = scenes[example]
    p = scene.plan
    assert p.logit_texts == plan(scene.story).logit_texts
    assert texts(scene.names) == list(p.names)
    assert texts(scene.p_texts) == list(p.p_texts)
    # at the end: the shifted table (z - max, e^(z - max) and its sum), the same probabilities
    assert texts(scene.z_texts) == list(p.shifted.z_texts)
    assert texts(scene.exp_texts) == list(p.shifted.exp_texts)
    assert scene.sum_text.original_text == p.shifted.sum_text
    assert texts(scene.division.rows) == list(p.shifted.division)
    for k, row in enumerate(scene.division.rows):
        np.testing.assert_array_equal(fill_rgb(row), style.hex_to_rgb(class_colour(k)))  # its class's colour
    # first shown: the scores themselves, and e^z (or e^(z - max) when the plan subtracts first)
    z_first, exp_first = scene.first_columns
    assert texts(z_first) == list(p.logit_texts)
    assert texts(exp_first) == list(p.first.exp_texts)
    if p.raw is not None:  # then replaced by the shifted values
        assert texts(scene.z_shifted) == list(p.shifted.z_texts)
        assert texts(scene.exp_shifted) == list(p.shifted.exp_texts)


@pytest.mark.parametrize("example", ["tick-cross", "face", "custom", "soft", "folder"])
def test_raw_exponentials_shown_first_when_readable(scenes, example):
    scene = scenes[example]
    p = scene.plan
    names = [n for n, _ in scene.sections]
    if p.raw is None:
        assert "subtract" in names and "shift" not in names
        assert names.index("subtract") < names.index("exp")
    else:
        assert "shift" in names and "subtract" not in names
        assert names.index("divide") < names.index("shift")


def test_the_roads_taken(scenes):
    """The overflowing scores skip e^z itself; a less sure model shows it (bundled models may take
    either road: their numbers decide)."""
    assert scenes["overflow"].plan.raw is None
    assert scenes["soft"].plan.raw is not None and scenes["folder"].plan.raw is not None


@pytest.mark.parametrize("example", ALL)
def test_dots_sit_on_the_curve_at_the_plan_values(scenes, example):
    scene = scenes[example]
    table, plot = scene.plan.first, scene.plot
    for k, dot in enumerate(plot.dots):
        np.testing.assert_allclose(dot.get_center(), plot.axes.c2p(table.z[k], table.exps[k]), atol=1e-9)
    # the curve is e^x: its points are on it, and its top end on the frame of the plot (or its right end)
    for point in plot.curve.points[::12]:
        x, y = plot.axes.p2c(point)
        assert y == pytest.approx(np.exp(x), abs=2e-3 * plot.axes.y_range[1])
    # its end is on the frame of the plot: the top, or the right edge when e^x stays low
    x, y = plot.axes.p2c(plot.curve.get_end())
    assert y == pytest.approx(table.plot.y_top, rel=1e-2) or x == pytest.approx(table.plot.x_range[1], abs=0.03)
    assert texts([m for m in plot.ticks if isinstance(m, Text)]) == list(table.plot.x_texts)
    assert texts([m for m in plot.levels if isinstance(m, Text)]) == list(table.plot.y_texts)


@pytest.mark.parametrize("example", ALL)
def test_bars_are_the_probabilities(scenes, example):
    scene = scenes[example]
    p, bars = scene.plan, scene.bars
    np.testing.assert_array_equal(bars.values, p.probabilities)
    base = bars.baseline.get_center()[1]
    heights = np.array([b.height for b in bars.bars])
    np.testing.assert_allclose(heights / heights.max(), p.probabilities / p.probabilities.max(), atol=2e-3)
    for k in range(len(p.probabilities)):
        bar = bars.bars[k]
        assert bar.get_bottom()[1] == pytest.approx(base, abs=1e-6)
        assert bars.names[k].original_text == p.names[k]
        assert bars.names[k].get_top()[1] < base  # name under its bar
        assert abs(bars.names[k].get_center()[0] - bar.get_center()[0]) < 1e-6
        assert bars.numbers[k].original_text == p.p_texts[k]
        want = style.WINNER if k == p.winner else style.MUTED
        np.testing.assert_array_equal(fill_rgb(bar), style.hex_to_rgb(want))
    assert scene.bars_title.original_text == p.verdict
    win = p.winner
    box = scene.winner_box
    assert box.get_left()[0] <= scene.names[win].get_left()[0]
    assert box.get_bottom()[1] <= scene.names[win].get_bottom()[1] <= box.get_top()[1]
    assert box.get_right()[0] >= scene.p_texts[win].get_right()[0]


@pytest.mark.parametrize("example", ALL)
def test_final_frame_without_overlapping_text(scenes, example):
    clashes = text_clashes(scenes[example].mobjects)
    assert not clashes, clashes


@pytest.mark.parametrize("example", ALL)
def test_sections_beats_and_captions(scenes, example, tex_checks):
    scene = scenes[example]
    p = scene.plan
    names = [n for n, _ in scene.sections]
    assert names[0] == "title" and {"logits", "exp", "divide", "bars"} <= set(names)
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 0.5 / 15 + 1e-6  # beats end on whole frames, up to half a frame early
    assert 20 <= scene.time <= 90
    said = [text for *_, text in scene.captions]
    before, after = ([p.shift_sentence], []) if p.shift_first else ([], [p.shift_sentence])
    assert said[1:] == [p.scores_sentence, *before, p.exp_sentence, p.divide_sentence, *after, p.verdict_sentence]
    assert p.names[p.winner] in said[-1]
    assert tex_checks.get(id(scene), 0) > 0  # the formulas were checked


@pytest.mark.parametrize(
    ("example", "kind", "resolution"),
    [("face", "bundled", (960, 720)), ("tick-cross", "soft", (720, 720)), ("face", "soft", (720, 1280)),
     ("face", "overflow", (720, 1280))],
)  # fmt: skip
def test_every_aspect_ratio_keeps_the_layout_rules(example, kind, resolution, tmp_path_factory, tex_checks):
    tmp = tmp_path_factory.getbasetemp() / "softmax-ratios"
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    if kind == "overflow":
        story = synthetic(example)["overflow"]
        scene = build_story(story, tmp, resolution)  # checks run at every play
    else:
        model = soft_model(base, example) if kind == "soft" else None
        scene = build("softmax", example, model=model, tmp_path=tmp, resolution=resolution)
    assert tex_checks.get(id(scene), 0) > 0
