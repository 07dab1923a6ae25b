"""The artifact: a model card that names and hashes every file, and a loader that refuses tampering."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

from governance.domain.errors import IntegrityError, NotFound
from policies.allocation.artifacts import CARD_HASH_NAME, CARD_NAME, DEFAULT_DIR, file_sha256, load_artifact
from policies.allocation.env import TreasuryEnv
from policies.allocation.training import TrainConfig, train


def copy(artifact: Path, tmp_path: Path) -> Path:
    target = tmp_path / "artifact"
    shutil.copytree(artifact, target)
    return target


def test_the_card_records_versions_seeds_config_steps_and_a_hash_per_file(tiny_artifact: Path) -> None:
    card = json.loads((tiny_artifact / CARD_NAME).read_text())
    assert card["seeds"] == [11, 12]
    assert {"torch", "stable_baselines3", "gymnasium", "numpy", "python"} <= set(card["versions"])
    assert card["train_config"]["timesteps"] == 512 and card["train_config"]["scenario"]["epochs"] == 52
    assert card["training"]["timesteps_per_seed"] == 512 and len(card["training"]["per_seed"]) == 2
    assert sorted(card["files"]) == sorted(["ppo_seed11.zip", "ppo_seed12.zip", "vecnormalize_seed11.pkl",
                                           "vecnormalize_seed12.pkl"])
    for name, digest in card["files"].items():
        assert file_sha256(tiny_artifact / name) == digest
    assert sum(card["best_fixed"]["split"]) == 10_000


def test_the_card_itself_is_hashed_and_the_shipped_card_matches(tiny_artifact: Path) -> None:
    for artifact in (tiny_artifact, DEFAULT_DIR):
        digest, name = (artifact / CARD_HASH_NAME).read_text().split()
        assert name == CARD_NAME and digest == file_sha256(artifact / CARD_NAME)


def test_a_changed_byte_in_the_card_is_refused(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = copy(tiny_artifact, tmp_path)
    card = artifact / CARD_NAME
    card.write_text(card.read_text().replace('"best_fixed"', '"best_fixed" ', 1))
    with pytest.raises(IntegrityError, match=r"model_card\.json does not match its recorded SHA-256"):
        load_artifact(artifact)


def test_a_changed_byte_is_refused(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = copy(tiny_artifact, tmp_path)
    stats = artifact / "vecnormalize_seed12.pkl"
    data = bytearray(stats.read_bytes())
    data[-3] ^= 0x01
    stats.write_bytes(bytes(data))
    with pytest.raises(IntegrityError, match=r"vecnormalize_seed12\.pkl"):
        load_artifact(artifact)


def test_a_missing_file_or_card_is_refused(tiny_artifact: Path, tmp_path: Path) -> None:
    artifact = copy(tiny_artifact, tmp_path)
    (artifact / "ppo_seed11.zip").unlink()
    with pytest.raises(IntegrityError, match="missing"):
        load_artifact(artifact)
    (artifact / CARD_NAME).unlink()
    with pytest.raises(NotFound):
        load_artifact(artifact)


def test_the_plain_actor_matches_stable_baselines3(tiny_artifact: Path) -> None:
    _card, policies = load_artifact(tiny_artifact)
    env = TreasuryEnv(seeds=range(5))
    observations = np.stack([env.reset(seed=s)[0] for s in range(5)])
    model = PPO.load(tiny_artifact / "ppo_seed11.zip", device="cpu")
    stats = VecNormalize.load(str(tiny_artifact / "vecnormalize_seed11.pkl"), DummyVecEnv([TreasuryEnv]))
    expected, _ = model.predict(stats.normalize_obs(observations), deterministic=True)
    np.testing.assert_allclose(policies[0].act(observations), expected, atol=1e-5)


def test_the_same_seed_trains_the_same_actor(tiny_artifact: Path, tiny_config: TrainConfig, tmp_path: Path) -> None:
    train(tiny_config, [11], tmp_path / "again")
    (_, first), (_, again) = load_artifact(tiny_artifact), load_artifact(tmp_path / "again")
    for (w1, b1), (w2, b2) in zip(first[0].layers, again[0].layers, strict=True):
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(b1, b2)
    np.testing.assert_array_equal(first[0].obs_mean, again[0].obs_mean)
