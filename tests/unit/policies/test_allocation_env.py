"""The treasury environment: gymnasium's checker, scenario seeding, calibration and the dynamics' levers."""

from __future__ import annotations

import statistics

import numpy as np
from gymnasium.utils.env_checker import check_env

from governance.domain.amounts import BPS
from policies.allocation.env import TreasuryEnv
from policies.allocation.rollout import fixed_rule, run_episode
from policies.allocation.scenarios import (
    HELDOUT_SEEDS,
    TRAIN_SEEDS,
    ScenarioConfig,
    calibrate,
    sample_scenario,
    scenario_seeds,
)

CONFIG = ScenarioConfig()


def test_gymnasium_env_checker_passes() -> None:
    check_env(TreasuryEnv(CONFIG, range(10)), skip_render_check=True)


def test_every_step_plays_a_lawful_split_and_an_episode_ends_on_time() -> None:
    env = TreasuryEnv(CONFIG, range(10))
    env.reset(seed=3)
    steps, truncated = 0, False
    while not truncated:
        _obs, reward, terminated, truncated, info = env.step(env.action_space.sample())
        assert not terminated and np.isfinite(reward)
        assert sum(info["split"]) == BPS
        steps += 1
    assert steps == CONFIG.epochs


def test_train_and_heldout_scenarios_never_overlap_and_replay_exactly() -> None:
    assert TRAIN_SEEDS.stop <= HELDOUT_SEEDS.start
    assert scenario_seeds("heldout", 3) == [HELDOUT_SEEDS.start, HELDOUT_SEEDS.start + 1, HELDOUT_SEEDS.start + 2]
    a, b = sample_scenario(CONFIG, 7), sample_scenario(CONFIG, 7)
    assert run_episode(a, fixed_rule((2000,) * 5)) == run_episode(b, fixed_rule((2000,) * 5))
    assert run_episode(a, fixed_rule((2000,) * 5)) != run_episode(sample_scenario(CONFIG, 8), fixed_rule((2000,) * 5))


def test_calibration_follows_an_observed_revenue_history() -> None:
    rng = np.random.default_rng(0)
    growing = [int(1_000_000 * np.exp(0.02 * t + 0.05 * rng.standard_normal())) for t in range(120)]
    tuned = calibrate(CONFIG, growing)
    assert tuned.trend[0] < 0.02 < tuned.trend[1] and tuned.trend[0] > CONFIG.trend[1]
    assert tuned.noise[0] < 0.05 < tuned.noise[1]
    assert calibrate(CONFIG, growing[:5]) == CONFIG  # too little history: unchanged
    assert calibrate(CONFIG, []) == CONFIG


def mean_growth(split: tuple[int, ...], seeds: range = range(12)) -> float:
    return statistics.fmean(run_episode(sample_scenario(CONFIG, s), fixed_rule(split)).log_growth for s in seeds)


def test_starving_operations_hurts_and_bounties_help_a_little() -> None:
    starved = mean_growth((3000, 3000, 1000, 2500, 500))
    funded = mean_growth((2500, 2500, 1000, 1500, 2500))
    assert funded > starved
    no_bounty = mean_growth((2500, 2500, 200, 1800, 3000))
    some_bounty = mean_growth((2300, 2300, 800, 1600, 3000))
    assert some_bounty > no_bounty


def test_the_reserve_first_rule_breaches_the_floor_less_than_a_spending_rule() -> None:
    scenarios = [sample_scenario(CONFIG, s) for s in range(40)]
    hoard = sum(run_episode(sc, fixed_rule((500, 500, 200, 7000, 1800))).breaches for sc in scenarios)
    spend = sum(run_episode(sc, fixed_rule((5000, 3300, 200, 1000, 500))).breaches for sc in scenarios)
    assert hoard < spend


def test_a_calibrated_training_config_records_its_history() -> None:
    from policies.allocation.training import TrainConfig, calibrated_config

    history = [1_000_000 + 10_000 * t for t in range(30)]
    tuned = calibrated_config(history)
    assert tuned.calibration_epochs == 30 and tuned.scenario.trend != TrainConfig().scenario.trend
    assert calibrated_config(history[:3]).calibration_epochs == 0
