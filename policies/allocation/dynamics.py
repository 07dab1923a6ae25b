"""One treasury, epoch by epoch: the dynamics behind :class:`policies.allocation.env.TreasuryEnv`.

The model is a simulator, so it works in float "operating-cost units" (the scenario's operating cost
per epoch is 1.0); amounts that leave it for the safety projection are converted to int base units
with :data:`UNIT`. The assumptions are listed in ``policies/allocation/env.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from governance.domain.amounts import BPS
from policies.allocation.safety import SECONDS_PER_MONTH, ProjectionContext
from policies.allocation.scenarios import WARMUP_EPOCHS, Scenario

__all__ = ["SECONDS_PER_YEAR", "UNIT", "EpochOutcome", "TreasuryModel"]

UNIT = 10**9
"""Base units per operating-cost unit when the simulator talks to the projection (1,000 USD at 6 decimals)."""
SECONDS_PER_YEAR = 12 * SECONDS_PER_MONTH

# Effect sizes (see the model card in env.py).
SHORTFALL_DRAG = 0.02  # growth lost per epoch when operations get nothing
SURPLUS_BOOST = 0.004  # growth per epoch per log-unit of operations spend above cost
QUALITY_GROWTH = 0.01  # growth per epoch per unit of classifier quality above 1
UNPAID_DRAG = 0.05  # growth lost per epoch per operating cost left unpaid
SHOCK_RECOVERY = 0.8  # share of a shock still felt one epoch later
IDIOSYNCRATIC_NOISE = 0.1  # per-classifier revenue noise (log scale)


@dataclass(frozen=True)
class EpochOutcome:
    """What one epoch did, in operating-cost units."""

    revenue: float
    value_delivered: float
    treasury: float
    breach: bool
    unpaid: float


class TreasuryModel:
    """The mutable state of one scenario's treasury. Advisory model: holds no keys, touches no chain."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.t = 0
        self.level = 1.0
        self.quality = 1.0
        self.engagement = 1.0
        self.shock = 1.0
        self.active = scenario.initial_active.copy()
        self.treasury = scenario.initial_treasury
        self.split = scenario.initial_split
        self.value_delivered = 0.0
        self.history: list[float] = []
        for _ in range(WARMUP_EPOCHS):
            self.history.append(self._revenue())
            self._advance_world(self.split, 0.0, self.split[2] / BPS)

    @property
    def floor(self) -> float:
        limits = self.scenario.config.limits
        return limits.reserve_floor_months * self.scenario.epochs_per_month * self.scenario.op_cost

    def context(self) -> ProjectionContext:
        """The projection's view of this treasury, in int base units."""
        recent = self.history[-4:]
        return ProjectionContext(
            current_bps=self.split,
            treasury=int(self.treasury * UNIT),
            op_cost_per_epoch=int(self.scenario.op_cost * UNIT),
            expected_revenue=int(sum(recent) / len(recent) * UNIT),
            epoch_seconds=self.scenario.config.epoch_seconds,
        )

    def step(self, split: tuple[int, ...]) -> EpochOutcome:
        """Close one epoch under ``split`` (already projected)."""
        member, classifier, bounties, reserve, operations = (s / BPS for s in split)
        revenue = self._revenue()
        cost = self.scenario.op_cost
        spend = operations * revenue
        shortfall, surplus = max(0.0, cost - spend), max(0.0, spend - cost)
        value = (member + classifier) * revenue
        treasury = (self.treasury + reserve * revenue - shortfall) * (1.0 + self.scenario.reserve_yield)
        unpaid = max(0.0, -treasury)
        self.treasury = max(0.0, treasury)
        self.value_delivered += value
        self.history.append(revenue)
        self.split = split
        growth = -SHORTFALL_DRAG * min(1.0, shortfall / cost) + SURPLUS_BOOST * math.log1p(surplus / cost)
        self._advance_world(split, growth - UNPAID_DRAG * unpaid / cost, bounties)
        return EpochOutcome(revenue, value, self.treasury, self.treasury < self.floor, unpaid)

    def _advance_world(self, split: tuple[int, ...], growth: float, bounties: float) -> None:
        """Move trend, quality, engagement, churn, listings and shocks on by one epoch."""
        sc, t = self.scenario, self.t
        member, classifier = split[0] / BPS, split[1] / BPS
        self.level *= math.exp(sc.trend + growth + QUALITY_GROWTH * (self.quality - 1.0))
        self.quality += 0.15 * (0.9 + 0.2 * (1.0 - math.exp(-bounties / 0.1)) - self.quality)
        self.engagement += 0.1 * (0.9 + 0.2 * (1.0 - math.exp(-member / 0.15)) - self.engagement)
        leaving = sc.churn_draws[t] < sc.churn * (0.5 + math.exp(-classifier / 0.1))
        staying = self.active & ~leaving
        self.active = staying if staying.any() else self.active
        listing = sc.listing * (0.5 + 2.0 * (1.0 - math.exp(-(bounties + classifier) / 0.2)))
        if sc.listing_draws[t] < listing and not self.active.all():
            self.active[int(np.argmin(self.active))] = True
        self.shock = 1.0 - SHOCK_RECOVERY * (1.0 - self.shock)
        if sc.shock_draws[t] < sc.shock_probability:
            self.shock *= 1.0 - sc.shock_size
        self.t += 1

    def _revenue(self) -> float:
        """This epoch's platform revenue, summed over the active classifiers."""
        sc, t = self.scenario, self.t
        year_fraction = t * sc.config.epoch_seconds / SECONDS_PER_YEAR
        season = 1.0 + sc.seasonality * math.sin(2 * math.pi * year_fraction + sc.season_phase)
        z = sc.noise_draws[t]
        platform = math.exp(sc.noise * z[0] - sc.noise**2 / 2)
        s2 = IDIOSYNCRATIC_NOISE**2 / 2
        per_classifier = sc.weights * np.exp(IDIOSYNCRATIC_NOISE * z[1:] - s2)
        mix = float(per_classifier[self.active].sum())
        return sc.base_revenue * self.level * season * self.quality * self.engagement * self.shock * platform * mix
