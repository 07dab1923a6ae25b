"""The sandbox's wire protocol, spoken directly: gateway framing, RESUME rules, REST errors, limits."""

from __future__ import annotations

import asyncio
import json
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.sandbox import RateLimitPolicy, SandboxConfig, SandboxServer, pointed_at

SYNC_FLUSH = b"\x00\x00\xff\xff"


class RawGateway:
    """A minimal gateway client: JSON text frames, or one zlib stream when ``zlib=True``."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, *, zlib_stream: bool) -> None:
        self.ws = ws
        self.inflater = zlib.decompressobj() if zlib_stream else None
        self.raw_frames: list[bytes] = []

    async def receive(self) -> dict[str, Any]:
        message = await self.ws.receive(timeout=5)
        if message.type is aiohttp.WSMsgType.BINARY:
            assert self.inflater is not None
            self.raw_frames.append(message.data)
            return dict(json.loads(self.inflater.decompress(message.data)))
        assert message.type is aiohttp.WSMsgType.TEXT, message
        return dict(json.loads(message.data))

    async def send(self, op: int, data: Any) -> None:
        await self.ws.send_str(json.dumps({"op": op, "d": data}))

    async def until(self, event: str) -> dict[str, Any]:
        while (payload := await self.receive()).get("t") != event:
            pass
        return payload


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer(SandboxConfig(rate_limit=RateLimitPolicy(limit=3, window=5.0))) as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _connect(http: aiohttp.ClientSession, sandbox: SandboxServer, *, zlib_stream: bool) -> RawGateway:
    query = "?v=10&encoding=json" + ("&compress=zlib-stream" if zlib_stream else "")
    gateway = RawGateway(await http.ws_connect(sandbox.gateway_url + query), zlib_stream=zlib_stream)
    hello = await gateway.receive()
    assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] > 0
    return gateway


async def _identify(gateway: RawGateway, token: str) -> dict[str, Any]:
    await gateway.send(2, {"token": token, "intents": 0, "properties": {}})
    return await gateway.until("READY")


async def test_zlib_stream_frames_end_with_sync_flush(http: aiohttp.ClientSession, sandbox: SandboxServer) -> None:
    gateway = await _connect(http, sandbox, zlib_stream=True)
    ready = await _identify(gateway, sandbox.token)
    guild = await gateway.until("GUILD_CREATE")
    assert ready["s"] == 1 and ready["d"]["user"]["bot"] is True
    assert ready["d"]["resume_gateway_url"] == sandbox.gateway_url
    assert {m["user"]["username"] for m in guild["d"]["members"]} >= {"alice", "bob", "carol"}
    assert all(frame.endswith(SYNC_FLUSH) for frame in gateway.raw_frames)
    await gateway.send(1, guild["s"])
    assert (await gateway.receive())["op"] == 11


async def test_bad_token_closes_with_4004(http: aiohttp.ClientSession, sandbox: SandboxServer) -> None:
    gateway = await _connect(http, sandbox, zlib_stream=False)
    await gateway.send(2, {"token": "wrong", "properties": {}})
    message = await gateway.ws.receive(timeout=5)
    assert message.type is aiohttp.WSMsgType.CLOSE and message.data == 4004


async def test_resume_replays_exactly_the_missed_dispatches(
    http: aiohttp.ClientSession, sandbox: SandboxServer
) -> None:
    first = await _connect(http, sandbox, zlib_stream=False)
    session_id = (await _identify(first, sandbox.token))["d"]["session_id"]
    last_seen = (await first.until("GUILD_CREATE"))["s"]
    async with sandbox.gateway_outage():
        await sandbox.member("alice").add_role("admin")
        await sandbox.member("bob").send("hello")
    second = await _connect(http, sandbox, zlib_stream=False)
    await second.send(6, {"token": sandbox.token, "session_id": session_id, "seq": last_seen})
    replayed = [await second.receive() for _ in range(3)]
    assert [(p["t"], p["s"]) for p in replayed] == [
        ("GUILD_MEMBER_UPDATE", last_seen + 1),
        ("MESSAGE_CREATE", last_seen + 2),
        ("RESUMED", last_seen + 3),
    ]


async def test_unknown_session_is_invalidated(http: aiohttp.ClientSession, sandbox: SandboxServer) -> None:
    gateway = await _connect(http, sandbox, zlib_stream=False)
    await gateway.send(6, {"token": sandbox.token, "session_id": "nope", "seq": 3})
    assert await gateway.receive() == {"op": 9, "d": False, "s": None, "t": None}


async def test_rest_errors_are_discord_shaped(http: aiohttp.ClientSession, sandbox: SandboxServer) -> None:
    auth = {"Authorization": f"Bot {sandbox.token}"}
    async with http.get(f"{sandbox.base_url}/channels/123", headers=auth) as response:
        assert response.status == 404 and response.headers["Content-Type"] == "application/json"
        assert await response.json() == {"message": "Unknown Channel", "code": 10003}
    async with http.get(f"{sandbox.base_url}/users/@me") as response:
        assert response.status == 401 and (await response.json())["code"] == 0
    channel = sandbox.channel("general").id
    async with http.post(f"{sandbox.base_url}/channels/{channel}/messages", json={}, headers=auth) as response:
        assert response.status == 400 and (await response.json())["code"] == 50006


async def test_rate_limit_headers_and_429(http: aiohttp.ClientSession, sandbox: SandboxServer) -> None:
    auth = {"Authorization": f"Bot {sandbox.token}"}
    remaining = []
    for _ in range(3):
        async with http.get(f"{sandbox.base_url}/users/@me", headers=auth) as response:
            remaining.append(response.headers["X-RateLimit-Remaining"])
            assert float(response.headers["X-RateLimit-Reset-After"]) > 0
    assert remaining == ["2", "1", "0"]
    async with http.get(f"{sandbox.base_url}/users/@me", headers=auth) as response:
        assert response.status == 429 and (await response.json())["retry_after"] > 0


async def test_multipart_attachment_is_stored_and_served(http: aiohttp.ClientSession, sandbox: SandboxServer) -> None:
    form = aiohttp.FormData(quote_fields=False)
    payload = {"content": "chart", "attachments": [{"id": 0, "filename": "c.png"}]}
    form.add_field("payload_json", json.dumps(payload), content_type="application/json")
    form.add_field("files[0]", b"\x89PNG-bytes", filename="c.png", content_type="application/octet-stream")
    channel = sandbox.channel("proposals").id
    url = f"{sandbox.base_url}/channels/{channel}/messages"
    async with http.post(url, data=form, headers={"Authorization": f"Bot {sandbox.token}"}) as response:
        body = await response.json()
    attachment = sandbox.messages("proposals")[0].attachments[0]
    assert (attachment.filename, attachment.content_type, attachment.data) == ("c.png", "image/png", b"\x89PNG-bytes")
    async with http.get(body["attachments"][0]["url"]) as response:
        assert await response.read() == b"\x89PNG-bytes"


async def test_callback_rules_once_and_within_the_deadline(http: aiohttp.ClientSession) -> None:
    config = SandboxConfig(ack_deadline=0.2)
    async with SandboxServer(config) as sandbox:
        auth = {"Authorization": f"Bot {sandbox.token}"}
        commands = [{"name": "ping", "description": "ping", "options": []}]
        url = f"{sandbox.base_url}/applications/{sandbox.bot_user_id}/commands"
        async with http.put(url, json=commands, headers=auth) as response:
            assert (await response.json())[0]["name"] == "ping"
        alice = sandbox.member("alice")
        on_time, late = await alice.slash("ping"), await alice.slash("ping")
        reply = {"type": 4, "data": {"content": "pong"}}
        callback = f"{sandbox.base_url}/interactions/{{id}}/{{token}}/callback"
        first = callback.format(id=on_time.record.id, token=on_time.record.token)
        async with http.post(first, json=reply) as response:
            assert response.status == 204
        async with http.post(first, json=reply) as response:
            assert (await response.json())["code"] == 40060
        await asyncio.sleep(0.3)
        async with http.post(callback.format(id=late.record.id, token=late.record.token), json=reply) as response:
            assert response.status == 404 and (await response.json())["code"] == 10062
        assert (await on_time.response()).content == "pong"
        assert not late.acknowledged and sandbox.ack_latencies() == [on_time.ack_latency]


def test_pointing_discord_py_is_reversible() -> None:
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    before = (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
    with pointed_at("http://127.0.0.1:9/api/v10"):
        assert Route("GET", "/users/@me").url == "http://127.0.0.1:9/api/v10/users/@me"
        assert str(DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:9/gateway"
    assert before == (Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY)
