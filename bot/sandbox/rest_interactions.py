"""REST: interaction callbacks (types 1, 4, 5, 6, 7, 8, 9) and the interaction webhook (followups).

Discord's rules that a bot can trip over are kept: one callback per interaction, within the
acknowledgement deadline (3 s unless configured otherwise); followups only after the callback;
the first followup after a deferred reply replaces the "thinking…" placeholder.
"""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from bot.sandbox.core import SandboxCore
from bot.sandbox.errors import already_acknowledged, invalid_form, unknown
from bot.sandbox.keys import CORE_KEY
from bot.sandbox.message_input import MessageInput, read_message_input
from bot.sandbox.payloads import message_payload
from bot.sandbox.respond import json_response
from bot.sandbox.state import LOADING, InteractionRecord, MessageRecord

__all__ = ["routes"]

routes = web.RouteTableDef()
PONG, MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE, AUTOCOMPLETE, MODAL = 1, 4, 5, 6, 7, 8, 9


@routes.post("/interactions/{interaction_id}/{token}/callback")
async def interaction_callback(request: web.Request) -> web.Response:
    core = request.app[CORE_KEY]
    received = time.monotonic()
    record = core.state.interactions.get(int(request.match_info["interaction_id"]))
    if record is None or record.token != request.match_info["token"]:
        raise unknown("interaction")
    if record.acknowledged_at is not None:
        raise already_acknowledged()
    if core.ack_deadline is not None and received - record.created_at > core.ack_deadline:
        raise unknown("interaction")
    body = await read_message_input(request)
    kind = int(body.get("type") or 0)
    record.acknowledged_at, record.response_type = received, kind
    try:
        message = await _respond(core, record, kind, MessageInput(body.get("data") or {}, body.files))
    except Exception:
        record.acknowledged_at = record.response_type = None
        raise
    core.state.touch()
    if request.query.get("with_response") not in ("1", "true"):
        return web.Response(status=204)
    return json_response(_callback_payload(core, record, kind, message))


async def _respond(core: SandboxCore, record: InteractionRecord, kind: int, data: MessageInput) -> MessageRecord | None:
    if kind == MESSAGE:
        message = await core.post_message(record.channel_id, core.bot_user_id, data, interaction=record)
    elif kind == DEFERRED_MESSAGE:
        flags = MessageInput({"flags": data.get("flags") or 0})
        message = await core.post_message(
            record.channel_id, core.bot_user_id, flags, interaction=record, extra_flags=LOADING
        )
    elif kind in (DEFERRED_UPDATE, UPDATE) and record.source_message_id is not None:
        message = core.state.messages[record.source_message_id]
        if kind == UPDATE:
            await core.edit_message(message, data)
    elif kind == AUTOCOMPLETE and record.type == 4:
        record.choices = list(data.get("choices") or [])
        return None
    elif kind == MODAL and record.type in (2, 3):
        record.modal = dict(data.fields)
        return None
    elif kind == PONG and record.type == 1:
        return None
    else:
        raise invalid_form("type", f"Interaction callback type {kind} is not valid for this interaction.")
    record.original_message_id = message.id
    return message


def _callback_payload(
    core: SandboxCore, record: InteractionRecord, kind: int, message: MessageRecord | None
) -> dict[str, Any]:
    interaction: dict[str, Any] = {
        "id": str(record.id),
        "type": record.type,
        "response_message_loading": kind == DEFERRED_MESSAGE,
        "response_message_ephemeral": bool(message is not None and message.ephemeral),
    }
    payload: dict[str, Any] = {"interaction": interaction}
    if message is not None:
        interaction["response_message_id"] = str(message.id)
        payload["resource"] = {"type": kind, "message": message_payload(core.state, message)}
    return payload


def _webhook_interaction(request: web.Request) -> tuple[SandboxCore, InteractionRecord]:
    core = request.app[CORE_KEY]
    token = request.match_info["token"]
    if request.match_info["app_id"] != str(core.application_id):
        raise unknown("Webhook")
    for record in core.state.interactions.values():
        if record.token == token and record.acknowledged_at is not None:
            return core, record
    raise unknown("Webhook")


def _webhook_message(request: web.Request) -> tuple[SandboxCore, MessageRecord]:
    core, record = _webhook_interaction(request)
    raw = request.match_info["message_id"]
    message_id = record.original_message_id if raw == "@original" else int(raw) if raw.isdigit() else None
    mine = {record.original_message_id, *record.followup_ids}
    message = core.state.messages.get(message_id) if message_id in mine and message_id else None
    if message is None or message.deleted:
        raise unknown("Message")
    return core, message


@routes.post("/webhooks/{app_id}/{token}")
async def create_followup(request: web.Request) -> web.Response:
    core, record = _webhook_interaction(request)
    body = await read_message_input(request)
    original = core.state.messages.get(record.original_message_id or 0)
    if original is not None and original.loading and not original.deleted:
        message = await core.edit_message(original, body)
    else:
        message = await core.post_message(record.channel_id, core.bot_user_id, body, interaction=record)
    record.followup_ids.append(message.id)
    core.state.touch()
    if request.query.get("wait", "false") in ("0", "false"):
        return web.Response(status=204)
    return json_response(message_payload(core.state, message))


@routes.get("/webhooks/{app_id}/{token}/messages/{message_id}")
async def get_webhook_message(request: web.Request) -> web.Response:
    core, message = _webhook_message(request)
    return json_response(message_payload(core.state, message))


@routes.patch("/webhooks/{app_id}/{token}/messages/{message_id}")
async def edit_webhook_message(request: web.Request) -> web.Response:
    core, message = _webhook_message(request)
    await core.edit_message(message, await read_message_input(request))
    return json_response(message_payload(core.state, message))


@routes.delete("/webhooks/{app_id}/{token}/messages/{message_id}")
async def delete_webhook_message(request: web.Request) -> web.Response:
    core, message = _webhook_message(request)
    await core.delete_message(message)
    return web.Response(status=204)
