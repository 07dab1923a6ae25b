"""Proposal jobs: queue and execute proposals when due, remind members before deadlines, sync the member role."""

from __future__ import annotations

import logging
import math

import discord

from bot import runtime
from governance.services import member_roles, proposals

__all__ = ["advance_proposals", "remind_voters", "sync_member_roles"]

log = logging.getLogger(__name__)


async def advance_proposals() -> None:
    done = await proposals.advance_proposals(runtime.current().ctx.service("proposals"))
    if done:
        log.info("proposals advanced: %s", "; ".join(done))


async def remind_voters() -> None:
    settings = runtime.current().settings
    window = math.ceil(settings.reminder_window_seconds / settings.seconds_per_block)
    await proposals.enqueue_reminders(runtime.current().ctx.service("proposals"), window)


async def sync_member_roles() -> None:
    """Give the member role to linked members with voting power, take it from those without."""
    current = runtime.current()
    settings, bot = current.settings, current.bot
    if settings.member_role_id is None or settings.discord_guild_id is None or not bot.is_ready():
        return
    guild = bot.get_guild(settings.discord_guild_id)
    role = guild.get_role(settings.member_role_id) if guild else None
    if guild is None or role is None:
        return
    book = current.ctx.service("proposals").book
    holding, without = await member_roles.members_with_votes(current.ctx.uow_factory, book)
    for member_id in holding | without:
        member = guild.get_member(member_id)
        if member is None:
            continue
        try:
            if member_id in holding and role not in member.roles:
                await member.add_roles(role, reason="holds voting power")
            elif member_id in without and role in member.roles:
                await member.remove_roles(role, reason="no voting power")
        except discord.HTTPException as exc:
            log.warning("could not update the member role of %s: %s", member_id, exc.status)
