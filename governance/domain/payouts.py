"""One epoch's dividend manifest, computed from chain facts: pure, deterministic, integer base units.

The distributor budget of an epoch has three pools (``EpochClosed`` / ``epochBudgets``):

- **member dividends**, pro rata to governance-token balances at the epoch's end block, leaving out
  ``excluded`` accounts (the treasury, the timelock and the distributor hold tokens that are no one's);
- **classifier dividends**, first per classifier in proportion to the revenue attributed to it in the
  epoch, then pro rata to the ERC-1155 share balances of that classifier at the end block;
- **bounties**, first per classifier by its bounty weight (basis points, at most 10,000 in total), then pro
  rata to its share balances.

Every division floors. What the floors leave (the dust), and a pool part with no one to receive it, stays
unclaimed and is swept back to the treasury. An account that receives from several pools gets one leaf
with the sum, so ``sum(leaves) <= budget`` always holds, and is checked.

``default_bounty_weights`` is the documented stand-in until moderation scores drive bounties: a
classifier's weight is its revenue share, in basis points (floored).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from governance.domain.addresses import Address
from governance.domain.errors import IntegrityError, InvalidInput

__all__ = [
    "BPS",
    "ClassifierInput",
    "ClassifierPayout",
    "EpochBudget",
    "ManifestResult",
    "PayoutInputs",
    "compute_manifest",
    "default_bounty_weights",
    "pro_rata",
]

BPS = 10_000


@dataclass(frozen=True)
class EpochBudget:
    """What the treasury moved to the distributor for one epoch, per pool."""

    member: int
    classifier: int
    bounty: int

    def __post_init__(self) -> None:
        if min(self.member, self.classifier, self.bounty) < 0:
            raise InvalidInput("A pool budget cannot be negative.")

    @property
    def total(self) -> int:
        return self.member + self.classifier + self.bounty


@dataclass(frozen=True)
class ClassifierInput:
    """One classifier's facts for the epoch: revenue attributed to it, bounty weight, shareholders."""

    classifier_id: int
    revenue: int
    bounty_bps: int
    shares: Mapping[Address, int] = field(default_factory=dict)


@dataclass(frozen=True)
class PayoutInputs:
    chain_id: int
    epoch: int
    end_block: int
    budget: EpochBudget
    token_balances: Mapping[Address, int]
    excluded: frozenset[Address]
    classifiers: tuple[ClassifierInput, ...]

    def __post_init__(self) -> None:
        ids = [c.classifier_id for c in self.classifiers]
        if len(set(ids)) != len(ids):
            raise InvalidInput("A classifier appears twice in the payout inputs.")
        if sum(c.bounty_bps for c in self.classifiers) > BPS or any(c.bounty_bps < 0 for c in self.classifiers):
            raise InvalidInput("Bounty weights are basis points adding up to at most 10,000.")


@dataclass(frozen=True)
class ClassifierPayout:
    """The summary line of one classifier in a manifest."""

    classifier_id: int
    revenue: int
    bounty_bps: int
    share_supply: int
    holders: int
    dividend: int
    bounty: int


@dataclass(frozen=True)
class ManifestResult:
    """Leaves sorted by account (one per account, amounts > 0) and what each pool paid."""

    leaves: tuple[tuple[Address, int], ...]
    member_paid: int
    token_supply_counted: int
    member_holders: int
    classifiers: tuple[ClassifierPayout, ...]

    @property
    def total(self) -> int:
        return sum(amount for _, amount in self.leaves)


def pro_rata(amount: int, weights: Mapping[Address, int]) -> dict[Address, int]:
    """Floor of ``amount * w / sum(w)`` for each positive weight; nothing when the weights are all zero."""
    positive = {account: w for account, w in weights.items() if w > 0}
    whole = sum(positive.values())
    if whole == 0 or amount <= 0:
        return {}
    return {account: amount * w // whole for account, w in positive.items()}


def default_bounty_weights(revenue: Mapping[int, int]) -> dict[int, int]:
    """Each classifier's revenue share in basis points (floored): the bounty weights until moderation is wired."""
    whole = sum(v for v in revenue.values() if v > 0)
    if whole == 0:
        return {}
    return {cid: v * BPS // whole for cid, v in sorted(revenue.items()) if v > 0}


def _add(into: dict[Address, int], parts: Mapping[Address, int]) -> int:
    paid = 0
    for account, amount in parts.items():
        if amount:
            into[account] = into.get(account, 0) + amount
            paid += amount
    return paid


def _classifier_parts(inputs: PayoutInputs, into: dict[Address, int]) -> tuple[ClassifierPayout, ...]:
    revenue_total = sum(c.revenue for c in inputs.classifiers if c.revenue > 0)
    out: list[ClassifierPayout] = []
    for c in sorted(inputs.classifiers, key=lambda c: c.classifier_id):
        dividend_part = inputs.budget.classifier * c.revenue // revenue_total if revenue_total and c.revenue > 0 else 0
        bounty_part = inputs.budget.bounty * c.bounty_bps // BPS
        dividend = _add(into, pro_rata(dividend_part, c.shares))
        bounty = _add(into, pro_rata(bounty_part, c.shares))
        holders = sum(1 for v in c.shares.values() if v > 0)
        supply = sum(v for v in c.shares.values() if v > 0)
        out.append(ClassifierPayout(c.classifier_id, c.revenue, c.bounty_bps, supply, holders, dividend, bounty))
    return tuple(out)


def compute_manifest(inputs: PayoutInputs) -> ManifestResult:
    """The leaves of one epoch (see the module docstring); raises ``IntegrityError`` if over budget."""
    into: dict[Address, int] = {}
    members = {a: b for a, b in inputs.token_balances.items() if a not in inputs.excluded and b > 0}
    member_paid = _add(into, pro_rata(inputs.budget.member, members))
    classifiers = _classifier_parts(inputs, into)
    leaves = tuple(sorted(((a, n) for a, n in into.items() if n > 0), key=lambda leaf: leaf[0].lower()))
    result = ManifestResult(leaves, member_paid, sum(members.values()), len(members), classifiers)
    if result.total > inputs.budget.total:
        raise IntegrityError(f"The manifest pays {result.total}, more than the budget {inputs.budget.total}.")
    return result

