"""Discord JSON payloads (API v10 shapes) built from the sandbox's records."""

from __future__ import annotations

from typing import Any

from bot.sandbox.ids import iso
from bot.sandbox.state import (
    Attachment,
    ChannelKind,
    ChannelRecord,
    GuildRecord,
    MemberRecord,
    MessageRecord,
    RoleRecord,
    SandboxState,
    UserRecord,
)

__all__ = [
    "attachment_payload",
    "channel_payload",
    "guild_payload",
    "member_payload",
    "message_payload",
    "role_payload",
    "user_payload",
]


def user_payload(user: UserRecord) -> dict[str, Any]:
    return {
        "id": str(user.id),
        "username": user.name,
        "global_name": user.name,
        "discriminator": "0",
        "avatar": None,
        "bot": user.bot,
        "public_flags": 0,
        "flags": 0,
        "verified": True,
        "mfa_enabled": False,
    }


def role_payload(role: RoleRecord) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "name": role.name,
        "color": role.color,
        "colors": {"primary_color": role.color, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": role.position,
        "permissions": str(role.permissions),
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }


def member_payload(state: SandboxState, member: MemberRecord, *, with_permissions: bool = False) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "user": user_payload(state.user(member.user_id)),
        "nick": None,
        "avatar": None,
        "roles": [str(role_id) for role_id in member.role_ids],
        "joined_at": iso(member.joined_at),
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
    }
    if with_permissions:
        payload["permissions"] = str(state.permissions_of(member))
    return payload


def channel_payload(state: SandboxState, channel: ChannelRecord) -> dict[str, Any]:
    payload: dict[str, Any] = {"id": str(channel.id), "type": int(channel.kind), "last_message_id": None}
    if channel.kind is ChannelKind.DM:
        assert channel.recipient_id is not None
        payload["recipients"] = [user_payload(state.user(channel.recipient_id))]
        return payload
    payload.update(
        guild_id=str(channel.guild_id),
        name=channel.name,
        position=channel.position,
        topic=None,
        nsfw=False,
        parent_id=None,
        permission_overwrites=[],
        rate_limit_per_user=0,
        flags=0,
    )
    return payload


def guild_payload(state: SandboxState, guild: GuildRecord, *, gateway: bool = False) -> dict[str, Any]:
    """A guild object; with ``gateway=True`` the GUILD_CREATE form with channels and members."""
    payload: dict[str, Any] = {
        "id": str(guild.id),
        "name": guild.name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "owner_id": str(guild.owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "roles": [role_payload(role) for role in guild.roles.values()],
        "emojis": [],
        "stickers": [],
        "features": [],
        "mfa_level": 0,
        "system_channel_id": None,
        "system_channel_flags": 0,
        "premium_tier": 0,
        "preferred_locale": "en-US",
        "nsfw_level": 0,
    }
    if gateway:
        payload.update(_gateway_guild_fields(state, guild))
    return payload


def _gateway_guild_fields(state: SandboxState, guild: GuildRecord) -> dict[str, Any]:
    first_member = next(iter(guild.members.values()), None)
    return {
        "joined_at": iso(first_member.joined_at) if first_member else None,
        "large": False,
        "unavailable": False,
        "member_count": len(guild.members),
        "channels": [channel_payload(state, state.channels[cid]) for cid in guild.channel_ids],
        "members": [member_payload(state, member) for member in guild.members.values()],
        "threads": [],
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def attachment_payload(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": str(attachment.id),
        "filename": attachment.filename,
        "size": attachment.size,
        "url": attachment.url,
        "proxy_url": attachment.url,
        "content_type": attachment.content_type,
    }


def message_payload(state: SandboxState, message: MessageRecord) -> dict[str, Any]:
    channel = state.channel(message.channel_id)
    payload: dict[str, Any] = {
        "id": str(message.id),
        "channel_id": str(message.channel_id),
        "type": 20 if message.interaction_id is not None else 0,
        "content": message.content,
        "author": user_payload(state.user(message.author_id)),
        "attachments": [attachment_payload(a) for a in message.attachments],
        "embeds": list(message.embeds),
        "components": list(message.components),
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "pinned": False,
        "tts": False,
        "timestamp": iso(message.created_at),
        "edited_timestamp": iso(message.edited_at),
        "flags": message.flags,
    }
    if channel.guild_id is not None:
        payload["guild_id"] = str(channel.guild_id)
    if message.webhook_id is not None:
        payload["webhook_id"] = str(message.webhook_id)
        payload["application_id"] = str(message.webhook_id)
    return payload
