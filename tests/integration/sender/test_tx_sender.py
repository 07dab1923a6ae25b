"""The one transaction sender on a real node (anvil) and a real journal (SQLite, PostgreSQL)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sender_anvil import ADDRESSES, DEV_KEYS, UowFactory, nonce_of, rpc, set_automine
from web3 import AsyncWeb3

from governance.adapters.chain.sender import Web3TxSender
from governance.adapters.clock import FakeClock
from governance.adapters.db.engine import make_engine, make_session_factory
from governance.adapters.db.uow import SqlAlchemyUnitOfWork
from governance.domain.addresses import parse_address
from governance.domain.errors import ChainError, TransactionRefused, WrongState
from governance.domain.transactions import TxAttempt, TxPlan, TxRecord, TxState

pytestmark = pytest.mark.anvil

SenderFactory = Callable[..., Web3TxSender]
ETH = 10**18
ALICE = parse_address(ADDRESSES[1])
BOB = parse_address(ADDRESSES[2])


def transfer(key: str, wei: int = ETH, to: str = ALICE) -> TxPlan:
    return TxPlan(purpose="test transfer", key=key, to=parse_address(to), value=wei)


def mint(token: Any, key: str, amount: int, gas_limit: int | None = None) -> TxPlan:
    data = bytes.fromhex(token.encode_abi("mint", [BOB, amount])[2:])
    return TxPlan("mint test dollars", key, parse_address(token.address), data=data, gas_limit=gas_limit)


async def journal(uow_factory: UowFactory, key: str) -> TxRecord | None:
    async with uow_factory() as uow:
        return await uow.transactions.get(key)


async def test_transfer_and_contract_call_are_mined_confirmed_and_journaled(
    w3: AsyncWeb3[Any], make_sender: SenderFactory, uow_factory: UowFactory, test_usd: Any
) -> None:
    sender = make_sender(confirmations=2)
    before = await w3.eth.get_balance(ALICE)

    async def miner() -> None:  # the dev chain only makes blocks on demand; confirmations need more
        while True:
            await asyncio.sleep(0.1)
            await rpc(w3, "evm_mine")

    mining = asyncio.create_task(miner())
    try:
        paid = await sender.send(transfer("test:transfer:1"))
        minted = await sender.send(mint(test_usd, "test:mint:1", 5_000_000))
    finally:
        mining.cancel()
    assert paid.succeeded and minted.succeeded
    assert await w3.eth.get_balance(ALICE) == before + ETH
    assert await test_usd.functions.balanceOf(BOB).call() == 5_000_000
    assert await w3.eth.block_number >= minted.block_number + 1  # waited for the second confirmation
    record = await journal(uow_factory, "test:mint:1")
    assert record is not None and record.state is TxState.CONFIRMED and record.receipt == minted
    assert [a.tx_hash for a in record.attempts] == [minted.tx_hash]
    assert record.attempts[0].state is TxState.MINED
    chain_tx = await w3.eth.get_transaction(minted.tx_hash)  # type: ignore[arg-type]
    assert bytes(chain_tx["input"]) == record.plan.data and chain_tx["nonce"] == record.nonce == 1


async def test_a_plan_that_would_revert_is_refused_and_nothing_is_sent(
    w3: AsyncWeb3[Any], make_sender: SenderFactory, uow_factory: UowFactory, test_usd: Any
) -> None:
    not_owner = make_sender(DEV_KEYS[1])
    with pytest.raises(TransactionRefused, match="would fail") as refused:
        await not_owner.send(mint(test_usd, "test:mint:not-owner", 1))
    assert "OwnableUnauthorizedAccount" in refused.value.message
    with pytest.raises(TransactionRefused):
        await not_owner.send(transfer("test:too-much", wei=10**9 * ETH, to=BOB))
    assert await nonce_of(w3, ADDRESSES[1]) == 0
    assert await journal(uow_factory, "test:mint:not-owner") is None
    assert await journal(uow_factory, "test:too-much") is None


async def test_the_same_key_sends_once(w3: AsyncWeb3[Any], make_sender: SenderFactory) -> None:
    sender = make_sender()
    first = await sender.send(transfer("test:once"))
    again = await make_sender().send(transfer("test:once"))  # a fresh sender reads the journal
    assert again == first
    assert await nonce_of(w3, ADDRESSES[0]) == 1
    with pytest.raises(WrongState, match="different transaction"):
        await sender.send(transfer("test:once", wei=2 * ETH))
    assert await nonce_of(w3, ADDRESSES[0]) == 1


async def test_a_chain_id_mismatch_is_refused(w3: AsyncWeb3[Any], make_sender: SenderFactory) -> None:
    with pytest.raises(TransactionRefused, match="chain 31337"):
        await make_sender(chain_id=1).send(transfer("test:wrong-chain"))
    assert await nonce_of(w3, ADDRESSES[0]) == 0


async def test_a_mined_revert_fails_the_plan_for_good(
    w3: AsyncWeb3[Any], make_sender: SenderFactory, uow_factory: UowFactory, test_usd: Any
) -> None:
    plan = mint(test_usd, "test:mint:out-of-gas", 1, gas_limit=23_000)  # passes eth_call, runs out on chain
    sender = make_sender()
    with pytest.raises(ChainError, match="mined but reverted"):
        await sender.send(plan)
    record = await journal(uow_factory, plan.key)
    assert record is not None and record.state is TxState.FAILED
    assert record.receipt is not None and not record.receipt.succeeded
    with pytest.raises(ChainError, match="mined but reverted"):
        await sender.send(plan)
    assert await nonce_of(w3, ADDRESSES[0]) == 1


async def test_dry_run_simulates_and_journals_but_never_broadcasts(
    w3: AsyncWeb3[Any], make_sender: SenderFactory, uow_factory: UowFactory
) -> None:
    before = await w3.eth.get_balance(ALICE)
    summary = await make_sender(dry_run=True).send(transfer("test:dry"))
    assert summary.dry_run and summary.tx_hash == "" and summary.gas_used == 21_000
    record = await journal(uow_factory, "test:dry")
    assert record is not None and record.state is TxState.DRY_RUN and record.attempts == ()
    assert await nonce_of(w3, ADDRESSES[0]) == 0
    assert await w3.eth.get_balance(ALICE) == before
    with pytest.raises(TransactionRefused):
        await make_sender(dry_run=True).send(transfer("test:dry-too-much", wei=10**9 * ETH))
    real = await make_sender().send(transfer("test:dry"))  # a dry run does not use the key up
    assert real.succeeded and not real.dry_run
    assert await w3.eth.get_balance(ALICE) == before + ETH


async def test_a_stuck_transaction_is_replaced_at_the_same_nonce_and_the_replacement_is_mined(
    w3: AsyncWeb3[Any], make_sender: SenderFactory, uow_factory: UowFactory, clock: FakeClock
) -> None:
    await set_automine(w3, False)
    sender = make_sender(replace_after_seconds=30, fee_bump_pct=10)
    sending = asyncio.create_task(sender.send(transfer("test:stuck")))
    await wait_for_attempts(uow_factory, "test:stuck", 1, broadcast=True)
    clock.advance(31)
    record = await wait_for_attempts(uow_factory, "test:stuck", 2, broadcast=True)
    await rpc(w3, "evm_mine")
    summary = await asyncio.wait_for(sending, 20)
    first, second = record.attempts
    assert first.nonce == second.nonce == 0
    assert second.max_priority_fee_per_gas * 100 >= first.max_priority_fee_per_gas * 110
    assert second.max_fee_per_gas * 100 >= first.max_fee_per_gas * 110
    assert summary.tx_hash == second.tx_hash
    assert await nonce_of(w3, ADDRESSES[0]) == 1
    done = await journal(uow_factory, "test:stuck")
    assert done is not None and [a.state for a in done.attempts] == [TxState.REPLACED, TxState.MINED]


async def wait_for_attempts(uow_factory: UowFactory, key: str, count: int, *, broadcast: bool) -> TxRecord:
    for _ in range(400):
        record = await journal(uow_factory, key)
        ready = record is not None and len(record.attempts) >= count
        if record is not None and ready and (not broadcast or record.attempts[count - 1].state is TxState.BROADCAST):
            return record
        await asyncio.sleep(0.025)
    raise AssertionError(f"{key} never reached {count} attempts")


class Crash(Exception):
    """Stands for the process dying: nothing in the sender catches it."""


class CrashBeforeBroadcast(Web3TxSender):
    async def _broadcast(self, attempt: TxAttempt) -> None:
        raise Crash


async def test_a_crash_between_journal_and_broadcast_resumes_to_exactly_one_transaction(
    w3: AsyncWeb3[Any], w3_kwargs: dict[str, Any], uow_factory: UowFactory
) -> None:
    crashing = CrashBeforeBroadcast(**w3_kwargs)
    with pytest.raises(Crash):
        await crashing.send(transfer("test:crash:1"))
    journaled = await journal(uow_factory, "test:crash:1")
    assert journaled is not None and journaled.state is TxState.SIGNED
    assert await nonce_of(w3, ADDRESSES[0]) == 0  # signed and stored, never sent
    del crashing
    restarted = Web3TxSender(**w3_kwargs)
    (summary,) = await restarted.resume_pending()
    assert summary.tx_hash == journaled.attempts[0].tx_hash  # the very bytes journaled before the crash
    assert await nonce_of(w3, ADDRESSES[0]) == 1
    assert await restarted.send(transfer("test:crash:1")) == summary
    assert await restarted.resume_pending() == []
    assert await nonce_of(w3, ADDRESSES[0]) == 1


async def test_resume_finds_which_replaced_variant_was_mined(
    w3: AsyncWeb3[Any], w3_kwargs: dict[str, Any], uow_factory: UowFactory, clock: FakeClock
) -> None:
    await set_automine(w3, False)
    first = Web3TxSender(**(w3_kwargs | {"replace_after_seconds": 30}))
    sending = asyncio.create_task(first.send(transfer("test:crash:replaced")))
    await wait_for_attempts(uow_factory, "test:crash:replaced", 1, broadcast=True)
    clock.advance(31)
    record = await wait_for_attempts(uow_factory, "test:crash:replaced", 2, broadcast=True)
    sending.cancel()  # the process dies while waiting for the receipt
    with pytest.raises(asyncio.CancelledError):
        await sending
    await rpc(w3, "evm_mine")  # meanwhile the chain mines the replacement
    await set_automine(w3, True)
    (summary,) = await Web3TxSender(**w3_kwargs).resume_pending()
    assert summary.tx_hash == record.attempts[1].tx_hash
    done = await journal(uow_factory, "test:crash:replaced")
    assert done is not None and done.state is TxState.CONFIRMED
    assert [a.state for a in done.attempts] == [TxState.REPLACED, TxState.MINED]
    assert await nonce_of(w3, ADDRESSES[0]) == 1


async def test_two_processes_on_one_database_never_share_a_nonce(
    w3: AsyncWeb3[Any], w3_kwargs: dict[str, Any], journal_url: str
) -> None:
    engines = [make_engine(journal_url) for _ in range(2)]
    try:
        senders = [
            Web3TxSender(**(w3_kwargs | {"uow_factory": lambda f=make_session_factory(e): SqlAlchemyUnitOfWork(f)}))
            for e in engines
        ]
        plans = [transfer(f"test:two:{i}", wei=1000 + i) for i in range(8)]
        summaries = await asyncio.gather(*(senders[i % 2].send(p) for i, p in enumerate(plans)))
        # the same keys again, crosswise: nothing new is sent
        again = await asyncio.gather(*(senders[(i + 1) % 2].send(p) for i, p in enumerate(plans)))
    finally:
        for engine in engines:
            await engine.dispose()
    assert again == summaries
    nonces = [(await w3.eth.get_transaction(s.tx_hash))["nonce"] for s in summaries]  # type: ignore[arg-type]
    assert sorted(nonces) == list(range(8))
    assert await nonce_of(w3, ADDRESSES[0]) == 8


async def test_a_sender_killed_after_broadcast_confirms_exactly_once_on_restart(
    w3: AsyncWeb3[Any], anvil_url: str, journal_url: str, w3_kwargs: dict[str, Any], uow_factory: UowFactory
) -> None:
    script = Path(__file__).with_name("sender_crash_script.py")
    root = Path(__file__).resolve().parents[3]
    env = os.environ | {"PYTHONPATH": str(root)}
    args = [sys.executable, str(script), anvil_url, journal_url, DEV_KEYS[0], "test:sigkill"]
    child = await asyncio.create_subprocess_exec(*args, env=env, stderr=asyncio.subprocess.PIPE)
    _, stderr = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode == -signal.SIGKILL, stderr.decode()[-2000:]
    journaled = await journal(uow_factory, "test:sigkill")
    assert journaled is not None and journaled.state is TxState.SIGNED  # killed before it noted the broadcast
    restarted = Web3TxSender(**w3_kwargs)
    (summary,) = await restarted.resume_pending()
    assert summary.succeeded and summary.tx_hash == journaled.attempts[0].tx_hash
    plan = TxPlan("crash test transfer", "test:sigkill", BOB, value=12345)
    assert await restarted.send(plan) == summary
    assert await nonce_of(w3, ADDRESSES[0]) == 1
