"""Watcher wiring: the chain indexer runs as a runtime loop over the deployed suite; its lag is a
health check and the ``daobot_indexer_lag_blocks`` gauge (chain head minus the indexed block, set at
every step). Projections, read model and outbox notices belong to ``governance.adapters.chain``."""

from __future__ import annotations

import asyncio
import logging

from bot import runtime
from bot.context import BotContext
from bot.wiring import Wiring
from governance.adapters.chain.indexer import ChainIndexer, StepResult
from governance.adapters.chain.rpc import JsonRpcClient
from governance.adapters.chain.source import ChainSource
from governance.adapters.chain.suite import targets_from_deployment
from governance.adapters.db.engine import make_engine, make_session_factory

__all__ = ["MAX_LAG_BLOCKS", "wire"]

log = logging.getLogger(__name__)
MAX_LAG_BLOCKS = 20


async def wire(ctx: BotContext, wiring: Wiring) -> None:
    client = JsonRpcClient(ctx.settings.rpc_url)
    source = ChainSource(client)
    discovery = await targets_from_deployment(source, ctx.service("deployment"))
    engine = make_engine(ctx.settings.database_url)
    indexer = ChainIndexer(source, make_session_factory(engine), discovery.targets,
                           confirmations=ctx.settings.confirmations, start_block=discovery.start_block,
                           missing=discovery.missing)
    ctx.services["indexer"] = indexer
    poll = ctx.settings.indexer_poll_seconds
    gauge = ctx.service("metrics").indexer_lag

    def head_lag(target: int, indexed: int | None) -> int:
        """Blocks between the chain head and the indexed cursor (``target`` is the confirmed head)."""
        at = indexed if indexed is not None else discovery.start_block - 1
        return max(0, target + indexer.confirmations - at)

    def on_step(result: StepResult) -> None:
        gauge.set(head_lag(result.target, result.cursor))

    async def watch_chain() -> None:
        # Start once connected: by then the scheduler's first election (whose synchronous job store
        # writes block the event loop) is over, so they do not wait on this loop's first writes.
        await runtime.current().bot.wait_until_ready()
        stop = asyncio.Event()
        try:
            while True:
                try:
                    await indexer.run(stop, poll, on_step)
                except Exception:  # the loop must outlive any one failure (database busy, node gone)
                    log.exception("chain watcher stopped unexpectedly; restarting")
                    await asyncio.sleep(poll * 5)
        finally:
            await client.close()
            await engine.dispose()

    async def indexer_lag() -> str | None:
        try:
            target, cursor = await indexer.target(), await indexer.cursor()
        except Exception as exc:  # noqa: BLE001 - any failure makes the watcher unhealthy
            return type(exc).__name__
        indexed = cursor.block_number if cursor else None
        gauge.set(head_lag(target, indexed))
        lag = target - (indexed if indexed is not None else discovery.start_block - 1)
        return None if lag <= MAX_LAG_BLOCKS else f"{lag} blocks behind the confirmed head"

    wiring.loops.append(watch_chain)
    wiring.health_checks["watcher"] = indexer_lag
