"""Allocation advisor inference time; prints figures, asserts nothing about time.

    .venv/bin/python bench/advisor.py [--artifact policies/allocation/artifacts] [--repeat 2000]

1. Loading the artifact (SHA-256 checks, PPO zips, normalisation statistics).
2. The split itself: observation, every seed's actor (plain matrices), mean action, safety projection
   (``Advisor.policy_split``). Target: under 5 ms.
3. The full ``Advisor.suggest``: the split, each seed's split, every baseline, feature sensitivities
   (drivers) and the revenue what-ifs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import torch

from policies.allocation.advisor import Advisor, TreasuryState
from policies.allocation.artifacts import DEFAULT_DIR

USD = 10**6
STATE = TreasuryState(
    treasury_balance=80_000 * USD,
    revenue_history=tuple(v * USD for v in (9_000, 9_400, 8_700, 10_100, 9_800, 10_400, 9_900, 10_600)),
    current_split=(2500, 2000, 1000, 2000, 2500),
    op_cost_per_epoch=2_500 * USD,
    epoch_seconds=7 * 86_400,
)


def timed(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--artifact", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--repeat", type=int, default=2000)
    args = parser.parse_args()
    torch.set_num_threads(1)

    started = time.perf_counter()
    advisor = Advisor.load(args.artifact)
    print(f"load (hash checks + {len(advisor.policies)} seeds): {(time.perf_counter() - started) * 1000:.0f} ms")

    advisor.suggest(STATE)  # warm-up
    median, p95 = timed(lambda: advisor.policy_split(STATE), args.repeat)
    print(f"split (forward pass of {len(advisor.policies)} seeds + projection): median {median:.3f} ms, "
          f"p95 {p95:.3f} ms  (target < 5 ms)")
    median, p95 = timed(lambda: advisor.suggest(STATE), max(1, args.repeat // 10))
    print(f"full suggest() with baselines, drivers and what-ifs: median {median:.3f} ms, p95 {p95:.3f} ms")
    suggestion = advisor.suggest(STATE)
    print(f"proposed {suggestion.proposed_bps} ({suggestion.source}); policy {suggestion.policy_bps}; "
          f"confidence {suggestion.confidence:.2f}")


if __name__ == "__main__":
    main()
