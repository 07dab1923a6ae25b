"""Protocols for every side effect. Services depend on these; adapters implement them; tests use fakes.

Each section belongs to one feature; keep sections small and independent.
"""

from __future__ import annotations

from typing import Protocol

from governance.domain.transactions import TxPlan, TxReceiptSummary

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
