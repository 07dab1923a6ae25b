"""The gateway: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, INVALID_SESSION, dispatches.

``encoding=json`` only (``etf`` is refused with close code 4002); ``compress=zlib-stream`` is
honoured (one zlib stream per connection, every payload flushed with Z_SYNC_FLUSH); payload
compression in IDENTIFY is ignored, as Discord does for bots that ask for transport compression.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bot.sandbox.gateway_session import Connection, Frame, GatewaySession, Opcode
from bot.sandbox.payloads import guild_payload, member_payload, user_payload
from bot.sandbox.state import SandboxState

__all__ = ["GatewayConfig", "GatewayHub"]

RESUMABLE_CLOSE = 4000


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    token: str
    application_id: int
    bot_user_id: int
    heartbeat_interval_ms: int = 41_250
    replay_log_size: int = 1_000


class GatewayHub:
    """Every gateway session of the bot user, and the websocket endpoint serving them."""

    def __init__(self, state: SandboxState, config: GatewayConfig, url: Callable[[], str]) -> None:
        self.state = state
        self.config = config
        self._url = url
        self.sessions: dict[str, GatewaySession] = {}
        self._connections: set[Connection] = set()
        self._open = asyncio.Event()
        self._open.set()

    # dispatch ------------------------------------------------------------------------

    async def dispatch(self, event: str, data: Any) -> None:
        for session in list(self.sessions.values()):
            await session.dispatch(event, data)

    def connected_sessions(self) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.connection is not None and not s.connection.closed]

    async def disconnect(self, code: int = RESUMABLE_CLOSE) -> int:
        """Close every websocket (resumable by default) and return how many were closed."""
        connections = list(self._connections)
        for connection in connections:
            for session in self.sessions.values():
                session.detach(connection)
            await connection.ws.close(code=code, message=b"sandbox: forced disconnect")
        self.state.touch()
        return len(connections)

    async def begin_outage(self, code: int = RESUMABLE_CLOSE) -> int:
        """Disconnect, and hold new connections before HELLO until :meth:`end_outage`."""
        self._open.clear()
        return await self.disconnect(code)

    def end_outage(self) -> None:
        self._open.set()

    async def close_all(self) -> None:
        self._open.set()
        await self.disconnect(1001)

    # websocket endpoint ---------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoclose=True, max_msg_size=0)
        await ws.prepare(request)
        if request.query.get("encoding", "json") != "json":
            await ws.close(code=4002, message=b"only encoding=json is emulated")
            return ws
        compress = request.query.get("compress")
        connection = Connection(ws, zlib_stream=compress == "zlib-stream")
        self._connections.add(connection)
        try:
            await self._open.wait()
            await connection.send(Frame(Opcode.HELLO, {"heartbeat_interval": self.config.heartbeat_interval_ms}))
            await self._serve(connection)
        finally:
            self._connections.discard(connection)
            for session in self.sessions.values():
                session.detach(connection)
            self.state.touch()
        return ws

    async def _serve(self, connection: Connection) -> None:
        session: GatewaySession | None = None
        timeout = self.config.heartbeat_interval_ms / 1000 * 1.5 + 5
        while not connection.closed:
            try:
                message = await connection.ws.receive(timeout=timeout)
            except TimeoutError:
                await connection.ws.close(code=RESUMABLE_CLOSE, message=b"heartbeat timeout")
                return
            if message.type is not aiohttp.WSMsgType.TEXT:
                return
            session = await self._on_payload(connection, session, json.loads(message.data))

    async def _on_payload(
        self, connection: Connection, session: GatewaySession | None, payload: dict[str, Any]
    ) -> GatewaySession | None:
        op, raw = payload.get("op"), payload.get("d")
        data: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if op == Opcode.HEARTBEAT:
            await connection.send(Frame(Opcode.HEARTBEAT_ACK, None))
        elif op == Opcode.IDENTIFY:
            return await self._identify(connection, session, data)
        elif op == Opcode.RESUME:
            return await self._resume(connection, session, data)
        elif op == Opcode.REQUEST_MEMBERS and session is not None:
            await self._members_chunk(session, data)
        elif op in (Opcode.PRESENCE, Opcode.VOICE_STATE) and session is not None:
            pass
        elif session is None:
            await connection.ws.close(code=4003, message=b"Not authenticated.")
        else:
            await connection.ws.close(code=4001, message=b"Unknown opcode.")
        return session

    async def _identify(
        self, connection: Connection, session: GatewaySession | None, data: dict[str, Any]
    ) -> GatewaySession | None:
        if session is not None:
            await connection.ws.close(code=4005, message=b"Already authenticated.")
            return session
        if data.get("token") != self.config.token:
            await connection.ws.close(code=4004, message=b"Authentication failed.")
            return None
        session = GatewaySession(secrets.token_hex(16), self.config.bot_user_id, self.config.replay_log_size)
        session.connection = connection
        self.sessions[session.id] = session
        await session.dispatch("READY", self._ready_payload(session, data.get("shard")))
        for guild in list(self.state.guilds.values()):
            await session.dispatch("GUILD_CREATE", guild_payload(self.state, guild, gateway=True))
        self.state.touch()
        return session

    async def _resume(
        self, connection: Connection, current: GatewaySession | None, data: dict[str, Any]
    ) -> GatewaySession | None:
        session = self.sessions.get(str(data.get("session_id")))
        sequence = data.get("seq")
        valid = isinstance(sequence, int) and data.get("token") == self.config.token
        if current is not None or session is None or not isinstance(sequence, int) or not valid:
            await connection.send(Frame(Opcode.INVALID_SESSION, False))
            return current
        if not session.can_replay_after(sequence):
            await connection.send(Frame(Opcode.INVALID_SESSION, False))
            return current
        await session.attach_and_replay(connection, sequence)
        self.state.touch()
        return session

    async def _members_chunk(self, session: GatewaySession, data: dict[str, Any]) -> None:
        guild = self.state.guilds.get(int(data.get("guild_id", 0)))
        if guild is None:
            return
        members = [member_payload(self.state, m) for m in guild.members.values()]
        chunk = {"guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1}
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await session.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    def _ready_payload(self, session: GatewaySession, shard: Any) -> dict[str, Any]:
        ready: dict[str, Any] = {
            "v": 10,
            "user": user_payload(self.state.user(self.config.bot_user_id)),
            "guilds": [{"id": str(gid), "unavailable": True} for gid in self.state.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._url(),
            "application": {"id": str(self.config.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "user_settings": {},
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
        }
        if shard is not None:
            ready["shard"] = shard
        return ready
