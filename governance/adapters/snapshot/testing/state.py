"""What a local Snapshot hub remembers: spaces, proposals, votes, voting power, message ids."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from governance.domain.addresses import Address, parse_address
from governance.domain.snapshot import VotingType
from governance.domain.snapshot.tally import tally

__all__ = ["HubState", "LocalProposal", "LocalSpace", "StoredVote"]


@dataclass(frozen=True)
class LocalSpace:
    """A space; ``admins`` and ``members`` may always propose, others need voting power."""

    id: str
    name: str
    admins: frozenset[Address] = frozenset()
    members: frozenset[Address] = frozenset()


@dataclass(frozen=True)
class LocalProposal:
    id: str
    space: str
    author: Address
    title: str
    body: str
    choices: tuple[str, ...]
    type: VotingType
    start: int
    end: int
    snapshot: int
    created: int


@dataclass(frozen=True)
class StoredVote:
    id: str
    voter: Address
    choice: Any
    vp: Decimal
    reason: str
    app: str
    created: int


@dataclass
class HubState:
    clock: Callable[[], int]
    spaces: dict[str, LocalSpace] = field(default_factory=dict)
    proposals: dict[str, LocalProposal] = field(default_factory=dict)
    votes: dict[str, dict[Address, StoredVote]] = field(default_factory=dict)
    power: dict[tuple[str, Address], Decimal] = field(default_factory=dict)
    message_ids: set[str] = field(default_factory=set)

    def add_space(self, space: LocalSpace) -> None:
        self.spaces[space.id] = space

    def add_proposal(self, proposal: LocalProposal) -> None:
        if proposal.space not in self.spaces:
            raise KeyError(f"no space {proposal.space}")
        self.proposals[proposal.id] = proposal
        self.votes.setdefault(proposal.id, {})

    def new_proposal_id(self, space: str, title: str) -> str:
        seed = f"{space}\x00{title}\x00{len(self.proposals)}".encode()
        return "0x" + hashlib.sha256(seed).hexdigest()

    def set_power(self, space: str, voter: str, vp: Decimal) -> None:
        self.power[(space, parse_address(voter))] = vp

    def power_of(self, space: str, voter: Address) -> Decimal:
        return self.power.get((space, voter), Decimal(0))

    def proposal_in(self, space: str, proposal_id: str) -> LocalProposal | None:
        proposal = self.proposals.get(proposal_id)
        return proposal if proposal is not None and proposal.space == space else None

    def record_vote(self, proposal_id: str, vote: StoredVote) -> None:
        self.votes[proposal_id][vote.voter] = vote

    def votes_on(self, proposal_id: str) -> list[StoredVote]:
        return sorted(self.votes.get(proposal_id, {}).values(), key=lambda v: (v.created, v.id))

    def state_of(self, proposal: LocalProposal) -> str:
        now = self.clock()
        return "pending" if proposal.start > now else "active" if proposal.end > now else "closed"

    def scores_of(self, proposal: LocalProposal) -> tuple[tuple[Decimal, ...], Decimal]:
        ballots = [(v.choice, v.vp) for v in self.votes_on(proposal.id)]
        return tally(proposal.type, proposal.choices, ballots)

    def move_proposal(self, proposal_id: str, *, start: int | None = None, end: int | None = None) -> None:
        current = self.proposals[proposal_id]
        self.proposals[proposal_id] = replace(
            current, start=current.start if start is None else start, end=current.end if end is None else end
        )

    def spaces_named(self, ids: Iterable[str]) -> list[LocalSpace]:
        return [self.spaces[i] for i in ids if i in self.spaces]
