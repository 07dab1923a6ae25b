"""Snapshot: see the DAO space's off-chain proposals and vote on them from Discord."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.snapshot_embeds import proposal_embed, short_id
from governance.services import snapshot_bridge
from governance.services.snapshot_bridge import format_decimal

__all__ = ["SnapshotCog", "setup"]

SHOWN = 5
CHOICE_HELP = (
    "A name or number; approval: several, comma-separated; ranked: all, in order; weighted: “name: 3, other: 1”"
)


class SnapshotCog(commands.GroupCog, group_name="snapshot", group_description="The DAO's Snapshot proposals"):
    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot
        super().__init__()

    @property
    def bridge(self) -> snapshot_bridge.SnapshotBridge:
        bridge: snapshot_bridge.SnapshotBridge = self.bot.ctx.service("snapshot")
        return bridge

    @app_commands.command(name="proposals")
    async def proposals(self, interaction: discord.Interaction) -> None:
        """The space's open, upcoming and recent proposals: choices, scores, votes and time left."""
        await interaction.response.defer(ephemeral=True)
        bridge = self.bridge
        found = await snapshot_bridge.space_proposals(bridge)
        if not found:
            await interaction.followup.send(f"The Snapshot space {bridge.space} has no proposals yet.", ephemeral=True)
            return
        now, hub = bridge.clock.now(), self.bot.ctx.settings.snapshot_hub_url
        embeds = [proposal_embed(p, now=now, hub_url=hub) for p in found[:SHOWN]]
        more = f" (the {SHOWN} most relevant of {len(found)})" if len(found) > SHOWN else ""
        await interaction.followup.send(
            f"Snapshot space **{bridge.space}**{more}. Vote with /snapshot vote.", embeds=embeds, ephemeral=True
        )

    @app_commands.command(name="vote")
    @app_commands.describe(
        proposal="The proposal's id, or its start as /snapshot proposals shows it", choice=CHOICE_HELP,
        reason="Optional: why (public on Snapshot)",
    )
    async def vote(
        self, interaction: discord.Interaction, proposal: str, choice: str, reason: str | None = None
    ) -> None:
        """Vote on a Snapshot proposal: you sign the vote in your wallet (no transaction, no fee)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        ctx = self.bot.ctx
        started = await snapshot_bridge.start_snapshot_vote(
            ctx.service("wallets"), self.bridge, interaction.user.id, proposal, choice, reason
        )
        request = started.request
        minutes = (request.expires - request.created) // 60
        await interaction.followup.send(
            f"Your vote on “{started.proposal.title}” (`{short_id(started.proposal.id)}`): **{started.choice}**"
            + (f", reason “{reason.strip()}”" if reason and reason.strip() else "") + ".\n"
            f"Voting power, as Snapshot reports it: **{format_decimal(started.power.vp)}**.\n"
            f"Open this one-time link to sign it in your wallet (valid {minutes} min); "
            f"the bot then sends it to Snapshot:\n{ctx.settings.public_base_url}/sign/{request.token}",
            ephemeral=True,
        )


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    await bot.add_cog(SnapshotCog(bot))
