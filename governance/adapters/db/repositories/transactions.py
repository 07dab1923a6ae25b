"""The transaction journal on SQLAlchemy: plans, their signed attempts, and nonce reservations."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from governance.adapters.db.tables.transactions import tx_attempts, tx_intents, tx_nonces
from governance.domain.addresses import Address, parse_address
from governance.domain.transactions import (
    IN_FLIGHT_STATES,
    TxAttempt,
    TxPlan,
    TxReceiptSummary,
    TxRecord,
    TxState,
)

__all__ = ["SqlTransactionRepository"]


def _attempt(row: Any) -> TxAttempt:
    return TxAttempt(
        tx_hash=row.tx_hash,
        nonce=row.nonce,
        max_fee_per_gas=row.max_fee_per_gas,
        max_priority_fee_per_gas=row.max_priority_fee_per_gas,
        raw=bytes.fromhex(row.raw),
        state=TxState(row.state),
        created_at=row.created_at,
    )


def _receipt(row: Any) -> TxReceiptSummary | None:
    if row.state == TxState.DRY_RUN:
        return TxReceiptSummary(row.key, "", 0, row.gas_limit or 0, 0, succeeded=True, dry_run=True)
    if row.mined_hash is None or row.block_number is None:
        return None
    return TxReceiptSummary(
        key=row.key,
        tx_hash=row.mined_hash,
        block_number=row.block_number,
        gas_used=row.gas_used,
        effective_gas_price=row.effective_gas_price,
        succeeded=bool(row.succeeded),
    )


def _record(row: Any, attempts: Sequence[TxAttempt]) -> TxRecord:
    plan = TxPlan(
        purpose=row.purpose,
        key=row.key,
        to=parse_address(row.to_address),
        data=bytes.fromhex(row.data),
        value=row.value,
        gas_limit=row.plan_gas_limit,
        role=row.role,
    )
    return TxRecord(
        plan=plan,
        chain_id=row.chain_id,
        sender=parse_address(row.sender),
        state=TxState(row.state),
        created_at=row.created_at,
        nonce=row.nonce,
        gas_limit=row.gas_limit,
        attempts=tuple(attempts),
        receipt=_receipt(row),
        error=row.error,
        updated_at=row.updated_at,
    )


def _intent_values(record: TxRecord) -> dict[str, Any]:
    plan = record.plan
    return {
        "purpose": plan.purpose,
        "role": plan.role,
        "chain_id": record.chain_id,
        "sender": record.sender,
        "to_address": plan.to,
        "data": plan.data.hex(),
        "value": plan.value,
        "plan_gas_limit": plan.gas_limit,
        "gas_limit": record.gas_limit,
        "nonce": record.nonce,
        "state": record.state.value,
        "error": record.error,
        "updated_at": record.updated_at,
    }


class SqlTransactionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, key: str) -> TxRecord | None:
        row = (await self._session.execute(select(tx_intents).where(tx_intents.c.key == key))).first()
        if row is None:
            return None
        query = (
            select(tx_attempts)
            .where(tx_attempts.c.key == key)
            # a replacement is never older and always pays more: this is signing order
            .order_by(tx_attempts.c.created_at, tx_attempts.c.max_fee_per_gas)
        )
        attempts = [_attempt(a) for a in await self._session.execute(query)]
        return _record(row, attempts)

    async def in_flight(self, chain_id: int, sender: Address) -> list[TxRecord]:
        """Signed, broadcast or mined-but-unconfirmed plans of one account, by nonce."""
        query = (
            select(tx_intents.c.key)
            .where(tx_intents.c.chain_id == chain_id, tx_intents.c.sender == sender)
            .where(tx_intents.c.state.in_([s.value for s in IN_FLIGHT_STATES]))
            .order_by(tx_intents.c.nonce)
        )
        keys = [row.key for row in await self._session.execute(query)]
        return [record for key in keys if (record := await self.get(key)) is not None]

    async def save(self, record: TxRecord) -> None:
        """Insert the plan, or update it in place (a dry run that now goes for real). A second
        plan under the same key, or at a nonce already taken, raises SQLAlchemy's IntegrityError."""
        values = _intent_values(record)
        found = await self._session.execute(
            update(tx_intents)
            .where(tx_intents.c.key == record.plan.key)
            .where(tx_intents.c.state.in_([TxState.DRY_RUN.value, TxState.PLANNED.value]))
            .values(**values)
        )
        if found.rowcount == 0:  # type: ignore[attr-defined]
            await self._session.execute(
                insert(tx_intents).values(key=record.plan.key, created_at=record.created_at, **values)
            )

    async def add_attempt(self, key: str, attempt: TxAttempt) -> None:
        await self._session.execute(
            insert(tx_attempts).values(
                tx_hash=attempt.tx_hash,
                key=key,
                nonce=attempt.nonce,
                max_fee_per_gas=attempt.max_fee_per_gas,
                max_priority_fee_per_gas=attempt.max_priority_fee_per_gas,
                raw=attempt.raw.hex(),
                state=attempt.state.value,
                created_at=attempt.created_at,
            )
        )

    async def set_state(self, key: str, state: TxState, now: int, error: str | None = None) -> None:
        values: dict[str, Any] = {"state": state.value, "updated_at": now}
        if error is not None:
            values["error"] = error[:500]
        await self._session.execute(update(tx_intents).where(tx_intents.c.key == key).values(**values))

    async def set_attempt_state(self, tx_hash: str, state: TxState) -> None:
        await self._session.execute(
            update(tx_attempts).where(tx_attempts.c.tx_hash == tx_hash).values(state=state.value)
        )

    async def record_receipt(self, receipt: TxReceiptSummary, state: TxState, now: int) -> None:
        """Store where the plan was mined; every other attempt of the plan becomes ``replaced``."""
        await self._session.execute(
            update(tx_intents)
            .where(tx_intents.c.key == receipt.key)
            .values(
                state=state.value,
                mined_hash=receipt.tx_hash,
                block_number=receipt.block_number,
                gas_used=receipt.gas_used,
                effective_gas_price=receipt.effective_gas_price,
                succeeded=receipt.succeeded,
                updated_at=now,
            )
        )
        await self._session.execute(
            update(tx_attempts)
            .where(tx_attempts.c.key == receipt.key)
            .values(state=TxState.REPLACED.value)
            .where(tx_attempts.c.tx_hash != receipt.tx_hash)
        )
        await self.set_attempt_state(receipt.tx_hash, TxState.MINED)

    async def lock_nonce(self, chain_id: int, sender: Address, holder: str, now: int) -> int:
        """Lock the account's nonce counter until this transaction ends, and return the next nonce
        the journal knows of (0 for a new account). The first statement is a write, so on SQLite the
        database write lock and on PostgreSQL the row lock is held from here to commit or rollback."""
        for _ in range(2):
            locked = await self._session.execute(
                update(tx_nonces)
                .where(tx_nonces.c.chain_id == chain_id, tx_nonces.c.sender == sender)
                .values(holder=holder[:100], updated_at=now)
                .returning(tx_nonces.c.next_nonce)
            )
            row = locked.first()
            if row is not None:
                return int(row.next_nonce)
            try:
                async with self._session.begin_nested():
                    await self._session.execute(
                        insert(tx_nonces).values(
                            chain_id=chain_id, sender=sender, next_nonce=0, holder=holder[:100], updated_at=now
                        )
                    )
            except SqlIntegrityError:
                continue  # another process created it meanwhile: lock theirs
            return 0
        raise RuntimeError("the nonce counter could not be locked")

    async def advance_nonce(self, chain_id: int, sender: Address, next_nonce: int) -> None:
        await self._session.execute(
            update(tx_nonces)
            .where(tx_nonces.c.chain_id == chain_id, tx_nonces.c.sender == sender)
            .values(next_nonce=next_nonce)
        )
