"""Reorgs and a misbehaving node: whatever happens, the index ends equal to a fresh index of the canonical chain."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from chain_support import Anvil, account, build_history, dump, emit, fresh_database, transfer, vote_cast
from fault_proxy import FaultProxy
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from test_watcher_basics import make_indexer

from governance.adapters.chain.catalog import Role
from governance.adapters.chain.indexer import ChainIndexer
from governance.adapters.chain.projection import WatchTargets
from governance.adapters.chain.rpc import Backoff, JsonRpcClient
from governance.adapters.chain.source import ChainSource
from governance.adapters.chain.span import AdaptiveSpan
from governance.adapters.db.tables.core import outbox


async def fresh_index(node: Anvil, targets: WatchTargets, tmp_path: Path) -> dict[str, list[tuple[object, ...]]]:
    engine, sessions = await fresh_database(tmp_path / "fresh.sqlite")
    indexer = make_indexer(node.url, sessions, targets)
    await indexer.catch_up()
    await indexer.source.client.close()
    snapshot = await dump(sessions)
    await engine.dispose()
    return snapshot


@pytest.mark.parametrize("replacement", ["longer", "shorter"])
async def test_reorg_replacing_a_vote_and_a_proposal_rolls_back_to_the_canonical_chain(
    node: Anvil, emitters: WatchTargets, sessions: async_sessionmaker[AsyncSession], tmp_path: Path,
    replacement: str,
) -> None:
    governor, token = emitters.addresses[Role.GOVERNOR], emitters.addresses[Role.TOKEN]
    build_history(node, governor, token, proposals=2)
    fork = node.call("evm_snapshot")
    kept_vote = [vote_cast(account(5), 1, 1, 50, "same on both branches")]
    emit(node, governor, kept_vote)
    build_history(node, governor, token, proposals=1, first_id=10)  # proposal 10 and its votes: orphaned
    indexer = make_indexer(node.url, sessions, emitters)
    await indexer.catch_up()
    async with sessions() as session:
        orphan_keys = [row.dedupe_key for row in await session.execute(select(outbox.c.dedupe_key))]

    node.call("evm_revert", fork)
    emit(node, governor, kept_vote)  # the same transaction, mined again at the same position
    if replacement == "longer":
        emit(node, token, [transfer(account(1), account(9), 77)])
        node.mine(25)
    await indexer.catch_up()
    await indexer.catch_up()
    await indexer.source.client.close()

    assert indexer.stats.reorgs == 1
    ours = await dump(sessions)
    assert ours == await fresh_index(node, emitters, tmp_path)
    async with sessions() as session:
        rows = (await session.execute(select(outbox.c.dedupe_key, outbox.c.kind, outbox.c.payload))).all()
    retracted = {key for key, _, payload in rows if json.loads(payload).get("retracted")}
    assert any(":proposal:10:" in key for key in retracted)  # the orphaned proposal is retracted ...
    assert len(rows) == len({key for key, _, _ in rows})  # ... nothing was enqueued twice ...
    assert set(orphan_keys) <= {key for key, _, _ in rows}  # ... and nothing was deleted.
    assert not any(":proposal:10:" in key for key, _ in ours["outbox"])


async def test_index_through_a_faulty_node_equals_the_index_without_faults(
    node: Anvil, emitters: WatchTargets, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    build_history(node, emitters.addresses[Role.GOVERNOR], emitters.addresses[Role.TOKEN], proposals=6,
                  gap_blocks=40)
    proxy = FaultProxy(node.url, rate=0.25, seed=11, max_range=60, delay_seconds=0.6)
    await proxy.start()
    client = JsonRpcClient(proxy.url, timeout=0.4, backoff=Backoff(initial=0.005, maximum=0.02), max_attempts=50)
    indexer = ChainIndexer(ChainSource(client), sessions, emitters, confirmations=0, span=AdaptiveSpan(size=500))
    try:
        await indexer.catch_up()
    finally:
        await client.close()
        await proxy.stop()

    assert await dump(sessions) == await fresh_index(node, emitters, tmp_path)
    assert proxy.injected["range_cap"] > 0 and sum(proxy.injected.values()) >= 10
    assert client.stats.failures["range_too_large"] > 0
    assert client.stats.retries >= sum(proxy.injected.values()) - proxy.injected["range_cap"]
    assert indexer.span.size <= 60


async def test_live_watcher_keeps_going_while_the_node_is_down(
    node: Anvil, emitters: WatchTargets, sessions: async_sessionmaker[AsyncSession]
) -> None:
    build_history(node, emitters.addresses[Role.GOVERNOR], emitters.addresses[Role.TOKEN], proposals=2)
    proxy = FaultProxy(node.url, rate=1.0, seed=3, max_range=None, delay_seconds=0.3)
    await proxy.start()
    client = JsonRpcClient(proxy.url, timeout=0.2, backoff=Backoff(initial=0.001, maximum=0.002), max_attempts=2)
    indexer = ChainIndexer(ChainSource(client), sessions, emitters, confirmations=0)
    await indexer.register()
    stop = asyncio.Event()
    runner = asyncio.create_task(indexer.run(stop, poll_seconds=0.01, max_pause=0.05))
    try:
        while indexer.stats.step_failures < 3:
            await asyncio.sleep(0.01)
        proxy.rate = 0.0  # the node is back
        while (await indexer.cursor()) is None or (await indexer.cursor()).block_number < node.head():  # type: ignore[union-attr]
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await runner
        await client.close()
        await proxy.stop()
    assert indexer.stats.logs_applied == 4 + 2 * 6
    assert client.stats.failed >= 6
