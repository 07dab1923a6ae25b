"""Chain wiring: the deployment, the RPC, the bot's signer and the one transaction sender."""

from __future__ import annotations

import asyncio
import logging

from bot.context import BotContext
from bot.wiring import Wiring
from governance.bootstrap import build_chain
from governance.domain.errors import DaobotError

__all__ = ["wire"]

log = logging.getLogger(__name__)


async def wire(ctx: BotContext, wiring: Wiring) -> None:
    access = build_chain(ctx.settings, ctx.uow_factory, ctx.clock)
    ctx.services.update(
        w3=access.w3, deployment=access.deployment, chain=access.chain, sender=access.sender,
        member_chain=access.chain, vote_relay=access.relay,
    )

    async def resume_transactions() -> None:
        """At start, and again every replacement period: a plan whose wait was cut short by a node failure
        (the journal keeps it in flight) is settled without waiting for the next restart."""
        while True:
            try:
                settled = await access.sender.resume_pending()
                if settled:
                    log.info("resumed %d journaled transactions", len(settled))
            except DaobotError as exc:
                log.warning("could not resume journaled transactions: %s", exc.message)
            except Exception:  # the loop must outlive any one failure (a garbled node answer)
                log.exception("resuming journaled transactions failed")
            await asyncio.sleep(ctx.settings.tx_replace_after_seconds)

    async def rpc_health() -> str | None:
        try:
            await access.w3.eth.block_number
        except Exception as exc:  # noqa: BLE001 - any failure means the RPC is unhealthy
            return type(exc).__name__
        return None

    wiring.loops.append(resume_transactions)
    wiring.health_checks["rpc"] = rpc_health
