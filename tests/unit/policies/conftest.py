"""A tiny trained allocation artifact, shared by the tests that need real PPO files."""

from __future__ import annotations

from pathlib import Path

import pytest

from policies.allocation.training import TrainConfig, train

TINY = TrainConfig(timesteps=512, n_envs=2, n_steps=128, batch_size=128, n_epochs=1,
                   grid_scenarios=2, grid_step=2000, check_scenarios=2)


@pytest.fixture(scope="session")
def tiny_config() -> TrainConfig:
    return TINY


@pytest.fixture(scope="session")
def tiny_artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("allocation")
    train(TINY, [11, 12], out)
    return out
