"""The discord.py client: a ``commands.Bot`` whose ``setup_hook`` loads one cog per feature."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import discord
from discord import app_commands
from discord.ext import commands

from bot.context import BotContext
from bot.errors import reply_error

__all__ = ["DEFAULT_COGS", "DaoBot"]

log = logging.getLogger(__name__)

DEFAULT_COGS: tuple[str, ...] = ("bot.cogs.members",)


class DaoCommandTree(app_commands.CommandTree["DaoBot"]):
    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        await reply_error(interaction, error)


class DaoBot(commands.Bot):
    def __init__(self, ctx: BotContext, cogs: Sequence[str] = DEFAULT_COGS) -> None:
        intents = discord.Intents.default()
        intents.members = True  # role sync; enable "Server Members Intent" for the application
        super().__init__(
            command_prefix=commands.when_mentioned, intents=intents, help_command=None, tree_cls=DaoCommandTree
        )
        self.ctx = ctx
        self._cog_modules = tuple(cogs)

    async def setup_hook(self) -> None:
        for module in self._cog_modules:
            await self.load_extension(module)
        guild_id = self.ctx.settings.discord_guild_id
        if guild_id is not None:
            guild = discord.Object(id=guild_id)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d slash commands", len(synced))

    async def on_error(self, event_method: str, /, *args: object, **kwargs: object) -> None:
        log.exception("error in event %s", event_method)
