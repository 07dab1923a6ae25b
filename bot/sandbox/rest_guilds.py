"""REST: guilds, their channels, members and roles (adding and removing a member's role)."""

from __future__ import annotations

from aiohttp import web

from bot.sandbox.core import SandboxCore
from bot.sandbox.keys import CORE_KEY
from bot.sandbox.payloads import channel_payload, guild_payload, member_payload, role_payload
from bot.sandbox.respond import json_response
from bot.sandbox.state import GuildRecord

__all__ = ["routes"]

routes = web.RouteTableDef()


def _guild(request: web.Request) -> tuple[SandboxCore, GuildRecord]:
    core = request.app[CORE_KEY]
    return core, core.state.guild(int(request.match_info["guild_id"]))


@routes.get("/guilds/{guild_id:\\d+}")
async def get_guild(request: web.Request) -> web.Response:
    core, guild = _guild(request)
    payload = guild_payload(core.state, guild)
    if request.query.get("with_counts") == "true":
        payload.update(approximate_member_count=len(guild.members), approximate_presence_count=0)
    return json_response(payload)


@routes.get("/guilds/{guild_id:\\d+}/channels")
async def list_guild_channels(request: web.Request) -> web.Response:
    core, guild = _guild(request)
    return json_response([channel_payload(core.state, core.state.channels[cid]) for cid in guild.channel_ids])


@routes.get("/guilds/{guild_id:\\d+}/roles")
async def list_roles(request: web.Request) -> web.Response:
    _, guild = _guild(request)
    return json_response([role_payload(role) for role in guild.roles.values()])


@routes.get("/guilds/{guild_id:\\d+}/members")
async def list_members(request: web.Request) -> web.Response:
    core, guild = _guild(request)
    limit = min(int(request.query.get("limit", "1")), 1000)
    after = int(request.query.get("after", "0"))
    chosen = sorted((m for m in guild.members.values() if m.user_id > after), key=lambda m: m.user_id)[:limit]
    return json_response([member_payload(core.state, m) for m in chosen])


@routes.get("/guilds/{guild_id:\\d+}/members/{user_id:\\d+}")
async def get_member(request: web.Request) -> web.Response:
    core, guild = _guild(request)
    member = core.state.member(guild.id, int(request.match_info["user_id"]))
    return json_response(member_payload(core.state, member))


@routes.put("/guilds/{guild_id:\\d+}/members/{user_id:\\d+}/roles/{role_id:\\d+}")
async def add_member_role(request: web.Request) -> web.Response:
    return await _set_role(request, present=True)


@routes.delete("/guilds/{guild_id:\\d+}/members/{user_id:\\d+}/roles/{role_id:\\d+}")
async def remove_member_role(request: web.Request) -> web.Response:
    return await _set_role(request, present=False)


async def _set_role(request: web.Request, *, present: bool) -> web.Response:
    core, guild = _guild(request)
    user_id, role_id = int(request.match_info["user_id"]), int(request.match_info["role_id"])
    await core.set_member_role(guild.id, user_id, role_id, present=present)
    return web.Response(status=204)
