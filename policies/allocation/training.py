"""Train the allocation advisor: the best fixed split by grid search, then PPO over several seeds.

``train(config, seeds, out_dir)`` writes one ``ppo_seed<N>.zip`` and one ``vecnormalize_seed<N>.pkl``
per seed and a ``model_card.json`` that hashes them. Runs on one CPU thread.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from governance.domain.errors import InvalidInput
from policies.allocation.artifacts import DEFAULT_DIR, FORMAT, SeedPolicy, library_versions, load_artifact, write_card
from policies.allocation.baselines import grid_search
from policies.allocation.env import TreasuryEnv, model_observation
from policies.allocation.rollout import run_episode
from policies.allocation.safety import action_to_weights
from policies.allocation.scenarios import (
    TRAIN_SEEDS,
    ScenarioConfig,
    calibrate,
    sample_scenario,
    scenario_seeds,
)

__all__ = ["DEFAULT_SEEDS", "Progress", "TrainConfig", "calibrated_config", "train"]

DEFAULT_SEEDS: tuple[int, ...] = (0, 1, 2, 3, 4)
Progress = Callable[[str, int, int], None]
"""``progress(phase, done, total)``: called as each phase moves on."""


@dataclass(frozen=True)
class TrainConfig:
    """PPO and search settings. The defaults train five seeds in a few minutes on one core.

    ``calibration_epochs`` records how many observed epochs :func:`calibrate` fitted ``scenario`` to (0: none).
    """

    timesteps: int = 81_920
    n_envs: int = 4
    n_steps: int = 256
    batch_size: int = 256
    n_epochs: int = 5
    learning_rate: float = 3e-4
    gamma: float = 0.98
    gae_lambda: float = 0.95
    ent_coef: float = 0.0
    policy_layers: tuple[int, ...] = (32, 32)
    value_layers: tuple[int, ...] = (64, 64)
    grid_scenarios: int = 32
    grid_step: int = 1000
    check_scenarios: int = 32
    calibration_epochs: int = 0
    scenario: ScenarioConfig = field(default_factory=ScenarioConfig)

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if k != "scenario"}
        data["scenario"] = self.scenario.to_json()
        return data


def calibrated_config(revenue_history: Sequence[int], base: TrainConfig | None = None) -> TrainConfig:
    """The training config with its scenarios fitted to an observed per-epoch revenue history."""
    config = base or TrainConfig()
    tuned = calibrate(config.scenario, revenue_history)
    epochs = len(revenue_history) if tuned != config.scenario else 0
    return replace(config, scenario=tuned, calibration_epochs=epochs)


def train(
    config: TrainConfig, seeds: Sequence[int], out_dir: Path = DEFAULT_DIR, progress: Progress | None = None
) -> dict[str, Any]:
    """Train and write the artifact into ``out_dir``; returns the model card."""
    import torch

    if len(seeds) < 1 or len(set(seeds)) != len(seeds):
        raise InvalidInput("Give one or more distinct training seeds.")
    torch.set_num_threads(1)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    report = progress or (lambda _phase, _done, _total: None)
    grid = [sample_scenario(config.scenario, s) for s in scenario_seeds("train", config.grid_scenarios)]
    best, best_score = grid_search(
        grid, config.scenario.limits, lambda d, t: report("grid search", d, t), config.grid_step
    )
    models = [_train_seed(config, seed, best, out_dir, report) for seed in seeds]
    card: dict[str, Any] = {
        "format": FORMAT,
        "versions": library_versions(),
        "seeds": list(seeds),
        "train_config": config.to_json(),
        "data": {"train_seed_range": [TRAIN_SEEDS.start, TRAIN_SEEDS.stop], "grid_scenarios": config.grid_scenarios},
        "best_fixed": {"split": list(best), "train_score": best_score},
        "action_base": list(best),
        "models": models,
        "files": [name for m in models for name in (m["model"], m["vecnormalize"])],
    }
    write_card(out_dir, card)
    card, policies = load_artifact(out_dir)
    card["training"] = _check(config, policies, best, best_score, time.perf_counter() - started, report)
    write_card(out_dir, card)
    return card


def _train_seed(
    config: TrainConfig, seed: int, base: tuple[int, ...], out_dir: Path, report: Progress
) -> dict[str, Any]:
    import torch
    from stable_baselines3 import PPO
    from stable_baselines3.common.callbacks import BaseCallback
    from stable_baselines3.common.vec_env import DummyVecEnv, VecNormalize

    def make() -> TreasuryEnv:
        return TreasuryEnv(config.scenario, TRAIN_SEEDS, base)

    venv = VecNormalize(DummyVecEnv([make] * config.n_envs), gamma=config.gamma)
    venv.seed(seed)
    model = PPO(
        "MlpPolicy", venv, seed=seed, device="cpu", verbose=0,
        n_steps=config.n_steps, batch_size=config.batch_size, n_epochs=config.n_epochs,
        learning_rate=config.learning_rate, gamma=config.gamma, gae_lambda=config.gae_lambda,
        ent_coef=config.ent_coef,
        policy_kwargs={"net_arch": {"pi": list(config.policy_layers), "vf": list(config.value_layers)},
                       "activation_fn": torch.nn.Tanh},
    )
    phase = f"PPO seed {seed}"

    class _Tick(BaseCallback):
        def _on_step(self) -> bool:
            if self.num_timesteps % (config.n_envs * 64) == 0:
                report(phase, self.num_timesteps, config.timesteps)
            return True

    model.learn(total_timesteps=config.timesteps, callback=_Tick())
    report(phase, config.timesteps, config.timesteps)
    model_name, stats_name = f"ppo_seed{seed}.zip", f"vecnormalize_seed{seed}.pkl"
    model.save(out_dir / model_name)
    venv.save(str(out_dir / stats_name))
    return {"seed": seed, "model": model_name, "vecnormalize": stats_name}


def _check(
    config: TrainConfig,
    policies: Sequence[SeedPolicy],
    base: tuple[int, ...],
    best_score: float,
    seconds: float,
    report: Progress,
) -> dict[str, Any]:
    """Training-scenario scores of each seed (the grid-search scenarios), for the model card."""
    grid = [sample_scenario(config.scenario, s) for s in scenario_seeds("train", config.check_scenarios)]
    per_seed = []
    for done, policy in enumerate(policies, 1):
        def rule(model: Any, p: SeedPolicy = policy) -> tuple[float, ...]:
            return action_to_weights(p.act(model_observation(model)[None, :])[0].tolist(), base)

        score = statistics.fmean(run_episode(sc, rule).score for sc in grid)
        per_seed.append({"seed": policy.seed, "train_score": score})
        report("checking seeds", done, len(policies))
    return {
        "timesteps_per_seed": config.timesteps,
        "wall_seconds": round(seconds, 1),
        "per_seed": per_seed,
        "mean_train_score": float(np.mean([p["train_score"] for p in per_seed])),
        "best_fixed_train_score": best_score,
    }
