"""What a Snapshot hub reports: proposals, votes, voting power, and the sequencer's receipt.

Scores and voting power are ``Decimal`` exactly as the hub printed them: Snapshot computes
them as floating-point numbers, daobot never does arithmetic on them in floats.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from governance.domain.addresses import Address
from governance.domain.errors import WrongState
from governance.domain.snapshot.choices import VotingType, parse_voting_type

__all__ = ["CastChoice", "Proposal", "Receipt", "Vote", "VotingPower"]

CastChoice = int | tuple[int, ...] | Mapping[int, Decimal] | str
"""A choice as the hub reports it; ``str`` for an encrypted (shutter) ballot."""


@dataclass(frozen=True)
class Proposal:
    id: str
    space: str
    author: str
    title: str
    body: str
    choices: tuple[str, ...]
    type: str
    start: int
    end: int
    snapshot: int
    state: str
    scores: tuple[Decimal, ...]
    scores_total: Decimal
    votes: int

    @property
    def voting_type(self) -> VotingType:
        return parse_voting_type(self.type)

    def is_open(self, now: int) -> bool:
        """Whether a vote signed at ``now`` lands inside the voting window (both ends included)."""
        return self.start <= now <= self.end

    def require_open(self, now: int) -> None:
        if now < self.start:
            raise WrongState(f"Voting on “{self.title}” has not started yet.")
        if now > self.end:
            raise WrongState(f"Voting on “{self.title}” has ended.")


@dataclass(frozen=True)
class Vote:
    id: str
    voter: Address
    choice: CastChoice
    vp: Decimal
    reason: str
    created: int


@dataclass(frozen=True)
class VotingPower:
    vp: Decimal
    vp_by_strategy: tuple[Decimal, ...]
    vp_state: str


@dataclass(frozen=True)
class Receipt:
    """The sequencer's answer to an accepted message: its id (the EIP-712 hash) and IPFS address."""

    id: str
    ipfs: str
