"""Gateway sessions: sequence numbers, the replay log used by RESUME, and framing on the wire."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

__all__ = ["Connection", "Frame", "GatewaySession", "Opcode"]


class Opcode:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE = 3
    VOICE_STATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


@dataclass(frozen=True, slots=True)
class Frame:
    """One gateway payload as sent to the client."""

    op: int
    d: Any
    s: int | None = None
    t: str | None = None

    def encode(self) -> bytes:
        return json.dumps({"op": self.op, "d": self.d, "s": self.s, "t": self.t}).encode()


class Connection:
    """One websocket, with the optional shared zlib stream (``compress=zlib-stream``)."""

    def __init__(self, ws: web.WebSocketResponse, *, zlib_stream: bool) -> None:
        self.ws = ws
        self._compressor = zlib.compressobj() if zlib_stream else None
        self._lock = asyncio.Lock()

    async def send(self, frame: Frame) -> None:
        raw = frame.encode()
        async with self._lock:
            if self._compressor is None:
                await self.ws.send_str(raw.decode())
            else:
                chunk = self._compressor.compress(raw) + self._compressor.flush(zlib.Z_SYNC_FLUSH)
                await self.ws.send_bytes(chunk)

    @property
    def closed(self) -> bool:
        return self.ws.closed


@dataclass(slots=True, eq=False)
class GatewaySession:
    """An identified session; survives its websocket so a RESUME can replay what was missed."""

    id: str
    user_id: int
    log_size: int
    sequence: int = 0
    connection: Connection | None = None
    log: deque[Frame] = field(init=False)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    resumes: int = 0
    replayed: int = 0

    def __post_init__(self) -> None:
        self.log = deque(maxlen=self.log_size)

    async def dispatch(self, event: str, data: Any) -> None:
        """Number the event, keep it for replay, and send it if a websocket is attached."""
        async with self.lock:
            self.sequence += 1
            frame = Frame(Opcode.DISPATCH, data, self.sequence, event)
            self.log.append(frame)
            await self._send_quietly(frame)

    def can_replay_after(self, sequence: int) -> bool:
        if sequence > self.sequence:
            return False
        oldest = self.log[0].s if self.log else self.sequence + 1
        return oldest is not None and sequence >= oldest - 1

    async def attach_and_replay(self, connection: Connection, after: int) -> int:
        """Attach a resumed websocket, resend every event numbered after ``after``, then RESUMED."""
        async with self.lock:
            self.connection = connection
            missed = [frame for frame in self.log if frame.s is not None and frame.s > after]
            for frame in missed:
                await connection.send(frame)
            self.sequence += 1
            resumed = Frame(Opcode.DISPATCH, {}, self.sequence, "RESUMED")
            self.log.append(resumed)
            await connection.send(resumed)
            self.resumes += 1
            self.replayed += len(missed)
            return len(missed)

    def detach(self, connection: Connection) -> None:
        if self.connection is connection:
            self.connection = None

    async def _send_quietly(self, frame: Frame) -> None:
        connection = self.connection
        if connection is None or connection.closed:
            return
        try:
            await connection.send(frame)
        except (ConnectionError, RuntimeError):
            # The socket died mid-send: the frame stays in the log for RESUME.
            self.detach(connection)
