"""Chain writes as values: a ``TxPlan`` says what to send, a ``TxRecord`` what became of it.

A plan carries an idempotency key unique per intent (``"payout:31337:12:claim-batch:3"``): the
one transaction sender executes each key at most once, however often it is asked, and across
restarts. Every signed variant of a plan (the first one and each fee-bumped replacement at the
same nonce) is a ``TxAttempt``; at most one of them is ever mined.

    planned -> signed -> broadcast -> mined -> confirmed
                    \\            \\-> failed      (mined, but reverted)
                     \\-> dropped  (the nonce was used by a transaction that is not ours)
    an attempt that lost to its replacement ends ``replaced``; a dry run ends ``dry_run``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from governance.domain.addresses import Address
from governance.domain.errors import InvalidInput, WrongState

__all__ = [
    "FINAL_STATES",
    "IN_FLIGHT_STATES",
    "MIN_FEE_BUMP_PCT",
    "TxAttempt",
    "TxPlan",
    "TxReceiptSummary",
    "TxRecord",
    "TxState",
    "bump_fee",
    "check_transition",
    "is_confirmed",
]

#: Nodes refuse a same-nonce replacement unless both fees rise by at least this much.
MIN_FEE_BUMP_PCT = 10

_KEY = re.compile(r"^[A-Za-z0-9_.:/@-]{1,200}$")
_ROLE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class TxState(StrEnum):
    PLANNED = "planned"
    SIGNED = "signed"
    BROADCAST = "broadcast"
    MINED = "mined"
    CONFIRMED = "confirmed"
    FAILED = "failed"
    REPLACED = "replaced"
    DROPPED = "dropped"
    DRY_RUN = "dry_run"


#: States in which a plan is settled: it is never signed, sent or waited for again.
FINAL_STATES = frozenset({TxState.CONFIRMED, TxState.FAILED, TxState.DROPPED})
#: States in which a signed transaction may still be in flight.
IN_FLIGHT_STATES = frozenset({TxState.SIGNED, TxState.BROADCAST, TxState.MINED})

_ALLOWED: dict[TxState, frozenset[TxState]] = {
    TxState.PLANNED: frozenset({TxState.SIGNED, TxState.DRY_RUN}),
    TxState.DRY_RUN: frozenset({TxState.SIGNED, TxState.DRY_RUN}),
    TxState.SIGNED: frozenset({TxState.BROADCAST, TxState.MINED, TxState.FAILED, TxState.DROPPED}),
    TxState.BROADCAST: frozenset({TxState.BROADCAST, TxState.MINED, TxState.FAILED, TxState.DROPPED}),
    TxState.MINED: frozenset({TxState.MINED, TxState.CONFIRMED, TxState.BROADCAST, TxState.FAILED}),
    TxState.CONFIRMED: frozenset(),
    TxState.FAILED: frozenset(),
    TxState.DROPPED: frozenset(),
    TxState.REPLACED: frozenset(),
}


def check_transition(current: TxState, new: TxState) -> None:
    """Raise ``WrongState`` unless a plan may move from ``current`` to ``new``.

    ``mined -> broadcast`` is allowed: a reorganisation can take a mined transaction out again.
    """
    if new not in _ALLOWED[current]:
        raise WrongState(f"A transaction cannot go from {current.value} to {new.value}.")


@dataclass(frozen=True)
class TxPlan:
    """One chain write, not yet executed. ``data`` is the calldata; ``value`` is in wei."""

    purpose: str
    key: str
    to: Address
    data: bytes = b""
    value: int = 0
    gas_limit: int | None = None
    role: str = "keeper"

    def __post_init__(self) -> None:
        if not _KEY.match(self.key):
            raise InvalidInput("A transaction key is 1-200 characters of letters, digits and :/._@-.")
        if not _ROLE.match(self.role):
            raise InvalidInput("A signer role is a short lowercase name, like keeper or relayer.")
        if not self.purpose.strip() or len(self.purpose) > 200:
            raise InvalidInput("A transaction needs a purpose of at most 200 characters.")
        if isinstance(self.value, bool) or not 0 <= self.value < 2**256:
            raise InvalidInput("A transaction value is a whole number of wei, not negative.")
        if self.gas_limit is not None and not 21_000 <= self.gas_limit <= 30_000_000:
            raise InvalidInput("A gas limit must be between 21,000 and 30,000,000.")

    def same_call(self, other: TxPlan) -> bool:
        """True when ``other`` asks for the same chain write (the purpose text may differ)."""
        mine = (self.to.lower(), self.data, self.value, self.role)
        return mine == (other.to.lower(), other.data, other.value, other.role)


@dataclass(frozen=True)
class TxReceiptSummary:
    """What a caller learns once its plan is settled. A dry run has no hash and no block;
    its ``gas_used`` is the estimate."""

    key: str
    tx_hash: str
    block_number: int
    gas_used: int
    effective_gas_price: int
    succeeded: bool
    dry_run: bool = False


@dataclass(frozen=True)
class TxAttempt:
    """One signed variant of a plan: the exact bytes that were (or will be) broadcast."""

    tx_hash: str
    nonce: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    raw: bytes
    state: TxState
    created_at: int


@dataclass(frozen=True)
class TxRecord:
    """The journal entry of one plan, across all of its attempts (oldest first)."""

    plan: TxPlan
    chain_id: int
    sender: Address
    state: TxState
    created_at: int
    nonce: int | None = None
    gas_limit: int | None = None
    attempts: tuple[TxAttempt, ...] = ()
    receipt: TxReceiptSummary | None = None
    error: str | None = None
    updated_at: int = 0

    @property
    def latest(self) -> TxAttempt | None:
        return self.attempts[-1] if self.attempts else None


def bump_fee(old: int, pct: int, market: int = 0) -> int:
    """The fee for a replacement: at least ``pct`` (and never less than 10) per cent above ``old``,
    rounded up, and never below the current ``market`` fee."""
    pct = max(pct, MIN_FEE_BUMP_PCT)
    bumped = -(-old * (100 + pct) // 100)
    return max(bumped, old + 1, market)


def is_confirmed(mined_block: int, head_block: int, confirmations: int) -> bool:
    """A mined transaction is confirmed once ``confirmations`` blocks, counting its own, exist."""
    return head_block - mined_block + 1 >= max(confirmations, 1)
