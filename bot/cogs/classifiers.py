"""The classifier registry: see it, and (admins) propose listing or delisting a classifier."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.permissions import require_admin
from bot.rendering import short_address
from governance.domain.classifiers import Classifier
from governance.services import classifier_proposals as service
from governance.services.classifier_proposals import Submitted
from governance.services.proposals import ProposalDeps

__all__ = ["ClassifiersCog", "setup"]


class ClassifiersCog(commands.Cog):
    classifier = app_commands.Group(name="classifier", description="Admins: propose listing or delisting")

    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @property
    def deps(self) -> ProposalDeps:
        deps: ProposalDeps = self.bot.ctx.service("proposals")
        return deps

    @classifier.command(name="delist")
    @app_commands.describe(classifier_id="The classifier's id (see /classifiers)", reason="Why; members read it")
    async def delist(self, interaction: discord.Interaction, classifier_id: int, reason: str) -> None:
        """Admins: submit a Governor proposal to delist a classifier."""
        require_admin(interaction, self.bot.ctx.settings)
        await interaction.response.defer(thinking=True)
        done = await service.propose_delisting(self.deps, _admin(interaction), classifier_id, reason)
        await interaction.followup.send(_submitted(done))

    @classifier.command(name="list")
    @app_commands.describe(name="Classifier name", owner="Owner address (receives the shares)",
                           model_hash="SHA-256 of the artifact, 0x + 64 hex", shares="Share supply",
                           uri="Optional URI of the model card")
    async def list_classifier(
        self, interaction: discord.Interaction, name: str, owner: str, model_hash: str, shares: int, uri: str = ""
    ) -> None:
        """Admins: submit a Governor proposal to list a new classifier."""
        require_admin(interaction, self.bot.ctx.settings)
        await interaction.response.defer(thinking=True)
        done = await service.propose_listing(self.deps, _admin(interaction), name, owner, model_hash, shares, uri)
        await interaction.followup.send(_submitted(done))

    @app_commands.command(name="classifiers")
    async def classifiers(self, interaction: discord.Interaction) -> None:
        """The classifier registry: name, owner, status and model hash."""
        await interaction.response.defer(ephemeral=True)
        found = await service.registry(self.deps)
        await interaction.followup.send(embed=_registry_embed(found), ephemeral=True)


def _admin(interaction: discord.Interaction) -> str:
    return f"{interaction.user.name} ({interaction.user.id})"


def _submitted(done: Submitted) -> str:
    title = done.description.splitlines()[0].lstrip("# ")
    return (
        f"Proposal submitted: **{title}**\nProposal id `{done.proposal_id}`, transaction `{done.tx_hash}`.\n"
        "Members can vote in the proposals channel once voting opens."
    )


def _registry_embed(found: list[Classifier]) -> discord.Embed:
    embed = discord.Embed(title="Classifier registry")
    if not found:
        embed.description = "No classifiers listed yet."
    for c in found[:25]:
        embed.add_field(
            name=f"{c.classifier_id}. {c.name}"[:256],
            value=f"{c.status.word} · owner `{short_address(c.owner)}` · {c.share_supply} shares\n"
                  f"model `{c.model_hash}`",
            inline=False,
        )
    return embed


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    await bot.add_cog(ClassifiersCog(bot))
