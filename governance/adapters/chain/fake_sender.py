"""``FakeTxSender``: the ``TxSender`` port in memory, for unit tests of services.

It keeps the real sender's promises that services rely on: one execution per idempotency key
(a repeated key returns the first receipt), refusals send nothing, a failed key stays failed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from governance.domain.errors import ChainError, TransactionRefused, WrongState
from governance.domain.keccak import keccak256
from governance.domain.transactions import TxPlan, TxReceiptSummary

__all__ = ["FakeTxSender"]


@dataclass
class FakeTxSender:
    """Records every plan it executes in ``sent`` (in order), and returns made-up receipts.

    ``refuse_keys`` / ``revert_keys`` make the plans with those keys be refused before sending
    (``TransactionRefused``) or mined but reverted (``ChainError``); ``fail_next`` makes the next
    ``send`` raise that error instead, once.
    """

    dry_run: bool = False
    refuse_keys: set[str] = field(default_factory=set)
    revert_keys: set[str] = field(default_factory=set)
    fail_next: Exception | None = None
    sent: list[TxPlan] = field(default_factory=list)
    pending: list[TxPlan] = field(default_factory=list)
    _receipts: dict[str, TxReceiptSummary] = field(default_factory=dict)
    _plans: dict[str, TxPlan] = field(default_factory=dict)
    _failed: dict[str, ChainError] = field(default_factory=dict)

    async def send(self, plan: TxPlan) -> TxReceiptSummary:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self._check_same_call(plan)
        if plan.key in self._receipts:
            return self._receipts[plan.key]
        if plan.key in self._failed:
            raise self._failed[plan.key]
        if plan.key in self.refuse_keys:
            raise TransactionRefused(f"The transaction for {plan.purpose} would revert, so it was not sent.")
        return self._execute(plan)

    async def resume_pending(self) -> list[TxReceiptSummary]:
        plans, self.pending = self.pending, []
        return [self._execute(plan) for plan in plans]

    def receipt_for(self, key: str) -> TxReceiptSummary | None:
        return self._receipts.get(key)

    def _check_same_call(self, plan: TxPlan) -> None:
        known = self._plans.setdefault(plan.key, plan)
        if not known.same_call(plan):
            raise WrongState(f"The key {plan.key} was already used for a different transaction.")

    def _execute(self, plan: TxPlan) -> TxReceiptSummary:
        if self.dry_run:
            return TxReceiptSummary(plan.key, "", 0, 21_000, 0, succeeded=True, dry_run=True)
        self.sent.append(plan)
        tx_hash = "0x" + keccak256(plan.key.encode() + plan.data).hex()
        ok = plan.key not in self.revert_keys
        receipt = TxReceiptSummary(plan.key, tx_hash, len(self.sent), 21_000, 1, succeeded=ok)
        if not ok:
            self._failed[plan.key] = ChainError(f"The transaction for {plan.purpose} was mined but reverted.")
            raise self._failed[plan.key]
        self._receipts[plan.key] = receipt
        return receipt
