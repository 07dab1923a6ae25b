"""Snapshot wiring: the hub client, Snapshot votes on the signing page, /snapshot, and the loop that
announces the space's proposals in the proposals channel. Off unless DAOBOT_SNAPSHOT_SPACE is set.

Uses the ``wallets`` service of ``bot.features.members`` (wire that first).
"""

from __future__ import annotations

import asyncio
import logging

from bot.context import BotContext
from bot.notifier import Post
from bot.snapshot_embeds import proposal_embed
from bot.wiring import Wiring
from governance.adapters.snapshot import EthAccountSignatures, SnapshotHubClient
from governance.domain.errors import DaobotError
from governance.domain.notifications import Notification
from governance.domain.signing import SigningKind
from governance.services import snapshot_bridge
from governance.services.snapshot_bridge import (
    ANNOUNCEMENT_KIND,
    SnapshotBridge,
    SnapshotVoteHandler,
    announcement_key,
    proposal_from_payload,
)

__all__ = ["render_announcement", "wire"]

log = logging.getLogger(__name__)


async def render_announcement(ctx: BotContext, note: Notification) -> Post | None:
    channel = ctx.settings.proposals_channel_id or ctx.settings.announcements_channel_id
    if channel is None:
        return None
    proposal = proposal_from_payload(note.payload)
    embed = proposal_embed(proposal, hub_url=ctx.settings.snapshot_hub_url)
    return Post(content=f"Snapshot proposal in **{proposal.space}**", channel_id=channel, embeds=(embed,),
                edit_key=announcement_key(proposal.id))


def wire(ctx: BotContext, wiring: Wiring) -> None:
    settings = ctx.settings
    if not settings.snapshot_space:
        log.info("Snapshot bridge off (DAOBOT_SNAPSHOT_SPACE is not set)")
        return
    client = SnapshotHubClient(hub_url=settings.snapshot_hub_url, sequencer_url=settings.snapshot_sequencer_url)
    bridge = SnapshotBridge(hub=client, verifier=EthAccountSignatures(), space=settings.snapshot_space,
                            clock=ctx.clock)
    ctx.services["snapshot"] = bridge
    ctx.service("wallets").handlers[SigningKind.SNAPSHOT_VOTE] = SnapshotVoteHandler(bridge)
    wiring.renderers[ANNOUNCEMENT_KIND] = render_announcement
    wiring.cogs.append("bot.cogs.snapshot")
    wiring.closers.append(client.aclose)

    async def announce_snapshot_proposals() -> None:
        while True:
            try:
                await snapshot_bridge.announce_proposals(bridge, ctx.uow_factory)
            except DaobotError as exc:
                log.warning("Snapshot announcements skipped this round: %s", exc.message)
            except Exception:
                log.exception("Snapshot announcement round failed")
            await asyncio.sleep(settings.snapshot_poll_seconds)

    wiring.loops.append(announce_snapshot_proposals)
