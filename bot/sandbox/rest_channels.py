"""REST: channels, messages (JSON or multipart with files), DMs, typing."""

from __future__ import annotations

import time

from aiohttp import web

from bot.sandbox.core import SandboxCore
from bot.sandbox.errors import SandboxHTTPError, invalid_form
from bot.sandbox.keys import CORE_KEY
from bot.sandbox.message_input import read_json_body, read_message_input
from bot.sandbox.payloads import channel_payload, message_payload
from bot.sandbox.respond import json_response
from bot.sandbox.state import ChannelRecord, MessageRecord

__all__ = ["routes"]

routes = web.RouteTableDef()
NONCE_SECONDS = 300.0


def _channel(request: web.Request) -> tuple[SandboxCore, ChannelRecord]:
    core = request.app[CORE_KEY]
    return core, core.state.channel(_snowflake(request, "channel_id"))


def _message(request: web.Request) -> tuple[SandboxCore, MessageRecord]:
    core, channel = _channel(request)
    message = core.state.message(channel.id, _snowflake(request, "message_id"))
    if message.visible_to is not None:
        raise SandboxHTTPError(404, 10008, "Unknown Message")
    return core, message


def _snowflake(request: web.Request, name: str) -> int:
    raw = request.match_info[name]
    if not raw.isdigit():
        raise invalid_form(name, "Value is not snowflake.")
    return int(raw)


@routes.get("/channels/{channel_id}")
async def get_channel(request: web.Request) -> web.Response:
    core, channel = _channel(request)
    return json_response(channel_payload(core.state, channel))


@routes.post("/channels/{channel_id}/messages")
async def create_message(request: web.Request) -> web.Response:
    core, channel = _channel(request)
    body = await read_message_input(request)
    nonce = body.get("nonce")
    key = (channel.id, core.bot_user_id, str(nonce))
    if nonce is not None and body.get("enforce_nonce"):
        # Like Discord: the same author and nonce within a few minutes return the first message, unposted again.
        seen = core.state.message_nonces.get(key)
        if seen is not None and time.monotonic() - seen[1] < NONCE_SECONDS and seen[0] in core.state.messages:
            return json_response(message_payload(core.state, core.state.messages[seen[0]]))
    message = await core.post_message(channel.id, core.bot_user_id, body)
    if nonce is not None:
        core.state.message_nonces[key] = (message.id, time.monotonic())
    return json_response(message_payload(core.state, message))


@routes.get("/channels/{channel_id}/messages")
async def list_messages(request: web.Request) -> web.Response:
    core, channel = _channel(request)
    limit = min(int(request.query.get("limit", "50")), 100)
    visible = [m for m in channel.messages if not m.deleted and m.visible_to is None]
    if "before" in request.query:
        visible = [m for m in visible if m.id < int(request.query["before"])]
    if "after" in request.query:
        visible = [m for m in visible if m.id > int(request.query["after"])]
        chosen = visible[:limit]
    else:
        chosen = visible[-limit:]
    newest_first = sorted(chosen, key=lambda m: m.id, reverse=True)
    return json_response([message_payload(core.state, m) for m in newest_first])


@routes.get("/channels/{channel_id}/messages/{message_id}")
async def get_message(request: web.Request) -> web.Response:
    core, message = _message(request)
    return json_response(message_payload(core.state, message))


@routes.patch("/channels/{channel_id}/messages/{message_id}")
async def edit_message(request: web.Request) -> web.Response:
    core, message = _message(request)
    if message.author_id != core.bot_user_id:
        raise SandboxHTTPError(403, 50005, "Cannot edit a message authored by another user")
    await core.edit_message(message, await read_message_input(request))
    return json_response(message_payload(core.state, message))


@routes.delete("/channels/{channel_id}/messages/{message_id}")
async def delete_message(request: web.Request) -> web.Response:
    core, message = _message(request)
    await core.delete_message(message)
    return web.Response(status=204)


@routes.post("/channels/{channel_id}/typing")
async def trigger_typing(request: web.Request) -> web.Response:
    _channel(request)
    return web.Response(status=204)


@routes.post("/users/@me/channels")
async def create_dm(request: web.Request) -> web.Response:
    core = request.app[CORE_KEY]
    body = await read_json_body(request)
    try:
        recipient = int(body["recipient_id"])
    except (KeyError, TypeError, ValueError):
        raise invalid_form("recipient_id", "Value is not snowflake.") from None
    if core.state.user(recipient).bot:
        raise SandboxHTTPError(400, 50007, "Cannot send messages to this user")
    channel, _ = core.state.dm_channel(recipient)
    return json_response(channel_payload(core.state, channel))
