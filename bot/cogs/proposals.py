"""Proposals: see the open and recent ones, and vote with your own wallet's signature."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.rendering import tokens
from bot.views.votes import VoteButton, send_vote_link
from governance.domain import proposals as rules
from governance.domain.chain_records import ProposalState, ProposalView
from governance.services import proposals

__all__ = ["ProposalsCog", "setup"]


class ProposalsCog(commands.Cog):
    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @property
    def deps(self) -> proposals.ProposalDeps:
        deps: proposals.ProposalDeps = self.bot.ctx.service("proposals")
        return deps

    @app_commands.command(name="proposals")
    async def list_proposals(self, interaction: discord.Interaction) -> None:
        """Open and recent Governor proposals, with their state in plain words."""
        await interaction.response.defer(ephemeral=True)
        views = await proposals.recent_proposals(self.deps, limit=10)
        await interaction.followup.send(embed=_list_embed(views), ephemeral=True)

    @app_commands.command(name="vote")
    @app_commands.describe(proposal="The proposal id (pick from the list)", choice="Your vote",
                           reason="Optional reason, recorded on chain with your vote")
    async def vote(
        self, interaction: discord.Interaction, proposal: str, choice: Literal["for", "against", "abstain"],
        reason: str | None = None,
    ) -> None:
        """Vote on a proposal: you get a one-time link where your wallet signs the binding vote."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = await proposals.request_vote(self.deps, interaction.user.id, proposal, choice, reason)
        await send_vote_link(interaction, self.deps, request)

    @vote.autocomplete("proposal")
    async def _open_proposals(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        views = await proposals.recent_proposals(self.deps, limit=25)
        return [
            app_commands.Choice(name=v.title[:100], value=str(v.proposal_id))
            for v in views
            if v.state is ProposalState.ACTIVE and current.lower() in f"{v.title} {v.proposal_id}".lower()
        ][:25]


def _list_embed(views: list[ProposalView]) -> discord.Embed:
    embed = discord.Embed(title="Proposals")
    if not views:
        embed.description = "No proposals yet."
    for view in views:
        tally = view.tally
        embed.add_field(
            name=view.title[:256],
            value=(
                f"{rules.state_words(view.state)}\nFor {tokens(tally.votes_for)} · against "
                f"{tokens(tally.votes_against)} · abstain {tokens(tally.votes_abstain)}\nid `{view.proposal_id}`"
            )[:1024],
            inline=False,
        )
    return embed


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    bot.add_dynamic_items(VoteButton)
    await bot.add_cog(ProposalsCog(bot))
