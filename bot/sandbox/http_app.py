"""The aiohttp application: REST routes under the API prefix, middlewares, gateway and attachments."""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from aiohttp.typedefs import Middleware

from bot.sandbox.core import SandboxCore
from bot.sandbox.errors import SandboxHTTPError, unauthorized, unknown
from bot.sandbox.keys import CORE_KEY
from bot.sandbox.respond import json_response

__all__ = ["RateLimitPolicy", "build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_TOKEN_IN_PATH = ("/interactions/", "/webhooks/")


@dataclass(frozen=True, slots=True)
class RateLimitPolicy:
    """Requests allowed per bucket (route and major parameter) per window, as Discord reports them."""

    limit: int = 50
    window: float = 1.0


class _Buckets:
    def __init__(self, policy: RateLimitPolicy) -> None:
        self.policy = policy
        self._windows: dict[str, tuple[float, int]] = {}

    def take(self, key: str) -> tuple[int, float, bool]:
        """Count one request; return (remaining, seconds to reset, allowed)."""
        now = time.monotonic()
        start, used = self._windows.get(key, (now, 0))
        if now - start >= self.policy.window:
            start, used = now, 0
        allowed = used < self.policy.limit
        used += 1 if allowed else 0
        self._windows[key] = (start, used)
        return max(self.policy.limit - used, 0), max(start + self.policy.window - now, 0.001), allowed


def _bucket_key(request: web.Request) -> str:
    route = request.match_info.route.resource
    canonical = route.canonical if route is not None else request.path
    info = request.match_info
    major = info.get("channel_id") or info.get("guild_id") or info.get("token") or ""
    return f"{request.method} {canonical} {major}"


def _ratelimit_middleware(policy: RateLimitPolicy) -> Middleware:
    buckets = _Buckets(policy)

    @web.middleware
    async def ratelimit(request: web.Request, handler: Handler) -> web.StreamResponse:
        key = _bucket_key(request)
        remaining, reset_after, allowed = buckets.take(key)
        bucket = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16]
        headers = {
            "X-RateLimit-Limit": str(policy.limit),
            "X-RateLimit-Remaining": str(remaining),
            "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": bucket,
        }
        if not allowed:
            body = {"message": "You are being rate limited.", "retry_after": reset_after, "global": False}
            headers.update({"Retry-After": str(math.ceil(reset_after)), "Via": "1.1 google"})
            headers["X-RateLimit-Scope"] = "user"
            return json_response(body, status=429, headers=headers)
        response = await handler(request)
        response.headers.update(headers)
        return response

    return ratelimit


@web.middleware
async def _error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except SandboxHTTPError as error:
        return json_response(error.body(), status=error.status)
    except web.HTTPNotFound:
        return json_response({"message": "404: Not Found", "code": 0}, status=404)
    except web.HTTPMethodNotAllowed:
        return json_response({"message": "405: Method Not Allowed", "code": 0}, status=405)


@web.middleware
async def _auth_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    core = request.app[CORE_KEY]
    open_route = any(part in request.path for part in _TOKEN_IN_PATH) or request.path.endswith("/gateway")
    if not open_route and request.headers.get("Authorization") != f"Bot {core.hub.config.token}":
        raise unauthorized()
    return await handler(request)


async def _attachment(request: web.Request) -> web.StreamResponse:
    core = request.app[CORE_KEY]
    attachment_id = int(request.match_info["attachment_id"])
    channel = core.state.channel(int(request.match_info["channel_id"]))
    for message in channel.messages:
        for attachment in message.attachments:
            if attachment.id == attachment_id:
                return web.Response(body=attachment.data, content_type=attachment.content_type)
    raise unknown("Attachment")


def build_app(
    core: SandboxCore, api_prefix: str, policy: RateLimitPolicy, routes: list[web.RouteTableDef]
) -> web.Application:
    """The root app: ``/gateway`` (websocket), ``/attachments/...``, and the REST API under ``api_prefix``."""
    api = web.Application(middlewares=[_error_middleware, _auth_middleware, _ratelimit_middleware(policy)])
    api[CORE_KEY] = core
    for table in routes:
        api.add_routes(table)
    root = web.Application(middlewares=[_error_middleware])
    root[CORE_KEY] = core
    root.router.add_get("/gateway", core.hub.handle)
    root.router.add_get("/attachments/{channel_id}/{attachment_id}/{filename}", _attachment)
    root.add_subapp(api_prefix, api)
    return root
