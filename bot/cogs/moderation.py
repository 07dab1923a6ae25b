"""Moderation: report a post, appeal a result, and vote with the buttons on round messages."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.errors import reply_error
from bot.rendering import tokens
from governance.domain.moderation import Choice
from governance.services import content as content_service
from governance.services import moderation as moderation_service

__all__ = ["ModerationCog", "VoteButton", "setup"]


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"mod:(?P<round>\d+):(?P<pos>\d+):(?P<c>[dk])"
):
    """The De-rank / Keep buttons of every round message, across restarts (the id says it all)."""

    def __init__(self, round_id: int, position: int, choice: str) -> None:
        label, style = (
            ("De-rank", discord.ButtonStyle.danger) if choice == "d" else ("Keep", discord.ButtonStyle.secondary)
        )
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=f"mod:{round_id}:{position}:{choice}"))
        self.round_id, self.position, self.choice = round_id, position, choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(int(match["round"]), int(match["pos"]), match["c"])

    async def callback(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await interaction.followup.send(await self._vote(interaction), ephemeral=True)
        except Exception as exc:  # noqa: BLE001 - the one error handler decides what the member reads
            await reply_error(interaction, exc)

    async def _vote(self, interaction: discord.Interaction) -> str:
        bot = interaction.client
        assert isinstance(bot, DaoBot)
        deps: moderation_service.ModerationDeps = bot.ctx.service("moderation")
        post_id = await moderation_service.item_at(deps, self.round_id, self.position)
        choice = Choice.DERANK if self.choice == "d" else Choice.KEEP
        receipt = await moderation_service.cast_vote(deps, self.round_id, post_id, interaction.user.id, choice)
        said = "de-rank" if choice is Choice.DERANK else "keep"
        return (
            f"Your vote to **{said}** post `{post_id}` is recorded with {tokens(receipt.ballot.weight)} votes "
            f"(your voting power at the snapshot block). Ballots cast in round {self.round_id} so far: "
            f"{receipt.ballot_count}. Tallies stay hidden until the round closes."
        )


class ModerationCog(commands.Cog):
    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @app_commands.command(name="report")
    @app_commands.describe(
        post_id="The post's id on the platform", reason="Why it should be reviewed (shown to voters)"
    )
    async def report(self, interaction: discord.Interaction, post_id: str, reason: str) -> None:
        """Report a post: it joins the moderation queue for the next de-rank round."""
        await interaction.response.defer(ephemeral=True)
        queued = await content_service.report_post(
            self.bot.ctx.service("content_intake"), interaction.user.id, post_id, reason
        )
        text = "It joins the next de-rank round." if queued else "It was already queued or voted on."
        await interaction.followup.send(f"Thanks, your report on `{post_id}` is recorded. {text}", ephemeral=True)

    @app_commands.command(name="appeal")
    @app_commands.describe(post_id="The post's id on the platform", reason="Why the result should be reconsidered")
    async def appeal(self, interaction: discord.Interaction, post_id: str, reason: str) -> None:
        """Appeal a moderation result: a second round on that post alone, once, within 7 days."""
        await interaction.response.defer(ephemeral=True)
        record = await moderation_service.appeal(
            self.bot.ctx.service("moderation"), interaction.user.id, post_id, reason
        )
        await interaction.followup.send(
            f"Appeal round {record.spec.round_id} is open for `{post_id}` until "
            f"<t:{int(record.spec.closes_at.timestamp())}:f>. Its result replaces the first one.",
            ephemeral=True,
        )


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    bot.add_dynamic_items(VoteButton)
    await bot.add_cog(ModerationCog(bot))
