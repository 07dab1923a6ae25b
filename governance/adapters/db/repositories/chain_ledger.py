"""Read model of the money side: revenue per epoch and classifier, closed epochs, dividends, the treasury."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.chain import chain_contracts, chain_cursors
from governance.adapters.db.tables.chain_treasury import (
    classifier_events,
    dividend_claims,
    dividend_roots,
    epoch_closings,
    epoch_sweeps,
    moderation_anchors,
    revenue_payments,
    treasury_changes,
)
from governance.domain.addresses import Address
from governance.domain.chain_records import (
    ClassifierInfo,
    ClassifierRevenue,
    EpochRevenue,
    TreasurySummary,
    WatchStatus,
)

__all__ = ["SqlChainLedger"]


class SqlChainLedger:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def _rows(self, table: Any, chain_id: int) -> list[Any]:
        query = select(table).where(table.c.chain_id == chain_id).order_by(table.c.block_number, table.c.log_index)
        return list(await self._session.execute(query))

    async def revenue(self, chain_id: int, epoch: int | None = None) -> list[EpochRevenue]:
        """Revenue per epoch (oldest first) and per classifier, with the split of the epochs already closed."""
        per: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for row in await self._rows(revenue_payments, chain_id):
            per[row.epoch][row.classifier_id] += row.amount
        closings = {row.epoch: row for row in await self._rows(epoch_closings, chain_id)}
        out = []
        for number in sorted(set(per) | set(closings)):
            if epoch is not None and number != epoch:
                continue
            by = tuple(ClassifierRevenue(cid, amount) for cid, amount in sorted(per[number].items()))
            close = closings.get(number)
            out.append(_epoch(number, by, close))
        return out

    async def classifiers(self, chain_id: int) -> list[ClassifierInfo]:
        found: dict[int, ClassifierInfo] = {}
        for row in await self._rows(classifier_events, chain_id):
            if row.kind == "listed":
                found[row.classifier_id] = ClassifierInfo(
                    row.classifier_id, row.name, Address(row.owner), row.model_hash, row.uri, row.share_supply,
                    listed_block=row.block_number, delisted_block=None,
                )
            elif row.classifier_id in found:
                known = found[row.classifier_id]
                found[row.classifier_id] = ClassifierInfo(
                    known.classifier_id, known.name, known.owner, known.model_hash, known.uri, known.share_supply,
                    known.listed_block, row.block_number,
                )
        return [found[key] for key in sorted(found)]

    async def live_root(self, chain_id: int, epoch: int) -> dict[str, Any] | None:
        """The epoch's dividend root still standing (proposed and not vetoed), or None."""
        current: dict[str, Any] | None = None
        for row in await self._rows(dividend_roots, chain_id):
            if row.epoch != epoch:
                continue
            current = dict(row._mapping) if row.kind == "proposed" else None
        return current

    async def anchored_rounds(self, chain_id: int) -> list[tuple[int, str, str]]:
        return [(row.round_id, row.root, row.uri) for row in await self._rows(moderation_anchors, chain_id)]

    async def treasury_summary(self, chain_id: int) -> TreasurySummary:
        epochs = await self.revenue(chain_id)
        closed = [e for e in epochs if e.closed]
        allocation = None
        spent = 0
        for row in await self._rows(treasury_changes, chain_id):
            payload = json.loads(row.payload)
            if row.kind == "allocation":
                allocation = tuple(int(part) for part in payload["allocation"])
            elif row.kind == "reserve_spent":
                spent += int(payload["amount"])
        claimed = sum(row.amount for row in await self._rows(dividend_claims, chain_id))
        swept = sum(row.amount for row in await self._rows(epoch_sweeps, chain_id))
        classifiers = await self.classifiers(chain_id)
        return TreasurySummary(
            total_revenue=sum(e.revenue for e in epochs),
            open_revenue=sum(e.revenue for e in epochs if not e.closed),
            epochs_closed=len(closed),
            reserve_added=sum(e.reserve for e in closed),
            reserve_spent=spent,
            dividends_budgeted=sum(e.member_dividends + e.classifier_dividends + e.bounties for e in closed),
            dividends_claimed=claimed,
            dividends_swept=swept,
            allocation_bps=allocation,  # type: ignore[arg-type]
            listed_classifiers=sum(1 for c in classifiers if c.delisted_block is None),
            delisted_classifiers=sum(1 for c in classifiers if c.delisted_block is not None),
        )

    async def status(self, chain_id: int) -> WatchStatus:
        cursor = (
            await self._session.execute(
                select(chain_cursors).where(chain_cursors.c.chain_id == chain_id, chain_cursors.c.name == "main")
            )
        ).first()
        rows = await self._session.execute(select(chain_contracts).where(chain_contracts.c.chain_id == chain_id))
        missing = tuple(sorted(row.role for row in rows if not row.address))
        return WatchStatus(
            chain_id=chain_id,
            indexed_block=cursor.block_number if cursor else None,
            indexed_time=cursor.block_time if cursor else None,
            missing_parts=missing,
        )


def _epoch(number: int, by: tuple[ClassifierRevenue, ...], close: Any) -> EpochRevenue:
    if close is None:
        return EpochRevenue(number, sum(item.amount for item in by), by, closed=False)
    return EpochRevenue(
        number, close.revenue, by, closed=True, member_dividends=close.member_dividends,
        classifier_dividends=close.classifier_dividends, bounties=close.bounties, reserve=close.reserve,
        operations=close.operations,
    )
