"""Protocols for every side effect. Services depend on these; adapters implement them; tests use fakes.

Each section belongs to one feature; keep sections small and independent.
"""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from governance.domain import signing as _signing
from governance.domain.addresses import Address
from governance.domain.members import Member
from governance.domain.notifications import Notification, PendingNotification
from governance.domain.transactions import TxPlan, TxReceiptSummary

# --- time --------------------------------------------------------------------------------------


class Clock(Protocol):
    """Unix time in whole seconds. ``SystemClock`` in governance.adapters.clock; ``FakeClock`` for tests."""

    def now(self) -> int: ...


# --- persistence: the unit of work and its repositories -------------------------------------


class MemberRepository(Protocol):
    async def get(self, discord_id: int) -> Member | None: ...

    async def by_wallet(self, wallet: Address) -> Member | None: ...

    async def linked(self) -> list[Member]: ...

    async def save(self, member: Member) -> None: ...


class OutboxRepository(Protocol):
    async def add(self, notification: Notification, now: int) -> bool: ...

    async def pending(self, limit: int = 50) -> list[PendingNotification]: ...

    async def mark_sent(self, notification_id: int, now: int) -> None: ...

    async def mark_failed(self, notification_id: int, error: str) -> None: ...

    async def depth(self) -> int: ...


class LeaseRepository(Protocol):
    async def acquire(self, name: str, holder: str, now: int, ttl: int) -> bool: ...

    async def holder(self, name: str, now: int) -> str | None: ...

    async def release(self, name: str, holder: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: ``async with uow: ...; await uow.commit()``; rolled back unless committed."""

    @property
    def members(self) -> MemberRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def leases(self) -> LeaseRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


# --- notifications -----------------------------------------------------------------------------


class Notifier(Protocol):
    """Delivers one notification (a channel post, a message edit, a DM). Raises on failure.

    Delivery is at least once; ``Notification.dedupe_key`` lets the notifier make a repeat harmless
    (the Discord notifier edits the message it posted for that key instead of posting again).
    """

    async def deliver(self, notification: Notification) -> None: ...


# --- chain writes: the one transaction sender -------------------------------------------------


class TxSender(Protocol):
    """Executes ``TxPlan``s, each idempotency key at most once, and fails closed.

    ``send`` returns the stored receipt for a key already confirmed (sending nothing), waits for
    the transaction already broadcast for a key in flight, and otherwise checks, simulates, signs,
    journals, broadcasts and waits for confirmations. It raises ``TransactionRefused`` when the
    plan would fail (nothing is sent) and ``ChainError`` when it was mined but reverted.
    ``resume_pending`` finishes every journaled, unsettled transaction after a restart.
    """

    async def send(self, plan: TxPlan) -> TxReceiptSummary: ...

    async def resume_pending(self) -> list[TxReceiptSummary]: ...


# --- wallets and signing requests (governance.services.wallets) -------------------------------
# Values come from governance.domain.signing; fakes live in governance.adapters.fake_wallets.


class SigningRequestStore(Protocol):
    """Single-use signing requests, by token."""

    async def add(self, request: _signing.SigningRequest) -> None: ...

    async def get(self, token: str) -> _signing.SigningRequest | None: ...

    async def mark_used(self, token: str, at: int) -> bool:
        """Set ``used_at`` if it is still unset (compare-and-set); False when it was already used."""
        ...

    async def count_since(self, member_id: int, since: int) -> int:
        """How many requests ``member_id`` made at or after ``since`` (for the rate limit)."""
        ...


class WalletLinkStore(Protocol):
    """Member <-> wallet links: one wallet per member, one member per wallet."""

    async def wallet_of(self, member_id: int) -> Address | None: ...

    async def member_of(self, wallet: Address) -> int | None: ...

    async def link(self, member_id: int, wallet: Address, at: int) -> None:
        """Link (or re-link) ``member_id`` to ``wallet``; ``WrongState`` if another member holds it."""
        ...


class VotesReader(Protocol):
    """What a ``...BySig`` signature depends on: the signer's nonces, and whom a holder delegates to."""

    async def governor_nonce(self, voter: Address) -> int: ...

    async def token_nonce(self, holder: Address) -> int: ...

    async def delegate_of(self, holder: Address) -> Address | None:
        """``token.delegates(holder)``; None while the holder has not delegated (zero voting power)."""
        ...


class SignerRecovery(Protocol):
    """Who signed: ``EthAccountSignerRecovery`` in governance.adapters.chain.signatures (EOAs only)."""

    def recover_personal_sign(self, message: str, signature: str) -> Address: ...

    def recover_typed_data(self, typed_data: dict[str, object], signature: str) -> Address: ...


class VoteRelay(Protocol):
    """Sends a member-signed vote or delegation through the one transaction sender; returns the tx hash."""

    async def relay_vote(self, intent: _signing.VoteRelayIntent) -> str: ...

    async def relay_delegation(self, intent: _signing.DelegationRelayIntent) -> str: ...


# --- member overview ------------------------------------------------------------------------


class MemberChainReader(Protocol):
    """Live reads about one holder (the watcher's registers answer history; this answers "now")."""

    async def token_balance(self, holder: Address) -> int: ...

    async def voting_power(self, holder: Address) -> int: ...

    async def delegate_of(self, holder: Address) -> Address | None: ...


class ClaimableReader(Protocol):
    """Dividends a holder can still claim, in base units of the revenue token (payouts feature)."""

    async def claimable(self, holder: Address) -> int: ...
