"""The fixed safety projection: every split the advisor shows passes through it, in training and live.

Given any action (or any target split) and the treasury's state, :func:`project` returns integer basis
points over the five pools that

- sum to exactly 10,000;
- keep every pool within its ``[min, max]`` basis points;
- give the reserve at least what it needs to climb back to the reserve floor (months of runway), as far
  as the other limits allow;
- move at most ``turnover_cap_bps`` (L1 distance) away from the current split in one epoch.

When the current split is itself outside the per-pool limits, the turnover is measured from the current
split brought within them (the nearest lawful split); the projection never fails, it only constrains.
The projection is pure (no randomness, no I/O) and total: NaN, infinities, negative and huge inputs are
all mapped to a lawful split.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput

__all__ = [
    "ACTION_SCALE",
    "POOLS",
    "RESERVE",
    "SECONDS_PER_MONTH",
    "Projection",
    "ProjectionContext",
    "SafetyLimits",
    "action_to_weights",
    "project",
    "project_target",
]

POOLS: tuple[str, ...] = ("member dividends", "classifier dividends", "bounties", "reserve", "operations")
RESERVE = 3
ACTION_SCALE = 1.5
"""An action is five numbers in [-1, 1]: pool ``i`` gets target weight ``base_i * exp(ACTION_SCALE * a_i)``."""
SECONDS_PER_MONTH = 2_629_746  # 365.2425 days / 12


@dataclass(frozen=True)
class SafetyLimits:
    """The fixed limits. Defaults are the DAO's current rules of thumb (see the model card)."""

    min_bps: tuple[int, ...] = (500, 500, 200, 1000, 500)
    max_bps: tuple[int, ...] = (5000, 5000, 3000, 7000, 5000)
    reserve_floor_months: int = 3
    turnover_cap_bps: int = 2000

    def __post_init__(self) -> None:
        if len(self.min_bps) != len(POOLS) or len(self.max_bps) != len(POOLS):
            raise InvalidInput("Safety limits need a minimum and a maximum for each of the five pools.")
        if any(lo < 0 or lo > hi or hi > BPS for lo, hi in zip(self.min_bps, self.max_bps, strict=True)):
            raise InvalidInput("Each pool needs 0 <= min <= max <= 10,000 basis points.")
        if sum(self.min_bps) > BPS or sum(self.max_bps) < BPS:
            raise InvalidInput("The pool limits leave no split that sums to 10,000 basis points.")
        if self.turnover_cap_bps < 0 or self.reserve_floor_months < 0:
            raise InvalidInput("The turnover cap and the reserve floor cannot be negative.")


@dataclass(frozen=True)
class ProjectionContext:
    """What the projection needs to know about the treasury, in int base units and seconds."""

    current_bps: tuple[int, ...]
    treasury: int
    op_cost_per_epoch: int
    expected_revenue: int
    epoch_seconds: int

    def floor_balance(self, limits: SafetyLimits) -> int:
        """The reserve floor in base units: ``reserve_floor_months`` of operating cost."""
        seconds = limits.reserve_floor_months * SECONDS_PER_MONTH
        return max(0, self.op_cost_per_epoch) * seconds // max(1, self.epoch_seconds)


@dataclass(frozen=True)
class Projection:
    """A lawful split and the names of the limits that shaped it."""

    split_bps: tuple[int, ...]
    bound: tuple[str, ...]


def action_to_weights(action: Sequence[float], base: Sequence[int] | None = None) -> tuple[float, ...]:
    """Map any five numbers to target weights around ``base`` (equal by default).

    NaN counts as 0 (keep the base), everything else is clipped to [-1, 1].
    """
    values = [_finite(a) for a in list(action)[: len(POOLS)]]
    values += [0.0] * (len(POOLS) - len(values))
    bases = [max(1.0, _finite(b)) for b in list(base or [])[: len(POOLS)]]
    bases += [1.0] * (len(POOLS) - len(bases))
    return tuple(b * math.exp(ACTION_SCALE * min(1.0, max(-1.0, v))) for b, v in zip(bases, values, strict=True))


def project(
    action: Sequence[float], context: ProjectionContext, limits: SafetyLimits, base: Sequence[int] | None = None
) -> Projection:
    """Project a policy action (five numbers, nominally in [-1, 1], around ``base``) onto a lawful split."""
    return project_target(action_to_weights(action, base), context, limits)


def project_target(target: Sequence[float], context: ProjectionContext, limits: SafetyLimits) -> Projection:
    """Project target weights (any numbers; only their proportions matter) onto a lawful split."""
    lo, hi = list(limits.min_bps), list(limits.max_bps)
    current = list(_sanitize_split(context.current_bps))
    anchor = _clip_to_box(current, lo, hi)
    bound: list[str] = [] if anchor == current else ["current split"]
    floor = _reserve_floor(anchor, lo, hi, _reserve_need_bps(context, limits), limits.turnover_cap_bps)
    lifted = _lift_reserve(anchor, lo, floor)
    lo[RESERVE] = floor
    wanted = _proportions(target)
    goal = _box_simplex(wanted, lo, hi)
    split, full = _limit_turnover(lifted, goal, anchor, limits.turnover_cap_bps)
    if floor > limits.min_bps[RESERVE] and (split[RESERVE] == floor or wanted[RESERVE] < floor):
        bound.append("reserve floor")
    bound += [f"min {POOLS[i]}" for i in range(len(POOLS)) if wanted[i] < limits.min_bps[i] - 1e-6]
    bound += [f"max {POOLS[i]}" for i in range(len(POOLS)) if wanted[i] > hi[i] + 1e-6]
    if not full:
        bound.append("turnover cap")
    return Projection(tuple(split), tuple(bound))


def _finite(value: float) -> float:
    """Any real number as a float within +-1e9 (NaN as 0; ints too large for a float saturate)."""
    try:
        number = float(value)
    except OverflowError:
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number):
        return 0.0
    return max(-1e9, min(1e9, number))


def _sanitize_split(split: Sequence[int]) -> tuple[int, ...]:
    values = [max(0, min(BPS, int(v))) for v in list(split)[: len(POOLS)]]
    values += [0] * (len(POOLS) - len(values))
    return tuple(values)


def _proportions(target: Sequence[float]) -> list[float]:
    """Target weights as basis points summing to 10,000 (equal when nothing usable is given)."""
    values = [_finite(t) for t in list(target)[: len(POOLS)]]
    values = [v if v > 0 else 0.0 for v in values] + [0.0] * (len(POOLS) - len(values))
    total = sum(values)
    if total <= 0 or not math.isfinite(total):
        return [BPS / len(POOLS)] * len(POOLS)
    return [BPS * v / total for v in values]


def _box_simplex(wanted: Sequence[float], lo: Sequence[int], hi: Sequence[int]) -> list[float]:
    """Euclidean projection onto {lo <= x <= hi, sum x = 10,000}: find the shift of ``wanted`` exactly.

    ``total(shift) = sum(clip(w - shift, lo, hi))`` is piecewise linear and non-increasing, with kinks
    at ``w - hi`` and ``w - lo``; the shift lies on the segment between two kinks.
    """
    triples = list(zip(wanted, lo, hi, strict=True))

    def total(shift: float) -> float:
        return sum(min(h, max(lo_, w - shift)) for w, lo_, h in triples)

    kinks = sorted({w - h for w, _, h in triples} | {w - lo_ for w, lo_, _ in triples})
    shift = kinks[-1]
    for left, right in itertools.pairwise(kinks):
        high, low = total(left), total(right)
        if high >= BPS >= low:
            shift = right if high == low else left + (high - BPS) * (right - left) / (high - low)
            break
    return [min(h, max(lo_, w - shift)) for w, lo_, h in triples]


def _clip_to_box(split: Sequence[int], lo: Sequence[int], hi: Sequence[int]) -> list[int]:
    """The current split within the limits; when it already is, unchanged."""
    if sum(split) == BPS and all(a <= s <= b for s, a, b in zip(split, lo, hi, strict=True)):
        return list(split)
    return _round_split(_box_simplex([float(s) for s in split], lo, hi), lo, hi)


def _reserve_need_bps(context: ProjectionContext, limits: SafetyLimits) -> int:
    """Reserve share needed to close the gap to the floor within one epoch, plus one epoch of cost."""
    gap = context.floor_balance(limits) - max(0, context.treasury)
    if gap <= 0:
        return 0
    gap += max(0, context.op_cost_per_epoch)
    revenue = max(1, context.expected_revenue)
    return min(BPS, -(-gap * BPS // revenue))


def _reserve_floor(anchor: Sequence[int], lo: Sequence[int], hi: Sequence[int], need: int, cap: int) -> int:
    """The reserve minimum this epoch: what the floor needs, as far as the turnover cap lets it climb."""
    room = sum(anchor[i] - lo[i] for i in range(len(anchor)) if i != RESERVE)
    reachable = max(anchor[RESERVE], min(hi[RESERVE], anchor[RESERVE] + min(cap // 2, room)))
    return max(lo[RESERVE], min(need, reachable))


def _lift_reserve(anchor: Sequence[int], lo: Sequence[int], floor: int) -> list[int]:
    """Move basis points into the reserve up to ``floor``, from the pools with the most room."""
    split = list(anchor)
    room = [0 if i == RESERVE else split[i] - lo[i] for i in range(len(split))]
    while split[RESERVE] < floor:
        donor = max(range(len(split)), key=lambda i: (room[i], -i))
        take = min(room[donor], floor - split[RESERVE])
        split[donor] -= take
        room[donor] -= take
        split[RESERVE] += take
    return split


def _round_split(values: Sequence[float], lo: Sequence[int], hi: Sequence[int]) -> list[int]:
    """Largest-remainder rounding that keeps each value within its (integer) bounds and sums to 10,000."""
    floors = [max(lo_, min(h, math.floor(v))) for v, lo_, h in zip(values, lo, hi, strict=True)]
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    short = BPS - sum(floors)
    for i in order * 2:
        if short <= 0:
            break
        if floors[i] < hi[i]:
            floors[i] += 1
            short -= 1
    return floors


def _limit_turnover(
    start: list[int], goal: Sequence[float], anchor: Sequence[int], cap: int
) -> tuple[list[int], bool]:
    """The point nearest ``goal`` on the segment from ``start`` whose rounded form is within the cap.

    Rounding moves each pool by less than one basis point, so aiming five below the cap always lands
    within it; ``start`` itself is within the cap by construction and is the last resort.
    """
    lo = [min(s, math.floor(g)) for s, g in zip(start, goal, strict=True)]
    hi = [max(s, math.ceil(g)) for s, g in zip(start, goal, strict=True)]
    for budget in (cap, cap - len(start)):
        step = _longest_step(start, goal, anchor, budget)
        candidate = _round_split([s + step * (g - s) for s, g in zip(start, goal, strict=True)], lo, hi)
        if sum(abs(a - b) for a, b in zip(candidate, anchor, strict=True)) <= cap:
            return candidate, step >= 1.0
    return list(start), False


def _longest_step(start: Sequence[int], goal: Sequence[float], anchor: Sequence[int], budget: float) -> float:
    """Largest ``s`` in [0, 1] with ``L1(start + s * (goal - start) - anchor) <= budget`` (0 if none)."""

    def distance(s: float) -> float:
        return sum(abs(a + s * (g - a) - c) for a, g, c in zip(start, goal, anchor, strict=True))

    if distance(0.0) > budget:
        return 0.0
    kinks = sorted({(c - a) / (g - a) for a, g, c in zip(start, goal, anchor, strict=True)
                    if g != a and 0.0 < (c - a) / (g - a) < 1.0} | {1.0})
    left = 0.0
    for right in kinks:
        at_left, at_right = distance(left), distance(right)
        if at_right > budget:
            return left + (budget - at_left) * (right - left) / (at_right - at_left)
        left = right
    return 1.0
