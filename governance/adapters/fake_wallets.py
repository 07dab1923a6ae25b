"""In-memory fakes of the wallet and signing ports, for tests and the demo.

They keep the same rules the real adapters must keep (compare-and-set ``mark_used``, one wallet
per member and one member per wallet) so services behave the same on both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.domain.addresses import Address
from governance.domain.errors import ChainError, WrongState
from governance.domain.keccak import keccak256
from governance.domain.signing import DelegationRelayIntent, SigningRequest, VoteRelayIntent

__all__ = ["FakeSigningRequestStore", "FakeVoteRelay", "FakeVotesReader", "FakeWalletLinkStore"]


class FakeSigningRequestStore:
    def __init__(self) -> None:
        self.requests: dict[str, SigningRequest] = {}

    async def add(self, request: SigningRequest) -> None:
        if request.token in self.requests:
            raise WrongState("That signing token already exists.")
        self.requests[request.token] = request

    async def get(self, token: str) -> SigningRequest | None:
        return self.requests.get(token)

    async def mark_used(self, token: str, at: int) -> bool:
        request = self.requests.get(token)
        if request is None or request.used_at is not None:
            return False
        self.requests[token] = request.used(at)
        return True

    async def count_since(self, member_id: int, since: int) -> int:
        return sum(1 for r in self.requests.values() if r.member_id == member_id and r.created >= since)


class FakeWalletLinkStore:
    def __init__(self) -> None:
        self.wallets: dict[int, Address] = {}
        self.linked_at: dict[int, int] = {}

    async def wallet_of(self, member_id: int) -> Address | None:
        return self.wallets.get(member_id)

    async def member_of(self, wallet: Address) -> int | None:
        return next((m for m, w in self.wallets.items() if w.lower() == wallet.lower()), None)

    async def link(self, member_id: int, wallet: Address, at: int) -> None:
        holder = await self.member_of(wallet)
        if holder is not None and holder != member_id:
            raise WrongState("That wallet is already linked to another member.")
        self.wallets[member_id] = wallet
        self.linked_at[member_id] = at


@dataclass
class FakeVotesReader:
    governor: dict[str, int] = field(default_factory=dict)
    token: dict[str, int] = field(default_factory=dict)
    delegates: dict[str, Address] = field(default_factory=dict)

    async def governor_nonce(self, voter: Address) -> int:
        return self.governor.get(voter, 0)

    async def token_nonce(self, holder: Address) -> int:
        return self.token.get(holder, 0)

    async def delegate_of(self, holder: Address) -> Address | None:
        return self.delegates.get(holder)


class FakeVoteRelay:
    """Records every intent and answers a deterministic fake transaction hash (same key, same hash)."""

    def __init__(self) -> None:
        self.votes: list[VoteRelayIntent] = []
        self.delegations: list[DelegationRelayIntent] = []
        self.fail_with: ChainError | None = None

    def _hash(self, key: str) -> str:
        if self.fail_with is not None:
            raise self.fail_with
        return "0x" + keccak256(key.encode()).hex()

    async def relay_vote(self, intent: VoteRelayIntent) -> str:
        tx_hash = self._hash(intent.key)
        self.votes.append(intent)
        return tx_hash

    async def relay_delegation(self, intent: DelegationRelayIntent) -> str:
        tx_hash = self._hash(intent.key)
        self.delegations.append(intent)
        return tx_hash
