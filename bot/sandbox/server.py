"""``SandboxServer``: the sandbox on 127.0.0.1 with a free port, seeded with one guild, and its driver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from types import TracebackType
from typing import Self

from aiohttp import web

from bot.sandbox.core import SandboxCore
from bot.sandbox.driver import Member, MessageFilter
from bot.sandbox.gateway import RESUMABLE_CLOSE, GatewayConfig, GatewayHub
from bot.sandbox.gateway_session import GatewaySession
from bot.sandbox.http_app import RateLimitPolicy, build_app
from bot.sandbox.rest_channels import routes as channel_routes
from bot.sandbox.rest_core import routes as core_routes
from bot.sandbox.rest_guilds import routes as guild_routes
from bot.sandbox.rest_interactions import routes as interaction_routes
from bot.sandbox.state import ChannelRecord, GuildRecord, InteractionRecord, MessageRecord, RoleRecord, SandboxState

__all__ = ["SandboxConfig", "SandboxServer"]

ADMINISTRATOR = 1 << 3


@dataclass(frozen=True, slots=True)
class SandboxConfig:
    """What the sandbox starts with. Role values are permission bit fields.

    ``ack_deadline``: seconds within which an interaction callback is accepted (Discord: 3;
    None: no limit). ``reaction_time``: a scripted member clicks or selects on a message no
    sooner than this after the message last changed, as a person would; the bot registers a
    view only when the HTTP response carrying the message reaches it, so an instant click
    could race it in a way that never happens with people.
    """

    token: str = "sandbox-token"  # noqa: S105 - a fixed token for a local test server
    bot_name: str = "daobot"
    guild_name: str = "Sandbox DAO"
    channels: tuple[str, ...] = ("general", "proposals")
    roles: Mapping[str, int] = field(default_factory=lambda: {"member": 0, "admin": ADMINISTRATOR})
    members: Mapping[str, Sequence[str]] = field(
        default_factory=lambda: {"alice": ("member",), "bob": ("member",), "carol": ("member", "admin")}
    )
    host: str = "127.0.0.1"
    port: int = 0
    api_prefix: str = "/api/v10"
    heartbeat_interval_ms: int = 41_250
    ack_deadline: float | None = 3.0
    reaction_time: float = 0.05
    rate_limit: RateLimitPolicy = field(default_factory=RateLimitPolicy)


class SandboxServer:
    """A local Discord-compatible server (REST + gateway) and the handles to script it.

    ``async with SandboxServer() as sandbox:`` starts it; point discord.py at ``sandbox.base_url``.
    """

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState()
        bot = self.state.add_user(self.config.bot_name, bot=True)
        gateway = GatewayConfig(self.config.token, bot.id, bot.id, self.config.heartbeat_interval_ms)
        self.hub = GatewayHub(self.state, gateway, lambda: self.gateway_url)
        self.core = SandboxCore(
            self.state,
            self.hub,
            lambda: self.origin,
            ack_deadline=self.config.ack_deadline,
            reaction_time=self.config.reaction_time,
        )
        self.guild: GuildRecord = self.state.add_guild(self.config.guild_name, owner_id=bot.id)
        self._seed(bot.id)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def _seed(self, bot_id: int) -> None:
        for name in self.config.channels:
            self.state.add_text_channel(self.guild, name)
        for name, permissions in self.config.roles.items():
            self.state.add_role(self.guild, name, permissions)
        self.state.add_member(self.guild, self.state.user(bot_id), [])
        for name, roles in self.config.members.items():
            self.add_member(name, roles)

    # lifecycle -----------------------------------------------------------------------

    async def start(self) -> Self:
        routes = [core_routes, channel_routes, guild_routes, interaction_routes]
        app = build_app(self.core, self.config.api_prefix, self.config.rate_limit, routes)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.config.host, self.config.port)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        await self.hub.close_all()
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def origin(self) -> str:
        if self._port is None:
            raise RuntimeError("the sandbox is not started")
        return f"http://{self.config.host}:{self._port}"

    @property
    def base_url(self) -> str:
        """The REST base to give the bot (``DAOBOT_DISCORD_API_BASE``)."""
        return self.origin + self.config.api_prefix

    @property
    def gateway_url(self) -> str:
        return self.origin.replace("http://", "ws://", 1) + "/gateway"

    @property
    def token(self) -> str:
        return self.config.token

    @property
    def bot_user_id(self) -> int:
        return self.core.bot_user_id

    # the world -----------------------------------------------------------------------

    def channel(self, name_or_id: str | int) -> ChannelRecord:
        for channel in self.state.channels.values():
            if name_or_id in (channel.id, channel.name) and channel.guild_id is not None:
                return channel
        raise KeyError(f"no guild channel {name_or_id!r}")

    def role(self, name: str) -> RoleRecord:
        for role in self.guild.roles.values():
            if role.name == name:
                return role
        raise KeyError(f"no role {name!r}")

    def add_member(self, name: str, roles: Sequence[str] = ()) -> Member:
        user = self.state.add_user(name)
        self.state.add_member(self.guild, user, [self.role(r).id for r in roles])
        return self.member(name)

    def member(self, name: str) -> Member:
        user = self.state.user_named(name)
        return Member(self.core, user, self.guild.id, self.channel(self.config.channels[0]).id)

    def messages(self, channel: str | int) -> list[MessageRecord]:
        """The messages everybody can see in a guild channel, oldest first."""
        found = self.channel(channel).messages
        return [m for m in found if not m.deleted and m.visible_to is None]

    async def wait_for_message(
        self, predicate: MessageFilter, *, channel: str | int | None = None, timeout: float = 5.0
    ) -> MessageRecord:
        """The first (oldest) live message matching ``predicate``, waiting up to ``timeout`` seconds."""
        channel_id = None if channel is None else self.channel(channel).id

        def match() -> MessageRecord | None:
            candidates = self.state.messages.values()
            wanted = (m for m in candidates if channel_id in (None, m.channel_id) and not m.deleted)
            return next((m for m in wanted if predicate(m)), None)

        return await self.state.wait_for(match, timeout)

    @property
    def interactions(self) -> list[InteractionRecord]:
        return sorted(self.state.interactions.values(), key=lambda r: r.created_at)

    def ack_latencies(self) -> list[float]:
        """Seconds from creation to callback of every acknowledged interaction, in creation order."""
        return [r.ack_latency for r in self.interactions if r.ack_latency is not None]

    # the gateway ---------------------------------------------------------------------

    @property
    def sessions(self) -> list[GatewaySession]:
        return list(self.hub.sessions.values())

    async def wait_until_connected(self, *, resumes: int = 0, timeout: float = 10.0) -> GatewaySession:
        """A session with an attached websocket that has resumed at least ``resumes`` times."""

        def ready() -> GatewaySession | None:
            return next((s for s in self.hub.connected_sessions() if s.resumes >= resumes), None)

        return await self.state.wait_for(ready, timeout)

    async def wait_for_commands(self, *names: str, timeout: float = 10.0) -> None:
        def synced() -> bool:
            have = {c.name for c in self.state.commands.values()}
            return all(name in have for name in names)

        await self.state.wait_for(synced, timeout)

    async def disconnect_gateway(self, code: int = RESUMABLE_CLOSE) -> int:
        """Close the bot's websocket(s); 4000 (the default) lets the client RESUME."""
        return await self.hub.disconnect(code)

    @asynccontextmanager
    async def gateway_outage(self, code: int = RESUMABLE_CLOSE) -> AsyncIterator[int]:
        """Close the bot's websocket(s) and keep the gateway unreachable for the ``async with`` block.

        Events dispatched inside the block are only logged; the client gets them when it RESUMEs.
        """
        closed = await self.hub.begin_outage(code)
        try:
            yield closed
        finally:
            self.hub.end_outage()
