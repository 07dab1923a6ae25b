"""The epoch payout pipeline as a resumable state machine, one run per (chain id, epoch).

    new -> closed -> computed -> proposed -> claiming -> claimed -> done
                        ^            |
                        +- vetoed <--+      (a guardian veto during the challenge period)

- ``new``: the epoch ended; close it on chain (``Treasury.closeEpoch``; already closed is fine). An epoch
  with no revenue has nothing to close or pay and goes straight to ``done``.
- ``closed``: compute the manifest from chain data at the epoch's end block; store and publish it.
- ``computed``: propose its root, total and content hash (``DividendDistributor.proposeRoot``).
- ``proposed``: wait out the challenge period; a veto moves the run to ``vetoed``.
- ``vetoed``: recompute; propose again (next ``round``) only once the cause is fixed: the recomputed root
  differs from every vetoed root (an input changed), or an admin acknowledged the veto for this round.
- ``claiming``: push claims for every leaf, in gas-bounded batches (``claimMany``).
- ``claimed``: after the claim window, sweep what is left back to the treasury; then ``done``.

Every chain write has an idempotency key derived from the run (``tx_key``), so the one transaction
sender executes it at most once, across crashes and across bot instances.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from governance.domain.addresses import Address

__all__ = [
    "CLAIM_BASE_GAS",
    "CLAIM_LEAF_GAS",
    "CLAIM_PROOF_STEP_GAS",
    "AccountPayout",
    "ClaimBatch",
    "EpochOnChain",
    "PayoutRun",
    "PayoutStage",
    "claim_batch_size",
    "proof_depth",
    "tx_key",
]


class PayoutStage(StrEnum):
    NEW = "new"
    CLOSED = "closed"
    COMPUTED = "computed"
    PROPOSED = "proposed"
    VETOED = "vetoed"
    CLAIMING = "claiming"
    CLAIMED = "claimed"
    DONE = "done"


@dataclass(frozen=True)
class PayoutRun:
    chain_id: int
    epoch: int
    stage: PayoutStage = PayoutStage.NEW
    round: int = 0
    end_block: int | None = None
    root: str | None = None
    total: int = 0
    budget: int = 0
    manifest_hash: str | None = None
    leaf_count: int = 0
    claimable_at: int | None = None
    cursor: int = 0
    next_batch: int = 0
    paid: int = 0
    swept: int | None = None
    vetoed_roots: tuple[str, ...] = ()
    acknowledged_round: int | None = None
    note: str = ""
    updated_at: int = 0

    @property
    def finished(self) -> bool:
        return self.stage is PayoutStage.DONE


@dataclass(frozen=True)
class ClaimBatch:
    """Leaves ``start`` to ``stop`` (manifest order) of a run, minus those already claimed when planned.

    ``variant`` grows when a planned batch could not be sent as planned (someone claimed one of its leaves
    in between): the batch is planned again, under a new key, from what is still unclaimed.
    """

    chain_id: int
    epoch: int
    number: int
    variant: int
    start: int
    stop: int
    leaves: tuple[tuple[Address, int], ...]
    done: bool = False
    tx_hash: str | None = None

    @property
    def key(self) -> str:
        suffix = "" if self.variant == 0 else f".{self.variant}"
        return tx_key(self.chain_id, self.epoch, f"claims:{self.number}{suffix}")

    @property
    def amount(self) -> int:
        return sum(amount for _, amount in self.leaves)


def tx_key(chain_id: int, epoch: int, step: str) -> str:
    """``payout:{chain}:{epoch}:{step}``, e.g. ``payout:31337:12:claims:3`` or ``payout:31337:12:propose:0``."""
    return f"payout:{chain_id}:{epoch}:{step}"


#: Gas of a ``claimMany`` call besides its leaves, and per leaf besides the proof (cold claimed-bit word,
#: token transfer to a cold account, calldata); per proof step (hashing plus 32 calldata bytes). Measured
#: with bench/payouts.py on anvil, rounded up.
CLAIM_BASE_GAS = 40_000
CLAIM_LEAF_GAS = 62_000
CLAIM_PROOF_STEP_GAS = 1_100


def proof_depth(leaf_count: int) -> int:
    """The longest proof in a tree of ``leaf_count`` leaves (a complete binary tree)."""
    return max(leaf_count - 1, 0).bit_length()


def claim_batch_size(leaf_count: int, gas_budget: int) -> int:
    """How many leaves one ``claimMany`` may carry within ``gas_budget`` (at least one)."""
    per_leaf = CLAIM_LEAF_GAS + CLAIM_PROOF_STEP_GAS * proof_depth(leaf_count)
    return max(1, (gas_budget - CLAIM_BASE_GAS) // per_leaf)


@dataclass(frozen=True)
class EpochOnChain:
    """What the Treasury and the DividendDistributor say about one epoch now."""

    epoch: int
    end_time: int
    revenue: int
    closed: bool
    funded: bool
    budget: int
    root: str
    root_total: int
    claimable_at: int
    manifest_hash: str
    claimed: int
    swept: bool
    sweepable_at: int

    @property
    def has_root(self) -> bool:
        return int(self.root, 16) != 0


@dataclass(frozen=True)
class AccountPayout:
    """One account's leaf in one epoch, and whether the claim has been pushed yet."""

    epoch: int
    amount: int
    stage: PayoutStage
    paid_tx: str | None = None
    paid_at: int | None = None

    @property
    def claimable(self) -> bool:
        return self.paid_tx is None and self.stage in (PayoutStage.PROPOSED, PayoutStage.CLAIMING)
