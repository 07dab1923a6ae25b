"""Judge the trained policy against the baselines on held-out scenarios, and decide what to propose.

Every PPO seed and every baseline plays the same held-out scenarios (common random numbers), so the
comparison is paired: the confidence intervals come from a bootstrap that resamples scenarios and
seeds together. :func:`decide` is the rule the bot follows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from policies.allocation.artifacts import SeedPolicy, load_artifact, write_card
from policies.allocation.baselines import BASELINE_NAMES, baseline_splits
from policies.allocation.dynamics import TreasuryModel
from policies.allocation.env import model_observation
from policies.allocation.rollout import EpisodeResult, Rule, fixed_rule, run_episode
from policies.allocation.safety import action_to_weights
from policies.allocation.scenarios import HELDOUT_SEEDS, Scenario, ScenarioConfig, sample_scenario, scenario_seeds

__all__ = [
    "METRICS",
    "Decision",
    "Evaluation",
    "Interval",
    "decide",
    "evaluate",
    "paired_bootstrap",
]

METRICS: tuple[str, ...] = ("log_growth", "max_drawdown", "breaches")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class Interval:
    """A mean difference (policy minus baseline) and its bootstrap confidence interval."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class Decision:
    """What the bot proposes: the policy's split, or the best fixed split with the policy as advisory."""

    choice: Literal["policy", "best fixed"]
    reason: str


def decide(growth_vs_best_fixed: Interval, policy_breaches: int) -> Decision:
    """Propose the policy only if it beats the best fixed split (lower bound > 0) and never breached."""
    if policy_breaches > 0:
        return Decision("best fixed", f"the policy breached the runway floor in {policy_breaches} held-out epochs")
    if growth_vs_best_fixed.low <= 0.0:
        return Decision(
            "best fixed",
            f"the lower 95% bound of the policy's gain over the best fixed split is "
            f"{growth_vs_best_fixed.low:+.4f}, not above zero",
        )
    return Decision(
        "policy",
        f"the policy beats the best fixed split (lower 95% bound {growth_vs_best_fixed.low:+.4f}) with no breach",
    )


def paired_bootstrap(
    policy: NDArray[np.float64], baseline: NDArray[np.float64], *, draws: int = 2000, seed: int = 0
) -> Interval:
    """95% interval of mean(policy - baseline); ``policy`` is seeds x scenarios, ``baseline`` scenarios.

    Each draw resamples the scenarios and, independently, the seeds, so training luck is in the interval.
    """
    diff = np.atleast_2d(policy) - baseline[None, :]
    rng = np.random.default_rng(seed)
    seeds = rng.integers(0, diff.shape[0], (draws, diff.shape[0]))
    scenarios = rng.integers(0, diff.shape[1], (draws, diff.shape[1]))
    per_seed = diff[seeds[:, :, None], scenarios[:, None, :]]
    means = per_seed.mean(axis=(1, 2))
    low, high = np.quantile(means, [0.025, 0.975])
    return Interval(float(diff.mean()), float(low), float(high))


@dataclass(frozen=True)
class Evaluation:
    """Per-episode results: ``policy[i]`` is seed ``seeds[i]``; baselines and the ensemble by name."""

    seeds: tuple[int, ...]
    scenarios: tuple[int, ...]
    policy: tuple[tuple[EpisodeResult, ...], ...]
    ensemble: tuple[EpisodeResult, ...]
    baselines: dict[str, tuple[EpisodeResult, ...]]
    splits: dict[str, tuple[int, ...]]

    def matrix(self, metric: str) -> NDArray[np.float64]:
        return np.array([[getattr(r, metric) for r in row] for row in self.policy], dtype=np.float64)

    def vector(self, name: str, metric: str) -> NDArray[np.float64]:
        rows = self.ensemble if name == "ensemble" else self.baselines[name]
        return np.array([getattr(r, metric) for r in rows], dtype=np.float64)

    def intervals(self) -> dict[str, dict[str, Interval]]:
        """Policy minus each baseline, for each metric."""
        return {
            name: {m: paired_bootstrap(self.matrix(m), self.vector(name, m)) for m in METRICS}
            for name in BASELINE_NAMES
        }

    def policy_breaches(self) -> int:
        return int(sum(r.breaches for row in self.policy for r in row))

    def breach_overlap(self) -> dict[str, int]:
        """Scenarios where some policy seed breached, the best fixed split breached, or both."""
        policy = self.matrix("breaches").max(axis=0) > 0
        fixed = self.vector("best fixed", "breaches") > 0
        return {
            "policy_only": int((policy & ~fixed).sum()),
            "best_fixed_only": int((fixed & ~policy).sum()),
            "both": int((policy & fixed).sum()),
        }

    def decision(self) -> Decision:
        return decide(self.intervals()["best fixed"]["log_growth"], self.policy_breaches())


def seed_rule(policy: SeedPolicy, base: Sequence[int]) -> Rule:
    def rule(model: TreasuryModel) -> tuple[float, ...]:
        return action_to_weights(policy.act(model_observation(model)[None, :])[0].tolist(), base)

    return rule


def ensemble_rule(policies: Sequence[SeedPolicy], base: Sequence[int]) -> Rule:
    """The live advisor's rule: the mean action of every seed."""

    def rule(model: TreasuryModel) -> tuple[float, ...]:
        obs = model_observation(model)[None, :]
        action = np.mean([p.act(obs)[0] for p in policies], axis=0)
        return action_to_weights(action.tolist(), base)

    return rule


def evaluate(directory: Path, scenarios: int = 200, progress: Progress | None = None) -> Evaluation:
    """Play every seed, the seed ensemble and every baseline on ``scenarios`` held-out scenarios."""
    card, policies = load_artifact(directory)
    report = progress or (lambda _phase, _done, _total: None)
    config = ScenarioConfig.from_json(card["train_config"]["scenario"])
    worlds = [sample_scenario(config, s) for s in scenario_seeds("heldout", scenarios)]
    base = tuple(card["action_base"])
    fixed = baseline_splits((0,) * 5, card["best_fixed"]["split"], config.limits)

    def play(phase: str, rule_for: Callable[[Scenario], Rule]) -> tuple[EpisodeResult, ...]:
        results = []
        for done, world in enumerate(worlds, 1):
            results.append(run_episode(world, rule_for(world)))
            if done % 10 == 0 or done == len(worlds):
                report(phase, done, len(worlds))
        return tuple(results)

    def baseline_rule(name: str) -> Callable[[Scenario], Rule]:
        return lambda world: fixed_rule(world.initial_split if name == "current" else fixed[name])

    def seed_rule_for(policy: SeedPolicy) -> Callable[[Scenario], Rule]:
        return lambda _world: seed_rule(policy, base)

    rows = tuple(play(f"policy seed {p.seed}", seed_rule_for(p)) for p in policies)
    ensemble = play("seed ensemble", lambda _world: ensemble_rule(policies, base))
    results = {name: play(name, baseline_rule(name)) for name in BASELINE_NAMES}
    return Evaluation(
        tuple(p.seed for p in policies), tuple(w.seed for w in worlds), rows, ensemble, results,
        {k: v for k, v in fixed.items() if k != "current"},
    )


def record(directory: Path, evaluation: Evaluation) -> dict[str, Any]:
    """Write the evaluation and the decision into the model card (the bot reads the decision there)."""
    card, _ = load_artifact(directory)
    card["evaluation"] = summary(evaluation)
    write_card(directory, card)
    return card


def summary(evaluation: Evaluation) -> dict[str, Any]:
    """Plain-JSON figures: each rule's means, each interval, and the decision."""
    decision = evaluation.decision()
    rules: dict[str, dict[str, float]] = {
        "policy (per seed)": {m: float(evaluation.matrix(m).mean()) for m in METRICS},
        "policy (seed ensemble)": {m: float(evaluation.vector("ensemble", m).mean()) for m in METRICS},
    }
    rules.update({n: {m: float(evaluation.vector(n, m).mean()) for m in METRICS} for n in BASELINE_NAMES})
    return {
        "heldout_seed_range": [HELDOUT_SEEDS.start, HELDOUT_SEEDS.start + len(evaluation.scenarios)],
        "scenarios": len(evaluation.scenarios),
        "seeds": list(evaluation.seeds),
        "means": rules,
        "policy_breach_epochs": evaluation.policy_breaches(),
        "breach_scenarios": evaluation.breach_overlap(),
        "intervals": {
            name: {m: [i.mean, i.low, i.high] for m, i in by_metric.items()}
            for name, by_metric in evaluation.intervals().items()
        },
        "decision": {"choice": decision.choice, "reason": decision.reason},
    }
