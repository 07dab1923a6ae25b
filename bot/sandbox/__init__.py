"""A local Discord-compatible server, so the real discord.py client runs with no Discord account.

Emulated (API v10, the subset a slash-command bot uses):

- REST under a configurable prefix (default ``/api/v10``): ``GET /users/@me`` and ``/users/{id}``,
  ``GET /gateway`` and ``/gateway/bot``, application info, global and guild application command
  sync (bulk PUT, GET, POST, PATCH, DELETE), channels and messages (create/edit/delete/get/list,
  JSON or multipart with file attachments, served back under ``/attachments/...``), DMs, typing,
  guilds, channels, roles, members and member role add/remove, interaction callbacks (types 1, 4,
  5, 6, 7, 8, 9) and followups (``/webhooks/{app}/{token}`` and its ``messages/@original|{id}``).
  Every response carries ``X-RateLimit-*`` headers; exceeding the (generous) per-route bucket
  returns Discord's 429 body. Errors are Discord's JSON (``{"message", "code"}``, e.g. 10003).
- The gateway at ``/gateway`` (``encoding=json``, optional ``compress=zlib-stream``): HELLO,
  IDENTIFY/READY, heartbeats, RESUME with replay of missed dispatches, INVALID_SESSION,
  REQUEST_GUILD_MEMBERS, and the dispatches GUILD_CREATE, INTERACTION_CREATE, MESSAGE_CREATE,
  MESSAGE_UPDATE, MESSAGE_DELETE, GUILD_MEMBER_UPDATE.
- A state model (one guild, text channels, DMs, roles, members, messages with edit history,
  synced commands) and a record of every interaction with its creation and acknowledgement times.

Not emulated: sharding beyond one shard, ETF encoding, zstd compression, intents filtering,
permission checks (everyone may do everything), voice, threads, reactions, presences, webhooks
other than interaction webhooks, audit logs, attachment options in slash commands, autocomplete
dispatch from the driver, message content intent, CDN assets (avatars, icons).

Use :class:`SandboxServer` and its :class:`Member` handles from tests and the demo, and
:func:`point_discord_at` to aim discord.py at it.
"""

from __future__ import annotations

from bot.sandbox.client_patch import DiscordEndpoints, point_discord_at, pointed_at
from bot.sandbox.driver import InteractionResult, Member
from bot.sandbox.errors import SandboxError
from bot.sandbox.http_app import RateLimitPolicy
from bot.sandbox.server import SandboxConfig, SandboxServer
from bot.sandbox.state import Attachment, InteractionRecord, MessageRecord

__all__ = [
    "Attachment",
    "DiscordEndpoints",
    "InteractionRecord",
    "InteractionResult",
    "Member",
    "MessageRecord",
    "RateLimitPolicy",
    "SandboxConfig",
    "SandboxError",
    "SandboxServer",
    "point_discord_at",
    "pointed_at",
]
