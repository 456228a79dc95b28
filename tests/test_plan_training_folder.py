"""A model trained on a user's own folder, as a user makes one: drawings saved as PNGs in one
sub-folder per class, then ``convreel train EXAMPLE --data DIR -o my.npz``. The story tests of the
learning-step, training and invariance plans (and their scenes) run on it: every outcome label must
match its numbers for this model too, whose runs need not tell the usual story."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.images import save_image
from scenes.story import load_story
from tests.conftest import convreel

PER_CLASS = 18  # images per class: enough for a batch of 32 in the learning-rate runs


@pytest.fixture(scope="session")
def folder_model(tmp_path_factory):
    """The weights file of a tick-cross network trained with the CLI on a folder of our drawings.
    The folders are named ``cross`` and ``tick``, so the classes come in the other order than the
    bundled model's (sorted by name, like torchvision's ImageFolder)."""
    root = tmp_path_factory.mktemp("folder")
    ex = engine.get_example("tick-cross")
    rng = np.random.default_rng(5)
    for name in ex.class_names:
        (root / "data" / name).mkdir(parents=True)
        for i in range(PER_CLASS):
            save_image(engine.datasets.draw_tick_cross(name, rng)[None], root / "data" / name / f"{i:02d}.png", 20)
    proc = convreel("train", "tick-cross", "--data", root / "data", "-o", root / "my.npz")
    assert proc.returncode == 0, proc.stderr
    return root / "my.npz"


def test_the_folder_model_is_a_users_model(folder_model):
    story = load_story("tick-cross", model=folder_model)
    net = story.network
    assert net.class_names == ("cross", "tick")
    assert net.meta["data"]["folder"] and net.meta["data"]["n"] == 2 * PER_CLASS
    assert len(net.snapshots) == net.meta["history"]["config"]["epochs"] + 1
    assert story.trace.label == net.class_names.index("tick")
