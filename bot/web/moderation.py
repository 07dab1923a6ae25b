"""HTTP side of moderation: the platform's content intake, the public penalties, round manifests.

- ``POST /content`` (``Authorization: Bearer <DAOBOT_PLATFORM_TOKEN>``): one post as a JSON object,
  a JSON list of posts, or JSON Lines (``Content-Type: application/x-ndjson``). Every problem is
  reported with where it is (line and column of a JSON syntax error, the list index or JSONL line and
  the field of an invalid post); a request with any problem imports nothing. Posting a post again is
  harmless (the id is the idempotency key).
- ``GET /ranking/penalties``: every current ranking penalty with its public reason.
- ``GET /moderation/rounds/{id}.json``: a closed round's manifest (its root is on the ModerationLedger).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from governance.config import Settings
from governance.domain.content import Post, parse_post, parse_posts_jsonl
from governance.domain.errors import DaobotError, InvalidInput, NotFound, WrongState
from governance.services import content as content_service
from governance.services import moderation as moderation_service

__all__ = ["moderation_routes"]

MAX_BODY = 4 * 1024 * 1024


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


def _authorized(request: web.Request, settings: Settings) -> bool:
    token = settings.platform_token.get_secret_value() if settings.platform_token else ""
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def parse_body(text: str, content_type: str, now: datetime) -> list[Post]:
    """Posts from a request body, or ``InvalidInput`` listing every problem with its place."""
    if content_type in ("application/x-ndjson", "application/jsonl"):
        return parse_posts_jsonl(text.splitlines(), now=now)
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"The body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).") from exc
    items = raw if isinstance(raw, list) else [raw]
    posts: list[Post] = []
    problems: list[str] = []
    for index, item in enumerate(items):
        try:
            posts.append(parse_post(item, now=now))
        except InvalidInput as exc:
            where = f"post {index}" + (f" (id {item.get('id')!r})" if isinstance(item, dict) and "id" in item else "")
            problems.append(f"{where}: {exc.message}")
    if problems:
        raise InvalidInput("The import was refused; nothing was imported.\n" + "\n".join(problems[:20]))
    if len({p.id for p in posts}) != len(posts):
        raise InvalidInput("The same post id appears twice in one request; nothing was imported.")
    return posts


def moderation_routes(
    settings: Settings,
    intake: Callable[[], content_service.IntakeDeps],
    deps: Callable[[], moderation_service.ModerationDeps],
    now: Callable[[], int],
) -> list[web.RouteDef]:
    async def post_content(request: web.Request) -> web.Response:
        if not _authorized(request, settings):
            return _error(401, "A valid platform bearer token is required.")
        if (request.content_length or 0) > MAX_BODY:
            return _error(413, f"The body is larger than {MAX_BODY // (1024 * 1024)} MiB.")
        text = await request.text()
        try:
            posts = parse_body(text, request.content_type, datetime.fromtimestamp(now(), tz=UTC))
            report = await content_service.ingest_posts(intake(), posts)
        except DaobotError as exc:
            return _error(400, exc.message)
        return web.json_response(asdict(report))

    async def get_penalties(request: web.Request) -> web.Response:
        found = await moderation_service.ranking_penalties(deps().uow_factory)
        rows = [{**asdict(p), "decided_at": p.decided_at.isoformat()} for p in found]
        return web.json_response({"penalties": rows})

    async def get_manifest(request: web.Request) -> web.Response:
        try:
            manifest = await moderation_service.manifest_of(deps(), int(request.match_info["round_id"]))
        except (NotFound, WrongState) as exc:
            return _error(404, exc.message)
        return web.json_response(manifest)

    handlers: list[tuple[str, str, Callable[[web.Request], Awaitable[web.Response]]]] = [
        ("POST", "/content", post_content),
        ("GET", "/ranking/penalties", get_penalties),
        ("GET", r"/moderation/rounds/{round_id:\d+}.json", get_manifest),
    ]
    return [web.route(method, path, handler) for method, path, handler in handlers]
