"""The sandbox's world: users, guilds, channels, roles, members, messages, commands, interactions.

Entities are plain mutable records (a message is edited in place and keeps its history);
values that never change after creation are frozen. Nothing here does I/O: REST handlers and
the driver mutate the state through :class:`bot.sandbox.core.SandboxCore`, which also
dispatches the matching gateway events.
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from bot.sandbox.errors import unknown
from bot.sandbox.ids import SnowflakeFactory, utcnow

__all__ = [
    "Attachment",
    "ChannelKind",
    "ChannelRecord",
    "CommandRecord",
    "GuildRecord",
    "InteractionRecord",
    "MemberRecord",
    "MessageEdit",
    "MessageRecord",
    "RoleRecord",
    "SandboxState",
    "UserRecord",
]

T = TypeVar("T")
EPHEMERAL = 1 << 6
LOADING = 1 << 7


class ChannelKind(enum.IntEnum):
    TEXT = 0
    DM = 1


@dataclass(frozen=True, slots=True)
class Attachment:
    id: int
    filename: str
    content_type: str
    data: bytes
    url: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True, slots=True)
class MessageEdit:
    """A message as it was before one edit."""

    edited_at: datetime
    content: str
    embeds: tuple[dict[str, Any], ...]
    components: tuple[dict[str, Any], ...]
    attachments: tuple[Attachment, ...]


@dataclass(slots=True)
class MessageRecord:
    id: int
    channel_id: int
    author_id: int
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    flags: int = 0
    created_at: datetime = field(default_factory=utcnow)
    edited_at: datetime | None = None
    history: list[MessageEdit] = field(default_factory=list)
    deleted: bool = False
    interaction_id: int | None = None
    webhook_id: int | None = None
    visible_to: int | None = None
    changed_at: float = field(default_factory=time.monotonic)

    @property
    def ephemeral(self) -> bool:
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """True while this is the "thinking…" placeholder of a deferred interaction."""
        return bool(self.flags & LOADING)

    def snapshot(self) -> MessageEdit:
        return MessageEdit(
            self.edited_at or self.created_at,
            self.content,
            tuple(self.embeds),
            tuple(self.components),
            tuple(self.attachments),
        )


@dataclass(slots=True)
class ChannelRecord:
    id: int
    kind: ChannelKind
    name: str
    guild_id: int | None = None
    recipient_id: int | None = None
    position: int = 0
    messages: list[MessageRecord] = field(default_factory=list)


@dataclass(slots=True)
class RoleRecord:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    color: int = 0


@dataclass(slots=True)
class UserRecord:
    id: int
    name: str
    bot: bool = False


@dataclass(slots=True)
class MemberRecord:
    user_id: int
    guild_id: int
    role_ids: list[int] = field(default_factory=list)
    joined_at: datetime = field(default_factory=utcnow)


@dataclass(slots=True)
class GuildRecord:
    id: int
    name: str
    owner_id: int
    channel_ids: list[int] = field(default_factory=list)
    roles: dict[int, RoleRecord] = field(default_factory=dict)
    members: dict[int, MemberRecord] = field(default_factory=dict)


@dataclass(slots=True)
class CommandRecord:
    """An application command as synced by the bot (its JSON kept as sent, plus ids)."""

    id: int
    guild_id: int | None
    payload: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.payload["name"])

    @property
    def type(self) -> int:
        return int(self.payload.get("type", 1))


@dataclass(slots=True)
class InteractionRecord:
    """One interaction, with when it was created and when the bot acknowledged it.

    Times are ``time.monotonic()`` seconds, so ``ack_latency`` is a plain difference.
    """

    id: int
    token: str
    type: int
    user_id: int
    channel_id: int
    guild_id: int | None
    data: dict[str, Any]
    created_at: float = field(default_factory=time.monotonic)
    created_wall: datetime = field(default_factory=utcnow)
    acknowledged_at: float | None = None
    response_type: int | None = None
    source_message_id: int | None = None
    original_message_id: int | None = None
    followup_ids: list[int] = field(default_factory=list)
    modal: dict[str, Any] | None = None
    choices: list[dict[str, Any]] | None = None

    @property
    def ack_latency(self) -> float | None:
        """Seconds from creation to the callback, or None while unacknowledged."""
        return None if self.acknowledged_at is None else self.acknowledged_at - self.created_at


class SandboxState:
    """Every record of the sandbox, indexed, with a change signal that waiters can await."""

    def __init__(self) -> None:
        self.ids = SnowflakeFactory()
        self.users: dict[int, UserRecord] = {}
        self.guilds: dict[int, GuildRecord] = {}
        self.channels: dict[int, ChannelRecord] = {}
        self.messages: dict[int, MessageRecord] = {}
        self.commands: dict[int, CommandRecord] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        #: (channel id, author id, nonce) -> (message id, monotonic time): ``enforce_nonce`` on message create
        self.message_nonces: dict[tuple[int, int, str], tuple[int, float]] = {}
        self._changed = asyncio.Event()

    # change notification -------------------------------------------------------------

    def touch(self) -> None:
        """Wake every waiter so it re-checks its predicate."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def next_change(self) -> None:
        """Return at the next :meth:`touch`."""
        await self._changed.wait()

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float) -> T:
        """Return the first truthy ``predicate()`` result; raise ``TimeoutError`` after ``timeout``."""
        async with asyncio.timeout(timeout):
            while True:
                changed = self._changed
                found = predicate()
                if found:
                    return found
                await changed.wait()

    # lookups ---------------------------------------------------------------------------

    def user(self, user_id: int) -> UserRecord:
        try:
            return self.users[user_id]
        except KeyError:
            raise unknown("User") from None

    def guild(self, guild_id: int) -> GuildRecord:
        try:
            return self.guilds[guild_id]
        except KeyError:
            raise unknown("Guild") from None

    def channel(self, channel_id: int) -> ChannelRecord:
        try:
            return self.channels[channel_id]
        except KeyError:
            raise unknown("Channel") from None

    def message(self, channel_id: int, message_id: int) -> MessageRecord:
        found = self.messages.get(message_id)
        if found is None or found.deleted or found.channel_id != channel_id:
            raise unknown("Message")
        return found

    def member(self, guild_id: int, user_id: int) -> MemberRecord:
        try:
            return self.guild(guild_id).members[user_id]
        except KeyError:
            raise unknown("Member") from None

    def role(self, guild_id: int, role_id: int) -> RoleRecord:
        try:
            return self.guild(guild_id).roles[role_id]
        except KeyError:
            raise unknown("Role") from None

    def user_named(self, name: str) -> UserRecord:
        for user in self.users.values():
            if user.name == name:
                return user
        raise unknown("User")

    def permissions_of(self, member: MemberRecord) -> int:
        guild = self.guild(member.guild_id)
        value = guild.roles[guild.id].permissions if guild.id in guild.roles else 0
        for role_id in member.role_ids:
            value |= guild.roles[role_id].permissions
        return value

    # creation --------------------------------------------------------------------------

    def add_user(self, name: str, *, bot: bool = False) -> UserRecord:
        user = UserRecord(self.ids.next(), name, bot)
        self.users[user.id] = user
        return user

    def add_guild(self, name: str, owner_id: int) -> GuildRecord:
        guild = GuildRecord(self.ids.next(), name, owner_id)
        guild.roles[guild.id] = RoleRecord(guild.id, "@everyone", permissions=_EVERYONE_PERMISSIONS)
        self.guilds[guild.id] = guild
        return guild

    def add_role(self, guild: GuildRecord, name: str, permissions: int = 0) -> RoleRecord:
        role = RoleRecord(self.ids.next(), name, permissions, position=len(guild.roles))
        guild.roles[role.id] = role
        return role

    def add_text_channel(self, guild: GuildRecord, name: str) -> ChannelRecord:
        channel = ChannelRecord(self.ids.next(), ChannelKind.TEXT, name, guild.id, position=len(guild.channel_ids))
        guild.channel_ids.append(channel.id)
        self.channels[channel.id] = channel
        return channel

    def add_member(self, guild: GuildRecord, user: UserRecord, role_ids: list[int]) -> MemberRecord:
        member = MemberRecord(user.id, guild.id, list(role_ids))
        guild.members[user.id] = member
        return member

    def dm_channel(self, user_id: int) -> tuple[ChannelRecord, bool]:
        """The DM channel with ``user_id``, and whether it was just created."""
        for channel in self.channels.values():
            if channel.kind is ChannelKind.DM and channel.recipient_id == user_id:
                return channel, False
        user = self.user(user_id)
        channel = ChannelRecord(self.ids.next(), ChannelKind.DM, user.name, recipient_id=user_id)
        self.channels[channel.id] = channel
        return channel, True

    def add_message(self, message: MessageRecord) -> MessageRecord:
        self.channel(message.channel_id).messages.append(message)
        self.messages[message.id] = message
        self.touch()
        return message


# VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | USE_APPLICATION_COMMANDS | EMBED_LINKS | ATTACH_FILES
_EVERYONE_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 31) | (1 << 14) | (1 << 15)
