"""The observation: what the policy sees, computed the same way in training and live.

Every feature is a ratio (to the operating cost, to the floor, between revenue windows), so the
simulator's cost units and the chain's int base units give the same numbers.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from governance.domain.amounts import BPS
from policies.allocation.safety import POOLS, SECONDS_PER_MONTH

__all__ = ["FEATURE_NAMES", "observe"]

FEATURE_NAMES: tuple[str, ...] = (
    "runway (log months)",
    "runway above the floor",
    "last revenue / cost (log)",
    "recent revenue / cost (log)",
    "revenue trend",
    "revenue volatility",
    "revenue shock",
    *(f"current {pool} share" for pool in POOLS),
)


def observe(
    treasury: float,
    revenue_history: Sequence[float],
    current_split: Sequence[int],
    op_cost: float,
    epoch_seconds: int,
    floor_months: int,
) -> NDArray[np.float32]:
    """The observation vector (see :data:`FEATURE_NAMES`); any sizes in one unit (ints or floats)."""
    cost = max(float(op_cost), 1e-12)
    per_month = cost * SECONDS_PER_MONTH / max(1, epoch_seconds)
    runway = max(0.0, float(treasury)) / per_month
    history = [max(0.0, float(r)) for r in revenue_history[-8:]] or [0.0]
    last, recent, earlier = history[-1], history[-4:], history[-8:-4] or history[:1]
    features = [
        _clip(math.log1p(runway) / 3.0, 0.0, 4.0),
        _clip(runway / max(floor_months, 1) - 1.0, -1.0, 4.0),
        _log_ratio(last, cost),
        _log_ratio(statistics.fmean(recent), cost),
        _clip(_log_ratio(statistics.fmean(recent), statistics.fmean(earlier)), -1.0, 1.0),
        _volatility(history),
        _clip(_log_ratio(last, statistics.fmean(history)), -1.0, 1.0),
        *(_clip(int(s) / BPS, 0.0, 1.0) for s in list(current_split)[: len(POOLS)]),
    ]
    return np.asarray(features, dtype=np.float32)


def _clip(value: float, low: float, high: float) -> float:
    return min(high, max(low, value)) if math.isfinite(value) else 0.0


def _log_ratio(a: float, b: float) -> float:
    scale = max(abs(b), 1e-12)
    return _clip(math.log((a + 1e-3 * scale) / (b + 1e-3 * scale)), -3.0, 3.0)


def _volatility(history: Sequence[float]) -> float:
    changes = [_log_ratio(b, a) for a, b in itertools.pairwise(history)]
    return _clip(statistics.pstdev(changes), 0.0, 1.0) if len(changes) >= 2 else 0.0
