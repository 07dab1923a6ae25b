"""Treasury scenarios: the random world the allocation advisor is trained and judged in.

A scenario fixes every random draw of an episode in advance (common random numbers), so two
allocation rules run on the same scenario face the same luck and their results can be paired.

Training scenarios come from :data:`TRAIN_SEEDS`, held-out scenarios from :data:`HELDOUT_SEEDS`; the two
ranges never overlap. :func:`calibrate` narrows the revenue trend and noise ranges to what an observed
per-epoch revenue history shows, when there is enough of it. The assumptions are listed in
``policies/allocation/env.py``.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from governance.domain.amounts import BPS
from policies.allocation.safety import SECONDS_PER_MONTH, SafetyLimits

__all__ = [
    "HELDOUT_SEEDS",
    "MIN_CALIBRATION_EPOCHS",
    "TRAIN_SEEDS",
    "Scenario",
    "ScenarioConfig",
    "calibrate",
    "sample_scenario",
    "scenario_seeds",
]

TRAIN_SEEDS = range(0, 1_000_000)
HELDOUT_SEEDS = range(1_000_000, 2_000_000)
MIN_CALIBRATION_EPOCHS = 8
WARMUP_EPOCHS = 8
"""Epochs simulated before an episode starts, so the first observation has a revenue history."""

Range = tuple[float, float]


@dataclass(frozen=True)
class ScenarioConfig:
    """Ranges the scenario parameters are drawn from (uniformly). Rates are per epoch unless named."""

    epochs: int = 52
    epoch_seconds: int = 7 * 86_400
    max_classifiers: int = 12
    initial_classifiers: tuple[int, int] = (4, 10)
    revenue_to_cost: Range = (1.5, 6.0)
    trend: Range = (-0.004, 0.008)
    noise: Range = (0.05, 0.25)
    seasonality: Range = (0.0, 0.15)
    shock_probability: Range = (0.0, 0.03)
    shock_size: Range = (0.2, 0.5)
    churn: Range = (0.005, 0.03)
    listing: Range = (0.01, 0.05)
    reserve_yield_annual: Range = (0.0, 0.05)
    initial_runway_months: Range = (4.0, 24.0)
    limits: SafetyLimits = field(default_factory=SafetyLimits)

    def to_json(self) -> dict[str, object]:
        data = {k: v for k, v in self.__dict__.items() if k != "limits"}
        data["limits"] = dict(self.limits.__dict__)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ScenarioConfig:
        raw: dict[str, Any] = {k: _tuple(v) for k, v in data.items() if k != "limits"}
        limits: dict[str, Any] = {k: _tuple(v) for k, v in data["limits"].items()}
        return cls(**raw, limits=SafetyLimits(**limits))


def _tuple(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True, eq=False)
class Scenario:
    """One sampled world: its parameters and every random draw of its episode (warm-up included)."""

    seed: int
    config: ScenarioConfig
    op_cost: float
    base_revenue: float
    trend: float
    noise: float
    seasonality: float
    season_phase: float
    shock_probability: float
    shock_size: float
    churn: float
    listing: float
    reserve_yield: float
    initial_treasury: float
    initial_split: tuple[int, ...]
    initial_active: NDArray[np.bool_]
    weights: NDArray[np.float64]
    noise_draws: NDArray[np.float64]
    churn_draws: NDArray[np.float64]
    listing_draws: NDArray[np.float64]
    shock_draws: NDArray[np.float64]

    @property
    def epochs_per_month(self) -> float:
        return SECONDS_PER_MONTH / self.config.epoch_seconds


def scenario_seeds(kind: str, count: int, start: int = 0) -> list[int]:
    """``count`` scenario seeds of ``kind`` (``"train"`` or ``"heldout"``)."""
    seeds = {"train": TRAIN_SEEDS, "heldout": HELDOUT_SEEDS}[kind]
    return list(seeds[start : start + count])


def sample_scenario(config: ScenarioConfig, seed: int) -> Scenario:
    """Draw the scenario of ``seed``: the same seed always gives the same world."""
    rng = np.random.default_rng([seed, 0x7EA5])

    def draw(bounds: Range) -> float:
        return float(rng.uniform(bounds[0], bounds[1]))

    steps, slots = config.epochs + WARMUP_EPOCHS, config.max_classifiers
    k0 = int(rng.integers(config.initial_classifiers[0], config.initial_classifiers[1] + 1))
    active = np.zeros(slots, dtype=bool)
    active[:k0] = True
    weights = rng.lognormal(0.0, 0.6, slots)
    revenue_to_cost = draw(config.revenue_to_cost)
    runway = draw(config.initial_runway_months)
    epochs_per_month = SECONDS_PER_MONTH / config.epoch_seconds
    return Scenario(
        seed=seed,
        config=config,
        op_cost=1.0,
        base_revenue=revenue_to_cost / float(weights[:k0].sum()),
        trend=draw(config.trend),
        noise=draw(config.noise),
        seasonality=draw(config.seasonality),
        season_phase=draw((0.0, 2 * math.pi)),
        shock_probability=draw(config.shock_probability),
        shock_size=draw(config.shock_size),
        churn=draw(config.churn),
        listing=draw(config.listing),
        reserve_yield=math.log1p(draw(config.reserve_yield_annual)) / (12 * epochs_per_month),
        initial_treasury=runway * epochs_per_month,
        initial_split=_initial_split(rng, config.limits),
        initial_active=active,
        weights=weights,
        noise_draws=rng.standard_normal((steps, slots + 1)),
        churn_draws=rng.random((steps, slots)),
        listing_draws=rng.random(steps),
        shock_draws=rng.random(steps),
    )


def _initial_split(rng: np.random.Generator, limits: SafetyLimits) -> tuple[int, ...]:
    """A plausible split the DAO might be running today, within the limits."""
    lo = np.array(limits.min_bps, dtype=float)
    hi = np.array(limits.max_bps, dtype=float)
    for _ in range(100):
        raw = lo + rng.dirichlet(np.full(len(lo), 2.0)) * (BPS - lo.sum())
        if np.all(raw <= hi):
            split = [int(v) for v in np.floor(raw)]
            split[3] += BPS - sum(split)
            return tuple(split)
    return (2000, 2000, 2000, 2000, 2000)


def calibrate(config: ScenarioConfig, revenue_history: Sequence[int]) -> ScenarioConfig:
    """Centre the trend and noise ranges on an observed per-epoch revenue history.

    With fewer than :data:`MIN_CALIBRATION_EPOCHS` positive epochs the config is returned unchanged.
    The trend is the mean epoch-on-epoch log change, the noise its standard deviation
    (divided by the square root of two, since a change of i.i.d. noise has twice its variance);
    each range is the estimate plus or minus two standard errors, kept within sane bounds.
    """
    positive = [int(r) for r in revenue_history if int(r) > 0]
    if len(positive) < MIN_CALIBRATION_EPOCHS:
        return config
    changes = [math.log(b / a) for a, b in itertools.pairwise(positive)]
    trend = statistics.fmean(changes)
    spread = min(0.6, max(0.01, statistics.pstdev(changes)))
    error = spread / math.sqrt(len(changes))
    trend_range = (max(-0.05, trend - 2 * error), min(0.05, trend + 2 * error))
    level_noise = spread / math.sqrt(2)  # the change of i.i.d. log noise has twice its variance
    relative = min(0.5, 2 / math.sqrt(len(changes)))  # about two standard errors of the estimate
    noise_range = (max(0.01, level_noise * (1 - relative)), min(0.8, level_noise * (1 + relative)))
    return replace(config, trend=trend_range, noise=noise_range)
