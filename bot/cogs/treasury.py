"""Treasury: what it holds, how each epoch's revenue is split, recent revenue, and the runway."""

from __future__ import annotations

import asyncio
import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.treasury_render import CHART, treasury_chart, treasury_embed
from governance.services.treasury import treasury_report

__all__ = ["TreasuryCog", "setup"]


class TreasuryCog(commands.Cog):
    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @app_commands.command(name="treasury")
    async def treasury(self, interaction: discord.Interaction) -> None:
        """The treasury's balance and reserve, the split over the five pools, recent revenue, the runway."""
        await interaction.response.defer(thinking=True)
        ctx = self.bot.ctx
        cost = ctx.settings.allocation_op_cost_per_epoch
        report = await treasury_report(ctx.service("treasury"), cost)
        chart = await asyncio.to_thread(treasury_chart, report)
        await interaction.followup.send(embed=treasury_embed(report, cost), file=discord.File(io.BytesIO(chart), CHART))


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    await bot.add_cog(TreasuryCog(bot))
