"""The chain as the bot remembers it: proposals, votes, balances, revenue. Values only, no I/O.

``proposal_state`` is the one rule that turns what was indexed (lifecycle facts, the clock of the
indexed head, the Governor's own answer after the deadline) into the state members see; it mirrors
OpenZeppelin's ``Governor.state`` with ``GovernorTimelockControl``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from governance.domain.addresses import Address

__all__ = [
    "ClassifierInfo",
    "ClassifierRevenue",
    "EpochRevenue",
    "Holding",
    "ProposalFacts",
    "ProposalState",
    "ProposalView",
    "Tally",
    "TreasurySummary",
    "VoteRecord",
    "WatchStatus",
    "proposal_state",
]


class ProposalState(IntEnum):
    """OpenZeppelin's ``IGovernor.ProposalState``, same numbering."""

    PENDING = 0
    ACTIVE = 1
    CANCELED = 2
    DEFEATED = 3
    SUCCEEDED = 4
    QUEUED = 5
    EXPIRED = 6
    EXECUTED = 7

    @property
    def label(self) -> str:
        return self.name.capitalize()


class Support(IntEnum):
    AGAINST = 0
    FOR = 1
    ABSTAIN = 2


@dataclass(frozen=True)
class Tally:
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain

    def add(self, support: int, weight: int) -> Tally:
        return Tally(
            self.votes_for + (weight if support == Support.FOR else 0),
            self.votes_against + (weight if support == Support.AGAINST else 0),
            self.votes_abstain + (weight if support == Support.ABSTAIN else 0),
        )


@dataclass(frozen=True)
class ProposalFacts:
    """What the index knows about a proposal's lifecycle, independent of the current time."""

    vote_start: int
    vote_end: int
    queued: bool = False
    executed: bool = False
    canceled: bool = False
    state_after_deadline: ProposalState | None = None


def proposal_state(facts: ProposalFacts, clock: int, tally: Tally, quorum: int | None) -> ProposalState:
    """The state at ``clock`` (the Governor's clock of the indexed head: block number or timestamp)."""
    if facts.executed:
        return ProposalState.EXECUTED
    if facts.canceled:
        return ProposalState.CANCELED
    if facts.queued:
        return ProposalState.QUEUED
    if clock <= facts.vote_start:
        return ProposalState.PENDING
    if clock <= facts.vote_end:
        return ProposalState.ACTIVE
    if facts.state_after_deadline is not None:
        return facts.state_after_deadline
    reached = quorum is None or tally.votes_for + tally.votes_abstain >= quorum
    return ProposalState.SUCCEEDED if reached and tally.votes_for > tally.votes_against else ProposalState.DEFEATED


@dataclass(frozen=True)
class VoteRecord:
    proposal_id: int
    voter: Address
    support: int
    weight: int
    reason: str
    block_number: int
    tx_hash: str


@dataclass(frozen=True)
class ProposalView:
    proposal_id: int
    proposer: Address
    description: str
    targets: tuple[Address, ...]
    values: tuple[int, ...]
    calldatas: tuple[str, ...]
    vote_start: int
    vote_end: int
    state: ProposalState
    tally: Tally
    quorum: int | None
    eta: int | None
    created_block: int
    timelock_operation: str | None

    @property
    def title(self) -> str:
        first = self.description.strip().splitlines()[0] if self.description.strip() else ""
        return first.lstrip("# ").strip()[:120] or f"Proposal {self.proposal_id}"


@dataclass(frozen=True)
class Holding:
    account: Address
    balance: int


@dataclass(frozen=True)
class ClassifierInfo:
    classifier_id: int
    name: str
    owner: Address
    model_hash: str
    uri: str
    share_supply: int
    listed_block: int
    delisted_block: int | None

    @property
    def listed(self) -> bool:
        return self.delisted_block is None


@dataclass(frozen=True)
class ClassifierRevenue:
    classifier_id: int
    amount: int


@dataclass(frozen=True)
class EpochRevenue:
    epoch: int
    revenue: int
    by_classifier: tuple[ClassifierRevenue, ...]
    closed: bool
    member_dividends: int = 0
    classifier_dividends: int = 0
    bounties: int = 0
    reserve: int = 0
    operations: int = 0


@dataclass(frozen=True)
class TreasurySummary:
    total_revenue: int
    open_revenue: int
    epochs_closed: int
    reserve_added: int
    reserve_spent: int
    dividends_budgeted: int
    dividends_claimed: int
    dividends_swept: int
    allocation_bps: tuple[int, int, int, int, int] | None
    listed_classifiers: int
    delisted_classifiers: int

    @property
    def dividends_outstanding(self) -> int:
        return self.dividends_budgeted - self.dividends_claimed - self.dividends_swept


@dataclass(frozen=True)
class WatchStatus:
    """Where the watcher stands and what it could not find of the suite."""

    chain_id: int
    indexed_block: int | None
    indexed_time: int | None
    missing_parts: tuple[str, ...]
