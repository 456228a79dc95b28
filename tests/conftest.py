import numpy as np
import pytest

import engine


@pytest.fixture(scope="session")
def models() -> dict[str, engine.Network]:
    return {name: engine.load_model(name) for name in engine.EXAMPLES}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)
