"""Live advice: the trained seeds' split for the treasury's state, with everything a member should see.

``Advisor.load(path)`` checks the artifact's SHA-256s; ``advisor.suggest(state)`` is pure (no I/O, no
randomness). The advisor only advises: it holds no signer and no database session, and what it returns
becomes, at most, a proposal that members vote on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from governance.domain.amounts import BPS
from governance.domain.errors import IntegrityError, InvalidInput
from policies.allocation.artifacts import SeedPolicy, load_artifact
from policies.allocation.baselines import baseline_splits
from policies.allocation.evaluation import Decision, Interval, decide
from policies.allocation.features import FEATURE_NAMES, observe
from policies.allocation.report import split_chart
from policies.allocation.safety import POOLS, Projection, ProjectionContext, action_to_weights, project_target
from policies.allocation.scenarios import ScenarioConfig

__all__ = ["Advisor", "Driver", "Suggestion", "TreasuryState", "WhatIf", "card_decision", "render"]

WHAT_IF_REVENUE_PCT: tuple[int, ...] = (-20, 20)
TOP_DRIVERS = 3


@dataclass(frozen=True)
class TreasuryState:
    """The treasury as the chain shows it, in int base units and seconds."""

    treasury_balance: int
    revenue_history: tuple[int, ...]
    current_split: tuple[int, ...]
    op_cost_per_epoch: int
    epoch_seconds: int

    def __post_init__(self) -> None:
        numbers = (self.treasury_balance, *self.revenue_history, *self.current_split, self.op_cost_per_epoch)
        if any(not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in (*numbers, self.epoch_seconds)):
            raise InvalidInput("Treasury figures must be non-negative whole base units.")
        if len(self.current_split) != len(POOLS) or sum(self.current_split) != BPS:
            raise InvalidInput("The current split needs five pools summing to 10,000 basis points.")
        if self.epoch_seconds <= 0:
            raise InvalidInput("The epoch length must be positive.")

    def with_revenue_scaled(self, percent_change: int) -> TreasuryState:
        scaled = tuple(r * (100 + percent_change) // 100 for r in self.revenue_history)
        return replace(self, revenue_history=scaled)


@dataclass(frozen=True)
class Driver:
    """How the policy's target split moves (bps per pool) when one feature rises by one standard deviation."""

    feature: str
    effect_bps: tuple[int, ...]

    @property
    def size_bps(self) -> int:
        return sum(abs(e) for e in self.effect_bps) // 2


@dataclass(frozen=True)
class WhatIf:
    """The policy's and the proposed split if revenue had been ``revenue_change_pct`` percent different."""

    revenue_change_pct: int
    policy_bps: tuple[int, ...]
    proposed_bps: tuple[int, ...]


@dataclass(frozen=True)
class Suggestion:
    """What the advisor suggests, and why. ``proposed_bps`` is what would go to a member vote."""

    proposed_bps: tuple[int, ...]
    source: Literal["policy", "best fixed"]
    decision_reason: str
    policy_bps: tuple[int, ...]
    baselines: Mapping[str, tuple[int, ...]]
    bound: tuple[str, ...]
    drivers: tuple[Driver, ...]
    what_ifs: tuple[WhatIf, ...]
    seed_splits: tuple[tuple[int, ...], ...]
    disagreement_bps: int
    confidence: float


@dataclass(frozen=True, eq=False)
class Advisor:
    """The seed ensemble, its safety limits and the evaluation's decision, loaded from an artifact."""

    policies: tuple[SeedPolicy, ...]
    base: tuple[int, ...]
    best_fixed: tuple[int, ...]
    config: ScenarioConfig
    source: Literal["policy", "best fixed"]
    decision_reason: str

    @classmethod
    def load(cls, path: Path) -> Advisor:
        """Load and verify an artifact directory; :class:`IntegrityError` if any file was altered or the
        card's decision does not follow from its own evaluation."""
        card, policies = load_artifact(Path(path))
        decision = card_decision(card)
        return cls(
            policies,
            tuple(card["action_base"]),
            tuple(card["best_fixed"]["split"]),
            ScenarioConfig.from_json(card["train_config"]["scenario"]),
            decision.choice,
            decision.reason,
        )

    def observation(self, state: TreasuryState) -> NDArray[np.float32]:
        return observe(
            state.treasury_balance, state.revenue_history, state.current_split, state.op_cost_per_epoch,
            state.epoch_seconds, self.config.limits.reserve_floor_months,
        )

    def seed_actions(self, state: TreasuryState) -> NDArray[np.float64]:
        """One deterministic action per seed (rows)."""
        obs = self.observation(state)[None, :]
        return np.vstack([p.act(obs) for p in self.policies])

    def policy_split(self, state: TreasuryState) -> Projection:
        """The ensemble's split: the seeds' mean action, through the safety projection."""
        action = self.seed_actions(state).mean(axis=0)
        return project_target(action_to_weights(action.tolist(), self.base), _context(state), self.config.limits)

    def suggest(self, state: TreasuryState) -> Suggestion:
        actions = self.seed_actions(state)
        context, limits = _context(state), self.config.limits
        policy = project_target(action_to_weights(actions.mean(axis=0).tolist(), self.base), context, limits)
        seeds = tuple(project_target(action_to_weights(a.tolist(), self.base), context, limits).split_bps
                      for a in actions)
        targets = baseline_splits(state.current_split, self.best_fixed, limits)
        baselines = {name: project_target(t, context, limits).split_bps for name, t in targets.items()}
        disagreement = int(np.mean([_l1(s, policy.split_bps) for s in seeds]))
        return Suggestion(
            proposed_bps=policy.split_bps if self.source == "policy" else baselines["best fixed"],
            source=self.source,
            decision_reason=self.decision_reason,
            policy_bps=policy.split_bps,
            baselines=baselines,
            bound=policy.bound,
            drivers=self.drivers(state),
            what_ifs=tuple(self._what_if(state, pct) for pct in WHAT_IF_REVENUE_PCT),
            seed_splits=seeds,
            disagreement_bps=disagreement,
            confidence=max(0.0, 1.0 - disagreement / max(1, limits.turnover_cap_bps)),
        )

    def drivers(self, state: TreasuryState) -> tuple[Driver, ...]:
        """The features whose one-standard-deviation rise moves the target split most."""
        features = len(FEATURE_NAMES)
        obs = self.observation(state)[None, :]
        rows = [p.normalise(obs) + np.vstack([np.zeros(features), np.eye(features)]) for p in self.policies]
        actions = np.mean([p.act_normalised(x) for p, x in zip(self.policies, rows, strict=True)], axis=0)
        shares = [_shares(action_to_weights(a.tolist(), self.base)) for a in actions]
        found = [
            Driver(FEATURE_NAMES[j], tuple(round(b - a) for a, b in zip(shares[0], shares[j + 1], strict=True)))
            for j in range(features)
        ]
        return tuple(sorted(found, key=lambda d: -d.size_bps)[:TOP_DRIVERS])

    def _what_if(self, state: TreasuryState, percent: int) -> WhatIf:
        changed = state.with_revenue_scaled(percent)
        policy = self.policy_split(changed).split_bps
        fixed = project_target(self.best_fixed, _context(changed), self.config.limits).split_bps
        return WhatIf(percent, policy, policy if self.source == "policy" else fixed)


def card_decision(card: Mapping[str, Any]) -> Decision:
    """The proposal rule applied to the card's recorded evaluation; refused if the recorded choice differs."""
    evaluation = card.get("evaluation")
    if evaluation is None:
        return Decision("best fixed", "the policy has not been evaluated on held-out scenarios")
    try:
        mean, low, high = (float(x) for x in evaluation["intervals"]["best fixed"]["log_growth"])
        breaches = int(evaluation["policy_breach_epochs"])
        recorded = str(evaluation["decision"]["choice"])
    except (KeyError, TypeError, ValueError) as exc:
        raise IntegrityError("The allocation model card's evaluation is incomplete; re-run `daobot policy evaluate`.") \
            from exc
    derived = decide(Interval(mean, low, high), breaches)
    if recorded != derived.choice:
        raise IntegrityError(
            f"The allocation model card says to propose the {recorded} split, but its own evaluation gives the "
            f"{derived.choice} split ({derived.reason}). The card was edited; restore the artifact or re-run "
            "`daobot policy evaluate`."
        )
    return derived


def render(suggestion: Suggestion) -> bytes:
    """A PNG bar chart of the proposed split, the policy's split and every baseline."""
    splits: dict[str, Sequence[float]] = {"proposed": suggestion.proposed_bps, "policy": suggestion.policy_bps}
    splits.update(suggestion.baselines)
    return split_chart(splits, f"Suggested split (proposed: {suggestion.source})")


def _context(state: TreasuryState) -> ProjectionContext:
    recent = state.revenue_history[-4:]
    return ProjectionContext(
        current_bps=state.current_split,
        treasury=state.treasury_balance,
        op_cost_per_epoch=state.op_cost_per_epoch,
        expected_revenue=sum(recent) // len(recent) if recent else 0,
        epoch_seconds=state.epoch_seconds,
    )


def _shares(weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    return [BPS * w / total for w in weights]


def _l1(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(abs(x - y) for x, y in zip(a, b, strict=True))
