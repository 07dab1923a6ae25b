"""REST: the bot's own user, the gateway URL, application info, and application command sync."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sandbox.core import SandboxCore
from bot.sandbox.errors import invalid_form, unknown
from bot.sandbox.keys import CORE_KEY
from bot.sandbox.message_input import read_json_body
from bot.sandbox.payloads import user_payload
from bot.sandbox.respond import json_response
from bot.sandbox.state import CommandRecord

__all__ = ["routes"]

routes = web.RouteTableDef()


@routes.get("/users/@me")
async def get_me(request: web.Request) -> web.Response:
    core = request.app[CORE_KEY]
    return json_response(user_payload(core.state.user(core.bot_user_id)))


@routes.get("/users/{user_id:\\d+}")
async def get_user(request: web.Request) -> web.Response:
    core = request.app[CORE_KEY]
    return json_response(user_payload(core.state.user(int(request.match_info["user_id"]))))


@routes.get("/gateway")
async def get_gateway(request: web.Request) -> web.Response:
    return json_response({"url": _gateway_url(request)})


@routes.get("/gateway/bot")
async def get_gateway_bot(request: web.Request) -> web.Response:
    limit = {"total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}
    return json_response({"url": _gateway_url(request), "shards": 1, "session_start_limit": limit})


def _gateway_url(request: web.Request) -> str:
    scheme = "wss" if request.secure else "ws"
    return f"{scheme}://{request.host}/gateway"


@routes.get("/oauth2/applications/@me")
@routes.get("/applications/@me")
async def get_application(request: web.Request) -> web.Response:
    core = request.app[CORE_KEY]
    bot = core.state.user(core.bot_user_id)
    return json_response(
        {
            "id": str(core.application_id),
            "name": bot.name,
            "description": "Sandbox application",
            "icon": None,
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": user_payload(bot),
            "team": None,
            "verify_key": "0" * 64,
            "flags": 0,
            "bot": user_payload(bot),
            "redirect_uris": [],
            "interactions_endpoint_url": None,
        }
    )


def _scope(request: web.Request) -> tuple[SandboxCore, int | None]:
    core = request.app[CORE_KEY]
    if int(request.match_info["app_id"]) != core.application_id:
        raise unknown("Application")
    guild_id = request.match_info.get("guild_id")
    if guild_id is None:
        return core, None
    return core, core.state.guild(int(guild_id)).id


def _command_payload(core: SandboxCore, command: CommandRecord) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": 1,
        "description": "",
        "options": [],
        "default_member_permissions": None,
        "nsfw": False,
        **command.payload,
        "id": str(command.id),
        "application_id": str(core.application_id),
        "version": str(command.id),
    }
    if command.guild_id is not None:
        payload["guild_id"] = str(command.guild_id)
    return payload


def _in_scope(core: SandboxCore, guild_id: int | None) -> list[CommandRecord]:
    return [c for c in core.state.commands.values() if c.guild_id == guild_id]


def _upsert(core: SandboxCore, guild_id: int | None, body: Any) -> CommandRecord:
    if not isinstance(body, dict) or not isinstance(body.get("name"), str):
        raise invalid_form("name", "A command needs a name.")
    kind = int(body.get("type", 1))
    for existing in _in_scope(core, guild_id):
        if existing.name == body["name"] and existing.type == kind:
            existing.payload = dict(body)
            return existing
    command = CommandRecord(core.state.ids.next(), guild_id, dict(body))
    core.state.commands[command.id] = command
    return command


@routes.get("/applications/{app_id}/commands")
@routes.get("/applications/{app_id}/guilds/{guild_id}/commands")
async def list_commands(request: web.Request) -> web.Response:
    core, guild_id = _scope(request)
    return json_response([_command_payload(core, c) for c in _in_scope(core, guild_id)])


@routes.put("/applications/{app_id}/commands")
@routes.put("/applications/{app_id}/guilds/{guild_id}/commands")
async def bulk_overwrite_commands(request: web.Request) -> web.Response:
    core, guild_id = _scope(request)
    body = await request.json()
    if not isinstance(body, list):
        raise invalid_form("body", "Expected a list of commands.")
    kept = [_upsert(core, guild_id, item) for item in body]
    kept_ids = {c.id for c in kept}
    for stale in [c for c in _in_scope(core, guild_id) if c.id not in kept_ids]:
        del core.state.commands[stale.id]
    core.state.touch()
    return json_response([_command_payload(core, c) for c in kept])


@routes.post("/applications/{app_id}/commands")
@routes.post("/applications/{app_id}/guilds/{guild_id}/commands")
async def upsert_command(request: web.Request) -> web.Response:
    core, guild_id = _scope(request)
    command = _upsert(core, guild_id, await read_json_body(request))
    core.state.touch()
    return json_response(_command_payload(core, command), status=201)


def _command(core: SandboxCore, guild_id: int | None, request: web.Request) -> CommandRecord:
    command = core.state.commands.get(int(request.match_info["command_id"]))
    if command is None or command.guild_id != guild_id:
        raise unknown("application command")
    return command


@routes.get("/applications/{app_id}/commands/{command_id:\\d+}")
@routes.get("/applications/{app_id}/guilds/{guild_id}/commands/{command_id:\\d+}")
async def get_command(request: web.Request) -> web.Response:
    core, guild_id = _scope(request)
    return json_response(_command_payload(core, _command(core, guild_id, request)))


@routes.patch("/applications/{app_id}/commands/{command_id:\\d+}")
@routes.patch("/applications/{app_id}/guilds/{guild_id}/commands/{command_id:\\d+}")
async def edit_command(request: web.Request) -> web.Response:
    core, guild_id = _scope(request)
    command = _command(core, guild_id, request)
    command.payload = {**command.payload, **await read_json_body(request)}
    core.state.touch()
    return json_response(_command_payload(core, command))


@routes.delete("/applications/{app_id}/commands/{command_id:\\d+}")
@routes.delete("/applications/{app_id}/guilds/{guild_id}/commands/{command_id:\\d+}")
async def delete_command(request: web.Request) -> web.Response:
    core, guild_id = _scope(request)
    del core.state.commands[_command(core, guild_id, request).id]
    core.state.touch()
    return web.Response(status=204)
