"""Treasury wiring: ``/treasury`` on the Treasury's live views. Needs the ``bot.features.chain`` services."""

from __future__ import annotations

from bot.context import BotContext
from bot.wiring import Wiring
from governance.adapters.chain.treasury_reads import LiveTreasury

__all__ = ["wire"]


def wire(ctx: BotContext, wiring: Wiring) -> None:
    ctx.services["treasury"] = LiveTreasury(ctx.service("chain"))
    wiring.cogs.append("bot.cogs.treasury")
