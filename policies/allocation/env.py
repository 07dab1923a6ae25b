"""The treasury as a gymnasium environment, and the model card of its assumptions.

One step is one epoch (a week by default); an episode is ``ScenarioConfig.epochs`` epochs of one
scenario (:mod:`policies.allocation.scenarios`). The action is five numbers in [-1, 1] around a base split;
the split is ``project(action, ...)`` (:mod:`policies.allocation.safety`), the same projection the live advisor uses.

Model card: assumptions
-----------------------
Units. The simulator counts in operating-cost units: the operating cost is 1.0 per epoch. Revenue
starts at 1.5-6x that cost. Only ratios reach the policy (:mod:`policies.allocation.features`).

Revenue. Sum over the active classifiers (4-10 of 12 slots at the start) of a fixed lognormal weight,
times: a level that drifts by the scenario's trend (-0.4% to +0.8% per epoch) plus the growth effects
below; yearly seasonality (amplitude 0-15%); platform noise (lognormal, 5-25% per epoch) and 10%
per-classifier noise; shocks (0-3% chance per epoch of losing 20-50% of revenue, recovering by 20% of
the gap per epoch); classifier quality and member engagement (both multiply revenue).

Pools. Member and classifier dividends are *value delivered*. Bounties move classifier quality towards
``0.9 + 0.2 * (1 - exp(-b / 0.1))`` (b = bounty share), and quality above 1 adds to growth
(``0.01 * (q - 1)`` per epoch): bounties feed revenue a little. Member dividends move engagement towards
``0.9 + 0.2 * (1 - exp(-m / 0.15))``. Classifier dividends lower churn (0.5-3% of classifiers per epoch,
scaled by ``0.5 + exp(-c / 0.1)``); bounties and classifier dividends raise listings. The reserve stays in
the treasury and earns a yield (0-5% a year). Operations pay the operating cost; a shortfall is taken
from the treasury and drags growth (up to 2% per epoch when operations get nothing); spending above cost
adds a little growth (``0.004 * log1p(surplus / cost)``). A cost the treasury cannot pay is left unpaid
and drags growth hard (5% per unpaid cost unit).

Runway. The floor is ``reserve_floor_months`` (3) of operating cost; an epoch that ends with the
treasury below it is a *runway breach*. The treasury starts at 4-24 months of runway.

Objective. Wealth W = value delivered so far + treasury. The reward of an epoch is ``log(W_t / W_t-1)``
minus :data:`BREACH_PENALTY` per breach, so an episode's return is its log growth less penalties.

What the model leaves out: token prices, member counts, governance delays (a split takes effect the
epoch it is voted), taxes, and any link between revenue and the dividends of earlier epochs beyond the
effects above. The effect sizes are judgment, not estimates; :func:`policies.allocation.scenarios.calibrate`
fits only the revenue trend and noise from an observed history.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import gymnasium as gym
import numpy as np
from numpy.typing import NDArray

from policies.allocation.dynamics import TreasuryModel
from policies.allocation.features import FEATURE_NAMES, observe
from policies.allocation.safety import POOLS, project
from policies.allocation.scenarios import Scenario, ScenarioConfig, sample_scenario

__all__ = ["BREACH_PENALTY", "TreasuryEnv", "model_observation"]

BREACH_PENALTY = 0.1

Observation = NDArray[np.float32]


def model_observation(model: TreasuryModel) -> Observation:
    """The observation of a simulated treasury (the live advisor builds the same from ints)."""
    sc = model.scenario
    return observe(
        model.treasury,
        model.history,
        model.split,
        sc.op_cost,
        sc.config.epoch_seconds,
        sc.config.limits.reserve_floor_months,
    )


class TreasuryEnv(gym.Env[Observation, NDArray[np.float32]]):
    """Each reset draws a scenario seed from ``seeds`` (with the env's RNG) and plays it.

    Actions are relative to ``base_split`` (the best fixed split in training): action 0 asks for it.
    """

    metadata: dict[str, Any] = {"render_modes": []}

    def __init__(
        self,
        config: ScenarioConfig | None = None,
        seeds: Sequence[int] = range(1000),
        base_split: tuple[int, ...] | None = None,
    ) -> None:
        self.config = config or ScenarioConfig()
        self.seeds = seeds
        self.base_split = base_split
        self.observation_space = gym.spaces.Box(-5.0, 5.0, (len(FEATURE_NAMES),), np.float32)
        self.action_space = gym.spaces.Box(-1.0, 1.0, (len(POOLS),), np.float32)
        self.model: TreasuryModel | None = None
        self.wealth = 1.0
        self.epoch = 0

    def reset(
        self, *, seed: int | None = None, options: dict[str, Any] | None = None
    ) -> tuple[Observation, dict[str, Any]]:
        super().reset(seed=seed)
        chosen = (options or {}).get("scenario")
        if chosen is None:
            chosen = self.seeds[int(self.np_random.integers(len(self.seeds)))]
        return self.start(sample_scenario(self.config, int(chosen)))

    def start(self, scenario: Scenario) -> tuple[Observation, dict[str, Any]]:
        """Begin an episode on a given scenario (evaluation uses this to pair rules on one world)."""
        self.model = TreasuryModel(scenario)
        self.wealth = self.model.treasury
        self.epoch = 0
        return model_observation(self.model), {"scenario": scenario.seed}

    def step(
        self, action: NDArray[np.float32]
    ) -> tuple[Observation, float, bool, bool, dict[str, Any]]:
        model = self._model()
        wanted = [float(a) for a in np.asarray(action).ravel()]
        projection = project(wanted, model.context(), self.config.limits, self.base_split)
        outcome = model.step(projection.split_bps)
        wealth = model.value_delivered + model.treasury
        reward = math.log(max(wealth, 1e-9) / max(self.wealth, 1e-9)) - BREACH_PENALTY * outcome.breach
        self.wealth = wealth
        self.epoch += 1
        info = {"split": projection.split_bps, "breach": outcome.breach, "wealth": wealth,
                "treasury": model.treasury, "bound": projection.bound}
        truncated = self.epoch >= self.config.epochs
        return model_observation(model), float(reward), False, truncated, info

    def _model(self) -> TreasuryModel:
        if self.model is None:
            raise RuntimeError("call reset() before step()")
        return self.model
