"""Dividends: your payouts per epoch as a chart, what is still due, your last receipt; admin veto acknowledgement."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.dividend_render import history_chart
from bot.permissions import require_admin
from bot.rendering import usd
from governance.services import payout_queries, payouts

__all__ = ["DividendsCog", "setup"]


class DividendsCog(commands.Cog):
    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @app_commands.command(name="dividends")
    async def dividends(self, interaction: discord.Interaction) -> None:
        """Your dividends per epoch (chart), what is still due to you, and your last receipt."""
        await interaction.response.defer(ephemeral=True)
        ctx = self.bot.ctx
        view = await payout_queries.dividends_of(ctx.uow_factory, ctx.settings.chain_id, interaction.user.id)
        embed = discord.Embed(title="Your dividends", description=f"Wallet `{view.wallet}`")
        embed.add_field(name="Paid so far", value=usd(view.total_paid))
        embed.add_field(name="Claimable", value=usd(view.claimable))
        last = view.last_receipt
        receipt = f"epoch {last.epoch}: {usd(last.amount)} (tx `{last.paid_tx}`)" if last else "none yet"
        embed.add_field(name="Last receipt", value=receipt, inline=False)
        if not view.history:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        embed.set_image(url="attachment://dividends.png")
        chart = discord.File(io.BytesIO(history_chart(view.history)), filename="dividends.png")
        await interaction.followup.send(embed=embed, file=chart, ephemeral=True)

    payouts_group = app_commands.Group(name="payouts", description="Dividend payouts (admins)")

    @payouts_group.command(name="acknowledge")
    @app_commands.describe(epoch="The epoch whose vetoed root may be proposed again as it is")
    async def acknowledge(self, interaction: discord.Interaction, epoch: int) -> None:
        """Accept that a vetoed dividend root be proposed again unchanged (the cause was fixed elsewhere)."""
        require_admin(interaction, self.bot.ctx.settings)
        await interaction.response.defer(ephemeral=True)
        ctx = self.bot.ctx
        run = await payouts.acknowledge_veto(ctx.uow_factory, ctx.settings.chain_id, epoch)
        await interaction.followup.send(
            f"Acknowledged: the payout of epoch {run.epoch} will be proposed again at the next run.", ephemeral=True
        )


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    await bot.add_cog(DividendsCog(bot))
