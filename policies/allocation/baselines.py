"""The baselines the policy must beat: equal split, the current split, reserve-first, best fixed split.

Each baseline is a fixed target split; like the policy, it passes through the safety projection every
epoch (so a baseline, too, rebuilds the reserve when the treasury is under the floor).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Callable, Sequence

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput
from policies.allocation.rollout import fixed_rule, run_episode
from policies.allocation.safety import RESERVE, SafetyLimits
from policies.allocation.scenarios import Scenario

__all__ = ["BASELINE_NAMES", "baseline_splits", "equal_split", "grid_search", "reserve_first"]

BASELINE_NAMES: tuple[str, ...] = ("equal", "current", "reserve-first", "best fixed")
Progress = Callable[[int, int], None]


def equal_split() -> tuple[int, ...]:
    return (2000, 2000, 2000, 2000, 2000)


def reserve_first(limits: SafetyLimits) -> tuple[int, ...]:
    """The reserve at its maximum, operations next, every other pool at its minimum."""
    split = list(limits.min_bps)
    for pool in (RESERVE, 4, 2, 1, 0):
        split[pool] = min(limits.max_bps[pool], split[pool] + BPS - sum(split))
    return tuple(split)


def baseline_splits(
    current: Sequence[int], best_fixed: Sequence[int], limits: SafetyLimits
) -> dict[str, tuple[int, ...]]:
    """Every baseline's target split, by name (in :data:`BASELINE_NAMES` order)."""
    return {
        "equal": equal_split(),
        "current": tuple(int(s) for s in current),
        "reserve-first": reserve_first(limits),
        "best fixed": tuple(int(s) for s in best_fixed),
    }


def grid_search(
    scenarios: Sequence[Scenario], limits: SafetyLimits, progress: Progress | None = None, step: int = 1000
) -> tuple[tuple[int, ...], float]:
    """The fixed split with the best mean score on ``scenarios``: a ``step`` bps grid, then a hill-climb
    in half steps. Raises :class:`InvalidInput` if no grid point is within the limits."""
    coarse = [c for c in _grid(step) if _lawful(c, limits)]
    if not coarse:
        raise InvalidInput(f"No split on a {step} bps grid is within the pool limits.")
    scores: dict[tuple[int, ...], float] = {}
    total = len(coarse)
    for done, candidate in enumerate(coarse, 1):
        scores[candidate] = _mean_score(scenarios, candidate)
        if progress:
            progress(done, total)
    best = max(scores, key=lambda c: (scores[c], c))
    for _ in range(4):
        fresh = [n for n in _neighbours(best, step // 2) if _lawful(n, limits) and n not in scores]
        for candidate in fresh:
            scores[candidate] = _mean_score(scenarios, candidate)
        step_best = max(scores, key=lambda c: (scores[c], c))
        if step_best == best:
            break
        best = step_best
    return best, scores[best]


def _mean_score(scenarios: Sequence[Scenario], split: tuple[int, ...]) -> float:
    rule = fixed_rule(split)
    return statistics.fmean(run_episode(sc, rule).score for sc in scenarios)


def _grid(step: int) -> list[tuple[int, ...]]:
    units = BPS // step
    return [
        (a * step, b * step, c * step, d * step, (units - a - b - c - d) * step)
        for a, b, c, d in itertools.product(range(units + 1), repeat=4)
        if a + b + c + d <= units
    ]


def _neighbours(split: tuple[int, ...], step: int) -> list[tuple[int, ...]]:
    moves = []
    for give, take in itertools.permutations(range(len(split)), 2):
        moved = list(split)
        moved[give] -= step
        moved[take] += step
        moves.append(tuple(moved))
    return moves


def _lawful(split: Sequence[int], limits: SafetyLimits) -> bool:
    return sum(split) == BPS and all(
        lo <= s <= hi for s, lo, hi in zip(split, limits.min_bps, limits.max_bps, strict=True)
    )
