"""Payout runs, manifests, leaves and claim batches on SQLAlchemy (``PayoutRepository``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.payouts import payout_batches, payout_leaves, payout_manifests, payout_runs
from governance.domain.addresses import Address
from governance.domain.payout_manifest import PublishedManifest
from governance.domain.payout_runs import AccountPayout, ClaimBatch, PayoutRun, PayoutStage

__all__ = ["SqlPayoutRepository"]

_CHUNK = 5_000


def _run(row: Any) -> PayoutRun:
    return PayoutRun(
        chain_id=row.chain_id, epoch=row.epoch, stage=PayoutStage(row.stage), round=row.round,
        end_block=row.end_block, root=row.root, total=row.total, budget=row.budget,
        manifest_hash=row.manifest_hash, leaf_count=row.leaf_count, claimable_at=row.claimable_at,
        cursor=row.cursor, next_batch=row.next_batch, paid=row.paid, swept=row.swept,
        vetoed_roots=tuple(json.loads(row.vetoed_roots)), acknowledged_round=row.acknowledged_round,
        note=row.note, updated_at=row.updated_at,
    )


def _batch(row: Any) -> ClaimBatch:
    leaves = tuple((Address(a), int(n)) for a, n in json.loads(row.leaves))
    return ClaimBatch(row.chain_id, row.epoch, row.number, row.variant, row.start, row.stop, leaves, row.done,
                      row.tx_hash)


class SqlPayoutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chain_id: int, epoch: int) -> PayoutRun | None:
        query = select(payout_runs).where(payout_runs.c.chain_id == chain_id, payout_runs.c.epoch == epoch)
        row = (await self._session.execute(query)).first()
        return _run(row) if row else None

    async def save(self, run: PayoutRun) -> None:
        values = asdict(run)
        values["stage"] = run.stage.value
        values["vetoed_roots"] = json.dumps(list(run.vetoed_roots))
        key = (payout_runs.c.chain_id == run.chain_id, payout_runs.c.epoch == run.epoch)
        found = await self._session.execute(update(payout_runs).where(*key).values(**values))
        if found.rowcount == 0:  # type: ignore[attr-defined]
            await self._session.execute(insert(payout_runs).values(**values))

    async def runs(self, chain_id: int) -> list[PayoutRun]:
        query = select(payout_runs).where(payout_runs.c.chain_id == chain_id).order_by(payout_runs.c.epoch)
        return [_run(row) for row in await self._session.execute(query)]

    async def save_manifest(self, chain_id: int, round_: int, manifest: PublishedManifest) -> None:
        epoch = manifest.epoch
        await self._session.execute(insert(payout_manifests).values(
            chain_id=chain_id, epoch=epoch, round=round_, root=manifest.root, content_hash=manifest.content_hash,
            content=manifest.content,
        ))
        await self._session.execute(
            delete(payout_leaves).where(payout_leaves.c.chain_id == chain_id, payout_leaves.c.epoch == epoch)
        )
        rows = [
            {"chain_id": chain_id, "epoch": epoch, "position": i, "account": account, "amount": amount}
            for i, (account, amount) in enumerate(manifest.leaves)
        ]
        for start in range(0, len(rows), _CHUNK):
            await self._session.execute(insert(payout_leaves), rows[start : start + _CHUNK])

    async def manifest(self, chain_id: int, epoch: int) -> bytes | None:
        query = (
            select(payout_manifests.c.content)
            .where(payout_manifests.c.chain_id == chain_id, payout_manifests.c.epoch == epoch)
            .order_by(payout_manifests.c.round.desc())
            .limit(1)
        )
        content = (await self._session.execute(query)).scalar()
        return bytes(content) if content is not None else None

    async def leaves(self, chain_id: int, epoch: int, start: int = 0, stop: int | None = None) -> list[
        tuple[Address, int]
    ]:
        query = select(payout_leaves.c.account, payout_leaves.c.amount).where(
            payout_leaves.c.chain_id == chain_id, payout_leaves.c.epoch == epoch, payout_leaves.c.position >= start
        )
        if stop is not None:
            query = query.where(payout_leaves.c.position < stop)
        rows = await self._session.execute(query.order_by(payout_leaves.c.position))
        return [(Address(row.account), int(row.amount)) for row in rows]

    async def last_batch(self, chain_id: int, epoch: int) -> ClaimBatch | None:
        query = (
            select(payout_batches)
            .where(payout_batches.c.chain_id == chain_id, payout_batches.c.epoch == epoch)
            .order_by(payout_batches.c.number.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).first()
        return _batch(row) if row else None

    async def save_batch(self, batch: ClaimBatch) -> None:
        values = {
            "variant": batch.variant, "start": batch.start, "stop": batch.stop, "done": batch.done,
            "leaves": json.dumps([[a, str(n)] for a, n in batch.leaves]), "tx_hash": batch.tx_hash,
        }
        key = (
            payout_batches.c.chain_id == batch.chain_id, payout_batches.c.epoch == batch.epoch,
            payout_batches.c.number == batch.number,
        )
        found = await self._session.execute(update(payout_batches).where(*key).values(**values))
        if found.rowcount == 0:  # type: ignore[attr-defined]
            await self._session.execute(insert(payout_batches).values(
                chain_id=batch.chain_id, epoch=batch.epoch, number=batch.number, **values
            ))

    async def mark_paid(self, chain_id: int, epoch: int, accounts: Sequence[Address], tx_hash: str, at: int) -> None:
        for start in range(0, len(accounts), 500):
            await self._session.execute(
                update(payout_leaves)
                .where(payout_leaves.c.chain_id == chain_id, payout_leaves.c.epoch == epoch,
                       payout_leaves.c.account.in_(list(accounts[start : start + 500])))
                .values(paid_tx=tx_hash, paid_at=at)
            )

    async def history(self, chain_id: int, account: Address) -> list[AccountPayout]:
        query = (
            select(payout_leaves.c.epoch, payout_leaves.c.amount, payout_leaves.c.paid_tx, payout_leaves.c.paid_at,
                   payout_runs.c.stage)
            .join(payout_runs, (payout_runs.c.chain_id == payout_leaves.c.chain_id)
                  & (payout_runs.c.epoch == payout_leaves.c.epoch))
            .where(payout_leaves.c.chain_id == chain_id, payout_leaves.c.account == account)
            .order_by(payout_leaves.c.epoch)
        )
        return [
            AccountPayout(row.epoch, int(row.amount), PayoutStage(row.stage), row.paid_tx, row.paid_at)
            for row in await self._session.execute(query)
        ]
