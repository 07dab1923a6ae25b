"""The watcher's write side: cursor, recent block hashes, applied logs, derived rows, notices, rollback."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, delete, func, insert, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables import metadata
from governance.adapters.db.tables.chain import (
    chain_blocks,
    chain_contracts,
    chain_cursors,
    chain_logs,
    chain_notices,
    proposals,
    share_balances,
    token_balances,
    voting_power,
)
from governance.adapters.db.tables.core import outbox
from governance.domain.notifications import Notification

__all__ = ["Cursor", "SqlChainSyncRepository"]

_REGISTERS = {"voting_power": voting_power, "token_balances": token_balances, "share_balances": share_balances}
_INSERT_CHUNK = 500


@dataclass(frozen=True)
class Cursor:
    block_number: int
    block_hash: str
    block_time: int


def _outbox_row(notification: Notification, now: int) -> dict[str, Any]:
    return {
        "dedupe_key": notification.dedupe_key,
        "kind": notification.kind,
        "payload": json.dumps(notification.payload, sort_keys=True),
        "created_at": now,
        "attempts": 0,
    }


def _derived_tables() -> list[Any]:
    return [table for table in metadata.sorted_tables if table.info.get("derived")]


class SqlChainSyncRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    # --- cursor and contracts -------------------------------------------------------------------

    async def cursor(self, chain_id: int, name: str = "main") -> Cursor | None:
        query = select(chain_cursors).where(chain_cursors.c.chain_id == chain_id, chain_cursors.c.name == name)
        row = (await self._session.execute(query)).first()
        return Cursor(row.block_number, row.block_hash, row.block_time) if row else None

    async def set_cursor(self, chain_id: int, cursor: Cursor, name: str = "main") -> None:
        values = {"block_number": cursor.block_number, "block_hash": cursor.block_hash, "block_time": cursor.block_time}
        where = and_(chain_cursors.c.chain_id == chain_id, chain_cursors.c.name == name)
        done = await self._session.execute(update(chain_cursors).where(where).values(**values))
        if not done.rowcount:  # type: ignore[attr-defined]
            await self._session.execute(insert(chain_cursors).values(chain_id=chain_id, name=name, **values))

    async def clear_cursor(self, chain_id: int, name: str = "main") -> None:
        await self._session.execute(
            delete(chain_cursors).where(chain_cursors.c.chain_id == chain_id, chain_cursors.c.name == name)
        )

    async def contracts(self, chain_id: int) -> dict[str, tuple[str, str]]:
        rows = await self._session.execute(select(chain_contracts).where(chain_contracts.c.chain_id == chain_id))
        return {row.role: (row.address, row.clock_mode) for row in rows}

    async def save_contracts(self, chain_id: int, roles: Mapping[str, tuple[str, str]]) -> None:
        await self._session.execute(delete(chain_contracts).where(chain_contracts.c.chain_id == chain_id))
        for role, (address, clock_mode) in roles.items():
            await self._session.execute(
                insert(chain_contracts).values(chain_id=chain_id, role=role, address=address, clock_mode=clock_mode)
            )

    # --- blocks and applied logs ----------------------------------------------------------------

    async def remember_blocks(self, chain_id: int, blocks: Mapping[int, str]) -> None:
        if not blocks:
            return
        numbers = list(blocks)
        known = await self._session.execute(
            select(chain_blocks.c.block_number).where(
                chain_blocks.c.chain_id == chain_id, chain_blocks.c.block_number.in_(numbers)
            )
        )
        seen = {row.block_number for row in known}
        rows = [
            {"chain_id": chain_id, "block_number": n, "block_hash": h} for n, h in blocks.items() if n not in seen
        ]
        await self.insert_rows(chain_blocks.name, rows)

    async def recent_blocks(self, chain_id: int, below_or_at: int) -> list[tuple[int, str]]:
        """Remembered (number, hash) pairs at or below a height, oldest first."""
        query = (
            select(chain_blocks.c.block_number, chain_blocks.c.block_hash)
            .where(chain_blocks.c.chain_id == chain_id, chain_blocks.c.block_number <= below_or_at)
            .order_by(chain_blocks.c.block_number)
        )
        return [(row.block_number, row.block_hash) for row in await self._session.execute(query)]

    async def forget_blocks_below(self, chain_id: int, number: int) -> None:
        await self._session.execute(
            delete(chain_blocks).where(chain_blocks.c.chain_id == chain_id, chain_blocks.c.block_number < number)
        )

    async def applied(self, chain_id: int, keys: Sequence[tuple[str, int]]) -> set[tuple[str, int]]:
        """Which of these (tx hash, log index) logs were already applied."""
        found: set[tuple[str, int]] = set()
        for start in range(0, len(keys), _INSERT_CHUNK):
            chunk = keys[start : start + _INSERT_CHUNK]
            query = select(chain_logs.c.tx_hash, chain_logs.c.log_index).where(
                chain_logs.c.chain_id == chain_id,
                tuple_(chain_logs.c.tx_hash, chain_logs.c.log_index).in_(chunk),
            )
            found.update((row.tx_hash, row.log_index) for row in await self._session.execute(query))
        return found

    async def insert_rows(self, table_name: str, rows: Sequence[Mapping[str, Any]]) -> None:
        table = metadata.tables[table_name]
        for start in range(0, len(rows), _INSERT_CHUNK):
            await self._session.execute(insert(table), list(rows[start : start + _INSERT_CHUNK]))

    # --- registers (value after each block) -----------------------------------------------------

    async def register_values(
        self, chain_id: int, register: str, keys: Iterable[tuple[Any, ...]], before_block: int
    ) -> dict[tuple[Any, ...], int]:
        """The latest value strictly below ``before_block`` of each key; missing keys are 0."""
        table = _REGISTERS[register]
        value = table.c.balance if "balance" in table.c else table.c.votes
        key_columns = [c for c in table.primary_key.columns if c.name not in ("chain_id", "block_number")]
        out: dict[tuple[Any, ...], int] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), _INSERT_CHUNK):
            chunk = wanted[start : start + _INSERT_CHUNK]
            latest = (
                select(*key_columns, func.max(table.c.block_number).label("at"))
                .where(table.c.chain_id == chain_id, table.c.block_number < before_block)
                .where(tuple_(*key_columns).in_(chunk))
                .group_by(*key_columns)
                .subquery()
            )
            joined = select(*key_columns, value).join(
                latest,
                and_(*(c == latest.c[c.name] for c in key_columns), table.c.block_number == latest.c.at),
            ).where(table.c.chain_id == chain_id)
            for row in await self._session.execute(joined):
                out[tuple(row[:-1])] = int(row[-1])
        return out

    # --- timelock operations -> proposals ---------------------------------------------------------

    async def proposals_for_operations(self, chain_id: int, operations: Iterable[str]) -> dict[str, int]:
        ops = list(set(operations))
        if not ops:
            return {}
        query = select(proposals.c.timelock_operation, proposals.c.proposal_id).where(
            proposals.c.chain_id == chain_id, proposals.c.timelock_operation.in_(ops)
        )
        return {row.timelock_operation: row.proposal_id for row in await self._session.execute(query)}

    # --- notices: outbox entries tied to blocks, retracted on rollback ----------------------------

    async def notify(self, chain_id: int, items: Sequence[tuple[int, Notification]], now: int) -> int:
        """Enqueue each (block, notification) once; returns how many were new.

        A notice retracted by a reorg and seen again is restored, not duplicated.
        """
        by_key = {notification.dedupe_key: (block, notification) for block, notification in items}
        known: dict[str, bool] = {}
        fresh_outbox: set[str] = set(by_key)
        keys = list(by_key)
        for start in range(0, len(keys), _INSERT_CHUNK):
            chunk = keys[start : start + _INSERT_CHUNK]
            notices = select(chain_notices.c.dedupe_key, chain_notices.c.retracted)
            rows = await self._session.execute(notices.where(chain_notices.c.dedupe_key.in_(chunk)))
            known.update({row.dedupe_key: row.retracted for row in rows})
            queued = await self._session.execute(select(outbox.c.dedupe_key).where(outbox.c.dedupe_key.in_(chunk)))
            fresh_outbox -= {row.dedupe_key for row in queued}
        new = [key for key in keys if key not in known]
        await self.insert_rows(
            chain_notices.name,
            [{"dedupe_key": k, "chain_id": chain_id, "block_number": by_key[k][0], "retracted": False} for k in new],
        )
        await self.insert_rows(outbox.name, [_outbox_row(by_key[k][1], now) for k in new if k in fresh_outbox])
        for key in (k for k, retracted in known.items() if retracted):
            block, notification = by_key[key]
            await self._session.execute(
                update(chain_notices)
                .where(chain_notices.c.dedupe_key == key)
                .values(retracted=False, block_number=block)
            )
            await self._set_outbox_retracted(key, False, notification.payload)
        return len(new)

    async def _set_outbox_retracted(self, key: str, retracted: bool, payload: Mapping[str, Any] | None) -> None:
        row = (await self._session.execute(select(outbox).where(outbox.c.dedupe_key == key))).first()
        if row is None:
            return
        body = dict(payload) if payload is not None else json.loads(row.payload)
        body["retracted"] = retracted
        values: dict[str, Any] = {"payload": json.dumps(body, sort_keys=True)}
        if not retracted:
            values["sent_at"] = None  # restored on the canonical chain: deliver it (again; a repeat edits)
        await self._session.execute(update(outbox).where(outbox.c.dedupe_key == key).values(**values))

    async def retracted_keys(self, chain_id: int) -> list[str]:
        query = select(chain_notices.c.dedupe_key).where(
            chain_notices.c.chain_id == chain_id, chain_notices.c.retracted.is_(True)
        )
        return [row.dedupe_key for row in await self._session.execute(query)]

    # --- rollback ---------------------------------------------------------------------------------

    async def rollback_above(self, chain_id: int, ancestor: int) -> int:
        """Delete every derived row above ``ancestor`` and retract its notices; returns rows deleted."""
        deleted = 0
        for table in _derived_tables():
            done = await self._session.execute(
                delete(table).where(table.c.chain_id == chain_id, table.c.block_number > ancestor)
            )
            deleted += done.rowcount or 0  # type: ignore[attr-defined]
        query = select(chain_notices.c.dedupe_key).where(
            chain_notices.c.chain_id == chain_id,
            chain_notices.c.block_number > ancestor,
            chain_notices.c.retracted.is_(False),
        )
        for key in [row.dedupe_key for row in await self._session.execute(query)]:
            await self._set_outbox_retracted(key, True, None)
        await self._session.execute(
            update(chain_notices)
            .where(chain_notices.c.chain_id == chain_id, chain_notices.c.block_number > ancestor)
            .values(retracted=True)
        )
        return deleted
