"""``Web3TxSender``: the one place daobot signs and sends transactions (``TxSender`` port).

The order never changes: chain id, simulation, gas estimate, fees under a cap, balance; then, under
an asyncio lock *and* the account's nonce row locked in the database, the nonce is taken, the
transaction signed, and the signed bytes journaled and committed; only then is it broadcast. A plan
not mined within ``replace_after_seconds`` is re-signed at the same nonce with higher fees (each
replacement journaled before it is sent). ``resume_pending`` re-sends the journaled bytes after a
crash and finds out which variant was mined. A repeated key never sends twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from eth_account.signers.local import LocalAccount
from eth_typing import HexStr
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from web3 import AsyncWeb3
from web3.exceptions import TransactionNotFound, Web3Exception, Web3RPCError

from governance.adapters.chain import preflight
from governance.adapters.chain.keys import signer_from_settings
from governance.adapters.chain.preflight import Fees
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.config import Settings
from governance.domain.addresses import Address, parse_address
from governance.domain.errors import ChainError, WrongState
from governance.domain.transactions import (
    IN_FLIGHT_STATES,
    TxAttempt,
    TxPlan,
    TxReceiptSummary,
    TxRecord,
    TxState,
    bump_fee,
    is_confirmed,
)
from governance.ports import Clock

__all__ = ["Web3TxSender", "build_tx_sender"]


log = logging.getLogger(__name__)

#: Polls in a row that must see our nonce used with none of our hashes mined before we call it dropped.
_DROP_AFTER_POLLS = 3


class Web3TxSender:
    def __init__(
        self,
        w3: AsyncWeb3[Any],
        account: LocalAccount,
        uow_factory: Callable[[], SqlAlchemyUnitOfWork],
        *,
        chain_id: int,
        clock: Clock,
        confirmations: int = 2,
        dry_run: bool = False,
        max_fee_wei: int = 200 * 10**9,
        replace_after_seconds: int = 60,
        fee_bump_pct: int = 12,
        poll_seconds: float = 1.0,
    ) -> None:
        self._w3 = w3
        self._account = account
        self._uow = uow_factory
        self._chain_id = chain_id
        self._clock = clock
        self._confirmations = confirmations
        self._dry_run = dry_run
        self._max_fee_wei = max_fee_wei
        self._replace_after = replace_after_seconds
        self._bump_pct = fee_bump_pct
        self._poll = poll_seconds
        self._lock = asyncio.Lock()
        self._capped: set[str] = set()
        self._busy: Counter[str] = Counter()  # keys this process is sending or waiting for right now
        self.address: Address = parse_address(account.address)
        self._holder = f"{socket.gethostname()}:{os.getpid()}:{id(self):x}"

    def __repr__(self) -> str:
        return f"Web3TxSender(address={self.address}, chain_id={self._chain_id}, dry_run={self._dry_run})"

    # --- the port ---------------------------------------------------------------------------

    async def send(self, plan: TxPlan) -> TxReceiptSummary:
        with self._working_on(plan.key):
            return await self._send(plan)

    async def _send(self, plan: TxPlan) -> TxReceiptSummary:
        known = await self._load(plan.key)
        if known is not None and known.state is not TxState.DRY_RUN:
            return await self._settle_known(known, plan)
        await preflight.check_chain_id(self._w3, self._chain_id)
        await preflight.simulate(self._w3, plan, self.address)
        gas = await preflight.estimate_gas(self._w3, plan, self.address)
        fees = await preflight.quote_fees(self._w3, self._max_fee_wei)
        await preflight.check_balance(self._w3, plan, self.address, gas, fees)
        if self._dry_run:
            return await self._journal_dry_run(plan, gas)
        record, ours = await self._sign_and_journal(plan, gas, fees)
        if not ours:
            return await self._settle_known(record, plan)
        await self._first_broadcast(record)
        return await self._await_settled(plan.key)

    async def resume_pending(self) -> list[TxReceiptSummary]:
        """Finish every journaled, unsettled transaction of this account, in nonce order.

        The latest signed variant of each is re-sent byte for byte (a node that already has it, or
        has mined one of its variants, says so, and that is fine); then each is awaited as in ``send``.
        Plans that end reverted or dropped are logged and left out of the result. Plans this sender is
        sending or waiting for at the moment are left to that caller, so it is safe to call periodically.
        """
        if self._dry_run:
            return []
        await preflight.check_chain_id(self._w3, self._chain_id)
        async with self._uow() as uow:
            records = await uow.transactions.in_flight(self._chain_id, self.address)
        settled: list[TxReceiptSummary] = []
        for record in records:
            if record.plan.key in self._busy:
                continue
            with self._working_on(record.plan.key):
                if record.latest is not None and record.state is not TxState.MINED:
                    await self._rebroadcast(record.latest)
                try:
                    settled.append(await self._await_settled(record.plan.key))
                except ChainError as exc:
                    log.warning("transaction %s did not succeed: %s", record.plan.key, exc.message)
        return settled

    @contextlib.contextmanager
    def _working_on(self, key: str) -> Iterator[None]:
        self._busy[key] += 1
        try:
            yield
        finally:
            self._busy[key] -= 1
            if not self._busy[key]:
                del self._busy[key]

    # --- journal ----------------------------------------------------------------------------

    async def _load(self, key: str) -> TxRecord | None:
        async with self._uow() as uow:
            return await uow.transactions.get(key)

    async def _settle_known(self, record: TxRecord, plan: TxPlan) -> TxReceiptSummary:
        if not record.plan.same_call(plan):
            raise WrongState(f"The key {plan.key} was already used for a different transaction.")
        if record.sender != self.address or record.chain_id != self._chain_id:
            raise WrongState(f"The key {plan.key} belongs to {record.sender} on chain {record.chain_id}.")
        if record.state is TxState.CONFIRMED and record.receipt is not None:
            return record.receipt
        if record.state in (TxState.FAILED, TxState.DROPPED):
            raise ChainError(record.error or f"The transaction for {plan.purpose} failed.")
        if self._dry_run:
            raise WrongState(f"The transaction for {plan.purpose} is in flight; finish it without dry run.")
        if record.state is TxState.SIGNED and record.latest is not None:
            await self._first_broadcast(record)
        return await self._await_settled(plan.key)

    async def _journal_dry_run(self, plan: TxPlan, gas: int) -> TxReceiptSummary:
        now = self._clock.now()
        record = TxRecord(plan, self._chain_id, self.address, TxState.DRY_RUN, now, gas_limit=gas, updated_at=now)
        async with self._uow() as uow:
            await uow.transactions.save(record)
            await uow.commit()
        log.info("dry run: %s (%s) would use up to %d gas; not sent", plan.key, plan.purpose, gas)
        return TxReceiptSummary(plan.key, "", 0, gas, 0, succeeded=True, dry_run=True)

    async def _sign_and_journal(self, plan: TxPlan, gas: int, fees: Fees) -> tuple[TxRecord, bool]:
        """Take the nonce and journal the signed bytes, atomically; return the journaled record.

        When another sender journaled the same key first, return that record instead (and False).
        """
        async with self._lock, self._uow() as uow:
            now = self._clock.now()
            journal_next = await uow.transactions.lock_nonce(self._chain_id, self.address, self._holder, now)
            nonce = max(journal_next, await self._chain_nonce("pending"))
            attempt = self._sign(plan, nonce, gas, fees, now)
            record = TxRecord(
                plan, self._chain_id, self.address, TxState.SIGNED, now, nonce, gas, (attempt,), updated_at=now
            )
            try:
                await uow.transactions.save(record)
                await uow.transactions.add_attempt(plan.key, attempt)
                await uow.transactions.advance_nonce(self._chain_id, self.address, nonce + 1)
                await uow.commit()
            except SqlIntegrityError:
                await uow.rollback()
                raced = await uow.transactions.get(plan.key)
                if raced is None:
                    raise ChainError(f"Nonce {nonce} is already journaled for another transaction.") from None
                return raced, False
        log.info("journaled %s (%s): nonce %d, tx %s", plan.key, plan.purpose, nonce, attempt.tx_hash)
        return record, True

    def _sign(self, plan: TxPlan, nonce: int, gas: int, fees: Fees, now: int) -> TxAttempt:
        signed = self._account.sign_transaction(
            {
                "type": 2,
                "chainId": self._chain_id,
                "nonce": nonce,
                "to": HexStr(plan.to),
                "value": plan.value,
                "data": plan.data,
                "gas": gas,
                "maxFeePerGas": fees.max_fee_per_gas,
                "maxPriorityFeePerGas": fees.max_priority_fee_per_gas,
            }
        )
        return TxAttempt(
            tx_hash="0x" + bytes(signed.hash).hex(),
            nonce=nonce,
            max_fee_per_gas=fees.max_fee_per_gas,
            max_priority_fee_per_gas=fees.max_priority_fee_per_gas,
            raw=bytes(signed.raw_transaction),
            state=TxState.SIGNED,
            created_at=now,
        )

    async def _mark(self, key: str, state: TxState, attempt: str | None = None, error: str | None = None) -> None:
        async with self._uow() as uow:
            await uow.transactions.set_state(key, state, self._clock.now(), error)
            if attempt is not None:
                await uow.transactions.set_attempt_state(attempt, state)
            await uow.commit()

    # --- the node ---------------------------------------------------------------------------

    async def _chain_nonce(self, block: str) -> int:
        try:
            return int(await self._w3.eth.get_transaction_count(self.address, block))  # type: ignore[arg-type]
        except (Web3Exception, OSError) as exc:
            raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc

    async def _broadcast(self, attempt: TxAttempt) -> None:
        """Hand the signed bytes to the node. Subclassed in tests to simulate crashes."""
        await self._w3.eth.send_raw_transaction(attempt.raw)

    async def _first_broadcast(self, record: TxRecord) -> None:
        attempt = record.latest
        assert attempt is not None
        try:
            await self._broadcast(attempt)
        except Web3RPCError as exc:
            if not preflight.is_harmless_refusal(exc):
                raise ChainError(
                    f"The node refused the transaction for {record.plan.purpose} ({exc.message[:200]}); "
                    "it stays journaled and will be retried."
                ) from exc
        except (Web3Exception, OSError) as exc:
            raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc
        await self._mark(record.plan.key, TxState.BROADCAST, attempt.tx_hash)
        log.info("broadcast %s: tx %s", record.plan.key, attempt.tx_hash)

    async def _rebroadcast(self, attempt: TxAttempt) -> bool:
        """Send journaled bytes again; a refusal is logged, not raised (the wait loop decides)."""
        try:
            await self._broadcast(attempt)
        except (Web3Exception, OSError) as exc:
            log.info("re-sending tx %s: %s", attempt.tx_hash, getattr(exc, "message", type(exc).__name__))
            return False
        return True

    async def _receipt(self, tx_hash: str) -> dict[str, Any] | None:
        try:
            return dict(await self._w3.eth.get_transaction_receipt(tx_hash))  # type: ignore[arg-type]
        except TransactionNotFound:
            return None
        except (Web3Exception, OSError) as exc:
            raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc

    async def _head(self) -> int:
        try:
            return int(await self._w3.eth.block_number)
        except (Web3Exception, OSError) as exc:
            raise ChainError(f"The chain node is unreachable ({type(exc).__name__}).") from exc

    # --- waiting, replacing, confirming -----------------------------------------------------

    async def _await_settled(self, key: str) -> TxReceiptSummary:
        misses = 0
        while True:
            record = await self._load(key)
            assert record is not None and record.nonce is not None
            if record.state not in IN_FLIGHT_STATES:
                return await self._settle_known(record, record.plan)
            nonce_used = await self._chain_nonce("latest") > record.nonce
            mined = await self._find_mined(record)
            if mined is not None:
                summary = await self._confirm(record, *mined)
                if summary is not None:
                    return summary
                continue
            misses = misses + 1 if nonce_used else 0
            if misses >= _DROP_AFTER_POLLS:
                return await self._drop(record)
            if self._clock.now() - (record.latest.created_at if record.latest else 0) >= self._replace_after:
                await self._replace(record)
            await asyncio.sleep(self._poll)

    async def _find_mined(self, record: TxRecord) -> tuple[TxAttempt, dict[str, Any]] | None:
        for attempt in reversed(record.attempts):
            receipt = await self._receipt(attempt.tx_hash)
            if receipt is not None and receipt.get("blockNumber") is not None:
                return attempt, receipt
        return None

    async def _confirm(self, record: TxRecord, attempt: TxAttempt, receipt: dict[str, Any]) -> TxReceiptSummary | None:
        """Journal the receipt; fail on a revert; wait for confirmations. None when a reorg undid it."""
        summary = TxReceiptSummary(
            key=record.plan.key,
            tx_hash=attempt.tx_hash,
            block_number=int(receipt["blockNumber"]),
            gas_used=int(receipt["gasUsed"]),
            effective_gas_price=int(receipt.get("effectiveGasPrice", 0)),
            succeeded=int(receipt["status"]) == 1,
        )
        if not summary.succeeded:
            return await self._fail(record, summary)
        await self._store_receipt(summary, TxState.MINED)
        while not is_confirmed(summary.block_number, await self._head(), self._confirmations):
            await asyncio.sleep(self._poll)
        again = await self._receipt(attempt.tx_hash)
        if again is None or again.get("blockHash") != receipt.get("blockHash"):
            log.warning(
                "tx %s of %s left the chain in a reorganisation; waiting again", attempt.tx_hash, record.plan.key
            )
            await self._mark(record.plan.key, TxState.BROADCAST)
            return None
        await self._store_receipt(summary, TxState.CONFIRMED)
        log.info("confirmed %s: tx %s in block %d", record.plan.key, attempt.tx_hash, summary.block_number)
        return summary

    async def _store_receipt(self, summary: TxReceiptSummary, state: TxState) -> None:
        async with self._uow() as uow:
            await uow.transactions.record_receipt(summary, state, self._clock.now())
            await uow.commit()

    async def _fail(self, record: TxRecord, summary: TxReceiptSummary) -> TxReceiptSummary:
        error = (
            f"The transaction for {record.plan.purpose} was mined but reverted "
            f"(tx {summary.tx_hash}, block {summary.block_number}); nothing changed on chain."
        )
        async with self._uow() as uow:
            await uow.transactions.record_receipt(summary, TxState.FAILED, self._clock.now())
            await uow.transactions.set_state(record.plan.key, TxState.FAILED, self._clock.now(), error)
            await uow.commit()
        raise ChainError(error)

    async def _drop(self, record: TxRecord) -> TxReceiptSummary:
        error = (
            f"Nonce {record.nonce} of {self.address} was used by a transaction daobot did not journal, so "
            f"the transaction for {record.plan.purpose} was dropped; plan it again with a new key."
        )
        await self._mark(record.plan.key, TxState.DROPPED, error=error)
        raise ChainError(error)

    async def _replace(self, record: TxRecord) -> None:
        """Re-sign the same nonce with fees bumped by at least ``fee_bump_pct`` (never under 10 %)."""
        old = record.latest
        assert old is not None and record.nonce is not None and record.gas_limit is not None
        try:
            market = await preflight.quote_fees(self._w3, self._max_fee_wei)
        except ChainError:
            market = Fees(0, 0)
        tip = bump_fee(old.max_priority_fee_per_gas, self._bump_pct, market.max_priority_fee_per_gas)
        cap = max(bump_fee(old.max_fee_per_gas, self._bump_pct, market.max_fee_per_gas), tip)
        if cap > self._max_fee_wei:
            if old.tx_hash not in self._capped:
                self._capped.add(old.tx_hash)
                log.warning("tx %s is stuck, but a replacement would pay above the fee cap; waiting", old.tx_hash)
            return
        attempt = self._sign(record.plan, record.nonce, record.gas_limit, Fees(cap, tip), self._clock.now())
        try:
            async with self._uow() as uow:
                await uow.transactions.add_attempt(record.plan.key, attempt)
                await uow.commit()
        except SqlIntegrityError:
            return  # another sender journaled this very replacement
        log.info("replacing %s at nonce %d: tx %s -> %s", record.plan.key, record.nonce, old.tx_hash, attempt.tx_hash)
        if await self._rebroadcast(attempt):
            await self._mark(record.plan.key, TxState.BROADCAST, attempt.tx_hash)


def build_tx_sender(
    settings: Settings, w3: AsyncWeb3[Any], uow_factory: Callable[[], SqlAlchemyUnitOfWork], clock: Clock
) -> Web3TxSender:
    """The sender the settings describe: signer, chain id, confirmations, dry run, fee cap and bumps."""
    return Web3TxSender(
        w3,
        signer_from_settings(settings),
        uow_factory,
        chain_id=settings.chain_id,
        clock=clock,
        confirmations=settings.confirmations,
        dry_run=settings.dry_run,
        max_fee_wei=settings.max_fee_gwei * 10**9,
        replace_after_seconds=settings.tx_replace_after_seconds,
        fee_bump_pct=settings.tx_fee_bump_pct,
    )
