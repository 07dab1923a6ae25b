"""Play an allocation rule through one scenario and measure it.

A *rule* maps the simulated treasury to target weights over the five pools; every target then goes
through the same safety projection the environment and the live advisor use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from policies.allocation.dynamics import SECONDS_PER_YEAR, TreasuryModel
from policies.allocation.env import BREACH_PENALTY
from policies.allocation.safety import project_target
from policies.allocation.scenarios import Scenario

__all__ = ["EpisodeResult", "Rule", "fixed_rule", "run_episode"]

Rule = Callable[[TreasuryModel], Sequence[float]]


@dataclass(frozen=True)
class EpisodeResult:
    """One rule on one scenario. ``log_growth`` is annualised; drawdown is of the treasury balance."""

    scenario: int
    log_growth: float
    max_drawdown: float
    breaches: int
    mean_split: tuple[float, ...]

    @property
    def score(self) -> float:
        """The training objective per year: log growth less the breach penalty."""
        return self.log_growth - BREACH_PENALTY * self.breaches


def fixed_rule(split: Sequence[int]) -> Rule:
    """A rule that always asks for ``split``."""
    target = tuple(float(s) for s in split)
    return lambda _model: target


def run_episode(scenario: Scenario, rule: Rule) -> EpisodeResult:
    """Play ``rule`` for the scenario's episode length."""
    model = TreasuryModel(scenario)
    limits, epochs = scenario.config.limits, scenario.config.epochs
    start, peak, drawdown, breaches = model.treasury, model.treasury, 0.0, 0
    totals = [0.0] * 5
    for _ in range(epochs):
        split = project_target(rule(model), model.context(), limits).split_bps
        outcome = model.step(split)
        breaches += outcome.breach
        peak = max(peak, model.treasury)
        drawdown = max(drawdown, 1.0 - model.treasury / peak if peak > 0 else 0.0)
        totals = [t + s for t, s in zip(totals, split, strict=True)]
    wealth = model.value_delivered + model.treasury
    per_year = SECONDS_PER_YEAR / scenario.config.epoch_seconds
    growth = math.log(max(wealth, 1e-9) / max(start, 1e-9)) / epochs * per_year
    return EpisodeResult(scenario.seed, growth, drawdown, breaches, tuple(t / epochs for t in totals))
