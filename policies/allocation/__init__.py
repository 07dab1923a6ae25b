"""The treasury allocation advisor: advice only, never an action.

- :mod:`~policies.allocation.env`: the gymnasium environment, with the model card of its assumptions;
  :mod:`~policies.allocation.scenarios`: train and held-out scenarios, and calibration on observed revenue.
- :mod:`~policies.allocation.safety`: the fixed safety projection used in training and live.
- :mod:`~policies.allocation.baselines`, :mod:`~policies.allocation.training`,
  :mod:`~policies.allocation.evaluation`: baselines, PPO over several seeds, the held-out judgement and
  the proposal rule.
- :mod:`~policies.allocation.advisor`: ``Advisor.load(path).suggest(state)`` for the bot.

Heavy libraries (torch, stable-baselines3) load only when an artifact is trained or loaded.
"""

from __future__ import annotations

from policies.allocation.advisor import Advisor, Driver, Suggestion, TreasuryState, WhatIf, render
from policies.allocation.evaluation import Decision, Interval, decide
from policies.allocation.safety import POOLS, Projection, ProjectionContext, SafetyLimits, project, project_target

__all__ = [
    "POOLS",
    "Advisor",
    "Decision",
    "Driver",
    "Interval",
    "Projection",
    "ProjectionContext",
    "SafetyLimits",
    "Suggestion",
    "TreasuryState",
    "WhatIf",
    "decide",
    "project",
    "project_target",
    "render",
]
