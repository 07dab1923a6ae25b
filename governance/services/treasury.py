"""``/treasury``: what the treasury holds, how revenue is split, recent revenue and the runway, read
live from the Treasury contract (the watcher's read model may lag; members asking want the chain now)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from governance.domain.allocation import TreasuryFigures
from governance.domain.treasury import Runway, TreasuryHoldings, runway

__all__ = ["RECENT_EPOCHS", "TreasuryReport", "TreasuryViews", "treasury_report"]

RECENT_EPOCHS = 8


class TreasuryViews(Protocol):
    """The Treasury's live views (``governance.adapters.chain.treasury_reads.LiveTreasury``)."""

    async def figures(self, history_epochs: int, op_cost_per_epoch: int) -> TreasuryFigures: ...

    async def holdings(self) -> TreasuryHoldings: ...


@dataclass(frozen=True)
class TreasuryReport:
    holdings: TreasuryHoldings
    figures: TreasuryFigures
    runway: Runway | None

    @property
    def recent_revenue(self) -> tuple[tuple[int, int], ...]:
        """(epoch, revenue) of the ended epochs shown, oldest first, then the current epoch so far."""
        first = self.figures.current_epoch - len(self.figures.revenue_history)
        ended = tuple((first + i, amount) for i, amount in enumerate(self.figures.revenue_history))
        return (*ended, (self.figures.current_epoch, self.holdings.current_epoch_revenue))


async def treasury_report(views: TreasuryViews, op_cost_per_epoch: int,
                          epochs: int = RECENT_EPOCHS) -> TreasuryReport:
    figures = await views.figures(epochs, op_cost_per_epoch)
    holdings = await views.holdings()
    return TreasuryReport(holdings, figures, runway(holdings.reserve, op_cost_per_epoch, figures.epoch_seconds))
