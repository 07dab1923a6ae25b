"""The per-wallet weight cap of moderation votes.

Definition. On one item, let ``w_1 .. w_n`` be the voting powers of the ``n`` wallets that voted on it
and ``r = max(cap, 1/n)`` (``cap`` in basis points). Each wallet counts ``min(w_i, C)`` where the
ceiling ``C`` is the largest whole number such that

    C <= r * sum_j min(w_j, C)

i.e. no wallet counts for more than the share ``r`` of the item's counted weight. Wallets under the
ceiling count in full; the ceiling only trims the largest ones, and trims them all to the same level.

Why ``max(cap, 1/n)``: with fewer than ``1/cap`` voters no ceiling can bring every share under
``cap`` (the best possible is equal shares, ``1/n`` each), so then every wallet counts equally.

Properties: it depends only on the multiset of weights (order-independent), uses integers and
fractions only (deterministic), and the capped share never exceeds ``r`` (the share of the top wallet,
``C / sum min(w_j, C)``, grows with ``C``, so rounding ``C`` down keeps it under the bound).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import TypeVar

from governance.domain.amounts import BPS
from governance.domain.errors import InvalidInput

__all__ = ["capped_weights", "weight_ceiling"]

K = TypeVar("K")


def _check(weights: list[int], cap_bps: int) -> None:
    if not 0 < cap_bps <= BPS:
        raise InvalidInput("The weight cap must be between 1 and 10,000 basis points.")
    if any(isinstance(w, bool) or not isinstance(w, int) or w <= 0 for w in weights):
        raise InvalidInput("Ballot weights must be positive whole numbers.")


def weight_ceiling(weights: Iterable[int], cap_bps: int) -> int:
    """The ceiling ``C`` defined above; the largest weight when no wallet needs trimming."""
    ordered = sorted(weights)
    _check(ordered, cap_bps)
    n = len(ordered)
    if n == 0:
        return 0
    share = max(Fraction(cap_bps, BPS), Fraction(1, n))
    fully_counted = 0  # sum of the weights below the ceiling (the k smallest)
    for k, upper in enumerate(ordered):
        # Candidate ceilings between ordered[k-1] and ordered[k]: k wallets in full, n-k trimmed to C.
        trimmed = n - k
        if share * trimmed < 1:
            bound = share * fully_counted / (1 - share * trimmed)
            if bound < upper:
                return int(bound)  # floor; bound >= ordered[k-1] since the previous interval passed
        fully_counted += upper
    return ordered[-1]


def capped_weights(weights: Mapping[K, int], cap_bps: int) -> dict[K, int]:
    """Each wallet's counted weight, ``min(w, C)``, keyed as given."""
    ceiling = weight_ceiling(weights.values(), cap_bps)
    return {key: min(weight, ceiling) for key, weight in weights.items()}
