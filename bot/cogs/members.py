"""Members: link a wallet (Sign-In with Ethereum), see yourself, choose your notifications."""

from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import DaoBot
from bot.rendering import tokens, usd
from governance.services import members as member_service
from governance.services import wallets

__all__ = ["MembersCog", "setup"]


def signing_url(bot: DaoBot, token: str) -> str:
    return f"{bot.ctx.settings.public_base_url}/sign/{token}"


class MembersCog(commands.Cog):
    def __init__(self, bot: DaoBot) -> None:
        self.bot = bot

    @app_commands.command(name="link")
    async def link(self, interaction: discord.Interaction) -> None:
        """Link your wallet to your Discord account (you sign a message; no transaction, no fee)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        request = await wallets.start_link(self.bot.ctx.service("wallets"), interaction.user.id, interaction.user.name)
        minutes = (request.expires - request.created) // 60
        await interaction.followup.send(
            f"Open this one-time link to sign in with your wallet (valid {minutes} min):\n"
            f"{signing_url(self.bot, request.token)}\n"
            "If your tokens are not delegated yet, the page will offer to activate your voting power.",
            ephemeral=True,
        )

    @app_commands.command(name="unlink")
    async def unlink(self, interaction: discord.Interaction) -> None:
        """Forget the wallet linked to your Discord account."""
        await interaction.response.defer(ephemeral=True)
        wallet = await member_service.unlink_wallet(self.bot.ctx.uow_factory, interaction.user.id)
        await interaction.followup.send(f"Unlinked `{wallet}`. Use /link to link a wallet again.", ephemeral=True)

    @app_commands.command(name="me")
    async def me(self, interaction: discord.Interaction) -> None:
        """Your wallet, voting power, delegation and claimable dividends."""
        await interaction.response.defer(ephemeral=True)
        ctx = self.bot.ctx
        view = await member_service.member_overview(
            ctx.uow_factory, ctx.service("member_chain"), interaction.user.id, ctx.services.get("claims")
        )
        await interaction.followup.send(embed=_overview_embed(view), ephemeral=True)

    @app_commands.command(name="notify")
    @app_commands.describe(kind="Which messages", setting="on or off")
    async def notify(
        self, interaction: discord.Interaction, kind: Literal["reminders", "receipts"], setting: Literal["on", "off"]
    ) -> None:
        """Turn vote-reminder DMs or dividend-receipt DMs on or off."""
        await interaction.response.defer(ephemeral=True)
        value = setting == "on"
        await member_service.set_notifications(
            self.bot.ctx.uow_factory,
            interaction.user.id,
            reminders=value if kind == "reminders" else None,
            receipts=value if kind == "receipts" else None,
        )
        await interaction.followup.send(f"{kind.capitalize()} DMs are now {setting}.", ephemeral=True)


def _overview_embed(view: member_service.MemberOverview) -> discord.Embed:
    embed = discord.Embed(title="Your membership")
    embed.add_field(name="Wallet", value=f"`{view.wallet}`", inline=False)
    embed.add_field(name="Tokens", value=tokens(view.token_balance))
    embed.add_field(name="Voting power", value=tokens(view.voting_power))
    if view.needs_delegation:
        delegation = "not delegated: your tokens do not count in votes yet. Run /link to activate them."
    elif view.delegate == view.wallet:
        delegation = "yourself"
    else:
        delegation = f"`{view.delegate}`" if view.delegate else "none"
    embed.add_field(name="Delegation", value=delegation, inline=False)
    if view.claimable is not None:
        embed.add_field(name="Claimable dividends", value=usd(view.claimable))
    flags = f"reminders {'on' if view.notify_reminders else 'off'}, receipts {'on' if view.notify_receipts else 'off'}"
    embed.set_footer(text=f"Notifications: {flags} (change with /notify)")
    return embed


async def setup(bot: commands.Bot) -> None:
    assert isinstance(bot, DaoBot)
    await bot.add_cog(MembersCog(bot))
