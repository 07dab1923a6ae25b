"""What happened on chain, as members hear about it: one frozen dataclass per fact, past tense.

Every event knows where it came from (``ChainPosition``) and its outbox ``dedupe_key``: the log's
``chain:tx:logindex``, or a lifecycle key when several logs (or none) stand for one fact — a proposal
queued emits a Governor event and one timelock event per call, but members hear of it once.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from governance.domain.notifications import Notification

__all__ = [
    "ChainEvent",
    "ChainPosition",
    "ClassifierDelisted",
    "ClassifierListed",
    "DividendClaimed",
    "DividendsSwept",
    "EpochClosed",
    "ProposalCanceled",
    "ProposalCreated",
    "ProposalExecuted",
    "ProposalQueued",
    "RootProposed",
    "RootVetoed",
    "RoundAnchored",
    "VoteCast",
    "VotingEnded",
    "VotingStarted",
    "lifecycle_key",
    "to_notification",
]


@dataclass(frozen=True)
class ChainPosition:
    """Where a fact was seen: a log (tx hash and log index) or, for a lifecycle fact, only a block."""

    chain_id: int
    block_number: int
    tx_hash: str = ""
    log_index: int = -1

    @property
    def log_key(self) -> str:
        return f"{self.chain_id}:{self.tx_hash}:{self.log_index}"


def lifecycle_key(chain_id: int, proposal_id: int, stage: str) -> str:
    return f"{chain_id}:proposal:{proposal_id}:{stage}"


@dataclass(frozen=True)
class ChainEvent:
    at: ChainPosition

    @property
    def dedupe_key(self) -> str:
        return self.at.log_key


@dataclass(frozen=True)
class _ProposalLifecycle(ChainEvent):
    proposal_id: int

    stage = ""

    @property
    def dedupe_key(self) -> str:
        return lifecycle_key(self.at.chain_id, self.proposal_id, self.stage)


@dataclass(frozen=True)
class ProposalCreated(_ProposalLifecycle):
    proposer: str
    description: str
    vote_start: int
    vote_end: int
    stage = "created"


@dataclass(frozen=True)
class VotingStarted(_ProposalLifecycle):
    vote_end: int
    stage = "voting-started"


@dataclass(frozen=True)
class VotingEnded(_ProposalLifecycle):
    """The deadline passed; ``outcome`` is the Governor's ``state()`` name then (Succeeded, Defeated, ...)."""

    outcome: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    quorum: int | None
    stage = "voting-ended"


@dataclass(frozen=True)
class ProposalQueued(_ProposalLifecycle):
    eta: int | None
    stage = "queued"


@dataclass(frozen=True)
class ProposalExecuted(_ProposalLifecycle):
    source: str
    stage = "executed"


@dataclass(frozen=True)
class ProposalCanceled(_ProposalLifecycle):
    """Canceled on the Governor, or its operation canceled directly on the timelock (``source``)."""

    source: str
    stage = "canceled"


@dataclass(frozen=True)
class VoteCast(ChainEvent):
    proposal_id: int
    voter: str
    support: int
    weight: int
    reason: str


@dataclass(frozen=True)
class EpochClosed(ChainEvent):
    epoch: int
    revenue: int
    member_dividends: int
    classifier_dividends: int
    bounties: int
    reserve: int
    operations: int


@dataclass(frozen=True)
class RootProposed(ChainEvent):
    epoch: int
    root: str
    total: int
    manifest_hash: str
    manifest_uri: str
    claimable_at: int


@dataclass(frozen=True)
class RootVetoed(ChainEvent):
    epoch: int
    root: str


@dataclass(frozen=True)
class DividendClaimed(ChainEvent):
    epoch: int
    account: str
    amount: int


@dataclass(frozen=True)
class DividendsSwept(ChainEvent):
    epoch: int
    amount: int


@dataclass(frozen=True)
class ClassifierListed(ChainEvent):
    classifier_id: int
    name: str
    owner: str
    model_hash: str
    uri: str
    share_supply: int


@dataclass(frozen=True)
class ClassifierDelisted(ChainEvent):
    classifier_id: int


@dataclass(frozen=True)
class RoundAnchored(ChainEvent):
    round_id: int
    root: str
    uri: str
    moderator: str


def _plain(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        return str(value)  # JSON readers outside Python lose precision above 2**53
    return value


def to_notification(event: ChainEvent) -> Notification:
    """The outbox entry for ``event``: its class name as kind, its fields as a JSON-safe payload."""
    payload: dict[str, Any] = {
        "chain_id": event.at.chain_id,
        "block_number": event.at.block_number,
        "tx_hash": event.at.tx_hash,
        "log_index": event.at.log_index,
    }
    for item in fields(event):
        if item.name != "at":
            payload[item.name] = _plain(getattr(event, item.name))
    return Notification(kind=type(event).__name__, dedupe_key=event.dedupe_key, payload=payload)
