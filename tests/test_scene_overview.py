import numpy as np
import pytest
from PIL import Image

from scenes import legacy_style as style
from scenes.prob_parts import num, shape_text
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, on_screen, text_clashes

MAP_KINDS = ("Conv2D", "ReLU", "MaxPool2D")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("overview")  # one media folder: LaTeX is compiled once for all builds
    rgb = np.array(Image.open(load_story("face").example.image_path("Captain")).convert("RGB"))
    Image.fromarray(255 - rgb).save(tmp / "negative.png")  # a custom photo: the captain's negative
    return {
        "tick-cross": build("overview", "tick-cross", tmp_path=tmp),
        "face": build("overview", "face", tmp_path=tmp),
        "custom": build("overview", "face", image=tmp / "negative.png", tmp_path=tmp),
    }


ALL = ["tick-cross", "face", "custom"]


@pytest.mark.parametrize("example", ALL)
def test_stage_names_and_shapes_come_from_the_trace(scenes, example):
    scene = scenes[example]
    tr = scene.trace
    shapes = tr.shapes()
    assert [s.name for s in scene.stages] == [n for n, _ in shapes] + ["softmax"]
    assert [lbl.original_text for lbl in scene.names] == [n for n, _ in shapes] + ["softmax"]
    want = [shape_text(s) for _, s in shapes] + [shape_text(tr.probabilities.shape)]
    assert [lbl.original_text for lbl in scene.shape_labels] == want
    if example == "face":
        assert want[:3] == ["28×28×3", "28×28×4", "28×28×4"] and want[-3:] == ["392", "3", "3"]
    chain = " → ".join(shape_text(s) for _, s in shapes)
    assert any(chain in text for *_, text in scene.captions)


@pytest.mark.parametrize("example", ALL)
def test_thumbnails_are_the_trace_maps(scenes, example):
    scene = scenes[example]
    tr = scene.trace
    stages = {s.name: s for s in scene.stages}
    inp = stages["input"]
    if scene.is_rgb:
        (photo,) = inp.thumbs
        np.testing.assert_array_equal(photo.values, tr.image)
        np.testing.assert_array_equal(photo.pixel_array[..., :3], tr.image.transpose(1, 2, 0).round().astype(np.uint8))
    else:
        for c, pic in enumerate(inp.thumbs):
            np.testing.assert_array_equal(pic.pixel_array[..., :3], style.Diverging(1.0).rgb(tr.image[c]))
    block = None
    for step in tr.steps:
        stage = stages[step.name]
        if step.kind == "Conv2D":
            i = tr.steps.index(step)
            block = [s.output for s in tr.steps[i : i + 3] if s.kind in MAP_KINDS]
        if step.kind in MAP_KINDS:
            assert stage.cmap.vmax == style.Diverging.for_values(*block).vmax
            assert len(stage.thumbs) == step.output.shape[0]
            for c, pic in enumerate(stage.thumbs):
                np.testing.assert_array_equal(pic.values, step.output[c])
                np.testing.assert_array_equal(pic.pixel_array[..., :3], stage.cmap.rgb(step.output[c]))
                assert (pic.pixel_array[..., 3] == 255).all()  # fully shown at the end
                assert pic.pixel_array.shape[:2] == step.output.shape[1:]
        elif step.kind == "Flatten":
            np.testing.assert_array_equal(stage.visual.values, tr.flat)
        elif step.kind == "Dense":
            np.testing.assert_array_equal(stage.visual.values, tr.logits)
            assert [t.original_text for t in stage.visual.numbers] == [style.fmt(v) for v in tr.logits]
            for k, dot in enumerate(stage.visual.neurons):
                np.testing.assert_array_equal(fill_rgb(dot), style.Diverging.for_values(tr.logits).rgb(tr.logits[k]))


@pytest.mark.parametrize("example", ALL)
def test_probabilities_and_prediction(scenes, example):
    scene = scenes[example]
    tr = scene.trace
    rows = scene.stages[-1].visual
    np.testing.assert_array_equal(rows.values, tr.probabilities)
    widths = np.array([b.width for b in rows.bars])
    np.testing.assert_allclose(widths / widths.max(), tr.probabilities / tr.probabilities.max(), atol=1e-3)
    assert [t.original_text for t in rows.numbers] == [num(p) for p in tr.probabilities]
    assert [t.original_text for t in rows.names] == list(tr.class_names)
    for k, bar in enumerate(rows.bars):
        want = style.WINNER if k == tr.prediction else style.MUTED
        np.testing.assert_array_equal(fill_rgb(bar), style._hex_to_rgb(want))
    assert (
        scene.verdict_text.original_text
        == f"prediction: {tr.predicted_class}  (p = {num(tr.probabilities[tr.prediction])})"
    )
    box, last = scene.winner_box, scene.frames[-1]
    assert box.get_left()[0] <= last.get_left()[0] and last.get_right()[0] <= box.get_right()[0]


@pytest.mark.parametrize("example", ALL)
def test_layout_fits_and_flows_left_to_right(scenes, example):
    scene = scenes[example]
    assert not on_screen(scene)
    n = len(scene.stages)
    rows = 1 if n <= 5 else 2
    ys = sorted({round(c[1], 6) for c in scene.centres}, reverse=True)
    assert len(ys) == rows
    for i, (stage, frame) in enumerate(zip(scene.stages, scene.frames)):
        v = stage.visual
        assert frame.get_left()[0] - 1e-6 <= v.get_left()[0] and v.get_right()[0] <= frame.get_right()[0] + 1e-6
        assert frame.get_bottom()[1] - 1e-6 <= v.get_bottom()[1] and v.get_top()[1] <= frame.get_top()[1] + 1e-6
        if i:
            a, b = scene.frames[i - 1], frame
            same_row = abs(a.get_center()[1] - b.get_center()[1]) < 1e-6
            assert (a.get_right()[0] < b.get_left()[0]) if same_row else (a.get_bottom()[1] > b.get_top()[1])
    # the travelling highlight visits the stages in order and ends on the probabilities
    assert all(a < b for a, b in zip(scene.flow_at, scene.flow_at[1:]))
    assert scene.flow_at[0] == 0 and scene.flow_at[-1] == 1
    for at, centre in zip(scene.flow_at, scene.centres):
        np.testing.assert_allclose(scene.point_at(at), centre, atol=1e-9)
    np.testing.assert_allclose(scene.spark.get_center(), scene.centres[-1], atol=1e-9)
    assert all(f.get_stroke_color().to_hex().lower() == style.GRID_LINE for f in scene.frames)


@pytest.mark.parametrize("example", ALL)
def test_no_overlapping_text(scenes, example):
    scene = scenes[example]
    clashes = text_clashes(scene.mobjects)
    assert not clashes, clashes


def test_label_note_for_custom_image(scenes):
    custom = scenes["custom"]
    assert custom.story.label_assumed
    assert custom.note.original_text == custom.story.label_note
    assert custom.note in custom.mobjects
    assert scenes["face"].note is None and scenes["tick-cross"].note is None


@pytest.mark.parametrize("example", ALL)
def test_steps_and_captions(scenes, example):
    scene = scenes[example]
    assert [n for n, _ in scene.steps] == ["title", "stages", "shapes", "flow", "prediction"]
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 1e-6
    assert 20 <= scene.time <= 90
    assert scene.trace.predicted_class in scene.captions[-1][2]
