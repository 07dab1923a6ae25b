"""What a member sees of their dividends (``/dividends``), and what ``daobot payouts show`` prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from governance.domain.addresses import Address
from governance.domain.errors import NotAuthorized, NotFound
from governance.domain.payout_runs import AccountPayout, PayoutRun
from governance.ports import PayoutUnitOfWork

__all__ = ["DividendsView", "dividends_of", "payout_run"]


@dataclass(frozen=True)
class DividendsView:
    wallet: Address
    history: tuple[AccountPayout, ...]

    @property
    def claimable(self) -> int:
        return sum(h.amount for h in self.history if h.claimable)

    @property
    def last_receipt(self) -> AccountPayout | None:
        paid = [h for h in self.history if h.paid_tx is not None]
        return max(paid, key=lambda h: h.epoch) if paid else None

    @property
    def total_paid(self) -> int:
        return sum(h.amount for h in self.history if h.paid_tx is not None)


async def dividends_of(uow_factory: Callable[[], PayoutUnitOfWork], chain_id: int, member_id: int) -> DividendsView:
    async with uow_factory() as uow:
        member = await uow.members.get(member_id)
        if member is None or member.wallet is None:
            raise NotAuthorized("You have not linked a wallet yet. Use /link first.")
        history = await uow.payouts.history(chain_id, member.wallet)
    return DividendsView(member.wallet, tuple(history))


async def payout_run(uow_factory: Callable[[], PayoutUnitOfWork], chain_id: int, epoch: int) -> PayoutRun:
    async with uow_factory() as uow:
        run = await uow.payouts.get(chain_id, epoch)
    if run is None:
        raise NotFound(f"There is no payout run for epoch {epoch} yet.")
    return run
