import numpy as np
import pytest
from PIL import Image

from scenes import style
from scenes.plans.colour import Photo
from scenes.plans.numbers import fmt
from scenes.story import load_story
from tests.scene_helpers import build, fill_rgb, text_clashes
from tests.test_plan_softmax_models import drawn_face, folder_model, soft_model, user_folder

MAP_KINDS = ("Conv2D", "ReLU", "MaxPool2D")


@pytest.fixture(scope="module")
def scenes(tmp_path_factory, custom_tick):
    tmp = tmp_path_factory.mktemp("overview")
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    rgb = np.array(Image.open(load_story("face").example.image_path("Captain")).convert("RGB"))
    Image.fromarray(255 - rgb).save(tmp / "negative.png")  # a custom photo: the captain's negative
    folder, model = user_folder(base, "face") / "cyrus" / "02.png", folder_model(base, "face")
    return {
        "tick-cross": build("overview", "tick-cross", tmp_path=tmp),
        "face": build("overview", "face", tmp_path=tmp),
        "custom": build("overview", "face", image=tmp / "negative.png", tmp_path=tmp),
        "drawn": build("overview", "face", image=drawn_face(base), model=soft_model(base, "face"), tmp_path=tmp),
        "wrong": build("overview", "face", label="Captain", tmp_path=tmp),
        "folder": build("overview", "face", image=folder, label="cyrus", model=model, tmp_path=tmp),
        "tick-custom": build("overview", "tick-cross", image=custom_tick, tmp_path=tmp),
    }


ALL = ["tick-cross", "face", "custom", "drawn", "wrong", "folder", "tick-custom"]


def card_of(scene, name):
    return next(c for c, s in zip(scene.cards, scene.plan.stages) if s.name == name)


@pytest.mark.parametrize("example", ALL)
def test_stage_names_and_shapes_come_from_the_trace(scenes, example):
    scene = scenes[example]
    tr, p = scene.trace, scene.plan
    shapes = tr.shapes()
    assert [c.name.original_text for c in scene.cards] == [n for n, _ in shapes] + ["softmax"]
    assert [c.shape.original_text for c in scene.cards] == [s.shape_text for s in p.stages]
    if example == "face":
        assert [s.shape_text for s in p.stages][:3] == ["28×28×3", "28×28×4", "28×28×4"]
    assert any(p.chain in text for *_, text in scene.captions)


@pytest.mark.parametrize("example", ALL)
def test_thumbnails_are_the_trace_maps(scenes, example):
    scene = scenes[example]
    tr = scene.trace
    inp = card_of(scene, "input").visual
    if scene.is_rgb:
        (photo,) = inp.images
        assert isinstance(photo.scale_map, Photo)
        np.testing.assert_array_equal(photo.values, tr.image)
        np.testing.assert_array_equal(photo.pixel_array[..., :3], tr.image.transpose(1, 2, 0).round().astype(np.uint8))
    else:
        for c, pic in enumerate(inp.images):
            np.testing.assert_array_equal(pic.pixel_array[..., :3], style.Diverging(1.0).rgb(tr.image[c]))
    block = None
    for i, step in enumerate(tr.steps):
        card = card_of(scene, step.name)
        if step.kind == "Conv2D":
            block = [s.output for s in tr.steps[i : i + 3] if s.kind in MAP_KINDS]
        if step.kind in MAP_KINDS:
            scale = style.Diverging.for_values(*block)
            assert len(card.visual.images) == step.output.shape[0]
            for c, pic in enumerate(card.visual.images):
                np.testing.assert_array_equal(pic.values, step.output[c])
                np.testing.assert_array_equal(pic.pixel_array[..., :3], scale.rgb(step.output[c]))
                assert (pic.pixel_array[..., 3] == 255).all()  # fully shown at the end
                assert pic.pixel_array.shape[:2] == step.output.shape[1:]
        elif step.kind == "Flatten":
            np.testing.assert_array_equal(card.visual.values, tr.flat)
            assert card.visual.ellipsis is not None and len(card.visual.neurons) == 10
        elif step.kind == "Dense":
            np.testing.assert_array_equal(card.visual.values, tr.logits)
            assert [t.original_text for t in card.visual.numbers] == [fmt(v) for v in tr.logits]
            for k, dot in enumerate(card.visual.neurons):
                np.testing.assert_array_equal(fill_rgb(dot), style.Diverging.for_values(tr.logits).rgb(tr.logits[k]))


@pytest.mark.parametrize("example", ALL)
def test_probabilities_and_prediction(scenes, example):
    scene = scenes[example]
    tr, p = scene.trace, scene.plan
    rows = scene.cards[-1].visual
    np.testing.assert_array_equal(rows.values, tr.probabilities)
    widths = np.array([b.width for b in rows.bars])
    np.testing.assert_allclose(widths / widths.max(), tr.probabilities / tr.probabilities.max(), atol=1e-3)
    assert [t.original_text for t in rows.numbers] == list(p.stages[-1].texts)
    assert [t.original_text for t in rows.names] == list(p.names)
    for k, bar in enumerate(rows.bars):
        want = style.WINNER if k == tr.prediction else style.MUTED
        np.testing.assert_array_equal(fill_rgb(bar), style.hex_to_rgb(want))
    assert tuple(line.original_text for line in scene.verdict_text) == p.verdict
    box, last = scene.winner_box, scene.cards[-1].frame
    assert box.get_left()[0] <= last.get_left()[0] and last.get_right()[0] <= box.get_right()[0]
    assert box in scene.mobjects and scene.verdict_text in scene.mobjects


@pytest.mark.parametrize("example", ALL)
def test_layout_fits_and_flows_left_to_right(scenes, example):
    scene = scenes[example]
    order = [i for row in scene.rows for i in row]
    assert order == list(range(len(scene.cards)))  # reading order is the network's order
    assert len(scene.rows) == 2  # wide frames: the maps, then the vectors
    for row in scene.rows:
        for i in row:
            card = scene.cards[i]
            v, frame = card.visual, card.frame
            assert frame.get_left()[0] - 1e-6 <= v.get_left()[0] and v.get_right()[0] <= frame.get_right()[0] + 1e-6
            assert frame.get_bottom()[1] - 1e-6 <= v.get_bottom()[1] and v.get_top()[1] <= frame.get_top()[1] + 1e-6
        for i, j in zip(row, row[1:]):
            assert scene.cards[i].frame.get_right()[0] < scene.cards[j].frame.get_left()[0]
    for upper, lower in zip(scene.rows, scene.rows[1:]):
        assert min(scene.cards[i].shape.get_bottom()[1] for i in upper) > max(
            scene.cards[j].frame.get_top()[1] for j in lower
        )
    # the travelling spark visits the stages in order and ends on the probabilities
    assert all(a < b for a, b in zip(scene.flow_at, scene.flow_at[1:]))
    assert scene.flow_at[0] == 0 and scene.flow_at[-1] == 1
    for at, card in zip(scene.flow_at, scene.cards):
        np.testing.assert_allclose(scene.point_at(at), card.centre, atol=1e-9)
    np.testing.assert_allclose(scene.spark.get_center(), scene.cards[-1].centre, atol=1e-9)
    assert all(c.frame.get_stroke_color().to_hex().lower() == style.GRID_LINE for c in scene.cards)


@pytest.mark.parametrize("example", ALL)
def test_no_overlapping_text(scenes, example):
    clashes = text_clashes(scenes[example].mobjects)
    assert not clashes, clashes


def test_label_note_for_custom_image(scenes):
    custom = scenes["custom"]
    assert custom.story.label_assumed
    assert custom.note_text.text == custom.story.label_note
    assert custom.note_text in custom.mobjects
    assert scenes["face"].note_text is None and scenes["tick-cross"].note_text is None


@pytest.mark.parametrize("example", ALL)
def test_sections_and_captions(scenes, example):
    scene = scenes[example]
    p = scene.plan
    assert [n for n, _ in scene.sections] == ["title", "stages", "shapes", "flow", "prediction"]
    for (_, e0, _), (s1, _, _) in zip(scene.captions, scene.captions[1:]):
        assert e0 <= s1 + 0.5 / 15 + 1e-6  # beats end on whole frames, up to half a frame early
    assert 20 <= scene.time <= 90
    said = [text for *_, text in scene.captions][1:]
    assert said == [p.stages_sentence, p.vectors_sentence, p.shapes_sentence, p.flow_sentence, p.verdict_sentence]
    assert p.names[p.prediction] in said[-1]


@pytest.mark.parametrize(
    ("example", "custom", "resolution"),
    [("face", True, (960, 720)), ("tick-cross", False, (720, 720)), ("face", False, (720, 1280))],
)
def test_every_aspect_ratio_keeps_the_layout_rules(example, custom, resolution, tmp_path_factory):
    base = tmp_path_factory.getbasetemp() / "probs-models"
    base.mkdir(exist_ok=True)
    image = drawn_face(base) if custom else None
    scene = build("overview", example, image=image, tmp_path=tmp_path_factory.mktemp("ov"), resolution=resolution)
    if scene.lay.stacked:  # narrow frames: at most four maps a row, the vectors under them
        assert all(len(row) <= 4 for row in scene.rows[:-1]) and len(scene.rows) >= 2
