"""Server-side role checks: every admin command calls ``require_admin`` before doing anything."""

from __future__ import annotations

import discord

from governance.config import Settings
from governance.domain.errors import NotAuthorized

__all__ = ["is_admin", "require_admin"]


def is_admin(member: discord.abc.User, settings: Settings) -> bool:
    if not isinstance(member, discord.Member) or not settings.admin_role_ids:
        return False
    return any(role.id in settings.admin_role_ids for role in member.roles)


def require_admin(interaction: discord.Interaction, settings: Settings) -> None:
    """Refuse unless the member holds one of ``DAOBOT_ADMIN_ROLE_IDS`` in this server."""
    if interaction.guild is None or not is_admin(interaction.user, settings):
        raise NotAuthorized("Only DAO admins can do that. Nothing was changed.")
