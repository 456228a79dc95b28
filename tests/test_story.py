import engine
from scenes.story import load_story


def test_shipped_image_with_a_model_of_other_class_names_assumes_the_label(tmp_path):
    net = engine.load_model("tick-cross")
    renamed = engine.Network(net.layers, ("ticks", "crosses"), net.input_scale, net.input_shape, net.meta)
    path = renamed.save(tmp_path / "renamed.npz")
    story = load_story("tick-cross", model=path)
    assert story.label_assumed and story.custom_image
    assert story.trace.label == story.trace.prediction
    assert "ticks" in story.label_note or "crosses" in story.label_note


def test_shipped_image_keeps_its_label():
    story = load_story("face")
    assert not story.label_assumed and story.trace.label_name == "Countess"
